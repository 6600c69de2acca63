import AccessLabEvents
import AccessLabLog
import AccessLabProjections
import AccessLabQuery
import AccessLabSimulation
import Foundation
import Testing

@Suite struct TimeTravelTests {
    @Test func snapshotsPlusReplayEqualAFullRebuildAtEveryPointOfALongLog() throws {
        let scenario = try loadScenario("org-120-jml.yaml")
        let (simulation, summary, log) = try simulate(scenario, until: scenario.start + .days(3))
        #expect(summary.events > 40_000)
        try log.read { reader throws in
            let history = History(reader: reader)
            let snapshots = try reader.snapshotSeqs()
            #expect(snapshots.count >= 3)
            #expect(try history.state(through: reader.head.lastSeq) == simulation.state)
            for seq in [UInt64(1), snapshots[0], snapshots[0] + 1, snapshots[1] - 1, reader.head.lastSeq / 2, reader.head.lastSeq] {
                let viaSnapshot = try history.state(through: seq)
                let fromZero = try history.state(through: seq, useSnapshots: false)
                #expect(viaSnapshot == fromZero, "at @\(seq)")
                #expect(viaSnapshot.seq == seq)
            }
            #expect(try SnapshotVerifier.verify(reader).snapshotsChecked == snapshots.count)
            // The binary snapshot round-trips to an equal state.
            #expect(try AccessState(encodedSnapshot: simulation.state.encodedSnapshot()) == simulation.state)
        }
    }

    @Test func verifyCatchesASnapshotThatDiffersFromTheLog() throws {
        let log = InMemoryEventLog()
        _ = try log.append(sampleEvents(20))
        var wrong = AccessState()
        try log.read { reader throws in try reader.forEachEvent(in: 1...10) { wrong.apply($0); return true } }
        try log.putSnapshot(try wrong.encodedSnapshot(), at: 20)
        #expect(throws: QueryError.self) { try log.read { try SnapshotVerifier.verify($0) } }
        #expect(throws: EventLogError.self) { try log.putSnapshot([], at: 5) }
    }

