import AccessLabAWS
import AccessLabEvents
import AccessLabProjections

/// A log read as CloudTrail would have recorded it: each event that AWS logs becomes the records AWS
/// writes for it (an assignment request is one `sso.amazonaws.com` record; a credential issue is the
/// portal's `GetRoleCredentials` in the Identity Center account and `AssumeRoleWithSAML` in the member
/// account). Events outside AWS (HR, the IdP's own directory) and those AWS does not log (expiries,
/// provisioning completion) have none and are counted.
///
/// SCIM bodies are hidden as AWS hides them; `withBodies` adds what AWS hides under
/// `additionalEventData["accesslab:body"]`, AccessLab's extension, so an import can recover it.
public struct CloudTrailWriter {
    public let ids: AWSIdentifiers
    public let withBodies: Bool
    /// Events without a CloudTrail record, by type.
    public private(set) var unrecorded: [String: Int] = [:]
    /// For a served log: the request behind each event (`serve-requests.tsv`), whose id, caller and
    /// source address the records carry instead of the simulated administrator's.
    public var requests: [UInt64: ServedRequest] = [:]

    public struct ServedRequest: Sendable, Equatable {
        public var requestId: String, caller: String, source: String
        public init(requestId: String, caller: String, source: String) { self.requestId = requestId; self.caller = caller; self.source = source }
    }
    var state = AccessState()
    let management: String
    let region: String

    /// `final` is the state at the log's head: it names the organisation whose ids the records use.
    public init(final: AccessState, region: String, withBodies: Bool) {
        ids = AWSIdentifiers(state: final, region: region)
        management = ids.namespace
        self.region = region
        self.withBodies = withBodies
    }

    /// The records of `event` (none for most runtime and outside-AWS events). Events must come in log order.
    public mutating func records(_ event: Event) -> [CloudTrailRecord] {
        var out = translate(event)
        if let served = requests[event.seq] {
            for i in out.indices where out[i].eventType == "AwsApiCall" {
                out[i].requestID = served.requestId
                out[i].sourceIPAddress = served.source
                if served.caller.hasPrefix("arn:aws:iam::"), served.caller.contains(":user/") {
                    out[i].userIdentity = ["type": "IAMUser", "principalId": .string("AIDA" + ids.token(kind: "admin-user", name: "accesslab", count: 17).uppercased()),
                                           "arn": .string(served.caller), "accountId": .string(management),
                                           "userName": .string(AWSIdentifiers.lastSegment(of: served.caller))]
                }
            }
        }
        if withBodies {
            // CloudTrail keeps whole seconds; the body keeps the event's millisecond.
            for i in out.indices { addBody(&out[i], ["time": .string(ISO8601.format(event.time)), "seq": .number(Int64(event.seq)), "part": .number(Int64(i))]) }
        }
        if out.isEmpty { unrecorded[event.type.name, default: 0] += 1 }
        state.apply(event)
        return out
    }

    // MARK: Identities

    private var adminRole: String {
        ReservedRoleName.make(permissionSetName: "AdministratorAccess", permissionSetId: "ps-administrator", accountId: management, generation: 1)
    }

    /// An administrator signed in through Identity Center with AdministratorAccess in the management account.
    private func admin(_ t: Instant) -> CloudTrailJSON {
        let role = adminRole
        let roleId = ReservedRoleIdentifiers.roleId(roleName: role)
        return ["type": "AssumedRole", "principalId": .string("\(roleId):admin@example.com"),
                "arn": .string(ReservedRoleIdentifiers.sessionArn(accountId: management, roleName: role, sessionName: "admin@example.com")),
                "accountId": .string(management), "accessKeyId": .string(ids.accessKeyId(credentialId: "admin")),
                "sessionContext": ["sessionIssuer": ["type": "Role", "principalId": .string(roleId),
                                                     "arn": .string(ReservedRoleIdentifiers.roleArn(accountId: management, roleName: role, identityCenterRegion: region)),
                                                     "accountId": .string(management), "userName": .string(role)],
                                   "attributes": ["creationDate": .string(ISO8601.format(t)), "mfaAuthenticated": "false"]]]
    }

