import AccessLabEvents

/// One set of role credentials as issued.
struct CredentialRecord {
    var seq: UInt64
    var target: Target
    var issuedAt_ms: Int64
    var expiresAt_ms: Int64
}

/// A deny on one user in force from `effectiveAt_ms`.
struct DenyRecord {
    var effectiveAt_ms: Int64
    var scope: DenyScope
    var targetId: String
}

/// The credentials that can still count and every deny put in force, by user, to judge once the whole
/// log (and so the organization as it ends) is known. A credential counts only for a termination or a
/// move before it expires, so one that has expired before any of its user's is forgotten: a year of
/// 100,000 users issues millions, and keeping them all was most of the check's memory.
struct CredentialLedger {
    private(set) var credentials: [String: [CredentialRecord]] = [:]
    private var denies: [String: [DenyRecord]] = [:]
    /// Users terminated or moved: every credential of theirs is kept from then on.
    private var withHREvents: Set<String> = []

    mutating func issued(_ c: RoleCredentialsIssued, seq: UInt64, at t: Int64) {
        let record = CredentialRecord(seq: seq, target: Target(account: c.accountId, permissionSet: c.permissionSetId),
                                      issuedAt_ms: c.issuedAt.ms, expiresAt_ms: c.expiresAt.ms)
        if !withHREvents.contains(c.userId) { credentials[c.userId]?.removeAll { $0.expiresAt_ms <= t } }
        credentials[c.userId, default: []].append(record)
    }

    /// The user is terminated or moved now: what they hold may count from here on.
    mutating func hrEvent(of user: String) { withHREvents.insert(user) }

    mutating func denyEffective(_ d: UserDenyPolicy, at t: Int64) {
        denies[d.userId, default: []].append(DenyRecord(effectiveAt_ms: t, scope: d.scope, targetId: d.targetId))
    }

    /// Until when the credential worked: its expiry, or the earliest deny covering it if that came first;
    /// nil when a deny was already in force at issue (it never worked).
    func workingEnd(of c: CredentialRecord, user: String, organization: OrganizationTree) -> Int64? {
        var earliestDeny: Int64?
        for d in denies[user] ?? [] where Self.covers(d, c.target, organization) {
            earliestDeny = min(earliestDeny ?? d.effectiveAt_ms, d.effectiveAt_ms)
        }
        guard let deny = earliestDeny else { return c.expiresAt_ms }
        if deny <= c.issuedAt_ms { return nil }
        return min(deny, c.expiresAt_ms)
    }

    /// The user's credentials that worked at some point, with their working ends, in issue order.
    func workingCredentials(of user: String, organization: OrganizationTree) -> [(credential: CredentialRecord, end_ms: Int64)] {
        (credentials[user] ?? []).compactMap { c in
            workingEnd(of: c, user: user, organization: organization).map { (c, $0) }
        }
    }

    private static func covers(_ d: DenyRecord, _ target: Target, _ organization: OrganizationTree) -> Bool {
        switch d.scope {
        case .scp: organization.scpAttached(to: d.targetId, reaches: target.account)
        case .inlinePolicy: d.targetId == target.permissionSet
        }
    }
}
