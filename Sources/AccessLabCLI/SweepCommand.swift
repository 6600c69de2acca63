import AccessLabScenario
import AccessLabSweep
import ArgumentParser
import Foundation

/// `accesslab sweep`: a scenario over a product of settings and seeds, in parallel processes.
struct SweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Run a scenario over every combination of settings and seeds; write results.csv and results.json.",
        discussion: """
        Each run is `accesslab run SCENARIO --seed S --set KEY=VALUE ...` in its own process, up to --jobs at \
        once; a finished run is kept in OUT/runs/ and not redone when the sweep is restarted. Every combination of \
        settings is checked against the scenario before any run starts. --shard I/N runs only every N-th run \
        starting at the I-th; --shard auto/N takes I from a Kubernetes Indexed Job or a Slurm job array; \
        `accesslab merge` combines shard directories into results identical to a single-machine sweep.

        Examples:
          accesslab sweep scenarios/org-120-jml.yaml --set idp.model=cycle,push,hours \\
              --set permission_sets.ReadOnly.session_duration=1h,12h --seeds 1..5 --jobs 2 --out /tmp/sweep
          accesslab sweep scenarios/tiny.yaml --set idp.cycle_interval=20m,40m --seeds 1..3 --shard 2/3 --out /tmp/s2
          accesslab sweep scenarios/tiny.yaml --set 'idp.hr_lag={uniform: [5m, 2h]}' --set 'idp.hr_lag={fixed: 1h}' \\
              --seeds 1..3,7 --out /tmp/lag
          accesslab sweep scenarios/org-120-jml.yaml --set idp.model=cycle,push --seeds 1..20 --shard auto/16 --out /shared/shard-$JOB_COMPLETION_INDEX
        """
    )

    @Argument(help: ArgumentHelp("The scenario YAML file.", valueName: "scenario")) var scenario: String
    @Option(name: .customLong("set"), help: ArgumentHelp(
        "A scenario path and its YAML values, separated by ';' or by commas outside brackets; repeat the option to add values.",
        valueName: "key=v1,v2"))
    var settings: [String] = []
    @Option(help: ArgumentHelp("Seeds: numbers and ranges, 1..5 or 1..3,5,9.", valueName: "seeds")) var seeds: String = "1"
    @Option(help: "Runs at once.") var jobs: Int = 1
    @Option(help: ArgumentHelp("Run only the I-th of N slices of the runs; auto/N takes I from JOB_COMPLETION_INDEX (Kubernetes) or SLURM_ARRAY_TASK_ID (Slurm).", valueName: "I/N"))
    var shard: String?
    @Flag(help: "No progress on standard error.") var quiet = false
    @Option(help: ArgumentHelp("Output directory.", valueName: "dir")) var out: String

    func run() throws {
        let plan: SweepPlan
        var runs: [SweepPlan.Run]
        do {
            plan = SweepPlan(settings: try SweepArguments.settings(settings), seeds: try SweepArguments.seeds(seeds))
            runs = plan.runs
            if let shard {
                let (i, n) = try SweepArguments.shard(shard, environment: ProcessInfo.processInfo.environment)
                runs = plan.shard(i, of: n)
                if shard.hasPrefix("auto") && !quiet { Console.err("sweep: shard \(i) of \(n), \(runs.count) of \(plan.runs.count) runs") }
            }
        } catch { throw CLIError(error.description) }
        guard jobs >= 1, jobs <= 64 else { throw CLIError("--jobs must be between 1 and 64") }
        try Self.validate(scenario: scenario, plan: plan)
        let runsDir = out + "/runs"
        try FileManager.default.createDirectory(atPath: runsDir, withIntermediateDirectories: true)
        let pending = runs.filter { !FileManager.default.fileExists(atPath: "\(runsDir)/\($0.id).json") }
        let verbose = !quiet && isatty(STDERR_FILENO) == 1
        if verbose { Console.err("sweep: \(runs.count) runs, \(runs.count - pending.count) already done, \(pending.count) to run, \(jobs) at a time") }
        var failures: [String] = []
        var running: [(SweepPlan.Run, Process, String, Pipe)] = []
        var next = 0, done = 0
        Interrupt.install()
        while next < pending.count || !running.isEmpty {
            if Interrupt.raised != 0 {
                try stop(running, done: done, of: runs.count, already: runs.count - pending.count, verbose: verbose)
            }
            while running.count < jobs, next < pending.count {
                let run = pending[next]
                next += 1
                let report = "\(runsDir)/.\(run.id).report.json"
                let process = Process()
                process.executableURL = Console.ownExecutable
                process.arguments = ["run", scenario, "--seed", String(run.seed), "--report", report] + run.settings.flatMap { ["--set", "\($0.key)=\($0.value)"] }
                process.standardOutput = FileHandle.nullDevice
                let errors = Pipe()
                process.standardError = errors
                try process.run()
                running.append((run, process, report, errors))
            }
            usleep(20_000)
            for (i, entry) in running.enumerated().reversed() where !entry.1.isRunning {
                running.remove(at: i)
                let (run, process, report, errors) = entry
                let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                defer { try? FileManager.default.removeItem(atPath: report) }
                guard process.terminationStatus == 0, let data = FileManager.default.contents(atPath: report) else {
                    failures.append("\(run.id): \(message.trimmingCharacters(in: .whitespacesAndNewlines))")
                    continue
                }
                let result = try RunResult(run: run, report: data)
                try Self.writeAtomically(try Self.encode(result), to: "\(runsDir)/\(run.id).json")
                done += 1
                if verbose { FileHandle.standardError.write(Data("\r  sweep: \(done)/\(pending.count) runs finished ".utf8)) }
            }
        }
        if verbose && done > 0 { FileHandle.standardError.write(Data("\n".utf8)) }
        try MergeCommand.writeResults(from: [out], to: out)
        if !failures.isEmpty { throw CLIError("\(failures.count) run(s) failed; the first: \(failures[0])") }
        Console.out("\(runs.count) runs in \(out)/results.csv and results.json (\(pending.count - failures.count) run now)")
    }

    /// Ctrl-C or SIGTERM: stops the runs in progress (each run discards its temporary database), keeps
    /// the finished ones and their results, and says how to go on.
    func stop(_ running: [(SweepPlan.Run, Process, String, Pipe)], done: Int, of total: Int, already: Int, verbose: Bool) throws -> Never {
        for (_, process, _, _) in running where process.isRunning { process.terminate() }
        for (_, process, report, errors) in running {
            process.waitUntilExit()
            _ = errors.fileHandleForReading.readDataToEndOfFile()
            try? FileManager.default.removeItem(atPath: report)
        }
        if verbose && done > 0 { FileHandle.standardError.write(Data("\n".utf8)) }
        try MergeCommand.writeResults(from: [out], to: out)
        let signal = Interrupt.raised
        Console.err("sweep: interrupted by \(Interrupt.name(signal)); \(already + done) of \(total) runs are finished in \(out)/runs "
                    + "(\(running.count) stopped, their results discarded); the same command again runs the rest")
        throw ExitCode(Interrupt.exitCode(signal))
    }

    /// Loads the scenario with every combination of settings, so that a bad key or value stops the sweep
    /// before any run starts (each value alone past 1,000 combinations).
    static func validate(scenario: String, plan: SweepPlan) throws {
        var combinations: [[Setting]] = []
        for run in plan.runs where !combinations.contains(run.settings) { combinations.append(run.settings) }
        if combinations.count > 1000 {
            combinations = Array(Set(combinations.flatMap { $0 })).sorted { ($0.key, $0.value) < ($1.key, $1.value) }.map { [$0] }
        }
        let loader = ScenarioLoader.files
        for settings in combinations.isEmpty ? [[]] : combinations {
            do { _ = try loader.load(path: scenario, settings: settings.map { ($0.key, $0.value) }) } catch {
                let named = settings.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
                throw CLIError("\(error.description)\(named.isEmpty ? "" : " (with --set \(named))"); no run was started")
            }
        }
    }

    static func encode<T: Encodable>(_ value: T) throws -> Data { Data(try JSONOutput.encode(value, pretty: false).utf8) }

    /// Writes next to the target and renames, so that a result file is whole or absent.
    static func writeAtomically(_ data: Data, to path: String) throws {
        let tmp = path + ".tmp"
        guard FileManager.default.createFile(atPath: tmp, contents: data) else { throw CLIError("cannot write \(tmp)") }
        guard rename(tmp, path) == 0 else { throw CLIError("cannot rename \(tmp) to \(path)") }
    }
}

