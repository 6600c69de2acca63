import AccessLabEvents

extension AccessState {
    /// Folds one event into the state. Events that do not change access state (HR, sync markers,
    /// refusals) only move `time` and `seq`.
    public mutating func apply(_ event: Event) {
        time = event.time
        seq = event.seq
        let t = event.time
        switch event.body {
        // MARK: Organizations
        case .createOrganizationalUnit(let p):
            organization.organizationalUnits[p.ouId] = .init(ouId: p.ouId, name: p.name, parentId: p.parentId)
        case .createAccount(let p):
            organization.accounts[p.accountId] = .init(accountId: p.accountId, name: p.name, parentId: p.parentId,
                                                       isManagementAccount: p.isManagementAccount, createdAt: t)
        case .moveAccount(let p):
            organization.accounts[p.accountId]?.parentId = p.destinationParentId
        case .createServiceControlPolicy(let p):
            organization.serviceControlPolicies[p.policyId] = p
        case .attachServiceControlPolicy(let p):
            if organization.attachments[p.targetId]?.contains(p.policyId) != true {
                organization.attachments[p.targetId, default: []].append(p.policyId)
                organization.attachments[p.targetId]?.sort()
            }
        case .detachServiceControlPolicy(let p):
            organization.attachments[p.targetId]?.removeAll { $0 == p.policyId }
        case .createResourceControlPolicy(let p):
            organization.resourceControlPolicies[p.policyId] = p
        case .attachResourceControlPolicy(let p):
            if organization.rcpAttachments[p.targetId]?.contains(p.policyId) != true {
                organization.rcpAttachments[p.targetId, default: []].append(p.policyId)
                organization.rcpAttachments[p.targetId]?.sort()
            }
        case .detachResourceControlPolicy(let p):
            organization.rcpAttachments[p.targetId]?.removeAll { $0 == p.policyId }
        case .createCustomerManagedPolicy(let p):
            customerManagedPolicies[p.accountId, default: [:]][p.name] = p.document
        case .tagResource(let p):
            resourceTags[p.accountId, default: [:]][p.resourceArn] = p.tags.sorted()

        // MARK: Permission sets
        case .createPermissionSet(let p):
            permissionSets[p.permissionSetId] = PermissionSetState(
                permissionSetId: p.permissionSetId, name: p.name, sessionDuration: .seconds(p.sessionDuration_s), version: 1,
                managedPolicyArns: [], customerManagedPolicies: [], inlinePolicy: nil, permissionsBoundary: nil, createdAt: t)
        case .updatePermissionSet(let p):
            editPermissionSet(p.permissionSetId) { ps in
                if let s = p.sessionDuration_s { ps.sessionDuration = .seconds(s) }
            }
        case .deletePermissionSet(let p):
            permissionSets[p.permissionSetId] = nil
        case .attachManagedPolicyToPermissionSet(let p):
            editPermissionSet(p.permissionSetId) { ps in
                if !ps.managedPolicyArns.contains(p.managedPolicyArn) { ps.managedPolicyArns.append(p.managedPolicyArn) }
            }
        case .detachManagedPolicyFromPermissionSet(let p):
            editPermissionSet(p.permissionSetId) { $0.managedPolicyArns.removeAll { $0 == p.managedPolicyArn } }
        case .attachCustomerManagedPolicyReferenceToPermissionSet(let p):
            editPermissionSet(p.permissionSetId) { ps in
                if !ps.customerManagedPolicies.contains(p.reference) { ps.customerManagedPolicies.append(p.reference) }
            }
        case .detachCustomerManagedPolicyReferenceFromPermissionSet(let p):
            editPermissionSet(p.permissionSetId) { $0.customerManagedPolicies.removeAll { $0 == p.reference } }
        case .putInlinePolicyToPermissionSet(let p):
            editPermissionSet(p.permissionSetId) { $0.inlinePolicy = p.inlinePolicy }
        case .deleteInlinePolicyFromPermissionSet(let p):
            editPermissionSet(p.permissionSetId) { $0.inlinePolicy = nil }
        case .putPermissionsBoundaryToPermissionSet(let p):
            editPermissionSet(p.permissionSetId) { $0.permissionsBoundary = p }
        case .deletePermissionsBoundaryFromPermissionSet(let p):
            editPermissionSet(p.permissionSetId) { $0.permissionsBoundary = nil }
        case .provisionPermissionSet, .permissionSetProvisioningFailed:
            break
        case .permissionSetProvisioned(let p):
            roles[AccountPermissionSet(p.accountId, p.permissionSetId)]?.provisionedVersion = p.permissionSetVersion

        // MARK: Assignments
        case .createAccountAssignment(let p):
            assignments[p.key] = .creationInProgress(requestId: p.requestId)
        case .accountAssignmentCreated(let p):
            assignmentCreated(p, at: t)
        case .accountAssignmentCreationFailed(let p):
            assignments[p.key] = nil
        case .deleteAccountAssignment(let p):
            if assignments[p.key] != nil { assignments[p.key] = .deletionInProgress(requestId: p.requestId) }
        case .accountAssignmentDeleted(let p):
            assignmentDeleted(p)
        case .putAccessControlAttributeConfiguration(let p):
            accessControlAttributes = p.attributes
        case .deleteUserPortalSessions(let p):
            for id in portalSessionsByUser[p.userId] ?? [] where portalSessions[id]?.deletedAt == nil {
                portalSessions[id]?.deletedAt = t
            }

        // MARK: Identity store (SCIM and identitystore)
        case .createUser(let p):
            identityCenter.users[p.userId] = DirectoryUser(userId: p.userId, attributes: p.attributes,
                                                           status: p.active ? .active : .disabled, statusSince: t, groups: [])
        case .patchUser(let p):
            patchUser(p, at: t)
        case .deleteUser(let p):
            if let groups = identityCenter.users[p.userId]?.groups {
                for g in groups { identityCenter.removeMember(p.userId, from: g) }
            }
            identityCenter.users[p.userId]?.status = .deleted
            identityCenter.users[p.userId]?.statusSince = t
        case .createGroup(let p):
            identityCenter.groups[p.groupId] = DirectoryGroup(groupId: p.groupId, displayName: p.displayName, members: [])
            for m in p.members { identityCenter.addMember(m, to: p.groupId) }
        case .patchGroup(let p):
            for m in p.membersAdded { identityCenter.addMember(m, to: p.groupId) }
            for m in p.membersRemoved { identityCenter.removeMember(m, from: p.groupId) }
        case .updateGroup(let p):
            identityCenter.groups[p.groupId]?.displayName = p.displayName
        case .identityStoreRequestFailed:
            break
        case .deleteGroup(let p):
            for m in identityCenter.groups[p.groupId]?.members ?? [] { identityCenter.users[m]?.groups.remove(p.groupId) }
            identityCenter.groups[p.groupId] = nil

        // MARK: Upstream
        case .hrHire, .hrTransfer, .hrTermination, .idPSync:
            break
        case .idPDirectoryChange(let p):
            idpChange(p, at: t)

        // MARK: Runtime
        case .portalSignIn(let p):
            portalSessions[p.sessionId] = PortalSession(sessionId: p.sessionId, userId: p.userId, startedAt: t,
                                                        expiresAt: p.expiresAt, deletedAt: nil)
            portalSessionsByUser[p.userId, default: []].insert(p.sessionId)
        case .portalSessionEnded(let p):
            portalSessions[p.sessionId] = nil
            portalSessionsByUser.remove(p.sessionId, ofOwner: p.userId)
        case .accessRefused, .createToken:
            break
        case .roleCredentialsIssued(let p):
            credentials[p.credentialId] = RoleCredential(
                credentialId: p.credentialId, userId: p.userId, target: AccountPermissionSet(p.accountId, p.permissionSetId),
                roleName: p.roleName, sessionId: p.sessionId, issuedAt: p.issuedAt, expiresAt: p.expiresAt, sessionTags: p.sessionTags)
            // Room for a few at once: a user's first credential would otherwise allocate a set its second outgrows.
            credentialsByUser[p.userId, default: Set(minimumCapacity: 3)].insert(p.credentialId)
        case .roleCredentialsExpired(let p):
            credentials[p.credentialId] = nil
            credentialsByUser.remove(p.credentialId, ofOwner: p.userId)
        case .denyUser(let p):
            denies[p.userId, default: []].append(UserDeny(scope: p.scope, targetId: p.targetId, requestedAt: t, effectiveAt: nil))
        case .denyUserEffective(let p):
            if let i = denies[p.userId]?.firstIndex(where: { $0.scope == p.scope && $0.targetId == p.targetId && $0.effectiveAt == nil }) {
                denies[p.userId]?[i].effectiveAt = t
            } else {
                denies[p.userId, default: []].append(UserDeny(scope: p.scope, targetId: p.targetId, requestedAt: t, effectiveAt: t))
            }
        }
    }

