import AccessLabCheck
@testable import AccessLabCLI
import AccessLabEvents
import AccessLabLog
import AccessLabProjections
import AccessLabSimulation
import Testing

/// The defects of issue 13, each as a user would notice it, on the committed scenarios and small cases.
@Suite struct FidelityTests {
    /// Runs and requires the independent checker to agree, as `run` does.
    func checkedRun(_ scenario: Scenario, days: Int64? = nil) throws -> (RunSummary, CheckResult) {
        let (_, summary, log) = try simulate(scenario, until: days.map { scenario.start + .days($0) })
        let checked = try log.read { try IndependentCheck.run($0) }
        let disagreement = firstDisagreement(claimed: RunCheck.claimed(summary.report), checked: checked)
        #expect(disagreement == nil, "\(scenario.name): \(disagreement?.description ?? "")")
        #expect(checked.invariantViolations.isEmpty, "\(scenario.name): \(checked.invariantViolations.prefix(3))")
        #expect(summary.invariantViolations.isEmpty, "\(scenario.name): \(summary.invariantViolations.prefix(3))")
        return (summary, checked)
    }

    /// The checker on every committed scenario's first ten days (full lengths: tools/determinism.sh, release).
    @Test(arguments: try committedScenarios().filter { $0 != "scale-10k.yaml" })
    func everyCommittedScenarioPassesTheIndependentCheck(_ name: String) throws {
        let (summary, checked) = try checkedRun(try loadScenario(name), days: 10)
        #expect(checked.leavers.count == summary.report.leavers.count)
    }

    @Test func aReportThatDisagreesWithTheLogFailsNamingThePersonAndBothAnswers() throws {
        let (_, summary, log) = try simulate(try loadScenario("tiny.yaml"))
        var report = summary.report
        let i = try #require(report.leavers.people.indices.first)
        report.leavers.people[i].persisting_s = (report.leavers.people[i].persisting_s ?? 0) + 60
        let check = try log.read { try RunCheck($0, report: report) }
        #expect(!check.passed)
        let message = try #require(check.disagreement)
        #expect(message.hasPrefix("leaver \(report.leavers.people[i].user) at "), "\(message)")
        #expect(message.contains("the report says persisting") && message.contains("the independent check found persisting"), "\(message)")
        #expect(check.text(wall_s: nil).contains("DISAGREES"))
    }

    @Test func checkProvesAnEarlierRunAndRefusesALogRunDidNotWrite() throws {
        let dir = TemporaryDirectory()
        #expect(try runAccesslab(["run", scenarioPath("tiny.yaml"), "--db", dir.sub("db"), "--no-check"]).code == 0)
        let ok = try runAccesslab(["check", "--db", dir.sub("db")])
        #expect(ok.code == 0 && ok.out.contains("the log gives the same figures for all 1 leavers, 1 moves and 2 joiners"), "\(ok)")
        #expect(try runAccesslab(["demo", "--db", dir.sub("demo")]).code == 0)
        let refused = try runAccesslab(["check", "--db", dir.sub("demo")])
        #expect(refused.code == 1 && refused.err.contains("does not say how to measure it"), "\(refused)")
    }

    @Test func pushProvisioningLosesNoJoiner() throws {
        // Before: about half the joiners' memberships reached Identity Center before the user and were dropped.
        let scenario = try loadScenario("okta-push.yaml")
        let end = scenario.start + .days(21)
        let (summary, _) = try checkedRun(scenario, days: 21)
        let joiners = summary.report.joiners
        #expect(joiners.count > 10)
        for j in joiners.people where (ISO8601.parse(j.hired_at)?.ms ?? 0) < end.ms - 86_400_000 {
            #expect(j.first_access_s != nil && j.full_access_s != nil, "\(j.user) hired \(j.hired_at) never got access")
        }
        #expect(joiners.no_access == 0)
    }

    @Test func stagesAddUpAndEachIsPhysicallyPossible() throws {
        let (summary, _) = try checkedRun(try loadScenario("org-120-jml.yaml"), days: 21)
        let people = summary.report.leavers.people.filter { $0.persisting_censored == false }
        #expect(people.count > 10)
        for p in people {
            let s = p.stages
            let sum = s.hr_to_idp_s + s.idp_to_identity_center_s + s.signin_cache_s + s.credential_lifetime_s
            #expect(abs(sum - (p.persisting_s ?? -1)) < 0.0005, "\(p.user): stages add up to \(sum), latency \(p.persisting_s ?? -1)")
            #expect(s.credential_lifetime_s <= 12 * 3600, "\(p.user): credential lifetime \(s.credential_lifetime_s) s")
            #expect(s.signin_cache_s <= 3600, "\(p.user): sign-in cache \(s.signin_cache_s) s")
        }
    }

