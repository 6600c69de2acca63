import AccessLabEvents
import AccessLabProjections

/// Measures leaver, mover and joiner latencies from event times alone. It watches each event with the
/// state just before and just after it, so it can fold any log, not only a live simulation.
public struct RevocationMeter: Sendable {
    let rules: AccessRules
    var leavers: [String: LeaverRecord] = [:]
    /// Every move in log order: a person who moves twice has two records, each measured.
    var movers: [MoverRecord] = []
    /// Indices into `movers` of the records still watched, by user (until the user's termination).
    var watchedMoves: [String: [Int]] = [:]
    /// Indices into `movers` by the transfer's seq, until the IdP's removal from the old group names the group.
    var movesAwaitingOldGroup: [UInt64: Int] = [:]
    var joiners: [String: JoinerRecord] = [:]
    /// Identity-store requests Identity Center refused, by operation.
    var failedRequests: [String: Int] = [:]

    public init(rules: AccessRules) { self.rules = rules }

    /// A credential as far as latency is concerned.
    struct Span: Sendable {
        var target: AccountPermissionSet
        var issuedAt: Instant
        var expiresAt: Instant
        var sessionTags: [Tag]
        /// Issued after the HR event (only a persisting leaver, or a mover still working, gets these).
        var afterEvent: Bool
    }

    struct LeaverRecord: Sendable {
        var userId: String
        var terminatedAt: Instant
        var idpAt: Instant?
        var identityCenterCutAt: Instant?
        /// From when the user had no entitlement left (reset if one comes back: a mover's old group goes
        /// a moment before the new one arrives).
        var noEntitlementsAt: Instant?
        var spans: [Span]
        /// What the leaver was entitled to at termination, and when each entitlement went away.
        var entitledAtTermination: [AccountPermissionSet]
        var entitlementEndedAt: [AccountPermissionSet: Instant] = [:]
        /// The user name at termination, for reports that name people as they are known.
        var userName: String? = nil

        /// The credentials a benign leaver kept, or with `includeAfter` everything a persisting one had.
        func spans(includeAfter: Bool) -> [Span] { includeAfter ? spans : spans.filter { !$0.afterEvent } }

        /// When Identity Center stopped the leaver: disabled or deleted them, or the last entitlement went.
        var cutAt: Instant? { [identityCenterCutAt, noEntitlementsAt].compactMap { $0 }.min() }
    }

    struct MoverRecord: Sendable {
        var userId: String
        var movedAt: Instant
        var fromTeam: String
        var toTeam: String
        /// The group the IdP takes the mover out of for this move (the removal the transfer caused); nil until it does.
        var oldGroup: String?
        var before: [AccountPermissionSet]
        var removedAt: [AccountPermissionSet: Instant] = [:]
        /// When Identity Center no longer had the user in the old group.
        var oldGroupLeftAt: Instant?
        /// Set when the person was terminated before the old group went: the leaver figures cover them.
        var terminatedAt: Instant?
        var oldTags: [Tag]
        var spans: [Span]
    }

    struct JoinerRecord: Sendable {
        var userId: String
        var team: String?
        var hiredAt: Instant
        var firstAccess: [String: Instant] = [:]
    }

    mutating func willApply(_ event: Event, state: AccessState) {
        let t = event.time
        switch event.body {
        case .hrTermination(let p):
            for i in watchedMoves.removeValue(forKey: p.employeeId) ?? [] where movers[i].oldGroupLeftAt == nil {
                movers[i].terminatedAt = t
            }
            leavers[p.employeeId] = LeaverRecord(userId: p.employeeId, terminatedAt: t, spans: liveSpans(state, p.employeeId, at: t),
                                                 entitledAtTermination: state.entitledTargets(ofUser: p.employeeId),
                                                 userName: (state.identityCenter.users[p.employeeId] ?? state.idp.users[p.employeeId])?.attributes.userName)
        case .hrTransfer(let p):
            // A move whose old group has gone is settled; what this move takes away is not charged to it.
            watchedMoves[p.employeeId] = watchedMoves[p.employeeId]?.filter { movers[$0].oldGroupLeftAt == nil }
            watchedMoves[p.employeeId, default: []].append(movers.count)
            // A transfer that names no old team has no old group to wait for.
            if p.fromTeam != nil { movesAwaitingOldGroup[event.seq] = movers.count }
            movers.append(MoverRecord(
                userId: p.employeeId, movedAt: t, fromTeam: p.fromTeam ?? "", toTeam: p.toTeam ?? "", oldGroup: nil,
                before: state.entitledTargets(ofUser: p.employeeId), oldGroupLeftAt: p.fromTeam == nil ? t : nil, oldTags: state.principalTags(ofUser: p.employeeId),
                spans: liveSpans(state, p.employeeId, at: t)))
        case .hrHire(let p):
            joiners[p.employeeId] = JoinerRecord(userId: p.employeeId, team: p.attributes.team, hiredAt: t)
        default:
            break
        }
    }

