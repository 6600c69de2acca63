import AccessLabEvents
import AccessLabProjections

extension Simulation {
    // MARK: - Working users

    /// A working day starts: sign in to the portal and pick the accounts to work in today.
    func userSignIn(_ userId: String) throws {
        guard let person = people[userId], person.leftAt == nil else { return }
        guard try signIn(userId) else { return }
        people[userId]?.workEndsAt = now + scenario.users.workday
        let entitled = fold.reading { $0.entitledTargets(ofUser: userId) }
        guard !entitled.isEmpty else { return }
        let picks = withRNG(userId) { rng -> [(AccountPermissionSet, Duration_ms)] in
            var pool = entitled
            let k = min(rng.int(in: scenario.users.accountsPerDay), pool.count)
            var out: [(AccountPermissionSet, Duration_ms)] = []
            for i in 0..<k {
                let j = rng.int(in: i...pool.count - 1)
                pool.swapAt(i, j)
                out.append((pool[i], scenario.users.firstUse.sample(&rng)))
            }
            return out
        }
        for (target, firstUse) in picks { try schedule(.mint(userId, target), after: firstUse) }
    }

    /// Reuses nothing: each call is a GetRoleCredentials. Workers refresh until the end of their day;
    /// a persisting leaver refreshes for as long as Identity Center answers.
    func userMint(_ userId: String, _ target: AccountPermissionSet) throws {
        guard let person = people[userId] else { return }
        let persisting = person.leftAt != nil
        if persisting && !isActivePersistingLeaver(userId) { return }
        if !persisting, let end = person.workEndsAt, now > end { return }
        guard let expiry = try mintCredentials(userId, target) else {
            if persisting { try leaverAct(userId) }
            return
        }
        let refreshAt = expiry - scenario.users.refreshBefore
        if persisting || refreshAt < (person.workEndsAt ?? now) {
            try schedule(.mint(userId, target), at: max(refreshAt, now + .seconds(1)))
        }
    }

    /// Signs in if Identity Center lets the user; records a refusal otherwise.
    func signIn(_ userId: String) throws -> Bool {
        if let refusal = fold.reading({ rules.signInRefusal($0, userId: userId) }) {
            emit(.user, .accessRefused(AccessRefused(userId: userId, stage: .signIn, reason: refusal.rawValue)))
            return false
        }
        counters.session += 1
        let sessionId = counters.sessionId
        let expires = now + scenario.identityCenter.portalSession
        emit(.user, .portalSignIn(PortalSignIn(userId: userId, sessionId: sessionId, expiresAt: expires)))
        try schedule(.sessionExpiry(sessionId, userId), at: expires)
        return true
    }

    /// GetRoleCredentials: issued with the session tags as the attribute configuration maps the user now,
    /// or refused. Returns the expiry of what was issued.
    func mintCredentials(_ userId: String, _ target: AccountPermissionSet) throws -> Instant? {
        let grant: AccessRules.CredentialGrant
        let at = now
        switch fold.reading({ rules.getRoleCredentials($0, userId: userId, target: target, at: at) }) {
        case .failure(let refusal):
            refuse(userId, target, refusal)
            return nil
        case .success(let g):
            grant = g
        }
        counters.credential += 1
        let id = counters.credentialId
        let expires = now + grant.duration
        emit(.user, .roleCredentialsIssued(RoleCredentialsIssued(
            credentialId: id, userId: userId, accountId: target.accountId, permissionSetId: target.permissionSetId,
            roleName: grant.roleName, sessionId: grant.session.sessionId, issuedAt: now, expiresAt: expires,
            sessionTags: grant.sessionTags)))
        try schedule(.credentialExpiry(id, userId, target.accountId), at: expires)
        return expires
    }

    private func refuse(_ userId: String, _ target: AccountPermissionSet, _ refusal: AccessRules.Refusal) {
        emit(.user, .accessRefused(AccessRefused(userId: userId, stage: .roleCredentials, accountId: target.accountId,
                                                 permissionSetId: target.permissionSetId, reason: refusal.rawValue)))
    }

    func sessionExpired(_ sessionId: String, _ userId: String) throws {
        if state.portalSessions[sessionId] != nil {
            // The session's last instant may be a persisting leaver's last chance (it ends inside the sign-in cache).
            if isActivePersistingLeaver(userId), rules.signInRefusal(state, userId: userId) != nil,
               rules.lastMintInstant(state, userId: userId, from: now) == now {
                try leaverMint(userId)
            }
            emit(.system, .portalSessionEnded(PortalSessionEnded(userId: userId, sessionId: sessionId, reason: .expired)))
        }
        try leaverAfterChange(userId)
    }

