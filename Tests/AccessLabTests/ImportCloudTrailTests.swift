import AccessLabAWS
import Foundation
import Testing

/// `import cloudtrail`: a trail read back into a log.
@Suite(.serialized) struct ImportCloudTrailTests {
    static let tiny = sharedRun("ct-import-tests", [scenarioPath("tiny.yaml"), "--no-check"])

    static func trail(_ dir: TemporaryDirectory, bodies: Bool) throws -> String {
        let r = try runAccesslab(["log", "--db", tiny, "--cloudtrail"] + (bodies ? ["--with-bodies"] : []))
        #expect(r.code == 0)
        let file = dir.sub(bodies ? "bodies.json" : "trail.json")
        try r.out.write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }

    /// (user, account, permission set, entitled, can sign in, live credential, can act) at `at`, users by AWS id.
    static func access(_ db: String, _ at: String, scenarioIds: Bool) throws -> Set<String> {
        let ids = AWSIdentifiers(managementAccountId: "100000000001")
        let r = try runAccesslab(["access", "--db", db, "--at", at, "--json"])
        let rows = try #require((try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any])?["rows"] as? [[String: Any]])
        return Set(rows.map { row in
            let user = row["user"] as! String
            return [scenarioIds ? ids.userId(user) : user, row["accountId"]!, row["permissionSet"]!, row["entitled"]!, row["canSignIn"]!,
                    row["liveCredential"]!, row["canAct"]!].map { "\($0)" }.joined(separator: " ")
        })
    }

    static let instants = ["2026-01-05T09:10:00Z", "2026-01-06T10:20:00Z", "2026-01-06T11:00:00Z", "2026-01-07T15:00:00Z",
                           "2026-01-09T12:00:00Z", "2026-01-13T20:00:00Z", "2026-01-18T22:00:00Z"]

