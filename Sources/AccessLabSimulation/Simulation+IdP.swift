import AccessLabEvents
import AccessLabProjections

/// One change in the IdP's directory on its way to Identity Center.
struct IdPChange {
    var change: IdPDirectoryChange.Change
    var userId: String
    var groupId: String? = nil
    var attributes: UserAttributes? = nil
    var cause: UInt64? = nil
}

/// Identity Center's SCIM endpoint as a client sees it: requests leave in order; over the rate the
/// endpoint answers 429 and the client backs off exponentially and retries.
struct ScimClient {
    var queue: [IdPChange] = []
    var head = 0
    var bucket: TokenBucket
    var attempt = 0
    var pumpScheduled = false
    init(requestsPerSecond: Int, start: Instant) { bucket = TokenBucket(perSecond: requestsPerSecond, start: start) }
    var isEmpty: Bool { head >= queue.count }
}

/// A rate limit in integer milliseconds of credit, so that refills are exact and replayable.
struct TokenBucket {
    let cost_ms: Int64
    let capacity_ms: Int64 = 1000
    var credit_ms: Int64 = 1000
    var last: Instant
    init(perSecond: Int, start: Instant) { cost_ms = max(1000 / Int64(max(perSecond, 1)), 1); last = start }

    mutating func take(at t: Instant) -> Bool {
        credit_ms = min(capacity_ms, credit_ms + max(t.ms - last.ms, 0))
        last = t
        guard credit_ms >= cost_ms else { return false }
        credit_ms -= cost_ms
        return true
    }

    /// When the next request will find credit.
    func nextAvailable(after t: Instant) -> Instant { t + Duration_ms(max(cost_ms - credit_ms, 1)) }
}

extension Simulation {
    static let idpActor = "idp"
    static let adminActor = "admin"

    func scheduleIdPStart() throws {
        let idp = scenario.idp
        switch idp.model {
        case .cycle: try schedule(.idpCycle, after: idp.firstCycle)
        case .scheduled: try schedule(.idpCycle, after: idp.scheduledInterval)
        case .hours: try schedule(.idpCycle, after: idp.hoursInterval)
        case .push, .manual: break
        }
    }

    /// The IdP records HR's changes in its directory and routes each by its model.
    func idpReceive(_ changes: [IdPChange]) throws {
        let idp = scenario.idp
        for var change in changes {
            change.cause = emit(.idp, .idPDirectoryChange(IdPDirectoryChange(change: change.change, userId: change.userId,
                                                                             groupId: change.groupId, attributes: change.attributes)),
                                cause: change.cause)
            let isGroup = change.change == .groupMemberAdded || change.change == .groupMemberRemoved
            if change.change == .userDeactivated, let after = idp.deleteAfter {
                try schedule(.idpReceive([IdPChange(change: .userDeleted, userId: change.userId)]), after: after)
            }
            if isGroup && !idp.syncsGroups {
                try schedule(.adminApply(change), after: sample(idp.manualDelay, actor: Self.adminActor))
                continue
            }
            switch idp.model {
            case .push:
                try schedule(.idpSend(change), after: sample(idp.pushLatency, actor: Self.idpActor))
            case .manual:
                try schedule(.adminApply(change), after: sample(idp.manualDelay, actor: Self.adminActor))
            case .cycle where idp.onDemandGroups && change.change == .groupMemberAdded:
                let at = now + sample(idp.onDemandDelay, actor: Self.idpActor)
                onDemandSends.removeAll { $0 < at - .seconds(10) }
                if onDemandSends.filter({ $0 <= at }).count < idp.onDemandPer10s {
                    onDemandSends.append(at)
                    try schedule(.idpSend(change), at: at)
                } else {
                    idpPending.append(change)
                }
            case .cycle, .scheduled, .hours:
                idpPending.append(change)
            }
        }
    }

    func idpSend(_ change: IdPChange) throws {
        scim.queue.append(change)
        try pumpScim()
    }

    func idpCycle() throws {
        idpCycleNumber += 1
        emit(.idp, .idPSync(IdPSync(phase: .started, cycle: idpCycleNumber, changes: Int64(idpPending.count))))
        idpCycleOpen = idpCycleNumber
        scim.queue.append(contentsOf: idpPending)
        idpPending.removeAll()
        try pumpScim()
        let idp = scenario.idp
        var next: Duration_ms
        switch idp.model {
        case .cycle:
            let j = idp.cycleJitter.ms
            next = idp.cycleInterval + Duration_ms(j > 0 ? withRNG(Self.idpActor) { Int64($0.int(in: 0...Int(2 * j))) } - j : 0)
            if idp.quarantine.contains(where: { $0.contains(now) }) { next = .days(1) }
        case .scheduled: next = idp.scheduledInterval
        default: next = idp.hoursInterval
        }
        if now + next < scenario.end { try schedule(.idpCycle, after: max(next, .seconds(1))) }
    }

    /// Sends queued SCIM requests while the rate allows; on a 429, backs off and retries.
    func pumpScim() throws {
        scim.pumpScheduled = false
        while !scim.isEmpty {
            guard scim.bucket.take(at: now) else {
                counters.scimThrottled += 1
                let backoff = min(Duration_ms(scenario.idp.scimRetryBase.ms << min(scim.attempt, 20)), scenario.idp.scimRetryMax)
                scim.attempt += 1
                scim.pumpScheduled = true
                try schedule(.scimPump, after: backoff)
                return
            }
            scim.attempt = 0
            let change = scim.queue[scim.head]
            scim.head += 1
            try applyToIdentityCenter(change, actor: .scim)
        }
        scim.queue.removeAll(keepingCapacity: true)
        scim.head = 0
        if let cycle = idpCycleOpen {
            emit(.idp, .idPSync(IdPSync(phase: .finished, cycle: cycle)))
            idpCycleOpen = nil
        }
    }

    /// An admin makes the change in Identity Center directly (identitystore API).
    func adminApply(_ change: IdPChange) throws { try applyToIdentityCenter(change, actor: .admin) }

    /// Turns a directory change into the SCIM (or identitystore) request Identity Center receives.
    func applyToIdentityCenter(_ change: IdPChange, actor: Actor) throws {
        let userId = change.userId
        let body: EventBody
        switch change.change {
        case .userCreated:
            guard let a = change.attributes else { return }
            body = .createUser(CreateUser(userId: userId, attributes: a))
        case .userUpdated:
            guard let a = change.attributes else { return }
            let enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:"
            body = .patchUser(PatchUser(userId: userId, operations: [
                PatchOperation(op: .replace, path: enterprise + "department", value: a.department),
                PatchOperation(op: .replace, path: enterprise + "division", value: a.team),
            ]))
        case .userDeactivated:
            body = .patchUser(PatchUser(userId: userId, operations: [PatchOperation(op: .replace, path: "active", value: "false")]))
        case .userDeleted:
            try leaverBeforeCut(userId)
            body = .deleteUser(DeleteUser(userId: userId))
        case .groupMemberAdded:
            guard let g = change.groupId else { return }
            body = .patchGroup(PatchGroup(groupId: g, membersAdded: [userId]))
        case .groupMemberRemoved:
            guard let g = change.groupId else { return }
            try leaverBeforeCut(userId)
            body = .patchGroup(PatchGroup(groupId: g, membersRemoved: [userId]))
        }
        emit(actor, body, cause: change.cause)
        if change.change == .userCreated, scenario.assignmentMode == .direct, let team = people[userId]?.team {
            requestDirectAssignments(for: userId, team: team, kind: .create)
            try dispatchControlPlane()
        }
        try leaverAfterChange(userId)
    }
}
