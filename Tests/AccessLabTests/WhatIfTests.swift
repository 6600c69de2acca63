import Foundation
import Testing

/// `whatif`: proposed admin changes tried on a past state, compared decision by decision, never written.
@Suite(.serialized) struct WhatIfTests {
    static let tiny = sharedRun("whatif-tests", [scenarioPath("tiny.yaml"), "--until", "3d", "--no-check"])

    static func whatif(_ yaml: String, _ extra: [String] = []) throws -> (code: Int32, json: [String: Any], err: String) {
        let dir = try TemporaryDirectory()
        let file = dir.sub("change.yaml")
        try yaml.write(toFile: file, atomically: true, encoding: .utf8)
        let r = try runAccesslab(["whatif", "--db", tiny, file, "--at", "+2d12h", "--json"] + extra)
        let json = (try? JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any]) ?? [:]
        return (r.code, json, r.err)
    }

    static func rows(_ json: [String: Any], _ key: String) -> [[String: Any]] { json[key] as? [[String: Any]] ?? [] }

    @Test func anAddedAssignmentGainsItsPermissionSetsActionsForEveryActiveMemberAndNothingElse() throws {
        let r = try Self.whatif("changes:\n  - add_assignment: {account: payments-prod, permission_set: Developer, group: payments}\n",
                                ["--actions", "s3:PutObject,iam:CreateUser"])
        #expect(r.code == 0, "\(r.err)")
        let gained = Self.rows(r.json, "gained")
        #expect(Self.rows(r.json, "lost").isEmpty)
        // Developer allows s3:* and denies iam:*; the payments group's active members gain s3:PutObject in payments-prod only.
        #expect(!gained.isEmpty && gained.allSatisfy { $0["action"] as? String == "s3:PutObject" && $0["accountName"] as? String == "payments-prod" })
        let users = Set(gained.compactMap { $0["userName"] as? String })
        #expect(!users.contains("u00002@example.com"), "u00002 was disabled on day 2: no longer an active user")
        #expect(users.isSubset(of: Set((1...5).map { String(format: "u%05d@example.com", $0) })))
    }

    @Test func aChangeThatAllowsNothingNewIsAccessEquivalent() throws {
        let r = try Self.whatif("changes:\n  - permission_set: {name: ReadOnly, session_duration: 2h}\n")
        #expect(r.code == 0 && Self.rows(r.json, "gained").isEmpty && Self.rows(r.json, "lost").isEmpty)
        #expect((r.json["probes"] as? Int ?? 0) > 0)
    }

    @Test func anSCPDenyLosesTheActionInTheAccountsUnderItsTarget() throws {
        let yaml = """
        changes:
          - attach_scp:
              name: deny-s3-writes
              target: Workloads
              policy: '{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:PutObject","Resource":"*"}]}'
        """
        let r = try Self.whatif(yaml, ["--actions", "s3:PutObject,s3:GetObject"])
        #expect(r.code == 0, "\(r.err)")
        let lost = Self.rows(r.json, "lost")
        #expect(!lost.isEmpty && lost.allSatisfy { $0["action"] as? String == "s3:PutObject" && $0["after"] as? String == "ExplicitlyDenied" })
        #expect(Self.rows(r.json, "gained").isEmpty)
    }

    @Test func badChangesAreNamedWithTheirPlaceAndNothingIsWritten() throws {
        let before = try runAccesslab(["verify", "--db", Self.tiny]).out
        let unknown = try Self.whatif("changes:\n  - add_assignment: {account: payments-prod, permission_set: Developr, group: payments}\n")
        #expect(unknown.code != 0 && unknown.err.contains("change 1: no permission set 'Developr'"))
        let malformed = try Self.whatif("changes:\n  - add_assignment: {account: payments-prod, permission_set: Developer}\n")
        #expect(malformed.code != 0 && malformed.err.contains("change.yaml:2:") && malformed.err.contains("name either a user or a group"))
        let two = try Self.whatif("changes:\n  - {detach_scp: {name: x, target: y}, permission_set: {name: ReadOnly, session_duration: 2h}}\n")
        #expect(two.code != 0 && two.err.contains("exactly one of"))
        #expect(try runAccesslab(["verify", "--db", Self.tiny]).out == before)
    }
}
