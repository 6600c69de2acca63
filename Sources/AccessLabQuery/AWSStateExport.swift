import AccessLabAWS
import AccessLabEvents
import AccessLabProjections
import Foundation

/// The state at one moment as the AWS API calls that would return it: one response per call (one per
/// page where AWS pages), each with the request that asks for it, in AWS's shapes (`AccessLabAWS`) and
/// with AWS-format ids. What an export of a real organisation holds, so the same readers take both.
public struct AWSStateExport {
    /// One API call and its answer.
    public struct Call {
        public var service: String
        public var operation: String
        /// The request, by its members' AWS names.
        public var request: AWSRequest
        /// The response body, JSON.
        public var response: Data
        /// Where the response is written, relative to the export's directory.
        public var file: String
    }

    public let ids: AWSIdentifiers
    let state: AccessState
    let at: Instant
    let revisions: IdentityStoreRevisions
    let management: String
    private(set) var calls: [Call] = []

    /// The calls for `state` at `at`, in the order an export script would make them.
    public static func calls(_ state: AccessState, at: Instant, region: String, revisions: IdentityStoreRevisions) throws -> [Call] {
        var export = AWSStateExport(state: state, at: at, region: region, revisions: revisions)
        try export.build()
        return export.calls
    }

    init(state: AccessState, at: Instant, region: String, revisions: IdentityStoreRevisions) {
        self.state = state
        self.at = at
        self.revisions = revisions
        ids = AWSIdentifiers(state: state, region: region)
        management = ids.namespace
    }

    // MARK: The calls

    mutating func build() throws {
        try identityStore()
        try ssoAdmin()
        try organizations()
        try portal()
    }

    private mutating func identityStore() throws {
        typealias I = AWS.IdentityStore
        let store = ids.identityStoreId
        let users = state.identityCenter.users.values.filter { $0.status != .deleted }.sorted { $0.userId < $1.userId }
        try paged("identitystore", "ListUsers", users.map(user), request: I.ListUsersRequest(identityStoreId: store)) {
            I.ListUsersResponse(users: $0, nextToken: $1)
        }
        let groups = state.identityCenter.groups.values.sorted { $0.groupId < $1.groupId }
        try paged("identitystore", "ListGroups", groups.map {
            I.Group(identityStoreId: store, groupId: ids.groupId($0.groupId), groupArn: ids.groupArn($0.groupId),
                    revision: revisions.revision($0.groupId), displayName: $0.displayName)
        },
                  request: I.ListGroupsRequest(identityStoreId: store)) { I.ListGroupsResponse(groups: $0, nextToken: $1) }
        for g in groups {
            let gid = ids.groupId(g.groupId)
            let members = g.members.sorted().map {
                let id = ids.membershipId(groupId: g.groupId, userId: $0)
                return I.GroupMembership(identityStoreId: store, membershipId: id, membershipArn: AWSIdentifiers.membershipArn(id), groupId: gid,
                                         memberId: I.MemberId(userId: ids.userId($0)))
            }
            try paged("identitystore", "ListGroupMemberships", members, request: I.ListGroupMembershipsRequest(identityStoreId: store, groupId: gid),
                      key: [gid]) { I.ListGroupMembershipsResponse(groupMemberships: $0, nextToken: $1) }
        }
    }

    private func user(_ u: DirectoryUser) -> AWS.IdentityStore.User {
        let a = u.attributes
        return AWS.IdentityStore.User(
            identityStoreId: ids.identityStoreId, userId: ids.userId(u.userId), userArn: ids.userArn(u.userId),
            revision: revisions.revision(u.userId), userName: a.userName,
            name: AWS.IdentityStore.Name(formatted: "\(a.givenName) \(a.familyName)", familyName: a.familyName, givenName: a.givenName),
            displayName: a.displayName, emails: [AWS.IdentityStore.Email(value: a.email, type: "work", primary: true)], title: a.title,
            userStatus: u.status == .active ? "ENABLED" : "DISABLED")
    }

