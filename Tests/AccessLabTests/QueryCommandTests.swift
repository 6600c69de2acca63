import AccessLabAWS
import AccessLabEvents
import Foundation
import Testing

/// The time-travel commands end to end, and the golden snapshots in snapshots/.
@Suite(.serialized) struct QueryCommandTests {
    /// One tiny run shared by the tests below (made once per process).
    static let tiny = sharedRun("query-tests", [scenarioPath("tiny.yaml")])

    @Test(arguments: ["+2d", "+9d12h"])
    func goldenSnapshotsAreRegeneratedByteForByte(_ at: String) throws {
        let dir = try TemporaryDirectory()
        let golden = "\(repositoryRoot)/snapshots/tiny-seed1-at\(at.dropFirst())"
        let canonical = try runAccesslab(["snapshot", "--db", Self.tiny, "--at", at, "--out", dir.sub("s.json")])
        #expect(canonical.code == 0, "\(canonical.err)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: dir.sub("s.json"))) == Data(contentsOf: URL(fileURLWithPath: golden + ".json")),
                "\(golden).json differs: run tools/refresh-snapshots.sh if the change is intended")
        let aws = try runAccesslab(["snapshot", "--db", Self.tiny, "--at", at, "--format", "aws", "--out", dir.sub("aws")])
        #expect(aws.code == 0, "\(aws.err)")
        let made = try Self.files(under: dir.sub("aws")), committed = try Self.files(under: golden + ".aws")
        #expect(made.keys.sorted() == committed.keys.sorted(), "\(golden).aws: run tools/refresh-snapshots.sh if the change is intended")
        for (file, data) in made { #expect(committed[file] == data, "\(golden).aws/\(file) differs") }
    }

