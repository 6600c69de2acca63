import AccessLabAWS
import AccessLabEvents
import AccessLabProjections
import Foundation

/// STS and IAM in a member account, in the query protocol (form-encoded `Action=`, XML answers), called
/// with the role credentials the portal issued: they stop at expiry (`ExpiredToken`), and a deny stops
/// IAM calls but never `GetCallerIdentity`.
extension ServedOrganization {
    func queryProtocol(_ request: ServeRequest, requestId: String) -> ServeResponse {
        let form = request.method == "POST" ? Form.decode(String(decoding: request.body, as: UTF8.self)) : request.queryItems
        let value = { (name: String) in form.first { $0.0 == name }?.1 }
        guard let action = value("Action") else {
            return ServiceError("MissingAction", "the request names no Action").queryXML(requestId: requestId)
        }
        do throws(ServiceError) {
            let caller = try authenticate(request, errors: .query)
            let service = (try? SigV4.claim(request).get())?.service ?? ""
            switch (service, action) {
            case ("sts", "GetCallerIdentity"):
                return xml(action, namespace: "https://sts.amazonaws.com/doc/2011-06-15/", requestId: requestId) { x in
                    if let c = caller.credential {
                        let userName = state.identityCenter.users[c.userId]?.attributes.userName ?? c.userId
                        x.element("Arn", caller.arn)
                        x.element("UserId", ReservedRoleIdentifiers.sessionUserId(roleName: c.roleName, sessionName: userName))
                        x.element("Account", ids.accountId(c.target.accountId))
                    } else {
                        x.element("Arn", caller.arn)
                        x.element("UserId", "AIDA" + ids.token(kind: "admin-user", name: "accesslab", count: 17).uppercased())
                        x.element("Account", ids.namespace)
                    }
                }
            case ("iam", "GetRole"), ("iam", "ListRoles"):
                let credential = caller.credential
                let account = credential?.target.accountId ?? ids.namespace
                let roles = state.roles.filter { $0.key.accountId == (names.account(account, state, ids: ids) ?? account) }
                    .sorted { $0.value.roleName < $1.value.roleName }
                if action == "GetRole" {
                    guard let name = value("RoleName") else { throw ServiceError("ValidationError", "RoleName is required") }
                    let arn = ReservedRoleIdentifiers.roleArn(accountId: ids.accountId(account), roleName: name, identityCenterRegion: simulation.rules.identityCenterRegion)
                    try permit(credential, action: "iam:GetRole", resource: arn)
                    guard let role = roles.first(where: { $0.value.roleName == name }) else {
                        throw ServiceError("NoSuchEntity", "The role with name \(name) cannot be found.", status: 404)
                    }
                    return xml(action, namespace: "https://iam.amazonaws.com/doc/2010-05-08/", requestId: requestId) { x in
                        x.open("Role"); roleXML(&x, role.key, role.value); x.close("Role")
                    }
                }
                try permit(credential, action: "iam:ListRoles", resource: "arn:aws:iam::\(ids.accountId(account)):role/")
                let prefix = value("PathPrefix") ?? "/"
                let matching = roleArnPath.hasPrefix(prefix) ? roles : []
                let offset = value("Marker").flatMap { AWSPages.offset(token: $0, operation: "ListRoles") } ?? 0
                let size = min(max(value("MaxItems").flatMap(Int.init) ?? 100, 1), 1000)
                let slice = Array(matching.dropFirst(offset).prefix(size))
                let truncated = offset + slice.count < matching.count
                return xml(action, namespace: "https://iam.amazonaws.com/doc/2010-05-08/", requestId: requestId) { x in
                    x.open("Roles")
                    for role in slice { x.open("member"); roleXML(&x, role.key, role.value); x.close("member") }
                    x.close("Roles")
                    x.element("IsTruncated", truncated ? "true" : "false")
                    if truncated { x.element("Marker", AWSPages.token(operation: "ListRoles", offset: offset + slice.count)) }
                }
            default:
                throw ServiceError("InvalidAction", "Could not find operation \(action) for \(service.isEmpty ? "this endpoint" : service)")
            }
        } catch {
            return error.queryXML(requestId: requestId)
        }
    }

    var roleArnPath: String {
        let region = simulation.rules.identityCenterRegion
        return region == ReservedRoleIdentifiers.defaultRegion ? ReservedRoleName.path : ReservedRoleName.path + region + "/"
    }

    /// A deny (or no allow) stops the call, as IAM decides on every request.
    func permit(_ credential: RoleCredential?, action: String, resource: String) throws(ServiceError) {
        guard let credential else { return }
        let verdict = decide(credential, action: action, resource: resource, context: [:])
        guard verdict.decision == "Allowed" else {
            let how = verdict.decision == "ExplicitlyDenied" ? "with an explicit deny in an identity-based policy" : "because no identity-based policy allows the \(action) action"
            throw ServiceError("AccessDenied", "User: \(ReservedRoleIdentifiers.sessionArn(accountId: ids.accountId(credential.target.accountId), roleName: credential.roleName, sessionName: state.identityCenter.users[credential.userId]?.attributes.userName ?? credential.userId)) is not authorized to perform: \(action) on resource: \(resource) \(how)", status: 403)
        }
    }

    func roleXML(_ x: inout XMLText, _ target: AccountPermissionSet, _ role: ProvisionedRole) {
        let account = ids.accountId(target.accountId)
        x.element("Path", roleArnPath)
        x.element("RoleName", role.roleName)
        x.element("RoleId", ReservedRoleIdentifiers.roleId(roleName: role.roleName))
        x.element("Arn", ReservedRoleIdentifiers.roleArn(accountId: account, roleName: role.roleName, identityCenterRegion: simulation.rules.identityCenterRegion))
        x.element("CreateDate", ISO8601.format(role.createdAt))
        let trust = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::\#(account):saml-provider/AWSSSO_\#(ids.instanceId.dropFirst(7))_DO_NOT_DELETE"},"Action":["sts:AssumeRoleWithSAML","sts:TagSession"],"Condition":{"StringEquals":{"SAML:aud":"https://signin.aws.amazon.com/saml"}}}]}"#
        x.element("AssumeRolePolicyDocument", Form.percentEncode(trust))
        x.element("MaxSessionDuration", String((state.permissionSets[target.permissionSetId]?.sessionDuration.ms ?? 3_600_000) / 1000))
    }

    func xml(_ action: String, namespace: String, requestId: String, _ result: (inout XMLText) -> Void) -> ServeResponse {
        var x = XMLText()
        x.open("\(action)Response", attributes: [("xmlns", namespace)])
        x.open("\(action)Result")
        result(&x)
        x.close("\(action)Result")
        x.open("ResponseMetadata"); x.element("RequestId", requestId); x.close("ResponseMetadata")
        x.close("\(action)Response")
        return ServeResponse(status: 200, headers: [("content-type", "text/xml")], body: Array(x.text.utf8))
    }
}
