import AccessLabEvents

/// The access state of an organization as the event log describes it up to some point: the identity
/// store as Identity Center sees it and as the IdP sees it, the organization, permission sets,
/// assignments, the `AWSReservedSSO_*` roles in each account, live sessions and credentials, and denies.
///
/// A pure fold: `apply` each event in log order. Nothing here reads a clock or does I/O, so the same
/// prefix of the log always gives the same state, whether folded incrementally or rebuilt.
public struct AccessState: Sendable, Equatable {
    /// The identity store as Identity Center holds it (fed by SCIM and identitystore calls).
    public internal(set) var identityCenter = Directory()
    /// The IdP's own directory (fed by `IdPDirectoryChange`): ahead of Identity Center until a sync.
    public internal(set) var idp = Directory()
    public internal(set) var organization = Organization()
    public internal(set) var permissionSets: [String: PermissionSetState] = [:]
    public internal(set) var assignments: [AssignmentKey: AssignmentStatus] = [:]
    /// Provisioned assignments by principal, for entitlement lookups.
    public internal(set) var grants: [Principal: Set<AccountPermissionSet>] = [:]
    /// The same targets per principal as sorted arrays, kept beside `grants`: a user's entitled targets
    /// are then a merge of a few sorted runs, not a sort of hash-ordered sets at every sign-in.
    public internal(set) var sortedGrants: [Principal: [AccountPermissionSet]] = [:]
    public internal(set) var roles: [AccountPermissionSet: ProvisionedRole] = [:]
    /// How many times a role has been created for (account, permission set); a re-created role gets a new suffix.
    public internal(set) var roleGenerations: [AccountPermissionSet: Int] = [:]
    public internal(set) var portalSessions: [String: PortalSession] = [:]
    public internal(set) var portalSessionsByUser: [String: Set<String>] = [:]
    public internal(set) var credentials: [String: RoleCredential] = [:]
    public internal(set) var credentialsByUser: [String: Set<String>] = [:]
    public internal(set) var denies: [String: [UserDeny]] = [:]
    public internal(set) var accessControlAttributes: [AccessControlAttribute] = []
    public internal(set) var resourceTags: [String: [String: [Tag]]] = [:]
    /// Customer managed policy documents by account, then by name.
    public internal(set) var customerManagedPolicies: [String: [String: String]] = [:]
    /// Time of the last event applied.
    public internal(set) var time: Instant?
    /// Sequence number of the last event applied.
    public internal(set) var seq: UInt64 = 0

    public init() {}
}

// MARK: - Value types

/// A user's status in a directory.
public enum UserStatus: String, Sendable, Codable, Comparable {
    case active, disabled, deleted
    public static func < (a: UserStatus, b: UserStatus) -> Bool { a.rawValue < b.rawValue }
}

/// A user record in one directory (Identity Center's or the IdP's).
public struct DirectoryUser: Sendable, Equatable {
    public var userId: String
    /// Boxed: most lookups want the status or the groups, and copying a user out of a directory
    /// then retains one box instead of every attribute string (a lookup of 100,000 users: 620 -> 220 ns).
    public var attributes: UserAttributes {
        get { box.attributes }
        set { box = AttributesBox(newValue) }
    }
    public var status: UserStatus
    /// When the status last changed (creation, disable, re-enable, delete).
    public var statusSince: Instant
    public var groups: Set<String>
    private var box: AttributesBox

    public init(userId: String, attributes: UserAttributes, status: UserStatus, statusSince: Instant, groups: Set<String>) {
        self.userId = userId; self.box = AttributesBox(attributes); self.status = status; self.statusSince = statusSince; self.groups = groups
    }

    public static func == (a: DirectoryUser, b: DirectoryUser) -> Bool {
        a.userId == b.userId && a.status == b.status && a.statusSince == b.statusSince && a.groups == b.groups
            && (a.box === b.box || a.box.attributes == b.box.attributes)
    }

    private final class AttributesBox: Sendable {
        let attributes: UserAttributes
        init(_ attributes: UserAttributes) { self.attributes = attributes }
    }
}

/// A group and its members.
public struct DirectoryGroup: Sendable, Equatable {
    public var groupId: String
    public var displayName: String
    public var members: Set<String>
}

/// Users and groups of one directory.
public struct Directory: Sendable, Equatable {
    public var users: [String: DirectoryUser] = [:]
    public var groups: [String: DirectoryGroup] = [:]
    public init() {}

    /// Adds a member the directory holds; a user it does not hold is not added (Identity Center refuses
    /// such a request), so a group never lists a member that does not list the group.
    mutating func addMember(_ userId: String, to groupId: String) {
        guard users[userId] != nil else { return }
        groups[groupId, default: DirectoryGroup(groupId: groupId, displayName: groupId, members: [])].members.insert(userId)
        users[userId]?.groups.insert(groupId)
    }

    mutating func removeMember(_ userId: String, from groupId: String) {
        groups[groupId]?.members.remove(userId)
        users[userId]?.groups.remove(groupId)
    }
}

