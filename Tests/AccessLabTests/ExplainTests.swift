import AccessLabEvents
import Foundation
import AccessLabLog
import AccessLabPolicy
import AccessLabProjections
import AccessLabQuery
import AccessLabSimulation
import Testing

@Suite struct ExplainTests {
    func explain(_ log: InMemoryEventLog, at t: Instant, user: String = "u00001", account: String = "111111111111",
                 action: String, resource: String? = nil) throws -> Explanation {
        try log.read { reader in
            let history = History(reader: reader)
            let state = try history.state(through: try history.position(of: .instant(t)).seq)
            return Explanation.build(state, rules: AccessRules(parameters: reader.metadata.parameters), at: t, userId: user,
                                     accountId: account, action: action,
                                     resource: resource, extraContext: [:])
        }
    }

    func scenario() -> Scenario {
        var s = closedFormScenario(model: .cycle)
        s.permissionSets[0].managedPolicyArns = ["arn:aws:iam::aws:policy/ReadOnlyAccess"]
        return s
    }

    /// The service guards and the KMS and trust-policy rules reach access answers, not only `policy eval`.
    @Test func serviceGuardsAndResourcePolicyRulesShowInExplain() throws {
        var s = scenario()
        s.permissionSets[0].managedPolicyArns = ["arn:aws:iam::aws:policy/AdministratorAccess"]
        let (_, _, log) = try simulate(s)
        let t = monday + .hours(11)
        let managed = try explain(log, at: t, action: "iam:CreatePolicyVersion", resource: "arn:aws:iam::aws:policy/ReadOnlyAccess")
        #expect(managed.decision == "ExplicitlyDenied")
        #expect(managed.paths.first?.reason?.hasPrefix("guard awsManagedPolicy") == true)
        let reserved = try explain(log, at: t, action: "iam:DeleteRole",
                                   resource: "arn:aws:iam::111111111111:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_0123456789abcdef")
        #expect(reserved.paths.first?.reason?.hasPrefix("guard identityCenterRole") == true)
        let whoami = try explain(log, at: t, action: "sts:GetCallerIdentity")
        #expect(whoami.decision == "Allowed")
        let assume = try explain(log, at: t, action: "sts:AssumeRole", resource: "arn:aws:iam::111111111111:role/Deploy")
        #expect(assume.decision == "ImplicitlyDenied")
        #expect(assume.paths.first?.reason?.contains("trust policy") == true)
    }

    /// A scenario's resource control policy reaches `explain`: it denies on the resources of the accounts
    /// below its target, for the services RCPs cover, and not in the management account.
    @Test func aScenariosResourceControlPolicyDeniesInExplain() throws {
        var s = scenario()
        s.permissionSets[0].managedPolicyArns = ["arn:aws:iam::aws:policy/AdministratorAccess"]
        s.assignments.append(AssignmentSpec(team: "a", permissionSetId: "ps-ro", accountIds: ["999999999999"]))
        let rcp = #"{"Version":"2012-10-17","Statement":[{"Sid":"NoBucketDeletes","Effect":"Deny","Principal":"*","Action":"s3:DeleteBucket","Resource":"*"}]}"#
        s.resourceControlPolicies = [ServiceControlPolicySpec(policyId: "p-rcp00001", name: "NoBucketDeletes", content: rcp, targetIds: [Scenario.rootId])]
        let (_, _, log) = try simulate(s)
        let t = monday + .hours(11)
        let denied = try explain(log, at: t, action: "s3:DeleteBucket", resource: "arn:aws:s3:::team-bucket")
        #expect(denied.decision == "ExplicitlyDenied")
        #expect(denied.paths.first?.statements.contains { $0.policy == "RCP NoBucketDeletes" && $0.effect == "Deny" } == true, "\(denied.paths.first?.statements ?? [])")
        let other = try explain(log, at: t, action: "s3:GetObject", resource: "arn:aws:s3:::team-bucket/k")
        #expect(other.decision == "Allowed")
        let management = try explain(log, at: t, account: "999999999999", action: "s3:DeleteBucket", resource: "arn:aws:s3:::m-bucket")
        #expect(management.decision == "Allowed", "RCPs do not apply to the management account's resources")
    }

    @Test func aLiveCredentialIsEvaluatedWithItsPermissionSetsPolicies() throws {
        let (_, _, log) = try simulate(scenario())
        let t = monday + .hours(11)
        let read = try explain(log, at: t, action: "s3:GetObject", resource: "arn:aws:s3:::b/k")
        #expect(read.decision == "Allowed")
        let path = try #require(read.paths.first)
        #expect(path.credentialUsed != nil && path.roleName?.hasPrefix("AWSReservedSSO_ReadOnly_") == true)
        #expect(path.statements.contains { $0.policy == "arn:aws:iam::aws:policy/ReadOnlyAccess" && $0.effect == "Allow" })
        #expect(read.user.identityCenterStatus == "disabled" && read.user.idpStatus == "disabled")
        let write = try explain(log, at: t, action: "s3:PutObject", resource: "arn:aws:s3:::b/k")
        #expect(write.decision == "ImplicitlyDenied")
        #expect(write.paths.first?.reason?.contains("no identity-based or resource-based policy") == true)
    }