    static func files(under root: String) throws -> [String: Data] {
        var out: [String: Data] = [:]
        let e = FileManager.default.enumerator(atPath: root)
        while let path = e?.nextObject() as? String {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: root + "/" + path, isDirectory: &isDirectory), !isDirectory.boolValue {
                out[path] = try Data(contentsOf: URL(fileURLWithPath: root + "/" + path))
            }
        }
        return out
    }

    @Test func theAWSFormatIsOneFilePerCallListedInItsManifest() throws {
        let dir = try TemporaryDirectory()
        let r = try runAccesslab(["snapshot", "--db", Self.tiny, "--at", "+9d12h", "--format", "aws", "--out", dir.sub("aws")])
        #expect(r.code == 0, "\(r.err)")
        let manifest = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir.sub("aws/export.json")))) as? [String: Any])
        let calls = try #require(manifest["calls"] as? [[String: Any]])
        let files = try Self.files(under: dir.sub("aws"))
        #expect(Set(calls.compactMap { $0["file"] as? String }) == Set(files.keys).subtracting(["export.json"]))
        #expect(manifest["botocore"] as? String == AWS.botocoreVersion && manifest["at"] as? String == "2026-01-14T12:00:00Z")
        let operations = Set(calls.compactMap { "\($0["service"]!):\($0["operation"]!)" })
        #expect(operations.isSuperset(of: ["identitystore:ListUsers", "identitystore:ListGroupMemberships", "sso-admin:ListAccountAssignments",
                                           "sso-admin:DescribePermissionSet", "organizations:ListAccounts", "sso:GetRoleCredentials"]))
        // A user's scenario id never leaks: every id is AWS-shaped.
        let users = try #require(try JSONSerialization.jsonObject(with: files["identitystore/ListUsers.json"]!) as? [String: Any])
        let ids = try #require((users["Users"] as? [[String: Any]])?.compactMap { $0["UserId"] as? String })
        #expect(ids.count == 10 && ids.allSatisfy(AWSIdentifiers.isUUID))

        let noOut = try runAccesslab(["snapshot", "--db", Self.tiny, "--at", "+2d", "--format", "aws"])
        #expect(noOut.code != 0 && noOut.err.contains("--out DIR"))
        try FileManager.default.createDirectory(atPath: dir.sub("mine"), withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: dir.sub("mine/notes.txt"), contents: Data("keep".utf8))
        let refused = try runAccesslab(["snapshot", "--db", Self.tiny, "--at", "+2d", "--format", "aws", "--out", dir.sub("mine")])
        #expect(refused.code != 0 && refused.err.contains("not an AWS-format snapshot"))
        #expect(FileManager.default.fileExists(atPath: dir.sub("mine/notes.txt")))
    }

    @Test func accessTimelineAndDiffAnswerFromTheLog() throws {
        let access = try runAccesslab(["access", "--db", Self.tiny, "--at", "2026-01-06T11:00:00Z", "--user", "u00002", "--json"])
        #expect(access.code == 0, "\(access.err)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(access.out.utf8)) as? [String: Any])
        let rows = try #require(object["rows"] as? [[String: Any]])
        #expect(!rows.isEmpty && rows.allSatisfy { $0["canSignIn"] as? Bool == false && $0["canGetCredentials"] as? Bool == true })

        let timeline = try runAccesslab(["timeline", "--db", Self.tiny, "--user", "u00002"])
        #expect(timeline.code == 0 && timeline.out.contains("HR: terminated") && timeline.out.contains("active=false"))

        let diff = try runAccesslab(["diff", "--db", Self.tiny, "--from", "2026-01-06T09:00:00Z", "--to", "2026-01-06T12:00:00Z", "--json"])
        let changes = try #require((try JSONSerialization.jsonObject(with: Data(diff.out.utf8)) as? [String: Any])?["changes"] as? [[String: Any]])
        let disable = try #require(changes.first { $0["kind"] as? String == "statusChanged" && $0["user"] as? String == "u00002" })
        let because = try #require(disable["because"] as? [String])
        #expect(because.count == 3 && because[0].contains("PatchUser") && because[2].contains("HRTermination"))
    }

    /// "When did the leaver lose sign-in, and until when could they still do something?" gets one
    /// answer, whether asked of `timeline` or of `access --at` one millisecond either side.
    @Test func timelineAndAccessAgreeOnWhenALeaverLostSignInAndAccess() throws {
        func json(_ arguments: [String]) throws -> [String: Any] {
            let r = try runAccesslab(arguments + ["--json"])
            #expect(r.code == 0, "\(r.err)")
            return try #require(try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any])
        }
        func rows(at t: Instant) throws -> [[String: Any]] {
            try #require(try json(["access", "--db", Self.tiny, "--at", t.description, "--user", "u00002"])["rows"] as? [[String: Any]])
        }
        func instant(_ value: Any?) throws -> Instant { try #require((value as? String).flatMap(ISO8601.parse)) }
        func flag(_ key: String) -> ([String: Any]) -> Bool { { $0[key] as? Bool == true } }

        let timeline = try json(["timeline", "--db", Self.tiny, "--user", "u00002"])
        let signIn = try #require(timeline["signIn"] as? [[String: Any]])
        let lost = try instant(signIn.last?["to"])
        let terminated = try #require(ISO8601.parse("2026-01-06T10:00:00Z"))
        #expect(lost > terminated && lost < terminated + .hours(2), "the sync after the termination disables the user")
        #expect(try instant(timeline["signInLostAt"]) == lost)
        let before = try rows(at: lost - Duration_ms(1)), after = try rows(at: lost)
        #expect(!before.isEmpty && before.allSatisfy(flag("canSignIn")))
        #expect(!after.isEmpty && after.allSatisfy { !flag("canSignIn")($0) && flag("entitled")($0) },
                "disabled: no sign-in, but the assignments (and so the entitlement) are still there")
        #expect(after.allSatisfy(flag("canAct")), "credentials held at the disable still work")

        // Per account and permission set, and overall: the last "can act" interval ends where access says no.
        let targets = try #require(timeline["targets"] as? [[String: Any]])
        var ends: [Instant] = []
        for target in targets {
            let accountId = try #require(target["accountId"] as? String)
            let last = try #require((target["canAct"] as? [[String: Any]])?.last)
            let end = try instant(last["to"])
            ends.append(end)
            let row = { (t: Instant) in try rows(at: t).first { $0["accountId"] as? String == accountId } }
            #expect(try row(end - Duration_ms(1)).map(flag("canAct")) == true, "\(accountId) at \(end - Duration_ms(1))")
            #expect(try row(end).map(flag("canAct")) == false, "\(accountId) at \(end)")
        }
        let until = try #require(ends.max())
        let lastAct = try instant(timeline["lastCanActAt"])
        #expect(lastAct == until - Duration_ms(1))
        #expect(try rows(at: lastAct).contains(where: flag("canAct")))
        let gone = try rows(at: until)
        #expect(!gone.isEmpty && gone.allSatisfy { !flag("canAct")($0) && flag("entitled")($0) })
    }

    @Test func badQueriesGetClearAnswers() throws {
        let unknown = try runAccesslab(["access", "--db", Self.tiny, "--at", "+1d", "--user", "nobody"])
        #expect(unknown.code != 0 && unknown.err.contains("no user 'nobody'"))
        let early = try runAccesslab(["access", "--db", Self.tiny, "--at", "2020-01-01T00:00:00Z"])
        #expect(early.code == 0 && early.out.contains("before the log's first event"))
        let badTime = try runAccesslab(["snapshot", "--db", Self.tiny, "--at", "yesterday"])
        #expect(badTime.code != 0 && badTime.err.contains("--at 'yesterday'"))
        let past = try runAccesslab(["access", "--db", Self.tiny, "--at", "@99999999"])
        #expect(past.code != 0 && past.err.contains("past the end of the log"))
        let noTimeline = try runAccesslab(["timeline", "--db", Self.tiny, "--user", "nobody"])
        #expect(noTimeline.code != 0 && noTimeline.err.contains("no events concern user 'nobody'"))
        let verify = try runAccesslab(["verify", "--db", Self.tiny])
        #expect(verify.code == 0 && verify.out.contains("snapshots)"))
    }

    @Test func queriesRunWhileASimulationAppendsToTheSameDatabase() throws {
        let dir = try TemporaryDirectory()
        let db = dir.sub("db")
        let writer = Process()
        writer.executableURL = accesslabExecutable()
        writer.arguments = ["run", scenarioPath("org-120-jml.yaml"), "--db", db, "--until", "4d"]
        writer.standardOutput = FileHandle.nullDevice
        try writer.run()
        defer { if writer.isRunning { writer.terminate() } }
        var answered = 0
        for _ in 0..<400 where writer.isRunning {
            let r = try runAccesslab(["access", "--db", db, "--at", "+12h", "--account", "management", "--json"])
            if r.code == 0 { answered += 1 } else {
                #expect(r.err.contains("no AccessLab database") || r.err.contains("not an AccessLab database") || r.err.contains("the log is empty"), "\(r.err)")
            }
            if answered >= 3 { break }
            usleep(50_000)
        }
        writer.waitUntilExit()
        #expect(writer.terminationStatus == 0)
        #expect(answered >= 1, "no query was answered while the writer ran")
        #expect(try runAccesslab(["verify", "--db", db]).code == 0)
    }
}