    // MARK: - Persisting leavers

    /// A persisting leaver tries every chance until the run ends: a refusal now (a user Identity Center does
    /// not hold yet, say) is no reason to stop trying when the next change arrives.
    func isActivePersistingLeaver(_ userId: String) -> Bool {
        scenario.churn.leaverBehaviour == .persisting && departed.contains(userId)
    }

    /// The scheduled "last chance": acts only if it is still the latest moment a request can succeed.
    func leaverLastChance(_ userId: String) throws {
        guard isActivePersistingLeaver(userId), people[userId]?.nextChance == now else { return }
        people[userId]?.nextChance = nil
        try leaverAct(userId)
    }

    /// A persisting leaver at a chance: sign in again if the portal session is gone, mint fresh
    /// credentials for everything still entitled, and come back at the last instant a request can succeed.
    func leaverAct(_ userId: String) throws {
        guard isActivePersistingLeaver(userId) else { return }
        if case .failure = rules.mintSession(state, userId: userId, at: now) {
            guard try signIn(userId) else { return }
        }
        try leaverMint(userId)
        try scheduleLastChance(userId)
    }

    /// Mints for every target the leaver is still entitled to (a refusal is logged, not fatal).
    private func leaverMint(_ userId: String) throws {
        for target in state.entitledTargets(ofUser: userId) { _ = try mintCredentials(userId, target) }
    }

    /// Before a change that cuts entitlements, a persisting leaver mints once more for what it still has.
    func leaverBeforeCut(_ userId: String) throws {
        guard isActivePersistingLeaver(userId) else { return }
        try leaverMint(userId)
    }

    /// After a change to the leaver's status, sessions or entitlements: a leaver without a usable session
    /// who may sign in does so at once (a new session is a new chance); otherwise the next chance moves
    /// to the new last instant a request can succeed.
    func leaverAfterChange(_ userId: String) throws {
        guard isActivePersistingLeaver(userId) else { return }
        if rules.mintSession(state, userId: userId, at: now).isFailure, rules.signInRefusal(state, userId: userId) == nil {
            try leaverAct(userId)
        } else {
            try scheduleLastChance(userId)
        }
    }

    private func scheduleLastChance(_ userId: String) throws {
        guard let last = rules.lastMintInstant(state, userId: userId, from: now), last > now, people[userId]?.nextChance != last else { return }
        people[userId]?.nextChance = last
        try schedule(.lastChance(userId), at: last)
    }

    // MARK: - Revocation runbook

    func runbookStep(_ userId: String, _ index: Int) throws {
        guard let runbook = scenario.runbook, index < runbook.steps.count else { return }
        let ic = scenario.identityCenter
        switch runbook.steps[index] {
        case .denyScp:
            emit(.admin, .denyUser(UserDenyPolicy(userId: userId, scope: .scp, targetId: Scenario.rootId)))
            try schedule(.denyEffective(userId, .scp, Scenario.rootId), after: ic.policyPropagation)
        case .denyInline:
            for ps in scenario.permissionSets.map(\.permissionSetId).sorted() {
                emit(.admin, .denyUser(UserDenyPolicy(userId: userId, scope: .inlinePolicy, targetId: ps)))
                let delay = sample(ic.inlineDenyProvisioning, actor: Self.identityCenterActor) + ic.policyPropagation
                try schedule(.denyEffective(userId, .inlinePolicy, ps), after: delay)
            }
        case .removeMemberships:
            try leaverBeforeCut(userId)
            for group in (state.identityCenter.users[userId]?.groups ?? []).sorted() {
                emit(.admin, .patchGroup(PatchGroup(groupId: group, membersRemoved: [userId])))
            }
            if scenario.assignmentMode == .direct, let team = people[userId]?.team {
                requestDirectAssignments(for: userId, team: team, kind: .delete)
                try dispatchControlPlane()
            }
            try leaverAfterChange(userId)
        case .deleteSessions:
            emit(.admin, .deleteUserPortalSessions(DeleteUserPortalSessions(userId: userId)))
            try leaverAfterChange(userId)
        case .disableInIdentityCenter:
            if state.identityCenter.users[userId]?.status == .active {
                emit(.admin, .patchUser(PatchUser(userId: userId, operations: [PatchOperation(op: .replace, path: "active", value: "false")])))
                try leaverAfterChange(userId)
            }
        }
        if index + 1 < runbook.steps.count { try schedule(.runbookStep(userId, index + 1), after: runbook.stepInterval) }
    }
}

extension Result {
    var isFailure: Bool { if case .failure = self { true } else { false } }
}
