import AccessLabAWS
import AccessLabEvents
import AccessLabProjections
import Foundation

/// One page of `items` for a request's `NextToken` and `MaxResults` (capped at `largest`).
func page<T>(_ items: [T], token: String?, max: Int?, operation: String, largest: Int = 100) throws(ServiceError) -> (items: [T], next: String?) {
    let size = Swift.max(1, Swift.min(max ?? largest, largest))
    var offset = 0
    if let token {
        guard let o = AWSPages.offset(token: token, operation: operation), o <= items.count else {
            throw ServiceError.validation("The NextToken \(token) is not valid for \(operation)")
        }
        offset = o
    }
    let end = Swift.min(items.count, offset + size)
    return (Array(items[offset..<end]), end < items.count ? AWSPages.token(operation: operation, offset: end) : nil)
}

extension ServedOrganization {
    typealias S = AWS.SSOAdmin

    func checkInstance(_ arn: String?) throws(ServiceError) {
        guard let arn else { return }
        guard arn == ids.instanceArn else { throw ServiceError.notFound("Instance \(arn) does not exist") }
    }

    /// The log's permission set id for an ARN this instance issued.
    func permissionSet(arn: String) throws(ServiceError) -> PermissionSetState {
        let prefix = "arn:aws:sso:::permissionSet/\(ids.instanceId)/"
        guard arn.hasPrefix(prefix) else { throw ServiceError.validation("\(arn) is not a permission set ARN of \(ids.instanceArn)") }
        guard let id = names.permissionSet(String(arn.dropFirst(prefix.count)), state, ids: ids), let ps = state.permissionSets[id] else {
            throw ServiceError.notFound("Could not find PermissionSet with id \(AWSIdentifiers.lastSegment(of: arn))")
        }
        return ps
    }

    func account(_ awsId: String) throws(ServiceError) -> String {
        guard let id = names.account(awsId, state, ids: ids) else { throw ServiceError.notFound("Account \(awsId) is not in the organization") }
        return id
    }

    func principal(type: String, id: String) throws(ServiceError) -> Principal {
        switch type {
        case "USER":
            guard let u = names.user(id, state, ids: ids), let user = state.identityCenter.users[u], user.status != .deleted else {
                throw ServiceError.notFound("User \(id) does not exist")
            }
            return Principal(.USER, u)
        case "GROUP":
            guard let g = names.group(id, state, ids: ids) else { throw ServiceError.notFound("Group \(id) does not exist") }
            return Principal(.GROUP, g)
        default:
            throw ServiceError.validation("PrincipalType must be USER or GROUP, not \(type)")
        }
    }

    /// A permission set's `SessionDuration` in seconds (PT1H to PT12H), nil when not given.
    func sessionSeconds(_ text: String?) throws(ServiceError) -> Int64? {
        guard let text else { return nil }
        guard let v = AWSDuration.seconds(text), (3600...43200).contains(v) else {
            throw ServiceError.validation("SessionDuration \(text) must be an ISO-8601 duration from PT1H to PT12H")
        }
        return v
    }

    func describe(_ ps: PermissionSetState) -> S.PermissionSet {
        S.PermissionSet(name: ps.name, permissionSetArn: ids.permissionSetArn(ps.permissionSetId), createdDate: AWSTimestamp(ps.createdAt),
                        sessionDuration: AWSDuration.text(ps.sessionDuration))
    }

    func assignmentStatus(_ e: RequestTable.Entry) -> S.AccountAssignmentOperationStatus {
        S.AccountAssignmentOperationStatus(
            status: e.status, requestId: ids.uuid(kind: "request", name: e.requestId), failureReason: e.failureReason,
            targetId: ids.accountId(e.accountId), targetType: "AWS_ACCOUNT", permissionSetArn: ids.permissionSetArn(e.permissionSetId),
            principalType: e.principalType, principalId: e.principalId.map { ids.principalId(type: e.principalType ?? "USER", id: $0) },
            createdDate: AWSTimestamp(e.createdAt))
    }

    func provisioningStatus(_ e: RequestTable.Entry) -> S.PermissionSetProvisioningStatus {
        S.PermissionSetProvisioningStatus(status: e.status, requestId: ids.uuid(kind: "request", name: e.requestId),
                                          accountId: e.accountId.isEmpty ? nil : ids.accountId(e.accountId),
                                          permissionSetArn: ids.permissionSetArn(e.permissionSetId), failureReason: e.failureReason,
                                          createdDate: AWSTimestamp(e.createdAt))
    }

