// Which entities each payload touches, for the log's entity indexes (timelines, `log --user`).
// HR employee ids are the users' identity-store ids in AccessLab, so HR events index under the user.
// Each payload hands them to a closure rather than returning an array: the log asks for every event's.

extension CreateOrganizationalUnit { public func forEachEntity(_ body: (EntityRef.Kind, String) -> Void) {} }
extension CreateAccount { public func forEachEntity(_ body: (EntityRef.Kind, String) -> Void) { body(.account, accountId) } }
extension MoveAccount { public func forEachEntity(_ body: (EntityRef.Kind, String) -> Void) { body(.account, accountId) } }
extension CreateServiceControlPolicy { public func forEachEntity(_ body: (EntityRef.Kind, String) -> Void) {} }
extension AttachServiceControlPolicy { public func forEachEntity(_ body: (EntityRef.Kind, String) -> Void) { body(.account, targetId) } }
extension DetachServiceControlPolicy { public func forEachEntity(_ body: (EntityRef.Kind, String) -> Void) { body(.account, targetId) } }
extension CreateResourceControlPolicy { public func forEachEntity(_ body: (EntityRef.Kind, String) -> Void) {} }
extension ResourceControlPolicyAttachment { public func forEachEntity(_ body: (EntityRef.Kind, String) -> Void) { body(.account, targetId) } }
extension CreateCustomerManagedPolicy { public func forEachEntity(_ body: (EntityRef.Kind, String) -> Void) { body(.account, accountId) } }
extension TagResource { public func forEachEntity(_ body: (EntityRef.Kind, String) -> Void) { body(.account, accountId) } }

extension CreatePermissionSet { public func forEachEntity(_ body: (EntityRef.Kind, String) -> Void) { body(.permissionSet, permissionSetId) } }
extension UpdatePermissionSet { public func forEachEntity(_ body: (EntityRef.Kind, String) -> Void) { body(.permissionSet, permissionSetId) } }
extension PermissionSetRef { public func forEachEntity(_ body: (EntityRef.Kind, String) -> Void) { body(.permissionSet, permissionSetId) } }
extension ManagedPolicyAttachment { public func forEachEntity(_ body: (EntityRef.Kind, String) -> Void) { body(.permissionSet, permissionSetId) } }
extension CustomerManagedPolicyAttachment { public func forEachEntity(_ body: (EntityRef.Kind, String) -> Void) { body(.permissionSet, permissionSetId) } }
extension PutInlinePolicyToPermissionSet { public func forEachEntity(_ body: (EntityRef.Kind, String) -> Void) { body(.permissionSet, permissionSetId) } }
extension PutPermissionsBoundaryToPermissionSet { public func forEachEntity(_ body: (EntityRef.Kind, String) -> Void) { body(.permissionSet, permissionSetId) } }
extension ProvisionPermissionSet {
    public func forEachEntity(_ body: (EntityRef.Kind, String) -> Void) {
        body(.permissionSet, permissionSetId)
        for id in targetAccountIds { body(.account, id) }
    }
}
extension PermissionSetProvisioningResult {
    public func forEachEntity(_ body: (EntityRef.Kind, String) -> Void) { body(.permissionSet, permissionSetId); body(.account, accountId) }
}
extension AccountAssignmentRequest {
    public func forEachEntity(_ body: (EntityRef.Kind, String) -> Void) {
        body(.account, accountId); body(.permissionSet, permissionSetId); body(principal(principalType), principalId)
    }
}
extension AccountAssignmentResult {
    public func forEachEntity(_ body: (EntityRef.Kind, String) -> Void) {
        body(.account, accountId); body(.permissionSet, permissionSetId); body(principal(principalType), principalId)
    }
}
extension PutAccessControlAttributeConfiguration { public func forEachEntity(_ body: (EntityRef.Kind, String) -> Void) {} }
extension DeleteUserPortalSessions { public func forEachEntity(_ body: (EntityRef.Kind, String) -> Void) { body(.user, userId) } }

extension CreateUser { public func forEachEntity(_ body: (EntityRef.Kind, String) -> Void) { body(.user, userId) } }
extension PatchUser { public func forEachEntity(_ body: (EntityRef.Kind, String) -> Void) { body(.user, userId) } }
extension DeleteUser { public func forEachEntity(_ body: (EntityRef.Kind, String) -> Void) { body(.user, userId) } }
extension CreateGroup {
    public func forEachEntity(_ body: (EntityRef.Kind, String) -> Void) {
        body(.group, groupId)
        for id in members { body(.user, id) }
    }
}
extension PatchGroup {
    public func forEachEntity(_ body: (EntityRef.Kind, String) -> Void) {
        body(.group, groupId)
        for id in membersAdded { body(.user, id) }
        for id in membersRemoved { body(.user, id) }
    }
}
extension UpdateGroup { public func forEachEntity(_ body: (EntityRef.Kind, String) -> Void) { body(.group, groupId) } }
extension DeleteGroup { public func forEachEntity(_ body: (EntityRef.Kind, String) -> Void) { body(.group, groupId) } }
extension IdentityStoreRequestFailed {
    public func forEachEntity(_ body: (EntityRef.Kind, String) -> Void) {
        body(.user, userId)
        if let groupId { body(.group, groupId) }
    }
}

extension HRHire { public func forEachEntity(_ body: (EntityRef.Kind, String) -> Void) { body(.user, employeeId) } }
extension HRTransfer { public func forEachEntity(_ body: (EntityRef.Kind, String) -> Void) { body(.user, employeeId) } }
extension HRTermination { public func forEachEntity(_ body: (EntityRef.Kind, String) -> Void) { body(.user, employeeId) } }
extension IdPDirectoryChange {
    public func forEachEntity(_ body: (EntityRef.Kind, String) -> Void) {
        body(.user, userId)
        if let groupId { body(.group, groupId) }
    }
}
extension IdPSync { public func forEachEntity(_ body: (EntityRef.Kind, String) -> Void) {} }

extension PortalSignIn { public func forEachEntity(_ body: (EntityRef.Kind, String) -> Void) { body(.user, userId) } }
extension PortalSessionEnded { public func forEachEntity(_ body: (EntityRef.Kind, String) -> Void) { body(.user, userId) } }
extension CreateToken { public func forEachEntity(_ body: (EntityRef.Kind, String) -> Void) { body(.user, userId) } }
extension AccessRefused {
    public func forEachEntity(_ body: (EntityRef.Kind, String) -> Void) {
        body(.user, userId)
        if let accountId { body(.account, accountId) }
        if let permissionSetId { body(.permissionSet, permissionSetId) }
    }
}
extension RoleCredentialsIssued {
    public func forEachEntity(_ body: (EntityRef.Kind, String) -> Void) { body(.user, userId); body(.account, accountId); body(.permissionSet, permissionSetId) }
}
extension RoleCredentialsExpired { public func forEachEntity(_ body: (EntityRef.Kind, String) -> Void) { body(.user, userId); body(.account, accountId) } }
extension UserDenyPolicy { public func forEachEntity(_ body: (EntityRef.Kind, String) -> Void) { body(.user, userId) } }

private func principal(_ type: PrincipalType) -> EntityRef.Kind {
    type == .USER ? .user : .group
}
