// Which entities each payload touches, for the log's entity indexes (timelines, `log --user`).
// HR employee ids are the users' identity-store ids in AccessLab, so HR events index under the user.

extension CreateOrganizationalUnit { public var entities: [EntityRef] { [] } }
extension CreateAccount { public var entities: [EntityRef] { [.account(accountId)] } }
extension MoveAccount { public var entities: [EntityRef] { [.account(accountId)] } }
extension CreateServiceControlPolicy { public var entities: [EntityRef] { [] } }
extension AttachServiceControlPolicy { public var entities: [EntityRef] { [.account(targetId)] } }
extension DetachServiceControlPolicy { public var entities: [EntityRef] { [.account(targetId)] } }
extension CreateResourceControlPolicy { public var entities: [EntityRef] { [] } }
extension ResourceControlPolicyAttachment { public var entities: [EntityRef] { [.account(targetId)] } }
extension CreateCustomerManagedPolicy { public var entities: [EntityRef] { [.account(accountId)] } }
extension TagResource { public var entities: [EntityRef] { [.account(accountId)] } }

extension CreatePermissionSet { public var entities: [EntityRef] { [.permissionSet(permissionSetId)] } }
extension UpdatePermissionSet { public var entities: [EntityRef] { [.permissionSet(permissionSetId)] } }
extension PermissionSetRef { public var entities: [EntityRef] { [.permissionSet(permissionSetId)] } }
extension ManagedPolicyAttachment { public var entities: [EntityRef] { [.permissionSet(permissionSetId)] } }
extension CustomerManagedPolicyAttachment { public var entities: [EntityRef] { [.permissionSet(permissionSetId)] } }
extension PutInlinePolicyToPermissionSet { public var entities: [EntityRef] { [.permissionSet(permissionSetId)] } }
extension PutPermissionsBoundaryToPermissionSet { public var entities: [EntityRef] { [.permissionSet(permissionSetId)] } }
extension ProvisionPermissionSet {
    public var entities: [EntityRef] { [.permissionSet(permissionSetId)] + targetAccountIds.map(EntityRef.account) }
}
extension PermissionSetProvisioningResult {
    public var entities: [EntityRef] { [.permissionSet(permissionSetId), .account(accountId)] }
}
extension AccountAssignmentRequest {
    public var entities: [EntityRef] { [.account(accountId), .permissionSet(permissionSetId), principal(principalType, principalId)] }
}
extension AccountAssignmentResult {
    public var entities: [EntityRef] { [.account(accountId), .permissionSet(permissionSetId), principal(principalType, principalId)] }
}
extension PutAccessControlAttributeConfiguration { public var entities: [EntityRef] { [] } }
extension DeleteUserPortalSessions { public var entities: [EntityRef] { [.user(userId)] } }

extension CreateUser { public var entities: [EntityRef] { [.user(userId)] } }
extension PatchUser { public var entities: [EntityRef] { [.user(userId)] } }
extension DeleteUser { public var entities: [EntityRef] { [.user(userId)] } }
extension CreateGroup { public var entities: [EntityRef] { [.group(groupId)] + members.map(EntityRef.user) } }
extension PatchGroup {
    public var entities: [EntityRef] { [.group(groupId)] + (membersAdded + membersRemoved).map(EntityRef.user) }
}
extension UpdateGroup { public var entities: [EntityRef] { [.group(groupId)] } }
extension DeleteGroup { public var entities: [EntityRef] { [.group(groupId)] } }
extension IdentityStoreRequestFailed { public var entities: [EntityRef] { [.user(userId)] + (groupId.map { [.group($0)] } ?? []) } }

extension HRHire { public var entities: [EntityRef] { [.user(employeeId)] } }
extension HRTransfer { public var entities: [EntityRef] { [.user(employeeId)] } }
extension HRTermination { public var entities: [EntityRef] { [.user(employeeId)] } }
extension IdPDirectoryChange { public var entities: [EntityRef] { [.user(userId)] + (groupId.map { [.group($0)] } ?? []) } }
extension IdPSync { public var entities: [EntityRef] { [] } }

extension PortalSignIn { public var entities: [EntityRef] { [.user(userId)] } }
extension PortalSessionEnded { public var entities: [EntityRef] { [.user(userId)] } }
extension CreateToken { public var entities: [EntityRef] { [.user(userId)] } }
extension AccessRefused {
    public var entities: [EntityRef] {
        [.user(userId)] + (accountId.map { [.account($0)] } ?? []) + (permissionSetId.map { [.permissionSet($0)] } ?? [])
    }
}
extension RoleCredentialsIssued {
    public var entities: [EntityRef] { [.user(userId), .account(accountId), .permissionSet(permissionSetId)] }
}
extension RoleCredentialsExpired { public var entities: [EntityRef] { [.user(userId), .account(accountId)] } }
extension UserDenyPolicy { public var entities: [EntityRef] { [.user(userId)] } }

private func principal(_ type: PrincipalType, _ id: String) -> EntityRef {
    type == .USER ? .user(id) : .group(id)
}
