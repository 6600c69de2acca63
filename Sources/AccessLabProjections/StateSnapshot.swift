import AccessLabEvents

/// The canonical, serializable form of an `AccessState`: every collection a sorted array, so that the
/// same state always gives the same bytes (binary in the log's snapshot store, JSON for fixtures).
public struct StateSnapshot: Codable, Equatable, Sendable {
    /// 2: resource control policies in the organization (AccessLab 0.4).
    public static let currentFormat = 2
    public var format: Int = StateSnapshot.currentFormat
    public var seq: UInt64
    public var time: Instant?
    public var identityCenter: DirectorySnapshot
    public var idp: DirectorySnapshot
    public var organization: OrganizationSnapshot
    public var permissionSets: [PermissionSetSnapshot]
    public var assignments: [AssignmentSnapshot]
    public var roles: [RoleSnapshot]
    public var roleGenerations: [RoleGenerationSnapshot]
    public var portalSessions: [PortalSessionSnapshot]
    public var credentials: [CredentialSnapshot]
    public var denies: [DenySnapshot]
    public var accessControlAttributes: [AccessControlAttribute]
    public var resources: [ResourceSnapshot]
    public var customerManagedPolicies: [CustomerManagedPolicySnapshot]
}

public struct CustomerManagedPolicySnapshot: Codable, Equatable, Sendable {
    public var accountId, name, document: String
}

public struct DirectorySnapshot: Codable, Equatable, Sendable {
    public struct User: Codable, Equatable, Sendable {
        public var userId: String
        public var attributes: UserAttributes
        public var status: UserStatus
        public var statusSince: Instant
        public var groups: [String]
    }
    public struct Group: Codable, Equatable, Sendable {
        public var groupId: String
        public var displayName: String
        public var members: [String]
    }
    public var users: [User]
    public var groups: [Group]
}

public struct OrganizationSnapshot: Codable, Equatable, Sendable {
    public struct Account: Codable, Equatable, Sendable {
        public var accountId, name, parentId: String
        public var isManagementAccount: Bool
        public var createdAt: Instant
    }
    public struct Unit: Codable, Equatable, Sendable {
        public var ouId, name, parentId: String
    }
    public struct Policy: Codable, Equatable, Sendable {
        public var policyId, name, content: String
        public var targets: [String]
    }
    public var accounts: [Account]
    public var organizationalUnits: [Unit]
    public var serviceControlPolicies: [Policy]
    public var resourceControlPolicies: [Policy]
}

public struct PermissionSetSnapshot: Codable, Equatable, Sendable {
    public var permissionSetId: String
    public var name: String
    public var sessionDuration_s: Int64
    public var version: Int64
    public var managedPolicyArns: [String]
    public var customerManagedPolicies: [CustomerManagedPolicyReference]
    public var inlinePolicy: String?
    public var permissionsBoundaryArn: String?
    public var permissionsBoundaryReference: CustomerManagedPolicyReference?
    public var createdAt: Instant
}

public struct AssignmentSnapshot: Codable, Equatable, Sendable {
    public enum Status: String, Codable, Sendable { case IN_PROGRESS, PROVISIONED, DELETE_IN_PROGRESS }
    public var accountId, permissionSetId: String
    public var principalType: PrincipalType
    public var principalId: String
    public var status: Status
    public var requestId: String?
    public var since: Instant?
}

public struct RoleSnapshot: Codable, Equatable, Sendable {
    public var accountId, permissionSetId, roleName: String
    public var generation: Int
    public var provisionedVersion: Int64
    public var assignmentCount: Int
    public var createdAt: Instant
}

public struct RoleGenerationSnapshot: Codable, Equatable, Sendable {
    public var accountId, permissionSetId: String
    public var generation: Int
}

public struct PortalSessionSnapshot: Codable, Equatable, Sendable {
    public var sessionId, userId: String
    public var startedAt, expiresAt: Instant
    public var deletedAt: Instant?
}

public struct CredentialSnapshot: Codable, Equatable, Sendable {
    public var credentialId, userId, accountId, permissionSetId, roleName, sessionId: String
    public var issuedAt, expiresAt: Instant
    public var sessionTags: [Tag]
}

public struct DenySnapshot: Codable, Equatable, Sendable {
    public var userId: String
    public var scope: DenyScope
    public var targetId: String
    public var requestedAt: Instant
    public var effectiveAt: Instant?
}

public struct ResourceSnapshot: Codable, Equatable, Sendable {
    public var accountId, arn: String
    public var tags: [Tag]
}