    @Test func aSessionCarriesItsRolesArnAndNoUserName() throws {
        let (_, _, log) = try simulate(scenario())
        let path = try #require(try explain(log, at: monday + .hours(11), action: "s3:GetObject").paths.first)
        let role = try #require(path.roleName)
        #expect(path.context["aws:PrincipalArn"] == ["arn:aws:iam::111111111111:role/aws-reserved/sso.amazonaws.com/\(role)"],
                "an instance in us-east-1 has no region segment in its roles' path")
        let roleId = ReservedRoleIdentifiers.roleId(roleName: role)
        #expect(roleId.count == 20 && roleId.hasPrefix("AROA"))
        #expect(path.context["aws:userid"] == ["\(roleId):u00001@example.com"], "role id, then the session name: the user name")
        #expect(path.context["aws:username"] == nil, "IAM sets aws:username for IAM users only")
        #expect(path.context["aws:PrincipalAccount"] == ["111111111111"] && path.context["identitystore:UserId"] == ["u00001"])

        var elsewhere = scenario()
        elsewhere.identityCenter.region = "eu-west-2"
        let (_, _, euLog) = try simulate(elsewhere)
        let euPath = try #require(try explain(euLog, at: monday + .hours(11), action: "s3:GetObject").paths.first)
        #expect(euPath.context["aws:PrincipalArn"] == ["arn:aws:iam::111111111111:role/aws-reserved/sso.amazonaws.com/eu-west-2/\(role)"])
    }

    /// Policies that single out an Identity Center role by ARN name the role, with its path, not the session.
    @Test func policiesNamingTheReservedRoleMatchItsSessions() throws {
        var s = scenario()
        s.identityCenter.region = "eu-west-2"
        s.permissionSets[0].inlinePolicy = #"{"Version":"2012-10-17","Statement":[{"Sid":"ByRole","Effect":"Allow","Action":"s3:PutObject","Resource":"*","Condition":{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/aws-reserved/sso.amazonaws.com/*/AWSReservedSSO_ReadOnly_*"}}},{"Sid":"BySession","Effect":"Allow","Action":"s3:DeleteObject","Resource":"*","Condition":{"ArnLike":{"aws:PrincipalArn":"arn:aws:sts::*:assumed-role/AWSReservedSSO_ReadOnly_*/*"}}}]}"#
        let (_, _, log) = try simulate(s)
        let t = monday + .hours(11)
        let put = try explain(log, at: t, action: "s3:PutObject", resource: "arn:aws:s3:::b/k")
        #expect(put.decision == "Allowed")
        #expect(put.paths.first?.statements.contains { $0.sid == "ByRole" } == true)
        let delete = try explain(log, at: t, action: "s3:DeleteObject", resource: "arn:aws:s3:::b/k")
        #expect(delete.decision == "ImplicitlyDenied", "aws:PrincipalArn is never the assumed-role session ARN")

        // The usual bucket policy: deny everyone but the role. The session (the Principal) is let through.
        let path = try #require(put.paths.first)
        let role = try #require(path.roleName)
        let bucketPolicy = try Policy.parse(#"{"Version":"2012-10-17","Statement":[{"Sid":"OnlyReadOnly","Effect":"Deny","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"ArnNotLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/aws-reserved/sso.amazonaws.com/*/AWSReservedSSO_ReadOnly_*"}}}]}"#, path: "bucket")
        let readOnly = try Policy.parse(try #require(ManagedPolicies.document(arn: "arn:aws:iam::aws:policy/ReadOnlyAccess")), path: "identity")
        let request = Request(action: "s3:GetObject", resource: "arn:aws:s3:::b/k", resourceAccount: "111111111111",
                              principal: ReservedRoleIdentifiers.sessionArn(accountId: "111111111111", roleName: role, sessionName: "u00001@example.com"),
                              context: RequestContext(path.context))
        #expect(Evaluator.evaluate(EvaluationCase(request: request, identityPolicies: [readOnly], resourcePolicy: bucketPolicy)).response == .Allowed)
        var asSession = path.context
        asSession["aws:PrincipalArn"] = [try #require(request.principal)]
        let before = Request(action: request.action, resource: request.resource, resourceAccount: "111111111111", principal: request.principal,
                             context: RequestContext(asSession))
        #expect(Evaluator.evaluate(EvaluationCase(request: before, identityPolicies: [readOnly], resourcePolicy: bucketPolicy)).response == .ExplicitlyDenied,
                "with the session ARN as aws:PrincipalArn the role's own user would be locked out")
    }

    @Test func afterTheLastCredentialExpiresNothingCanBeDone() throws {
        let (_, _, log) = try simulate(scenario())
        let e = try explain(log, at: monday + .days(1) + .hours(1), action: "s3:GetObject")
        #expect(e.decision == "ImplicitlyDenied")
        #expect(e.paths.first?.reason?.contains("no usable credentials") == true)
    }

    @Test func anEffectiveSCPDenyOnTheUserIsTheDecidingStatement() throws {
        var s = scenario()
        var runbook = RunbookSpec()
        runbook.delay = .fixed(.minutes(10))
        runbook.steps = [.denyScp]
        s.runbook = runbook
        let (_, _, log) = try simulate(s)
        let deny = monday + .hours(10) + .minutes(15) + .seconds(4)
        let before = try explain(log, at: deny - Duration_ms(1), action: "s3:GetObject")
        #expect(before.decision == "Allowed")
        let after = try explain(log, at: deny, action: "s3:GetObject")
        #expect(after.decision == "ExplicitlyDenied")
        #expect(after.paths.first?.statements.first?.policy == "deny on identitystore:UserId (SCP)")
        // The management account is out of the SCP's reach.
        var m = s
        m.assignments = [AssignmentSpec(team: "a", permissionSetId: "ps-ro", accountIds: ["999999999999"])]
        let (_, _, mlog) = try simulate(m)
        let management = try explain(mlog, at: deny + .minutes(1), account: "999999999999", action: "s3:GetObject")
        #expect(management.decision == "Allowed")
        #expect(management.paths.first?.notes.contains { $0.contains("SCPs do not apply") } == true)
    }

    @Test func abacDecisionsFollowTheFrozenSessionTag() throws {
        var ps = PermissionSetSpec(permissionSetId: "ps-eng", name: "EngineerStandard", sessionDuration: .hours(8))
        ps.inlinePolicy = #"{"Version":"2012-10-17","Statement":[{"Sid":"OwnTeam","Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"aws:ResourceTag/team":"${aws:PrincipalTag/team}"}}}]}"#
        let s = abacMoverScenario(permissionSet: ps)
        let moved = abacMoveTime
        let (_, _, log) = try simulate(s)
        let t = moved + .hours(1)
        let old = try explain(log, at: t, account: "222222222222", action: "s3:PutObject", resource: "arn:aws:s3:::a-data")
        #expect(old.decision == "Allowed", "the morning credential still carries team=a")
        #expect(old.paths.first?.context["aws:PrincipalTag/team"] == ["a"])
        let new = try explain(log, at: t, account: "222222222222", action: "s3:PutObject", resource: "arn:aws:s3:::b-data")
        #expect(new.decision == "ImplicitlyDenied", "until the next issue the new team's data is out of reach")
    }
}

@Suite struct ABACComparisonTests {
    @Test func engineerStandardMatchesThePerTeamPoliciesApartFromTheBoundary() throws {
        let s = try loadScenario("abac-consolidation.yaml")
        let spec = try #require(s.abacComparison)
        let (simulation, _, _) = try simulate(s, until: s.start + .hours(1))
        let c = ABACComparison.run(simulation.state, permissionSetId: spec.permissionSetId, perTeamPolicy: spec.perTeamPolicy,
                                   accountIds: spec.accountIds, actions: spec.actions, tagKey: spec.tagKey)
        #expect(c.probes == 14 * 42 * 10)
        #expect(c.equivalentApartFromBoundary)
        #expect(c.removedByBoundary == 14 * 3 * 2, "iam:PassRole and iam:TagRole on each team's own resource in 3 accounts")

        // A per-team policy that reaches other teams' queues is caught.
        let loose = spec.perTeamPolicy.replacingOccurrences(of: #""Sid": "ReadEverything", "Effect": "Allow",\#n     "Action": ["#,
                                                             with: #""Sid": "ReadEverything", "Effect": "Allow",\#n     "Action": ["sqs:SendMessage", "#)
        #expect(loose != spec.perTeamPolicy)
        let broken = ABACComparison.run(simulation.state, permissionSetId: spec.permissionSetId, perTeamPolicy: loose,
                                        accountIds: spec.accountIds, actions: spec.actions, tagKey: spec.tagKey)
        #expect(!broken.equivalentApartFromBoundary)
        #expect(broken.onlyPerTeam == 14 * 13 * 3)
        #expect(broken.examples.first?.action == "sqs:SendMessage")
    }
}