    @Test func aTrailWithBodiesReplaysToTheSameAccessAtEveryInstant() throws {
        let dir = try TemporaryDirectory()
        let r = try runAccesslab(["import", "cloudtrail", try Self.trail(dir, bodies: true), "--db", dir.sub("replayed")])
        #expect(r.code == 0, "\(r.err)")
        for at in Self.instants {
            let simulated = try Self.access(Self.tiny, at, scenarioIds: true), replayed = try Self.access(dir.sub("replayed"), at, scenarioIds: false)
            #expect(!simulated.isEmpty && replayed == simulated, "\(at): \(simulated.symmetricDifference(replayed).sorted().prefix(4))")
        }
        // Credentials and portal sessions end at their expiry in the replayed state too, as in the simulated one
        // (CloudTrail logs no expiry: the import writes them), so a long trail's state does not keep them all.
        // Within the trail, that is: the replayed log ends at its last record.
        func live(_ db: String, _ at: String) throws -> (credentials: Int, sessions: Int) {
            let out = try runAccesslab(["snapshot", "--db", db, "--at", at]).out
            let state = try #require((try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any])?["state"] as? [String: Any])
            return ((state["credentials"] as? [Any])?.count ?? -1, (state["portalSessions"] as? [Any])?.count ?? -1)
        }
        for at in ["2026-01-09T12:00:00Z", "2026-01-13T20:00:00Z"] {
            let simulated = try live(Self.tiny, at), replayed = try live(dir.sub("replayed"), at)
            #expect(simulated.credentials >= 0 && replayed.credentials == simulated.credentials && replayed.sessions == simulated.sessions,
                    "\(at): simulated \(simulated), replayed \(replayed)")
        }
    }

    @Test func withoutBodiesTheHiddenChangesAreListedAndCredentialsTakeTheirExpiryFromTheMemberAccount() throws {
        let dir = try TemporaryDirectory()
        let r = try runAccesslab(["import", "cloudtrail", try Self.trail(dir, bodies: false), "--db", dir.sub("replayed"), "--json"])
        #expect(r.code == 0, "\(r.err)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any])
        let unknowns = report["unknowns"] as? [String] ?? []
        #expect(unknowns.contains { $0.contains("PatchGroup") && $0.contains("AWS hides which members") })
        #expect(unknowns.contains { $0.contains("PatchUser") && $0.contains("status (enabled or disabled)") })
        #expect(!unknowns.contains { $0.contains("no AssumeRoleWithSAML") }, "every credential is paired with its AssumeRoleWithSAML")
        #expect(((report["applied"] as? [String: Int])?["sso.amazonaws.com:GetRoleCredentials"] ?? 0) > 0)

        // The answers name the CloudTrail record of each event they cite, and what the trail cannot know.
        let created = try runAccesslab(["log", "--db", dir.sub("replayed"), "--type", "CreateUser"]).out
        let user = try #require(created.split(separator: "\n").first?.split(separator: " ").first { $0.hasPrefix("userId=") }?.dropFirst(7))
        let timeline = try runAccesslab(["timeline", "--db", dir.sub("replayed"), "--user", String(user)])
        #expect(timeline.code == 0 && timeline.out.contains("(CloudTrail ") && timeline.out.contains("Not known from the CloudTrail history"))
        #expect(timeline.out.contains("AWS hides which members were added or removed"))
        let json = try runAccesslab(["timeline", "--db", dir.sub("replayed"), "--user", String(user), "--json"])
        #expect((try? JSONSerialization.jsonObject(with: Data(json.out.utf8))) != nil, "JSON output is left as it is")
    }

    @Test func filesInAnyOrderGzippedOrAsLinesWithDuplicatesGiveTheSameLog() throws {
        let dir = try TemporaryDirectory()
        let whole = try Self.trail(dir, bodies: true)
        let one = try runAccesslab(["import", "cloudtrail", whole, "--db", dir.sub("one")])
        #expect(one.code == 0)
        // The same records split in two: the second half gzipped in an AWSLogs tree, the first half as JSON Lines, and the
        // whole file again (every record a duplicate).
        let object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: whole))) as? [String: Any])
        let records = try #require(object["Records"] as? [Any])
        let half = records.count / 2
        let tree = dir.sub("AWSLogs/100000000001/CloudTrail/us-east-1/2026/01/05")
        try FileManager.default.createDirectory(atPath: tree, withIntermediateDirectories: true)
        let second = tree + "/100000000001_CloudTrail_us-east-1_20260105T0000Z_abcdefgh12345678.json"
        try JSONSerialization.data(withJSONObject: ["Records": Array(records[half...])]).write(to: URL(fileURLWithPath: second))
        let gzip = Process()
        gzip.executableURL = URL(fileURLWithPath: "/bin/gzip")
        gzip.arguments = [second]
        try gzip.run()
        gzip.waitUntilExit()
        let lines = try records[..<half].map { String(decoding: try JSONSerialization.data(withJSONObject: $0), as: UTF8.self) }.joined(separator: "\n")
        try lines.write(toFile: dir.sub("lake.jsonl"), atomically: true, encoding: .utf8)
        let split = try runAccesslab(["import", "cloudtrail", dir.sub("AWSLogs"), dir.sub("lake.jsonl"), whole, "--db", dir.sub("split"), "--json"])
        #expect(split.code == 0, "\(split.err)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(split.out.utf8)) as? [String: Any])
        #expect(report["duplicates"] as? Int == records.count && report["files"] as? Int == 3)
        let digest = { (db: String) throws -> String in try runAccesslab(["digest", "--db", db]).out }
        #expect(try digest(dir.sub("split")) == digest(dir.sub("one")))
    }

    @Test func aMalformedRecordIsNamedAndSkippedNeverACrash() throws {
        let dir = try TemporaryDirectory()
        let file = dir.sub("bad.json")
        try #"{"Records":[{"eventTime":"2026-01-05T00:00:00Z","eventSource":"sso.amazonaws.com","eventName":"CreatePermissionSet"},{"eventVersion":"1.11","eventTime":"not a time","eventSource":"x","eventName":"y","eventID":"e2"},{"eventVersion":"1.11","eventTime":"2026-01-05T00:00:01Z","eventSource":"organizations.amazonaws.com","eventName":"ListAccounts","eventID":"e3","requestParameters":null,"responseElements":null}]}"#
            .write(toFile: file, atomically: true, encoding: .utf8)
        try Data([0x1f, 0x8b, 0x08, 0x00, 0x01]).write(to: URL(fileURLWithPath: dir.sub("broken.json.gz")))
        let r = try runAccesslab(["import", "cloudtrail", file, dir.sub("broken.json.gz"), "--db", dir.sub("db")])
        #expect(r.code == 0, "\(r.err)")
        #expect(r.out.contains("skipped records: 3"))
        #expect(r.out.contains("bad.json: Records[0].eventID: missing") && r.out.contains("bad.json: Records[1].eventTime 'not a time'"))
        #expect(r.out.contains("broken.json.gz: not a complete gzip stream"))
        #expect(r.out.contains("organizations.amazonaws.com:ListAccounts: 1"))
    }

    @Test func onTopOfAnExportBothUserIdentityShapesSignIn() throws {
        let dir = try TemporaryDirectory()
        #expect(try runAccesslab(["snapshot", "--db", Self.tiny, "--at", "2026-01-06T00:00:00Z", "--format", "aws", "--out", dir.sub("export")]).code == 0)
        #expect(try runAccesslab(["import", "aws", dir.sub("export"), "--db", dir.sub("db")]).code == 0)
        let ids = AWSIdentifiers(managementAccountId: "100000000001")
        func signIn(_ id: String, _ time: String, _ identity: String) -> String {
            #"{"eventVersion":"1.08","eventTime":"\#(time)","eventSource":"signin.amazonaws.com","eventName":"UserAuthentication","eventID":"\#(id)","#
                + #""eventType":"AwsServiceEvent","userIdentity":\#(identity),"serviceEventDetails":{"UserAuthentication":"Success"},"recipientAccountId":"100000000001"}"#
        }
        // Before July 2025: `Unknown` with the user name. After: `IdentityCenterUser` on behalf of the identity-store user.
        let old = #"{"type":"Unknown","principalId":"100000000001","arn":"","accountId":"100000000001","accessKeyId":"","userName":"u00001@example.com"}"#
        let new = #"{"type":"IdentityCenterUser","accountId":"100000000001","onBehalfOf":{"userId":"\#(ids.userId("u00003"))","identityStoreArn":"arn:aws:identitystore::100000000001:identitystore/\#(ids.identityStoreId)"},"credentialId":"abc"}"#
        // The console adds u00008 to payments (sso-directory, as the 2023 records in the sources show it).
        let console = #"{"eventVersion":"1.08","eventTime":"2026-01-06T08:00:00Z","eventSource":"sso-directory.amazonaws.com","eventName":"AddMemberToGroup","eventID":"e3","#
            + #""userIdentity":{"type":"Root"},"requestParameters":{"identityStoreId":"\#(ids.identityStoreId)","groupId":"\#(ids.groupId("g-payments"))","member":{"memberId":"\#(ids.userId("u00008"))"}},"responseElements":null}"#
        let lines = [signIn("e1", "2026-01-06T09:00:00Z", old), signIn("e2", "2026-01-06T09:05:00Z", new), signIn("e0", "2026-01-05T09:00:00Z", new), console]
        try lines.joined(separator: "\n").write(toFile: dir.sub("history.jsonl"), atomically: true, encoding: .utf8)
        let r = try runAccesslab(["import", "cloudtrail", dir.sub("history.jsonl"), "--db", dir.sub("db"), "--json"])
        #expect(r.code == 0, "\(r.err)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any])
        #expect((report["applied"] as? [String: Int])?["signin.amazonaws.com:UserAuthentication"] == 2)
        #expect(report["beforeStart"] as? Int == 1 && (report["unknowns"] as? [String] ?? []).isEmpty)
        let access = try runAccesslab(["access", "--db", dir.sub("db"), "--at", "2026-01-06T09:10:00Z", "--user", ids.userId("u00001"), "--json"])
        let rows = try #require((try JSONSerialization.jsonObject(with: Data(access.out.utf8)) as? [String: Any])?["rows"] as? [[String: Any]])
        #expect(!rows.isEmpty && rows.allSatisfy { $0["canGetCredentials"] as? Bool == true })
        let moved = try runAccesslab(["access", "--db", dir.sub("db"), "--at", "2026-01-06T09:10:00Z", "--user", ids.userId("u00008"), "--json"])
        let movedRows = try #require((try JSONSerialization.jsonObject(with: Data(moved.out.utf8)) as? [String: Any])?["rows"] as? [[String: Any]])
        #expect(movedRows.contains { $0["accountName"] as? String == "payments-dev" && $0["entitled"] as? Bool == true })
    }
}