    private mutating func editPermissionSet(_ id: String, _ edit: (inout PermissionSetState) -> Void) {
        guard var ps = permissionSets[id] else { return }
        edit(&ps)
        ps.version += 1
        permissionSets[id] = ps
    }

    private mutating func assignmentCreated(_ p: AccountAssignmentResult, at t: Instant) {
        let key = p.key
        if case .provisioned = assignments[key] { return }
        assignments[key] = .provisioned(since: t)
        if grants[key.principal, default: []].insert(key.target).inserted { sortedGrants[key.principal, default: []].insertSorted(key.target) }
        if var role = roles[key.target] {
            role.assignmentCount += 1
            roles[key.target] = role
        } else {
            let generation = roleGenerations[key.target, default: 0] + 1
            roleGenerations[key.target] = generation
            let ps = permissionSets[key.target.permissionSetId]
            let name = p.roleName ?? ReservedRoleName.make(permissionSetName: ps?.name ?? key.target.permissionSetId,
                                                            permissionSetId: key.target.permissionSetId,
                                                            accountId: key.target.accountId, generation: generation)
            roles[key.target] = ProvisionedRole(roleName: name, generation: generation, provisionedVersion: ps?.version ?? 0,
                                                assignmentCount: 1, createdAt: t)
        }
    }

