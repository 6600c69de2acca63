import AccessLabLog
import AccessLabProjections
import AccessLabReport
import AccessLabSimulation
import AccessLabSweep
import ArgumentParser
import Foundation

/// `accesslab report`: one self-contained HTML page (or Markdown) with the charts of a run or a sweep.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write an HTML (or Markdown) report with charts of a run's database or a sweep's results.",
        discussion: """
        --db measures the log again from its first event, as the run that wrote it did (the run records \
        what it needs in the database); --from-sweep draws every variant of a sweep directory, pooling each \
        variant's seeds (--format json gives the pooled figures for scripts). The HTML page is one file: inline SVG charts and CSS, no scripts, nothing fetched. \
        Charts: leaver latency CDFs (benign and persisting, one curve per variant), where the latency goes \
        (HR to IdP, sync, sign-in cache, credential lifetime), exposure per simulated day, joiner time to \
        access, and the worst leaver's timeline; then the headline table and each run's seed and digest.

        Examples:
          accesslab run scenarios/org-120-jml.yaml --db /tmp/org && accesslab report --db /tmp/org --out org.html
          accesslab report --from-sweep /tmp/sweep --out sweep.html
          accesslab report --from-sweep /tmp/sweep --format md
          accesslab report --from-sweep /tmp/sweep --format json | jq '.variants[] | [.label, .latency.p50_s]'
        """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case html, md, json }

    @Option(help: ArgumentHelp("A database written by `accesslab run`.", valueName: "dir")) var db: String?
    @Option(name: .customLong("from-sweep"), help: ArgumentHelp("A sweep (or merge) output directory.", valueName: "dir")) var sweep: String?
    @Option(help: ArgumentHelp("Write the report here (default: standard output).", valueName: "file")) var out: String?
    @Option(help: ArgumentHelp("html, md or json (default: from --out's extension, else html).", valueName: "format")) var format: Format?

    func validate() throws {
        guard (db == nil) != (sweep == nil) else { throw ValidationError("give exactly one of --db DIR and --from-sweep DIR") }
    }

    func run() throws {
        let input = try db.map(Self.input(database:)) ?? Self.input(sweep: sweep ?? "")
        let chosen = format ?? (out?.hasSuffix(".md") == true ? .md : out?.hasSuffix(".json") == true ? .json : .html)
        let text = switch chosen {
        case .html: Report.html(input, generator: AccessLabVersion.current)
        case .md: Report.markdown(input, generator: AccessLabVersion.current)
        case .json: try JSONOutput.encode(ReportSummary(input, generator: AccessLabVersion.current), pretty: true) + "\n"
        }
        guard let out else { FileHandle.standardOutput.write(Data(text.utf8)); return }
        try SweepCommand.writeAtomically(Data(text.utf8), to: out)
        Console.err("report: \(input.variants.count) variant\(input.variants.count == 1 ? "" : "s"), \(input.variants.reduce(0) { $0 + $1.runs.count }) run(s) -> \(out)")
    }

    /// Folds the whole log through the meter with the context the run stored.
    static func input(database path: String) throws -> ReportInput {
        let log = try DatabaseOption.openExisting(path)
        let figures: RunFigures = try log.read { reader in
            let metadata = reader.metadata
            guard var context = MeasurementContext(parameters: metadata.parameters) else {
                throw CLIError("\(path): the log does not say how to measure it (written by `import`, or by `run` of AccessLab before 0.3); run the scenario again with this version")
            }
            if let stopped = metadata.runStoppedAt {
                context.end = stopped
                Console.err("report: \(metadata.interruptionNote ?? "")")
            }
            let verbose = isatty(STDERR_FILENO) == 1
            let total = reader.head.lastSeq
            let report = try RevocationMeter.measure(reader, rules: AccessRules(parameters: metadata.parameters), context: context) { done in
                if verbose { FileHandle.standardError.write(Data("\r  report: measured \(done)/\(total) events ".utf8)) }
            }
            if verbose && total >= 100_000 { FileHandle.standardError.write(Data("\n".utf8)) }
            var figures = RunFigures(accesslab_version: AccessLabVersion.current, scenario: metadata.scenario ?? "(unnamed)", seed: metadata.seed ?? 0,
                                     digest: reader.head.digest.hex, events: total, start: context.start, end: context.end, report: report)
            figures.stopped_at = metadata.runStoppedAt?.description
            return figures
        }
        return ReportInput(run: figures, source: "database \(path)")
    }

    static func input(sweep dir: String) throws -> ReportInput {
        let results = try MergeCommand.readRuns(from: [dir])
        do { return try ReportInput(sweep: SweepResults(Array(results.values)), source: "sweep \(dir)") } catch let e as ReportError {
            throw CLIError(e.description)
        }
    }
}
