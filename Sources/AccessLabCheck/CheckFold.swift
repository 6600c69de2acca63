import AccessLabEvents

/// The checker's one pass over the log: each event updates the checker's own picture of the organization,
/// Identity Center, the portal and the IdP, and is judged against the invariants as it goes.
struct CheckFold {
    let context: CheckContext
    var organization = OrganizationTree()
    var identityCenter = IdentityCenterMirror()
    var sessionDuration_s: [String: Int64] = [:]
    var sessions = PortalSessions()
    var ledger = CredentialLedger()
    var directory = DirectoryChanges()
    var joiners = JoinerWatch()
    var movers = MoverWatch()
    var terminations: [(seq: UInt64, user: String, at_ms: Int64)] = []
    var violations = ViolationList()
    var lastTime_ms: Int64?
    var eventsChecked: UInt64 = 0

    init(context: CheckContext) { self.context = context }

    mutating func apply(_ e: Event) {
        eventsChecked += 1
        let t = e.time.ms
        if let last = lastTime_ms, t < last {
            violations.add(seq: e.seq, user: "-", "time went back from \(Figure.instant(last)) to \(Figure.instant(t))")
        }
        lastTime_ms = max(lastTime_ms ?? t, t)
        directory.noteCause(e.cause)
        let affected = applyToState(e)
        guard joiners.isWatchingAnyone || movers.isWatchingAnyone else { return }
        for user in affected {
            if joiners.isWatching(user) { joiners.observe(user, at: t, identityCenter: identityCenter) }
            if movers.isWatching(user) { movers.observe(user, at: t, seq: e.seq, identityCenter: identityCenter) }
        }
    }

    /// Applies the event; returns the users whose status or entitlements it may have changed.
    private mutating func applyToState(_ e: Event) -> [String] {
        let t = e.time.ms
        switch e.body {
        case .createOrganizationalUnit(let p):
            organization.place(p.ouId, under: p.parentId)
        case .createAccount(let p):
            organization.place(p.accountId, under: p.parentId)
            if p.isManagementAccount { organization.markManagement(p.accountId) }
        case .moveAccount(let p):
            organization.place(p.accountId, under: p.destinationParentId)
        case .createPermissionSet(let p):
            sessionDuration_s[p.permissionSetId] = p.sessionDuration_s
        case .updatePermissionSet(let p):
            if let d = p.sessionDuration_s { sessionDuration_s[p.permissionSetId] = d }
        case .deletePermissionSet(let p):
            sessionDuration_s[p.permissionSetId] = nil
        case .accountAssignmentCreated(let r):
            identityCenter.assignmentCreated(r)
            return identityCenter.usersReached(by: Principal(isGroup: r.principalType == .GROUP, id: r.principalId))
        case .accountAssignmentDeleted(let r):
            identityCenter.assignmentDeleted(r)
            return identityCenter.usersReached(by: Principal(isGroup: r.principalType == .GROUP, id: r.principalId))
        case .createUser(let p):
            identityCenter.createUser(p.userId, active: p.active)
            return [p.userId]
        case .patchUser(let p):
            identityCenter.patchUser(p.userId, p.operations, at: t)
            return [p.userId]
        case .deleteUser(let p):
            for group in identityCenter.deleteUser(p.userId, at: t) { movers.leftGroup(p.userId, group: group, seq: e.seq) }
            return [p.userId]
        case .createGroup(let p):
            for user in identityCenter.createGroup(p.groupId, members: p.members) {
                violations.add(seq: e.seq, user: user, "CreateGroup \(p.groupId) names a user Identity Center does not hold; the membership was dropped")
            }
            return p.members
        case .patchGroup(let p):
            return patchGroup(p, seq: e.seq)
        case .deleteGroup(let p):
            let former = identityCenter.deleteGroup(p.groupId)
            for user in former { movers.leftGroup(user, group: p.groupId, seq: e.seq) }
            return former
        case .hrHire(let p):
            let expected = p.attributes.team.flatMap { context.teamAccounts[$0] }
            joiners.hired(p.employeeId, at: t, seq: e.seq, expected: expected, identityCenter: identityCenter)
        case .hrTransfer(let p):
            movers.moved(p.employeeId, fromTeam: p.fromTeam, at: t, seq: e.seq, identityCenter: identityCenter)
            ledger.hrEvent(of: p.employeeId)
        case .hrTermination(let p):
            terminations.append((e.seq, p.employeeId, t))
            ledger.hrEvent(of: p.employeeId)
            movers.terminated(p.employeeId, seq: e.seq)
        case .idPDirectoryChange(let p):
            directory.recorded(p, seq: e.seq, initial: t <= context.start_ms)
            if p.change == .groupMemberRemoved, let group = p.groupId, let cause = e.cause { movers.idpRemoved(from: group, cause: cause) }
        case .idPSync(let p):
            directory.sync(p, seq: e.seq)
        case .portalSignIn(let p):
            sessions.signedIn(user: p.userId, session: p.sessionId, at: t, expiresAt_ms: p.expiresAt.ms)
        case .portalSessionEnded(let p):
            sessions.ended(session: p.sessionId)
        case .deleteUserPortalSessions(let p):
            sessions.deleteAll(of: p.userId, at: t)
        case .roleCredentialsIssued(let c):
            checkIssue(c, seq: e.seq, at: t)
            ledger.issued(c, seq: e.seq, at: t)
        case .denyUserEffective(let d):
            ledger.denyEffective(d, at: t)
        default:
            break
        }
        return []
    }

