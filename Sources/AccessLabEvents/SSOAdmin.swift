// Payloads of sso-admin operations: permission sets, provisioning, account assignments, ABAC configuration.

/// `sso:CreatePermissionSet`.
public struct CreatePermissionSet: EventPayload {
    public var permissionSetId: String
    public var name: String
    public var description: String
    /// ISO-8601 duration in the API (`PT1H`); seconds here. 1 h to 12 h.
    public var sessionDuration_s: Int64
    public var relayState: String?
    public init(permissionSetId: String, name: String, description: String = "", sessionDuration_s: Int64 = 3600, relayState: String? = nil) {
        self.permissionSetId = permissionSetId; self.name = name; self.description = description
        self.sessionDuration_s = sessionDuration_s; self.relayState = relayState
    }
}

/// `sso:UpdatePermissionSet`: absent fields are left as they are.
public struct UpdatePermissionSet: EventPayload {
    public var permissionSetId: String
    public var description: String?
    public var sessionDuration_s: Int64?
    public var relayState: String?
    public init(permissionSetId: String, description: String? = nil, sessionDuration_s: Int64? = nil, relayState: String? = nil) {
        self.permissionSetId = permissionSetId; self.description = description
        self.sessionDuration_s = sessionDuration_s; self.relayState = relayState
    }
}

/// An operation that names only a permission set: `sso:DeletePermissionSet`, `sso:DeleteInlinePolicyFromPermissionSet`,
/// `sso:DeletePermissionsBoundaryFromPermissionSet`.
public struct PermissionSetRef: EventPayload {
    public var permissionSetId: String
    public init(permissionSetId: String) { self.permissionSetId = permissionSetId }
}

/// `sso:AttachManagedPolicyToPermissionSet` / `sso:DetachManagedPolicyFromPermissionSet`.
public struct ManagedPolicyAttachment: EventPayload {
    public var permissionSetId: String
    /// e.g. `arn:aws:iam::aws:policy/ReadOnlyAccess`.
    public var managedPolicyArn: String
    public init(permissionSetId: String, managedPolicyArn: String) {
        self.permissionSetId = permissionSetId; self.managedPolicyArn = managedPolicyArn
    }
}

/// A customer managed policy named by name and path; it must exist in every target account.
public struct CustomerManagedPolicyReference: Codable, Hashable, Sendable {
    public var name: String
    public var path: String
    public init(name: String, path: String = "/") { self.name = name; self.path = path }
}

/// `sso:AttachCustomerManagedPolicyReferenceToPermissionSet` / `...Detach...`.
public struct CustomerManagedPolicyAttachment: EventPayload {
    public var permissionSetId: String
    public var reference: CustomerManagedPolicyReference
    public init(permissionSetId: String, reference: CustomerManagedPolicyReference) {
        self.permissionSetId = permissionSetId; self.reference = reference
    }
}

/// `sso:PutInlinePolicyToPermissionSet`.
public struct PutInlinePolicyToPermissionSet: EventPayload {
    public var permissionSetId: String
    public var inlinePolicy: String
    public init(permissionSetId: String, inlinePolicy: String) {
        self.permissionSetId = permissionSetId; self.inlinePolicy = inlinePolicy
    }
}

/// `sso:PutPermissionsBoundaryToPermissionSet`: exactly one of the two references is set.
public struct PutPermissionsBoundaryToPermissionSet: EventPayload {
    public var permissionSetId: String
    public var managedPolicyArn: String?
    public var customerManagedPolicyReference: CustomerManagedPolicyReference?
    public init(permissionSetId: String, managedPolicyArn: String? = nil, customerManagedPolicyReference: CustomerManagedPolicyReference? = nil) {
        self.permissionSetId = permissionSetId; self.managedPolicyArn = managedPolicyArn
        self.customerManagedPolicyReference = customerManagedPolicyReference
    }
}

