import AccessLabEvents
import AccessLabProjections

/// The whole organization's access at a moment in a screen: how many users can act, are entitled and
/// hold live credentials, and the same per account, team or permission set, largest first.
public struct AccessSummary: Codable, Equatable, Sendable {
    /// One account, team or permission set.
    public struct Group: Codable, Equatable, Sendable {
        public var name: String
        /// Distinct users who can act there.
        public var usersCanAct: Int
        /// Distinct users entitled there.
        public var usersEntitled: Int
        /// Credentials that work at the moment.
        public var liveCredentials: Int
    }
    /// What the groups are: `account`, `team` or `permission-set`.
    public enum Grouping: String, Codable, CaseIterable, Sendable { case account, team, permissionSet = "permission-set" }

    public var usersCanAct: Int
    public var usersEntitled: Int
    public var usersWithLiveCredentials: Int
    public var accountsWithAccess: Int
    public var accounts: Int
    public var permissionSets: Int
    public var portalSessionsLive: Int
    public var liveCredentials: Int
    /// The number of (user, account, permission set) rows `access --all` lists.
    public var rows: Int
    public var grouping: Grouping
    /// Sorted by users who can act, then entitled, then name.
    public var groups: [Group]

    /// Counts `rows` (as `AccessView.rows` gives them) and the portal sessions live in `state` at `at`.
    public init(rows: [AccessRow], state: AccessState, at: Instant, by grouping: Grouping) {
        // With a user's rows together (as `AccessView.rows` gives them), a user is counted once per group
        // by remembering the last user counted there, not by a set of users per group. Counts do not
        // depend on the order, so other input is sorted by user first.
        let rows = zip(rows, rows.dropFirst()).allSatisfy { $0.user <= $1.user } ? rows : rows.sorted { $0.user < $1.user }
        var canAct = 0, entitled = 0, holding = 0
        var accountsReached = Set<String>(), permissionSetsSeen = Set<String>()
        var live = 0
        var tallies: [String: Tally] = [:]
        // Account keys are built once per account, not once per row.
        var accountKeys: [String: String] = [:]
        var user: String?
        var userCanAct = false, userEntitled = false, userHolds = false
        // Fields are read in place: a copy of a row retains each of its strings and arrays.
        rows.withUnsafeBufferPointer { rows in
        for i in rows.indices {
            if rows[i].user != user {
                if userCanAct { canAct += 1 }
                if userEntitled { entitled += 1 }
                if userHolds { holding += 1 }
                user = rows[i].user; userCanAct = false; userEntitled = false; userHolds = false
            }
            let rowCanAct = rows[i].canAct, rowEntitled = rows[i].entitled
            var liveHere = 0
            for c in rows[i].credentials where c.usable { liveHere += 1 }
            live += liveHere
            if rowCanAct { userCanAct = true; accountsReached.insert(rows[i].accountId) }
            if rowEntitled { userEntitled = true }
            if liveHere > 0 { userHolds = true }
            permissionSetsSeen.insert(rows[i].permissionSetId)
            let key: String
            switch grouping {
            case .account:
                if let known = accountKeys[rows[i].accountId] { key = known } else {
                    key = rows[i].accountName.map { "\($0) (\(rows[i].accountId))" } ?? rows[i].accountId
                    accountKeys[rows[i].accountId] = key
                }
            case .team: key = rows[i].team ?? "(no team)"
            case .permissionSet: key = rows[i].permissionSet ?? rows[i].permissionSetId
            }
            tallies[key, default: Tally()].count(user: rows[i].user, canAct: rowCanAct, entitled: rowEntitled, liveCredentials: liveHere)
        }
        }
        if userCanAct { canAct += 1 }
        if userEntitled { entitled += 1 }
        if userHolds { holding += 1 }
        usersCanAct = canAct
        usersEntitled = entitled
        usersWithLiveCredentials = holding
        accountsWithAccess = accountsReached.count
        accounts = state.organization.accounts.count
        permissionSets = permissionSetsSeen.count
        portalSessionsLive = state.portalSessions.values.count { $0.startedAt <= at && $0.expiresAt > at && $0.deletedAt.map { $0 > at } != false }
        liveCredentials = live
        self.rows = rows.count
        self.grouping = grouping
        groups = tallies.map { Group(name: $0.key, usersCanAct: $0.value.usersCanAct, usersEntitled: $0.value.usersEntitled, liveCredentials: $0.value.live) }
            .sorted { ($1.usersCanAct, $1.usersEntitled, $0.name) < ($0.usersCanAct, $0.usersEntitled, $1.name) }
    }

    /// One group's counts as rows arrive grouped by user.
    struct Tally {
        var usersCanAct = 0, usersEntitled = 0, live = 0
        var lastCanAct: String?, lastEntitled: String?

        mutating func count(user: String, canAct: Bool, entitled: Bool, liveCredentials: Int) {
            if canAct, lastCanAct != user { usersCanAct += 1; lastCanAct = user }
            if entitled, lastEntitled != user { usersEntitled += 1; lastEntitled = user }
            live += liveCredentials
        }
    }
}