    /// The IdP's SCIM client, holding the bearer token (a failed call shows as `Unknown`).
    private func scimClient(failed: Bool = false) -> CloudTrailJSON {
        ["type": failed ? "Unknown" : "WebIdentityUser", "accountId": .string(management),
         "accessKeyId": .string(ids.token(kind: "scim-token", name: "", count: 12))]
    }

    /// A portal user, in the shape current since July 2025 (no userName or principalId).
    private func identityCenterUser(_ userId: String, session: String) -> CloudTrailJSON {
        ["type": "IdentityCenterUser", "accountId": .string(management),
         "onBehalfOf": ["userId": .string(ids.userId(userId)),
                        "identityStoreArn": .string(ids.identityStoreArn)],
         "credentialId": .string(ids.token(kind: "portal-credential", name: session, count: 40))]
    }

    /// Identity Center's service-linked role in a member account.
    private func serviceRole(_ account: String) -> CloudTrailJSON {
        let roleId = ReservedRoleIdentifiers.roleId(roleName: "AWSServiceRoleForSSO/" + account)
        return ["type": "AssumedRole", "principalId": .string("\(roleId):AWS-SSO"),
                "arn": .string("arn:aws:sts::\(account):assumed-role/AWSServiceRoleForSSO/AWS-SSO"), "accountId": .string(account),
                "sessionContext": ["sessionIssuer": ["type": "Role", "principalId": .string(roleId),
                                                     "arn": .string("arn:aws:iam::\(account):role/aws-service-role/sso.amazonaws.com/AWSServiceRoleForSSO"),
                                                     "accountId": .string(account), "userName": "AWSServiceRoleForSSO"]],
                "invokedBy": "sso.amazonaws.com"]
    }

    private var adminSource: (ip: String, agent: String) { ("192.0.2.10", "aws-cli/2.27.0 (AccessLab simulated administrator)") }

    private func record(_ event: Event, _ n: Int, identity: CloudTrailJSON, source: String, name: String, request: CloudTrailJSON?,
                        response: CloudTrailJSON?, ip: String, agent: String, readOnly: Bool = false, type: String = "AwsApiCall",
                        account: String? = nil, requestID: String? = nil) -> CloudTrailRecord {
        CloudTrailRecord(userIdentity: identity, eventTime: event.time, eventSource: source, eventName: name, awsRegion: region,
                         sourceIPAddress: ip, userAgent: agent, requestParameters: request, responseElements: response,
                         requestID: type == "AwsApiCall" ? (requestID ?? ids.uuid(kind: "request", name: "\(event.seq)/\(n)")) : nil,
                         eventID: ids.uuid(kind: "event", name: "\(event.seq)/\(n)"), readOnly: readOnly, eventType: type,
                         recipientAccountId: account ?? management)
    }

    private func adminCall(_ e: Event, _ source: String, _ name: String, _ request: CloudTrailJSON?, _ response: CloudTrailJSON? = nil,
                           account: String? = nil, requestID: String? = nil) -> CloudTrailRecord {
        record(e, 0, identity: admin(e.time), source: source, name: name, request: request, response: response,
               ip: adminSource.ip, agent: adminSource.agent, account: account, requestID: requestID)
    }

    private func psArn(_ id: String) -> CloudTrailJSON { .string(ids.permissionSetArn(id)) }
    private var instance: CloudTrailJSON { .string(ids.instanceArn) }
    private func psRequest(_ id: String, _ more: [(String, CloudTrailJSON)] = []) -> CloudTrailJSON {
        .object([("instanceArn", instance), ("permissionSetArn", psArn(id))] + more)
    }

    // MARK: Events to records

