import AccessLabEvents
import AccessLabLog
import AccessLabProjections
import AccessLabSimulation
import Foundation
import Testing

@Suite struct SimulationTests {
    private func digest(_ log: InMemoryEventLog) throws -> String { try log.read { $0.head.digest.hex } }

    @Test func sameScenarioAndSeedGiveTheSameLogAndAnotherSeedAnother() throws {
        let tiny = try loadScenario("tiny.yaml")
        let (_, a, logA) = try simulate(tiny)
        let (_, b, logB) = try simulate(tiny)
        #expect(a.events > 1_000)
        #expect(try digest(logA) == digest(logB))
        #expect(a.report == b.report)
        var other = tiny
        other.seed = 2
        let (_, _, logC) = try simulate(other)
        #expect(try digest(logC) != digest(logA))
    }

    /// Every committed scenario, over its first simulated day, twice: the same digest. (Full-length runs
    /// are compared by `tools/determinism.sh` in a release build; see the README.)
    @Test(arguments: try committedScenarios())
    func everyCommittedScenarioRunsAndIsDeterministic(_ name: String) throws {
        let scenario = try loadScenario(name)
        let until = scenario.start + .days(1)
        let (_, a, logA) = try simulate(scenario, until: until)
        let (_, _, logB) = try simulate(scenario, until: until)
        #expect(a.events > 0)
        #expect(try digest(logA) == digest(logB))
        #expect(a.invariantViolations.isEmpty)
    }

    @Test func addingATeamDoesNotShiftAnotherUsersDraws() throws {
        // Per-actor streams: u00001's sign-in times depend on (seed, "u00001") only.
        var base = closedFormScenario()
        base.churn.scripted = []
        base.users.signInWindow = 7 * 60 ..< 11 * 60
        var bigger = base
        bigger.teams.append(TeamSpec(name: "z", department: "Eng", size: 5))
        func signIns(_ s: Scenario) throws -> [Instant] {
            let (_, _, log) = try simulate(s)
            return try log.read { r in
                try r.events(in: 1...r.head.lastSeq).compactMap { e in
                    if case .portalSignIn(let p) = e.body, p.userId == "u00001" { return e.time } else { return nil }
                }
            }
        }
        let a = try signIns(base), b = try signIns(bigger)
        #expect(a.count >= 2)
        #expect(a == b)
    }

    @Test func projectionRebuiltFromTheLogEqualsTheOneTheSimulationMaintained() throws {
        let dir = try TemporaryDirectory()
        let log = try LMDBEventLog(path: dir.sub("db"), create: true)
        let simulation = try Simulation(scenario: loadScenario("tiny.yaml"), log: log)
        _ = try simulation.run()
        var rebuilt = AccessState()
        try log.read { reader in try reader.forEachEvent(in: 1...reader.head.lastSeq) { rebuilt.apply($0); return true } }
        #expect(rebuilt == simulation.state)
        #expect(!rebuilt.roles.isEmpty && !rebuilt.identityCenter.users.isEmpty)
    }

    @Test func identityCenterLimitsShapeAnOnboardingBurst() throws {
        var s = try loadScenario("onboarding-burst.yaml")
        s.identityCenter.maxOutstandingAssignments = 3
        let (_, summary, log) = try simulate(s, until: s.start + .days(8))
        var inFlight: [String: String] = [:]  // requestId -> account
        var most = 0
        try log.read { reader in
            try reader.forEachEvent(in: 1...reader.head.lastSeq) { e in
                switch e.body {
                case .createAccountAssignment(let p), .deleteAccountAssignment(let p):
                    #expect(!inFlight.values.contains(p.accountId), "two role updates at once in \(p.accountId)")
                    inFlight[p.requestId] = p.accountId
                    most = max(most, inFlight.count)
                case .accountAssignmentCreated(let p), .accountAssignmentDeleted(let p):
                    inFlight[p.requestId] = nil
                default: break
                }
                return true
            }
        }
        #expect(most == 3)
        #expect(summary.report.joiners.count == 500)
        #expect(summary.report.joiners.time_to_full_access.max_s > 3_600, "500 joiners x 4 assignments at 3 outstanding take hours")
    }

    @Test func invariantCheckerFlagsCredentialsIssuedAfterTheSigninCache() throws {
        let (simulation, summary, _) = try simulate(closedFormScenario())
        #expect(summary.invariantViolations.isEmpty)
        var checker = InvariantChecker()
        let late = Event(seq: 99_999, time: monday + .days(2), actor: .user, body: .roleCredentialsIssued(RoleCredentialsIssued(
            credentialId: "forged", userId: "u00001", accountId: "111111111111", permissionSetId: "ps-ro", roleName: "r",
            sessionId: "s", issuedAt: monday + .days(2), expiresAt: monday + .days(2) + .hours(13), sessionTags: [])))
        checker.check(late, before: simulation.state, rules: simulation.rules)
        #expect(checker.violations.count == 2)  // after the cache, and beyond the session duration
        #expect(checker.violations.first?.contains("after the sign-in cache") == true)
    }

    @Test func aLogThatAlreadyHoldsEventsIsRefused() throws {
        let log = InMemoryEventLog()
        _ = try log.append(sampleEvents(3))
        #expect(throws: SimulationError.self) { try Simulation(scenario: closedFormScenario(), log: log) }
    }
}