    private mutating func assignmentDeleted(_ p: AccountAssignmentResult) {
        let key = p.key
        guard assignments.removeValue(forKey: key) != nil else { return }
        if grants[key.principal]?.remove(key.target) != nil { sortedGrants[key.principal]?.removeSorted(key.target) }
        if grants[key.principal]?.isEmpty == true { grants[key.principal] = nil; sortedGrants[key.principal] = nil }
        guard var role = roles[key.target] else { return }
        role.assignmentCount -= 1
        roles[key.target] = role.assignmentCount > 0 ? role : nil
    }

    private mutating func patchUser(_ p: PatchUser, at t: Instant) {
        guard var user = identityCenter.users[p.userId] else { return }
        for op in p.operations {
            if op.path == "active" {
                let active = op.op != .remove && op.value?.lowercased() == "true"
                let status: UserStatus = active ? .active : .disabled
                if status != user.status { user.status = status; user.statusSince = t }
            } else {
                user.attributes.apply(op)
            }
        }
        identityCenter.users[p.userId] = user
    }

    private mutating func idpChange(_ p: IdPDirectoryChange, at t: Instant) {
        switch p.change {
        case .userCreated:
            idp.users[p.userId] = DirectoryUser(userId: p.userId, attributes: p.attributes ?? UserAttributes.placeholder(p.userId),
                                                status: .active, statusSince: t, groups: [])
        case .userUpdated:
            if let a = p.attributes { idp.users[p.userId]?.attributes = a }
        case .userDeactivated:
            idp.users[p.userId]?.status = .disabled
            idp.users[p.userId]?.statusSince = t
        case .userDeleted:
            idp.users[p.userId]?.status = .deleted
            idp.users[p.userId]?.statusSince = t
        case .groupMemberAdded:
            if let g = p.groupId { idp.addMember(p.userId, to: g) }
        case .groupMemberRemoved:
            if let g = p.groupId { idp.removeMember(p.userId, from: g) }
        }
    }
}

extension AccountAssignmentRequest {
    var key: AssignmentKey { AssignmentKey(target: AccountPermissionSet(accountId, permissionSetId), principal: Principal(principalType, principalId)) }
}

extension AccountAssignmentResult {
    var key: AssignmentKey { AssignmentKey(target: AccountPermissionSet(accountId, permissionSetId), principal: Principal(principalType, principalId)) }
}

extension UserAttributes {
    static func placeholder(_ userId: String) -> UserAttributes {
        UserAttributes(userName: userId, givenName: "", familyName: "", displayName: userId, email: "")
    }

    /// The SCIM attribute paths AccessLab models, as Identity Center names them.
    public static let patchablePaths: [String] = [
        "userName", "name.givenName", "name.familyName", "displayName", "emails[type eq \"work\"].value", "title",
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department",
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:costCenter",
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:division",
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager",
    ]

    /// Applies one SCIM PATCH operation; `division` carries the team.
    public mutating func apply(_ op: PatchOperation) {
        let value = op.op == .remove ? nil : op.value
        let leaf = op.path.split(separator: ":").last.map(String.init) ?? op.path
        switch leaf {
        case "userName": if let v = value { userName = v }
        case "name.givenName", "givenName": if let v = value { givenName = v }
        case "name.familyName", "familyName": if let v = value { familyName = v }
        case "displayName": if let v = value { displayName = v }
        case "title": title = value
        case "department": department = value
        case "costCenter": costCenter = value
        case "division", "team": team = value
        case "manager": manager = value
        default: if op.path.hasPrefix("emails"), let v = value { email = v }
        }
    }
}

extension Array where Element == AccountPermissionSet {
    /// Inserts `target` where it keeps the array sorted (it is not already there).
    mutating func insertSorted(_ target: AccountPermissionSet) {
        insert(target, at: partitionPoint { $0 < target })
    }

    mutating func removeSorted(_ target: AccountPermissionSet) {
        if let i = firstIndex(of: target) { remove(at: i) }
    }
}

extension Dictionary where Key == String, Value == Set<String> {
    /// Drops `id` from `owner`'s set, and `owner`'s entry once it is empty: one lookup of the owner, not three.
    public mutating func remove(_ id: String, ofOwner owner: String) {
        guard let i = index(forKey: owner) else { return }
        values[i].remove(id)
        if values[i].isEmpty { remove(at: i) }
    }
}
