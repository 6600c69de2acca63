import AccessLabEvents
import AccessLabLog
import AccessLabPolicy
import AccessLabProjections
import AccessLabQuery
import AccessLabSimulation
import Foundation
import LMDB

/// The benchmark suite behind `accesslab bench`: every layer measured beside its physical baseline in
/// the same run, so that ratios survive a noisy shared machine. The clock and the working directory
/// are injected; nothing here prints.
public struct Bench {
    public struct Options {
        public var quick: Bool
        public var scenario: Scenario
        public var workDirectory: String
        /// Seconds from some fixed origin (the CLI passes a monotonic clock).
        public var now: () -> Double
        /// Progress lines for a terminal.
        public var progress: (String) -> Void
        /// Runs the reference scenario for this many days into a new database at the path, in a separate
        /// process so that its peak memory is its own; returns that peak in MB. Nil: run in this process.
        public var runLong: ((_ days: Int64, _ path: String) throws -> Double)?
        public init(quick: Bool, scenario: Scenario, workDirectory: String, now: @escaping () -> Double, progress: @escaping (String) -> Void,
                    runLong: ((Int64, String) throws -> Double)? = nil) {
            self.quick = quick; self.scenario = scenario; self.workDirectory = workDirectory; self.now = now; self.progress = progress
            self.runLong = runLong
        }
    }

    /// The figures, under the keys the performance issue names, plus what they were measured on.
    public struct Results: Codable, Sendable {
        public var mode: String
        public var raw_lmdb_puts_per_s: Double
        public var append_events_per_s: Double
        public var append_vs_raw: Double
        public var replay_events_per_s: Double
        public var simulate_events_per_s: Double
        public var asof_p50_ms: Double
        public var asof_p99_ms: Double
        public var asof_replay_from_zero_ms: Double
        /// Of each as-of query: rebuilding the state (snapshot + replay) and building the access rows, p50.
        public var asof_state_p50_ms: Double
        public var asof_rows_p50_ms: Double
        public var policy_evals_per_s: Double
        /// `import cloudtrail` on the reference log written as a trail (no bodies): records per second, one core.
        public var import_cloudtrail_records_per_s: Double
        /// Of that time, the share spent reading the files: the walk that checks every byte and keeps the members the
        /// import reads (the rest: ordering, and the replay into events, which reads those members' objects in place).
        public var import_cloudtrail_json_share: Double
        public var import_cloudtrail_records: Int
        /// `access --at` on the log that import made (after its one-time snapshot backfill).
        public var asof_imported_p50_ms: Double
        public var asof_imported_p99_ms: Double
        public var asof_imported_log_events: UInt64
        public var asof_imported_state_p50_ms: Double
        public var asof_imported_rows_p50_ms: Double
        /// `serve` on loopback: keep-alive connections, four reads to one write, requests answered per second.
        public var serve_requests_per_s: Double
        public var serve_p50_ms: Double
        public var serve_p99_ms: Double
        /// Writes answered 200 and events the log gained over the load: equal when nothing is lost.
        public var serve_writes_accepted: Int
        public var serve_events_appended: UInt64
        public var serve_errors: Int
        public var serve_connections: Int
        /// The same connections sending only a trivial control call: what the socket and HTTP stack allow here.
        public var serve_transport_baseline_per_s: Double
        public var peak_rss_mb: Double
        public var events_appended: Int
        public var events_simulated: UInt64
        public var asof_log_events: UInt64
        public var asof_queries: Int
        public var asof_snapshots: Int
        public var scale_run_wall_s: Double?
        public var policy_evals: Int
    }

    let options: Options
    public init(_ options: Options) { self.options = options }

