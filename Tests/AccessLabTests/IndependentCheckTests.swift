import AccessLabCheck
import AccessLabEvents
import AccessLabLog
import Testing

/// The independent checker on logs written by hand, with the arithmetic worked out in the comments.
/// Times are hours of 2026-03-02 (`CheckLog.at(10)` is 10:00); the run ends three days later.
@Suite struct IndependentCheckTests {
    typealias L = CheckLog
    let hour: Int64 = 3_600_000, minute: Int64 = 60_000

    // MARK: Leavers

    @Test func benignLeaverKeepsTheCredentialHeldAtTermination() throws {
        var log = CheckLog(behaviour: "benign")
        log.user("u1")
        log.mint("u1", at: L.at(9))
        log.terminate("u1", at: L.at(10))
        log.disable("u1", at: L.at(10, 30))
        let result = try log.check()
        // 12 h credential issued 09:00 -> works until 21:00; terminated 10:00 -> 11 h.
        #expect(result.leavers == [LeaverFigure(user: "u1", terminatedAt_ms: L.at(10).ms, persisting_ms: nil, benign_ms: 11 * hour,
                                                censoredPersisting: false, censoredBenign: false)])
        #expect(result.invariantViolations.isEmpty)
    }

    @Test func persistingLeaverMintingAgainKeepsAccessUntilTheNewCredentialExpires() throws {
        var log = CheckLog()
        log.user("u1")
        log.mint("u1", at: L.at(9))
        log.terminate("u1", at: L.at(10))
        log.mint("u1", at: L.at(11))
        log.disable("u1", at: L.at(11, 30))
        let leaver = try #require(try log.check().leavers.first)
        // Persisting: minted again 11:00 for 12 h -> 23:00, less 10:00 -> 13 h. Benign: only the 09:00 one -> 21:00 -> 11 h.
        #expect(leaver.persisting_ms == 13 * hour)
        #expect(leaver.benign_ms == 11 * hour)
        #expect(!leaver.censoredPersisting && !leaver.censoredBenign)
    }

    @Test func scpDenyEffectiveAt1010CutsBothFiguresTo10Minutes() throws {
        var log = CheckLog()
        log.user("u1")
        log.mint("u1", at: L.at(9))
        log.terminate("u1", at: L.at(10))
        log.mint("u1", at: L.at(10, 5))
        log.add(L.at(10, 10), .denyUserEffective(UserDenyPolicy(userId: "u1", scope: .scp, targetId: L.eng)))
        log.disable("u1", at: L.at(11))
        let leaver = try #require(try log.check().leavers.first)
        // Both credentials are in 111…, under ou-eng: each works until the deny at 10:10 -> 10 m after 10:00.
        #expect(leaver.persisting_ms == 10 * minute)
        #expect(leaver.benign_ms == 10 * minute)
    }

    @Test func scpDenyDoesNotReachTheManagementAccount() throws {
        var log = CheckLog()
        log.user("u1")
        log.mint("u1", at: L.at(9), L.management)
        log.terminate("u1", at: L.at(10))
        log.add(L.at(10, 10), .denyUserEffective(UserDenyPolicy(userId: "u1", scope: .scp, targetId: L.root)))
        log.disable("u1", at: L.at(11))
        let leaver = try #require(try log.check().leavers.first)
        // The deny is on the root, but SCPs never restrict the management account: 09:00 + 12 h = 21:00 -> 11 h.
        #expect(leaver.persisting_ms == 11 * hour)
        #expect(leaver.benign_ms == 11 * hour)
    }

    @Test func aCredentialIssuedAfterTheDenyTookEffectIsIgnored() throws {
        var log = CheckLog()
        log.user("u1")
        log.terminate("u1", at: L.at(10))
        log.mint("u1", at: L.at(10, 5))
        log.add(L.at(10, 10), .denyUserEffective(UserDenyPolicy(userId: "u1", scope: .inlinePolicy, targetId: "ps-admin")))
        log.mint("u1", at: L.at(11))
        log.disable("u1", at: L.at(11, 30))
        let leaver = try #require(try log.check().leavers.first)
        // 10:05 credential cut at 10:10 -> 10 m; the 11:00 one never worked under the deny, so it adds nothing.
        #expect(leaver.persisting_ms == 10 * minute)
        // Benign counts only what was held at 10:00: nothing -> 0.
        #expect(leaver.benign_ms == 0)
    }

    @Test func aLeaverStillActiveAndEntitledAtTheEndIsCensored() throws {
        var log = CheckLog()
        log.user("u1")
        log.mint("u1", at: L.at(9))
        log.terminate("u1", at: L.at(10))
        let leaver = try #require(try log.check().leavers.first)
        // Works until 21:00, well before the end, but nothing ever disabled u1: it could mint again.
        #expect(leaver.persisting_ms == 11 * hour)
        #expect(leaver.censoredPersisting && !leaver.censoredBenign)
    }

    // MARK: Invariants

    @Test func aPatchGroupForAUserIdentityCenterDoesNotHoldIsAViolation() throws {
        var log = CheckLog()
        log.add(L.at(9), .patchGroup(PatchGroup(groupId: "g-a", membersAdded: ["ghost"])))
        let violations = try log.check().invariantViolations
        #expect(violations.count == 1)
        #expect(violations.first?.contains("user ghost") == true && violations.first?.contains("dropped") == true)
    }

    @Test func aCredentialOutlivingItsPermissionSetsSessionDurationIsAViolation() throws {
        var log = CheckLog()
        log.user("u1", groups: ["g-b"])
        let seq = log.mint("u1", at: L.at(9), L.other, "ps-short", lasting: .hours(12))
        let violations = try log.check().invariantViolations
        // ps-short allows 1 h; the credential lasts 12 h.
        #expect(violations.count == 1)
        #expect(violations.first?.hasPrefix("seq \(seq), user u1:") == true)
        #expect(violations.first?.contains("longer than the permission set's session duration 1h") == true)
    }

    @Test func aCredentialForAUserDisabledLongerAgoThanTheSigninCacheIsAViolation() throws {
        var log = CheckLog()
        log.user("u1")
        log.user("u2")
        log.add(L.at(8, 59), .portalSignIn(PortalSignIn(userId: "u1", sessionId: "s1", expiresAt: L.at(17))))
        log.add(L.at(8, 59), .portalSignIn(PortalSignIn(userId: "u2", sessionId: "s2", expiresAt: L.at(17))))
        log.disable("u1", at: L.at(9))
        log.disable("u2", at: L.at(10, 30))
        // u1 was disabled 2 h before, beyond the 1 h cache; u2 only 30 m before, within it.
        log.mint("u1", at: L.at(11), session: "s1")
        log.mint("u2", at: L.at(11), session: "s2")
        let violations = try log.check().invariantViolations
        #expect(violations.count == 1)
        #expect(violations.first?.contains("user u1:") == true && violations.first?.contains("sign-in cache") == true)
    }

    @Test func aDeletedSessionMintsOnlyUntilItsCurrentCLITokenExpires() throws {
        var log = CheckLog()
        log.user("u1")
        log.add(L.at(8), .portalSignIn(PortalSignIn(userId: "u1", sessionId: "s1", expiresAt: L.at(16))))
        log.add(L.at(10, 10), .deleteUserPortalSessions(DeleteUserPortalSessions(userId: "u1")))
        // Tokens from 08:00 last 1 h; at 10:10 the third is current (2 h 10 m / 1 h + 1 = 3), ending 11:00.
        log.mint("u1", at: L.at(10, 50), session: "s1")
        let late = log.mint("u1", at: L.at(11, 30), session: "s1")
        let violations = try log.check().invariantViolations
        #expect(violations.count == 1)
        #expect(violations.first?.hasPrefix("seq \(late), user u1:") == true)
    }

    @Test func aDirectoryChangeWithNoResultIsPendingUntilACompletedCycleShouldHaveCarriedIt() throws {
        var log = CheckLog()
        // The directory the run starts with is loaded in bulk, without causes: checked by state, not by cause.
        log.add(L.day, .idPDirectoryChange(IdPDirectoryChange(change: .userCreated, userId: "u0", attributes: L.attributes("u0", team: "a"))))
        log.user("u0")
        let created = log.add(L.at(9), .idPDirectoryChange(IdPDirectoryChange(change: .userCreated, userId: "u1", attributes: L.attributes("u1", team: "a"))))
        log.add(L.at(9), .createUser(CreateUser(userId: "u1", attributes: L.attributes("u1", team: "a"))), cause: created)
        log.add(L.at(9, 5), .idPDirectoryChange(IdPDirectoryChange(change: .userCreated, userId: "u2", attributes: L.attributes("u2", team: "a"))))
        let pending = try log.check()
        #expect(pending.invariantViolations.isEmpty)
        #expect(pending.notes.contains { $0.hasPrefix("unapplied at end: 1 ") })
        #expect(pending.notes.contains { $0.hasPrefix("creation not yet applied: 1 ") && $0.contains("u2") })
        #expect(!pending.notes.contains { $0.contains("u0") }, "the starting directory is not pending")

        log.add(L.at(9, 40), .idPSync(IdPSync(phase: .started, cycle: 1)))
        log.add(L.at(9, 41), .idPSync(IdPSync(phase: .finished, cycle: 1)))
        let dropped = try log.check()
        #expect(dropped.invariantViolations.count == 1)
        #expect(dropped.invariantViolations.first?.contains("user u2:") == true)
    }

    @Test func aLogNotWrittenByRunIsRefusedWithAReason() throws {
        var log = CheckLog()
        log.parameters["simulated_end_ms"] = nil
        let error = try #require(throws: CheckError.self) { try log.check() }
        #expect(error.description.contains("simulated_end_ms"))
    }

    // MARK: Joiners

    @Test func aJoinerGetsFirstAccessAtTheFirstAccountAndFullAccessAtTheLastOfTheTeams() throws {
        var log = CheckLog()
        log.parameters["team_accounts.a"] = "\(L.workload),\(L.other)"
        log.add(L.at(9), .hrHire(HRHire(employeeId: "u1", attributes: L.attributes("u1", team: "a"))))
        log.add(L.at(9), .hrHire(HRHire(employeeId: "u2", attributes: L.attributes("u2", team: "z"))))
        log.user("u1", at: L.at(9, 30), groups: [])
        log.add(L.at(9, 40), .patchGroup(PatchGroup(groupId: "g-a", membersAdded: ["u1"])))
        log.assign(at: L.at(11), group: "g-a", L.other, "ps-short")
        let joiners = try log.check().joiners
        // u1: created 09:30 but in no group; g-a at 09:40 reaches 111… -> first 40 m; 222… at 11:00 -> full 2 h.
        // u2: never reached Identity Center, and team z expects no accounts.
        #expect(joiners == [
            JoinerFigure(user: "u1", hiredAt_ms: L.at(9).ms, firstAccess_ms: 40 * minute, fullAccess_ms: 2 * hour),
            JoinerFigure(user: "u2", hiredAt_ms: L.at(9).ms, firstAccess_ms: nil, fullAccess_ms: nil),
        ])
    }

    // MARK: Movers

    @Test func aMoverMovingTwiceGetsTwoRecords() throws {
        var log = CheckLog()
        log.user("u1")
        log.mint("u1", at: L.at(9))
        log.transfer("u1", from: "a", to: "b", at: L.at(10), idpAt: L.at(10, 10), oldGroup: "g-a", newGroup: "g-b")
        log.add(L.at(10, 30), .patchGroup(PatchGroup(groupId: "g-a", membersRemoved: ["u1"])))
        log.add(L.at(10, 30), .patchGroup(PatchGroup(groupId: "g-b", membersAdded: ["u1"])))
        log.mint("u1", at: L.at(11, 30), L.other, "ps-short", lasting: .hours(1))
        log.transfer("u1", from: "b", to: "c", at: L.at(12), idpAt: L.at(12, 5), oldGroup: "g-b", newGroup: "g-c")
        log.add(L.at(12, 20), .patchGroup(PatchGroup(groupId: "g-b", membersRemoved: ["u1"])))
        log.add(L.at(12, 20), .patchGroup(PatchGroup(groupId: "g-c", membersAdded: ["u1"])))
        let result = try log.check()
        // First move (10:00): g-a's targets go at 10:30, but the 09:00 credential in 111… works until 21:00 -> 11 h.
        // Second move (12:00): g-b's target goes at 12:20; the 11:30 one-hour credential works until 12:30 -> 30 m.
        #expect(result.movers == [
            MoverFigure(user: "u1", movedAt_ms: L.at(10).ms, outcome: MoverFigure.measured, latency_ms: 11 * hour),
            MoverFigure(user: "u1", movedAt_ms: L.at(12).ms, outcome: MoverFigure.measured, latency_ms: 30 * minute),
        ])
        #expect(result.invariantViolations.isEmpty)
    }

    /// An imported organisation's groups have identity-store ids, not team names: the old group is the one
    /// the IdP took the mover out of for the move, and the move is measured when Identity Center follows.
    @Test func aMoversOldGroupIsTheOneTheIdPRemovedThemFromWhateverItsId() throws {
        let imported = "9a6b1c2d-0000-4e5f-8a9b-0c1d2e3f4a5b"
        var log = CheckLog()
        log.add(L.day, .createGroup(CreateGroup(groupId: imported, displayName: "a")))
        log.user("u1", groups: [imported])
        log.assign(at: L.day, group: imported, L.workload, "ps-short")
        log.transfer("u1", from: "a", to: "b", at: L.at(10), idpAt: L.at(10, 10), oldGroup: imported, newGroup: "g-b")
        #expect(try log.check().movers.map(\.outcome) == [MoverFigure.censored])
        log.add(L.at(10, 40), .patchGroup(PatchGroup(groupId: imported, membersRemoved: ["u1"])))
        let movers = try log.check().movers
        #expect(movers == [MoverFigure(user: "u1", movedAt_ms: L.at(10).ms, outcome: MoverFigure.measured, latency_ms: 40 * minute)])
    }

    /// The ledger forgets a credential that expired before any termination or move of its user; one still
    /// working at the move counts, though it was issued after the forgotten one expired.
    @Test func aCredentialExpiredBeforeTheMoveIsForgottenAndALiveOneCounts() throws {
        var log = CheckLog()
        log.user("u1")
        log.mint("u1", at: L.at(8), lasting: .hours(1))
        log.mint("u1", at: L.at(9, 30), lasting: .hours(12))
        log.transfer("u1", from: "a", to: "b", at: L.at(10), idpAt: L.at(10, 10), oldGroup: "g-a", newGroup: "g-b")
        log.add(L.at(10, 30), .patchGroup(PatchGroup(groupId: "g-a", membersRemoved: ["u1"])))
        // The 09:30 credential works until 21:30: 11 h 30 m after the move.
        #expect(try log.check().movers == [MoverFigure(user: "u1", movedAt_ms: L.at(10).ms, outcome: MoverFigure.measured,
                                                       latency_ms: 11 * hour + 30 * minute)])
    }

    /// The check keeps only the owner of an ended session; a mint through one is still named for what it is.
    @Test func aMintThroughAnEndedSessionOrAnotherUsersIsAViolation() throws {
        var log = CheckLog()
        log.user("u1")
        log.user("u2")
        log.add(L.at(9), .portalSignIn(PortalSignIn(userId: "u1", sessionId: "s-x", expiresAt: L.at(17))))
        log.add(L.at(10), .portalSessionEnded(PortalSessionEnded(userId: "u1", sessionId: "s-x", reason: .expired)))
        log.mint("u1", at: L.at(11), session: "s-x")
        log.mint("u2", at: L.at(11), session: "s-x")
        let violations = try log.check().invariantViolations.joined(separator: "\n")
        #expect(violations.contains("portal session s-x had ended") && violations.contains("portal session s-x belongs to u1"), "\(violations)")
    }

    @Test func aMoverTerminatedBeforeLeavingTheOldGroupLeftAndOneStillInItIsCensored() throws {
        var log = CheckLog()
        log.user("u1")
        log.user("u2")
        log.transfer("u1", from: "a", to: "b", at: L.at(10), idpAt: L.at(10), oldGroup: "g-a", newGroup: "g-b")
        log.transfer("u2", from: "a", to: "b", at: L.at(10), idpAt: L.at(10, 10), oldGroup: "g-a", newGroup: "g-b")
        log.terminate("u1", at: L.at(11))
        log.add(L.at(11, 30), .patchGroup(PatchGroup(groupId: "g-a", membersRemoved: ["u1"])))
        let movers = try log.check().movers
        #expect(movers.map(\.outcome) == [MoverFigure.left, MoverFigure.censored])
        #expect(movers.allSatisfy { $0.latency_ms == nil })
    }

    // MARK: Comparing with a report

    @Test func firstDisagreementNamesTheEarliestPersonAndBothAnswers() throws {
        var log = CheckLog(behaviour: "benign")
        log.user("u1")
        log.mint("u1", at: L.at(9))
        log.terminate("u1", at: L.at(10))
        log.disable("u1", at: L.at(10, 30))
        let checked = try log.check()
        #expect(firstDisagreement(claimed: ClaimedFigures(leavers: checked.leavers), checked: checked) == nil)

        var wrong = checked.leavers
        wrong[0].benign_ms = 10 * hour
        let lateJoiner = JoinerFigure(user: "u9", hiredAt_ms: L.at(12).ms, firstAccess_ms: nil, fullAccess_ms: nil)
        let found = try #require(firstDisagreement(claimed: ClaimedFigures(leavers: wrong, joiners: [lateJoiner]), checked: checked))
        #expect(found.kind == "leaver" && found.user == "u1" && found.at_ms == L.at(10).ms)
        #expect(found.claimed.contains("benign 10h") && found.checked.contains("benign 11h"))

        let missing = try #require(firstDisagreement(claimed: ClaimedFigures(leavers: checked.leavers, joiners: [lateJoiner]), checked: checked))
        #expect(missing.kind == "joiner" && missing.user == "u9" && missing.checked == "none")
    }
}