    /// A request id as clients see it (a UUID), back to the log's.
    func request(_ awsId: String, kind: RequestTable.Kind) throws(ServiceError) -> RequestTable.Entry {
        guard let entry = requests.entries.values.first(where: { ids.uuid(kind: "request", name: $0.requestId) == awsId && $0.kind == kind }) else {
            throw ServiceError.notFound("Request \(awsId) does not exist")
        }
        return entry
    }

    /// One page of the asynchronous requests of a kind, oldest first, as `row(status, request id, created)`.
    func statusPage<Row>(_ kind: RequestTable.Kind, filter: String?, token: String?, max: Int?, operation: String,
                         _ row: (String, String, AWSTimestamp) -> Row) throws(ServiceError) -> (items: [Row], next: String?) {
        let all = requests.order.compactMap { requests[$0] }.filter { $0.kind == kind && (filter == nil || $0.status == filter) }
        return try page(all.map { row($0.status, ids.uuid(kind: "request", name: $0.requestId), AWSTimestamp($0.createdAt)) },
                        token: token, max: max, operation: operation)
    }

    static let ssoAdminOperations: [String: JSONOperation] = [
        "ListInstances": { c throws(ServiceError) in
            try c.read(S.ListInstancesRequest.self) { _ throws(ServiceError) in
                let s = c.server
                let created = s.state.organization.accounts.values.first(where: \.isManagementAccount)?.createdAt ?? s.clock
                return S.ListInstancesResponse(instances: [S.InstanceMetadata(instanceArn: s.ids.instanceArn, identityStoreId: s.ids.identityStoreId,
                                                                              identityStoreArn: s.ids.identityStoreArn, ownerAccountId: s.ids.namespace,
                                                                              createdDate: AWSTimestamp(created), status: "ACTIVE", primaryRegion: s.ids.region)])
            }
        },
        "DescribeInstance": { c throws(ServiceError) in
            try c.read(S.DescribeInstanceRequest.self) { r throws(ServiceError) in
                let s = c.server
                try s.checkInstance(r.instanceArn)
                let created = s.state.organization.accounts.values.first(where: \.isManagementAccount)?.createdAt ?? s.clock
                return S.DescribeInstanceResponse(instanceArn: s.ids.instanceArn, identityStoreId: s.ids.identityStoreId, identityStoreArn: s.ids.identityStoreArn,
                                                  ownerAccountId: s.ids.namespace, createdDate: AWSTimestamp(created), status: "ACTIVE", primaryRegion: s.ids.region)
            }
        },
        "CreatePermissionSet": { c throws(ServiceError) in
            try c.write(S.CreatePermissionSetRequest.self) { r throws(ServiceError) in
                let s = c.server
                try s.checkInstance(r.instanceArn)
                guard !s.state.permissionSets.values.contains(where: { $0.name == r.name }) else {
                    throw ServiceError.conflict("PermissionSet with name \(r.name) already exists")
                }
                let duration = try s.sessionSeconds(r.sessionDuration) ?? 3600
                let id = s.ids.permissionSetId("serve-\(s.next("permission-set"))")
                s.simulation.record(.createPermissionSet(CreatePermissionSet(permissionSetId: id, name: r.name, description: r.description ?? "",
                                                                            sessionDuration_s: duration, relayState: r.relayState)), actor: .admin)
                return S.CreatePermissionSetResponse(permissionSet: s.describe(s.state.permissionSets[id]!))
            }
        },
        "DescribePermissionSet": { c throws(ServiceError) in
            try c.read(S.DescribePermissionSetRequest.self) { r throws(ServiceError) in
                try c.server.checkInstance(r.instanceArn)
                return S.DescribePermissionSetResponse(permissionSet: c.server.describe(try c.server.permissionSet(arn: r.permissionSetArn)))
            }
        },
        "ListPermissionSets": { c throws(ServiceError) in
            try c.read(S.ListPermissionSetsRequest.self) { r throws(ServiceError) in
                let s = c.server
                try s.checkInstance(r.instanceArn)
                let arns = s.state.permissionSets.values.sorted { ($0.createdAt, $0.permissionSetId) < ($1.createdAt, $1.permissionSetId) }.map { s.ids.permissionSetArn($0.permissionSetId) }
                let p = try page(arns, token: r.nextToken, max: r.maxResults, operation: "ListPermissionSets")
                return S.ListPermissionSetsResponse(permissionSets: p.items, nextToken: p.next)
            }
        },
        "UpdatePermissionSet": { c throws(ServiceError) in
            try c.write(S.UpdatePermissionSetRequest.self) { r throws(ServiceError) in
                let ps = try c.server.permissionSet(arn: r.permissionSetArn)
                let duration = try c.server.sessionSeconds(r.sessionDuration)
                c.server.simulation.record(.updatePermissionSet(UpdatePermissionSet(permissionSetId: ps.permissionSetId, description: r.description,
                                                                                    sessionDuration_s: duration, relayState: r.relayState)), actor: .admin)
                return S.UpdatePermissionSetResponse()
            }
        },
        "DeletePermissionSet": { c throws(ServiceError) in
            try c.write(S.DeletePermissionSetRequest.self) { r throws(ServiceError) in
                let s = c.server
                let ps = try s.permissionSet(arn: r.permissionSetArn)
                if s.state.roles.keys.contains(where: { $0.permissionSetId == ps.permissionSetId }) {
                    throw ServiceError.conflict("PermissionSet \(AWSIdentifiers.lastSegment(of: r.permissionSetArn)) is provisioned to accounts; delete its assignments first")
                }
                s.simulation.record(.deletePermissionSet(PermissionSetRef(permissionSetId: ps.permissionSetId)), actor: .admin)
                return S.DeletePermissionSetResponse()
            }
        },
        "AttachManagedPolicyToPermissionSet": { c throws(ServiceError) in
            try c.write(S.AttachManagedPolicyToPermissionSetRequest.self) { r throws(ServiceError) in
                let ps = try c.server.permissionSet(arn: r.permissionSetArn)
                guard r.managedPolicyArn.hasPrefix("arn:aws:iam::aws:policy/") else { throw ServiceError.validation("\(r.managedPolicyArn) is not an AWS managed policy ARN") }
                guard !ps.managedPolicyArns.contains(r.managedPolicyArn) else { throw ServiceError.conflict("Managed policy \(r.managedPolicyArn) is already attached") }
                c.server.simulation.record(.attachManagedPolicyToPermissionSet(ManagedPolicyAttachment(permissionSetId: ps.permissionSetId, managedPolicyArn: r.managedPolicyArn)), actor: .admin)
                return S.AttachManagedPolicyToPermissionSetResponse()
            }
        },
        "DetachManagedPolicyFromPermissionSet": { c throws(ServiceError) in
            try c.write(S.DetachManagedPolicyFromPermissionSetRequest.self) { r throws(ServiceError) in
                let ps = try c.server.permissionSet(arn: r.permissionSetArn)
                guard ps.managedPolicyArns.contains(r.managedPolicyArn) else { throw ServiceError.notFound("Managed policy \(r.managedPolicyArn) is not attached") }
                c.server.simulation.record(.detachManagedPolicyFromPermissionSet(ManagedPolicyAttachment(permissionSetId: ps.permissionSetId, managedPolicyArn: r.managedPolicyArn)), actor: .admin)
                return S.DetachManagedPolicyFromPermissionSetResponse()
            }
        },
        "ListManagedPoliciesInPermissionSet": { c throws(ServiceError) in
            try c.read(S.ListManagedPoliciesInPermissionSetRequest.self) { r throws(ServiceError) in
                let ps = try c.server.permissionSet(arn: r.permissionSetArn)
                let p = try page(ps.managedPolicyArns.map { S.AttachedManagedPolicy(name: AWSIdentifiers.lastSegment(of: $0), arn: $0) },
                                 token: r.nextToken, max: r.maxResults, operation: "ListManagedPoliciesInPermissionSet")
                return S.ListManagedPoliciesInPermissionSetResponse(attachedManagedPolicies: p.items, nextToken: p.next)
            }
        },
        "AttachCustomerManagedPolicyReferenceToPermissionSet": { c throws(ServiceError) in
            try c.write(S.AttachCustomerManagedPolicyReferenceToPermissionSetRequest.self) { r throws(ServiceError) in
                let ps = try c.server.permissionSet(arn: r.permissionSetArn)
                let ref = CustomerManagedPolicyReference(name: r.customerManagedPolicyReference.name, path: r.customerManagedPolicyReference.path ?? "/")
                guard !ps.customerManagedPolicies.contains(ref) else { throw ServiceError.conflict("Customer managed policy \(ref.name) is already attached") }
                c.server.simulation.record(.attachCustomerManagedPolicyReferenceToPermissionSet(CustomerManagedPolicyAttachment(permissionSetId: ps.permissionSetId, reference: ref)), actor: .admin)
                return S.AttachCustomerManagedPolicyReferenceToPermissionSetResponse()
            }
        },
        "DetachCustomerManagedPolicyReferenceFromPermissionSet": { c throws(ServiceError) in
            try c.write(S.DetachCustomerManagedPolicyReferenceFromPermissionSetRequest.self) { r throws(ServiceError) in
                let ps = try c.server.permissionSet(arn: r.permissionSetArn)
                let ref = CustomerManagedPolicyReference(name: r.customerManagedPolicyReference.name, path: r.customerManagedPolicyReference.path ?? "/")
                guard ps.customerManagedPolicies.contains(ref) else { throw ServiceError.notFound("Customer managed policy \(ref.name) is not attached") }
                c.server.simulation.record(.detachCustomerManagedPolicyReferenceFromPermissionSet(CustomerManagedPolicyAttachment(permissionSetId: ps.permissionSetId, reference: ref)), actor: .admin)
                return S.DetachCustomerManagedPolicyReferenceFromPermissionSetResponse()
            }
        },
        "ListCustomerManagedPolicyReferencesInPermissionSet": { c throws(ServiceError) in
            try c.read(S.ListCustomerManagedPolicyReferencesInPermissionSetRequest.self) { r throws(ServiceError) in
                let ps = try c.server.permissionSet(arn: r.permissionSetArn)
                let p = try page(ps.customerManagedPolicies.map { S.CustomerManagedPolicyReference(name: $0.name, path: $0.path) },
                                 token: r.nextToken, max: r.maxResults, operation: "ListCustomerManagedPolicyReferencesInPermissionSet")
                return S.ListCustomerManagedPolicyReferencesInPermissionSetResponse(customerManagedPolicyReferences: p.items, nextToken: p.next)
            }
        },
        "PutInlinePolicyToPermissionSet": { c throws(ServiceError) in
            try c.write(S.PutInlinePolicyToPermissionSetRequest.self) { r throws(ServiceError) in
                let ps = try c.server.permissionSet(arn: r.permissionSetArn)
                guard (1...32768).contains(r.inlinePolicy.utf8.count), (try? JSONSerialization.jsonObject(with: Data(r.inlinePolicy.utf8))) is [String: Any] else {
                    throw ServiceError.validation("The InlinePolicy is not a JSON policy document")
                }
                c.server.simulation.record(.putInlinePolicyToPermissionSet(PutInlinePolicyToPermissionSet(permissionSetId: ps.permissionSetId, inlinePolicy: r.inlinePolicy)), actor: .admin)
                return S.PutInlinePolicyToPermissionSetResponse()
            }
        },
        "GetInlinePolicyForPermissionSet": { c throws(ServiceError) in
            try c.read(S.GetInlinePolicyForPermissionSetRequest.self) { r throws(ServiceError) in
                S.GetInlinePolicyForPermissionSetResponse(inlinePolicy: try c.server.permissionSet(arn: r.permissionSetArn).inlinePolicy)
            }
        },
        "DeleteInlinePolicyFromPermissionSet": { c throws(ServiceError) in
            try c.write(S.DeleteInlinePolicyFromPermissionSetRequest.self) { r throws(ServiceError) in
                let ps = try c.server.permissionSet(arn: r.permissionSetArn)
                c.server.simulation.record(.deleteInlinePolicyFromPermissionSet(PermissionSetRef(permissionSetId: ps.permissionSetId)), actor: .admin)
                return S.DeleteInlinePolicyFromPermissionSetResponse()
            }
        },
        "PutPermissionsBoundaryToPermissionSet": { c throws(ServiceError) in
            try c.write(S.PutPermissionsBoundaryToPermissionSetRequest.self) { r throws(ServiceError) in
                let ps = try c.server.permissionSet(arn: r.permissionSetArn)
                let b = r.permissionsBoundary
                guard (b.managedPolicyArn == nil) != (b.customerManagedPolicyReference == nil) else {
                    throw ServiceError.validation("A permissions boundary is either a ManagedPolicyArn or a CustomerManagedPolicyReference")
                }
                c.server.simulation.record(.putPermissionsBoundaryToPermissionSet(PutPermissionsBoundaryToPermissionSet(
                    permissionSetId: ps.permissionSetId, managedPolicyArn: b.managedPolicyArn,
                    customerManagedPolicyReference: b.customerManagedPolicyReference.map { CustomerManagedPolicyReference(name: $0.name, path: $0.path ?? "/") })), actor: .admin)
                return S.PutPermissionsBoundaryToPermissionSetResponse()
            }
        },
        "GetPermissionsBoundaryForPermissionSet": { c throws(ServiceError) in
            try c.read(S.GetPermissionsBoundaryForPermissionSetRequest.self) { r throws(ServiceError) in
                guard let b = try c.server.permissionSet(arn: r.permissionSetArn).permissionsBoundary else {
                    throw ServiceError.notFound("The permission set has no permissions boundary")
                }
                return S.GetPermissionsBoundaryForPermissionSetResponse(permissionsBoundary: S.PermissionsBoundary(
                    customerManagedPolicyReference: b.customerManagedPolicyReference.map { S.CustomerManagedPolicyReference(name: $0.name, path: $0.path) },
                    managedPolicyArn: b.managedPolicyArn))
            }
        },
        "DeletePermissionsBoundaryFromPermissionSet": { c throws(ServiceError) in
            try c.write(S.DeletePermissionsBoundaryFromPermissionSetRequest.self) { r throws(ServiceError) in
                let ps = try c.server.permissionSet(arn: r.permissionSetArn)
                c.server.simulation.record(.deletePermissionsBoundaryFromPermissionSet(PermissionSetRef(permissionSetId: ps.permissionSetId)), actor: .admin)
                return S.DeletePermissionsBoundaryFromPermissionSetResponse()
            }
        },
        "CreateAccountAssignment": { c throws(ServiceError) in
            try c.write(S.CreateAccountAssignmentRequest.self) { r throws(ServiceError) in
                S.CreateAccountAssignmentResponse(accountAssignmentCreationStatus: try c.server.assignmentRequest(create: true, instance: r.instanceArn, targetId: r.targetId, targetType: r.targetType,
                                               permissionSetArn: r.permissionSetArn, principalType: r.principalType, principalId: r.principalId))
            }
        },
        "DeleteAccountAssignment": { c throws(ServiceError) in
            try c.write(S.DeleteAccountAssignmentRequest.self) { r throws(ServiceError) in
                S.DeleteAccountAssignmentResponse(accountAssignmentDeletionStatus: try c.server.assignmentRequest(create: false, instance: r.instanceArn, targetId: r.targetId, targetType: r.targetType,
                                               permissionSetArn: r.permissionSetArn, principalType: r.principalType, principalId: r.principalId))
            }
        },
        "DescribeAccountAssignmentCreationStatus": { c throws(ServiceError) in
            try c.read(S.DescribeAccountAssignmentCreationStatusRequest.self) { r throws(ServiceError) in
                S.DescribeAccountAssignmentCreationStatusResponse(accountAssignmentCreationStatus:
                    c.server.assignmentStatus(try c.server.request(r.accountAssignmentCreationRequestId, kind: .creation)))
            }
        },
        "DescribeAccountAssignmentDeletionStatus": { c throws(ServiceError) in
            try c.read(S.DescribeAccountAssignmentDeletionStatusRequest.self) { r throws(ServiceError) in
                S.DescribeAccountAssignmentDeletionStatusResponse(accountAssignmentDeletionStatus:
                    c.server.assignmentStatus(try c.server.request(r.accountAssignmentDeletionRequestId, kind: .deletion)))
            }
        },
        "ListAccountAssignmentCreationStatus": { c throws(ServiceError) in
            try c.read(S.ListAccountAssignmentCreationStatusRequest.self) { r throws(ServiceError) in
                let p = try c.server.statusPage(.creation, filter: r.filter?.status, token: r.nextToken, max: r.maxResults, operation: "ListAccountAssignmentCreationStatus") {
                    S.AccountAssignmentOperationStatusMetadata(status: $0, requestId: $1, createdDate: $2)
                }
                return S.ListAccountAssignmentCreationStatusResponse(accountAssignmentsCreationStatus: p.items, nextToken: p.next)
            }
        },
        "ListAccountAssignmentDeletionStatus": { c throws(ServiceError) in
            try c.read(S.ListAccountAssignmentDeletionStatusRequest.self) { r throws(ServiceError) in
                let p = try c.server.statusPage(.deletion, filter: r.filter?.status, token: r.nextToken, max: r.maxResults, operation: "ListAccountAssignmentDeletionStatus") {
                    S.AccountAssignmentOperationStatusMetadata(status: $0, requestId: $1, createdDate: $2)
                }
                return S.ListAccountAssignmentDeletionStatusResponse(accountAssignmentsDeletionStatus: p.items, nextToken: p.next)
            }
        },
        "ListAccountAssignments": { c throws(ServiceError) in
            try c.read(S.ListAccountAssignmentsRequest.self) { r throws(ServiceError) in
                let s = c.server
                let account = try s.account(r.accountId)
                let ps = try s.permissionSet(arn: r.permissionSetArn)
                let target = AccountPermissionSet(account, ps.permissionSetId)
                let rows = s.provisionedAssignments { $0.target == target }.map {
                    S.AccountAssignment(accountId: r.accountId, permissionSetArn: r.permissionSetArn, principalType: $0.principal.type.rawValue,
                                        principalId: s.ids.principalId(type: $0.principal.type.rawValue, id: $0.principal.id))
                }
                let p = try page(rows, token: r.nextToken, max: r.maxResults, operation: "ListAccountAssignments")
                return S.ListAccountAssignmentsResponse(accountAssignments: p.items, nextToken: p.next)
            }
        },
        "ListAccountAssignmentsForPrincipal": { c throws(ServiceError) in
            try c.read(S.ListAccountAssignmentsForPrincipalRequest.self) { r throws(ServiceError) in
                let s = c.server
                let principal = try s.principal(type: r.principalType, id: r.principalId)
                let account = try r.filter?.accountId.map { a throws(ServiceError) in try s.account(a) }
                let rows = s.provisionedAssignments { $0.principal == principal && (account == nil || $0.target.accountId == account) }.map {
                    S.AccountAssignmentForPrincipal(accountId: s.ids.accountId($0.target.accountId), permissionSetArn: s.ids.permissionSetArn($0.target.permissionSetId),
                                                    principalId: r.principalId, principalType: r.principalType)
                }
                let p = try page(rows, token: r.nextToken, max: r.maxResults, operation: "ListAccountAssignmentsForPrincipal")
                return S.ListAccountAssignmentsForPrincipalResponse(accountAssignments: p.items, nextToken: p.next)
            }
        },
        "ProvisionPermissionSet": { c throws(ServiceError) in
            try c.write(S.ProvisionPermissionSetRequest.self) { r throws(ServiceError) in
                let s = c.server
                try s.checkInstance(r.instanceArn)
                let ps = try s.permissionSet(arn: r.permissionSetArn)
                let accounts: [String]
                switch r.targetType {
                case "AWS_ACCOUNT":
                    guard let t = r.targetId else { throw ServiceError.validation("TargetId is required when TargetType is AWS_ACCOUNT") }
                    accounts = [try s.account(t)]
                case "ALL_PROVISIONED_ACCOUNTS":
                    accounts = s.state.roles.keys.filter { $0.permissionSetId == ps.permissionSetId }.map(\.accountId).sorted()
                default:
                    throw ServiceError.validation("TargetType must be AWS_ACCOUNT or ALL_PROVISIONED_ACCOUNTS")
                }
                let id: String
                do { id = try s.simulation.provision(permissionSetId: ps.permissionSetId, accounts: accounts) } catch {
                    throw ServiceError.internalFailure("\(error)")
                }
                return S.ProvisionPermissionSetResponse(permissionSetProvisioningStatus: s.provisioningStatus(s.requests[id]!))
            }
        },
        "DescribePermissionSetProvisioningStatus": { c throws(ServiceError) in
            try c.read(S.DescribePermissionSetProvisioningStatusRequest.self) { r throws(ServiceError) in
                S.DescribePermissionSetProvisioningStatusResponse(permissionSetProvisioningStatus:
                    c.server.provisioningStatus(try c.server.request(r.provisionPermissionSetRequestId, kind: .provisioning)))
            }
        },
        "ListPermissionSetProvisioningStatus": { c throws(ServiceError) in
            try c.read(S.ListPermissionSetProvisioningStatusRequest.self) { r throws(ServiceError) in
                let p = try c.server.statusPage(.provisioning, filter: r.filter?.status, token: r.nextToken, max: r.maxResults,
                                                operation: "ListPermissionSetProvisioningStatus") {
                    S.PermissionSetProvisioningStatusMetadata(status: $0, requestId: $1, createdDate: $2)
                }
                return S.ListPermissionSetProvisioningStatusResponse(permissionSetsProvisioningStatus: p.items, nextToken: p.next)
            }
        },
        "ListPermissionSetsProvisionedToAccount": { c throws(ServiceError) in
            try c.read(S.ListPermissionSetsProvisionedToAccountRequest.self) { r throws(ServiceError) in
                let s = c.server
                let account = try s.account(r.accountId)
                let arns = s.provisionedTargets(status: r.provisioningStatus) { $0.accountId == account }.map { s.ids.permissionSetArn($0.permissionSetId) }
                let p = try page(arns, token: r.nextToken, max: r.maxResults, operation: "ListPermissionSetsProvisionedToAccount")
                return S.ListPermissionSetsProvisionedToAccountResponse(nextToken: p.next, permissionSets: p.items)
            }
        },
        "ListAccountsForProvisionedPermissionSet": { c throws(ServiceError) in
            try c.read(S.ListAccountsForProvisionedPermissionSetRequest.self) { r throws(ServiceError) in
                let s = c.server
                let ps = try s.permissionSet(arn: r.permissionSetArn)
                let accounts = s.provisionedTargets(status: r.provisioningStatus) { $0.permissionSetId == ps.permissionSetId }.map { s.ids.accountId($0.accountId) }
                let p = try page(accounts, token: r.nextToken, max: r.maxResults, operation: "ListAccountsForProvisionedPermissionSet")
                return S.ListAccountsForProvisionedPermissionSetResponse(accountIds: p.items, nextToken: p.next)
            }
        },
        // A permission set's (or the instance's) tags: resource tags in the management account, replaced whole by each change.
        "TagResource": { c throws(ServiceError) in
            try c.write(S.TagResourceRequest.self) { r throws(ServiceError) in
                var tags = try c.server.tags(of: r.resourceArn)
                for t in r.tags { tags[t.key] = t.value }
                guard tags.count <= 50 else { throw ServiceError("ServiceQuotaExceededException", "A resource has at most 50 tags") }
                c.server.putTags(tags, on: r.resourceArn)
                return S.TagResourceResponse()
            }
        },
        "UntagResource": { c throws(ServiceError) in
            try c.write(S.UntagResourceRequest.self) { r throws(ServiceError) in
                var tags = try c.server.tags(of: r.resourceArn)
                for key in r.tagKeys { tags[key] = nil }
                c.server.putTags(tags, on: r.resourceArn)
                return S.UntagResourceResponse()
            }
        },
        "ListTagsForResource": { c throws(ServiceError) in
            try c.read(S.ListTagsForResourceRequest.self) { r throws(ServiceError) in
                let tags = try c.server.tags(of: r.resourceArn)
                let p = try page(tags.keys.sorted().map { S.Tag(key: $0, value: tags[$0]!) }, token: r.nextToken, max: nil, operation: "ListTagsForResource", largest: 50)
                return S.ListTagsForResourceResponse(tags: p.items, nextToken: p.next)
            }
        },
        "CreateInstanceAccessControlAttributeConfiguration": { c throws(ServiceError) in
            try c.write(S.CreateInstanceAccessControlAttributeConfigurationRequest.self) { r throws(ServiceError) in
                try c.server.checkInstance(r.instanceArn)
                guard c.server.state.accessControlAttributes.isEmpty else { throw ServiceError.conflict("The instance already has an attribute configuration") }
                try c.server.putAttributes(r.instanceAccessControlAttributeConfiguration)
                return S.CreateInstanceAccessControlAttributeConfigurationResponse()
            }
        },
        "UpdateInstanceAccessControlAttributeConfiguration": { c throws(ServiceError) in
            try c.write(S.UpdateInstanceAccessControlAttributeConfigurationRequest.self) { r throws(ServiceError) in
                try c.server.checkInstance(r.instanceArn)
                try c.server.putAttributes(r.instanceAccessControlAttributeConfiguration)
                return S.UpdateInstanceAccessControlAttributeConfigurationResponse()
            }
        },
        "DeleteInstanceAccessControlAttributeConfiguration": { c throws(ServiceError) in
            try c.write(S.DeleteInstanceAccessControlAttributeConfigurationRequest.self) { r throws(ServiceError) in
                try c.server.checkInstance(r.instanceArn)
                c.server.simulation.record(.putAccessControlAttributeConfiguration(PutAccessControlAttributeConfiguration(attributes: [])), actor: .admin)
                return S.DeleteInstanceAccessControlAttributeConfigurationResponse()
            }
        },
        "DescribeInstanceAccessControlAttributeConfiguration": { c throws(ServiceError) in
            try c.read(S.DescribeInstanceAccessControlAttributeConfigurationRequest.self) { r throws(ServiceError) in
                try c.server.checkInstance(r.instanceArn)
                let attributes = c.server.state.accessControlAttributes
                guard !attributes.isEmpty else { throw ServiceError.notFound("The instance has no attribute configuration") }
                return S.DescribeInstanceAccessControlAttributeConfigurationResponse(status: "ENABLED", instanceAccessControlAttributeConfiguration:
                    S.InstanceAccessControlAttributeConfiguration(accessControlAttributes: attributes.map {
                        S.AccessControlAttribute(key: $0.key, value: S.AccessControlAttributeValue(source: $0.source))
                    }))
            }
        },
    ]