/// OUs, accounts and SCP attachments.
public struct Organization: Sendable, Equatable {
    public struct Account: Sendable, Equatable {
        public var accountId: String
        public var name: String
        public var parentId: String
        public var isManagementAccount: Bool
        public var createdAt: Instant
    }
    public struct OrganizationalUnit: Sendable, Equatable {
        public var ouId: String
        public var name: String
        public var parentId: String
    }
    public var accounts: [String: Account] = [:]
    public var organizationalUnits: [String: OrganizationalUnit] = [:]
    public var serviceControlPolicies: [String: CreateServiceControlPolicy] = [:]
    /// Target (root, OU or account id) to attached policy ids, sorted.
    public var attachments: [String: [String]] = [:]
    public var resourceControlPolicies: [String: CreateResourceControlPolicy] = [:]
    /// Target (root, OU or account id) to attached RCP ids, sorted.
    public var rcpAttachments: [String: [String]] = [:]
    public init() {}

    /// The root's id (the one every `r-` parent names; `r-root` for an organisation without accounts).
    public var rootId: String {
        accounts.values.map(\.parentId).filter { $0.hasPrefix("r-") }.min() ?? "r-root"
    }

    /// The account's parents from its direct parent up to the root. Bounded: a cycle cannot loop forever.
    public func ancestors(ofAccount accountId: String) -> [String] {
        var chain: [String] = []
        var next = accounts[accountId]?.parentId
        while let id = next, chain.count < 16 {
            chain.append(id)
            next = organizationalUnits[id]?.parentId
        }
        return chain
    }
}

/// A permission set's definition; `version` changes on every edit.
public struct PermissionSetState: Sendable, Equatable {
    public var permissionSetId: String
    public var name: String
    public var sessionDuration: Duration_ms
    public var version: Int64
    public var managedPolicyArns: [String]
    public var customerManagedPolicies: [CustomerManagedPolicyReference]
    public var inlinePolicy: String?
    public var permissionsBoundary: PutPermissionsBoundaryToPermissionSet?
    public var createdAt: Instant
}

/// Who an assignment is for.
public struct Principal: Hashable, Sendable, Comparable {
    public var type: PrincipalType
    public var id: String
    public init(_ type: PrincipalType, _ id: String) { self.type = type; self.id = id }
    public static func < (a: Principal, b: Principal) -> Bool { (a.type.rawValue, a.id) < (b.type.rawValue, b.id) }
    /// The type as one byte: `PrincipalType`'s default hashing (it is `RawRepresentable`) hashes its
    /// name, a second string per lookup of the `grants` and `assignments` tables. Equality is unchanged.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(type == .USER ? 0 as UInt8 : 1)
        hasher.combine(id)
    }
}

/// An (account, permission set) pair: where one `AWSReservedSSO_*` role lives.
public struct AccountPermissionSet: Hashable, Sendable, Comparable {
    public var accountId: String
    public var permissionSetId: String
    public init(_ accountId: String, _ permissionSetId: String) { self.accountId = accountId; self.permissionSetId = permissionSetId }
    public static func < (a: Self, b: Self) -> Bool { (a.accountId, a.permissionSetId) < (b.accountId, b.permissionSetId) }
}

/// An account assignment: (principal, permission set, account).
public struct AssignmentKey: Hashable, Sendable, Comparable {
    public var target: AccountPermissionSet
    public var principal: Principal
    public init(target: AccountPermissionSet, principal: Principal) { self.target = target; self.principal = principal }
    public static func < (a: Self, b: Self) -> Bool { (a.target, a.principal) < (b.target, b.principal) }
}

/// Where an assignment's asynchronous request stands.
public enum AssignmentStatus: Sendable, Equatable {
    case creationInProgress(requestId: String)
    case provisioned(since: Instant)
    case deletionInProgress(requestId: String)
}

/// A provisioned `AWSReservedSSO_*` role.
public struct ProvisionedRole: Sendable, Equatable {
    public var roleName: String
    public var generation: Int
    public var provisionedVersion: Int64
    public var assignmentCount: Int
    public var createdAt: Instant
}

/// An access-portal session.
public struct PortalSession: Sendable, Equatable {
    public var sessionId: String
    public var userId: String
    public var startedAt: Instant
    public var expiresAt: Instant
    /// Set when an admin deleted the session; CLI tokens refreshed from it still work until their own expiry.
    public var deletedAt: Instant?
}

/// Role credentials as issued, with the session tags frozen at issue.
public struct RoleCredential: Sendable, Equatable {
    public var credentialId: String
    public var userId: String
    public var target: AccountPermissionSet
    public var roleName: String
    public var sessionId: String
    public var issuedAt: Instant
    public var expiresAt: Instant
    public var sessionTags: [Tag]
}

/// A deny on `identitystore:UserId`, and when it took effect.
public struct UserDeny: Sendable, Equatable {
    public var scope: DenyScope
    public var targetId: String
    public var requestedAt: Instant
    public var effectiveAt: Instant?
}

/// Why a user is entitled to an (account, permission set).
public enum EntitlementSource: Hashable, Sendable, Comparable {
    case direct
    case group(String)
}

/// One thing a user may assume, and through what.
public struct Entitlement: Hashable, Sendable, Comparable {
    public var target: AccountPermissionSet
    public var source: EntitlementSource
    public static func < (a: Self, b: Self) -> Bool { (a.target, a.source) < (b.target, b.source) }
}