    /// The transitions the facts sheet describes, at instants just before and after each event.
    @Test func accessAroundATerminationFollowsTheFacts() throws {
        let (_, _, log) = try simulate(closedFormScenario(model: .cycle))
        let rules = AccessRules()
        func row(_ t: Instant) throws -> AccessRow {
            try log.read { reader in
                let history = History(reader: reader)
                let state = try history.state(through: try history.position(of: .instant(t)).seq)
                let rows = AccessView.rows(state, rules: rules, at: t, user: "u00001")
                return try #require(rows.first)
            }
        }
        let disabled = monday + .hours(10) + .minutes(40)  // the 40-minute cycle after the IdP's change at 10:15
        let before = try row(disabled - Duration_ms(1))
        #expect(before.canSignIn && before.canGetCredentials && before.entitled)
        let after = try row(disabled)
        #expect(!after.canSignIn && after.canGetCredentials, "disabled: no sign-in, but the cached sign-in still mints")
        #expect(after.userStatusIdentityCenter == "disabled" && after.userStatusIdP == "disabled")
        let cacheOver = try row(disabled + .hours(1) + Duration_ms(1))
        #expect(!cacheOver.canGetCredentials)
        #expect(cacheOver.credentials.contains { $0.issuedAt == disabled + .hours(1) && $0.usable },
                "the last credential, minted at the end of the cache, still works")
        let expired = try row(disabled + .hours(13) + Duration_ms(1))
        #expect(expired.credentials.isEmpty)
    }

    @Test func aRemovedMembershipStopsNewIssuesButNotLiveCredentials() throws {
        var s = closedFormScenario(model: .push)
        s.teams.append(TeamSpec(name: "b", department: "Eng", size: 1))
        let moved = monday + .hours(10) + .minutes(5)
        s.churn.scripted = [ScriptedHREvent(at: moved, kind: .transfer(userId: "u00001", toTeam: "b"))]
        let (_, _, log) = try simulate(s)
        let removal = moved + .minutes(10) + .seconds(30)
        try log.read { reader throws in
            let history = History(reader: reader)
            let state = try history.state(through: try history.position(of: .instant(removal)).seq)
            let rows = AccessView.rows(state, rules: AccessRules(), at: removal, user: "u00001")
            let old = try #require(rows.first { $0.accountId == "111111111111" })
            #expect(!old.entitled && !old.canGetCredentials)
            #expect(old.credentialRefusal == AccessRules.Refusal.notEntitled.rawValue)
            #expect(!old.credentials.isEmpty && old.credentials.allSatisfy(\.usable))
        }
    }

    @Test func aMoversSessionTagKeepsTheOldValueUntilTheNextIssue() throws {
        let s = abacMoverScenario()
        let moved = abacMoveTime
        let (_, summary, log) = try simulate(s)
        let t = moved + .hours(1)
        try log.read { reader throws in
            let history = History(reader: reader)
            let state = try history.state(through: try history.position(of: .instant(t)).seq)
            #expect(state.principalTags(ofUser: "u00001") == [Tag(key: "team", value: "b")])
            let reach = AccessView.tagReach(state, key: "team", at: t).filter { $0.user == "u00001" }
            #expect(reach.map(\.resource) == ["arn:aws:s3:::a-data"], "the frozen tag still reaches the old team's data")
            #expect(reach.first?.principalTagValue == "b")
        }
        #expect(summary.report.movers.abac_old_tag.count == 1)
        #expect(summary.report.movers.abac_old_tag.max_s > 3_600)
    }

    /// Every boundary `timeline` draws is where `access --at` changes its answer: at each interval's
    /// start and end, and one millisecond before, the rows say what the intervals say, for every user.
    @Test func timelineIntervalsChangeExactlyWhereAccessChangesItsAnswer() throws {
        let scenario = try loadScenario("tiny.yaml")
        let (_, _, log) = try simulate(scenario, until: scenario.start + .days(3))
        try log.read { reader throws in
            let history = History(reader: reader)
            let rules = AccessRules(parameters: reader.metadata.parameters)
            func holds(_ intervals: [Timeline.Interval], _ t: Instant) -> Bool {
                intervals.contains { $0.from <= t && $0.to.map { t < $0 } ?? true }
            }
            let users = try history.state(through: reader.head.lastSeq).identityCenter.users.keys.sorted()
            #expect(users.count >= 8)
            var checked = 0
            for user in users {
                let timeline = try Timeline.build(reader, user: user)
                let followed = try AccessTracker.history(ofUser: user, rules: rules) { body in
                    try reader.forEachEvent(in: 1...reader.head.lastSeq, body)
                }
                #expect(followed.signInLostAt == timeline.signInLostAt && followed.lastCanActAt == timeline.lastCanActAt)
                var instants = Set<Instant>()
                for i in timeline.signIn + timeline.targets.flatMap({ $0.entitlement + $0.canAct }) {
                    for t in [i.from, i.to].compactMap({ $0 }) { instants.formUnion([t - Duration_ms(1), t]) }
                }
                for t in instants.sorted() {
                    let state = try history.state(through: try history.position(of: .instant(t)).seq)
                    let rows = AccessView.rows(state, rules: rules, at: t, user: user)
                    if let row = rows.first { #expect(row.canSignIn == holds(timeline.signIn, t), "\(user) sign-in at \(t)") }
                    for target in timeline.targets {
                        let row = rows.first { $0.accountId == target.accountId && $0.permissionSet == target.permissionSet }
                        #expect((row?.entitled ?? false) == holds(target.entitlement, t), "\(user) \(target.accountId) entitled at \(t)")
                        #expect((row?.canAct ?? false) == holds(target.canAct, t), "\(user) \(target.accountId) can act at \(t)")
                        if let row {
                            let target = AccountPermissionSet(row.accountId, row.permissionSetId)
                            let granted = if case .success = rules.getRoleCredentials(state, userId: user, target: target, at: t) { true } else { false }
                            #expect(row.canGetCredentials == granted, "one rule for new credentials")
                        }
                        checked += 1
                    }
                }
            }
            #expect(checked > 500)
        }
    }

    @Test func positionsOutsideTheLogSaySo() throws {
        let (_, _, log) = try simulate(closedFormScenario())
        try log.read { reader throws in
            let history = History(reader: reader)
            let early = try history.position(of: .instant(monday - .days(1)))
            #expect(early.seq == 0 && early.before && early.note?.contains("before the log's first event") == true)
            #expect(try history.state(through: early.seq) == AccessState())
            let late = try history.position(of: .offset(.days(30)))
            #expect(late.after && late.seq == reader.head.lastSeq)
            #expect(throws: QueryError.self) { try history.position(of: .seq(reader.head.lastSeq + 1)) }
        }
    }
}

