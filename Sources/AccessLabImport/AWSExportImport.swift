import AccessLabAWS
import AccessLabEvents
import Foundation

/// Turns an export of an organisation's Identity Center (the responses of read-only AWS API calls)
/// into the events that would have built that state, all at the export's instant, with AWS's own ids.
/// What the export leaves open or contradicts is reported, never silently dropped.
public struct AWSExportImport {
    public struct Report: Encodable, Equatable {
        public var at: String
        public var source: String
        public var counts: [String: Int] = [:]
        /// Ids and ARNs whose form differs from what AWS documents (moto's, for instance); kept as given.
        public var idDeviations: [String] = []
        /// Contradictions inside the export, each kept as the export says.
        public var inconsistencies: [String] = []
        /// What an export cannot tell and the import therefore does not know.
        public var unknowns: [String] = []
    }

    public private(set) var events: [NewEvent] = []
    public private(set) var report: Report
    let export: AWSExport
    let at: Instant

    public static func read(_ export: AWSExport, at override: Instant? = nil) throws(ImportError) -> AWSExportImport {
        let at: Instant
        if let override { at = override } else if let text = export.manifest.at, let t = ISO8601.parse(text) { at = t } else {
            throw ImportError(file: "export.json", problem: "no `at` time of the export: give --at")
        }
        var i = AWSExportImport(export: export, at: at,
                                report: Report(at: at.description, source: export.manifest.source ?? "unknown"))
        try i.build()
        return i
    }

    init(export: AWSExport, at: Instant, report: Report) { self.export = export; self.at = at; self.report = report }

    private mutating func emit(_ actor: Actor, _ body: EventBody) { events.append(NewEvent(time: at, actor: actor, body: body)) }

    private mutating func count(_ what: String, _ n: Int = 1) { report.counts[what, default: 0] += n }

    private mutating func checkId(_ kind: String, _ id: String, _ ok: Bool) {
        if !ok { report.idDeviations.append("\(kind) \(id)") }
    }

    mutating func build() throws(ImportError) {
        let accounts = try organizations()
        let sets = try permissionSets()
        let (users, groups) = try identityStore()
        try assignments(accounts: accounts, sets: sets, users: users, groups: groups)
        for (member, n) in export.omitted.sorted(by: { $0.key < $1.key }) {
            count("items without \(member), accepted (required since botocore 1.44; moto and older exports omit it)", n)
        }
        report.idDeviations = Array(Set(report.idDeviations)).sorted()
    }

    // MARK: Organizations

