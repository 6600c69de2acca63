import AccessLabEvents
import AccessLabProjections

/// The state as the real APIs would answer, so a boto3- or moto-based suite can seed itself. Keys are
/// `service:Operation`; operations that take a parameter are keyed by it (see README).
public enum AWSShapes {
    public static let identityStoreId = "d-0000000000"
    public static let instanceArn = "arn:aws:sso:::instance/ssoins-0000000000000000"
    public static let organizationId = "o-accesslab00"

    public static func permissionSetArn(_ id: String) -> String { "arn:aws:sso:::permissionSet/ssoins-0000000000000000/\(id)" }

    public struct Name: Encodable { var GivenName, FamilyName, Formatted: String }
    public struct Email: Encodable { var Value: String; var `Type` = "work"; var Primary = true }
    public struct User: Encodable {
        var UserId, UserName: String
        var Name: Name
        var DisplayName: String
        var Emails: [Email]
        var Title: String?
        var IdentityStoreId = AWSShapes.identityStoreId
    }
    public struct Group: Encodable { var GroupId, DisplayName: String; var IdentityStoreId = AWSShapes.identityStoreId }
    public struct MemberId: Encodable { var UserId: String }
    public struct Membership: Encodable {
        var IdentityStoreId = AWSShapes.identityStoreId
        var MembershipId, GroupId: String
        var MemberId: MemberId
    }
    public struct PermissionSet: Encodable {
        var Name, PermissionSetArn: String
        var Description: String?
        var CreatedDate: Instant
        var SessionDuration: String
    }
    public struct AccountAssignment: Encodable { var AccountId, PermissionSetArn, PrincipalType, PrincipalId: String }
    public struct Account: Encodable {
        var Id, Arn, Email, Name: String
        var Status = "ACTIVE"
        var JoinedMethod = "CREATED"
        var JoinedTimestamp: Instant
    }

    public struct Users: Encodable { var Users: [User] }
    public struct Groups: Encodable { var Groups: [Group] }
    public struct Memberships: Encodable { var GroupMemberships: [Membership] }
    public struct PermissionSetArns: Encodable { var PermissionSets: [String] }
    public struct DescribedPermissionSet: Encodable { var PermissionSet: PermissionSet }
    public struct Assignments: Encodable { var AccountAssignments: [AccountAssignment] }
    public struct Accounts: Encodable { var Accounts: [Account] }

    /// One document with every response. Dictionaries are encoded with sorted keys by the caller.
    public struct Document: Encodable {
        enum CodingKeys: String, CodingKey {
            case listUsers = "identitystore:ListUsers", listGroups = "identitystore:ListGroups"
            case listGroupMemberships = "identitystore:ListGroupMemberships"
            case listPermissionSets = "sso-admin:ListPermissionSets", describePermissionSet = "sso-admin:DescribePermissionSet"
            case listAccountAssignments = "sso-admin:ListAccountAssignments"
            case listPermissionSetsProvisionedToAccount = "sso-admin:ListPermissionSetsProvisionedToAccount"
            case listAccounts = "organizations:ListAccounts"
            case instanceArn = "InstanceArn", identityStoreId = "IdentityStoreId"
        }
        var instanceArn = AWSShapes.instanceArn
        var identityStoreId = AWSShapes.identityStoreId
        var listUsers: Users
        var listGroups: Groups
        /// By GroupId.
        var listGroupMemberships: [String: Memberships]
        var listPermissionSets: PermissionSetArns
        /// By PermissionSetArn.
        var describePermissionSet: [String: DescribedPermissionSet]
        /// By AccountId, then PermissionSetArn.
        var listAccountAssignments: [String: [String: Assignments]]
        /// By AccountId.
        var listPermissionSetsProvisionedToAccount: [String: PermissionSetArns]
        var listAccounts: Accounts
    }

    public static func document(_ state: AccessState) -> Document {
        let users = state.identityCenter.users.values.filter { $0.status != .deleted }.sorted { $0.userId < $1.userId }
        let groups = state.identityCenter.groups.values.sorted { $0.groupId < $1.groupId }
        var memberships: [String: Memberships] = [:]
        for g in groups {
            memberships[g.groupId] = Memberships(GroupMemberships: g.members.sorted().map {
                Membership(MembershipId: "m-" + String(FNV1a.hash64("\(g.groupId)/\($0)"), radix: 16), GroupId: g.groupId, MemberId: MemberId(UserId: $0))
            })
        }
        let sets = state.permissionSets.values.sorted { $0.permissionSetId < $1.permissionSetId }
        var described: [String: DescribedPermissionSet] = [:]
        for ps in sets {
            let arn = permissionSetArn(ps.permissionSetId)
            described[arn] = DescribedPermissionSet(PermissionSet: PermissionSet(
                Name: ps.name, PermissionSetArn: arn, Description: nil, CreatedDate: ps.createdAt, SessionDuration: isoDuration(ps.sessionDuration)))
        }
        var assignments: [String: [String: Assignments]] = [:]
        for key in state.assignments.keys.sorted() {
            guard case .provisioned = state.assignments[key] else { continue }
            let arn = permissionSetArn(key.target.permissionSetId)
            assignments[key.target.accountId, default: [:]][arn, default: Assignments(AccountAssignments: [])].AccountAssignments.append(
                AccountAssignment(AccountId: key.target.accountId, PermissionSetArn: arn, PrincipalType: key.principal.type.rawValue,
                                  PrincipalId: key.principal.id))
        }
        var provisioned: [String: PermissionSetArns] = [:]
        for target in state.roles.keys.sorted() {
            provisioned[target.accountId, default: PermissionSetArns(PermissionSets: [])].PermissionSets.append(permissionSetArn(target.permissionSetId))
        }
        let management = state.organization.accounts.values.first { $0.isManagementAccount }?.accountId ?? "000000000000"
        let accounts = state.organization.accounts.values.sorted { $0.accountId < $1.accountId }.map {
            Account(Id: $0.accountId, Arn: "arn:aws:organizations::\(management):account/\(organizationId)/\($0.accountId)",
                    Email: "aws+\($0.name)@example.com", Name: $0.name, JoinedTimestamp: $0.createdAt)
        }
        return Document(
            listUsers: Users(Users: users.map { u in
                User(UserId: u.userId, UserName: u.attributes.userName,
                     Name: Name(GivenName: u.attributes.givenName, FamilyName: u.attributes.familyName,
                                Formatted: "\(u.attributes.givenName) \(u.attributes.familyName)"),
                     DisplayName: u.attributes.displayName, Emails: [Email(Value: u.attributes.email)], Title: u.attributes.title)
            }),
            listGroups: Groups(Groups: groups.map { Group(GroupId: $0.groupId, DisplayName: $0.displayName) }),
            listGroupMemberships: memberships,
            listPermissionSets: PermissionSetArns(PermissionSets: sets.map { permissionSetArn($0.permissionSetId) }),
            describePermissionSet: described, listAccountAssignments: assignments,
            listPermissionSetsProvisionedToAccount: provisioned, listAccounts: Accounts(Accounts: accounts))
    }

    /// ISO-8601 duration as sso-admin writes session durations (`PT12H`, `PT1H30M`).
    public static func isoDuration(_ d: Duration_ms) -> String {
        let total = d.ms / 1000
        let h = total / 3600, m = total / 60 % 60, s = total % 60
        return "PT" + (h > 0 ? "\(h)H" : "") + (m > 0 ? "\(m)M" : "") + (s > 0 || total == 0 ? "\(s)S" : "")
    }
}
