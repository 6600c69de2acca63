import AccessLabBench
import Foundation
import Testing

@Suite struct BenchTests {
    /// The quick suite on the tiny scenario: every figure is measured (positive) and the JSON has the keys.
    @Test func theQuickSuiteMeasuresEveryKey() async throws {
        let dir = try TemporaryDirectory()
        let scenario = try loadScenario("tiny.yaml"), path = dir.path
        // On its own thread, as the CLI runs it: the bench blocks while its `serve` step's server runs on
        // the concurrency pool, which a blocked test thread would starve.
        let results = try await withCheckedThrowingContinuation { (done: CheckedContinuation<Bench.Results, any Error>) in
            Thread.detachNewThread {
                let clock = ContinuousClock()
                let origin = clock.now
                done.resume(with: Result {
                    try Bench(.init(quick: true, scenario: scenario, workDirectory: path, now: {
                        let d = clock.now - origin
                        return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
                    }, progress: { _ in })).run()
                })
            }
        }
        let object = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(results)) as? [String: Any])
        for key in ["raw_lmdb_puts_per_s", "append_events_per_s", "append_vs_raw", "replay_events_per_s", "simulate_events_per_s",
                    "asof_p50_ms", "asof_p99_ms", "asof_replay_from_zero_ms", "policy_evals_per_s", "import_cloudtrail_records_per_s", "serve_requests_per_s", "serve_p99_ms", "peak_rss_mb"] {
            let value = try #require(object[key] as? Double, "\(key)")
            #expect(value > 0, "\(key)")
        }
        #expect(results.events_appended == 200_000)
        #expect(results.asof_p50_ms <= results.asof_p99_ms)
        #expect(results.asof_imported_log_events > 0 && results.asof_imported_p50_ms > 0 && results.asof_imported_p50_ms <= results.asof_imported_p99_ms)
        // Nothing lost: every write answered 200 is an event in the log.
        #expect(results.serve_writes_accepted > 0)
        #expect(UInt64(results.serve_writes_accepted) == results.serve_events_appended)
    }
}