    /// The tags of the instance or one of its permission sets.
    func tags(of arn: String) throws(ServiceError) -> [String: String] {
        if arn != ids.instanceArn { _ = try permissionSet(arn: arn) }
        var out: [String: String] = [:]
        for t in state.resourceTags[ids.namespace]?[arn] ?? [] { out[t.key] = t.value }
        return out
    }

    func putTags(_ tags: [String: String], on arn: String) {
        simulation.record(.tagResource(TagResource(accountId: ids.namespace, resourceArn: arn,
                                                   tags: tags.keys.sorted().map { Tag(key: $0, value: tags[$0]!) })), actor: .admin)
    }

    func putAttributes(_ configuration: S.InstanceAccessControlAttributeConfiguration) throws(ServiceError) {
        guard configuration.accessControlAttributes.count <= 50 else { throw ServiceError.validation("At most 50 access control attributes") }
        simulation.record(.putAccessControlAttributeConfiguration(PutAccessControlAttributeConfiguration(
            attributes: configuration.accessControlAttributes.map { AccessControlAttribute(key: $0.key, source: $0.value.source) })), actor: .admin)
    }

    /// Provisioned assignments that `matching` keeps, in a stable order.
    func provisionedAssignments(_ matching: (AssignmentKey) -> Bool) -> [AssignmentKey] {
        state.assignments.compactMap { key, status in
            if case .provisioned = status, matching(key) { key } else { nil }
        }.sorted()
    }

