import AccessLabEvents
import AccessLabProjections
import AccessLabSimulation

/// An organisation taken from an AccessLab database (typically `import aws`): its accounts, OUs, SCPs
/// and RCPs, permission sets, ABAC mapping, and teams made from its groups, each user in the first of
/// their groups by name (the model gives a person one team) with their own id, attributes and direct assignments.
struct ImportedOrganization {
    var units: [OrganizationalUnitSpec] = []
    var accounts: [AccountSpec] = []
    var teams: [TeamSpec] = []
    var permissionSets: [PermissionSetSpec] = []
    var assignments: [AssignmentSpec] = []
    var userAssignments: [UserAssignmentSpec] = []
    var serviceControlPolicies: [ServiceControlPolicySpec] = []
    var resourceControlPolicies: [ServiceControlPolicySpec] = []
    var accessControlAttributes: [AccessControlAttribute] = []

    init(_ state: AccessState) {
        let org = state.organization
        units = org.organizationalUnits.values.sorted { $0.ouId < $1.ouId }.map { OrganizationalUnitSpec(ouId: $0.ouId, name: $0.name, parentId: $0.parentId) }
        // Parents before children, as the setup creates them.
        var ordered: [OrganizationalUnitSpec] = [], placed = Set(org.accounts.values.map(\.parentId).filter { $0.hasPrefix("r-") })
        var pending = units
        while !pending.isEmpty {
            let ready = pending.filter { placed.contains($0.parentId) || $0.parentId.hasPrefix("r-") }
            if ready.isEmpty { ordered += pending; break }
            ordered += ready
            placed.formUnion(ready.map(\.ouId))
            pending.removeAll { u in ready.contains { $0.ouId == u.ouId } }
        }
        units = ordered
        accounts = org.accounts.values.sorted { $0.accountId < $1.accountId }.map {
            AccountSpec(accountId: $0.accountId, name: $0.name, parentId: $0.parentId, isManagementAccount: $0.isManagementAccount)
        }
        serviceControlPolicies = org.serviceControlPolicies.keys.sorted().map { id in
            let p = org.serviceControlPolicies[id]!
            return ServiceControlPolicySpec(policyId: id, name: p.name, content: p.content, targetIds: org.attachments.keys.sorted().filter { org.attachments[$0]!.contains(id) })
        }
        resourceControlPolicies = org.resourceControlPolicies.keys.sorted().map { id in
            let p = org.resourceControlPolicies[id]!
            return ServiceControlPolicySpec(policyId: id, name: p.name, content: p.content, targetIds: org.rcpAttachments.keys.sorted().filter { org.rcpAttachments[$0]!.contains(id) })
        }
        permissionSets = state.permissionSets.values.sorted { $0.permissionSetId < $1.permissionSetId }.map { ps in
            var spec = PermissionSetSpec(permissionSetId: ps.permissionSetId, name: ps.name, sessionDuration: ps.sessionDuration)
            spec.managedPolicyArns = ps.managedPolicyArns
            spec.inlinePolicy = ps.inlinePolicy
            spec.permissionsBoundaryArn = ps.permissionsBoundary?.managedPolicyArn
            return spec
        }
        accessControlAttributes = state.accessControlAttributes
        let groups = state.identityCenter.groups.values.sorted { ($0.displayName, $0.groupId) < ($1.displayName, $1.groupId) }
        var teamOf: [String: String] = [:]
        for g in groups { for m in g.members.sorted() where teamOf[m] == nil { teamOf[m] = g.groupId } }
        for g in groups {
            let members = g.members.sorted().filter { teamOf[$0] == g.groupId }.compactMap { id -> ExistingPerson? in
                guard let u = state.identityCenter.users[id], u.status == .active else { return nil }
                return ExistingPerson(userId: id, attributes: u.attributes)
            }
            guard !members.isEmpty else { continue }
            var team = TeamSpec(name: g.displayName, department: members[0].attributes.department ?? "Imported", size: members.count, groupId: g.groupId)
            team.members = members
            teams.append(team)
            var byPermissionSet: [String: [String]] = [:]
            for (key, status) in state.assignments where key.principal == Principal(.GROUP, g.groupId) {
                if case .provisioned = status { byPermissionSet[key.target.permissionSetId, default: []].append(key.target.accountId) }
            }
            for ps in byPermissionSet.keys.sorted() {
                assignments.append(AssignmentSpec(team: g.displayName, permissionSetId: ps, accountIds: byPermissionSet[ps]!.sorted()))
            }
        }
        // Direct assignments of the people who are carried over (a user in no group is not: the model has no team for them).
        let people = Set(teams.flatMap { $0.members.map(\.userId) })
        var direct: [String: [String: [String]]] = [:]
        for (key, status) in state.assignments where key.principal.type == .USER && people.contains(key.principal.id) {
            if case .provisioned = status { direct[key.principal.id, default: [:]][key.target.permissionSetId, default: []].append(key.target.accountId) }
        }
        for user in direct.keys.sorted() {
            for (ps, accounts) in direct[user]!.sorted(by: { $0.key < $1.key }) {
                userAssignments.append(UserAssignmentSpec(userId: user, permissionSetId: ps, accountIds: accounts.sorted()))
            }
        }
    }
}

extension ScenarioBuilder {
    /// `organization: {from: DIR}`: the organisation of the database at DIR (relative to the scenario).
    func importedOrganization(_ node: ScenarioNode, field: String, top: MappingReader) throws(ScenarioError) -> ImportedOrganization {
        for section in ["teams", "permission_sets", "assignments", "service_control_policies", "resource_control_policies", "abac"] where top.has(section) {
            throw ScenarioError(node.location, field: section, "comes from the imported organisation when organization.from is given; remove it")
        }
        let path = ScenarioLoader.resolve(try MappingReader.scalar(node, field), relativeTo: file)
        guard let readDatabase = loader.readDatabase else { throw ScenarioError(node.location, field: field, "databases cannot be read here") }
        let state: AccessState
        do { state = try readDatabase(path) } catch {
            throw ScenarioError(node.location, field: field, "cannot read the database '\(path)': \(error)")
        }
        let imported = ImportedOrganization(state)
        guard !imported.accounts.isEmpty else { throw ScenarioError(node.location, field: field, "the database at '\(path)' holds no organisation") }
        guard !imported.teams.isEmpty else { throw ScenarioError(node.location, field: field, "the organisation at '\(path)' has no group with an active member to make a team of") }
        return imported
    }
}
