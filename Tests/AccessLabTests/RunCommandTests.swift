import AccessLabLog
import AccessLabSimulation
import Foundation
import Testing

/// `accesslab run` end to end, as a separate process (so also: the same digest in another process).
@Suite struct RunCommandTests {
    @Test func runPrintsAJSONReportWhoseDigestMatchesAnInProcessRun() throws {
        let dir = try TemporaryDirectory()
        let result = try runAccesslab(["run", scenarioPath("tiny.yaml"), "--db", dir.sub("db"), "--json", "--report", dir.sub("r.json")])
        #expect(result.code == 0, "\(result.err)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.out.utf8)) as? [String: Any])
        for key in ["digest", "events", "seed", "scenario", "leavers", "movers", "joiners", "performance", "invariant_violations"] {
            #expect(object[key] != nil, "missing \(key)")
        }
        let leavers = try #require(object["leavers"] as? [String: Any])
        let persisting = try #require(leavers["persisting"] as? [String: Any])
        let latency = try #require(persisting["latency"] as? [String: Any])
        #expect((latency["p50_s"] as? Double ?? 0) > 3_600)
        #expect(result.err.isEmpty, "no progress line when stderr is not a terminal")

        let (_, _, log) = try simulate(try loadScenario("tiny.yaml"))
        #expect(object["digest"] as? String == (try log.read { $0.head.digest.hex }))
        let verify = try runAccesslab(["verify", "--db", dir.sub("db")])
        #expect(verify.code == 0)
        #expect(FileManager.default.fileExists(atPath: dir.sub("r.json")))
    }

    @Test func seedAndUntilChangeTheRun() throws {
        let a = try runAccesslab(["run", scenarioPath("tiny.yaml"), "--json", "--seed", "9", "--until", "3d"])
        let b = try runAccesslab(["run", scenarioPath("tiny.yaml"), "--json"])
        #expect(a.code == 0 && b.code == 0)
        let ja = try JSONSerialization.jsonObject(with: Data(a.out.utf8)) as? [String: Any]
        let jb = try JSONSerialization.jsonObject(with: Data(b.out.utf8)) as? [String: Any]
        #expect(ja?["seed"] as? Int == 9)
        #expect(ja?["simulated_end"] as? String == "2026-01-08T00:00:00Z")
        #expect(ja?["digest"] as? String != jb?["digest"] as? String)
    }

    @Test func aMalformedScenarioIsRefusedWithItsPositionAndWritesNothing() throws {
        let dir = try TemporaryDirectory()
        let bad = dir.sub("bad.yaml")
        try "name: bad\nidp:\n  model: telepathy\n".write(toFile: bad, atomically: true, encoding: .utf8)
        let result = try runAccesslab(["run", bad, "--db", dir.sub("db")])
        #expect(result.code != 0)
        #expect(result.err.contains("\(bad):3:10: idp.model: expected one of push, cycle, scheduled, hours, manual"), "\(result.err)")
        #expect(!FileManager.default.fileExists(atPath: dir.sub("db")), "nothing is created for a scenario that does not load")
        let missing = try runAccesslab(["run", dir.sub("nope.yaml")])
        #expect(missing.code != 0 && missing.err.contains("nope.yaml") && missing.err.contains("no such file"))
    }

    @Test func aDatabaseThatAlreadyHoldsEventsIsNotOverwritten() throws {
        let dir = try TemporaryDirectory()
        #expect(try runAccesslab(["run", scenarioPath("tiny.yaml"), "--db", dir.sub("db"), "--until", "1d"]).code == 0)
        let before = try runAccesslab(["digest", "--db", dir.sub("db")]).out
        let again = try runAccesslab(["run", scenarioPath("tiny.yaml"), "--db", dir.sub("db")])
        #expect(again.code != 0 && again.err.contains("already holds"))
        #expect(try runAccesslab(["digest", "--db", dir.sub("db")]).out == before)
    }
}