    private mutating func ssoAdmin() throws {
        typealias S = AWS.SSOAdmin
        let instance = ids.instanceArn
        let created = state.organization.accounts[management]?.createdAt ?? at
        try single("sso-admin", "ListInstances", request: S.ListInstancesRequest(), response: S.ListInstancesResponse(instances: [
            S.InstanceMetadata(instanceArn: instance, identityStoreId: ids.identityStoreId, identityStoreArn: ids.identityStoreArn,
                               ownerAccountId: management, createdDate: AWSTimestamp(created), status: "ACTIVE", primaryRegion: ids.region),
        ]))
        if !state.accessControlAttributes.isEmpty {
            try single("sso-admin", "DescribeInstanceAccessControlAttributeConfiguration",
                       request: S.DescribeInstanceAccessControlAttributeConfigurationRequest(instanceArn: instance),
                       response: S.DescribeInstanceAccessControlAttributeConfigurationResponse(
                           status: "ENABLED", instanceAccessControlAttributeConfiguration: S.InstanceAccessControlAttributeConfiguration(
                               accessControlAttributes: state.accessControlAttributes.map {
                                   S.AccessControlAttribute(key: $0.key, value: S.AccessControlAttributeValue(source: $0.source))
                               })))
        }
        let sets = state.permissionSets.values.sorted { $0.permissionSetId < $1.permissionSetId }
        try paged("sso-admin", "ListPermissionSets", sets.map { ids.permissionSetArn($0.permissionSetId) },
                  request: S.ListPermissionSetsRequest(instanceArn: instance)) { S.ListPermissionSetsResponse(permissionSets: $0, nextToken: $1) }
        let provisioned = state.roles.keys.sorted()
        for ps in sets {
            let arn = ids.permissionSetArn(ps.permissionSetId), key = [ids.permissionSetId(ps.permissionSetId)]
            try single("sso-admin", "DescribePermissionSet", request: S.DescribePermissionSetRequest(instanceArn: instance, permissionSetArn: arn),
                       response: S.DescribePermissionSetResponse(permissionSet: S.PermissionSet(
                           name: ps.name, permissionSetArn: arn, createdDate: AWSTimestamp(ps.createdAt),
                           sessionDuration: AWSDuration.text(ps.sessionDuration))), key: key)
            try paged("sso-admin", "ListManagedPoliciesInPermissionSet",
                      ps.managedPolicyArns.map { S.AttachedManagedPolicy(name: AWSIdentifiers.lastSegment(of: $0), arn: $0) },
                      request: S.ListManagedPoliciesInPermissionSetRequest(instanceArn: instance, permissionSetArn: arn), key: key) {
                S.ListManagedPoliciesInPermissionSetResponse(attachedManagedPolicies: $0, nextToken: $1)
            }
            try paged("sso-admin", "ListCustomerManagedPolicyReferencesInPermissionSet",
                      ps.customerManagedPolicies.map { S.CustomerManagedPolicyReference(name: $0.name, path: $0.path) },
                      request: S.ListCustomerManagedPolicyReferencesInPermissionSetRequest(instanceArn: instance, permissionSetArn: arn), key: key) {
                S.ListCustomerManagedPolicyReferencesInPermissionSetResponse(customerManagedPolicyReferences: $0, nextToken: $1)
            }
            try single("sso-admin", "GetInlinePolicyForPermissionSet",
                       request: S.GetInlinePolicyForPermissionSetRequest(instanceArn: instance, permissionSetArn: arn),
                       response: S.GetInlinePolicyForPermissionSetResponse(inlinePolicy: ps.inlinePolicy), key: key)
            // Without a boundary AWS answers ResourceNotFoundException: there is no response to write.
            if let b = ps.permissionsBoundary {
                try single("sso-admin", "GetPermissionsBoundaryForPermissionSet",
                           request: S.GetPermissionsBoundaryForPermissionSetRequest(instanceArn: instance, permissionSetArn: arn),
                           response: S.GetPermissionsBoundaryForPermissionSetResponse(permissionsBoundary: S.PermissionsBoundary(
                               customerManagedPolicyReference: b.customerManagedPolicyReference.map { S.CustomerManagedPolicyReference(name: $0.name, path: $0.path) },
                               managedPolicyArn: b.managedPolicyArn)), key: key)
            }
            let accounts = provisioned.filter { $0.permissionSetId == ps.permissionSetId }.map { ids.accountId($0.accountId) }
            try paged("sso-admin", "ListAccountsForProvisionedPermissionSet", accounts,
                      request: S.ListAccountsForProvisionedPermissionSetRequest(instanceArn: instance, permissionSetArn: arn), key: key) {
                S.ListAccountsForProvisionedPermissionSetResponse(accountIds: $0, nextToken: $1)
            }
        }
        var assignments: [AccountPermissionSet: [Principal]] = [:]
        for (key, status) in state.assignments { if case .provisioned = status { assignments[key.target, default: []].append(key.principal) } }
        for account in state.organization.accounts.keys.sorted() {
            let accountId = ids.accountId(account)
            let targets = provisioned.filter { $0.accountId == account }
            try paged("sso-admin", "ListPermissionSetsProvisionedToAccount", targets.map { ids.permissionSetArn($0.permissionSetId) },
                      request: S.ListPermissionSetsProvisionedToAccountRequest(instanceArn: instance, accountId: accountId), key: [accountId]) {
                S.ListPermissionSetsProvisionedToAccountResponse(nextToken: $1, permissionSets: $0)
            }
            for target in targets {
                let arn = ids.permissionSetArn(target.permissionSetId)
                let rows = (assignments[target] ?? []).sorted().map {
                    S.AccountAssignment(accountId: accountId, permissionSetArn: arn, principalType: $0.type.rawValue,
                                        principalId: ids.principalId(type: $0.type.rawValue, id: $0.id))
                }
                try paged("sso-admin", "ListAccountAssignments", rows,
                          request: S.ListAccountAssignmentsRequest(instanceArn: instance, accountId: accountId, permissionSetArn: arn),
                          key: [accountId, ids.permissionSetId(target.permissionSetId)]) {
                    S.ListAccountAssignmentsResponse(accountAssignments: $0, nextToken: $1)
                }
            }
        }
    }

