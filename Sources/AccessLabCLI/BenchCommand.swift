import AccessLabBench
import AccessLabScenario
import AccessLabSimulation
import ArgumentParser
import Foundation

/// `accesslab bench`: the performance suite, each figure beside its baseline and target.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure every layer against its baseline: LMDB puts, appends, replay, simulation, as-of queries, policy evaluation.",
        discussion: """
        Build in release mode first (swift build -c release). --quick runs the reference scenario for 14 days \
        and as-of queries on that log (under a minute); the full suite runs 90 days, appends 1,000,000 events \
        and queries a 10,000,000-event log (several minutes). Figures are from this run on this machine; \
        ratios to the baselines measured in the same run are what to compare across machines.

        Examples:
          accesslab bench --quick
          accesslab bench --json > bench.json
        """
    )

    @Flag(help: "A run of under a minute.") var quick = false
    @Flag(help: "Print one JSON object.") var json = false
    @Option(name: .customLong("scenario"), help: ArgumentHelp("The reference scenario.", valueName: "file"))
    var scenarioPath = "scenarios/org-120-jml.yaml"

    @Option(help: ArgumentHelp("Run one workload alone and print its figure (for profiling): policy, cloudtrail (the quick run's trail), serve (--count 500000 = 5 s of load), "
                                  + "append (--count events of the reference scenario, simulated for 14 days, raw puts beside appends), "
                                  + "or asof (--count queries on the reference scenario simulated for 14 days, or on --db).", valueName: "workload"))
    var only: String?
    @Option(help: ArgumentHelp("With --only: how many evaluations, events, requests (/100000 s) or queries (default 200000; asof: 100).", valueName: "n"))
    var count: Int?
    @Option(help: ArgumentHelp("With --only serve: keep-alive connections.", valueName: "n")) var connections = 8
    @Option(help: ArgumentHelp("With --only asof: query this existing log instead of simulating one.", valueName: "path")) var db: String?

    func run() throws {
        let clock = ContinuousClock(), origin = clock.now
        let now = {
            let d = clock.now - origin
            return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
        }
        if only == "policy" {
            let count = count ?? 200_000
            let seconds = try Bench.policyEvaluations(count, now: now)
            Console.out("policy_evals_per_s \(Int((Double(count) / seconds).rounded())) (\(count) evaluations)")
            return
        }
        guard only == nil || ["cloudtrail", "serve", "append", "asof"].contains(only!) else {
            throw CLIError("--only takes policy, cloudtrail, serve, append or asof, got '\(only ?? "")'")
        }
        let loaded: Scenario
        do { loaded = try ScenarioLoader.files.load(path: scenarioPath) } catch { throw CLIError(error.description) }
        var template = Array(FileManager.default.temporaryDirectory.appendingPathComponent("accesslab-bench-XXXXXX").path.utf8CString)
        guard let made = mkdtemp(&template) else { throw CLIError("cannot create a temporary directory") }
        let work = String(cString: made)
        defer { try? FileManager.default.removeItem(atPath: work) }
        if only == "append" {
            let bench = Bench(.init(quick: true, scenario: loaded, workDirectory: work, now: now, progress: { _ in }))
            let f = try bench.appendOnly(count: count ?? 200_000)
            Console.out("raw_lmdb_puts_per_s \(Int(f.rawPerSecond.rounded())) append_events_per_s \(Int(f.appendPerSecond.rounded())) "
                        + "append_vs_raw \(f.ratio) (\(f.events) events, batches of 10,000)")
            return
        }
        if only == "asof" {
            let bench = Bench(.init(quick: true, scenario: loaded, workDirectory: work, now: now, progress: { _ in }))
            let f = try bench.asofOnly(queries: count ?? 100, db: db)
            Console.out("asof_p50_ms \(f.p50) asof_p99_ms \(f.p99) (\(f.count) queries on \(f.events) events with \(f.snapshots) snapshots); "
                        + "p50 split: state \(f.stateP50) ms, rows \(f.rowsP50) ms")
            return
        }
        if only == "serve" {
            for (operation, us) in try ServeWorkload.profile(scenario: loaded, path: work + "/profile", rounds: 20) {
                Console.out("  \(operation): \(us) µs in the server")
            }
            let baseline = try ServeWorkload.run(scenario: loaded, path: work + "/baseline", seconds: 2, connections: connections, transportOnly: true)
            Console.out("serve_transport_baseline_per_s \(Int(baseline.requestsPerSecond)) p99 \(baseline.p99_ms) ms (GET /_accesslab/health, the same connections)")
            let f = try ServeWorkload.run(scenario: loaded, path: work + "/serve", seconds: Double(count ?? 200_000) / 100_000, connections: connections)
            Console.out("serve_requests_per_s \(Int(f.requestsPerSecond)) p50 \(f.p50_ms) ms p99 \(f.p99_ms) ms (\(f.requests) requests on \(f.connections) keep-alive connections; "
                        + "\(f.writesAccepted) writes accepted, \(f.eventsAppended) events appended, \(f.errors) errors)")
            return
        }
        if only == "cloudtrail" {
            let r = try CloudTrailWorkload.alone(scenario: loaded, workDirectory: work, now: now)
            Console.out("import_cloudtrail_records_per_s \(Int((Double(r.records) / r.seconds).rounded())) (\(r.records) records; JSON \(Int(r.parseSeconds / r.seconds * 100))% of it)")
            return
        }
        let verbose = isatty(STDERR_FILENO) == 1 && !json
        let results: Bench.Results
        do {
            results = try Bench(.init(quick: quick, scenario: loaded, workDirectory: work, now: now, progress: { if verbose { Console.err("  \($0)") } }, runLong: { days, path in
                try Self.runChild(["run", scenarioPath, "--duration", "\(days)d", "--db", path, "--json"])
            })).run()
        } catch {
            throw CLIError("bench failed: \(error)")
        }
        if json { Console.out(try JSONOutput.encode(results, pretty: false)); return }
        Console.out(Self.table(results))
    }

    /// Runs this executable with `arguments` and returns the child's peak resident memory in MB.
    static func runChild(_ arguments: [String]) throws -> Double {
        let process = Process()
        process.executableURL = Console.ownExecutable
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw CLIError("accesslab \(arguments.joined(separator: " ")) failed: \(String(decoding: message, as: UTF8.self))")
        }
        return Bench.peakRSSMegabytes(children: true)
    }

    static func table(_ r: Bench.Results) -> String {
        func n(_ v: Double) -> String { v >= 100 ? String(Int(v.rounded())) : String(format: "%.2f", v) }
        let rows: [(String, Double, String, Bool?)] = [
            ("raw_lmdb_puts_per_s", r.raw_lmdb_puts_per_s, "baseline", nil),
            ("append_events_per_s", r.append_events_per_s, ">= 1000000", r.append_events_per_s >= 1_000_000),
            ("append_vs_raw", r.append_vs_raw, ">= 0.5 (stretch 0.8)", r.append_vs_raw >= 0.5),
            ("replay_events_per_s", r.replay_events_per_s, ">= 1000000", r.replay_events_per_s >= 1_000_000),
            ("simulate_events_per_s", r.simulate_events_per_s, ">= 1000000", r.simulate_events_per_s >= 1_000_000),
            ("asof_p50_ms", r.asof_p50_ms, "", nil),
            ("asof_p99_ms", r.asof_p99_ms, "<= 10", r.asof_p99_ms <= 10),
            ("asof_replay_from_zero_ms", r.asof_replay_from_zero_ms, "baseline", nil),
            ("policy_evals_per_s", r.policy_evals_per_s, ">= 1000000", r.policy_evals_per_s >= 1_000_000),
            ("import_cloudtrail_records_per_s", r.import_cloudtrail_records_per_s, ">= 200000 (\(r.import_cloudtrail_records) records; JSON \(Int(r.import_cloudtrail_json_share * 100))% of it)",
             r.import_cloudtrail_records_per_s >= 200_000),
            ("asof_imported_p99_ms", r.asof_imported_p99_ms, "p50 \(r.asof_imported_p50_ms) ms, on the imported log (\(r.asof_imported_log_events) events)", nil),
            ("serve_requests_per_s", r.serve_requests_per_s, ">= 5000 (\(r.serve_connections) keep-alive connections, 4 reads : 1 write)", r.serve_requests_per_s >= 5000),
            ("serve_p99_ms", r.serve_p99_ms, "p50 \(r.serve_p50_ms) ms", nil),
            ("serve_transport_baseline_per_s", r.serve_transport_baseline_per_s, "baseline (GET /_accesslab/health on the same connections)", nil),
            ("serve_writes_lost", Double(r.serve_writes_accepted) - Double(r.serve_events_appended), "0 (\(r.serve_writes_accepted) writes accepted, \(r.serve_errors) errors)",
             r.serve_writes_accepted == Int(r.serve_events_appended)),
            ("peak_rss_mb", r.peak_rss_mb, "<= 1024 (\(r.mode == "full" ? "the 10M-event run, its own process" : "this process"))", r.peak_rss_mb <= 1024),
        ]
        var out = ["AccessLab bench (\(r.mode)): \(r.events_simulated) events simulated, \(r.events_appended) appended, "
                   + "as-of on \(r.asof_log_events) events with \(r.asof_snapshots) snapshots, \(r.policy_evals) policy evaluations"]
        out.append("key".padding(toLength: 32, withPad: " ", startingAt: 0) + "value".leftPad(14) + "   target")
        for (key, value, target, met) in rows {
            let mark = met.map { $0 ? "  met" : "  NOT met" } ?? ""
            out.append(key.padding(toLength: 32, withPad: " ", startingAt: 0) + n(value).leftPad(14) + "   " + target + mark)
        }
        out.append("as-of p50 split: state (snapshot + replay) \(n(r.asof_state_p50_ms)) ms, access rows for every user \(n(r.asof_rows_p50_ms)) ms; "
                   + "on the imported log \(n(r.asof_imported_state_p50_ms)) ms and \(n(r.asof_imported_rows_p50_ms)) ms")
        if let s = r.scale_run_wall_s { out.append("10M-event run: \(s) s wall") }
        return out.joined(separator: "\n")
    }
}
