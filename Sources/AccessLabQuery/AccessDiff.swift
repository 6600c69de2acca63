import AccessLabEvents
import AccessLabLog
import AccessLabProjections

/// What changed between two moments: entitlements, user status, portal sessions and credentials
/// gained and lost, each with the event that made the change and that event's cause chain; and what
/// came and went between them, which comparing the two states cannot see: credentials issued and ended
/// inside the window, and every deny on a user that was added or took effect.
public struct AccessDiff: Codable, Equatable, Sendable {
    public struct Change: Codable, Equatable, Sendable {
        public enum Kind: String, Codable, Sendable { case entitlementGained, entitlementLost, statusChanged, sessionStarted, sessionEnded, credentialsIssued, credentialsEnded,
                                                      credentialsIssuedAndEnded, denyAdded, denyEffective }
        public var kind: Kind
        public var user: String
        public var accountId: String?
        public var permissionSet: String?
        public var detail: String?
        /// The event that made the change, then its causes, newest first (`seq type time`).
        public var because: [String]
        public var seq: UInt64
    }
    public var fromSeq: UInt64
    public var toSeq: UInt64
    public var changes: [Change]

    static let causeDepth = 8

    /// Replays (from, to] once over the state at `from`.
    public static func between(_ reader: any EventLogReader, history: History, fromSeq: UInt64, toSeq: UInt64) throws -> AccessDiff {
        var state = try history.state(through: fromSeq)
        let start = state
        var lastChange: [String: [AccountPermissionSet: UInt64]] = [:]
        var statusChange: [String: UInt64] = [:]
        var sessionEvents: [String: UInt64] = [:]
        var credentialEvents: [String: UInt64] = [:]
        var issuedInside: [String: (seq: UInt64, payload: RoleCredentialsIssued)] = [:]
        var denies: [(seq: UInt64, kind: Change.Kind, deny: UserDenyPolicy)] = []
        if toSeq > fromSeq {
            try reader.forEachEvent(in: (fromSeq + 1)...toSeq) { event in
                let users = affectedUsers(event, state: state)
                var before: [String: Set<AccountPermissionSet>] = [:]
                for u in users { before[u] = Set(state.entitledTargets(ofUser: u)) }
                let statusBefore = users.map { state.identityCenter.users[$0]?.status }
                state.apply(event)
                for (i, u) in users.enumerated() {
                    let after = Set(state.entitledTargets(ofUser: u))
                    for t in after.symmetricDifference(before[u] ?? []) { lastChange[u, default: [:]][t] = event.seq }
                    if state.identityCenter.users[u]?.status != statusBefore[i] { statusChange[u] = event.seq }
                }
                switch event.body {
                case .portalSignIn(let p): sessionEvents[p.sessionId] = event.seq
                case .portalSessionEnded(let p): sessionEvents[p.sessionId] = event.seq
                case .roleCredentialsIssued(let p): credentialEvents[p.credentialId] = event.seq; issuedInside[p.credentialId] = (event.seq, p)
                case .denyUser(let p): denies.append((event.seq, .denyAdded, p))
                case .denyUserEffective(let p): denies.append((event.seq, .denyEffective, p))
                case .roleCredentialsExpired(let p): credentialEvents[p.credentialId] = event.seq
                default: break
                }
                return true
            }
        }
        func chain(_ seq: UInt64) throws -> [String] {
            var out: [String] = []
            var next: UInt64? = seq
            while let s = next, s > 0, out.count < causeDepth {
                let e = try reader.event(s)
                out.append("@\(e.seq) \(e.type.name) \(e.time)")
                next = e.cause
            }
            return out
        }
        func psName(_ id: String) -> String { state.permissionSets[id]?.name ?? start.permissionSets[id]?.name ?? id }
        var changes: [Change] = []
        for user in lastChange.keys.sorted() {
            let before = Set(start.entitledTargets(ofUser: user)), after = Set(state.entitledTargets(ofUser: user))
            for (target, seq) in (lastChange[user] ?? [:]).sorted(by: { $0.key < $1.key }) where before.contains(target) != after.contains(target) {
                changes.append(Change(kind: after.contains(target) ? .entitlementGained : .entitlementLost, user: user, accountId: target.accountId,
                                      permissionSet: psName(target.permissionSetId), because: try chain(seq), seq: seq))
            }
        }
        for user in statusChange.keys.sorted() {
            let a = start.identityCenter.users[user]?.status.rawValue ?? "absent", b = state.identityCenter.users[user]?.status.rawValue ?? "absent"
            guard a != b, let seq = statusChange[user] else { continue }
            changes.append(Change(kind: .statusChanged, user: user, detail: "\(a) -> \(b)", because: try chain(seq), seq: seq))
        }
        for id in sessionEvents.keys.sorted() {
            let was = start.portalSessions[id], now = state.portalSessions[id]
            guard (was == nil) != (now == nil), let seq = sessionEvents[id], let s = now ?? was else { continue }
            changes.append(Change(kind: now != nil ? .sessionStarted : .sessionEnded, user: s.userId, detail: id, because: try chain(seq), seq: seq))
        }
        for id in credentialEvents.keys.sorted() {
            let was = start.credentials[id], now = state.credentials[id]
            if was == nil, now == nil, let (issueSeq, p) = issuedInside[id], let endSeq = credentialEvents[id] {
                let works = state.workingEnd(userId: p.userId, target: AccountPermissionSet(p.accountId, p.permissionSetId), issuedAt: p.issuedAt, expiresAt: p.expiresAt)
                let cut = works < p.expiresAt ? ", cut by a deny at \(works)" : ""
                changes.append(Change(kind: .credentialsIssuedAndEnded, user: p.userId, accountId: p.accountId, permissionSet: psName(p.permissionSetId),
                                      detail: "\(id) issued \(p.issuedAt) until \(p.expiresAt)\(cut), expired @\(endSeq)", because: try chain(issueSeq), seq: issueSeq))
                continue
            }
            guard (was == nil) != (now == nil), let seq = credentialEvents[id], let c = now ?? was else { continue }
            changes.append(Change(kind: now != nil ? .credentialsIssued : .credentialsEnded, user: c.userId, accountId: c.target.accountId,
                                  permissionSet: psName(c.target.permissionSetId), detail: "\(id) until \(c.expiresAt)", because: try chain(seq), seq: seq))
        }
        for d in denies {
            changes.append(Change(kind: d.kind, user: d.deny.userId, detail: "identitystore:UserId deny on \(d.deny.scope.rawValue) \(d.deny.targetId)",
                                  because: try chain(d.seq), seq: d.seq))
        }
        changes.sort { ($0.seq, $0.user, $0.kind.rawValue, $0.accountId ?? "") < ($1.seq, $1.user, $1.kind.rawValue, $1.accountId ?? "") }
        return AccessDiff(fromSeq: fromSeq, toSeq: toSeq, changes: changes)
    }

    /// Users whose entitlements or status an event may change, in a stable order.
    static func affectedUsers(_ event: Event, state: AccessState) -> [String] {
        switch event.body {
        case .createUser(let p): return [p.userId]
        case .patchUser(let p): return [p.userId]
        case .deleteUser(let p): return [p.userId]
        case .patchGroup(let p): return (p.membersAdded + p.membersRemoved).sorted()
        case .deleteGroup(let p): return (state.identityCenter.groups[p.groupId]?.members ?? []).sorted()
        case .createGroup(let p): return p.members.sorted()
        case .accountAssignmentCreated(let p), .accountAssignmentDeleted(let p):
            return p.principalType == .USER ? [p.principalId] : (state.identityCenter.groups[p.principalId]?.members ?? []).sorted()
        default: return []
        }
    }
}