@Suite struct ProjectionViewTests {
    func event(_ seq: UInt64, _ body: EventBody, at minutes: Int64 = 0) -> Event {
        Event(seq: seq, time: monday + .minutes(minutes), actor: .admin, body: body)
    }

    @Test func editingAPermissionSetDriftsEveryAccountUntilItIsProvisionedAgain() {
        var state = AccessState()
        let events: [EventBody] = [
            .createAccount(CreateAccount(accountId: "111111111111", name: "a", parentId: "r-root", email: "a@example.com")),
            .createPermissionSet(CreatePermissionSet(permissionSetId: "ps-1", name: "Dev", sessionDuration_s: 3600)),
            .createUser(CreateUser(userId: "u1", attributes: UserAttributes(userName: "u1", givenName: "g", familyName: "f", displayName: "d", email: "e"))),
            .createAccountAssignment(AccountAssignmentRequest(requestId: "r1", accountId: "111111111111", permissionSetId: "ps-1", principalType: .USER, principalId: "u1")),
            .accountAssignmentCreated(AccountAssignmentResult(requestId: "r1", accountId: "111111111111", permissionSetId: "ps-1", principalType: .USER, principalId: "u1", roleName: nil, roleChanged: true)),
        ]
        for (i, body) in events.enumerated() { state.apply(event(UInt64(i + 1), body)) }
        let target = AccountPermissionSet("111111111111", "ps-1")
        #expect(AccessView.provisioningStatus(state, target) == "LATEST_PERMISSION_SET_PROVISIONED")
        let firstRole = state.roles[target]?.roleName
        #expect(firstRole?.hasPrefix("AWSReservedSSO_Dev_") == true)
        state.apply(event(6, .putInlinePolicyToPermissionSet(PutInlinePolicyToPermissionSet(permissionSetId: "ps-1", inlinePolicy: "{}"))))
        #expect(state.permissionSets["ps-1"]?.version == 2)
        #expect(AccessView.provisioningStatus(state, target) == "LATEST_PERMISSION_SET_NOT_PROVISIONED")
        state.apply(event(7, .permissionSetProvisioned(PermissionSetProvisioningResult(requestId: "p1", permissionSetId: "ps-1", accountId: "111111111111", permissionSetVersion: 2))))
        #expect(AccessView.provisioningStatus(state, target) == "LATEST_PERMISSION_SET_PROVISIONED")
        // The last assignment going deletes the role; a new one gets a new suffix.
        state.apply(event(8, .accountAssignmentDeleted(AccountAssignmentResult(requestId: "r2", accountId: "111111111111", permissionSetId: "ps-1", principalType: .USER, principalId: "u1", roleName: firstRole, roleChanged: true))))
        #expect(state.roles[target] == nil && !state.isEntitled("u1", to: target))
        state.apply(event(9, .accountAssignmentCreated(AccountAssignmentResult(requestId: "r3", accountId: "111111111111", permissionSetId: "ps-1", principalType: .USER, principalId: "u1", roleName: nil, roleChanged: true))))
        #expect(state.roles[target]?.generation == 2)
        #expect(state.roles[target]?.roleName != firstRole)
    }

    @Test func whatWaitsForASyncIsVisible() throws {
        let (_, _, log) = try simulate(closedFormScenario(model: .cycle))
        try log.read { reader throws in
            let history = History(reader: reader)
            let waiting = try history.state(through: try history.position(of: .instant(monday + .hours(10) + .minutes(20))).seq)
            #expect(AccessView.pendingSync(waiting, "u00001") == ["status: IdP disabled, Identity Center active"])
            let synced = try history.state(through: try history.position(of: .instant(monday + .hours(10) + .minutes(41))).seq)
            #expect(AccessView.pendingSync(synced, "u00001").isEmpty)
        }
    }
}

@Suite struct SnapshotCodecTests {
    @Test func theGeneratedSnapshotCodecWritesWhatTheCodableReferenceWrites() throws {
        let scenario = try loadScenario("abac-consolidation.yaml")
        let (simulation, _, _) = try simulate(scenario, until: scenario.start + .days(2))
        let state = simulation.state
        #expect(try state.encodedSnapshot() == state.encodedSnapshotWithCodable())
        #expect(try AccessState(encodedSnapshot: state.encodedSnapshot()) == state)
        var truncated = try state.encodedSnapshot()
        truncated.removeLast(5)
        #expect(throws: (any Error).self) { try AccessState(encodedSnapshot: truncated) }
    }
}