    private mutating func organizations() throws(ImportError) -> [String: String] {
        typealias O = AWS.Organizations
        guard let described = export.calls("organizations", "DescribeOrganization").first else {
            throw ImportError(file: "export.json", problem: "no organizations DescribeOrganization response")
        }
        let organization = try export.response(described, as: O.DescribeOrganizationResponse.self).organization
        let management = organization?.masterAccountId ?? ""
        checkId("organization", organization?.id ?? "", organization?.id?.wholeMatch(of: /o-[a-z0-9]{10,32}/) != nil)
        let roots = try export.items("organizations", "ListRoots", as: O.ListRootsResponse.self) { $0.roots ?? [] }[""] ?? []
        guard let root = roots.first?.id else { throw ImportError(file: "organizations/ListRoots", problem: "no root in the export") }
        checkId("root", root, root.wholeMatch(of: /r-[0-9a-z]{4,32}/) != nil)
        let ousByParent = try export.items("organizations", "ListOrganizationalUnitsForParent", as: O.ListOrganizationalUnitsForParentResponse.self,
                                           key: "ParentId") { $0.organizationalUnits ?? [] }
        var parents = [root], seen = Set<String>()
        while !parents.isEmpty {
            let parent = parents.removeFirst()
            guard seen.insert(parent).inserted else { continue }
            for ou in (ousByParent[parent] ?? []).sorted(by: { ($0.id ?? "") < ($1.id ?? "") }) {
                guard let id = ou.id else { continue }
                checkId("organizational unit", id, id.wholeMatch(of: /ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}/) != nil)
                emit(.admin, .createOrganizationalUnit(CreateOrganizationalUnit(ouId: id, name: ou.name ?? id, parentId: parent)))
                count("organizational units")
                parents.append(id)
            }
        }
        let byParent = try export.items("organizations", "ListAccountsForParent", as: O.ListAccountsForParentResponse.self, key: "ParentId") { $0.accounts ?? [] }
        var parentOf: [String: String] = [:]
        for (parent, list) in byParent { for a in list { if let id = a.id { parentOf[id] = parent } } }
        var names: [String: String] = [:]
        let listed = try export.items("organizations", "ListAccounts", as: O.ListAccountsResponse.self) { $0.accounts ?? [] }[""] ?? []
        for a in listed.sorted(by: { ($0.id ?? "") < ($1.id ?? "") }) {
            guard let id = a.id else { continue }
            checkId("account", id, id.wholeMatch(of: /\d{12}/) != nil)
            if a.status == "SUSPENDED" || a.state == "CLOSED" || a.state == "SUSPENDED" {
                report.unknowns.append("account \(id) is \(a.state ?? a.status ?? "")): imported, but AWS refuses sign-in to closed accounts and AccessLab does not model that")
            }
            let parent = parentOf[id] ?? root
            if parentOf[id] == nil { report.inconsistencies.append("account \(id) (\(a.name ?? "")) is in ListAccounts but under no parent the export walked; placed under the root") }
            emit(.admin, .createAccount(CreateAccount(accountId: id, name: a.name ?? id, parentId: parent, email: a.email ?? "",
                                                      isManagementAccount: id == management)))
            names[id] = a.name ?? id
            count("accounts")
        }
        for type in ["SERVICE_CONTROL_POLICY", "RESOURCE_CONTROL_POLICY"] {
            for call in export.calls("organizations", "ListPolicies") where call.string("Filter") == type {
                for summary in try export.response(call, as: O.ListPoliciesResponse.self).policies ?? [] {
                    guard let id = summary.id else { continue }
                    // The AWS managed allow-all policies every target starts with; without them nothing would be allowed,
                    // and AccessLab's evaluator already treats a target without SCPs (RCPs) as allowing all.
                    if summary.awsManaged == true, ["FullAWSAccess", "RCPFullAWSAccess"].contains(summary.name ?? "") {
                        count("AWS managed \(summary.name ?? "") policies (allow all; implicit)")
                        continue
                    }
                    guard let described = export.calls("organizations", "DescribePolicy").first(where: { $0.string("PolicyId") == id }) else {
                        report.unknowns.append("\(type) \(id) (\(summary.name ?? "")): no DescribePolicy response, so its content is unknown; not imported")
                        continue
                    }
                    let content = try export.response(described, as: O.DescribePolicyResponse.self).policy?.content ?? ""
                    checkId("policy", id, id.wholeMatch(of: /p-[0-9a-zA-Z_]{8,128}/) != nil)
                    var targets: [String] = []
                    for c in export.calls("organizations", "ListTargetsForPolicy") where c.string("PolicyId") == id {
                        targets += (try export.response(c, as: O.ListTargetsForPolicyResponse.self).targets ?? []).compactMap(\.targetId)
                    }
                    targets.sort()
                    if type == "SERVICE_CONTROL_POLICY" {
                        emit(.admin, .createServiceControlPolicy(CreateServiceControlPolicy(policyId: id, name: summary.name ?? id, content: content)))
                        for t in targets { emit(.admin, .attachServiceControlPolicy(AttachServiceControlPolicy(policyId: id, targetId: t))) }
                        count("service control policies")
                    } else {
                        emit(.admin, .createResourceControlPolicy(CreateResourceControlPolicy(policyId: id, name: summary.name ?? id, content: content)))
                        for t in targets { emit(.admin, .attachResourceControlPolicy(ResourceControlPolicyAttachment(policyId: id, targetId: t))) }
                        count("resource control policies")
                    }
                }
            }
        }
        return names
    }

    // MARK: Permission sets

    private mutating func permissionSets() throws(ImportError) -> [String: (id: String, name: String)] {
        typealias S = AWS.SSOAdmin
        if let call = export.calls("sso-admin", "ListInstances").first {
            for instance in try export.response(call, as: S.ListInstancesResponse.self).instances ?? [] {
                if let arn = instance.instanceArn {
                    checkId("instance", arn, arn.wholeMatch(of: /arn:aws:sso:::instance\/(sso)?ins-[a-zA-Z0-9-.]{16}/) != nil)
                }
                if let store = instance.identityStoreId { checkId("identity store", store, store.wholeMatch(of: /d-[0-9a-f]{10}/) != nil) }
            }
        }
        var out: [String: (id: String, name: String)] = [:]
        let arns = (try export.items("sso-admin", "ListPermissionSets", as: S.ListPermissionSetsResponse.self) { $0.permissionSets ?? [] }[""] ?? []).sorted()
        for arn in arns {
            let id = AWSIdentifiers.lastSegment(of: arn)
            checkId("permission set", arn, arn.wholeMatch(of: /arn:aws:sso:::permissionSet\/(sso)?ins-[a-zA-Z0-9-.]{16}\/ps-[a-zA-Z0-9-.\/]{16}/) != nil)
            guard let described = export.calls("sso-admin", "DescribePermissionSet").first(where: { $0.string("PermissionSetArn") == arn }),
                  let ps = try export.response(described, as: S.DescribePermissionSetResponse.self).permissionSet else {
                report.inconsistencies.append("permission set \(arn) is listed but not described; not imported")
                continue
            }
            let name = ps.name ?? id
            let seconds: Int64
            if let text = ps.sessionDuration {
                guard let s = AWSDuration.seconds(text) else {
                    throw ImportError(file: described.file, problem: "PermissionSet.SessionDuration: '\(text)' is not an ISO-8601 duration")
                }
                seconds = s
            } else { seconds = 3600 }
            emit(.admin, .createPermissionSet(CreatePermissionSet(permissionSetId: id, name: name, description: ps.description ?? "",
                                                                  sessionDuration_s: seconds, relayState: ps.relayState)))
            count("permission sets")
            out[arn] = (id, name)
            for call in export.calls("sso-admin", "ListManagedPoliciesInPermissionSet") where call.string("PermissionSetArn") == arn {
                for p in try export.response(call, as: S.ListManagedPoliciesInPermissionSetResponse.self).attachedManagedPolicies ?? [] {
                    if let policyArn = p.arn { emit(.admin, .attachManagedPolicyToPermissionSet(ManagedPolicyAttachment(permissionSetId: id, managedPolicyArn: policyArn))) }
                }
            }
            for call in export.calls("sso-admin", "ListCustomerManagedPolicyReferencesInPermissionSet") where call.string("PermissionSetArn") == arn {
                for p in try export.response(call, as: S.ListCustomerManagedPolicyReferencesInPermissionSetResponse.self).customerManagedPolicyReferences ?? [] {
                    emit(.admin, .attachCustomerManagedPolicyReferenceToPermissionSet(CustomerManagedPolicyAttachment(
                        permissionSetId: id, reference: CustomerManagedPolicyReference(name: p.name, path: p.path ?? "/"))))
                    report.unknowns.append("permission set \(name): customer managed policy \(p.path ?? "/")\(p.name) is an IAM policy in each account, not in the export; its document is unknown, so access through it is not evaluated")
                }
            }
            for call in export.calls("sso-admin", "GetInlinePolicyForPermissionSet") where call.string("PermissionSetArn") == arn {
                if let inline = try export.response(call, as: S.GetInlinePolicyForPermissionSetResponse.self).inlinePolicy, !inline.isEmpty {
                    emit(.admin, .putInlinePolicyToPermissionSet(PutInlinePolicyToPermissionSet(permissionSetId: id, inlinePolicy: inline)))
                }
            }
            for call in export.calls("sso-admin", "GetPermissionsBoundaryForPermissionSet") where call.string("PermissionSetArn") == arn {
                if let b = try export.response(call, as: S.GetPermissionsBoundaryForPermissionSetResponse.self).permissionsBoundary {
                    emit(.admin, .putPermissionsBoundaryToPermissionSet(PutPermissionsBoundaryToPermissionSet(
                        permissionSetId: id, managedPolicyArn: b.managedPolicyArn,
                        customerManagedPolicyReference: b.customerManagedPolicyReference.map { CustomerManagedPolicyReference(name: $0.name, path: $0.path ?? "/") })))
                }
            }
        }
        if let call = export.calls("sso-admin", "DescribeInstanceAccessControlAttributeConfiguration").first,
           let config = try export.response(call, as: S.DescribeInstanceAccessControlAttributeConfigurationResponse.self).instanceAccessControlAttributeConfiguration {
            emit(.admin, .putAccessControlAttributeConfiguration(PutAccessControlAttributeConfiguration(
                attributes: config.accessControlAttributes.map { AccessControlAttribute(key: $0.key, source: $0.value.source) })))
            count("ABAC attributes", config.accessControlAttributes.count)
        }
        return out
    }

    // MARK: Identity store

    private mutating func identityStore() throws(ImportError) -> (users: Set<String>, groups: Set<String>) {
        typealias I = AWS.IdentityStore
        let users = (try export.items("identitystore", "ListUsers", as: I.ListUsersResponse.self) { $0.users }[""] ?? []).sorted { $0.userId < $1.userId }
        var userIds = Set<String>()
        for u in users {
            checkId("user", u.userId, AWSIdentifiers.isUUID(u.userId))
            let email = u.emails?.first { $0.primary == true }?.value ?? u.emails?.first?.value ?? ""
            let name = u.userName ?? u.userId
            emit(.admin, .createUser(CreateUser(userId: u.userId, attributes: UserAttributes(
                userName: name, givenName: u.name?.givenName ?? "", familyName: u.name?.familyName ?? "",
                displayName: u.displayName ?? name, email: email, title: u.title),
                active: u.userStatus != "DISABLED")))
            userIds.insert(u.userId)
            count(u.userStatus == "DISABLED" ? "users (disabled)" : "users")
            if u.userStatus == nil { count("users without UserStatus (taken as enabled)") }
        }
        let groups = (try export.items("identitystore", "ListGroups", as: I.ListGroupsResponse.self) { $0.groups }[""] ?? []).sorted { $0.groupId < $1.groupId }
        var groupIds = Set<String>()
        let memberships = try export.items("identitystore", "ListGroupMemberships", as: I.ListGroupMembershipsResponse.self, key: "GroupId") { $0.groupMemberships }
        for g in groups {
            checkId("group", g.groupId, AWSIdentifiers.isUUID(g.groupId))
            emit(.admin, .createGroup(CreateGroup(groupId: g.groupId, displayName: g.displayName ?? g.groupId)))
            groupIds.insert(g.groupId)
            count("groups")
        }
        for g in groups {
            let members = (memberships[g.groupId] ?? []).compactMap { $0.memberId?.userId }.sorted()
            for m in members where !userIds.contains(m) {
                report.inconsistencies.append("group \(g.displayName ?? g.groupId) has member \(m), who is not in ListUsers; kept as the export says")
            }
            var start = 0
            while start < members.count {
                emit(.admin, .patchGroup(PatchGroup(groupId: g.groupId, membersAdded: Array(members[start..<min(start + 100, members.count)]))))
                start += 100
            }
            count("group memberships", members.count)
        }
        for group in memberships.keys.sorted() where !groupIds.contains(group) {
            report.inconsistencies.append("memberships listed for group \(group), which is not in ListGroups; not imported")
        }
        return (userIds, groupIds)
    }

    // MARK: Assignments

    private mutating func assignments(accounts: [String: String], sets: [String: (id: String, name: String)],
                                      users: Set<String>, groups: Set<String>) throws(ImportError) {
        typealias S = AWS.SSOAdmin
        var provisioned = Set<String>()
        for call in export.calls("sso-admin", "ListPermissionSetsProvisionedToAccount") {
            for arn in try export.response(call, as: S.ListPermissionSetsProvisionedToAccountResponse.self).permissionSets ?? [] {
                provisioned.insert((call.string("AccountId") ?? "") + " " + arn)
            }
        }
        var roles = Set<String>(), request = 0, assigned = Set<String>()
        var rows: [S.AccountAssignment] = []
        for c in export.calls("sso-admin", "ListAccountAssignments") {
            rows += try export.response(c, as: S.ListAccountAssignmentsResponse.self).accountAssignments ?? []
        }
        rows.sort { ($0.accountId ?? "", $0.permissionSetArn ?? "", $0.principalType ?? "", $0.principalId ?? "")
            < ($1.accountId ?? "", $1.permissionSetArn ?? "", $1.principalType ?? "", $1.principalId ?? "") }
        for row in rows {
            guard let account = row.accountId, let arn = row.permissionSetArn, let type = row.principalType.flatMap(PrincipalType.init(rawValue:)),
                  let principal = row.principalId else {
                report.inconsistencies.append("an assignment lacks its account, permission set or principal; not imported")
                continue
            }
            guard let ps = sets[arn] else {
                report.inconsistencies.append("assignment in \(account) names permission set \(arn), which is not in ListPermissionSets; not imported")
                continue
            }
            if accounts[account] == nil { report.inconsistencies.append("assignment of \(ps.name) in account \(account), which is not in ListAccounts; kept") }
            if (type == .GROUP ? groups : users).contains(principal) == false {
                report.inconsistencies.append("assignment of \(ps.name) in \(account) to \(type.rawValue.lowercased()) \(principal), who is not in the identity store (deleted?); kept as the export says")
            }
            if !provisioned.contains(account + " " + arn) {
                report.inconsistencies.append("\(ps.name) is assigned in \(account) but not in that account's ListPermissionSetsProvisionedToAccount; imported as provisioned")
            }
            request += 1
            let requestId = "import-\(request)"
            let target = account + "/" + ps.id
            let roleName = ReservedRoleName.make(permissionSetName: ps.name, permissionSetId: ps.id, accountId: account, generation: 1)
            emit(.admin, .createAccountAssignment(AccountAssignmentRequest(requestId: requestId, accountId: account, permissionSetId: ps.id,
                                                                           principalType: type, principalId: principal)))
            emit(.system, .accountAssignmentCreated(AccountAssignmentResult(requestId: requestId, accountId: account, permissionSetId: ps.id,
                                                                            principalType: type, principalId: principal, roleName: roleName,
                                                                            roleChanged: roles.insert(target).inserted)))
            assigned.insert(account + " " + arn)
            count("account assignments")
        }
        for p in provisioned.sorted() where !assigned.contains(p) {
            let parts = p.split(separator: " ")
            report.inconsistencies.append("\(sets[String(parts[1])]?.name ?? String(parts[1])) is provisioned to \(parts[0]) with no assignment there; no role imported")
        }
        if !roles.isEmpty {
            report.unknowns.append("role names: the export holds no IAM roles, so each AWSReservedSSO_ role's 16-hex suffix is AccessLab's, not the account's")
        }
        let runtime = export.calls("sso", "GetRoleCredentials").count
        if runtime > 0 { report.unknowns.append("\(runtime) live role credentials and the portal sessions in the export are runtime state; not imported") }
    }
}