    @Test func aLeaveFiveMinutesAfterAMoveHasTheRightStages() throws {
        // Moved a -> b at 10:00, terminated 10:05 (push, 30 s): the move's group changes reach Identity Center
        // at 10:10:30 and must not count as the cut; the disable does, at 10:15:30.
        var s = closedFormScenario(model: .push)
        s.teams.append(TeamSpec(name: "b", department: "Eng", size: 1))
        s.assignments.append(AssignmentSpec(team: "b", permissionSetId: "ps-ro", accountIds: ["111111111111"]))
        s.churn.scripted = [ScriptedHREvent(at: monday + .hours(10), kind: .transfer(userId: "u00001", toTeam: "b")),
                            ScriptedHREvent(at: monday + .hours(10) + .minutes(5), kind: .terminate(userId: "u00001"))]
        let (summary, _) = try checkedRun(s)
        let p = try #require(summary.report.leavers.people.first)
        #expect(p.stages == LeaverStages(hr_to_idp_s: 600, idp_to_identity_center_s: 30, signin_cache_s: 3600, credential_lifetime_s: 12 * 3600))
    }

    @Test func aPersonWhoMovesTwiceIsMeasuredForEachMove() throws {
        var s = closedFormScenario(model: .push)
        s.accounts.append(AccountSpec(accountId: "222222222222", name: "b-account", parentId: Scenario.rootId))
        s.teams.append(TeamSpec(name: "b", department: "Eng", size: 1))
        s.assignments.append(AssignmentSpec(team: "b", permissionSetId: "ps-ro", accountIds: ["222222222222"]))
        // a -> b on Monday, back b -> a on Tuesday: two moves, each with its own old access.
        s.churn.scripted = [ScriptedHREvent(at: monday + .hours(10), kind: .transfer(userId: "u00001", toTeam: "b")),
                            ScriptedHREvent(at: monday + .days(1) + .hours(10), kind: .transfer(userId: "u00001", toTeam: "a"))]
        let (summary, _) = try checkedRun(s)
        let movers = summary.report.movers
        #expect(movers.count == 2 && movers.censored == 0 && movers.lost_access == 2)
        #expect(movers.people.map(\.outcome) == ["measured", "measured"])
    }

    @Test func aLeaverWhoseAccessOutlivesTheRunIsCensoredAndSaidSo() throws {
        var s = closedFormScenario()
        s.churn.scripted = [ScriptedHREvent(at: s.end - .hours(2), kind: .terminate(userId: "u00001"))]
        let (summary, _) = try checkedRun(s)
        let persisting = try #require(summary.report.leavers.persisting)
        #expect(persisting.censored == 1 && persisting.latency.count == 0)
        #expect(summary.report.leavers.people.first?.persisting_censored == true)
        let text = RunReport(scenario: s, summary: summary, digest: "-", wall_s: 1, database: nil).text
        #expect(text.contains("censored: 1 persisting leavers still had access when the run ended"))
    }

    @Test func aPercentileOverFewValuesSaysItIsTheMaximum() {
        let eight = LatencyStats((1...8).map { Int64($0) * 1000 })
        #expect(eight.p99_s == eight.max_s && eight.p99_is_max && eight.p90_is_max)
        #expect(RunReport.smallSampleNote(eight) == "  note: 8 values: p90 and p99 are the maximum")
        let hundred = LatencyStats((1...100).map { Int64($0) * 1000 })
        #expect(!hundred.p99_is_max && hundred.p99_s == 99)
    }

    @Test func firstUseIsAScenarioParameter() throws {
        var s = closedFormScenario()
        s.users.firstUse = .fixed(.minutes(30))
        let (summary, _) = try checkedRun(s)
        // Signed in 08:00, first use 08:30, a 12 h credential until 20:30: 10 h 25 m after the 10:05 termination.
        #expect(summary.report.leavers.people.first?.benign_s == Double(10 * 3600 + 25 * 60))
    }

    @Test func theReportAndTheTimelineAgreeOnWhenSigninWasLostAndAccessEnded() throws {
        let scenario = try loadScenario("tiny.yaml")
        let (_, summary, log) = try simulate(scenario)
        let worst = try #require(summary.report.leavers.worst_timeline)
        let history = try log.read { reader in
            try AccessTracker.history(ofUser: worst.user, rules: AccessRules(parameters: reader.metadata.parameters)) { body in
                try reader.forEachEvent(in: 1...reader.head.lastSeq, body)
            }
        }
        let terminated = try #require(ISO8601.parse(worst.terminated_at))
        let marks = Dictionary(uniqueKeysWithValues: worst.marks.map { ($0.name, terminated + Duration_ms(Int64($0.offset_s * 1000))) })
        #expect(marks["sign_in_lost"] == history.signInLostAt)
        #expect(marks["last_access"] == history.canActUntil)
    }
}
