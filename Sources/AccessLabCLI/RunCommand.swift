import AccessLabEvents
import AccessLabLog
import AccessLabQuery
import AccessLabScenario
import AccessLabSimulation
import ArgumentParser
import Foundation

/// `accesslab run SCENARIO`: the main job. Runs a scenario into a log and reports revocation latency.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a scenario on virtual time and report leaver, mover and joiner latencies.",
        discussion: """
        The scenario's events go to an LMDB database (a temporary one, removed afterwards, when --db is \
        absent). Same scenario and seed give the same digest. A progress line (virtual date, events, rate) \
        goes to standard error when it is a terminal and the run lasts more than two seconds; --quiet or \
        --json turn it off. Ctrl-C or SIGTERM stops the run between two steps: everything simulated so far \
        is committed, the log verifies, it is marked as stopped at that virtual time (queries and reports \
        say so), and `run --resume --db DIR` continues it to the digest an uninterrupted run gives.

        Examples:
          accesslab run scenarios/org-120-jml.yaml
          accesslab run scenarios/tiny.yaml --db /tmp/tiny --seed 7 --json
          accesslab run scenarios/okta-push.yaml --until 14d --report /tmp/okta.json
          accesslab run scenarios/tiny.yaml --set 'idp.hr_lag={uniform: [5m, 2h]}'
          accesslab run --resume --db /tmp/org
        """
    )

    @Argument(help: ArgumentHelp("The scenario YAML file (with --resume: the one the run recorded, unless given).", valueName: "scenario"))
    var scenario: String?

    @Flag(help: "Continue an interrupted run in --db from where it stopped, with the scenario, seed and settings it recorded.")
    var resume = false

    @Flag(help: "No progress line.")
    var quiet = false

    @Option(help: .hidden) var stopAt: String?
    @Option(help: .hidden) var progressAfter: Double = 2

    @Option(help: ArgumentHelp("Database directory to create (must be new or empty).", valueName: "dir"))
    var db: String?

    @Option(help: ArgumentHelp("Seed for every random draw (default: the scenario's).", valueName: "n"))
    var seed: UInt64?

    @Option(help: ArgumentHelp("Stop this long after the start (e.g. 14d, 36h) instead of at the scenario's end.", valueName: "duration"))
    var until: String?

    @Option(name: .customLong("set"), help: ArgumentHelp("Override a scenario value with a YAML value, repeatable: idp.cycle_interval=20m, 'idp.hr_lag={uniform: [5m, 2h]}'.", valueName: "key=value"))
    var settings: [String] = []

    @Option(help: ArgumentHelp("Run this long instead of the scenario's duration (e.g. 365d).", valueName: "duration"))
    var duration: String?

    @Flag(help: "Print the report as one JSON object.")
    var json = false

    @Option(help: ArgumentHelp("Also write the JSON report to this file.", valueName: "file"))
    var report: String?

    @Flag(help: "Skip the independent check (a second reading of the log that recomputes every figure and checks the invariants).")
    var noCheck = false

    func run() throws {
        let plan = try resume ? RunPlan.resuming(self) : RunPlan.fresh(self)
        var scenario: Scenario
        do {
            scenario = try ScenarioLoader.files.load(path: plan.scenarioPath, settings: try Self.parseSettings(plan.settings))
        } catch let error as CLIError { throw error } catch {
            throw CLIError(String(describing: error))
        }
        if let seed = plan.seed { scenario.seed = seed }
        if let d = plan.duration { scenario.duration = d }
        let limit = plan.until.map { scenario.start + $0 }
        let path: String, temporary: Bool
        if resume { (path, temporary) = (plan.database ?? "", false) } else { (path, temporary) = try Self.prepareDatabase(db) }
        defer { if temporary { try? FileManager.default.removeItem(atPath: path) } }
        let log: LMDBEventLog
        do { log = try LMDBEventLog(path: path, create: !resume) } catch let e as EventLogError { throw CLIError(e.description) }

        let clock = ContinuousClock()
        var began = clock.now
        let summary: RunSummary
        let progress: ProgressLine
        var abacComparison: ABACComparison?
        // The simulation (its state, people and queue) ends with this scope, before the independent check reads the log.
        do {
            let simulation: Simulation
            do { simulation = try Simulation(scenario: scenario, log: log, resuming: resume) } catch { throw CLIError("\(path): \(error)") }
            simulation.runParameters = plan.parameters(scenario: scenario)
            progress = ProgressLine(enabled: !json && !quiet && isatty(STDERR_FILENO) == 1, start: scenario.start, end: limit ?? scenario.end,
                                    delay: .milliseconds(Int64(max(progressAfter, 0) * 1000)))
            simulation.progress = { progress.update(at: $0, events: $1) }
            let stopAt = try self.stopAt.map { text -> Instant in
                guard let t = ISO8601.parseWritten(text) else { throw CLIError("--stop-at '\(text)': expected a time") }
                return t
            }
            simulation.shouldStop = { now in
                if let stopAt, now >= stopAt { Interrupt.raise(SIGINT) }
                return Interrupt.raised != 0
            }
            Interrupt.install()
            began = clock.now
            do { summary = try simulation.run(until: limit) } catch { progress.finish(); throw CLIError("the run stopped: \(error)") }
            if let c = scenario.abacComparison {
                abacComparison = ABACComparison.run(simulation.state, permissionSetId: c.permissionSetId, perTeamPolicy: c.perTeamPolicy,
                                                    accountIds: c.accountIds, actions: c.actions, tagKey: c.tagKey,
                                                    identityCenterRegion: scenario.identityCenter.region)
            }
        }
        progress.finish()
        Interrupt.restoreDefaults()
        if let stoppedAt = summary.interruptedAt {
            let signal = Interrupt.raised
            let day = (stoppedAt.ms - scenario.start.ms) / 86_400_000
            let total = ((limit ?? scenario.end).ms - scenario.start.ms) / 86_400_000
            Console.err("Interrupted by \(Interrupt.name(signal)): the run stopped at virtual time \(stoppedAt) (day \(day) of \(total)); "
                        + (temporary ? "nothing was kept (no --db)." : "\(summary.events) events are committed to \(path) (`accesslab verify` accepts the log), "
                           + "and queries and reports on it say where it stopped. Continue it with: accesslab run --resume --db \(path)"))
            throw ExitCode(Interrupt.exitCode(signal))
        }
        let elapsed = clock.now - began
        let wall_s = Self.seconds(elapsed)
        let digest = try log.read { $0.head.digest }
        var output = RunReport(scenario: scenario, summary: summary, digest: digest.hex, wall_s: wall_s,
                               database: temporary ? nil : path)
        if !noCheck {
            let checkBegan = clock.now
            output.independent_check = try log.read { reader in try RunCheck(reader, report: summary.report) }
            output.performance.check_wall_s = Self.seconds(clock.now - checkBegan)
        }
        output.abac_comparison = abacComparison
        let jsonText = try JSONOutput.encode(output)
        if let report { try Self.write(jsonText + "\n", to: report) }
        Console.out(json ? jsonText : output.text)
        if !summary.invariantViolations.isEmpty {
            throw CLIError("\(summary.invariantViolations.count) invariant violation(s); the first: \(summary.invariantViolations[0])")
        }
        if let failure = output.independent_check?.failure { throw failure }
    }

    static func seconds(_ d: Duration) -> Double {
        ((Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18) * 1000).rounded() / 1000
    }

    /// `key=value` pairs, in order.
    static func parseSettings(_ raw: [String]) throws -> [(key: String, value: String)] {
        try raw.map { text in
            let kv = text.split(separator: "=", maxSplits: 1)
            guard kv.count == 2, !kv[0].isEmpty else { throw CLIError("--set '\(text)': expected key=value, e.g. idp.cycle_interval=20m") }
            return (String(kv[0]), String(kv[1]))
        }
    }

    static func readFile(_ path: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDir) {
                throw CLIError(isDir.boolValue ? "it is a directory" : "permission denied")
            }
            throw CLIError("no such file")
        }
        guard let text = String(data: data, encoding: .utf8) else { throw CLIError("not UTF-8 text") }
        return text
    }

    /// A new or empty directory for the log; a fresh temporary one when none is given.
    static func prepareDatabase(_ db: String?) throws -> (String, Bool) {
        let fm = FileManager.default
        guard let db else {
            var template = Array(fm.temporaryDirectory.appendingPathComponent("accesslab-run-XXXXXX").path.utf8CString)
            guard let made = mkdtemp(&template) else { throw CLIError("cannot create a temporary database directory") }
            return (String(cString: made), true)
        }
        if fm.fileExists(atPath: db) {
            let contents = (try? fm.contentsOfDirectory(atPath: db)) ?? []
            if contents.contains("data.mdb") {
                let (events, stopped) = (try? LMDBEventLog(path: db).read { ($0.head.lastSeq, $0.metadata.runStoppedAt) }) ?? (0, nil)
                if let stopped, events > 0 {
                    throw CLIError("\(db) holds a run interrupted at \(stopped); continue it with `accesslab run --resume --db \(db)`, or run into a new directory")
                }
                if events > 0 { throw CLIError("\(db) already holds \(events) events; run a scenario into a new directory") }
            }
        } else {
            do { try fm.createDirectory(atPath: db, withIntermediateDirectories: true) } catch {
                throw CLIError("cannot create \(db): \(error.localizedDescription)")
            }
        }
        return (db, false)
    }

    static func write(_ text: String, to path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8)) else { throw CLIError("cannot write \(path)") }
    }
}