/// `sso:ProvisionPermissionSet`: the request. Completion is reported per account.
public struct ProvisionPermissionSet: EventPayload {
    public var requestId: String
    public var permissionSetId: String
    /// `AWS_ACCOUNT` with one target, or `ALL_PROVISIONED_ACCOUNTS` (listed here as resolved at request time).
    public var targetAccountIds: [String]
    public init(requestId: String, permissionSetId: String, targetAccountIds: [String]) {
        self.requestId = requestId; self.permissionSetId = permissionSetId; self.targetAccountIds = targetAccountIds
    }
}

/// The per-account outcome of a `ProvisionPermissionSet` request.
public struct PermissionSetProvisioningResult: EventPayload {
    public var requestId: String
    public var permissionSetId: String
    public var accountId: String
    /// The permission-set version now in the account's role (on success).
    public var permissionSetVersion: Int64
    /// Why it failed (e.g. a customer managed policy missing in the account); nil on success.
    public var failureReason: String?
    public init(requestId: String, permissionSetId: String, accountId: String, permissionSetVersion: Int64, failureReason: String? = nil) {
        self.requestId = requestId; self.permissionSetId = permissionSetId; self.accountId = accountId
        self.permissionSetVersion = permissionSetVersion; self.failureReason = failureReason
    }
}

/// Principal kinds of an account assignment.
public enum PrincipalType: String, Codable, Hashable, Sendable, CaseIterable {
    case USER, GROUP
}

/// The (principal, permission set, account) triple with the request that created or deletes it:
/// `sso:CreateAccountAssignment` and `sso:DeleteAccountAssignment` requests.
public struct AccountAssignmentRequest: EventPayload {
    public var requestId: String
    public var accountId: String
    public var permissionSetId: String
    public var principalType: PrincipalType
    public var principalId: String
    public init(requestId: String, accountId: String, permissionSetId: String, principalType: PrincipalType, principalId: String) {
        self.requestId = requestId; self.accountId = accountId; self.permissionSetId = permissionSetId
        self.principalType = principalType; self.principalId = principalId
    }
}

/// The asynchronous outcome of an assignment creation or deletion request
/// (`DescribeAccountAssignmentCreationStatus` / `...DeletionStatus` reaching `SUCCEEDED` or `FAILED`).
public struct AccountAssignmentResult: EventPayload {
    public var requestId: String
    public var accountId: String
    public var permissionSetId: String
    public var principalType: PrincipalType
    public var principalId: String
    /// The `AWSReservedSSO_<PermissionSetName>_<16 hex>` role the assignment uses (created or deleted).
    public var roleName: String?
    /// Whether this outcome created (creation) or deleted (deletion) the role in the account.
    public var roleChanged: Bool
    public var failureReason: String?
    public init(requestId: String, accountId: String, permissionSetId: String, principalType: PrincipalType, principalId: String,
                roleName: String?, roleChanged: Bool, failureReason: String? = nil) {
        self.requestId = requestId; self.accountId = accountId; self.permissionSetId = permissionSetId
        self.principalType = principalType; self.principalId = principalId
        self.roleName = roleName; self.roleChanged = roleChanged; self.failureReason = failureReason
    }
}

/// One ABAC attribute: the tag key and where its value comes from (`${path:enterprise.department}`).
public struct AccessControlAttribute: Codable, Hashable, Sendable {
    public var key: String
    public var source: [String]
    public init(key: String, source: [String]) { self.key = key; self.source = source }
}

/// `sso:CreateInstanceAccessControlAttributeConfiguration` / `Update...`: the whole configuration.
public struct PutAccessControlAttributeConfiguration: EventPayload {
    public var attributes: [AccessControlAttribute]
    public init(attributes: [AccessControlAttribute]) { self.attributes = attributes }
}

/// An admin deleting a user's active portal sessions (console: Users > Active sessions > Delete).
public struct DeleteUserPortalSessions: EventPayload {
    public var userId: String
    public init(userId: String) { self.userId = userId }
}
