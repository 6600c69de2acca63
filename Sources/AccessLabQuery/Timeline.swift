import AccessLabEvents
import AccessLabLog
import AccessLabProjections

/// One user's history, by the same `EffectiveAccess` that `access --at` answers with: when they could
/// sign in, and per (account, permission set) when they were entitled, when they could act and each
/// credential, with the events that opened and closed them and the milestones on the way (HR, IdP, sync).
public struct Timeline: Codable, Equatable, Sendable {
    public struct Milestone: Codable, Equatable, Sendable {
        public var seq: UInt64
        public var time: Instant
        public var what: String
    }
    public typealias Interval = AccessInterval
    public struct Credential: Codable, Equatable, Sendable {
        public var credentialId: String
        public var issuedSeq: UInt64
        public var issuedAt: Instant
        public var expiresAt: Instant
        /// When it stopped working: its expiry, or a deny taking effect first.
        public var endsAt: Instant
        public var endReason: String
        public var sessionTags: [Tag]
    }
    public struct Target: Codable, Equatable, Sendable {
        public var accountId: String
        public var accountName: String?
        public var permissionSet: String
        /// A provisioned assignment named the user or one of their groups (whatever the user's status).
        public var entitlement: [Interval]
        /// The user held a live credential, or could get one that no deny would cut.
        public var canAct: [Interval]
        public var credentials: [Credential]
    }
    public var user: String
    /// The user name at the end of the log (`u00002@example.com`), when the directory had one.
    public var userName: String?
    /// The time of the log's last event: interval ends after it are what time passing brings with no
    /// further events (credentials expiring, the sign-in cache running out).
    public var logEndsAt: Instant?
    public var milestones: [Milestone]
    /// When the user could start a new portal session (active in Identity Center).
    public var signIn: [Interval]
    public var targets: [Target]
    /// The first instant the user could no longer sign in, for good (nil: still could, or never could).
    public var signInLostAt: Instant?
    /// The last instant the user could act on any target (nil: never could, or still can).
    public var lastCanActAt: Instant?

    /// Folds the whole log once, watching `user`.
    public static func build(_ reader: any EventLogReader, user: String) throws -> Timeline {
        var state = AccessState()
        var tracker = AccessTracker(userId: user, rules: AccessRules(parameters: reader.metadata.parameters))
        var issued: [String: (UInt64, RoleCredentialsIssued)] = [:]
        var milestones: [Milestone] = []
        guard reader.head.lastSeq > 0 else {
            return Timeline(user: user, userName: nil, logEndsAt: nil, milestones: [], signIn: [], targets: [], signInLostAt: nil, lastCanActAt: nil)
        }
        try reader.forEachEvent(in: 1...reader.head.lastSeq) { event in
            tracker.willApply(event, to: state)
            state.apply(event)
            tracker.didApply(event, to: state)
            if let what = milestone(event, user: user) { milestones.append(Milestone(seq: event.seq, time: event.time, what: what)) }
            if case .roleCredentialsIssued(let p) = event.body, p.userId == user { issued[p.credentialId] = (event.seq, p) }
            return true
        }
        let history = tracker.history(state)
        var byTarget: [AccountPermissionSet: [Credential]] = [:]
        for (id, (seq, p)) in issued {
            let target = AccountPermissionSet(p.accountId, p.permissionSetId)
            let end = state.workingEnd(userId: user, target: target, issuedAt: p.issuedAt, expiresAt: p.expiresAt)
            byTarget[target, default: []].append(Credential(credentialId: id, issuedSeq: seq, issuedAt: p.issuedAt, expiresAt: p.expiresAt,
                                                            endsAt: end, endReason: end < p.expiresAt ? "deny on identitystore:UserId in effect" : "expired",
                                                            sessionTags: p.sessionTags))
        }
        let targets = Set(history.entitlement.keys).union(history.canAct.keys).union(byTarget.keys).sorted().map { t in
            Target(accountId: t.accountId, accountName: state.organization.accounts[t.accountId]?.name,
                   permissionSet: state.permissionSets[t.permissionSetId]?.name ?? t.permissionSetId,
                   entitlement: history.entitlement[t] ?? [], canAct: history.canAct[t] ?? [],
                   credentials: (byTarget[t] ?? []).sorted { $0.issuedSeq < $1.issuedSeq })
        }
        return Timeline(user: user, userName: Names.userName(user, in: state), logEndsAt: state.time, milestones: milestones, signIn: history.signIn, targets: targets,
                        signInLostAt: history.signInLostAt, lastCanActAt: history.lastCanActAt)
    }

    static func milestone(_ event: Event, user: String) -> String? {
        switch event.body {
        case .hrHire(let p) where p.employeeId == user: return "HR: hired into \(p.attributes.team ?? "?")"
        case .hrTransfer(let p) where p.employeeId == user: return "HR: moved \(p.fromTeam ?? "?") -> \(p.toTeam ?? "?")"
        case .hrTermination(let p) where p.employeeId == user: return "HR: terminated"
        case .idPDirectoryChange(let p) where p.userId == user: return "IdP: \(p.change.rawValue)\(p.groupId.map { " \($0)" } ?? "")"
        case .createUser(let p) where p.userId == user: return "Identity Center: user created (\(event.actor.rawValue))"
        case .patchUser(let p) where p.userId == user:
            if let active = p.operations.first(where: { $0.path == "active" }) { return "Identity Center: active=\(active.value ?? "?") (\(event.actor.rawValue))" }
            return "Identity Center: attributes updated (\(event.actor.rawValue))"
        case .deleteUser(let p) where p.userId == user: return "Identity Center: user deleted"
        case .patchGroup(let p) where p.membersAdded.contains(user): return "Identity Center: added to \(p.groupId) (\(event.actor.rawValue))"
        case .patchGroup(let p) where p.membersRemoved.contains(user): return "Identity Center: removed from \(p.groupId) (\(event.actor.rawValue))"
        case .deleteUserPortalSessions(let p) where p.userId == user: return "admin: portal sessions deleted"
        case .denyUser(let p) where p.userId == user: return "admin: deny (\(p.scope.rawValue)) on \(p.targetId)"
        case .denyUserEffective(let p) where p.userId == user: return "deny in effect (\(p.scope.rawValue)) on \(p.targetId)"
        case .accessRefused(let p) where p.userId == user:
            return "refused: \(p.stage.rawValue)\(p.accountId.map { " in \($0)" } ?? ""): \(p.reason)"
        default: return nil
        }
    }
}
