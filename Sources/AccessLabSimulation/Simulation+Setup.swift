import AccessLabEvents
import AccessLabProjections

/// A person as HR knows them. The employee id is also their identity-store user id (the SCIM externalId
/// mapping is the identity here). Small enough to copy on every lookup: their HR attributes, which only
/// hires and moves read, are in `Simulation.hrAttributes`.
struct Person {
    var userId: String
    var team: String
    var leftAt: Instant?
    var sessionCount = 0
    var workEndsAt: Instant?
    /// The one pending "last chance" of a persisting leaver.
    var nextChance: Instant?
}

extension Simulation {
    /// The organization, permission sets, ABAC configuration, tagged resources, the initial directory
    /// (already synced when the scenario starts) and the assignment requests, all at the start instant.
    func setUp() throws {
        for ou in scenario.organizationalUnits {
            emit(.admin, .createOrganizationalUnit(CreateOrganizationalUnit(ouId: ou.ouId, name: ou.name, parentId: ou.parentId)))
        }
        for a in scenario.accounts {
            emit(.admin, .createAccount(CreateAccount(accountId: a.accountId, name: a.name, parentId: a.parentId,
                                                      email: "aws+\(a.name)@example.com", isManagementAccount: a.isManagementAccount)))
        }
        for scp in scenario.serviceControlPolicies {
            emit(.admin, .createServiceControlPolicy(CreateServiceControlPolicy(policyId: scp.policyId, name: scp.name, content: scp.content)))
            for target in scp.targetIds {
                emit(.admin, .attachServiceControlPolicy(AttachServiceControlPolicy(policyId: scp.policyId, targetId: target)))
            }
        }
        for rcp in scenario.resourceControlPolicies {
            emit(.admin, .createResourceControlPolicy(CreateResourceControlPolicy(policyId: rcp.policyId, name: rcp.name, content: rcp.content)))
            for target in rcp.targetIds {
                emit(.admin, .attachResourceControlPolicy(ResourceControlPolicyAttachment(policyId: rcp.policyId, targetId: target)))
            }
        }
        for ps in scenario.permissionSets {
            if let boundary = ps.permissionsBoundaryPolicy {
                for a in scenario.accounts {
                    emit(.admin, .createCustomerManagedPolicy(CreateCustomerManagedPolicy(accountId: a.accountId, name: boundary.name,
                                                                                          document: boundary.document)))
                }
            }
            emit(.admin, .createPermissionSet(CreatePermissionSet(permissionSetId: ps.permissionSetId, name: ps.name,
                                                                  sessionDuration_s: ps.sessionDuration.ms / 1000)))
            for arn in ps.managedPolicyArns {
                emit(.admin, .attachManagedPolicyToPermissionSet(ManagedPolicyAttachment(permissionSetId: ps.permissionSetId, managedPolicyArn: arn)))
            }
            if let inline = ps.inlinePolicy {
                emit(.admin, .putInlinePolicyToPermissionSet(PutInlinePolicyToPermissionSet(permissionSetId: ps.permissionSetId, inlinePolicy: inline)))
            }
            if let boundary = ps.permissionsBoundaryArn {
                emit(.admin, .putPermissionsBoundaryToPermissionSet(PutPermissionsBoundaryToPermissionSet(permissionSetId: ps.permissionSetId,
                                                                                                          managedPolicyArn: boundary)))
            } else if let boundary = ps.permissionsBoundaryPolicy {
                emit(.admin, .putPermissionsBoundaryToPermissionSet(PutPermissionsBoundaryToPermissionSet(
                    permissionSetId: ps.permissionSetId, customerManagedPolicyReference: CustomerManagedPolicyReference(name: boundary.name))))
            }
        }
        if !scenario.accessControlAttributes.isEmpty {
            emit(.admin, .putAccessControlAttributeConfiguration(PutAccessControlAttributeConfiguration(attributes: scenario.accessControlAttributes)))
        }
        for r in scenario.resources {
            emit(.admin, .tagResource(TagResource(accountId: r.accountId, resourceArn: r.arn, tags: r.tags)))
        }
        for team in scenario.teams {
            emit(.scim, .createGroup(CreateGroup(groupId: team.groupId, displayName: team.name)))
        }
        for team in scenario.teams {
            var members: [String] = []
            for i in 0..<team.size {
                let person = i < team.members.count ? existingPerson(team.members[i], team: team) : newPerson(team: team)
                emit(.idp, .idPDirectoryChange(IdPDirectoryChange(change: .userCreated, userId: person.userId, attributes: person.attributes)))
                emit(.idp, .idPDirectoryChange(IdPDirectoryChange(change: .groupMemberAdded, userId: person.userId, groupId: team.groupId)))
                emit(.scim, .createUser(CreateUser(userId: person.userId, attributes: person.attributes)))
                members.append(person.userId)
            }
            // Identity Center's PatchGroup takes at most 100 membership changes a request.
            var start = 0
            while start < members.count {
                let chunk = Array(members[start..<min(start + 100, members.count)])
                emit(.scim, .patchGroup(PatchGroup(groupId: team.groupId, membersAdded: chunk)))
                start += 100
            }
            // A large directory is written as it is made, not held whole (100,000 people: 80 MB).
            if pending.count >= batchSize { try flush() }
        }
        switch scenario.assignmentMode {
        case .group:
            for a in scenario.assignments {
                guard let team = scenario.teams.first(where: { $0.name == a.team }) else { continue }
                for account in a.accountIds {
                    requestAssignment(.create, AccountPermissionSet(account, a.permissionSetId), Principal(.GROUP, team.groupId))
                }
            }
        case .direct:
            for userId in employed { requestDirectAssignments(for: userId, team: people[userId]?.team ?? "", kind: .create) }
        }
        for a in scenario.userAssignments where people[a.userId] != nil {
            for account in a.accountIds {
                requestAssignment(.create, AccountPermissionSet(account, a.permissionSetId), Principal(.USER, a.userId))
            }
        }
        try dispatchControlPlane()
        guard actorsEnabled else { return }
        try scheduleIdPStart()
        for s in scenario.churn.scripted { try schedule(.hr(.scripted(s.kind)), at: s.at) }
        try schedule(.planDay(scenario.calendar.dayIndex(scenario.start)), at: now)
    }

