import AccessLabLog
import Foundation
import Testing

/// A run stopped by Ctrl-C or SIGTERM keeps a whole log, says where it stopped, and resumes to the digest
/// an uninterrupted run gives.
@Suite struct InterruptedRunTests {
    static let uninterrupted: String = {
        let r = try? runAccesslab(["run", scenarioPath("tiny.yaml"), "--json", "--no-check"])
        return ((try? JSONSerialization.jsonObject(with: Data((r?.out ?? "").utf8))) as? [String: Any])?["digest"] as? String ?? "none"
    }()

    @Test func anInterruptedRunIsMarkedVerifiedAndResumesToTheSameDigest() throws {
        let dir = try TemporaryDirectory()
        let db = dir.sub("db")
        // --stop-at raises the same flag the SIGINT handler does, at a chosen virtual time.
        let stopped = try runAccesslab(["run", scenarioPath("tiny.yaml"), "--db", db, "--stop-at", "2026-01-08T10:00:00Z"])
        #expect(stopped.code == 130)
        #expect(stopped.err.contains("Interrupted by SIGINT (Ctrl-C): the run stopped at virtual time 2026-01-08T10:"), "\(stopped.err)")
        #expect(stopped.err.contains("accesslab run --resume --db \(db)"))
        #expect(try runAccesslab(["verify", "--db", db]).code == 0)
        let again = try runAccesslab(["run", scenarioPath("tiny.yaml"), "--db", db])
        #expect(again.code == 1 && again.err.contains("holds a run interrupted at 2026-01-08T10:") && again.err.contains("--resume"))

        let access = try runAccesslab(["access", "--db", db, "--at", "end"])
        #expect(access.out.contains("run stopped at 2026-01-08T10:") && access.out.contains("nothing after"))
        let timeline = try runAccesslab(["timeline", "--db", db, "--user", "u00002"])
        #expect(timeline.out.contains("Note: run stopped at 2026-01-08T10:"))
        let report = try runAccesslab(["report", "--db", db, "--format", "md"])
        #expect(report.out.contains("Run stopped at 2026-01-08T10:") && report.out.contains("not the full period"))
        let check = try runAccesslab(["check", "--db", db])
        #expect(check.code == 1 && check.err.contains("the run stopped at 2026-01-08T10:") && check.err.contains("--resume"))

        let resumed = try runAccesslab(["run", "--resume", "--db", db, "--json"])
        #expect(resumed.code == 0, "\(resumed.err)")
        let digest = (try JSONSerialization.jsonObject(with: Data(resumed.out.utf8)) as? [String: Any])?["digest"] as? String
        #expect(digest == Self.uninterrupted)
        #expect(try runAccesslab(["verify", "--db", db]).code == 0)
        #expect(!(try runAccesslab(["access", "--db", db, "--at", "end"])).out.contains("run stopped"))
        let finished = try runAccesslab(["run", "--resume", "--db", db])
        #expect(finished.code == 1 && finished.err.contains("holds a finished run; there is nothing to resume"))
    }

    @Test func aRunStoppedTwiceStillResumesToTheSameDigest() throws {
        let dir = try TemporaryDirectory()
        let db = dir.sub("db")
        #expect(try runAccesslab(["run", scenarioPath("tiny.yaml"), "--db", db, "--stop-at", "2026-01-06T00:00:00Z"]).code == 130)
        #expect(try runAccesslab(["run", "--resume", "--db", db, "--stop-at", "2026-01-12T12:00:00Z"]).code == 130)
        let resumed = try runAccesslab(["run", "--resume", "--db", db, "--json", "--no-check"])
        #expect((try JSONSerialization.jsonObject(with: Data(resumed.out.utf8)) as? [String: Any])?["digest"] as? String == Self.uninterrupted)
    }

    @Test func aResumeThatWouldNotRegenerateTheLogAppendsNothing() throws {
        let dir = try TemporaryDirectory()
        let db = dir.sub("db")
        #expect(try runAccesslab(["run", scenarioPath("tiny.yaml"), "--db", db, "--stop-at", "2026-01-07T00:00:00Z"]).code == 130)
        let before = try runAccesslab(["digest", "--db", db]).out
        // Another scenario file with the same name and seed: its events differ, so nothing may be appended.
        let other = dir.sub("tiny.yaml")
        try FileManager.default.copyItem(atPath: scenarioPath("policies"), toPath: dir.sub("policies"))
        let text = try String(contentsOfFile: scenarioPath("tiny.yaml"), encoding: .utf8)
        try text.replacingOccurrences(of: "hr_lag: {uniform: [5m, 30m]}", with: "hr_lag: {uniform: [5m, 2h]}").write(toFile: other, atomically: true, encoding: .utf8)
        let resumed = try runAccesslab(["run", other, "--resume", "--db", db])
        #expect(resumed.code == 1 && resumed.err.contains("cannot resume") && resumed.err.contains("nothing was appended"), "\(resumed.err)")
        #expect(try runAccesslab(["digest", "--db", db]).out == before)
        let fresh = try runAccesslab(["run", "--resume", "--db", dir.sub("none")])
        #expect(fresh.code == 1)
    }

    @Test(arguments: [SIGTERM, SIGINT])
    func aSignalStopsARunCleanly(_ signal: Int32) throws {
        let dir = try TemporaryDirectory()
        let db = dir.sub("db")
        let process = Process()
        process.executableURL = accesslabExecutable()
        process.arguments = ["run", scenarioPath("org-120-jml.yaml"), "--db", db, "--until", "30d", "--no-check"]
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        Thread.sleep(forTimeInterval: 2.5)
        kill(process.processIdentifier, signal)
        let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 128 + signal, "\(message)")
        #expect(message.contains("Interrupted by \(signal == SIGINT ? "SIGINT (Ctrl-C)" : "SIGTERM"): the run stopped at virtual time"))
        #expect(try runAccesslab(["verify", "--db", db]).code == 0)
        let stoppedAt = try LMDBEventLog(path: db).read { $0.metadata.runStoppedAt }
        #expect(stoppedAt != nil)
    }
}
