import AccessLabEvents
import AccessLabLog
import AccessLabProjections

/// One user's history: intervals of entitlement and of usable credentials per (account, permission
/// set), with the events that opened and closed them, and the milestones on the way (HR, IdP, sync).
public struct Timeline: Codable, Equatable, Sendable {
    public struct Milestone: Codable, Equatable, Sendable {
        public var seq: UInt64
        public var time: Instant
        public var what: String
    }
    public struct Interval: Codable, Equatable, Sendable {
        public var from: Instant
        public var fromSeq: UInt64
        public var fromEvent: String
        public var to: Instant?
        public var toSeq: UInt64?
        public var toEvent: String?
    }
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
        public var entitlement: [Interval]
        public var credentials: [Credential]
    }
    public var user: String
    public var milestones: [Milestone]
    public var targets: [Target]

    /// Folds the whole log once, watching `user`.
    public static func build(_ reader: any EventLogReader, user: String) throws -> Timeline {
        var state = AccessState()
        var open: [AccountPermissionSet: Interval] = [:]
        var closed: [AccountPermissionSet: [Interval]] = [:]
        var issued: [String: (UInt64, RoleCredentialsIssued)] = [:]
        var milestones: [Milestone] = []
        var entitled = Set<AccountPermissionSet>()
        guard reader.head.lastSeq > 0 else { return Timeline(user: user, milestones: [], targets: []) }
        try reader.forEachEvent(in: 1...reader.head.lastSeq) { event in
            state.apply(event)
            if let what = milestone(event, user: user) { milestones.append(Milestone(seq: event.seq, time: event.time, what: what)) }
            if case .roleCredentialsIssued(let p) = event.body, p.userId == user { issued[p.credentialId] = (event.seq, p) }
            guard affects(event, user: user, state: state) else { return true }
            let now = state.identityCenter.users[user]?.status == .active
                ? Set(state.entitledTargets(ofUser: user).filter { state.isEntitled(user, to: $0) }) : []
            for gained in now.subtracting(entitled) {
                open[gained] = Interval(from: event.time, fromSeq: event.seq, fromEvent: event.type.name)
            }
            for lost in entitled.subtracting(now) {
                if var interval = open.removeValue(forKey: lost) {
                    interval.to = event.time; interval.toSeq = event.seq; interval.toEvent = event.type.name
                    closed[lost, default: []].append(interval)
                }
            }
            entitled = now
            return true
        }
        for (target, interval) in open { closed[target, default: []].append(interval) }
        var byTarget: [AccountPermissionSet: [Credential]] = [:]
        for (id, (seq, p)) in issued {
            let target = AccountPermissionSet(p.accountId, p.permissionSetId)
            var end = p.expiresAt, reason = "expired"
            if let deny = state.denyEffectiveAt(userId: user, target: target), deny < end {
                end = max(deny, p.issuedAt); reason = "deny on identitystore:UserId in effect"
            }
            byTarget[target, default: []].append(Credential(credentialId: id, issuedSeq: seq, issuedAt: p.issuedAt, expiresAt: p.expiresAt,
                                                            endsAt: end, endReason: reason, sessionTags: p.sessionTags))
        }
        let targets = Set(closed.keys).union(byTarget.keys).sorted().map { t in
            Target(accountId: t.accountId, accountName: state.organization.accounts[t.accountId]?.name,
                   permissionSet: state.permissionSets[t.permissionSetId]?.name ?? t.permissionSetId,
                   entitlement: (closed[t] ?? []).sorted { $0.fromSeq < $1.fromSeq },
                   credentials: (byTarget[t] ?? []).sorted { $0.issuedSeq < $1.issuedSeq })
        }
        return Timeline(user: user, milestones: milestones, targets: targets)
    }

    /// Events that may change what `user` is entitled to (checked after the event is applied).
    static func affects(_ event: Event, user: String, state: AccessState) -> Bool {
        switch event.body {
        case .createUser(let p): return p.userId == user
        case .patchUser(let p): return p.userId == user
        case .deleteUser(let p): return p.userId == user
        case .patchGroup(let p): return p.membersAdded.contains(user) || p.membersRemoved.contains(user)
        case .createGroup, .deleteGroup: return true
        case .accountAssignmentCreated(let p), .accountAssignmentDeleted(let p):
            return p.principalType == .USER ? p.principalId == user : true
        default: return false
        }
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
