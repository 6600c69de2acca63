import AccessLabEvents

extension AccessState {
    /// What the user is entitled to through provisioned assignments, direct or through Identity Center
    /// group memberships, in a stable order. Says nothing about whether the user may sign in.
    public func entitlements(ofUser userId: String) -> [Entitlement] {
        var out: [Entitlement] = []
        for target in grants[Principal(.USER, userId)] ?? [] { out.append(Entitlement(target: target, source: .direct)) }
        for group in identityCenter.users[userId]?.groups ?? [] {
            for target in grants[Principal(.GROUP, group)] ?? [] { out.append(Entitlement(target: target, source: .group(group))) }
        }
        return out.sorted()
    }

    /// The distinct (account, permission set) pairs the user is entitled to, sorted. (The targets of
    /// `entitlements(ofUser:)`, without building them: users sign in with this every working day.)
    public func entitledTargets(ofUser userId: String) -> [AccountPermissionSet] {
        var runs = SortedTargetRuns()
        runs.add(sortedGrants[Principal(.USER, userId)] ?? [])
        for group in identityCenter.users[userId]?.groups ?? [] { runs.add(sortedGrants[Principal(.GROUP, group)] ?? []) }
        return runs.merged()
    }

    public func isEntitled(_ userId: String, to target: AccountPermissionSet) -> Bool {
        roles[target] != nil && isGranted(userId, target)
    }

    /// Whether a provisioned assignment names the user or one of the user's groups (the role itself is not looked up).
    func isGranted(_ userId: String, _ target: AccountPermissionSet) -> Bool {
        // Binary search in the sorted runs: a principal holds a few targets, and comparing a few ids
        // costs less than hashing the target's two ids for a set lookup.
        func holds(_ principal: Principal) -> Bool {
            guard let targets = sortedGrants[principal] else { return false }
            let i = targets.partitionPoint { $0 < target }
            return i < targets.endIndex && targets[i] == target
        }
        if holds(Principal(.USER, userId)) { return true }
        for group in identityCenter.users[userId]?.groups ?? [] where holds(Principal(.GROUP, group)) { return true }
        return false
    }

    /// Principal tags as the attribute configuration maps the user's Identity Center attributes now,
    /// sorted by key. Sources are `${path:...}` expressions; attributes with no value give no tag.
    public func principalTags(ofUser userId: String) -> [Tag] {
        guard !accessControlAttributes.isEmpty, let user = identityCenter.users[userId] else { return [] }
        var tags: [Tag] = []
        for attribute in accessControlAttributes {
            guard let source = attribute.source.first, let value = user.attributes.value(atSourcePath: source) else { continue }
            tags.append(Tag(key: attribute.key, value: value))
        }
        return tags.sorted()
    }

    /// When a deny on the user first took effect for credentials of `target`, if one has.
    /// An SCP deny covers accounts under its target except the management account (SCPs do not apply
    /// there); an inline deny covers every account the permission set is provisioned to.
    public func denyEffectiveAt(userId: String, target: AccountPermissionSet) -> Instant? {
        var earliest: Instant?
        for deny in denies[userId] ?? [] {
            guard let t = deny.effectiveAt, covers(deny, target) else { continue }
            earliest = min(earliest ?? t, t)
        }
        return earliest
    }

    func covers(_ deny: UserDeny, _ target: AccountPermissionSet) -> Bool {
        switch deny.scope {
        case .inlinePolicy:
            return deny.targetId == target.permissionSetId
        case .scp:
            guard organization.accounts[target.accountId]?.isManagementAccount == false else { return false }
            return deny.targetId == target.accountId || organization.ancestors(ofAccount: target.accountId).contains(deny.targetId)
        }
    }

    /// The user's credentials that have not expired, sorted by (account, permission set, issue time).
    public func credentials(ofUser userId: String) -> [RoleCredential] {
        let list = (credentialsByUser[userId] ?? []).compactMap { credentials[$0] }
        return list.count < 2 ? list : list.sorted { ($0.target, $0.issuedAt, $0.credentialId) < ($1.target, $1.issuedAt, $1.credentialId) }
    }

    /// The user's portal sessions that have not ended, oldest first.
    public func portalSessions(ofUser userId: String) -> [PortalSession] {
        let list = (portalSessionsByUser[userId] ?? []).compactMap { portalSessions[$0] }
        return list.count < 2 ? list : list.sorted { ($0.startedAt, $0.sessionId) < ($1.startedAt, $1.sessionId) }
    }
}

extension UserAttributes {
    /// The value an ABAC source expression such as `${path:enterprise.department}` selects.
    public func value(atSourcePath source: String) -> String? {
        var path = source
        if path.hasPrefix("${path:") && path.hasSuffix("}") { path = String(path.dropFirst(7).dropLast()) }
        switch path {
        case "userName": return userName
        case "name.givenName": return givenName
        case "name.familyName": return familyName
        case "displayName": return displayName
        case "title": return title
        case "enterprise.department": return department
        case "enterprise.costCenter": return costCenter
        case "enterprise.division": return team
        case "enterprise.manager": return manager
        default: return nil
        }
    }
}

extension AccessState {
    /// An assignment request and its completion at once (imports and what-ifs, where nothing waits): the
    /// role is the one the account already has for the permission set, or the next generation's; it
    /// changes when the assignment creates the account's first or removes its last.
    public func immediateAssignment(create: Bool, requestId: String, target: AccountPermissionSet, principal: Principal) -> [EventBody] {
        let request = AccountAssignmentRequest(requestId: requestId, accountId: target.accountId, permissionSetId: target.permissionSetId,
                                               principalType: principal.type, principalId: principal.id)
        let role = roles[target]
        if create {
            let name = role?.roleName ?? ReservedRoleName.make(permissionSetName: permissionSets[target.permissionSetId]?.name ?? target.permissionSetId,
                                                                permissionSetId: target.permissionSetId, accountId: target.accountId,
                                                                generation: roleGenerations[target, default: 0] + 1)
            return [.createAccountAssignment(request),
                    .accountAssignmentCreated(AccountAssignmentResult(requestId: requestId, accountId: target.accountId, permissionSetId: target.permissionSetId,
                                                                      principalType: principal.type, principalId: principal.id, roleName: name,
                                                                      roleChanged: role == nil))]
        }
        return [.deleteAccountAssignment(request),
                .accountAssignmentDeleted(AccountAssignmentResult(requestId: requestId, accountId: target.accountId, permissionSetId: target.permissionSetId,
                                                                  principalType: principal.type, principalId: principal.id, roleName: role?.roleName,
                                                                  roleChanged: role?.assignmentCount == 1))]
    }
}

/// Sorted, distinct runs of targets (one per principal's grants) made one sorted, distinct array: with one
/// non-empty run it is the answer as it is; with more, the sort merges the runs and repeats are dropped.
public struct SortedTargetRuns {
    private var all: [AccountPermissionSet] = []
    private var runs = 0

    public init() {}

    public mutating func add(_ run: [AccountPermissionSet]) {
        guard !run.isEmpty else { return }
        if runs == 0 { all = run } else { all.append(contentsOf: run) }
        runs += 1
    }

    public consuming func merged() -> [AccountPermissionSet] {
        if runs <= 1 { return all }
        all.sort()
        var distinct: [AccountPermissionSet] = []
        distinct.reserveCapacity(all.count)
        for target in all where distinct.last != target { distinct.append(target) }
        return distinct
    }
}
