import AccessLabEvents
import AccessLabProjections

extension EntitlementSource {
    /// `direct` or `group:<id>`.
    public var label: String {
        switch self { case .direct: "direct"; case .group(let g): "group:\(g)" }
    }
}

/// The effective-access view behind `accesslab access`.
public enum AccessView {
    /// Rows for every user (or one) who is entitled or holds credentials at `at`, sorted by user,
    /// account and permission set. `account` filters by account id or name.
    public static func rows(_ state: AccessState, rules: AccessRules, at: Instant, user: String? = nil, account: String? = nil) -> [AccessRow] {
        let users: [String]
        if let user {
            users = [user]
        } else {
            var all = Set(state.identityCenter.users.keys)
            all.formUnion(state.credentialsByUser.keys)
            users = all.sorted()
        }
        var out: [AccessRow] = []
        // About eight rows a user in the reference organisation; growing past the reservation copies every row.
        out.reserveCapacity(users.count * 8)
        // What a row shows of its target, found once per group for the group's grants (most rows come
        // through groups) rather than with three hashed lookups per row. Targets point into `shown`.
        var shown: [TargetFacts] = []
        var groupSources: [String: GroupSource] = [:]
        let direct = [EntitlementSource.direct.label]
        for userId in users {
            let credentials = state.credentials(ofUser: userId).filter { $0.expiresAt > at && $0.issuedAt <= at }
            // The entitled targets, sorted and distinct (`entitledTargets(ofUser:)`), each with its sources in
            // `entitlements(ofUser:)`'s order (direct, then the groups by id), from the sorted grants instead of
            // sorting entitlements; each principal's grants are looked up once for both.
            let ic = state.identityCenter.users[userId]
            let directGrants = state.sortedGrants[Principal(.USER, userId)] ?? []
            var groupGrants: [(group: String, granted: [AccountPermissionSet])] = []
            var runs = SortedTargetRuns()
            runs.add(directGrants)
            for group in (ic?.groups ?? []).sorted() {
                guard let granted = state.sortedGrants[Principal(.GROUP, group)], !granted.isEmpty else { continue }
                groupGrants.append((group, granted))
                runs.add(granted)
            }
            var targets = runs.merged()
            guard !targets.isEmpty || !credentials.isEmpty else { continue }
            var via: [[String]] = Array(repeating: [], count: targets.count)
            var facts = [Int](repeating: -1, count: targets.count)
            addSource(directGrants, direct, targets, &via) { j, _ in facts[j] = shown.count; shown.append(TargetFacts(state, targets[j])) }
            for (group, granted) in groupGrants {
                let source: GroupSource
                if let known = groupSources[group] { source = known } else {
                    source = GroupSource(first: shown.count, label: [EntitlementSource.group(group).label])
                    for target in granted { shown.append(TargetFacts(state, target)) }
                    groupSources[group] = source
                }
                addSource(granted, source.label, targets, &via) { j, k in
                    if facts[j] < 0 { facts[j] = source.first + k }
                }
            }
            let entitledCount = targets.count
            // A user has a handful of targets: arrays searched linearly beat hashing two strings per lookup.
            // Most users hold no credential: then there is nothing to sort out.
            var held: [[RoleCredential]] = credentials.isEmpty ? [] : Array(repeating: [], count: targets.count)
            for c in credentials {
                if let i = targets.firstIndex(of: c.target) { held[i].append(c) } else {
                    targets.append(c.target); via.append([]); held.append([c]); facts.append(-1)
                }
            }
            for i in facts.indices where facts[i] < 0 { facts[i] = shown.count; shown.append(TargetFacts(state, targets[i])) }
            let sorted = targets.count == entitledCount ? Array(targets.indices) : targets.indices.sorted { targets[$0] < targets[$1] }
            let order = account == nil ? sorted : sorted.filter { i in account == targets[i].accountId || account == shown[facts[i]].row.facts.accountName }
            // Each read once: every read through the optionals copied the whole user.
            let idp = state.idp.users[userId]
            let idpStatus = idp?.status.rawValue
            let attributes = (ic ?? idp)?.attributes
            let userName = attributes?.userName, team = attributes?.team ?? attributes?.department
            let icStatus = ic?.status.rawValue ?? "absent"
            let userFacts = AccessRow.Shared(AccessRow.UserFacts(userName: userName, team: team, userStatusIdentityCenter: icStatus,
                                                                 userStatusIdP: idpStatus, pendingSync: pendingSync(identityCenter: ic, idp: idp)))
            let hasDenies = state.denies[userId] != nil
            // `isEntitled`, known here: a target from the grants is entitled when its role exists; one only
            // held (a credential outliving its assignment) is not.
            let entitled = order.map { i in i < entitledCount && shown[facts[i]].hasRole }
            let inOrder = targets.count == entitledCount && order.count == targets.count ? targets : order.map { targets[$0] }
            let decided = rules.effectiveAccess(state, userId: userId, targets: inOrder, entitled: entitled, at: at, held: credentials)
            for (i, access) in zip(order, decided) {
                let deny = hasDenies ? state.denyEffectiveAt(userId: userId, target: targets[i]) : nil
                out.append(AccessRow(
                    user: userId,
                    userFacts: userFacts,
                    targetFacts: shown[facts[i]].row,
                    entitled: access.entitled,
                    via: via[i],
                    canSignIn: access.canSignIn,
                    canGetCredentials: access.canGetCredentials,
                    liveCredential: access.liveCredential,
                    denyInEffect: access.denyInEffect,
                    canAct: access.canAct,
                    signInRefusal: access.signInRefusal?.rawValue, credentialRefusal: access.credentialRefusal?.rawValue,
                    credentials: held.isEmpty ? [] : held[i].map { c in
                        .init(credentialId: c.credentialId, issuedAt: c.issuedAt, expiresAt: c.expiresAt,
                              deniedFrom: deny.map { max($0, c.issuedAt) }, worksUntil: state.workingEnd(of: c),
                              usable: state.isLive(c, at: at), sessionTags: c.sessionTags)
                    }))
            }
        }
        return out
    }

