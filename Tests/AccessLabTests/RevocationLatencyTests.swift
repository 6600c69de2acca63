import AccessLabEvents
import AccessLabLog
import AccessLabProjections
import AccessLabSimulation
import Testing

/// Closed-form cases: the arithmetic of the latency model, worked out by hand from the facts.
@Suite struct RevocationLatencyTests {
    let terminated = monday + .hours(10) + .minutes(5)

    @Test func persistingLeaverUnderA40MinuteCycleKeepsAccessForTheWaitPlusCachePlusCredentialLifetime() throws {
        let (_, summary, _) = try simulate(closedFormScenario(model: .cycle))
        let persisting = try #require(summary.report.leavers.persisting)
        // HR 10:05 -> IdP 10:15 (10 m lag) -> next 40-minute cycle at 10:40 (cycles at 00:40, 01:20, ... 10:00, 10:40)
        // -> last credentials at 10:40 + 1 h sign-in cache, valid 12 h -> 23:40. Latency = 35 m + 1 h + 12 h.
        #expect(persisting.latency.max_s == Double(35 * 60 + 3_600 + 12 * 3_600))
        #expect(persisting.stages.hr_to_idp.max_s == 600)
        #expect(persisting.stages.idp_to_identity_center.max_s == 1_500)
        #expect(persisting.stages.signin_cache.max_s == 3_600)
        #expect(persisting.stages.credential_lifetime.max_s == 12 * 3_600)
        #expect(summary.report.leavers.censored == 0)
        #expect(summary.invariantViolations.isEmpty)
    }

    @Test func persistingLeaverUnderPushKeepsAccessForLagPlusPushPlusCachePlusCredentialLifetime() throws {
        let (_, summary, _) = try simulate(closedFormScenario(model: .push))
        let persisting = try #require(summary.report.leavers.persisting)
        #expect(persisting.latency.max_s == Double(10 * 60 + 30 + 3_600 + 12 * 3_600))
    }

    @Test func benignLeaverKeepsOnlyWhatWasLiveAtTermination() throws {
        let (_, summary, log) = try simulate(closedFormScenario(model: .cycle, behaviour: .benign))
        #expect(summary.report.leavers.persisting == nil)
        // The one credential u00001 took that morning (sign-in at 08:00, a random minute within the hour).
        let issued = try log.read { reader in
            try reader.events(in: 1...reader.head.lastSeq).compactMap { e -> RoleCredentialsIssued? in
                if case .roleCredentialsIssued(let p) = e.body, p.userId == "u00001" { return p } else { return nil }
            }
        }
        try #require(issued.count == 1, "a benign leaver mints nothing after termination")
        #expect(summary.report.leavers.benign.latency.max_s == Double(issued[0].expiresAt.ms - terminated.ms) / 1000)
    }

    @Test func scpDenyAtTerminationCutsAfterRunbookDelayPlusPropagation() throws {
        var s = closedFormScenario(model: .cycle)
        var runbook = RunbookSpec()
        runbook.delay = .fixed(.minutes(10))
        runbook.steps = [.denyScp]
        s.runbook = runbook
        let (_, summary, _) = try simulate(s)
        #expect(summary.report.leavers.persisting?.latency.max_s == 604.0)
        #expect(summary.report.leavers.benign.latency.max_s == 604.0)
    }

    @Test func scpDenyDoesNotReachTheManagementAccount() throws {
        var s = closedFormScenario(model: .cycle)
        s.assignments = [AssignmentSpec(team: "a", permissionSetId: "ps-ro", accountIds: ["999999999999"])]
        var runbook = RunbookSpec()
        runbook.delay = .fixed(.minutes(10))
        runbook.steps = [.denyScp]
        s.runbook = runbook
        let (_, summary, _) = try simulate(s)
        #expect(summary.report.leavers.persisting?.latency.max_s == Double(35 * 60 + 3_600 + 12 * 3_600))
    }

    @Test func longerSigninCacheAddsExactlyTheDifference() throws {
        var s = closedFormScenario(model: .cycle)
        s.identityCenter.signinCache = .hours(3)
        let (_, summary, _) = try simulate(s)
        #expect(summary.report.leavers.persisting?.latency.max_s == Double(35 * 60 + 3 * 3_600 + 12 * 3_600))
    }

    @Test func moverLosesOldGroupAccessWhenTheRemovalSyncsOrTheCredentialExpires() throws {
        var s = closedFormScenario(model: .push)
        s.teams.append(TeamSpec(name: "b", department: "Eng", size: 1))
        s.churn.scripted = [ScriptedHREvent(at: terminated, kind: .transfer(userId: "u00001", toTeam: "b"))]
        let (_, summary, log) = try simulate(s)
        #expect(summary.report.movers.count == 1 && summary.report.movers.lost_access == 1)
        let lastExpiry = try log.read { reader in
            try reader.events(in: 1...reader.head.lastSeq).compactMap { e -> Instant? in
                if case .roleCredentialsIssued(let p) = e.body, p.userId == "u00001", p.issuedAt <= terminated + .minutes(10) + .seconds(30) {
                    return p.expiresAt
                }
                return nil
            }.max()
        }
        let expected = max(lastExpiry ?? terminated, terminated + .minutes(10) + .seconds(30))
        #expect(summary.report.movers.latency.max_s == Double(expected.ms - terminated.ms) / 1000)
    }
}