    public func run() throws -> Results {
        let o = options
        // 1. The reference scenario end to end.
        var scenario = o.scenario
        if o.quick { scenario.duration = .days(14) }
        o.progress("simulating \(scenario.name) for \(scenario.duration)")
        let simPath = o.workDirectory + "/simulate"
        let simLog = try LMDBEventLog(path: simPath, create: true)
        let t0 = o.now()
        let summary = try Simulation(scenario: scenario, log: simLog).run()
        let simulateSeconds = o.now() - t0

        // 2. Real events, encoded as the log stores them, for the append and raw put loops.
        let appended = try appendAgainstRaw(from: simLog, count: o.quick ? 200_000 : 1_000_000)

        // 3. Replaying every projection from the reference log, one core.
        o.progress("replaying \(summary.events) events")
        let t2 = o.now()
        let replayed = try simLog.read { try History(reader: $0).state(through: $0.head.lastSeq, useSnapshots: false) }
        let replaySeconds = o.now() - t2
        guard replayed.seq == summary.events else { throw QueryError("replay stopped at @\(replayed.seq) of \(summary.events)") }


        // 4. "As of" on a long log: the quick run reuses the reference log; the full run makes one of 10 million events.
        var asofLog = simLog
        var scaleWall: Double?
        var longPeak: Double?
        if !o.quick {
            let perDay = max(Double(summary.events) / max(Double(scenario.duration.ms) / 86_400_000, 1), 1)
            let days = Int64((10_000_000 / perDay).rounded(.up)) + 1
            o.progress("simulating \(days) days for a 10,000,000-event log")
            let path = o.workDirectory + "/asof"
            let t = o.now()
            if let runLong = o.runLong {
                longPeak = try runLong(days, path)
                asofLog = try LMDBEventLog(path: path)
            } else {
                var long = o.scenario
                long.duration = .days(days)
                asofLog = try LMDBEventLog(path: path, create: true)
                _ = try Simulation(scenario: long, log: asofLog).run()
            }
            scaleWall = o.now() - t
        }
        o.progress("as-of queries")
        let (p50, p99, queries, fromZero, snapshots, asofEvents, stateP50, rowsP50) = try asof(asofLog, queries: 100, fromZeroQueries: 3)

        // 5. Policy evaluation with the reference permission sets' policies and ABAC conditions.
        let evals = o.quick ? 200_000 : 2_000_000
        o.progress("policy evaluations: \(evals)")
        let policySeconds = try Self.policyEvaluations(evals, now: o.now)

        // 6. The first 150,000 records of the reference log as a CloudTrail trail (delivery files of 5,000), read
        // back. It holds the trail in memory, so the quick run's peak memory is read before it (the full run
        // reports the 10M-event process's own, which ran before).
        let peakBeforeTrail = Self.peakRSSMegabytes()
        o.progress("writing the log as CloudTrail records, then importing them")
        let trail = try CloudTrailWorkload.trail(from: simLog)
        let imported = try CloudTrailWorkload.importTime(trail, now: o.now)
        guard imported.events > 0 else { throw QueryError("the CloudTrail import made no events") }
        o.progress("as-of queries on the imported log")
        let importedAsOf = try asofOnImport(trail, path: o.workDirectory + "/imported")

        // 7. `serve` under a keep-alive load on loopback.
        o.progress("serve: keep-alive load on loopback")
        let serve = try ServeWorkload.run(scenario: o.scenario, path: o.workDirectory + "/serve", seconds: o.quick ? 2 : 10, connections: 8)
        let transport = try ServeWorkload.run(scenario: o.scenario, path: o.workDirectory + "/serve-baseline", seconds: o.quick ? 1 : 5, connections: 8, transportOnly: true)

        return Results(
            mode: o.quick ? "quick" : "full",
            raw_lmdb_puts_per_s: appended.rawPerSecond.rounded(), append_events_per_s: appended.appendPerSecond.rounded(),
            append_vs_raw: appended.ratio,
            replay_events_per_s: (Double(summary.events) / replaySeconds).rounded(),
            simulate_events_per_s: (Double(summary.events) / simulateSeconds).rounded(),
            asof_p50_ms: p50, asof_p99_ms: p99, asof_replay_from_zero_ms: fromZero, asof_state_p50_ms: stateP50, asof_rows_p50_ms: rowsP50,
            policy_evals_per_s: (Double(evals) / policySeconds).rounded(),
            import_cloudtrail_records_per_s: (Double(imported.records) / imported.seconds).rounded(),
            import_cloudtrail_json_share: (imported.parseSeconds / imported.seconds * 100).rounded() / 100,
            import_cloudtrail_records: imported.records,
            asof_imported_p50_ms: importedAsOf.p50, asof_imported_p99_ms: importedAsOf.p99, asof_imported_log_events: importedAsOf.events,
            asof_imported_state_p50_ms: importedAsOf.stateP50, asof_imported_rows_p50_ms: importedAsOf.rowsP50,
            serve_requests_per_s: serve.requestsPerSecond, serve_p50_ms: serve.p50_ms, serve_p99_ms: serve.p99_ms,
            serve_writes_accepted: serve.writesAccepted, serve_events_appended: serve.eventsAppended, serve_errors: serve.errors,
            serve_connections: serve.connections, serve_transport_baseline_per_s: transport.requestsPerSecond, peak_rss_mb: longPeak ?? peakBeforeTrail,
            events_appended: appended.events, events_simulated: summary.events, asof_log_events: asofEvents, asof_queries: queries,
            asof_snapshots: snapshots, scale_run_wall_s: scaleWall.map { ($0 * 10).rounded() / 10 }, policy_evals: evals)
    }