    private func translate(_ e: Event) -> [CloudTrailRecord] {
        let orgs = "organizations.amazonaws.com", sso = "sso.amazonaws.com"
        switch e.body {
        case .createOrganizationalUnit(let p):
            return [adminCall(e, orgs, "CreateOrganizationalUnit", ["parentId": .string(ids.parentId(p.parentId)), "name": .string(p.name)],
                              ["organizationalUnit": ["id": .string(ids.organizationalUnitId(p.ouId)),
                                                      "arn": .string(ids.organizationalUnitArn(management: management, ou: p.ouId)), "name": .string(p.name)]])]
        case .createAccount(let p):
            let status = ids.token(kind: "car", name: p.accountId, count: 8)
            var out = [adminCall(e, orgs, "CreateAccount", ["accountName": .string(p.name), "email": .string(p.email)],
                                 ["createAccountStatus": ["id": .string("car-\(status)"), "accountName": .string(p.name), "state": "IN_PROGRESS",
                                                          "requestedTimestamp": .string(ISO8601.format(e.time))]])]
            out.append(record(e, 1, identity: ["accountId": .string(management), "invokedBy": "AWS Internal"], source: orgs, name: "CreateAccountResult",
                              request: nil, response: nil, ip: "AWS Internal", agent: "AWS Internal", type: "AwsServiceEvent"))
            out[1].serviceEventDetails = ["createAccountStatus": ["id": .string("car-\(status)"), "state": "SUCCEEDED", "accountName": .string(p.name),
                                                                  "accountId": .string(ids.accountId(p.accountId)),
                                                                  "requestedTimestamp": .string(ISO8601.format(e.time)),
                                                                  "completedTimestamp": .string(ISO8601.format(e.time))]]
            if !p.parentId.hasPrefix("r-") {
                out.append(record(e, 2, identity: admin(e.time), source: orgs, name: "MoveAccount",
                                  request: ["accountId": .string(ids.accountId(p.accountId)), "sourceParentId": .string(ids.root),
                                            "destinationParentId": .string(ids.parentId(p.parentId))],
                                  response: nil, ip: adminSource.ip, agent: adminSource.agent))
            }
            return out
        case .moveAccount(let p):
            return [adminCall(e, orgs, "MoveAccount", ["accountId": .string(ids.accountId(p.accountId)), "sourceParentId": .string(ids.parentId(p.sourceParentId)),
                                                       "destinationParentId": .string(ids.parentId(p.destinationParentId))])]
        case .createServiceControlPolicy(let p):
            return [createPolicy(e, p.policyId, p.name, p.content, "SERVICE_CONTROL_POLICY")]
        case .createResourceControlPolicy(let p):
            return [createPolicy(e, p.policyId, p.name, p.content, "RESOURCE_CONTROL_POLICY")]
        case .attachServiceControlPolicy(let p):
            return [adminCall(e, orgs, "AttachPolicy", ["policyId": .string(ids.policyId(p.policyId)), "targetId": .string(target(p.targetId))])]
        case .detachServiceControlPolicy(let p):
            return [adminCall(e, orgs, "DetachPolicy", ["policyId": .string(ids.policyId(p.policyId)), "targetId": .string(target(p.targetId))])]
        case .attachResourceControlPolicy(let p):
            return [adminCall(e, orgs, "AttachPolicy", ["policyId": .string(ids.policyId(p.policyId)), "targetId": .string(target(p.targetId))])]
        case .detachResourceControlPolicy(let p):
            return [adminCall(e, orgs, "DetachPolicy", ["policyId": .string(ids.policyId(p.policyId)), "targetId": .string(target(p.targetId))])]
        case .createCustomerManagedPolicy(let p):
            let account = ids.accountId(p.accountId)
            return [adminCall(e, "iam.amazonaws.com", "CreatePolicy", ["policyName": .string(p.name), "policyDocument": .string(p.document)],
                              ["policy": ["policyName": .string(p.name), "arn": .string("arn:aws:iam::\(account):policy/\(p.name)"),
                                          "path": "/", "defaultVersionId": "v1"]], account: account)]
        case .createPermissionSet(let p):
            var request: [(String, CloudTrailJSON)] = [("name", .string(p.name)), ("instanceArn", instance),
                                                       ("sessionDuration", .string(AWSDuration.text(.seconds(p.sessionDuration_s)))), ("tags", [])]
            if !p.description.isEmpty { request.append(("description", .string(p.description))) }
            return [adminCall(e, sso, "CreatePermissionSet", .object(request),
                              ["permissionSet": ["name": .string(p.name), "permissionSetArn": psArn(p.permissionSetId),
                                                 "createdDate": .string(ISO8601.format(e.time)),
                                                 "sessionDuration": .string(AWSDuration.text(.seconds(p.sessionDuration_s)))]])]
        case .updatePermissionSet(let p):
            var more: [(String, CloudTrailJSON)] = []
            if let d = p.sessionDuration_s { more.append(("sessionDuration", .string(AWSDuration.text(.seconds(d))))) }
            if let d = p.description { more.append(("description", .string(d))) }
            return [adminCall(e, sso, "UpdatePermissionSet", psRequest(p.permissionSetId, more))]
        case .deletePermissionSet(let p):
            return [adminCall(e, sso, "DeletePermissionSet", psRequest(p.permissionSetId))]
        case .attachManagedPolicyToPermissionSet(let p):
            return [adminCall(e, sso, "AttachManagedPolicyToPermissionSet", psRequest(p.permissionSetId, [("managedPolicyArn", .string(p.managedPolicyArn))]))]
        case .detachManagedPolicyFromPermissionSet(let p):
            return [adminCall(e, sso, "DetachManagedPolicyFromPermissionSet", psRequest(p.permissionSetId, [("managedPolicyArn", .string(p.managedPolicyArn))]))]
        case .attachCustomerManagedPolicyReferenceToPermissionSet(let p):
            return [adminCall(e, sso, "AttachCustomerManagedPolicyReferenceToPermissionSet", psRequest(p.permissionSetId, [
                ("customerManagedPolicyReference", ["name": .string(p.reference.name), "path": .string(p.reference.path)])]))]
        case .detachCustomerManagedPolicyReferenceFromPermissionSet(let p):
            return [adminCall(e, sso, "DetachCustomerManagedPolicyReferenceFromPermissionSet", psRequest(p.permissionSetId, [
                ("customerManagedPolicyReference", ["name": .string(p.reference.name), "path": .string(p.reference.path)])]))]
        case .putInlinePolicyToPermissionSet(let p):
            return [adminCall(e, sso, "PutInlinePolicyToPermissionSet", psRequest(p.permissionSetId, [("inlinePolicy", .string(p.inlinePolicy))]))]
        case .deleteInlinePolicyFromPermissionSet(let p):
            return [adminCall(e, sso, "DeleteInlinePolicyFromPermissionSet", psRequest(p.permissionSetId))]
        case .putPermissionsBoundaryToPermissionSet(let p):
            var boundary: [(String, CloudTrailJSON)] = []
            if let arn = p.managedPolicyArn { boundary.append(("managedPolicyArn", .string(arn))) }
            if let r = p.customerManagedPolicyReference { boundary.append(("customerManagedPolicyReference", ["name": .string(r.name), "path": .string(r.path)])) }
            return [adminCall(e, sso, "PutPermissionsBoundaryToPermissionSet", psRequest(p.permissionSetId, [("permissionsBoundary", .object(boundary))]))]
        case .deletePermissionsBoundaryFromPermissionSet(let p):
            return [adminCall(e, sso, "DeletePermissionsBoundaryFromPermissionSet", psRequest(p.permissionSetId))]
        case .provisionPermissionSet(let p):
            let requestId = ids.uuid(kind: "sso-request", name: p.requestId)
            let one = p.targetAccountIds.count == 1
            var request: [(String, CloudTrailJSON)] = [("targetType", one ? "AWS_ACCOUNT" : "ALL_PROVISIONED_ACCOUNTS")]
            if one { request.append(("targetId", .string(ids.accountId(p.targetAccountIds[0])))) }
            var status: [(String, CloudTrailJSON)] = [("status", "IN_PROGRESS"), ("requestId", .string(requestId)),
                                                      ("permissionSetArn", psArn(p.permissionSetId)), ("createdDate", .string(ISO8601.format(e.time)))]
            if one { status.append(("accountId", .string(ids.accountId(p.targetAccountIds[0])))) }
            return [adminCall(e, sso, "ProvisionPermissionSet", psRequest(p.permissionSetId, request), ["permissionSetProvisioningStatus": .object(status)],
                              requestID: requestId)]
        case .createAccountAssignment(let p), .deleteAccountAssignment(let p):
            let create: Bool = if case .createAccountAssignment = e.body { true } else { false }
            let requestId = ids.uuid(kind: "sso-request", name: p.requestId)
            let fields: [(String, CloudTrailJSON)] = [
                ("targetId", .string(ids.accountId(p.accountId))), ("targetType", "AWS_ACCOUNT"), ("permissionSetArn", psArn(p.permissionSetId)),
                ("principalType", .string(p.principalType.rawValue)), ("principalId", .string(ids.principalId(type: p.principalType.rawValue, id: p.principalId))),
            ]
            return [adminCall(e, sso, create ? "CreateAccountAssignment" : "DeleteAccountAssignment", .object([("instanceArn", instance)] + fields),
                              .object([(create ? "accountAssignmentCreationStatus" : "accountAssignmentDeletionStatus",
                                        .object([("status", "IN_PROGRESS"), ("requestId", .string(requestId))] + fields))]),
                              requestID: requestId)]
        case .accountAssignmentCreated(let p), .accountAssignmentDeleted(let p):
            guard p.roleChanged, let roleName = p.roleName else { return [] }
            let create: Bool = if case .accountAssignmentCreated = e.body { true } else { false }
            let account = ids.accountId(p.accountId)
            let request: CloudTrailJSON = create
                ? ["path": .string(ReservedRoleName.path + (region == ReservedRoleIdentifiers.defaultRegion ? "" : region + "/")), "roleName": .string(roleName),
                   "maxSessionDuration": .number((state.permissionSets[p.permissionSetId]?.sessionDuration.ms ?? 3_600_000) / 1000)]
                : ["roleName": .string(roleName)]
            let response: CloudTrailJSON? = create
                ? ["role": ["roleName": .string(roleName), "roleId": .string(ReservedRoleIdentifiers.roleId(roleName: roleName)),
                            "arn": .string(ReservedRoleIdentifiers.roleArn(accountId: account, roleName: roleName, identityCenterRegion: region)),
                            "createDate": .string(ISO8601.format(e.time))]]
                : nil
            return [record(e, 0, identity: serviceRole(account), source: "iam.amazonaws.com", name: create ? "CreateRole" : "DeleteRole",
                           request: request, response: response, ip: "sso.amazonaws.com", agent: "sso.amazonaws.com", account: account)]
        case .putAccessControlAttributeConfiguration(let p):
            let name = state.accessControlAttributes.isEmpty ? "CreateInstanceAccessControlAttributeConfiguration" : "UpdateInstanceAccessControlAttributeConfiguration"
            return [adminCall(e, sso, name, ["instanceArn": instance, "instanceAccessControlAttributeConfiguration": [
                "accessControlAttributes": .array(p.attributes.map { ["key": .string($0.key), "value": ["source": .array($0.source.map { .string($0) })]] })]])]
        case .createUser(let p) where e.actor == .scim:
            let a = p.attributes
            let body: CloudTrailJSON = ["displayName": .string(a.displayName), "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
                                        "name": ["familyName": .string(a.familyName), "givenName": .string(a.givenName)], "active": .bool(p.active),
                                        "userName": .string(a.userName), "emails": [["value": .string(a.email), "type": "work", "primary": true]]]
            var r = scim(e, "CreateUser", ["httpBody": ["displayName": .hidden, "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
                                                        "name": ["familyName": .hidden, "givenName": .hidden], "active": .bool(p.active), "userName": .hidden],
                                           "tenantId": .string(tenant)],
                         ["meta": ["created": .string(ISO8601.format(e.time)), "lastModified": .string(ISO8601.format(e.time)), "resourceType": "User"],
                          "displayName": .hidden, "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "name": ["familyName": .hidden, "givenName": .hidden],
                          "active": .bool(p.active), "id": .string(ids.userId(p.userId)), "userName": .hidden])
            addBody(&r, body)
            return [r]
        case .createUser(let p):
            return [adminCall(e, "identitystore.amazonaws.com", "CreateUser",
                              ["identityStoreId": .string(ids.identityStoreId), "userName": .string(p.attributes.userName),
                               "displayName": .string(p.attributes.displayName)],
                              ["userId": .string(ids.userId(p.userId)), "identityStoreId": .string(ids.identityStoreId)])]
        case .patchUser(let p):
            let ops = p.operations.map { op -> CloudTrailJSON in ["op": .string(op.op.rawValue.uppercased()), "path": .string(op.path), "value": .hidden] }
            var r = scim(e, "PatchUser", ["httpBody": ["operations": .array(ops), "schemas": [.hidden]], "tenantId": .string(tenant),
                                          "id": .string(ids.userId(p.userId))], nil)
            addBody(&r, ["operations": .array(p.operations.map { ["op": .string($0.op.rawValue), "path": .string($0.path), "value": $0.value.map(CloudTrailJSON.string) ?? .null] })])
            return [r]
        case .deleteUser(let p):
            return [scim(e, "DeleteUser", ["tenantId": .string(tenant), "id": .string(ids.userId(p.userId))], nil)]
        case .createGroup(let p):
            var r = scim(e, "CreateGroup", ["httpBody": ["displayName": .hidden, "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"]],
                                            "tenantId": .string(tenant)],
                         ["meta": ["created": .string(ISO8601.format(e.time)), "lastModified": .string(ISO8601.format(e.time)), "resourceType": "Group"],
                          "displayName": .hidden, "id": .string(ids.groupId(p.groupId))])
            addBody(&r, ["displayName": .string(p.displayName), "members": .array(p.members.map { ["value": .string(ids.userId($0))] })])
            return [r]
        case .patchGroup(let p):
            var ops: [CloudTrailJSON] = []
            if !p.membersAdded.isEmpty { ops.append(["op": "ADD", "path": "members", "value": .hidden]) }
            if !p.membersRemoved.isEmpty { ops.append(["op": "REMOVE", "path": "members", "value": .hidden]) }
            var r = scim(e, "PatchGroup", ["httpBody": ["operations": .array(ops), "schemas": [.hidden]], "tenantId": .string(tenant),
                                           "id": .string(ids.groupId(p.groupId))], nil)
            addBody(&r, ["membersAdded": .array(p.membersAdded.map { .string(ids.userId($0)) }),
                         "membersRemoved": .array(p.membersRemoved.map { .string(ids.userId($0)) })])
            return [r]
        case .updateGroup(let p) where e.actor == .scim:
            var r = scim(e, "PatchGroup", ["httpBody": ["operations": [["op": "REPLACE", "path": "displayName", "value": .hidden]], "schemas": [.hidden]],
                                           "tenantId": .string(tenant), "id": .string(ids.groupId(p.groupId))], nil)
            addBody(&r, ["displayName": .string(p.displayName)])
            return [r]
        case .updateGroup(let p):
            return [adminCall(e, "identitystore.amazonaws.com", "UpdateGroup",
                              ["identityStoreId": .string(ids.identityStoreId), "groupId": .string(ids.groupId(p.groupId)),
                               "operations": [["attributePath": "displayName", "attributeValue": .string(p.displayName)]]], nil)]
        case .deleteGroup(let p):
            return [scim(e, "DeleteGroup", ["tenantId": .string(tenant), "id": .string(ids.groupId(p.groupId))], nil)]
        case .identityStoreRequestFailed(let p):
            var r = scim(e, p.operation, ["tenantId": .string(tenant), "id": .string(p.groupId.map(ids.groupId) ?? ids.userId(p.userId))], nil, failed: true)
            r.errorCode = p.error
            r.errorMessage = p.message
            return [r]
        case .portalSignIn(let p):
            let user = identityCenterUser(p.userId, session: p.sessionId)
            let ip = userIP(p.userId)
            var signin = record(e, 0, identity: user, source: "signin.amazonaws.com", name: "UserAuthentication", request: nil, response: nil,
                                ip: ip, agent: browser, type: "AwsServiceEvent")
            signin.serviceEventDetails = ["UserAuthentication": "Success"]
            signin.additionalEventData = ["AuthWorkflowID": .string(ids.uuid(kind: "auth-workflow", name: p.sessionId)), "CredentialType": "EXTERNAL_IDP",
                                          "UserName": .string(userName(p.userId)), "LoginTo": .string("https://\(ids.identityStoreId).awsapps.com/start/")]
            let authenticate = record(e, 1, identity: user, source: "sso.amazonaws.com", name: "Authenticate", request: nil, response: nil,
                                      ip: ip, agent: browser, readOnly: false, type: "AwsServiceEvent")
            addBody(&signin, ["userId": .string(ids.userId(p.userId)), "sessionId": .string(p.sessionId), "expiresAt": .string(ISO8601.format(p.expiresAt))])
            return [signin, authenticate]
        case .createToken(let p):
            // AWS documents sso-oauth.amazonaws.com as the OIDC service's event source but shows no CreateToken
            // record: its secrets are written hidden, as CloudTrail writes sensitive parameters.
            let hidden: CloudTrailJSON = "HIDDEN_DUE_TO_SECURITY_REASONS"
            let grant: CloudTrailJSON = p.grant == .deviceCode ? "urn:ietf:params:oauth:grant-type:device_code" : "refresh_token"
            var r = record(e, 0, identity: identityCenterUser(p.userId, session: p.sessionId), source: "sso-oauth.amazonaws.com", name: "CreateToken",
                           request: ["clientId": .string(ids.token(kind: "oidc-client", name: p.sessionId, count: 22)), "clientSecret": hidden,
                                     "grantType": grant, p.grant == .deviceCode ? "deviceCode" : "refreshToken": hidden],
                           response: ["accessToken": hidden, "tokenType": "Bearer", "expiresIn": .number(max(0, (p.expiresAt.ms - e.time.ms) / 1000)),
                                      "refreshToken": hidden],
                           ip: userIP(p.userId), agent: cli)
            addBody(&r, ["userId": .string(ids.userId(p.userId)), "sessionId": .string(p.sessionId), "grant": .string(p.grant.rawValue),
                         "expiresAt": .string(ISO8601.format(p.expiresAt))])
            return [r]
        case .accessRefused(let p):
            let ip = userIP(p.userId)
            switch p.stage {
            case .signIn:
                var r = record(e, 0, identity: ["type": "Unknown", "accountId": .string(management)], source: "signin.amazonaws.com",
                               name: "UserAuthentication", request: nil, response: nil, ip: ip, agent: browser, type: "AwsServiceEvent")
                r.serviceEventDetails = ["UserAuthentication": "Failure"]
                r.additionalEventData = ["CredentialType": "EXTERNAL_IDP", "UserName": .string(userName(p.userId))]
                return [r]
            case .roleCredentials:
                var r = record(e, 0, identity: identityCenterUser(p.userId, session: "refused/\(e.seq)"), source: "sso.amazonaws.com",
                               name: "GetRoleCredentials", request: nil, response: nil, ip: ip, agent: cli, readOnly: true, type: "AwsServiceEvent")
                r.errorCode = "UnauthorizedException"
                r.errorMessage = "Session token not found or invalid"
                r.serviceEventDetails = ["role_name": .string(p.permissionSetId.flatMap { state.permissionSets[$0]?.name } ?? ""),
                                         "account_id": .string(p.accountId.map(ids.accountId) ?? "")]
                return [r]
            }
        case .roleCredentialsIssued(let p):
            let account = ids.accountId(p.accountId)
            let setName = state.permissionSets[p.permissionSetId]?.name ?? p.permissionSetId
            var portal = record(e, 0, identity: identityCenterUser(p.userId, session: p.sessionId), source: "sso.amazonaws.com", name: "GetRoleCredentials",
                                request: nil, response: nil, ip: userIP(p.userId), agent: cli, readOnly: true, type: "AwsServiceEvent")
            portal.serviceEventDetails = ["role_name": .string(setName), "account_id": .string(account)]
            addBody(&portal, ["credentialId": .string(p.credentialId), "userId": .string(ids.userId(p.userId)), "permissionSetId": .string(p.permissionSetId),
                              "roleName": .string(p.roleName), "sessionId": .string(p.sessionId), "issuedAt": .string(ISO8601.format(p.issuedAt)),
                              "expiresAt": .string(ISO8601.format(p.expiresAt)),
                              "sessionTags": .array(p.sessionTags.map { ["key": .string($0.key), "value": .string($0.value)] })])
            let qualifier = ids.token(kind: "saml-qualifier", name: account, count: 27)
            let name = userName(p.userId)
            let roleArn = ReservedRoleIdentifiers.roleArn(accountId: account, roleName: p.roleName, identityCenterRegion: region)
            var assume = record(e, 1, identity: ["type": "SAMLUser", "principalId": .string("\(qualifier):\(name)"), "userName": .string(name),
                                                 "identityProvider": .string(qualifier)],
                                source: "sts.amazonaws.com", name: "AssumeRoleWithSAML",
                                request: ["sAMLAssertionID": .string("_" + ids.uuid(kind: "saml", name: p.credentialId)), "roleSessionName": .string(name),
                                          "roleArn": .string(roleArn),
                                          "principalArn": .string("arn:aws:iam::\(account):saml-provider/AWSSSO_\(ids.token(kind: "saml-provider", name: "", count: 16))_DO_NOT_DELETE"),
                                          "durationSeconds": .number((p.expiresAt.ms - p.issuedAt.ms) / 1000)],
                                response: ["credentials": ["accessKeyId": .string(ids.accessKeyId(credentialId: p.credentialId)),
                                                           "sessionToken": .string(ids.sessionToken(credentialId: p.credentialId)),
                                                           "expiration": .string(ISO8601.format(p.expiresAt))],
                                           "assumedRoleUser": ["assumedRoleId": .string(ReservedRoleIdentifiers.sessionUserId(roleName: p.roleName, sessionName: name)),
                                                               "arn": .string(ReservedRoleIdentifiers.sessionArn(accountId: account, roleName: p.roleName, sessionName: name))],
                                           "subjectType": "persistent", "audience": "https://signin.aws.amazon.com/saml"],
                                ip: "sso.amazonaws.com", agent: "sso.amazonaws.com", readOnly: true, account: account)
            assume.resources = [["accountId": .string(account), "type": "AWS::IAM::Role", "ARN": .string(roleArn)]]
            return [portal, assume]
        case .denyUser(let p):
            let deny = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\",\"Action\":\"*\",\"Resource\":\"*\",\"Condition\":{\"StringEquals\":{\"identitystore:UserId\":\"\(ids.userId(p.userId))\"}}}]}"
            switch p.scope {
            case .scp:
                return [adminCall(e, orgs, "UpdatePolicy", ["policyId": .string(ids.policyId("accesslab-deny/" + p.targetId)), "content": .string(deny)])]
            case .inlinePolicy:
                return [adminCall(e, sso, "PutInlinePolicyToPermissionSet", psRequest(p.targetId, [("inlinePolicy", .string(deny))]))]
            }
        default:
            return []
        }
    }

    private var tenant: String { ids.token(kind: "scim-tenant", name: "", count: 20) }
    private let browser = "Mozilla/5.0 (X11; Linux x86_64) AccessLab simulated browser"
    private let cli = "aws-cli/2.27.0 (AccessLab simulated user)"
    private func userIP(_ userId: String) -> String { "203.0.113.\(Int(FNV1a.hash64(userId) % 250) + 1)" }
    private func userName(_ userId: String) -> String { state.identityCenter.users[userId]?.attributes.userName ?? userId }
    private func target(_ id: String) -> String { state.organization.accounts[id] != nil ? ids.accountId(id) : ids.parentId(id) }

    private func scim(_ e: Event, _ name: String, _ request: CloudTrailJSON?, _ response: CloudTrailJSON?, failed: Bool = false) -> CloudTrailRecord {
        record(e, 0, identity: scimClient(failed: failed), source: "identitystore-scim.amazonaws.com", name: name, request: request,
               response: failed ? nil : response, ip: "198.51.100.20", agent: "AccessLab simulated SCIM client")
    }

    /// Adds members to the record's `accesslab:body` (only with `withBodies`).
    private func addBody(_ r: inout CloudTrailRecord, _ body: CloudTrailJSON) {
        guard withBodies, case .object(let add) = body else { return }
        var data: [(String, CloudTrailJSON)] = []
        if case .object(let existing)? = r.additionalEventData { data = existing }
        var inner: [(String, CloudTrailJSON)] = []
        if let i = data.firstIndex(where: { $0.0 == "accesslab:body" }) {
            if case .object(let old) = data[i].1 { inner = old }
            data.remove(at: i)
        }
        inner += add
        data.append(("accesslab:body", .object(inner)))
        r.additionalEventData = .object(data)
    }

    private func createPolicy(_ e: Event, _ id: String, _ name: String, _ content: String, _ type: String) -> CloudTrailRecord {
        adminCall(e, "organizations.amazonaws.com", "CreatePolicy",
                  ["content": .string(content), "description": "", "name": .string(name), "type": .string(type)],
                  ["policy": ["policySummary": ["id": .string(ids.policyId(id)), "arn": .string(ids.policyArn(management: management, policy: id, type: type)),
                                                "name": .string(name), "description": "", "type": .string(type), "awsManaged": false],
                              "content": .string(content)]])
    }
}
