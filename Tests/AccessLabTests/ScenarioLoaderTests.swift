import AccessLabEvents
import AccessLabScenario
import AccessLabSimulation
import Testing

@Suite struct ScenarioLoaderTests {
    @Test func theReferenceScenarioHasTheShapeTheIssueAsksFor() throws {
        let s = try loadScenario("org-120-jml.yaml")
        #expect(s.accounts.count == 120)
        #expect(s.accounts.filter(\.isManagementAccount).map(\.name) == ["management"])
        #expect((1_900...2_100).contains(s.teams.reduce(0) { $0 + $1.size }))
        #expect(s.permissionSets.map(\.name) == ["Administrator", "PowerUser", "Developer", "ReadOnly", "SecurityAudit", "Billing"])
        #expect(s.idp.model == .cycle && s.idp.cycleInterval == .minutes(40))
        #expect(s.duration == .days(90))
        #expect(s.identityCenter.signinCache == .hours(1))
    }

    @Test func extendsOverridesOnlyWhatItNames() throws {
        let okta = try loadScenario("okta-push.yaml"), base = try loadScenario("org-120-jml.yaml")
        #expect(okta.name == "okta-push" && okta.idp.model == .push)
        #expect(okta.accounts == base.accounts && okta.seed == base.seed && okta.idp.hrLag == base.idp.hrLag)
    }

    static let valid = """
    name: t
    organization:
      accounts:
        - {name: one}
    teams:
      - {name: a, size: 2}
    permission_sets:
      - {name: P, session_duration: 2h}
    assignments:
      - {teams: [a], permission_set: P, accounts: "name=one"}
    """

    @Test func aValidMinimalScenarioLoads() throws {
        let s = try loadScenario(yaml: Self.valid)
        #expect(s.identityCenter.region == "us-east-1")
        #expect(try loadScenario(yaml: Self.valid + "\nidentity_center:\n  region: ap-southeast-2\n").identityCenter.region == "ap-southeast-2")
        #expect(s.assignments == [AssignmentSpec(team: "a", permissionSetId: s.permissionSets[0].permissionSetId, accountIds: ["100000000001"])])
    }

    /// Each malformed input names the file, line, column, field and problem.
    @Test(arguments: [
        (valid.replacingOccurrences(of: "session_duration: 2h", with: "session_duration: 13h"),
         "test.yaml:8:33: permission_sets[0].session_duration: must be between 1h and 12h, got 13h"),
        (valid.replacingOccurrences(of: "session_duration: 2h", with: "session_duration: soon"),
         "test.yaml:8:33: permission_sets[0].session_duration: expected a duration"),
        (valid + "\nidp:\n  modle: push\n", "test.yaml:12:3: idp.modle: unknown field"),
        (valid + "\nidp:\n  model: carrier-pigeon\n", "test.yaml:12:10: idp.model: expected one of push, cycle, scheduled, hours, manual"),
        (valid.replacingOccurrences(of: "permission_set: P,", with: "permission_set: Q,"),
         "test.yaml:10:34: assignments[0].permission_set: no permission set named 'Q'"),
        (valid.replacingOccurrences(of: "name=one", with: "name=two"), "test.yaml:10:47: assignments[0].accounts: 'name=two' matches no account"),
        (valid + "\nchurn:\n  leavers_per_week: -1\n", "test.yaml:12:21: churn.leavers_per_week: expected a number in 0.0...100000.0"),
        (valid + "\nchurn: [1, 2\n", "test.yaml:12:1: YAML syntax"),
        (valid + "\nname: again\n", "test.yaml:11:1: name: appears twice"),
        (valid + "\nduration: 0s\n", "test.yaml:11:11: duration: must be between 1m"),
        (valid + "\nidentity_center:\n  region: EU West\n", "test.yaml:12:11: identity_center.region: expected an AWS Region"),
        (valid.replacingOccurrences(of: "    - {name: one}", with: "    - {name: one}\n    - {name: one}"),
         "test.yaml:5:7: organization.accounts[1].name: account 'one' is declared twice"),
    ])
    func malformedScenariosGiveFileLineColumnErrors(_ yaml: String, _ expected: String) {
        do {
            _ = try loadScenario(yaml: yaml)
            Issue.record("no error for: \(expected)")
        } catch {
            #expect(error.description.hasPrefix(expected), "\(error.description)")
        }
    }

    @Test func resourceControlPoliciesLoadBesideSCPsWithTheSameLimit() throws {
        let rcp = #"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:DeleteBucket","Resource":"*"}]}"#
        let s = try loadScenario(yaml: Self.valid + "\nresource_control_policies:\n  - {name: NoBucketDeletes, policy: rcp.json}\n", files: ["rcp.json": rcp])
        #expect(s.resourceControlPolicies.map(\.name) == ["NoBucketDeletes"])
        #expect(s.resourceControlPolicies.first?.targetIds == [Scenario.rootId])
        let big = #"{"Version":"2012-10-17","Statement":[],"Pad":""# + String(repeating: "x", count: 5_200) + "\"}"
        do {
            _ = try loadScenario(yaml: Self.valid + "\nresource_control_policies:\n  - {name: Big, policy: big.json}\n", files: ["big.json": big])
            Issue.record("an RCP over 5,120 characters loaded")
        } catch {
            #expect(error.description.contains("resource_control_policies[0].policy: the RCP is"), "\(error)")
        }
    }

    @Test func anInlinePolicyOverIdentityCentersLimitIsRefusedWhereItIsNamed() {
        let big = "{\"Version\": \"2012-10-17\", \"Statement\": [], \"Pad\": \"" + String(repeating: "x", count: 33_000) + "\"}"
        let yaml = Self.valid.replacingOccurrences(of: "session_duration: 2h}", with: "session_duration: 2h, inline_policy: big.json}")
        #expect(throws: ScenarioError.self) { try loadScenario(yaml: yaml, files: ["big.json": big]) }
        do { _ = try loadScenario(yaml: yaml, files: ["big.json": big]) } catch {
            #expect(error.description.contains("test.yaml:8:"))
            #expect(error.description.contains("allows 32768"))
        }
        do { _ = try loadScenario(yaml: yaml, files: ["big.json": "{not json"]) } catch {
            #expect(error.description.contains("not valid JSON"))
        }
        do { _ = try loadScenario(yaml: yaml) } catch {
            #expect(error.description.contains("cannot read 'big.json'"))
        }
    }
}

@Suite struct ScenarioSettingTests {
    @Test func settingsReachNestedFieldsListItemsAndTheRunbookSwitch() throws {
        let read = { (path: String) throws -> String in try readFile(path) }
        let loader = ScenarioLoader(read: read)
        let s = try loader.load(path: scenarioPath("org-120-jml.yaml"), settings: [
            ("idp.model", "push"), ("permission_sets.ReadOnly.session_duration", "1h"), ("runbook.enabled", "true")])
        #expect(s.idp.model == .push)
        #expect(s.permissionSets.first { $0.name == "ReadOnly" }?.sessionDuration == .hours(1))
        #expect(s.runbook != nil)
        let off = try loader.load(path: scenarioPath("revocation-runbook.yaml"), settings: [("runbook.enabled", "false")])
        #expect(off.runbook == nil)
        #expect(throws: ScenarioError.self) { try loader.load(path: scenarioPath("tiny.yaml"), settings: [("teams.nobody.size", "3")]) }
    }
}
