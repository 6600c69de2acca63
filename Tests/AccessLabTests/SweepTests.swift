import AccessLabSweep
import Foundation
import Testing

@Suite struct SweepTests {
    static let args = ["--set", "idp.cycle_interval=20m,40m", "--set", "permission_sets.ReadOnly.session_duration=1h,12h", "--seeds", "1..3"]

    @Test func aSweepRestartsWithoutRedoingAndShardsMergeToTheSameBytes() throws {
        let dir = try TemporaryDirectory()
        let first = try runAccesslab(["sweep", scenarioPath("tiny.yaml")] + Self.args + ["--jobs", "2", "--out", dir.sub("all")])
        #expect(first.code == 0, "\(first.err)")
        let csv = try String(contentsOfFile: dir.sub("all") + "/results.csv", encoding: .utf8)
        let lines = csv.split(separator: "\n")
        #expect(lines.filter { $0.hasPrefix("run,") }.count == 12)
        #expect(lines.filter { $0.hasPrefix("summary,") }.count == 4)
        #expect(first.out.contains("(12 run now)"))

        let again = try runAccesslab(["sweep", scenarioPath("tiny.yaml")] + Self.args + ["--out", dir.sub("all")])
        #expect(again.code == 0 && again.out.contains("(0 run now)"), "\(again.out)")
        #expect(try String(contentsOfFile: dir.sub("all") + "/results.csv", encoding: .utf8) == csv)

        for i in 1...3 {
            #expect(try runAccesslab(["sweep", scenarioPath("tiny.yaml")] + Self.args + ["--shard", "\(i)/3", "--out", dir.sub("s\(i)")]).code == 0)
        }
        #expect(try runAccesslab(["merge", dir.sub("s1"), dir.sub("s2"), dir.sub("s3"), "--out", dir.sub("merged")]).code == 0)
        let merged = try Data(contentsOf: URL(fileURLWithPath: dir.sub("merged") + "/results.csv"))
        #expect(merged == Data(csv.utf8))
        let json = try Data(contentsOf: URL(fileURLWithPath: dir.sub("all") + "/results.json"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: dir.sub("merged") + "/results.json")) == json)
    }

    @Test func summariesPoolLeaversExactlyAndGiveConfidenceIntervals() throws {
        func run(_ index: Int, _ seed: UInt64, _ samples: [Double]) -> RunResult {
            let plan = SweepPlan(settings: [("k", ["a"])], seeds: [1, 2, 3])
            var r = try! RunResult(run: plan.runs[index], report: Data(#"{"digest":"d","events":1,"leavers":{"count":1}}"#.utf8))
            r.persistingSamples_s = samples
            r.metrics[0].value = samples.sorted()[samples.count / 2]
            _ = seed
            return r
        }
        let results = SweepResults([run(0, 1, [10, 20, 30]), run(1, 2, [40]), run(2, 3, [50, 60, 70, 80])])
        let s = try #require(results.summaries.first)
        #expect(s.runs == 3)
        // Pooled p50 of 10...80 (8 values, nearest rank 4) is 40; the mean of the per-run medians is (20+40+70)/3.
        #expect(s.pooled.first { $0.name == "persisting_p50_s" }?.value == 40)
        #expect(abs((s.mean.first?.value ?? 0) - 43.333) < 0.001)
        #expect((s.ci95.first?.value ?? 0) > 0)
    }

    @Test func badSweepArgumentsAreRefused() throws {
        let dir = try TemporaryDirectory()
        let r = try runAccesslab(["sweep", scenarioPath("tiny.yaml"), "--seeds", "5..1", "--out", dir.sub("x")])
        #expect(r.code != 0 && r.err.contains("--seeds '5..1'"))
        let s = try runAccesslab(["sweep", scenarioPath("tiny.yaml"), "--shard", "4/3", "--out", dir.sub("x")])
        #expect(s.code != 0 && s.err.contains("--shard '4/3'"))
        let bad = try runAccesslab(["sweep", scenarioPath("tiny.yaml"), "--set", "idp.cycle_intervl=20m", "--out", dir.sub("y")])
        #expect(bad.code != 0 && bad.err.contains("idp.cycle_intervl: unknown field"))
    }
}
