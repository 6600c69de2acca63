/// The organization's parent links and its management account, for where a deny by SCP reaches.
struct OrganizationTree {
    private var parentOf: [String: String] = [:]
    private var managementAccounts: Set<String> = []

    /// A tree deeper than this is a cycle in the log, not an organization (AWS allows five levels of OUs).
    static let depthLimit = 64

    mutating func place(_ id: String, under parent: String) { parentOf[id] = parent }
    mutating func markManagement(_ account: String) { managementAccounts.insert(account) }

    /// Whether an SCP attached to `target` applies to `account`: the target is the account or one of its
    /// ancestors, and the account is not the management account (SCPs never restrict it).
    func scpAttached(to target: String, reaches account: String) -> Bool {
        guard !managementAccounts.contains(account) else { return false }
        var current = account
        for _ in 0..<Self.depthLimit {
            if current == target { return true }
            guard let parent = parentOf[current] else { return false }
            current = parent
        }
        return false
    }
}
