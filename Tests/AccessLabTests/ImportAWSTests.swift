import AccessLabAWS
import Foundation
import Testing

/// `import aws`: an export of an organisation becomes a log whose access answers are the export's.
@Suite(.serialized) struct ImportAWSTests {
    /// Entitled (user name, account, permission set) triples of `access --json` at `at`.
    static func entitlements(db: String, at: String, names: [String: String]) throws -> Set<String> {
        let r = try runAccesslab(["access", "--db", db, "--at", at, "--json"])
        #expect(r.code == 0, "\(r.err)")
        let rows = try #require((try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any])?["rows"] as? [[String: Any]])
        return Set(rows.filter { $0["entitled"] as? Bool == true }.map {
            "\(names[$0["user"] as! String] ?? "?") \($0["accountId"]!) \($0["permissionSet"]!)"
        })
    }

    @Test func aSimulatedOrganisationExportedAndImportedAnswersAccessTheSame() throws {
        let dir = try TemporaryDirectory()
        #expect(try runAccesslab(["run", scenarioPath("tiny.yaml"), "--db", dir.sub("sim"), "--no-check"]).code == 0)
        let at = "2026-01-14T12:00:00Z"
        #expect(try runAccesslab(["snapshot", "--db", dir.sub("sim"), "--at", at, "--format", "aws", "--out", dir.sub("export")]).code == 0)
        let imported = try runAccesslab(["import", "aws", dir.sub("export"), "--db", dir.sub("imported")])
        #expect(imported.code == 0, "\(imported.err)")
        #expect(imported.out.contains("users: 9") && imported.out.contains("users (disabled): 1") && imported.out.contains("account assignments: 6"))

        // The simulation names users u00001...; the import, by their identity-store UUIDs. Both map to the user name.
        let ids = AWSIdentifiers(managementAccountId: "100000000001")
        var simNames: [String: String] = [:], importNames: [String: String] = [:]
        for n in 1...10 {
            let id = String(format: "u%05d", n)
            simNames[id] = "\(id)@example.com"
            importNames[ids.userId(id)] = "\(id)@example.com"
        }
        let simulated = try Self.entitlements(db: dir.sub("sim"), at: at, names: simNames)
        let fromExport = try Self.entitlements(db: dir.sub("imported"), at: at, names: importNames)
        #expect(!simulated.isEmpty && fromExport == simulated)
        #expect(try runAccesslab(["verify", "--db", dir.sub("imported")]).code == 0)

        let again = try runAccesslab(["import", "aws", dir.sub("export"), "--db", dir.sub("imported")])
        #expect(again.code != 0 && again.err.contains("already holds"))
    }