/// One line on standard error, rewritten in place, while a run goes on: the virtual date reached, the
/// events written and the rate. Shown only once the run has lasted `delay`, at most five times a second.
final class ProgressLine {
    let enabled: Bool
    let start: Instant
    let end: Instant
    let delay: Duration
    private let clock = ContinuousClock()
    private let began: ContinuousClock.Instant
    private var lastShown: ContinuousClock.Instant?
    private var shown = false

    init(enabled: Bool, start: Instant, end: Instant, delay: Duration = .seconds(2)) {
        self.enabled = enabled; self.start = start; self.end = end; self.delay = delay
        began = clock.now
    }

    func update(at t: Instant, events: UInt64) {
        guard enabled else { return }
        let now = clock.now
        guard now - began >= delay, lastShown.map({ now - $0 >= .milliseconds(200) }) ?? true else { return }
        lastShown = now
        FileHandle.standardError.write(Data(("\r" + Self.text(at: t, events: events, start: start, end: end, elapsed_s: RunCommand.seconds(now - began)) + "\u{1B}[K").utf8))
        shown = true
    }

    /// `  2026-01-21T06:00Z  day 16 of 90 (18%)  172345 events  53012 events/s`
    static func text(at t: Instant, events: UInt64, start: Instant, end: Instant, elapsed_s: Double) -> String {
        let total = max(end.ms - start.ms, 1)
        let percent = min(100, max(0, (t.ms - start.ms) * 100 / total))
        let day = (t.ms - start.ms) / 86_400_000
        let date = String(t.description.prefix(16)) + "Z"
        let rate = elapsed_s > 0 ? Int((Double(events) / elapsed_s).rounded()) : 0
        return "  \(date)  day \(day) of \(total / 86_400_000) (\(percent)%)  \(events) events  \(rate) events/s"
    }

    func finish() {
        if shown { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)); shown = false }
    }
}

/// JSON as scripts want it: keys sorted, so output is stable from run to run.
enum JSONOutput {
    static func encode<T: Encodable>(_ value: T, pretty: Bool = true) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}

extension ScenarioLoader {
    /// Scenarios, policies and change files from the file system, and databases for `organization: {from: DIR}`
    /// (the state at the end of the log).
    static var files: ScenarioLoader {
        ScenarioLoader(read: RunCommand.readFile, readDatabase: { path in
            guard FileManager.default.fileExists(atPath: path) else { throw CLIError("no such database") }
            let log = try LMDBEventLog(path: path)
            return try log.read { try History(reader: $0).state(through: $0.head.lastSeq, useSnapshots: true) }
        })
    }
}