    /// Creates a person (not yet known to the IdP) in `team`.
    @discardableResult
    func newPerson(team: TeamSpec) -> (userId: String, attributes: UserAttributes) {
        nextEmployeeNumber += 1
        let n = String(nextEmployeeNumber)
        let userId = "u" + String(repeating: "0", count: max(0, 5 - n.count)) + n
        let attributes = UserAttributes(userName: "\(userId)@example.com", givenName: "Given\(n)", familyName: "Family\(n)",
                                        displayName: "User \(n)", email: "\(userId)@example.com",
                                        department: team.department, title: "Engineer", team: team.name)
        register(Person(userId: userId, team: team.name), attributes: attributes)
        return (userId, attributes)
    }

    /// Registers a person an imported organisation already has, with their own id and attributes.
    @discardableResult
    func existingPerson(_ existing: ExistingPerson, team: TeamSpec) -> (userId: String, attributes: UserAttributes) {
        var attributes = existing.attributes
        if attributes.team == nil { attributes.team = team.name }
        register(Person(userId: existing.userId, team: team.name), attributes: attributes)
        return (existing.userId, attributes)
    }

    /// Makes `person` someone HR employs.
    private func register(_ person: Person, attributes: UserAttributes) {
        people[person.userId] = person
        hrAttributes[person.userId] = attributes
        employedIndex[person.userId] = employed.count
        employed.append(person.userId)
        employedInOrder.insert(person.userId)
    }

    func removeFromEmployed(_ userId: String) {
        guard let i = employedIndex.removeValue(forKey: userId) else { return }
        employedInOrder.remove(userId)
        let last = employed.removeLast()
        if last != userId { employed[i] = last; employedIndex[last] = i }
    }

    func requestDirectAssignments(for userId: String, team: String, kind: AssignmentJob.Kind) {
        for a in assignmentsByTeam[team] ?? [] {
            for account in a.accountIds {
                requestAssignment(kind, AccountPermissionSet(account, a.permissionSetId), Principal(.USER, userId))
            }
        }
    }

    /// Each local day: HR draws the day's churn and users who work that day pick a sign-in time.
    func planDay(_ day: Int64) throws {
        let calendar = scenario.calendar
        if calendar.isWorkingDay(day) {
            try planChurn(day)
            let window = scenario.users.signInWindow
            // Everyone employed is in `people` and has not left (a termination takes them out of `employed`).
            for userId in employedInOrder.ascending() {
                let (works, minute) = withRNG(userId) { rng -> (Bool, Int) in
                    let works = rng.nextUnit() < scenario.users.attendance
                    return (works, rng.int(in: window.lowerBound...max(window.lowerBound, window.upperBound - 1)))
                }
                if works { try schedule(.signIn(userId), at: calendar.instant(day: day, minutes: minute)) }
            }
        }
        let next = calendar.midnight(ofDay: day + 1)
        if next < scenario.end { try schedule(.planDay(day + 1), at: next) }
    }
}