    /// Roles in accounts that `matching` keeps: `LATEST_PERMISSION_SET_PROVISIONED` when the role has the permission set's version.
    func provisionedTargets(status: String?, _ matching: (AccountPermissionSet) -> Bool) -> [AccountPermissionSet] {
        state.roles.filter { key, role in
            guard matching(key) else { return false }
            guard let status else { return true }
            let latest = role.provisionedVersion >= (state.permissionSets[key.permissionSetId]?.version ?? 0)
            return status == "LATEST_PERMISSION_SET_PROVISIONED" ? latest : !latest
        }.keys.sorted()
    }

    func assignmentRequest(create: Bool, instance: String, targetId: String, targetType: String, permissionSetArn: String,
                           principalType: String, principalId: String) throws(ServiceError) -> S.AccountAssignmentOperationStatus {
        try checkInstance(instance)
        guard targetType == "AWS_ACCOUNT" else { throw ServiceError.validation("TargetType must be AWS_ACCOUNT") }
        let account = try account(targetId)
        let ps = try permissionSet(arn: permissionSetArn)
        let principal = try principal(type: principalType, id: principalId)
        let target = AccountPermissionSet(account, ps.permissionSetId)
        let key = AssignmentKey(target: target, principal: principal)
        if !create, state.assignments[key] == nil {
            throw ServiceError.notFound("No assignment of \(principalId) to \(permissionSetArn) in \(targetId)")
        }
        guard simulation.outstandingAssignmentRequests < simulation.scenario.identityCenter.maxOutstandingAssignments else {
            throw ServiceError("ThrottlingException", "Too many outstanding asynchronous requests (at most \(simulation.scenario.identityCenter.maxOutstandingAssignments)); advance the clock to let them finish")
        }
        let id: String
        do { id = try simulation.requestAssignment(create: create, target: target, principal: principal) } catch {
            throw ServiceError.internalFailure("\(error)")
        }
        if requests[id] == nil {
            // Queued behind the control plane's limits: not yet started, in progress to the caller.
            requests.add(RequestTable.Entry(kind: create ? .creation : .deletion, requestId: id, status: "IN_PROGRESS", createdAt: clock,
                                            accountId: account, permissionSetId: ps.permissionSetId, principalType: principalType, principalId: principal.id))
        }
        return assignmentStatus(requests[id]!)
    }
}

