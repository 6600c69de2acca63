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
        var s = closedFormScenario(model: .push)
        s.accounts.append(AccountSpec(accountId: "222222222222", name: "shared", parentId: Scenario.rootId))
        s.teams.append(TeamSpec(name: "b", department: "Eng", size: 1))
        s.assignments = [AssignmentSpec(team: "a", permissionSetId: "ps-ro", accountIds: ["222222222222"]),
                         AssignmentSpec(team: "b", permissionSetId: "ps-ro", accountIds: ["222222222222"])]
        s.accessControlAttributes = [AccessControlAttribute(key: "team", source: ["${path:enterprise.division}"])]
        s.resources = [ResourceSpec(accountId: "222222222222", arn: "arn:aws:s3:::a-data", tags: [Tag(key: "team", value: "a")]),
                       ResourceSpec(accountId: "222222222222", arn: "arn:aws:s3:::b-data", tags: [Tag(key: "team", value: "b")])]
        let moved = monday + .hours(10) + .minutes(5)
        s.churn.scripted = [ScriptedHREvent(at: moved, kind: .transfer(userId: "u00001", toTeam: "b"))]
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
