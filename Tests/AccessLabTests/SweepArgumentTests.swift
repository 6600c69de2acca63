import AccessLabSweep
import Foundation
import Testing

/// `sweep`'s --set, --seeds and --shard as users write them, and a sweep stopped with Ctrl-C or SIGTERM.
@Suite struct SweepArgumentTests {
    @Test func setTakesYAMLValuesSeparatedWithoutClashingWithYAMLCommas() throws {
        let s = try SweepArguments.settings([
            "idp.hr_lag={uniform: [5m, 2h]};{fixed: 1h}",
            "idp.cycle_interval=20m,40m",
            "idp.hr_lag={uniform: [1m, 5m]}",
            "teams=[a, b]",
        ])
        #expect(s.map(\.key) == ["idp.hr_lag", "idp.cycle_interval", "teams"])
        #expect(s[0].values == ["{uniform: [5m, 2h]}", "{fixed: 1h}", "{uniform: [1m, 5m]}"])
        #expect(s[1].values == ["20m", "40m"])
        #expect(s[2].values == ["[a, b]"])
        #expect(throws: SweepError.self) { try SweepArguments.settings(["idp.hr_lag={uniform: [5m, 2h]"]) }
        #expect(throws: SweepError.self) { try SweepArguments.settings(["idp.cycle_interval=20m", "idp.cycle_interval=20m"]) }
        #expect(throws: SweepError.self) { try SweepArguments.settings(["=20m"]) }
    }

    @Test func seedsTakeListsAndRanges() throws {
        #expect(try SweepArguments.seeds("1..3,5,9") == [1, 2, 3, 5, 9])
        #expect(try SweepArguments.seeds("42") == [42])
        #expect(try SweepArguments.seeds("7, 1..2") == [7, 1, 2])
        for bad in ["", "3..1", "1..3,2", "a", "1,,2", "1..1000000"] {
            #expect(throws: SweepError.self, "\(bad)") { try SweepArguments.seeds(bad) }
        }
    }

    @Test func shardAutoTakesItsIndexFromKubernetesOrSlurm() throws {
        #expect(try SweepArguments.shard("2/3", environment: [:]) == (2, 3))
        #expect(try SweepArguments.shard("auto/16", environment: ["JOB_COMPLETION_INDEX": "0"]) == (1, 16))
        #expect(try SweepArguments.shard("auto/16", environment: ["JOB_COMPLETION_INDEX": "15"]) == (16, 16))
        #expect(try SweepArguments.shard("auto/16", environment: ["SLURM_ARRAY_TASK_ID": "16", "SLURM_ARRAY_TASK_MIN": "1", "SLURM_ARRAY_TASK_COUNT": "16"]) == (16, 16))
        #expect(try SweepArguments.shard("auto/4", environment: ["SLURM_ARRAY_TASK_ID": "0", "SLURM_ARRAY_TASK_MIN": "0"]) == (1, 4))
        for env in [[:], ["JOB_COMPLETION_INDEX": "16"], ["JOB_COMPLETION_INDEX": "x"], ["SLURM_ARRAY_TASK_ID": "3", "SLURM_ARRAY_TASK_COUNT": "8"],
                    ["SLURM_ARRAY_TASK_ID": "17"]] {
            #expect(throws: SweepError.self, "\(env)") { try SweepArguments.shard("auto/16", environment: env) }
        }
        #expect(throws: SweepError.self) { try SweepArguments.shard("0/3", environment: [:]) }
    }

    @Test func aSweepOfDistributionsChecksEverySettingBeforeAnyRun() throws {
        let dir = try TemporaryDirectory()
        let bad = try runAccesslab(["sweep", scenarioPath("tiny.yaml"), "--set", "idp.cycle_interval=20m,40m",
                                    "--set", "idp.hr_lag={uniform: [5m, 2h]};{uniform: [5m]}", "--seeds", "1..2", "--out", dir.sub("bad")])
        #expect(bad.code == 1 && bad.err.contains("idp.hr_lag.uniform") && bad.err.contains("no run was started"), "\(bad.err)")
        #expect(!FileManager.default.fileExists(atPath: dir.sub("bad")))

        let good = try runAccesslab(["sweep", scenarioPath("tiny.yaml"), "--set", "idp.hr_lag={uniform: [5m, 2h]}", "--set", "idp.hr_lag={fixed: 1h}",
                                     "--seeds", "1,3", "--jobs", "2", "--out", dir.sub("good")])
        #expect(good.code == 0, "\(good.err)")
        let csv = try String(contentsOfFile: dir.sub("good") + "/results.csv", encoding: .utf8)
        #expect(csv.contains("run,\"{uniform: [5m, 2h]}\",1,") && csv.contains("run,{fixed: 1h},3,"))
    }

    @Test func sigtermStopsASweepsChildrenAndTheSameCommandFinishesIt() throws {
        let dir = try TemporaryDirectory()
        // Enough runs that the sweep cannot finish before the signal, whatever the machine's speed.
        let args = ["sweep", scenarioPath("tiny.yaml"), "--set", "idp.cycle_interval=20m,40m", "--seeds", "1..40", "--jobs", "2", "--out", dir.sub("s")]
        let process = Process()
        process.executableURL = accesslabExecutable()
        process.arguments = args
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        // Signal once the first run has finished (at most 60 s).
        let runs = dir.sub("s") + "/runs"
        for _ in 0..<600 {
            let done = (try? FileManager.default.contentsOfDirectory(atPath: runs))?.contains { $0.hasSuffix(".json") && !$0.hasPrefix(".") } ?? false
            if done { break }
            Thread.sleep(forTimeInterval: 0.1)
        }
        process.terminate()
        let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 143, "\(message)")
        #expect(message.contains("sweep: interrupted by SIGTERM;") && message.contains("the same command again runs the rest"))
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.sub("s") + "/runs")
        #expect(!names.contains { $0.hasSuffix(".report.json") }, "no half-written report of a stopped run")
        let finished = names.filter { $0.hasSuffix(".json") && !$0.hasPrefix(".") }.count
        #expect(finished >= 1 && finished < 80)
        let again = try runAccesslab(args)
        #expect(again.code == 0 && again.out.contains("80 runs in") && again.out.contains("(\(80 - finished) run now)"), "\(again.out) \(again.err)")
    }
}
