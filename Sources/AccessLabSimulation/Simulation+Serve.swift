import AccessLabEvents
import AccessLabLog
import AccessLabProjections
import Foundation

final class ErrorBox: @unchecked Sendable { var error: (any Error)? }

/// The simulation driven from outside (`serve`): the organisation is built at the scenario's start, then
/// requests act at the current virtual time and the clock moves only when told to. Everything a request
/// does is an event folded exactly as a run folds it, so every query and the checker work on a served log.
extension Simulation {
    /// Writes the log's metadata and builds the scenario's organisation at its start. Actors (HR, the IdP,
    /// users signing in on their own) run only when `actors` is true.
    public func startServing(actors: Bool) throws {
        actorsEnabled = actors
        let context = MeasurementContext(scenario: scenario, end: scenario.end)
        try log.setMetadata(LogMetadata(scenario: scenario.name, seed: scenario.seed,
                                        parameters: context.parameters.merging(rules.parameters) { a, _ in a }.merging(runParameters) { a, _ in a }))
        try scheduler.schedule(.setup, at: scenario.start)
        // Group commit: requests' events go to the log on the writer thread, many requests to a transaction.
        writer = LogWriter(log: log, limit: 1 << 16, merging: true)
        try advance(to: scenario.start)
        try waitWritten(through: state.seq)
    }

    /// Writes what is left and stops the writer thread; the log then holds every event.
    public func stopServing() throws {
        try flush()
        if let w = writer { writer = nil; try w.finish() }
    }

    /// Calls `resume` once the log holds every event through `seq`, or with the error that stopped the writer.
    public func whenWritten(through seq: UInt64, _ resume: @escaping @Sendable ((any Error)?) -> Void) {
        durability.whenWritten(through: seq, resume)
    }

    /// A handle other threads may wait on for the log to hold an event.
    public var durability: Durability { Durability(writer: writer) }

    /// Waits (blocking) until the log holds every event through `seq`.
    public func waitWritten(through seq: UInt64) throws {
        let done = DispatchSemaphore(value: 0)
        let box = ErrorBox()
        whenWritten(through: seq) { error in box.error = error; done.signal() }
        done.wait()
        if let error = box.error { throw error }
    }

    /// The virtual time requests act at.
    public var clock: Instant { scheduler.now }

    /// Runs everything due up to `time` (assignment completions, expiries, and the actors if on), then
    /// moves the clock there and commits. Never backwards.
    public func advance(to time: Instant) throws {
        while let (_, task) = scheduler.popNext(until: time) {
            try perform(task)
            if pending.count >= batchSize { try flush() }
        }
        scheduler.advance(to: time)
        try commit()
    }

    /// Hands what was emitted since the last commit to the log (serving: to the writer thread; wait with
    /// `whenWritten` for it to be in the log).
    public func commit() throws {
        try flush()
        if let every = scenario.snapshots.everyEvents, state.seq >= lastSnapshotSeq + UInt64(every) { try takeSnapshot() }
    }

    /// Appends an event a client's request caused, at the current virtual time.
    @discardableResult
    public func record(_ body: EventBody, actor: Actor, cause: UInt64? = nil) -> UInt64 { emit(actor, body, cause: cause) }

    /// Assignment requests accepted and not finished (queued or in flight), against Identity Center's limit.
    public var outstandingAssignmentRequests: Int { controlPlane.outstanding + controlPlane.queue.count }

    /// CreateAccountAssignment / DeleteAccountAssignment: queued for the control plane, started now if its
    /// limits allow, finished after the modelled delay. Returns the request id.
    public func requestAssignment(create: Bool, target: AccountPermissionSet, principal: Principal) throws -> String {
        requestAssignment(create ? .create : .delete, target, principal)
        let id = controlPlane.queue.last!.requestId
        try dispatchControlPlane()
        return id
    }

    /// ProvisionPermissionSet: the request now, each account's role updated to the permission set's current
    /// version after the modelled delay. Returns the request id.
    public func provision(permissionSetId: String, accounts: [String]) throws -> String {
        counters.request += 1
        let request = ProvisionPermissionSet(requestId: "req-\(counters.request)", permissionSetId: permissionSetId, targetAccountIds: accounts)
        emit(.admin, .provisionPermissionSet(request))
        try schedule(.provisioningDone(request), after: sample(scenario.identityCenter.assignmentDelay, actor: Self.identityCenterActor))
        return request.requestId
    }

    func finishProvisioning(_ request: ProvisionPermissionSet) {
        let version = state.permissionSets[request.permissionSetId]?.version ?? 0
        for account in request.targetAccountIds {
            emit(.system, .permissionSetProvisioned(PermissionSetProvisioningResult(
                requestId: request.requestId, permissionSetId: request.permissionSetId, accountId: account, permissionSetVersion: version)))
        }
    }

    /// A user approves a sign-in: a portal session, or the refusal Identity Center answers (logged either way).
    public func serveSignIn(userId: String) throws -> Result<PortalSession, AccessRules.Refusal> {
        guard try signIn(userId) else {
            return .failure(rules.signInRefusal(state, userId: userId) ?? .userUnknown)
        }
        return .success(state.portalSessions[counters.sessionId]!)
    }

    /// GetRoleCredentials for a user: the credentials issued, or the refusal (logged either way).
    public func serveRoleCredentials(userId: String, target: AccountPermissionSet) throws -> Result<RoleCredential, AccessRules.Refusal> {
        guard try mintCredentials(userId, target) != nil else {
            // The refusal just logged changed nothing the decision reads: asking again gives its reason.
            if case .failure(let refusal) = rules.getRoleCredentials(state, userId: userId, target: target, at: now) { return .failure(refusal) }
            return .failure(.notEntitled)
        }
        return .success(state.credentials[counters.credentialId]!)
    }

    /// The portal's Logout: the session ends now.
    public func serveLogout(sessionId: String) {
        guard let session = state.portalSessions[sessionId] else { return }
        emit(.user, .portalSessionEnded(PortalSessionEnded(userId: session.userId, sessionId: sessionId, reason: .signedOut)))
    }
}

/// Waiting for the log from any thread (the server answers a write only once its events are in the log).
public struct Durability: Sendable {
    let writer: LogWriter?
    public func whenWritten(through seq: UInt64, _ resume: @escaping @Sendable ((any Error)?) -> Void) {
        guard let writer else { resume(nil); return }
        writer.whenWritten(through: seq, resume)
    }
}
