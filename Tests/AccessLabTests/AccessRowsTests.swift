import AccessLabEvents
import AccessLabLog
@testable import AccessLabProjections
import AccessLabQuery
import Testing

@Suite struct AccessRowsTests {
    /// `AccessView.rows` takes each row's sources from the sorted grants and its entitlement from them, and
    /// `mintSession` finds the newest usable portal session by a scan: the answers of `entitlements(ofUser:)`,
    /// `isEntitled` and the sessions sorted by start, at instants across simulated logs.
    @Test(arguments: ["org-120-jml.yaml", "revocation-runbook.yaml"])
    func rowsAndSessionsAgreeWithTheStatesOwnQueries(_ name: String) throws {
        let scenario = try loadScenario(name)
        let (_, _, log) = try simulate(scenario, until: scenario.start + .days(2))
        try log.read { reader throws in
            let history = History(reader: reader)
            let rules = AccessRules(parameters: reader.metadata.parameters)
            guard let first = try reader.firstTime(), let last = reader.head.lastTime else { Issue.record("empty log"); return }
            var rowsChecked = 0, usersChecked = 0
            for k in Int64(0)...11 {
                let t = Instant(ms: first.ms + (last.ms - first.ms) * k / 11)
                let state = try history.state(through: try history.position(of: .instant(t)).seq)
                for row in AccessView.rows(state, rules: rules, at: t) {
                    let target = AccountPermissionSet(row.accountId, row.permissionSetId)
                    #expect(row.via == state.entitlements(ofUser: row.user).filter { $0.target == target }.map(\.source.label))
                    #expect(row.entitled == state.isEntitled(row.user, to: target))
                    rowsChecked += 1
                }
                let someRoles = Array(state.roles.keys.sorted().prefix(40))
                for user in state.identityCenter.users.keys.sorted() {
                    #expect(outcome(rules.mintSession(state, userId: user, at: t)) == newestBySorting(rules, state, user, t), "\(user) at \(t)")
                    // `isEntitled` searches the sorted runs; the grant sets say the same.
                    let groups = state.identityCenter.users[user]?.groups ?? []
                    for target in Set(someRoles + state.entitledTargets(ofUser: user)) {
                        let granted = state.grants[Principal(.USER, user)]?.contains(target) == true
                            || groups.contains { state.grants[Principal(.GROUP, $0)]?.contains(target) == true }
                        #expect(state.isEntitled(user, to: target) == (state.roles[target] != nil && granted), "\(user) \(target.accountId) at \(t)")
                    }
                    usersChecked += 1
                }
            }
            #expect(rowsChecked > 100 && usersChecked > 100)
        }
    }

    func outcome(_ r: Result<PortalSession, AccessRules.Refusal>) -> String {
        switch r {
        case .success(let s): "session \(s.sessionId)"
        case .failure(let refusal): "refused: \(refusal.rawValue)"
        }
    }

    /// `mintSession` as it was: the sessions sorted by (start, id), the newest usable one from the end.
    func newestBySorting(_ rules: AccessRules, _ state: AccessState, _ userId: String, _ t: Instant) -> String {
        guard let user = state.identityCenter.users[userId] else { return outcome(.failure(.userUnknown)) }
        if user.status != .active, t > user.statusSince + rules.signinCache {
            return outcome(.failure(user.status == .deleted ? .userDeleted : .userDisabled))
        }
        var deletedRefusal = false
        for session in state.portalSessions(ofUser: userId).reversed() where session.expiresAt >= t {
            if let end = rules.cliEnd(session), t > end { deletedRefusal = true; continue }
            return outcome(.success(session))
        }
        return outcome(.failure(deletedRefusal ? .sessionDeleted : .noPortalSession))
    }

    /// Rows of one user share one box of the user's facts: changing a row changes that row alone.
    @Test func changingARowLeavesTheRowsItSharesFactsWithAlone() throws {
        let scenario = try loadScenario("tiny.yaml")
        let (simulation, _, _) = try simulate(scenario, until: scenario.start + .days(1))
        let rows = AccessView.rows(simulation.state, rules: simulation.rules, at: simulation.state.time ?? scenario.start)
        guard let user = rows.first?.user, rows.filter({ $0.user == user }).count >= 2 else {
            Issue.record("tiny has no user with two rows"); return
        }
        var mine = rows.filter { $0.user == user }
        let before = mine[1]
        mine[0].team = "moved-team"
        mine[0].accountName = "renamed"
        #expect(mine[0].team == "moved-team" && mine[0].accountName == "renamed")
        #expect(mine[1] == before && mine[1].team != "moved-team")
    }
}
