import AccessLabEvents

/// A stretch of time during which something held for a user: `from <= t < to`, opened by an event and
/// closed by an event or by time passing (a credential's expiry, the end of the sign-in cache).
public struct AccessInterval: Codable, Equatable, Sendable {
    public var from: Instant
    public var fromSeq: UInt64
    public var fromEvent: String
    /// The first instant it no longer held; nil while it still held with no end in sight.
    public var to: Instant?
    /// The event that closed it; nil when time passing did.
    public var toSeq: UInt64?
    public var toEvent: String?
    /// Why it ended, when there is more to say than the event's name.
    public var toReason: String?
}

/// One user's access through a log: when they could sign in, and per (account, permission set) when
/// they were entitled and when they could act, all by `EffectiveAccess`.
public struct AccessHistory: Equatable, Sendable {
    public var userId: String
    public var signIn: [AccessInterval]
    public var entitlement: [AccountPermissionSet: [AccessInterval]]
    public var canAct: [AccountPermissionSet: [AccessInterval]]

    /// The first instant the user could no longer sign in, for good: the end of the last sign-in
    /// interval. Nil when they could still sign in at the log's end, or never could.
    public var signInLostAt: Instant? { signIn.last?.to }

    /// The first instant the user could act on no target any more. Past the log's last event when a
    /// credential or the sign-in cache outlives it. Nil when they never could act, or still could with
    /// no end in sight.
    public var canActUntil: Instant? {
        var until: Instant?
        for intervals in canAct.values {
            for interval in intervals {
                guard let to = interval.to else { return nil }
                until = max(until ?? to, to)
            }
        }
        return until
    }

    /// The last instant the user could act: one millisecond before `canActUntil`.
    public var lastCanActAt: Instant? { canActUntil.map { $0 - Duration_ms(1) } }
}

/// Follows one user through a log, deciding `EffectiveAccess` after every event that concerns them and
/// at the instants in between where time passing changes it, so intervals end exactly where `access
/// --at` changes its answer. Call `willApply` before folding an event into the state and `didApply` after.
public struct AccessTracker: Sendable {
    public let userId: String
    let rules: AccessRules
    var signIn = Lane()
    var entitlement: [AccountPermissionSet: Lane] = [:]
    var canAct: [AccountPermissionSet: Lane] = [:]
    /// Instants ahead at which time passing may change the answer, ascending.
    var pending: [Instant] = []

    public init(userId: String, rules: AccessRules) {
        self.userId = userId
        self.rules = rules
    }

    /// Accounts for the time passed since the previous event, with the state as it stood.
    public mutating func willApply(_ event: Event, to state: AccessState) {
        var next = 0
        while next < pending.count, pending[next] <= event.time {
            settle(state, at: pending[next])
            next += 1
        }
        if next > 0 { pending.removeFirst(next) }
    }

    /// Decides again when the event concerns the user.
    public mutating func didApply(_ event: Event, to state: AccessState) {
        guard concerns(event, state) else { return }
        let t = event.time
        let cause = Cause(seq: event.seq, event: event.type.name)
        signIn.set(rules.signInRefusal(state, userId: userId) == nil, at: t, cause)
        var targets = Set(state.entitledTargets(ofUser: userId))
        for c in state.credentials(ofUser: userId) { targets.insert(c.target) }
        for (target, lane) in entitlement where lane.open != nil { targets.insert(target) }
        for (target, lane) in canAct where lane.open != nil { targets.insert(target) }
        let ordered = targets.sorted()
        for (target, access) in zip(ordered, rules.effectiveAccess(state, userId: userId, targets: ordered, at: t)) {
            entitlement[target, default: Lane()].set(access.entitled, at: t, cause)
            canAct[target, default: Lane()].set(access.canAct, at: t, Cause(seq: event.seq, event: event.type.name, reason: access.cannotActReason))
        }
        pending = rules.accessChangeInstants(state, userId: userId, after: t)
    }

