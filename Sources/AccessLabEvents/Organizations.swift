// Payloads of AWS Organizations operations, and of IAM policies created in member accounts.

/// `organizations:CreateOrganizationalUnit`.
public struct CreateOrganizationalUnit: EventPayload {
    public var ouId: String
    public var name: String
    /// The root (`r-...`) or another OU.
    public var parentId: String
    public init(ouId: String, name: String, parentId: String) {
        self.ouId = ouId; self.name = name; self.parentId = parentId
    }
}

/// `organizations:CreateAccount` (or an invited account joining).
public struct CreateAccount: EventPayload {
    public var accountId: String
    public var name: String
    public var parentId: String
    public var email: String
    /// The management account is exempt from SCPs.
    public var isManagementAccount: Bool
    public init(accountId: String, name: String, parentId: String, email: String, isManagementAccount: Bool = false) {
        self.accountId = accountId; self.name = name; self.parentId = parentId
        self.email = email; self.isManagementAccount = isManagementAccount
    }
}

/// `organizations:MoveAccount`.
public struct MoveAccount: EventPayload {
    public var accountId: String
    public var sourceParentId: String
    public var destinationParentId: String
    public init(accountId: String, sourceParentId: String, destinationParentId: String) {
        self.accountId = accountId; self.sourceParentId = sourceParentId; self.destinationParentId = destinationParentId
    }
}

/// `organizations:CreatePolicy` of type `SERVICE_CONTROL_POLICY`.
public struct CreateServiceControlPolicy: EventPayload {
    public var policyId: String
    public var name: String
    /// The policy document, JSON text as submitted.
    public var content: String
    public init(policyId: String, name: String, content: String) {
        self.policyId = policyId; self.name = name; self.content = content
    }
}

/// `organizations:CreatePolicy` of type `RESOURCE_CONTROL_POLICY` (November 2024): the same shape and
/// size limit as an SCP, evaluated on requests to the resources of the accounts below its targets.
public struct CreateResourceControlPolicy: EventPayload {
    public var policyId: String
    public var name: String
    /// The policy document, JSON text as submitted.
    public var content: String
    public init(policyId: String, name: String, content: String) {
        self.policyId = policyId; self.name = name; self.content = content
    }
}

/// `organizations:AttachPolicy` or `DetachPolicy` for an RCP; `targetId` is a root, OU or account.
public struct ResourceControlPolicyAttachment: EventPayload {
    public var policyId: String
    public var targetId: String
    public init(policyId: String, targetId: String) { self.policyId = policyId; self.targetId = targetId }
}

/// `organizations:AttachPolicy` for an SCP; `targetId` is a root, OU or account.
public struct AttachServiceControlPolicy: EventPayload {
    public var policyId: String
    public var targetId: String
    public init(policyId: String, targetId: String) { self.policyId = policyId; self.targetId = targetId }
}

/// `organizations:DetachPolicy` for an SCP.
public struct DetachServiceControlPolicy: EventPayload {
    public var policyId: String
    public var targetId: String
    public init(policyId: String, targetId: String) { self.policyId = policyId; self.targetId = targetId }
}

/// `iam:CreatePolicy` in a member account: the customer managed policy a permission set may reference by name and path.
public struct CreateCustomerManagedPolicy: EventPayload {
    public var accountId: String
    public var name: String
    public var path: String
    public var document: String
    public init(accountId: String, name: String, path: String = "/", document: String) {
        self.accountId = accountId; self.name = name; self.path = path; self.document = document
    }
}

/// A tag put on a resource in a member account (`tag:TagResources`), for ABAC on `aws:ResourceTag/*`.
public struct TagResource: EventPayload {
    public var accountId: String
    public var resourceArn: String
    public var tags: [Tag]
    public init(accountId: String, resourceArn: String, tags: [Tag]) {
        self.accountId = accountId; self.resourceArn = resourceArn; self.tags = tags
    }
}

/// A key/value tag. Lists of tags are kept in key order wherever they reach the log.
public struct Tag: Codable, Hashable, Sendable, Comparable {
    public var key: String
    public var value: String
    public init(key: String, value: String) { self.key = key; self.value = value }
    public static func < (a: Tag, b: Tag) -> Bool { (a.key, a.value) < (b.key, b.value) }
}
