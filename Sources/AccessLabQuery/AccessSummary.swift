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
        let rows = rows.indices.dropFirst().allSatisfy { rows[$0 - 1].user <= rows[$0].user } ? rows : rows.sorted { $0.user < $1.user }
        var canAct = 0, entitled = 0, holding = 0
        var live = 0
        // Rows repeat a few hundred accounts and permission sets: each row looks up its account and its
        // permission set once, and finds its group through them rather than by hashing the group's name.
        var accountsSeen: [String: Seen] = [:], permissionSetsSeen: [String: Seen] = [:]
        var groupIndex: [String: Int] = [:]
        var tallies: [Tally] = []
        func group(_ name: String) -> Int {
            if let known = groupIndex[name] { return known }
            tallies.append(Tally(name: name))
            groupIndex[name] = tallies.count - 1
            return tallies.count - 1
        }
        var user: String?
        var userCanAct = false, userEntitled = false, userHolds = false
        // Fields are read in place: a copy of a row retains its strings and arrays.
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
            if rowCanAct { userCanAct = true }
            if rowEntitled { userEntitled = true }
            if liveHere > 0 { userHolds = true }
            let accountId = rows[i].accountId, permissionSetId = rows[i].permissionSetId
            let g: Int
            switch grouping {
            case .account:
                g = accountsSeen[accountId, default: Seen()].group(named: rows[i].accountName, reached: rowCanAct) { name in
                    group(name.map { "\($0) (\(accountId))" } ?? accountId)
                }
                permissionSetsSeen[permissionSetId, default: Seen()].reached = true
            case .team:
                if rowCanAct { accountsSeen[accountId, default: Seen()].reached = true }
                permissionSetsSeen[permissionSetId, default: Seen()].reached = true
                g = group(rows[i].team ?? "(no team)")
            case .permissionSet:
                if rowCanAct { accountsSeen[accountId, default: Seen()].reached = true }
                g = permissionSetsSeen[permissionSetId, default: Seen()].group(named: rows[i].permissionSet, reached: true) { name in
                    group(name ?? permissionSetId)
                }
            }
            tallies[g].count(user: rows[i].user, canAct: rowCanAct, entitled: rowEntitled, liveCredentials: liveHere)
        }
        }
        if userCanAct { canAct += 1 }
        if userEntitled { entitled += 1 }
        if userHolds { holding += 1 }
        usersCanAct = canAct
        usersEntitled = entitled
        usersWithLiveCredentials = holding
        accountsWithAccess = accountsSeen.values.count { $0.reached }
        accounts = state.organization.accounts.count
        permissionSets = permissionSetsSeen.count
        portalSessionsLive = state.portalSessions.values.count { $0.startedAt <= at && $0.expiresAt > at && $0.deletedAt.map { $0 > at } != false }
        liveCredentials = live
        self.rows = rows.count
        self.grouping = grouping
        groups = tallies.map { Group(name: $0.name, usersCanAct: $0.usersCanAct, usersEntitled: $0.usersEntitled, liveCredentials: $0.live) }
            .sorted { ($1.usersCanAct, $1.usersEntitled, $0.name) < ($0.usersCanAct, $0.usersEntitled, $1.name) }
    }

    /// One group's counts as rows arrive grouped by user.
    struct Tally {
        var name: String
        var usersCanAct = 0, usersEntitled = 0, live = 0
        var lastCanAct: String?, lastEntitled: String?

        mutating func count(user: String, canAct: Bool, entitled: Bool, liveCredentials: Int) {
            if canAct, lastCanAct != user { usersCanAct += 1; lastCanAct = user }
            if entitled, lastEntitled != user { usersEntitled += 1; lastEntitled = user }
            live += liveCredentials
        }
    }

    /// An account or a permission set as the rows so far showed it: whether it is reached (an account
    /// where someone can act) or seen (a permission set), and the group its rows count in, found again
    /// only if a row names it otherwise.
    struct Seen {
        var reached = false
        var group = -1
        var name: String?

        mutating func group(named name: String?, reached: Bool, _ find: (String?) -> Int) -> Int {
            if reached { self.reached = true }
            if group < 0 || self.name != name { group = find(name); self.name = name }
            return group
        }
    }
}
