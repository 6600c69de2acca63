import AccessLabEvents

/// What access is aimed at: a permission set in an account.
struct Target: Hashable, Comparable, Sendable, CustomStringConvertible {
    var account: String
    var permissionSet: String
    static func < (a: Target, b: Target) -> Bool { (a.account, a.permissionSet) < (b.account, b.permissionSet) }
    var description: String { "\(account)/\(permissionSet)" }
}

/// Who an account assignment names.
struct Principal: Hashable, Sendable {
    var isGroup: Bool
    var id: String
}

/// Identity Center's users, groups and provisioned assignments as its own events say, nothing from the IdP.
struct IdentityCenterMirror {
    struct User {
        var active: Bool
        /// When the user last stopped being active; nil if never active since created.
        var stoppedAt_ms: Int64?
    }

    private(set) var users: [String: User] = [:]
    /// A deleted user's last instant of activity (nil if it was never active), for the sign-in cache.
    private var deletedStoppedAt_ms: [String: Int64?] = [:]
    private(set) var members: [String: Set<String>] = [:]
    private var groupsOfUser: [String: Set<String>] = [:]
    private var assignments: [Principal: Set<Target>] = [:]

    // MARK: Changes

    mutating func createUser(_ id: String, active: Bool) {
        deletedStoppedAt_ms[id] = nil
        users[id] = User(active: active, stoppedAt_ms: nil)
    }

    /// Applies the `active` operations in order; other attributes do not bear on access.
    mutating func patchUser(_ id: String, _ operations: [PatchOperation], at t: Int64) {
        guard var user = users[id] else { return }
        for operation in operations where operation.path == "active" {
            let active = operation.op != .remove && operation.value?.lowercased() == "true"
            if user.active && !active { user.stoppedAt_ms = t }
            user.active = active
        }
        users[id] = user
    }

    /// Returns the groups the user was a member of.
    mutating func deleteUser(_ id: String, at t: Int64) -> [String] {
        guard let user = users.removeValue(forKey: id) else { return [] }
        deletedStoppedAt_ms[id] = user.active ? t : user.stoppedAt_ms
        let groups = (groupsOfUser.removeValue(forKey: id) ?? []).sorted()
        for g in groups { members[g]?.remove(id) }
        return groups
    }

    /// Returns the named members Identity Center does not hold (they are not added).
    mutating func createGroup(_ id: String, members named: [String]) -> [String] {
        for former in members[id] ?? [] { groupsOfUser[former]?.remove(id) }
        members[id] = []
        return addMembers(named, to: id)
    }

    /// Returns the added members Identity Center does not hold (they are not added); nil when the group does not exist.
    mutating func patchGroup(_ id: String, adding added: [String], removing removed: [String]) -> [String]? {
        guard members[id] != nil else { return nil }
        for user in removed {
            members[id]?.remove(user)
            groupsOfUser[user]?.remove(id)
        }
        return addMembers(added, to: id)
    }

    /// Returns the former members.
    mutating func deleteGroup(_ id: String) -> [String] {
        let former = (members.removeValue(forKey: id) ?? []).sorted()
        for user in former { groupsOfUser[user]?.remove(id) }
        return former
    }

    mutating func assignmentCreated(_ r: AccountAssignmentResult) {
        assignments[Self.principal(r), default: []].insert(Target(account: r.accountId, permissionSet: r.permissionSetId))
    }

    mutating func assignmentDeleted(_ r: AccountAssignmentResult) {
        assignments[Self.principal(r)]?.remove(Target(account: r.accountId, permissionSet: r.permissionSetId))
    }

    private mutating func addMembers(_ named: [String], to group: String) -> [String] {
        var unknown: [String] = []
        for user in named {
            guard users[user] != nil else { unknown.append(user); continue }
            members[group, default: []].insert(user)
            groupsOfUser[user, default: []].insert(group)
        }
        return unknown
    }

    private static func principal(_ r: AccountAssignmentResult) -> Principal {
        Principal(isGroup: r.principalType == .GROUP, id: r.principalId)
    }

    // MARK: Questions

    func exists(_ user: String) -> Bool { users[user] != nil }
    func isActive(_ user: String) -> Bool { users[user]?.active == true }
    func isMember(_ user: String, of group: String) -> Bool { members[group]?.contains(user) == true }

    /// The users an assignment to `principal` reaches, sorted.
    func usersReached(by principal: Principal) -> [String] {
        principal.isGroup ? (members[principal.id] ?? []).sorted() : [principal.id]
    }

    /// Every target the user is entitled to, whatever the user's status.
    func entitlements(of user: String) -> Set<Target> {
        var all = assignments[Principal(isGroup: false, id: user)] ?? []
        for g in groupsOfUser[user] ?? [] { all.formUnion(assignments[Principal(isGroup: true, id: g)] ?? []) }
        return all
    }

    func isEntitled(_ user: String, to target: Target) -> Bool {
        if assignments[Principal(isGroup: false, id: user)]?.contains(target) == true { return true }
        for g in groupsOfUser[user] ?? [] where assignments[Principal(isGroup: true, id: g)]?.contains(target) == true { return true }
        return false
    }

    /// Why the user could not sign in at `t`, nil when it could: active, or stopped no longer ago than the sign-in cache.
    func signInRefusal(_ user: String, at t: Int64, signinCache_ms: Int64) -> String? {
        let stoppedAt: Int64?
        if let u = users[user] {
            if u.active { return nil }
            stoppedAt = u.stoppedAt_ms
        } else if let deleted = deletedStoppedAt_ms[user] {
            stoppedAt = deleted
        } else {
            return "the user does not exist in Identity Center"
        }
        guard let stoppedAt else { return "the user has never been active in Identity Center" }
        if t <= stoppedAt + signinCache_ms { return nil }
        let state = users[user] == nil ? "deleted" : "disabled"
        return "the user (\(state)) has not been active since \(Instant(ms: stoppedAt)), longer ago than the sign-in cache (\(Figure.span(signinCache_ms)))"
    }
}