    /// moto's server and exports made before botocore 1.44 have no UserArn, GroupArn, MembershipArn or
    /// Revision, which the current model requires: they import, and the report counts what was missing.
    @Test func anExportWithoutTheIdentityStoresNewerMembersIsAcceptedAndCounted() throws {
        let dir = try TemporaryDirectory()
        #expect(try runAccesslab(["run", scenarioPath("tiny.yaml"), "--db", dir.sub("sim"), "--until", "2d", "--no-check"]).code == 0)
        #expect(try runAccesslab(["snapshot", "--db", dir.sub("sim"), "--at", "+1d", "--format", "aws", "--out", dir.sub("export")]).code == 0)
        let store = dir.sub("export/identitystore")
        for file in try FileManager.default.contentsOfDirectory(atPath: store) {
            var page = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: store + "/" + file))) as? [String: Any])
            for list in ["Users", "Groups", "GroupMemberships"] {
                page[list] = (page[list] as? [[String: Any]])?.map { $0.filter { !["UserArn", "GroupArn", "MembershipArn", "Revision"].contains($0.key) } }
            }
            try JSONSerialization.data(withJSONObject: page).write(to: URL(fileURLWithPath: store + "/" + file))
        }
        let r = try runAccesslab(["import", "aws", dir.sub("export"), "--db", dir.sub("db"), "--json"])
        #expect(r.code == 0, "\(r.err)")
        let counts = try #require((try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any])?["counts"] as? [String: Int], "\(r.out)")
        let users = try #require(counts["users"])
        #expect(counts.first { $0.key.hasPrefix("items without UserArn") }?.value == users + (counts["users (disabled)"] ?? 0), "\(counts)")
        #expect(counts.keys.contains { $0.hasPrefix("items without MembershipArn") } && counts.keys.contains { $0.hasPrefix("items without Revision") })
    }

    @Test func aMalformedExportNamesTheFileAndPlaceAndWritesNothing() throws {
        let dir = try TemporaryDirectory()
        #expect(try runAccesslab(["run", scenarioPath("tiny.yaml"), "--db", dir.sub("sim"), "--until", "2d", "--no-check"]).code == 0)
        #expect(try runAccesslab(["snapshot", "--db", dir.sub("sim"), "--at", "+1d", "--format", "aws", "--out", dir.sub("export")]).code == 0)
        let users = dir.sub("export/identitystore/ListUsers.json")
        let text = try String(contentsOfFile: users, encoding: .utf8)
        try text.replacingOccurrences(of: "\"UserId\" : \"", with: "\"UserIdent\" : \"").write(toFile: users, atomically: true, encoding: .utf8)
        let r = try runAccesslab(["import", "aws", dir.sub("export"), "--db", dir.sub("db")])
        #expect(r.code != 0)
        #expect(r.err.contains("identitystore/ListUsers.json: Users[0].UserId: missing") && r.err.contains("nothing was imported"), "\(r.err)")
        #expect(!FileManager.default.fileExists(atPath: dir.sub("db")))

        let none = try runAccesslab(["import", "aws", dir.sub("sim"), "--db", dir.sub("db2")])
        #expect(none.code != 0 && none.err.contains("no export.json"))
    }
}

/// `organization: {from: DIR}`: a scenario that simulates an imported organisation.
@Suite(.serialized) struct ScenarioFromImportTests {
    @Test func anImportedOrganisationIsSimulatedWithItsOwnIdsAndTheCheckAgrees() throws {
        let dir = try TemporaryDirectory()
        #expect(try runAccesslab(["run", scenarioPath("tiny.yaml"), "--db", dir.sub("sim"), "--until", "3d", "--no-check"]).code == 0)
        #expect(try runAccesslab(["snapshot", "--db", dir.sub("sim"), "--at", "end", "--format", "aws", "--out", dir.sub("export")]).code == 0)
        #expect(try runAccesslab(["import", "aws", dir.sub("export"), "--db", dir.sub("org")]).code == 0)
        try """
        name: ours
        start: 2026-02-02T00:00:00Z
        duration: 14d
        organization:
          from: org
        idp:
          model: push
        churn:
          leavers_per_week: 1
          movers_per_week: 1
          joiners_per_week: 1
        """.write(toFile: dir.sub("ours.yaml"), atomically: true, encoding: .utf8)
        let r = try runAccesslab(["run", dir.sub("ours.yaml"), "--db", dir.sub("run"), "--json"])
        #expect(r.code == 0, "\(r.err)")
        #expect(r.out.contains("\"digest\""))
        // The people, accounts and permission sets are the export's, by their AWS ids.
        let ids = AWSIdentifiers(managementAccountId: "100000000001")
        let created = try runAccesslab(["log", "--db", dir.sub("run"), "--type", "CreateUser"]).out
        // Joiners get generated ids; everyone the export holds keeps theirs.
        #expect([1, 3, 4, 5, 6, 7, 8].allSatisfy { created.contains(ids.userId(String(format: "u%05d", $0))) })
        let assignments = try runAccesslab(["log", "--db", dir.sub("run"), "--type", "CreateAccountAssignment"]).out
        #expect(assignments.contains("accountId=100000000003") && assignments.contains("ps-"))
        // Teams are the export's groups, by their identity-store ids; no group is made up from a team's name.
        let groups = try runAccesslab(["log", "--db", dir.sub("run"), "--type", "CreateGroup"]).out
        #expect(["payments", "search"].allSatisfy { groups.contains("groupId=\(ids.groupId("g-" + $0))") }, "\(groups)")
        #expect(!groups.contains("groupId=g-"), "\(groups)")
        // Each mover's old group is the imported one: the move is measured (not censored), and the check agrees.
        let report = try #require(try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any])
        let movers = try #require((report["movers"] as? [String: Any])?["people"] as? [[String: Any]])
        #expect(!movers.isEmpty && movers.allSatisfy { $0["outcome"] as? String != "censored" }, "\(movers)")
        #expect((report["independent_check"] as? [String: Any])?["agreed"] as? Bool == true, "\(report["independent_check"] ?? "")")
        #expect(try runAccesslab(["check", "--db", dir.sub("run")]).code == 0)

        try "name: bad\norganization:\n  from: org\nteams:\n  - {name: x, size: 3, department: y}\n".write(toFile: dir.sub("bad.yaml"), atomically: true, encoding: .utf8)
        let bad = try runAccesslab(["run", dir.sub("bad.yaml"), "--db", dir.sub("bad")])
        #expect(bad.code != 0 && bad.err.contains("bad.yaml:3:") && bad.err.contains("comes from the imported organisation"))
        try "name: none\norganization:\n  from: missing\n".write(toFile: dir.sub("none.yaml"), atomically: true, encoding: .utf8)
        let none = try runAccesslab(["run", dir.sub("none.yaml"), "--db", dir.sub("none")])
        #expect(none.code != 0 && none.err.contains("cannot read the database"))
    }

