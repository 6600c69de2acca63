// Identity store changes as Identity Center's SCIM endpoint receives them, and the IdP and HR upstream.

/// The attributes of a user that provisioning carries (core and enterprise schema).
public struct UserAttributes: Codable, Hashable, Sendable {
    public var userName: String
    public var givenName: String
    public var familyName: String
    public var displayName: String
    public var email: String
    public var department: String?
    public var costCenter: String?
    public var title: String?
    public var manager: String?
    /// Team is not a standard enterprise attribute; it is mapped from an IdP extension attribute.
    public var team: String?
    public init(userName: String, givenName: String, familyName: String, displayName: String, email: String,
                department: String? = nil, costCenter: String? = nil, title: String? = nil, manager: String? = nil, team: String? = nil) {
        self.userName = userName; self.givenName = givenName; self.familyName = familyName
        self.displayName = displayName; self.email = email; self.department = department
        self.costCenter = costCenter; self.title = title; self.manager = manager; self.team = team
    }
}

/// SCIM `POST /Users`.
public struct CreateUser: EventPayload {
    public var userId: String
    public var attributes: UserAttributes
    public var active: Bool
    public init(userId: String, attributes: UserAttributes, active: Bool = true) {
        self.userId = userId; self.attributes = attributes; self.active = active
    }
}

/// One SCIM PatchOp operation.
public struct PatchOperation: Codable, Hashable, Sendable {
    public enum Op: String, Codable, Hashable, Sendable, CaseIterable { case add, replace, remove }
    public var op: Op
    /// e.g. `active`, `displayName`, `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department`.
    public var path: String
    public var value: String?
    public init(op: Op, path: String, value: String? = nil) { self.op = op; self.path = path; self.value = value }
}

/// SCIM `PATCH /Users/{id}`; `active=false` is the disable.
public struct PatchUser: EventPayload {
    public var userId: String
    public var operations: [PatchOperation]
    public init(userId: String, operations: [PatchOperation]) { self.userId = userId; self.operations = operations }
}

/// SCIM `DELETE /Users/{id}`.
public struct DeleteUser: EventPayload {
    public var userId: String
    public init(userId: String) { self.userId = userId }
}

/// SCIM `POST /Groups` (at most 100 members in the request).
public struct CreateGroup: EventPayload {
    public var groupId: String
    public var displayName: String
    public var members: [String]
    public init(groupId: String, displayName: String, members: [String] = []) {
        self.groupId = groupId; self.displayName = displayName; self.members = members
    }
}

/// SCIM `PATCH /Groups/{id}` with member add and remove operations (at most 100 changes a request).
public struct PatchGroup: EventPayload {
    public var groupId: String
    public var membersAdded: [String]
    public var membersRemoved: [String]
    public init(groupId: String, membersAdded: [String] = [], membersRemoved: [String] = []) {
        self.groupId = groupId; self.membersAdded = membersAdded; self.membersRemoved = membersRemoved
    }
}

/// A group's `displayName` replaced: SCIM `PATCH /Groups/{id}` or identitystore `UpdateGroup`.
public struct UpdateGroup: EventPayload {
    public var groupId: String
    public var displayName: String
    public init(groupId: String, displayName: String) { self.groupId = groupId; self.displayName = displayName }
}

/// SCIM `DELETE /Groups/{id}`.
public struct DeleteGroup: EventPayload {
    public var groupId: String
    public init(groupId: String) { self.groupId = groupId }
}

// MARK: - Upstream of the IdP

/// HR records a hire: the person exists from `time` on, and the IdP learns of it after its lag.
public struct HRHire: EventPayload {
    public var employeeId: String
    public var attributes: UserAttributes
    public init(employeeId: String, attributes: UserAttributes) { self.employeeId = employeeId; self.attributes = attributes }
}

/// HR records a move: department or team change.
public struct HRTransfer: EventPayload {
    public var employeeId: String
    public var fromDepartment: String?
    public var toDepartment: String?
    public var fromTeam: String?
    public var toTeam: String?
    public init(employeeId: String, fromDepartment: String? = nil, toDepartment: String? = nil, fromTeam: String? = nil, toTeam: String? = nil) {
        self.employeeId = employeeId; self.fromDepartment = fromDepartment; self.toDepartment = toDepartment
        self.fromTeam = fromTeam; self.toTeam = toTeam
    }
}

/// Identity Center refused an identity-store change (a SCIM request or an identitystore call), for
/// example a group membership for a user it does not hold. Nothing changes in Identity Center; the
/// sender sees the error and must send again.
public struct IdentityStoreRequestFailed: EventPayload {
    /// The request refused: `PatchGroup` (SCIM) or `CreateGroupMembership` (identitystore).
    public var operation: String
    public var userId: String
    public var groupId: String?
    /// The error Identity Center answers with, e.g. `ResourceNotFoundException`.
    public var error: String
    public var message: String
    public init(operation: String, userId: String, groupId: String? = nil, error: String, message: String) {
        self.operation = operation; self.userId = userId; self.groupId = groupId; self.error = error; self.message = message
    }
}

/// HR records a termination: the moment revocation latency is measured from.
public struct HRTermination: EventPayload {
    public var employeeId: String
    public init(employeeId: String) { self.employeeId = employeeId }
}

/// A change in the IdP's own directory, before any sync carries it to Identity Center.
public struct IdPDirectoryChange: EventPayload {
    public enum Change: String, Codable, Hashable, Sendable, CaseIterable {
        case userCreated, userUpdated, userDeactivated, userDeleted, groupMemberAdded, groupMemberRemoved
    }
    public var change: Change
    /// The user's id in Identity Center (the IdP knows it after the first sync; the simulator assigns it at hire).
    public var userId: String
    public var groupId: String?
    public var attributes: UserAttributes?
    public init(change: Change, userId: String, groupId: String? = nil, attributes: UserAttributes? = nil) {
        self.change = change; self.userId = userId; self.groupId = groupId; self.attributes = attributes
    }
}

/// The IdP's provisioning job: a cycle starting or ending (Entra), a push sent (Okta), a scheduled run (ssosync).
public struct IdPSync: EventPayload {
    public enum Phase: String, Codable, Hashable, Sendable, CaseIterable { case started, finished }
    public var phase: Phase
    public var cycle: Int64
    /// Changes carried by this sync (on `finished`).
    public var changes: Int64
    public init(phase: Phase, cycle: Int64, changes: Int64 = 0) { self.phase = phase; self.cycle = cycle; self.changes = changes }
}
