import AccessLabEvents
import AccessLabLog
import AccessLabProjections

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
        try advance(to: scenario.start)
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

    /// Appends what was emitted since the last commit, in one transaction.
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
        let id = "s\(counters.session)"
        return .success(state.portalSessions[id]!)
    }

    /// GetRoleCredentials for a user: the credentials issued, or the refusal (logged either way).
    public func serveRoleCredentials(userId: String, target: AccountPermissionSet) throws -> Result<RoleCredential, AccessRules.Refusal> {
        let at = now
        let refusal: AccessRules.Refusal?
        switch rules.getRoleCredentials(state, userId: userId, target: target, at: at) {
        case .failure(let r): refusal = r
        case .success: refusal = nil
        }
        guard try mintCredentials(userId, target) != nil else { return .failure(refusal ?? .notEntitled) }
        return .success(state.credentials["c\(counters.credential)"]!)
    }

    /// The portal's Logout: the session ends now.
    public func serveLogout(sessionId: String) {
        guard let session = state.portalSessions[sessionId] else { return }
        emit(.user, .portalSessionEnded(PortalSessionEnded(userId: session.userId, sessionId: sessionId, reason: .signedOut)))
    }
}