    /// An organisation whose users hold assignments of their own (not through a group) keeps them when simulated.
    @Test func anImportedOrganisationsDirectAssignmentsAreCarriedIntoTheSimulation() throws {
        let dir = try TemporaryDirectory()
        #expect(try runAccesslab(["run", scenarioPath("tiny.yaml"), "--db", dir.sub("sim"), "--until", "3d", "--no-check", "--set", "assignment_mode=direct"]).code == 0)
        #expect(try runAccesslab(["snapshot", "--db", dir.sub("sim"), "--at", "end", "--format", "aws", "--out", dir.sub("export")]).code == 0)
        #expect(try runAccesslab(["import", "aws", dir.sub("export"), "--db", dir.sub("org"), "--at", "2026-02-01T00:00:00Z"]).code == 0)
        try "name: ours\nstart: 2026-02-02T00:00:00Z\nduration: 1d\norganization:\n  from: org\n".write(toFile: dir.sub("ours.yaml"), atomically: true, encoding: .utf8)
        let r = try runAccesslab(["run", dir.sub("ours.yaml"), "--db", dir.sub("run")])
        #expect(r.code == 0, "\(r.err)")
        let ids = AWSIdentifiers(managementAccountId: "100000000001")
        var names: [String: String] = [:]
        for n in 1...10 { names[ids.userId(String(format: "u%05d", n))] = String(format: "u%05d", n) }
        // Only active people in a group are carried over (a leaver disabled before the export is not).
        let created = try runAccesslab(["log", "--db", dir.sub("run"), "--type", "CreateUser"]).out
        let carried = Set(names.filter { created.contains($0.key) }.values)
        let imported = try ImportAWSTests.entitlements(db: dir.sub("org"), at: "2026-02-01T12:00:00Z", names: names)
            .filter { carried.contains(String($0.prefix(6))) }
        let simulated = try ImportAWSTests.entitlements(db: dir.sub("run"), at: "2026-02-02T06:00:00Z", names: names)
        #expect(!imported.isEmpty && simulated.isSuperset(of: imported), "\(imported.subtracting(simulated))")
        let assignments = try runAccesslab(["log", "--db", dir.sub("run"), "--type", "CreateAccountAssignment"]).out
        #expect(assignments.contains("principalType=USER"), "\(assignments.prefix(400))")
    }
}