    private mutating func organizations() throws {
        typealias O = AWS.Organizations
        let org = state.organization
        let shapes = AWSOrganizationShapes(state, ids: ids)
        try single("organizations", "DescribeOrganization", request: AWSEmptyRequest(), response: O.DescribeOrganizationResponse(organization: shapes.description))
        try paged("organizations", "ListRoots", [shapes.root], request: O.ListRootsRequest()) { O.ListRootsResponse(roots: $0, nextToken: $1) }
        let accounts = org.accounts.values.sorted { $0.accountId < $1.accountId }.map(shapes.account)
        try paged("organizations", "ListAccounts", accounts, request: O.ListAccountsRequest()) { O.ListAccountsResponse(accounts: $0, nextToken: $1) }
        // The tree, parent by parent from the root, as an export walks it.
        let parentOfAccount = Dictionary(org.accounts.values.map { (ids.accountId($0.accountId), $0.parentId) }) { a, _ in a }
        var parents = [org.rootId]
        var visited = Set<String>()
        while let parent = parents.first {
            parents.removeFirst()
            guard visited.insert(parent).inserted else { continue }
            let parentId = ids.parentId(parent)
            let ous = org.organizationalUnits.values.filter { $0.parentId == parent }.sorted { $0.ouId < $1.ouId }
            try paged("organizations", "ListOrganizationalUnitsForParent", ous.map(shapes.organizationalUnit),
                      request: O.ListOrganizationalUnitsForParentRequest(parentId: parentId), key: [parentId]) {
                O.ListOrganizationalUnitsForParentResponse(organizationalUnits: $0, nextToken: $1)
            }
            let children = accounts.filter { parentOfAccount[$0.id ?? ""] == parent }
            try paged("organizations", "ListAccountsForParent", children, request: O.ListAccountsForParentRequest(parentId: parentId), key: [parentId]) {
                O.ListAccountsForParentResponse(accounts: $0, nextToken: $1)
            }
            parents += ous.map(\.ouId)
        }
        for type in ["SERVICE_CONTROL_POLICY", "RESOURCE_CONTROL_POLICY"] {
            let policies = shapes.policies(type: type), attachments = shapes.attachments(type: type)
            if type == "RESOURCE_CONTROL_POLICY" && policies.isEmpty { continue }
            let sorted = policies.keys.sorted()
            try paged("organizations", "ListPolicies", sorted.compactMap { shapes.policySummary($0, type: type) }, request: O.ListPoliciesRequest(filter: type), key: [type]) {
                O.ListPoliciesResponse(policies: $0, nextToken: $1)
            }
            for id in sorted {
                let policyId = ids.policyId(id)
                try single("organizations", "DescribePolicy", request: O.DescribePolicyRequest(policyId: policyId),
                           response: O.DescribePolicyResponse(policy: O.Policy(policySummary: shapes.policySummary(id, type: type), content: policies[id]!.content)), key: [policyId])
                let targets = attachments.keys.sorted().filter { attachments[$0]!.contains(id) }.map(shapes.target)
                try paged("organizations", "ListTargetsForPolicy", targets, request: O.ListTargetsForPolicyRequest(policyId: policyId), key: [policyId]) {
                    O.ListTargetsForPolicyResponse(targets: $0, nextToken: $1)
                }
            }
        }
    }

