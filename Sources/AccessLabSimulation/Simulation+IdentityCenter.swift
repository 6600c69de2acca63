import AccessLabEvents
import AccessLabProjections
import DequeModule

/// An assignment request waiting for, or held by, Identity Center's control plane.
struct AssignmentJob {
    enum Kind { case create, delete }
    var kind: Kind
    var target: AccountPermissionSet
    var principal: Principal
    var requestId: String
}

/// Identity Center's documented limits on assignment changes: at most N outstanding asynchronous
/// requests, a shared TPS budget, and one role update per account at a time.
struct ControlPlane {
    /// Oldest first. Dispatch takes from the front, skipping few (only jobs whose account is busy), so
    /// removal is cheap in a deque; an array shifted the whole queue per job (a 10,000-account setup
    /// queues tens of thousands).
    var queue: Deque<AssignmentJob> = []
    var outstanding = 0
    var busyAccounts = Set<String>()
    var bucket: TokenBucket
    var dispatchScheduled = false
    init(tps: Int, start: Instant) { bucket = TokenBucket(perSecond: tps, start: start) }
}

extension Simulation {
    static let identityCenterActor = "identity-center"

    func requestAssignment(_ kind: AssignmentJob.Kind, _ target: AccountPermissionSet, _ principal: Principal) {
        counters.request += 1
        controlPlane.queue.append(AssignmentJob(kind: kind, target: target, principal: principal, requestId: "req-\(counters.request)"))
    }

    /// Starts queued requests, oldest first, as far as the limits allow.
    func dispatchControlPlane() throws {
        controlPlane.dispatchScheduled = false
        var i = 0
        let limit = scenario.identityCenter.maxOutstandingAssignments
        while i < controlPlane.queue.count, controlPlane.outstanding < limit {
            let job = controlPlane.queue[i]
            if controlPlane.busyAccounts.contains(job.target.accountId) { i += 1; continue }
            guard controlPlane.bucket.take(at: now) else {
                if !controlPlane.dispatchScheduled {
                    controlPlane.dispatchScheduled = true
                    try schedule(.controlPlaneDispatch, at: controlPlane.bucket.nextAvailable(after: now))
                }
                return
            }
            controlPlane.queue.remove(at: i)
            controlPlane.outstanding += 1
            controlPlane.busyAccounts.insert(job.target.accountId)
            let request = AccountAssignmentRequest(requestId: job.requestId, accountId: job.target.accountId,
                                                   permissionSetId: job.target.permissionSetId,
                                                   principalType: job.principal.type, principalId: job.principal.id)
            emit(.admin, job.kind == .create ? .createAccountAssignment(request) : .deleteAccountAssignment(request))
            try schedule(.assignmentDone(job), after: sample(scenario.identityCenter.assignmentDelay, actor: Self.identityCenterActor))
        }
    }

    /// The asynchronous request completes: the role is created (or reused) or deleted with its last assignment.
    func finishAssignment(_ job: AssignmentJob) throws {
        controlPlane.outstanding -= 1
        controlPlane.busyAccounts.remove(job.target.accountId)
        let role = state.roles[job.target]
        switch job.kind {
        case .create:
            let name = role?.roleName ?? ReservedRoleName.make(
                permissionSetName: permissionSetById[job.target.permissionSetId]?.name ?? job.target.permissionSetId,
                permissionSetId: job.target.permissionSetId, accountId: job.target.accountId,
                generation: state.roleGenerations[job.target, default: 0] + 1)
            emit(.system, .accountAssignmentCreated(result(job, roleName: name, roleChanged: role == nil)))
        case .delete:
            if job.principal.type == .USER { try leaverBeforeCut(job.principal.id) }
            emit(.system, .accountAssignmentDeleted(result(job, roleName: role?.roleName, roleChanged: role?.assignmentCount == 1)))
            if job.principal.type == .USER { try leaverAfterChange(job.principal.id) }
        }
        try dispatchControlPlane()
    }

    private func result(_ job: AssignmentJob, roleName: String?, roleChanged: Bool) -> AccountAssignmentResult {
        AccountAssignmentResult(requestId: job.requestId, accountId: job.target.accountId, permissionSetId: job.target.permissionSetId,
                                principalType: job.principal.type, principalId: job.principal.id,
                                roleName: roleName, roleChanged: roleChanged)
    }

    func emitDenyEffective(_ userId: String, _ scope: DenyScope, _ target: String) {
        emit(.system, .denyUserEffective(UserDenyPolicy(userId: userId, scope: scope, targetId: target)))
    }
}