    /// The append path beside its physical baseline, measured in one run.
    public struct AppendFigures: Sendable {
        public var events: Int
        public var rawPerSecond: Double
        public var appendPerSecond: Double
        /// Append rate over raw rate, to three decimals.
        public var ratio: Double { (appendPerSecond / rawPerSecond * 1000).rounded() / 1000 }
    }

    /// The reference scenario simulated (14 days with `quick`), then `appendAgainstRaw` on its log alone
    /// (`bench --only append`, e.g. under callgrind).
    public func appendOnly(count: Int) throws -> AppendFigures {
        var scenario = options.scenario
        if options.quick { scenario.duration = .days(14) }
        options.progress("simulating \(scenario.name) for \(scenario.duration)")
        let log = try LMDBEventLog(path: options.workDirectory + "/simulate", create: true)
        _ = try Simulation(scenario: scenario, log: log).run()
        return try appendAgainstRaw(from: log, count: count)
    }

    /// `asof` alone on the reference scenario simulated for 14 days, or on the log at `db` (`bench --only asof`,
    /// e.g. under callgrind).
    public func asofOnly(queries: Int, db: String?) throws
        -> (p50: Double, p99: Double, count: Int, snapshots: Int, events: UInt64, stateP50: Double, rowsP50: Double) {
        let log: LMDBEventLog
        if let db {
            log = try LMDBEventLog(path: db)
        } else {
            var scenario = options.scenario
            scenario.duration = .days(14)
            log = try LMDBEventLog(path: options.workDirectory + "/simulate", create: true)
            _ = try Simulation(scenario: scenario, log: log).run()
        }
        let f = try asof(log, queries: queries, fromZeroQueries: 0)
        return (f.p50, f.p99, f.count, f.snapshots, f.events, f.stateP50, f.rowsP50)
    }

    /// `count` real events from `log` (cycled, each pass later, when it is shorter), written by the raw put
    /// loop and by `LMDBEventLog.append`, both in batches of 10,000.
    func appendAgainstRaw(from log: LMDBEventLog, count: Int) throws -> AppendFigures {
        let batch = 10_000
        let events: [NewEvent] = try log.read { reader in
            var out: [NewEvent] = []
            out.reserveCapacity(count)
            let upper = reader.head.lastSeq
            let span = (reader.head.lastTime?.ms ?? 0) - (try reader.firstTime()?.ms ?? 0) + 86_400_000
            var pass: Int64 = 0
            while out.count < count {
                let shift = Duration_ms(pass * span)
                pass += 1
                try reader.forEachEvent(in: 1...upper) { e in
                    var n = e.unlogged
                    n.time = n.time + shift
                    n.cause = nil
                    out.append(n)
                    return out.count < count
                }
            }
            return out
        }
        var values: [[UInt8]] = []
        values.reserveCapacity(events.count)
        for e in events { values.append(try EventCodec.encode(e) + [UInt8](repeating: 0, count: DigestChain.tagSize)) }
        options.progress("raw LMDB puts: \(events.count) values, batches of \(batch)")
        let rawSeconds = try rawPuts(values, batch: batch, path: options.workDirectory + "/raw")
        options.progress("EventLog appends: \(events.count) events")
        let appendLog = try LMDBEventLog(path: options.workDirectory + "/append", create: true)
        // The batches are cut before the clock starts, as the raw loop's values are encoded before its clock.
        var batches: [[NewEvent]] = []
        var start = 0
        while start < events.count {
            batches.append(Array(events[start..<min(start + batch, events.count)]))
            start += batch
        }
        let t = options.now()
        for events in batches { try appendLog.append(events) }
        let appendSeconds = options.now() - t
        return AppendFigures(events: events.count, rawPerSecond: Double(values.count) / rawSeconds, appendPerSecond: Double(events.count) / appendSeconds)
    }