    /// What the portal answers each signed-in user: the accounts and roles they may pick, and the
    /// credentials they hold now (their `GetRoleCredentials` answers).
    private mutating func portal() throws {
        typealias P = AWS.SSOPortal
        for userId in state.portalSessionsByUser.keys.sorted() {
            let live = state.portalSessions(ofUser: userId).filter { $0.deletedAt == nil && $0.startedAt <= at && at < $0.expiresAt }
            guard let session = live.max(by: { ($0.startedAt, $0.sessionId) < ($1.startedAt, $1.sessionId) }) else { continue }
            let token = ids.accessToken(sessionId: session.sessionId)
            let user = ids.userId(userId)
            let targets = state.identityCenter.users[userId]?.status == .active ? state.entitledTargets(ofUser: userId) : []
            let accounts = Array(Set(targets.map(\.accountId))).sorted()
            try paged("sso", "ListAccounts", accounts.map { P.AccountInfo(accountId: ids.accountId($0), accountName: state.organization.accounts[$0]?.name,
                                                                          emailAddress: "aws+\(state.organization.accounts[$0]?.name ?? $0)@example.com") },
                      request: P.ListAccountsRequest(accessToken: token), key: [user]) { P.ListAccountsResponse(nextToken: $1, accountList: $0) }
            for account in accounts {
                let roles = targets.filter { $0.accountId == account }.compactMap { state.permissionSets[$0.permissionSetId]?.name }.sorted()
                try paged("sso", "ListAccountRoles", roles.map { P.RoleInfo(roleName: $0, accountId: ids.accountId(account)) },
                          request: P.ListAccountRolesRequest(accessToken: token, accountId: ids.accountId(account)), key: [user, ids.accountId(account)]) {
                    P.ListAccountRolesResponse(nextToken: $1, roleList: $0)
                }
            }
        }
        for credential in state.credentials.values.sorted(by: { $0.credentialId < $1.credentialId })
        where credential.issuedAt <= at && at < credential.expiresAt {
            let roleName = state.permissionSets[credential.target.permissionSetId]?.name ?? credential.roleName
            try single("sso", "GetRoleCredentials",
                       request: P.GetRoleCredentialsRequest(roleName: roleName, accountId: ids.accountId(credential.target.accountId),
                                                            accessToken: ids.accessToken(sessionId: credential.sessionId)),
                       response: P.GetRoleCredentialsResponse(roleCredentials: P.RoleCredentials(
                           accessKeyId: ids.accessKeyId(credentialId: credential.credentialId),
                           secretAccessKey: ids.secretAccessKey(credentialId: credential.credentialId),
                           sessionToken: ids.sessionToken(credentialId: credential.credentialId),
                           expiration: Int(credential.expiresAt.ms))),
                       key: [ids.userId(credential.userId), credential.credentialId])
        }
    }

    // MARK: Writing calls

    private mutating func single<Request: Encodable & Sendable, Response: Encodable>(
        _ service: String, _ operation: String, request: Request, response: Response, key: [String] = []
    ) throws {
        calls.append(Call(service: service, operation: operation, request: AWSRequest(request),
                          response: try AWSWireJSON.encode(response, pretty: true), file: Self.file(service, operation, key, page: 1)))
    }

    /// One call per page of `items`, the page size the model's largest (AWS's own defaults are smaller
    /// for some operations; a client following NextToken reads the same items either way).
    private mutating func paged<Item, Request: Encodable & Sendable, Response: Encodable>(
        _ service: String, _ operation: String, _ items: [Item], request: Request, key: [String] = [],
        response: ([Item], String?) -> Response
    ) throws {
        let paginator = AWS.services.first { $0.name == service }?.operation(operation)?.paginator
        let size = paginator?.largestPage ?? 100
        for (index, page) in AWSPages.split(items, size: size, operation: operation).enumerated() {
            calls.append(Call(service: service, operation: operation,
                              request: AWSRequest(request, pageToken: page.token.map { (paginator?.inputToken ?? "NextToken", $0) }),
                              response: try AWSWireJSON.encode(response(page.items, page.next), pretty: true),
                              file: Self.file(service, operation, key, page: index + 1)))
        }
    }

    static func file(_ service: String, _ operation: String, _ key: [String], page: Int) -> String {
        let name = ([operation] + key).joined(separator: ".") + (page > 1 ? ".page-\(page)" : "")
        return "\(service)/\(name).json"
    }
}

extension AWSIdentifiers {
    /// The ids of the organisation `state` holds: derived from its management account and root.
    public init(state: AccessState, region: String) {
        let management = state.organization.accounts.values.filter(\.isManagementAccount).map(\.accountId).min() ?? "000000000000"
        self.init(managementAccountId: management, rootId: state.organization.rootId, region: region)
    }
}
