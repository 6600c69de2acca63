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
        var canAct = Set<String>(), entitled = Set<String>(), holding = Set<String>(), accountsReached = Set<String>()
        var permissionSetsSeen = Set<String>()
        var live = 0
        struct Tally { var canAct = Set<String>(), entitled = Set<String>(), live = 0 }
        var tallies: [String: Tally] = [:]
        for r in rows {
            let liveHere = r.credentials.filter(\.usable).count
            live += liveHere
            if r.canAct { canAct.insert(r.user); accountsReached.insert(r.accountId) }
            if r.entitled { entitled.insert(r.user) }
            if liveHere > 0 { holding.insert(r.user) }
            permissionSetsSeen.insert(r.permissionSetId)
            let key: String
            switch grouping {
            case .account: key = r.accountName.map { "\($0) (\(r.accountId))" } ?? r.accountId
            case .team: key = r.team ?? "(no team)"
            case .permissionSet: key = r.permissionSet ?? r.permissionSetId
            }
            var t = tallies[key, default: Tally()]
            if r.canAct { t.canAct.insert(r.user) }
            if r.entitled { t.entitled.insert(r.user) }
            t.live += liveHere
            tallies[key] = t
        }
        usersCanAct = canAct.count
        usersEntitled = entitled.count
        usersWithLiveCredentials = holding.count
        accountsWithAccess = accountsReached.count
        accounts = state.organization.accounts.count
        permissionSets = permissionSetsSeen.count
        portalSessionsLive = state.portalSessions.values.filter { $0.startedAt <= at && $0.expiresAt > at && $0.deletedAt.map { $0 > at } != false }.count
        liveCredentials = live
        self.rows = rows.count
        self.grouping = grouping
        groups = tallies.map { Group(name: $0.key, usersCanAct: $0.value.canAct.count, usersEntitled: $0.value.entitled.count, liveCredentials: $0.value.live) }
            .sorted { ($1.usersCanAct, $1.usersEntitled, $0.name) < ($0.usersCanAct, $0.usersEntitled, $1.name) }
    }
}
