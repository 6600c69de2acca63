import AccessLabAWS
import AccessLabEvents
import AccessLabProjections
import AccessLabQuery
import Foundation

/// organizations: the tree, accounts, moving an account, and SCPs (RCPs read only).
extension ServedOrganization {
    typealias Org = AWS.Organizations

    var orgShapes: AWSOrganizationShapes { AWSOrganizationShapes(state, ids: ids) }

    func parent(_ awsId: String) throws(ServiceError) -> String {
        guard let id = names.parent(awsId, state, ids: ids) else { throw ServiceError("ParentNotFoundException", "The parent \(awsId) does not exist") }
        return id
    }

    func orgAccount(_ awsId: String) throws(ServiceError) -> Organization.Account {
        guard let id = names.account(awsId, state, ids: ids), let a = state.organization.accounts[id] else {
            throw ServiceError("AccountNotFoundException", "The account \(awsId) is not in the organization")
        }
        return a
    }

    /// A policy by AWS id: its id in the log and its type.
    func orgPolicy(_ awsId: String) throws(ServiceError) -> (id: String, type: String) {
        guard let id = names.policy(awsId, state, ids: ids) else { throw ServiceError("PolicyNotFoundException", "The policy \(awsId) does not exist") }
        return (id, state.organization.serviceControlPolicies[id] != nil ? "SERVICE_CONTROL_POLICY" : "RESOURCE_CONTROL_POLICY")
    }

    /// An account, OU or root by AWS id, as the log names it.
    func policyTarget(_ awsId: String) throws(ServiceError) -> String {
        if let a = names.account(awsId, state, ids: ids) { return a }
        if let p = names.parent(awsId, state, ids: ids) { return p }
        throw ServiceError("TargetNotFoundException", "The target \(awsId) does not exist")
    }

    func sortedAccounts(under parent: String? = nil) -> [Organization.Account] {
        state.organization.accounts.values.filter { parent == nil || $0.parentId == parent }.sorted { $0.accountId < $1.accountId }
    }

    func sortedUnits(under parent: String) -> [Organization.OrganizationalUnit] {
        state.organization.organizationalUnits.values.filter { $0.parentId == parent }.sorted { $0.ouId < $1.ouId }
    }