    private func liveSpans(_ state: AccessState, _ userId: String, at t: Instant) -> [Span] {
        state.credentials(ofUser: userId).filter { $0.expiresAt > t }.map {
            Span(target: $0.target, issuedAt: $0.issuedAt, expiresAt: $0.expiresAt, sessionTags: $0.sessionTags, afterEvent: false)
        }
    }

    mutating func didApply(_ event: Event, state: AccessState) {
        let t = event.time
        switch event.body {
        case .roleCredentialsIssued(let p):
            let moves = watchedMoves[p.userId] ?? []
            guard leavers[p.userId] != nil || !moves.isEmpty else { break }
            let span = Span(target: AccountPermissionSet(p.accountId, p.permissionSetId), issuedAt: p.issuedAt, expiresAt: p.expiresAt,
                            sessionTags: p.sessionTags, afterEvent: true)
            leavers[p.userId]?.spans.append(span)
            for i in moves { movers[i].spans.append(span) }
        case .idPDirectoryChange(let p) where p.change == .userDeactivated:
            if leavers[p.userId]?.idpAt == nil { leavers[p.userId]?.idpAt = t }
        case .idPDirectoryChange(let p) where p.change == .groupMemberRemoved:
            if let cause = event.cause, let i = movesAwaitingOldGroup.removeValue(forKey: cause) { movers[i].oldGroup = p.groupId }
        case .identityStoreRequestFailed(let p):
            failedRequests[p.operation, default: 0] += 1
        case .createUser(let p): observe(p.userId, state, t)
        case .patchUser(let p): observe(p.userId, state, t)
        case .deleteUser(let p): observe(p.userId, state, t)
        case .patchGroup(let p):
            for u in p.membersAdded + p.membersRemoved { observe(u, state, t) }
        case .accountAssignmentCreated(let p), .accountAssignmentDeleted(let p):
            if p.principalType == .USER {
                observe(p.principalId, state, t)
            } else {
                let members = state.identityCenter.groups[p.principalId]?.members ?? []
                // Only the watched members, in id order: sorting a whole group (every team member, at every
                // assignment of the team's group) was most of the meter's cost at setup.
                for u in members.filter({ joiners[$0] != nil || leavers[$0] != nil || watchedMoves[$0] != nil }).sorted() { observe(u, state, t) }
            }
        default:
            break
        }
    }

    /// Records the first moments at which a watched user's access changed in Identity Center.
    private mutating func observe(_ userId: String, _ state: AccessState, _ t: Instant) {
        let user = state.identityCenter.users[userId]
        if var leaver = leavers[userId] {
            if leaver.identityCenterCutAt == nil, let u = user, u.status != .active { leaver.identityCenterCutAt = t }
            if state.entitledTargets(ofUser: userId).isEmpty {
                if leaver.noEntitlementsAt == nil { leaver.noEntitlementsAt = t }
            } else {
                leaver.noEntitlementsAt = nil
            }
            for target in leaver.entitledAtTermination where leaver.entitlementEndedAt[target] == nil && !state.isEntitled(userId, to: target) {
                leaver.entitlementEndedAt[target] = t
            }
            leavers[userId] = leaver
        }
        if let open = watchedMoves[userId] {
            for i in open {
                for target in movers[i].before {
                    let entitled = state.isEntitled(userId, to: target)
                    if !entitled, movers[i].removedAt[target] == nil { movers[i].removedAt[target] = t }
                    // Back through another route (the new team's group arriving after the old one left): not lost.
                    if entitled { movers[i].removedAt[target] = nil }
                }
                if movers[i].oldGroupLeftAt == nil, let group = movers[i].oldGroup, user?.groups.contains(group) != true { movers[i].oldGroupLeftAt = t }
            }
            // An earlier move whose old group has gone is settled once a later move exists.
            if let latest = open.last { watchedMoves[userId] = open.filter { $0 == latest || movers[$0].oldGroupLeftAt == nil } }
        }
        if var joiner = joiners[userId], user?.status == .active {
            for target in state.entitledTargets(ofUser: userId) where joiner.firstAccess[target.accountId] == nil {
                joiner.firstAccess[target.accountId] = t
            }
            joiners[userId] = joiner
        }
    }

    /// When a span stops working: its expiry, or earlier when a deny on the user took effect for it.
    /// Nil when the deny was already in force at issue: such credentials never worked.
    static func end(of span: Span, userId: String, state: AccessState) -> Instant? {
        guard let deny = state.denyEffectiveAt(userId: userId, target: span.target) else { return span.expiresAt }
        return deny > span.issuedAt ? min(span.expiresAt, deny) : nil
    }
}