    /// The history so far, with the changes time passing brings after the last event (no more events
    /// are known, so those are the log's prediction, as `access --at` gives past its end).
    public func history(_ state: AccessState) -> AccessHistory {
        var tracker = self
        for t in pending { tracker.settle(state, at: t) }
        return AccessHistory(userId: userId, signIn: tracker.signIn.intervals,
                             entitlement: tracker.entitlement.compactMapValues { $0.intervals.isEmpty ? nil : $0.intervals },
                             canAct: tracker.canAct.compactMapValues { $0.intervals.isEmpty ? nil : $0.intervals })
    }

    /// Folds events in log order from an empty state, following `userId`: for a log reader,
    /// `{ body in try reader.forEachEvent(in: 1...reader.head.lastSeq, body) }`.
    public static func history(ofUser userId: String, rules: AccessRules,
                               events: (_ body: (Event) -> Bool) throws -> Void) rethrows -> AccessHistory {
        var tracker = AccessTracker(userId: userId, rules: rules)
        var state = AccessState()
        try events { event in
            tracker.willApply(event, to: state)
            state.apply(event)
            tracker.didApply(event, to: state)
            return true
        }
        return tracker.history(state)
    }

    /// Time passing only takes access away (credentials, sessions and the sign-in cache run out), so
    /// only open "can act" intervals need deciding again.
    mutating func settle(_ state: AccessState, at t: Instant) {
        let open = canAct.filter { $0.value.open != nil }.keys.sorted()
        guard !open.isEmpty else { return }
        for (target, access) in zip(open, rules.effectiveAccess(state, userId: userId, targets: open, at: t)) {
            canAct[target, default: Lane()].set(access.canAct, at: t, Cause(seq: nil, event: nil, reason: access.cannotActReason))
        }
    }

    /// Whether the event may change the user's access (checked after it is applied).
    func concerns(_ event: Event, _ state: AccessState) -> Bool {
        switch event.body {
        case .createUser(let p): return p.userId == userId
        case .patchUser(let p): return p.userId == userId
        case .deleteUser(let p): return p.userId == userId
        case .createGroup(let p): return p.members.contains(userId)
        case .patchGroup(let p): return p.membersAdded.contains(userId) || p.membersRemoved.contains(userId)
        case .deleteGroup, .moveAccount: return true
        case .accountAssignmentCreated(let p), .accountAssignmentDeleted(let p):
            return p.principalType == .USER ? p.principalId == userId
                : state.identityCenter.users[userId]?.groups.contains(p.principalId) == true
        case .deleteUserPortalSessions(let p): return p.userId == userId
        case .portalSignIn(let p): return p.userId == userId
        case .portalSessionEnded(let p): return p.userId == userId
        case .roleCredentialsIssued(let p): return p.userId == userId
        case .roleCredentialsExpired(let p): return p.userId == userId
        case .denyUser(let p): return p.userId == userId
        case .denyUserEffective(let p): return p.userId == userId
        default: return false
        }
    }

    struct Cause: Sendable {
        var seq: UInt64?
        var event: String?
        var reason: String?
    }

    /// One thing that holds or not over time: the interval open now and those closed.
    struct Lane: Sendable {
        var open: AccessInterval?
        var closed: [AccessInterval] = []

        var intervals: [AccessInterval] { closed + (open.map { [$0] } ?? []) }

        mutating func set(_ holds: Bool, at t: Instant, _ cause: Cause) {
            if holds, open == nil {
                // Closed and opened again at the same instant (events at one time): it never stopped.
                if var last = closed.last, last.to == t {
                    closed.removeLast()
                    last.to = nil; last.toSeq = nil; last.toEvent = nil; last.toReason = nil
                    open = last
                } else {
                    open = AccessInterval(from: t, fromSeq: cause.seq ?? 0, fromEvent: cause.event ?? cause.reason ?? "time")
                }
            } else if !holds, var interval = open {
                open = nil
                // Opened and closed at one instant: it never held.
                guard interval.from < t else { return }
                interval.to = t; interval.toSeq = cause.seq; interval.toEvent = cause.event; interval.toReason = cause.reason
                closed.append(interval)
            }
        }
    }
}
