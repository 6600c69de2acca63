import AccessLabEvents
import AccessLabProjections

/// State checkers that run beside the simulation, in the manner of TigerBeetle's: each event is checked
/// against the state just before it. Violations are collected (bounded), never trapped on.
public struct InvariantChecker: Sendable {
    public private(set) var violations: [String] = []
    public private(set) var checked: UInt64 = 0
    var lastTime: Instant?
    static let maxViolations = 100

    public init() {}

    public mutating func check(_ event: Event, before state: AccessState, rules: AccessRules,
                               permissionSets: [String: PermissionSetSpec] = [:]) {
        checked += 1
        if let last = lastTime, event.time < last { record(event, "log time went backwards from \(last)") }
        lastTime = event.time
        switch event.body {
        case .roleCredentialsIssued(let p):
            if let user = state.identityCenter.users[p.userId], user.status != .active, event.time > user.statusSince + rules.signinCache {
                record(event, "credentials issued to \(p.userId), \(user.status.rawValue) since \(user.statusSince), after the sign-in cache")
            }
            if let ps = state.permissionSets[p.permissionSetId], p.expiresAt > p.issuedAt + ps.sessionDuration {
                record(event, "credentials expire at \(p.expiresAt), beyond issue + session duration \(ps.sessionDuration)")
            }
            if !state.isEntitled(p.userId, to: AccountPermissionSet(p.accountId, p.permissionSetId)) {
                record(event, "credentials issued to \(p.userId) without an entitlement in \(p.accountId)")
            }
        case .accountAssignmentDeleted(let p):
            let target = AccountPermissionSet(p.accountId, p.permissionSetId)
            let remaining = state.assignments.keys.filter { $0.target == target }.count - 1
            if p.roleChanged != (remaining == 0) {
                record(event, "role for \(p.permissionSetId) in \(p.accountId): roleChanged=\(p.roleChanged) but \(remaining) assignments remain")
            }
        default:
            break
        }
    }

    /// Checks that holds on a whole state: no role without an assignment behind it.
    public mutating func checkRoles(_ state: AccessState) {
        var assigned = Set<AccountPermissionSet>()
        for (key, status) in state.assignments { if case .provisioned = status { assigned.insert(key.target) } }
        for target in state.roles.keys.sorted() where !assigned.contains(target) {
            violations.append("role \(state.roles[target]?.roleName ?? "") in \(target.accountId) has no assignment")
        }
    }

    private mutating func record(_ event: Event, _ what: String) {
        guard violations.count < Self.maxViolations else { return }
        violations.append("seq \(event.seq) (\(event.type.name)): \(what)")
    }
}
