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

/// Every credential issued and every deny put in force, by user, to judge once the whole log (and so the
/// organization as it ends) is known.
struct CredentialLedger {
    private(set) var credentials: [String: [CredentialRecord]] = [:]
    private var denies: [String: [DenyRecord]] = [:]

    mutating func issued(_ c: RoleCredentialsIssued, seq: UInt64) {
        let record = CredentialRecord(seq: seq, target: Target(account: c.accountId, permissionSet: c.permissionSetId),
                                      issuedAt_ms: c.issuedAt.ms, expiresAt_ms: c.expiresAt.ms)
        credentials[c.userId, default: []].append(record)
    }

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