    /// Appends `label` (one label) to the sources of each of `granted`'s targets (both sorted; `targets` holds
    /// them all), and tells `found` where each is (index in `targets`, index in `granted`). A target's first
    /// source shares `label`'s storage: most targets have one source, so most rows allocate no list.
    static func addSource(_ granted: [AccountPermissionSet], _ label: [String], _ targets: [AccountPermissionSet], _ via: inout [[String]],
                          _ found: (Int, Int) -> Void) {
        var j = 0
        for (k, target) in granted.enumerated() {
            while j < targets.count, targets[j] < target { j += 1 }
            guard j < targets.count, targets[j] == target else { continue }
            if via[j].isEmpty { via[j] = label } else { via[j].append(contentsOf: label) }
            found(j, k)
        }
    }

    /// A group's grants as rows show them: where its targets' facts start in the table, and its `via` label.
    struct GroupSource {
        var first: Int
        var label: [String]
    }

    /// A target's role, permission set and account name, as its rows show them.
    struct TargetFacts {
        var row: AccessRow.Shared<AccessRow.TargetFacts>
        var hasRole: Bool
        init(_ state: AccessState, _ target: AccountPermissionSet) {
            let role = state.roles[target]
            let permissionSet = state.permissionSets[target.permissionSetId]
            row = AccessRow.Shared(AccessRow.TargetFacts(
                accountId: target.accountId, accountName: state.organization.accounts[target.accountId]?.name,
                permissionSetId: target.permissionSetId, permissionSet: permissionSet?.name, roleName: role?.roleName,
                provisioningStatus: AccessView.provisioningStatus(role, latestVersion: permissionSet?.version)))
            hasRole = role != nil
        }
    }

    /// Whether the account has the permission set's latest version (drift when it does not).
    public static func provisioningStatus(_ state: AccessState, _ target: AccountPermissionSet) -> String {
        provisioningStatus(state.roles[target], latestVersion: state.permissionSets[target.permissionSetId]?.version)
    }

    /// The same, from the role and the permission set's current version already at hand.
    public static func provisioningStatus(_ role: ProvisionedRole?, latestVersion: Int64?) -> String {
        guard let role else { return "NOT_PROVISIONED" }
        return role.provisionedVersion == latestVersion ? "LATEST_PERMISSION_SET_PROVISIONED" : "LATEST_PERMISSION_SET_NOT_PROVISIONED"
    }

    /// Differences between the IdP's directory and Identity Center's for one user, sorted.
    public static func pendingSync(_ state: AccessState, _ userId: String) -> [String] {
        pendingSync(identityCenter: state.identityCenter.users[userId], idp: state.idp.users[userId])
    }

    /// The same, for the user as each directory holds it.
    static func pendingSync(identityCenter ic: DirectoryUser?, idp: DirectoryUser?) -> [String] {
        guard let idp else { return [] }
        if let ic, ic.status == idp.status, ic.groups == idp.groups { return [] }
        var out: [String] = []
        if idp.status != (ic?.status ?? .deleted) || ic == nil {
            out.append("status: IdP \(idp.status.rawValue), Identity Center \(ic?.status.rawValue ?? "absent")")
        }
        let icGroups = ic?.groups ?? []
        for g in idp.groups.subtracting(icGroups).sorted() { out.append("joining \(g)") }
        for g in icGroups.subtracting(idp.groups).sorted() { out.append("leaving \(g)") }
        return out
    }

    /// For a tag key: which users' live credentials reach which resources tagged with the same value
    /// (session tags as frozen at issue, against resource tags as declared), sorted.
    public static func tagReach(_ state: AccessState, key: String, at: Instant) -> [TagReach] {
        var out: [TagReach] = []
        for c in state.credentials.values where c.issuedAt <= at && c.expiresAt > at {
            guard let tag = c.sessionTags.first(where: { $0.key == key }) else { continue }
            let current = state.principalTags(ofUser: c.userId).first { $0.key == key }?.value
            for (arn, tags) in state.resourceTags[c.target.accountId] ?? [:] where tags.contains(tag) {
                out.append(TagReach(user: c.userId, credentialId: c.credentialId, accountId: c.target.accountId, resource: arn,
                                    sessionTagValue: tag.value, principalTagValue: current, expiresAt: c.expiresAt))
            }
        }
        return out.sorted { ($0.user, $0.accountId, $0.resource, $0.credentialId) < ($1.user, $1.accountId, $1.resource, $1.credentialId) }
    }
}

/// One live credential reaching one tagged resource through a session tag.
public struct TagReach: Codable, Equatable, Sendable {
    public var user, credentialId, accountId, resource, sessionTagValue: String
    /// The user's principal tag value now; differs from the session tag for a mover until the next issue.
    public var principalTagValue: String?
    public var expiresAt: Instant
}
