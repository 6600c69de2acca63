import AccessLabEvents

/// Identity Center's rules for signing in to the access portal and for getting role credentials,
/// decided from the access state alone. Parameters come from the scenario (defaults from
/// identity-center-facts.md).
public struct AccessRules: Sendable, Equatable {
    /// After a user is disabled or deleted, a cached sign-in still mints credentials this long (UG-2023: 1 h).
    public var signinCache: Duration_ms
    /// Lifetime of the CLI's OIDC access token; after an admin deletes a portal session, the CLI keeps
    /// working until the token it holds expires ("within up to an hour").
    public var cliTokenLifetime: Duration_ms
    /// Where the Identity Center instance lives: it is part of the path of every role it provisions,
    /// and so of the `aws:PrincipalArn` its sessions carry.
    public var identityCenterRegion: String

    public init(signinCache: Duration_ms = .hours(1), cliTokenLifetime: Duration_ms = .hours(1),
                identityCenterRegion: String = ReservedRoleIdentifiers.defaultRegion) {
        self.signinCache = signinCache
        self.cliTokenLifetime = cliTokenLifetime
        self.identityCenterRegion = identityCenterRegion
    }

    /// Names under which a log's metadata records these parameters.
    public enum ParameterName {
        public static let signinCache = "signin_cache_ms"
        public static let cliTokenLifetime = "cli_token_lifetime_ms"
        public static let identityCenterRegion = "identity_center_region"
    }

    /// The metadata parameters that record these rules.
    public var parameters: [String: String] {
        [ParameterName.signinCache: String(signinCache.ms), ParameterName.cliTokenLifetime: String(cliTokenLifetime.ms),
         ParameterName.identityCenterRegion: identityCenterRegion]
    }

    /// The rules a log was produced with (defaults for parameters it does not record).
    public init(parameters: [String: String]) {
        self.init()
        if let v = parameters[ParameterName.signinCache].flatMap(Int64.init) { signinCache = Duration_ms(v) }
        if let v = parameters[ParameterName.cliTokenLifetime].flatMap(Int64.init) { cliTokenLifetime = Duration_ms(v) }
        if let v = parameters[ParameterName.identityCenterRegion] { identityCenterRegion = v }
    }

    /// Why Identity Center said no.
    public enum Refusal: String, Error, Sendable, CaseIterable {
        case userUnknown = "user not in Identity Center"
        case userDisabled = "user disabled in Identity Center"
        case userDeleted = "user deleted in Identity Center"
        case noPortalSession = "no live portal session"
        case sessionDeleted = "portal session deleted by an admin"
        case notEntitled = "no provisioned assignment for this account and permission set"
    }

    public func signInRefusal(_ state: AccessState, userId: String) -> Refusal? {
        guard let user = state.identityCenter.users[userId] else { return .userUnknown }
        switch user.status {
        case .active: return nil
        case .disabled: return .userDisabled
        case .deleted: return .userDeleted
        }
    }

    /// What GetRoleCredentials issues: the session it rides on, the role, its lifetime, and the session
    /// tags frozen at issue.
    public struct CredentialGrant: Sendable {
        public var session: PortalSession
        public var roleName: String
        public var duration: Duration_ms
        public var sessionTags: [Tag]
    }

    /// A GetRoleCredentials request at `t`, decided as the portal does: the session first, then the
    /// entitlement. (One call on the state rather than several also spares the simulation a copy of
    /// the state per call.)
    public func getRoleCredentials(_ state: AccessState, userId: String, target: AccountPermissionSet, at t: Instant) -> Result<CredentialGrant, Refusal> {
        let session: PortalSession
        switch mintSession(state, userId: userId, at: t) {
        case .failure(let refusal): return .failure(refusal)
        case .success(let s): session = s
        }
        // `isEntitled`, with the role looked up once.
        guard let role = state.roles[target], state.isGranted(userId, target) else { return .failure(.notEntitled) }
        return .success(CredentialGrant(session: session, roleName: role.roleName,
                                        duration: state.permissionSets[target.permissionSetId]?.sessionDuration ?? .hours(1),
                                        sessionTags: state.principalTags(ofUser: userId)))
    }

    /// The portal session a credential request at `t` would ride on, or why there is none.
    public func mintSession(_ state: AccessState, userId: String, at t: Instant) -> Result<PortalSession, Refusal> {
        guard let user = state.identityCenter.users[userId] else { return .failure(.userUnknown) }
        if user.status != .active, t > user.statusSince + signinCache {
            return .failure(user.status == .deleted ? .userDeleted : .userDisabled)
        }
        // The newest usable session by (start, id), the first of `portalSessions(ofUser:)` from the end,
        // found without sorting them.
        var deletedRefusal = false
        var newest: PortalSession?
        for id in state.portalSessionsByUser[userId] ?? [] {
            guard let session = state.portalSessions[id], session.expiresAt >= t else { continue }
            if let end = cliEnd(session), t > end { deletedRefusal = true; continue }
            if let n = newest, (n.startedAt, n.sessionId) >= (session.startedAt, session.sessionId) { continue }
            newest = session
        }
        if let newest { return .success(newest) }
        return .failure(deletedRefusal ? .sessionDeleted : .noPortalSession)
    }

    /// The last instant at which a credential request could still succeed if nothing else happened,
    /// given the user's status and portal sessions now. Nil when no request can succeed at or after `t`.
    public func lastMintInstant(_ state: AccessState, userId: String, from t: Instant) -> Instant? {
        guard let user = state.identityCenter.users[userId] else { return nil }
        var sessionEnd: Instant?
        for session in state.portalSessions(ofUser: userId) {
            let end = min(session.expiresAt, cliEnd(session) ?? session.expiresAt)
            sessionEnd = max(sessionEnd ?? end, end)
        }
        guard var last = sessionEnd else { return nil }
        if user.status != .active { last = min(last, user.statusSince + signinCache) }
        return last >= t ? last : nil
    }

    /// When a deleted session's CLI stops: the end of the access token current at the deletion.
    func cliEnd(_ session: PortalSession) -> Instant? {
        guard let deleted = session.deletedAt else { return nil }
        let lifetime = max(cliTokenLifetime.ms, 1)
        let elapsed = max(deleted.ms - session.startedAt.ms, 0)
        let tokens = elapsed / lifetime + 1
        return Instant(ms: session.startedAt.ms + tokens * lifetime)
    }
}