    private mutating func patchGroup(_ p: PatchGroup, seq: UInt64) -> [String] {
        let leaving = p.membersRemoved.filter { identityCenter.isMember($0, of: p.groupId) }
        guard let unknown = identityCenter.patchGroup(p.groupId, adding: p.membersAdded, removing: p.membersRemoved) else {
            for user in p.membersAdded {
                violations.add(seq: seq, user: user, "PatchGroup adds the user to \(p.groupId), a group Identity Center does not hold; the membership was dropped")
            }
            return []
        }
        for user in unknown {
            violations.add(seq: seq, user: user, "PatchGroup adds the user to \(p.groupId), but Identity Center does not hold the user; the membership was dropped")
        }
        for user in leaving { movers.leftGroup(user, group: p.groupId, seq: seq) }
        return p.membersRemoved + p.membersAdded
    }

    /// Invariants 1 and 2: a credential lasts no longer than its permission set allows, and is minted only
    /// for a user who could sign in, through a live session of theirs, for a target they are entitled to.
    private mutating func checkIssue(_ c: RoleCredentialsIssued, seq: UInt64, at t: Int64) {
        let target = Target(account: c.accountId, permissionSet: c.permissionSetId)
        let what = "credential \(c.credentialId) for \(target) issued at \(Figure.instant(t))"
        if let duration_s = sessionDuration_s[c.permissionSetId] {
            let lifetime_ms = c.expiresAt.ms - c.issuedAt.ms
            if lifetime_ms > duration_s * 1000 {
                violations.add(seq: seq, user: c.userId,
                               "\(what) lasts \(Figure.span(lifetime_ms)), longer than the permission set's session duration \(Figure.span(duration_s * 1000))")
            }
        } else {
            violations.add(seq: seq, user: c.userId, "\(what) names a permission set Identity Center does not hold")
        }
        if let why = identityCenter.signInRefusal(c.userId, at: t, signinCache_ms: context.signinCache_ms) {
            violations.add(seq: seq, user: c.userId, "\(what) though \(why)")
        }
        if let why = sessions.mintRefusal(session: c.sessionId, user: c.userId, at: t, cliTokenLifetime_ms: context.cliTokenLifetime_ms) {
            violations.add(seq: seq, user: c.userId, "\(what) though \(why)")
        }
        if !identityCenter.isEntitled(c.userId, to: target) {
            violations.add(seq: seq, user: c.userId, "\(what) though the user is not entitled to it")
        }
    }
}