/// `accesslab merge`: results from the runs of several sweep (or shard) directories.
struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Combine sweep shard directories into one results.csv and results.json.",
        discussion: """
        The results are computed from the run records alone, so merging the shards of a sweep gives \
        byte-identical files to running it on one machine.

        Example:
          accesslab merge /tmp/s1 /tmp/s2 /tmp/s3 --out /tmp/sweep
        """
    )

    @Argument(help: ArgumentHelp("Sweep output directories.", valueName: "dir")) var directories: [String]
    @Option(help: ArgumentHelp("Where to write the merged results (and run records).", valueName: "dir")) var out: String

    func run() throws {
        guard !directories.isEmpty else { throw CLIError("name at least one sweep directory") }
        try Self.writeResults(from: directories, to: out)
        Console.out("merged \(directories.count) director\(directories.count == 1 ? "y" : "ies") into \(out)/results.csv and results.json")
    }

    static func writeResults(from directories: [String], to out: String) throws {
        let byId = try readRuns(from: directories)
        let results = SweepResults(Array(byId.values))
        try FileManager.default.createDirectory(atPath: out + "/runs", withIntermediateDirectories: true)
        for (id, run) in byId where !FileManager.default.fileExists(atPath: "\(out)/runs/\(id).json") {
            try SweepCommand.writeAtomically(try SweepCommand.encode(run), to: "\(out)/runs/\(id).json")
        }
        try SweepCommand.writeAtomically(Data(results.csv.utf8), to: out + "/results.csv")
        try SweepCommand.writeAtomically(Data(try results.json().utf8), to: out + "/results.json")
        for summary in results.summaries where !summary.wide_ci.isEmpty {
            let settings = summary.settings.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            Console.err("note: \(settings.isEmpty ? "the runs" : settings) (\(summary.runs) seeds): the 95% interval is wider than the mean for "
                        + summary.wide_ci.joined(separator: ", ") + "; more seeds would tell")
        }
    }

    /// The run records of sweep directories by run id (a run found in several is the same run).
    static func readRuns(from directories: [String]) throws -> [String: RunResult] {
        var byId: [String: RunResult] = [:]
        for dir in directories {
            let runsDir = dir + "/runs"
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: runsDir) else { throw CLIError("\(dir) has no runs/ directory") }
            for name in names.sorted() where name.hasSuffix(".json") && !name.hasPrefix(".") {
                guard let data = FileManager.default.contents(atPath: "\(runsDir)/\(name)") else { continue }
                do { byId[String(name.dropLast(5))] = try JSONDecoder().decode(RunResult.self, from: data) } catch {
                    throw CLIError("\(runsDir)/\(name): not a run record (\(error))")
                }
            }
        }
        return byId
    }
}