    /// Seconds for `count` evaluations of the policy workload (alone: `bench --only policy`, e.g. under callgrind).
    public static func policyEvaluations(_ count: Int, now: () -> Double) throws -> Double {
        let cases = try PolicyWorkload.cases()
        var allowed = 0
        let t = now()
        for i in 0..<count where Evaluator.evaluate(cases[i % cases.count]).response == .Allowed { allowed += 1 }
        let seconds = now() - t
        guard allowed > 0, allowed < count else { throw QueryError("the policy workload decided everything the same way") }
        return seconds
    }

    /// The physical baseline: the same values under the same keys, `MDB_APPEND`, the same batches, no encoding.
    func rawPuts(_ values: [[UInt8]], batch: Int, path: String) throws -> Double {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        let env = try Environment(path: path, mapSize: 1 << 30)
        let db = try env.openDatabase("raw", create: true)
        let t = options.now()
        var start = 0
        while start < values.count {
            let end = min(start + batch, values.count)
            try env.write { txn in
                for i in start..<end {
                    var key = UInt64(i + 1).bigEndian
                    try withUnsafeBytes(of: &key) { k in
                        try values[i].withUnsafeBytes { v in try txn.put(db, key: k, value: v, append: true) }
                    }
                }
            }
            start = end
        }
        return options.now() - t
    }

    func asof(_ log: LMDBEventLog, queries: Int, fromZeroQueries: Int) throws
        -> (p50: Double, p99: Double, count: Int, fromZero: Double, snapshots: Int, events: UInt64, stateP50: Double, rowsP50: Double) {
        try log.read { reader in
            let history = History(reader: reader)
            guard let first = try reader.firstTime(), let last = reader.head.lastTime else { throw QueryError("empty log") }
            var rng = Xoshiro256StarStar(seed: 20_261_123)
            func randomTime() -> Instant { Instant(ms: first.ms + Int64(rng.next() % UInt64(max(last.ms - first.ms, 1)))) }
            let rules = AccessRules(parameters: reader.metadata.parameters)
            var times: [Double] = [], stateTimes: [Double] = [], rowTimes: [Double] = []
            for _ in 0..<queries {
                let at = randomTime()
                let t = options.now()
                let position = try history.position(of: .instant(at))
                let state = try history.state(through: position.seq)
                let t2 = options.now()
                _ = AccessView.rows(state, rules: rules, at: at)
                let t3 = options.now()
                times.append((t3 - t) * 1000)
                stateTimes.append((t2 - t) * 1000)
                rowTimes.append((t3 - t2) * 1000)
            }
            func pct(_ values: [Double], _ p: Double) -> Double {
                ((nearestRank(values.sorted(), p) ?? 0) * 10).rounded() / 10
            }
            var zero: [Double] = []
            for _ in 0..<fromZeroQueries {
                let at = randomTime()
                let t = options.now()
                let state = try history.state(through: try history.position(of: .instant(at)).seq, useSnapshots: false)
                _ = AccessView.rows(state, rules: rules, at: at)
                zero.append((options.now() - t) * 1000)
            }
            let meanZero = zero.isEmpty ? 0 : (zero.reduce(0, +) / Double(zero.count)).rounded()
            return (pct(times, 0.5), pct(times, 0.99), queries, meanZero, try reader.snapshotSeqs().count, reader.head.lastSeq,
                    pct(stateTimes, 0.5), pct(rowTimes, 0.5))
        }
    }

    /// Peak resident memory of this process, or of its waited-for children, in MB.
    public static func peakRSSMegabytes(children: Bool = false) -> Double {
        var usage = rusage()
        getrusage(__rusage_who_t((children ? RUSAGE_CHILDREN : RUSAGE_SELF).rawValue), &usage)
        return (Double(usage.ru_maxrss) / 1024 * 10).rounded() / 10
    }
}
