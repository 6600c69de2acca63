import AccessLabEvents
import AccessLabProjections

/// One change in the IdP's directory on its way to Identity Center.
struct IdPChange {
    var change: IdPDirectoryChange.Change
    var userId: String
    var groupId: String? = nil
    var attributes: UserAttributes? = nil
    var cause: UInt64? = nil
    /// How many times Identity Center refused this change (bounded by `Simulation.maxRequestAttempts`).
    var attempts = 0
    /// Sent by an admin's push of a failed group: goes through even if the same push fails for another member.
    var adminPush = false

    var isGroupChange: Bool { change == .groupMemberAdded || change == .groupMemberRemoved }
}

/// What an Okta-like push IdP keeps between pushes: a person's other changes wait for their creation to
/// be pushed (Okta provisions the user to the app first; Group Push requires members provisioned before
/// their group is pushed), and a group whose push failed holds its changes until an admin pushes it
/// again (the push mapping's error state).
struct GroupPush {
    var awaitingCreation = Set<String>()
    var heldUntilCreated: [String: [IdPChange]] = [:]
    var failedGroups = Set<String>()
    var heldForGroup: [String: [IdPChange]] = [:]
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
            let isGroup = change.isGroupChange
            if change.change == .userDeactivated, let after = idp.deleteAfter {
                try schedule(.idpReceive([IdPChange(change: .userDeleted, userId: change.userId)]), after: after)
            }
            if isGroup && !idp.syncsGroups {
                try schedule(.adminApply(change), after: sample(idp.manualDelay, actor: Self.adminActor))
                continue
            }
            switch idp.model {
            case .push:
                if change.change == .userCreated { groupPush.awaitingCreation.insert(change.userId) }
                if change.change != .userCreated, groupPush.awaitingCreation.contains(change.userId) {
                    groupPush.heldUntilCreated[change.userId, default: []].append(change)
                } else {
                    let latency = isGroup ? idp.groupPushLatency ?? idp.pushLatency : idp.pushLatency
                    try schedule(.idpSend(change), after: sample(latency, actor: Self.idpActor))
                }
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
        if change.change == .userCreated, groupPush.awaitingCreation.remove(change.userId) != nil {
            scim.queue.append(contentsOf: groupPush.heldUntilCreated.removeValue(forKey: change.userId) ?? [])
        }
        try pumpScim()
    }

    /// An admin pushes a failed group again: its held changes go out in order.
    func groupRePush(_ groupId: String) throws {
        groupPush.failedGroups.remove(groupId)
        for var change in groupPush.heldForGroup.removeValue(forKey: groupId) ?? [] {
            change.adminPush = true
            scim.queue.append(change)
        }
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
            guard state.identityCenter.users[userId] != nil else { try refused(change, operation: "PatchUser", actor: actor); return }
            let enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:"
            body = .patchUser(PatchUser(userId: userId, operations: [
                PatchOperation(op: .replace, path: enterprise + "department", value: a.department),
                PatchOperation(op: .replace, path: enterprise + "division", value: a.team),
            ]))
        case .userDeactivated:
            guard state.identityCenter.users[userId] != nil else { try refused(change, operation: "PatchUser", actor: actor); return }
            body = .patchUser(PatchUser(userId: userId, operations: [PatchOperation(op: .replace, path: "active", value: "false")]))
        case .userDeleted:
            guard state.identityCenter.users[userId] != nil else { try refused(change, operation: "DeleteUser", actor: actor); return }
            try leaverBeforeCut(userId)
            body = .deleteUser(DeleteUser(userId: userId))
        case .groupMemberAdded:
            guard let g = change.groupId else { return }
            if holdForFailedGroup(change, g, actor: actor) { return }
            guard let user = state.identityCenter.users[userId], user.status != .deleted else {
                try refused(change, operation: actor == .admin ? "CreateGroupMembership" : "PatchGroup", actor: actor)
                return
            }
            body = .patchGroup(PatchGroup(groupId: g, membersAdded: [userId]))
        case .groupMemberRemoved:
            guard let g = change.groupId else { return }
            if holdForFailedGroup(change, g, actor: actor) { return }
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

extension Simulation {
    static let maxRequestAttempts = 10

    /// While a pushed group is in error, its later changes wait for the admin's push (in order).
    private func holdForFailedGroup(_ change: IdPChange, _ groupId: String, actor: Actor) -> Bool {
        guard actor == .scim, scenario.idp.model == .push, !change.adminPush, groupPush.failedGroups.contains(groupId) else { return false }
        groupPush.heldForGroup[groupId, default: []].append(change)
        return true
    }

    /// Identity Center refuses a change for a user it does not hold. The refusal is an event; the sender
    /// tries again as its IdP does: an admin after a while, an Okta group after an admin's push (a user
    /// task after an admin's retry), an Entra-like job at its next cycle. Bounded: after
    /// `maxRequestAttempts` the change stays refused.
    private func refused(_ change: IdPChange, operation: String, actor: Actor) throws {
        let failure = emit(actor, .identityStoreRequestFailed(IdentityStoreRequestFailed(
            operation: operation, userId: change.userId, groupId: change.groupId,
            error: "ResourceNotFoundException", message: "no user \(change.userId) in the identity store")), cause: change.cause)
        var retry = change
        retry.cause = failure
        retry.attempts += 1
        retry.adminPush = false
        guard retry.attempts < Self.maxRequestAttempts else { return }
        let idp = scenario.idp
        if actor == .admin {
            try schedule(.adminApply(retry), after: sample(idp.manualDelay, actor: Self.adminActor))
            return
        }
        switch idp.model {
        case .push:
            guard let groupId = change.groupId else {
                try schedule(.idpSend(retry), after: sample(idp.pushRetry, actor: Self.adminActor))
                return
            }
            groupPush.heldForGroup[groupId, default: []].append(retry)
            if groupPush.failedGroups.insert(groupId).inserted {
                try schedule(.groupRePush(groupId), after: sample(idp.pushRetry, actor: Self.adminActor))
            }
        case .cycle, .scheduled, .hours:
            idpPending.append(retry)
        case .manual:
            try schedule(.adminApply(retry), after: sample(idp.manualDelay, actor: Self.adminActor))
        }
    }
}