    static let organizationsOperations: [String: JSONOperation] = [
        "DescribeOrganization": { c throws(ServiceError) in
            try c.read(AWSEmptyRequest.self) { _ throws(ServiceError) in Org.DescribeOrganizationResponse(organization: c.server.orgShapes.description) }
        },
        "ListRoots": { c throws(ServiceError) in
            try c.read(Org.ListRootsRequest.self) { _ throws(ServiceError) in Org.ListRootsResponse(roots: [c.server.orgShapes.root]) }
        },
        "ListAccounts": { c throws(ServiceError) in
            try c.read(Org.ListAccountsRequest.self) { r throws(ServiceError) in
                let s = c.server, shapes = s.orgShapes
                let p = try page(s.sortedAccounts().map(shapes.account), token: r.nextToken, max: r.maxResults, operation: "ListAccounts", largest: 20)
                return Org.ListAccountsResponse(accounts: p.items, nextToken: p.next)
            }
        },
        "ListAccountsForParent": { c throws(ServiceError) in
            try c.read(Org.ListAccountsForParentRequest.self) { r throws(ServiceError) in
                let s = c.server, shapes = s.orgShapes
                let parent = try s.parent(r.parentId)
                let p = try page(s.sortedAccounts(under: parent).map(shapes.account), token: r.nextToken, max: r.maxResults, operation: "ListAccountsForParent", largest: 20)
                return Org.ListAccountsForParentResponse(accounts: p.items, nextToken: p.next)
            }
        },
        "DescribeAccount": { c throws(ServiceError) in
            try c.read(Org.DescribeAccountRequest.self) { r throws(ServiceError) in
                Org.DescribeAccountResponse(account: c.server.orgShapes.account(try c.server.orgAccount(r.accountId)))
            }
        },
        "ListOrganizationalUnitsForParent": { c throws(ServiceError) in
            try c.read(Org.ListOrganizationalUnitsForParentRequest.self) { r throws(ServiceError) in
                let s = c.server, shapes = s.orgShapes
                let units = s.sortedUnits(under: try s.parent(r.parentId)).map(shapes.organizationalUnit)
                let p = try page(units, token: r.nextToken, max: r.maxResults, operation: "ListOrganizationalUnitsForParent", largest: 20)
                return Org.ListOrganizationalUnitsForParentResponse(organizationalUnits: p.items, nextToken: p.next)
            }
        },
        "DescribeOrganizationalUnit": { c throws(ServiceError) in
            try c.read(Org.DescribeOrganizationalUnitRequest.self) { r throws(ServiceError) in
                let s = c.server
                guard let id = s.names.parent(r.organizationalUnitId, s.state, ids: s.ids), let ou = s.state.organization.organizationalUnits[id] else {
                    throw ServiceError("OrganizationalUnitNotFoundException", "The OU \(r.organizationalUnitId) does not exist")
                }
                return Org.DescribeOrganizationalUnitResponse(organizationalUnit: s.orgShapes.organizationalUnit(ou))
            }
        },
        "ListChildren": { c throws(ServiceError) in
            try c.read(Org.ListChildrenRequest.self) { r throws(ServiceError) in
                let s = c.server
                let parent = try s.parent(r.parentId)
                let children: [Org.Child]
                switch r.childType {
                case "ACCOUNT": children = s.sortedAccounts(under: parent).map { Org.Child(id: s.ids.accountId($0.accountId), type: "ACCOUNT") }
                case "ORGANIZATIONAL_UNIT": children = s.sortedUnits(under: parent).map { Org.Child(id: s.ids.organizationalUnitId($0.ouId), type: "ORGANIZATIONAL_UNIT") }
                default: throw ServiceError("InvalidInputException", "ChildType must be ACCOUNT or ORGANIZATIONAL_UNIT")
                }
                let p = try page(children, token: r.nextToken, max: r.maxResults, operation: "ListChildren", largest: 20)
                return Org.ListChildrenResponse(children: p.items, nextToken: p.next)
            }
        },
        "ListParents": { c throws(ServiceError) in
            try c.read(Org.ListParentsRequest.self) { r throws(ServiceError) in
                let s = c.server
                let parentId: String
                if let a = s.names.account(r.childId, s.state, ids: s.ids), let account = s.state.organization.accounts[a] {
                    parentId = account.parentId
                } else if let o = s.names.parent(r.childId, s.state, ids: s.ids), let ou = s.state.organization.organizationalUnits[o] {
                    parentId = ou.parentId
                } else {
                    throw ServiceError("ChildNotFoundException", "The child \(r.childId) does not exist")
                }
                let parent = parentId.hasPrefix("r-") ? Org.Parent(id: s.ids.rootId(parentId), type: "ROOT")
                    : Org.Parent(id: s.ids.organizationalUnitId(parentId), type: "ORGANIZATIONAL_UNIT")
                return Org.ListParentsResponse(parents: [parent])
            }
        },
        "MoveAccount": { c throws(ServiceError) in
            try c.write(Org.MoveAccountRequest.self) { r throws(ServiceError) in
                let s = c.server
                let account = try s.orgAccount(r.accountId)
                let source = try s.parent(r.sourceParentId), destination = try s.parent(r.destinationParentId)
                guard account.parentId == source else { throw ServiceError("SourceParentNotFoundException", "The account is not under \(r.sourceParentId)") }
                guard source != destination else { throw ServiceError("DuplicateAccountException", "The account is already under \(r.destinationParentId)") }
                s.simulation.record(.moveAccount(MoveAccount(accountId: account.accountId, sourceParentId: source, destinationParentId: destination)), actor: .admin)
                return AWSEmptyRequest()
            }
        },
        "CreatePolicy": { c throws(ServiceError) in
            try c.write(Org.CreatePolicyRequest.self) { r throws(ServiceError) in
                let s = c.server
                guard r.type == "SERVICE_CONTROL_POLICY" else { throw ServiceError("PolicyTypeNotEnabledException", "AccessLab creates SERVICE_CONTROL_POLICY policies only") }
                guard r.content.utf8.count <= 5120 else { throw ServiceError("ConstraintViolationException", "An SCP may be at most 5,120 characters") }
                guard (try? JSONSerialization.jsonObject(with: Data(r.content.utf8))) is [String: Any] else {
                    throw ServiceError("MalformedPolicyDocumentException", "The policy content is not a JSON policy document")
                }
                guard !s.state.organization.serviceControlPolicies.values.contains(where: { $0.name == r.name }) else {
                    throw ServiceError("DuplicatePolicyException", "A policy named \(r.name) exists")
                }
                let id = s.ids.policyId("serve-\(s.next("policy"))")
                s.simulation.record(.createServiceControlPolicy(CreateServiceControlPolicy(policyId: id, name: r.name, content: r.content)), actor: .admin)
                return Org.CreatePolicyResponse(policy: Org.Policy(policySummary: s.orgShapes.policySummary(id, type: r.type), content: r.content))
            }
        },
        "DescribePolicy": { c throws(ServiceError) in
            try c.read(Org.DescribePolicyRequest.self) { r throws(ServiceError) in
                let s = c.server, shapes = s.orgShapes
                let (id, type) = try s.orgPolicy(r.policyId)
                return Org.DescribePolicyResponse(policy: Org.Policy(policySummary: shapes.policySummary(id, type: type), content: shapes.policies(type: type)[id]?.content))
            }
        },
        "ListPolicies": { c throws(ServiceError) in
            try c.read(Org.ListPoliciesRequest.self) { r throws(ServiceError) in
                let shapes = c.server.orgShapes
                let all = shapes.policies(type: r.filter).keys.sorted().compactMap { shapes.policySummary($0, type: r.filter) }
                let p = try page(all, token: r.nextToken, max: r.maxResults, operation: "ListPolicies", largest: 20)
                return Org.ListPoliciesResponse(policies: p.items, nextToken: p.next)
            }
        },
        "ListPoliciesForTarget": { c throws(ServiceError) in
            try c.read(Org.ListPoliciesForTargetRequest.self) { r throws(ServiceError) in
                let s = c.server, shapes = s.orgShapes
                let target = try s.policyTarget(r.targetId)
                let all = (shapes.attachments(type: r.filter)[target] ?? []).sorted().compactMap { shapes.policySummary($0, type: r.filter) }
                let p = try page(all, token: r.nextToken, max: r.maxResults, operation: "ListPoliciesForTarget", largest: 20)
                return Org.ListPoliciesForTargetResponse(policies: p.items, nextToken: p.next)
            }
        },
        "ListTargetsForPolicy": { c throws(ServiceError) in
            try c.read(Org.ListTargetsForPolicyRequest.self) { r throws(ServiceError) in
                let s = c.server, shapes = s.orgShapes
                let (id, type) = try s.orgPolicy(r.policyId)
                let attachments = shapes.attachments(type: type)
                let targets = attachments.keys.sorted().filter { attachments[$0]!.contains(id) }.map(shapes.target)
                let p = try page(targets, token: r.nextToken, max: r.maxResults, operation: "ListTargetsForPolicy", largest: 20)
                return Org.ListTargetsForPolicyResponse(targets: p.items, nextToken: p.next)
            }
        },
        "AttachPolicy": { c throws(ServiceError) in
            try c.write(Org.AttachPolicyRequest.self) { r throws(ServiceError) in
                let s = c.server
                let (id, type) = try s.orgPolicy(r.policyId)
                let target = try s.policyTarget(r.targetId)
                guard type == "SERVICE_CONTROL_POLICY" else { throw ServiceError("PolicyTypeNotEnabledException", "AccessLab attaches SCPs only") }
                guard !(s.state.organization.attachments[target] ?? []).contains(id) else {
                    throw ServiceError("DuplicatePolicyAttachmentException", "The policy is already attached to \(r.targetId)")
                }
                s.simulation.record(.attachServiceControlPolicy(AttachServiceControlPolicy(policyId: id, targetId: target)), actor: .admin)
                return AWSEmptyRequest()
            }
        },
        "DetachPolicy": { c throws(ServiceError) in
            try c.write(Org.DetachPolicyRequest.self) { r throws(ServiceError) in
                let s = c.server
                let (id, _) = try s.orgPolicy(r.policyId)
                let target = try s.policyTarget(r.targetId)
                guard (s.state.organization.attachments[target] ?? []).contains(id) else {
                    throw ServiceError("PolicyNotAttachedException", "The policy is not attached to \(r.targetId)")
                }
                s.simulation.record(.detachServiceControlPolicy(DetachServiceControlPolicy(policyId: id, targetId: target)), actor: .admin)
                return AWSEmptyRequest()
            }
        },
        "ListTagsForResource": { c throws(ServiceError) in
            try c.read(Org.ListTagsForResourceRequest.self) { r throws(ServiceError) in
                _ = try c.server.policyTarget(r.resourceId)
                return Org.ListTagsForResourceResponse(tags: [])
            }
        },
    ]
}
