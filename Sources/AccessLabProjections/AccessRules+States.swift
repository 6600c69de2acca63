import AccessLabEvents

/// What one user could do with one (account, permission set) at an instant. The one definition that
/// `access`, `explain` and `timeline` answer with, so that they agree on when access ended.
public struct EffectiveAccess: Sendable, Equatable {
    /// Identity Center holds a provisioned assignment naming the user or one of the user's groups.
    /// Independent of the user's status: a disabled user's assignments still exist.
    public var entitled: Bool
    /// The user may start a new portal session (exists in Identity Center and is active).
    public var canSignIn: Bool
    /// A credential for the target was issued at or before the instant and has not reached its
    /// working end (expiry, or a deny on `identitystore:UserId` taking effect first).
    public var liveCredential: Bool
    /// GetRoleCredentials would succeed: a live portal session (or the sign-in cache after a
    /// disable, or a deleted session's CLI token), and entitled.
    public var canGetCredentials: Bool
    /// A deny on `identitystore:UserId` covering the target has taken effect.
    public var denyInEffect: Bool
    public var signInRefusal: AccessRules.Refusal?
    public var credentialRefusal: AccessRules.Refusal?

    /// Holds a live credential, or can get one that no deny would cut.
    public var canAct: Bool { liveCredential || (canGetCredentials && !denyInEffect) }

    /// Why the user cannot act, in words; nil when they can.
    public var cannotActReason: String? {
        guard !canAct else { return nil }
        if canGetCredentials { return "no live credential; new ones would be cut by a deny on identitystore:UserId" }
        return "no live credential; new ones refused: \(credentialRefusal?.rawValue ?? "")"
    }
}

extension AccessRules {
    /// The user's access to each of `targets` at `t`, in the same order. The user-wide half (sign-in,
    /// the portal session) is decided once. `held` spares fetching the user's credentials again.
    public func effectiveAccess(_ state: AccessState, userId: String, targets: [AccountPermissionSet], at t: Instant,
                                held: [RoleCredential]? = nil) -> [EffectiveAccess] {
        effectiveAccess(state, userId: userId, targets: targets, entitled: targets.map { state.isEntitled(userId, to: $0) }, at: t, held: held)
    }

    /// The same, with `isEntitled` for each target already known.
    public func effectiveAccess(_ state: AccessState, userId: String, targets: [AccountPermissionSet], entitled: [Bool], at t: Instant,
                                held: [RoleCredential]? = nil) -> [EffectiveAccess] {
        let signInRefusal = signInRefusal(state, userId: userId)
        var sessionRefusal: Refusal?
        if case .failure(let r) = mintSession(state, userId: userId, at: t) { sessionRefusal = r }
        let held = held ?? state.credentials(ofUser: userId)
        let hasDenies = state.denies[userId] != nil
        return zip(targets, entitled).map { target, entitled in
            let credentialRefusal = sessionRefusal ?? (entitled ? nil : .notEntitled)
            let live = held.contains { $0.target == target && state.isLive($0, at: t) }
            let deny = hasDenies ? state.denyEffectiveAt(userId: userId, target: target) : nil
            return EffectiveAccess(entitled: entitled, canSignIn: signInRefusal == nil, liveCredential: live,
                                   canGetCredentials: credentialRefusal == nil, denyInEffect: deny.map { $0 <= t } ?? false,
                                   signInRefusal: signInRefusal, credentialRefusal: credentialRefusal)
        }
    }

    /// The user's access to one target at `t`.
    public func effectiveAccess(_ state: AccessState, userId: String, target: AccountPermissionSet, at t: Instant) -> EffectiveAccess {
        effectiveAccess(state, userId: userId, targets: [target], at: t)[0]
    }

    /// The instants after `t` at which the user's access may change with no event: credentials
    /// reaching their working end, the sign-in cache running out after a disable, portal sessions
    /// expiring and deleted sessions' CLI tokens expiring. Each is the first instant of the new answer.
    /// Sorted, distinct.
    public func accessChangeInstants(_ state: AccessState, userId: String, after t: Instant) -> [Instant] {
        var out: [Instant] = []
        for c in state.credentials(ofUser: userId) { out.append(state.workingEnd(of: c)) }
        if let user = state.identityCenter.users[userId], user.status != .active {
            out.append(user.statusSince + signinCache + Duration_ms(1))
        }
        for session in state.portalSessions(ofUser: userId) {
            out.append(session.expiresAt + Duration_ms(1))
            if let end = cliEnd(session) { out.append(end + Duration_ms(1)) }
        }
        return Array(Set(out.filter { $0 > t })).sorted()
    }
}

extension AccessState {
    /// When a credential stops working: its expiry, or earlier the moment a deny covering it took
    /// effect. A credential issued once the deny was in effect never works (its working end is its issue).
    public func workingEnd(of credential: RoleCredential) -> Instant {
        workingEnd(userId: credential.userId, target: credential.target, issuedAt: credential.issuedAt, expiresAt: credential.expiresAt)
    }

    /// The same for a credential known only by its issue (it may have left the state on expiry).
    public func workingEnd(userId: String, target: AccountPermissionSet, issuedAt: Instant, expiresAt: Instant) -> Instant {
        guard denies[userId] != nil, let deny = denyEffectiveAt(userId: userId, target: target) else { return expiresAt }
        return min(expiresAt, max(deny, issuedAt))
    }

    /// Whether the credential works at `t`: issued at or before it and before its working end.
    public func isLive(_ credential: RoleCredential, at t: Instant) -> Bool {
        credential.issuedAt <= t && t < workingEnd(of: credential)
    }
}
