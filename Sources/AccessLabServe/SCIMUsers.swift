import AccessLabEvents
import AccessLabProjections
import Foundation

/// `/Users`: Identity Center's CreateUser, GetUser, ListUsers, PutUser, PatchUser and DeleteUser.
/// The attributes AccessLab keeps are the ones `UserAttributes` holds; others Identity Center keeps
/// (nickName, phoneNumbers, addresses, externalId...) are accepted and not kept.
extension ServedOrganization {
    func scimUsers(_ call: SCIMCall, id: String?) throws(ServiceError) -> ServeResponse {
        switch (call.request.method, id) {
        case ("GET", nil): return try listSCIMUsers(call)
        case ("GET", let id?): return SCIMAnswer(scimUser(try scimLiveUser(id), base: call.base)).answer()
        case ("POST", nil): return try createSCIMUser(call)
        case ("PUT", let id?): return try replaceSCIMUser(call, id: id)
        case ("PATCH", let id?): return try patchSCIMUser(call, id: id)
        case ("DELETE", let id?): return try scimDelete(call, operation: "DeleteUser", .deleteUser(DeleteUser(userId: try scimLiveUser(id).userId)))
        default: throw call.methodNotAllowed
        }
    }

    func scimLiveUser(_ id: String) throws(ServiceError) -> DirectoryUser {
        do { return try liveUser(id) } catch { throw ServiceError("", error.message, status: 404) }
    }

    func scimUser(_ u: DirectoryUser, base: String) -> [String: Any] {
        let a = u.attributes, id = ids.userId(u.userId)
        var user: [String: Any] = [
            "schemas": [SCIMSchema.user], "id": id, "userName": a.userName, "displayName": a.displayName,
            "name": ["givenName": a.givenName, "familyName": a.familyName], "active": u.status == .active,
            "meta": scimMeta(resourceType: "User", id: id, entity: u.userId, base: base),
        ]
        if !a.email.isEmpty { user["emails"] = [["value": a.email, "type": "work", "primary": true]] }
        if let title = a.title { user["title"] = title }
        var enterprise: [String: Any] = [:]
        if let v = a.department { enterprise["department"] = v }
        if let v = a.costCenter { enterprise["costCenter"] = v }
        if let v = a.team { enterprise["division"] = v }
        if let v = a.manager { enterprise["manager"] = ["value": v] }
        if !enterprise.isEmpty {
            user[SCIMSchema.enterpriseUser] = enterprise
            user["schemas"] = [SCIMSchema.user, SCIMSchema.enterpriseUser]
        }
        return user
    }

    // MARK: Reads

    func listSCIMUsers(_ call: SCIMCall) throws(ServiceError) -> ServeResponse {
        var users = state.identityCenter.users.values.filter { $0.status != .deleted }.map { (id: ids.userId($0.userId), user: $0) }
        if let filter = try call.filter() {
            let keys = filter.comparisons.map { Self.userFilterKey($0.key) }.sorted()
            guard [["username"], ["externalid"], ["groups.value"], ["id"], ["id", "manager"]].contains(keys) else {
                throw SCIMFilter.invalid(call.request.queryValue("filter") ?? "", "Identity Center filters users by userName, externalId, groups.value, id, or id and manager")
            }
            for c in filter.comparisons {
                let group = Self.userFilterKey(c.key) == "groups.value" ? names.group(c.value, state, ids: ids) : nil
                users = users.filter { entry in
                    switch Self.userFilterKey(c.key) {
                    case "username": entry.user.attributes.userName.lowercased() == c.value.lowercased()
                    case "id": entry.id == c.value
                    case "manager": entry.user.attributes.manager == c.value
                    case "groups.value": group.map(entry.user.groups.contains) ?? false
                    default: false  // externalId: AccessLab does not keep it, so nothing matches
                    }
                }
            }
        }
        return try scimList(call, items: users.sorted { $0.id < $1.id }.map { ($0.id, scimUser($0.user, base: call.base)) })
    }

    private static func userFilterKey(_ key: String) -> String {
        let enterprise = SCIMSchema.enterpriseUser.lowercased() + ":"
        let leaf = key.hasPrefix(enterprise) ? String(key.dropFirst(enterprise.count)) : key
        return leaf == "manager.value" ? "manager" : leaf
    }

    // MARK: Writes

    func createSCIMUser(_ call: SCIMCall) throws(ServiceError) -> ServeResponse {
        let (attributes, active) = try scimUserAttributes(try call.body())
        guard !userNameTaken(attributes.userName) else { throw ServiceError("uniqueness", "User with userName \(attributes.userName) already exists", status: 409) }
        let userId = try scimWrite(call, operation: "CreateUser") { () throws(ServiceError) in
            try createUser(attributes, active: active ?? true, actor: .scim)
        }
        let user = try scimLiveUser(userId)
        let answer = scimUser(user, base: call.base)
        return SCIMAnswer(answer, status: 201, location: "\(call.base)/Users/\(ids.userId(userId))").answer()
    }

    func replaceSCIMUser(_ call: SCIMCall, id: String) throws(ServiceError) -> ServeResponse {
        let user = try scimLiveUser(id)
        let (attributes, active) = try scimUserAttributes(try call.body())
        let operations = Self.replacement(of: user, with: attributes, active: active)
        return try commitSCIMPatch(call, user: user, operations: operations, operation: "PutUser")
    }

    func patchSCIMUser(_ call: SCIMCall, id: String) throws(ServiceError) -> ServeResponse {
        let user = try scimLiveUser(id)
        var operations: [PatchOperation] = []
        for op in try scimOperations(try call.body()) {
            operations += try SCIMUserPatch.operations(op)
        }
        for path in ["userName", "active"] where operations.filter({ $0.path == path }).count > 1 {
            throw ServiceError("invalidValue", "Identity Center does not support multiple operations on \(path) in one request")
        }
        return try commitSCIMPatch(call, user: user, operations: operations, operation: "PatchUser")
    }

    /// Checks the user the operations leave, then records them as one PatchUser (none when nothing changes).
    private func commitSCIMPatch(_ call: SCIMCall, user: DirectoryUser, operations: [PatchOperation], operation: String) throws(ServiceError) -> ServeResponse {
        var after = user.attributes
        for op in operations where op.path != "active" { after.apply(op) }
        for (name, value) in [("userName", after.userName), ("givenName", after.givenName), ("familyName", after.familyName), ("displayName", after.displayName)]
        where value.isEmpty {
            throw ServiceError("invalidValue", "\(name) is required and cannot be empty")
        }
        if after.userName.lowercased() != user.attributes.userName.lowercased(), userNameTaken(after.userName, except: user.userId) {
            throw ServiceError("uniqueness", "User with userName \(after.userName) already exists", status: 409)
        }
        if !operations.isEmpty {
            try scimWrite(call, operation: operation) { () throws(ServiceError) in
                simulation.record(.patchUser(PatchUser(userId: user.userId, operations: operations)), actor: .scim)
            }
        }
        return SCIMAnswer(scimUser(try scimLiveUser(user.userId), base: call.base)).answer()
    }

    /// PUT as the PATCH operations that turn `user` into the one sent (`active` kept when not sent).
    static func replacement(of user: DirectoryUser, with a: UserAttributes, active: Bool?) -> [PatchOperation] {
        let old = user.attributes
        var operations: [PatchOperation] = []
        let required: [(String, String, String)] = [
            ("userName", old.userName, a.userName), ("name.givenName", old.givenName, a.givenName),
            ("name.familyName", old.familyName, a.familyName), ("displayName", old.displayName, a.displayName),
            (SCIMUserPatch.workEmail, old.email, a.email),
        ]
        for (path, before, after) in required where before != after { operations.append(PatchOperation(op: .replace, path: path, value: after)) }
        let optional: [(String, String?, String?)] = [
            ("title", old.title, a.title), (SCIMUserPatch.enterprise("department"), old.department, a.department),
            (SCIMUserPatch.enterprise("costCenter"), old.costCenter, a.costCenter), (SCIMUserPatch.enterprise("division"), old.team, a.team),
            (SCIMUserPatch.enterprise("manager"), old.manager, a.manager),
        ]
        for (path, before, after) in optional where before != after {
            operations.append(after.map { PatchOperation(op: .replace, path: path, value: $0) } ?? PatchOperation(op: .remove, path: path))
        }
        if let active, active != (user.status == .active) { operations.append(PatchOperation(op: .replace, path: "active", value: String(active))) }
        return operations
    }

    /// A whole user as POST and PUT carry one, checked against what Identity Center accepts.
    func scimUserAttributes(_ body: SCIMObject) throws(ServiceError) -> (UserAttributes, active: Bool?) {
        for refused in ["password", "ims", "photos", "x509Certificates", "entitlements"] where body.has(refused) {
            throw ServiceError("invalidValue", "Identity Center does not support the \(refused) attribute")
        }
        if body.has("groups") { throw ServiceError("invalidValue", "groups cannot be set on a user; change the group's members") }
        let name = body.object("name")
        guard let userName = SCIMUserPatch.nonEmpty(body["userName"]), let given = SCIMUserPatch.nonEmpty(name?["givenName"]),
              let family = SCIMUserPatch.nonEmpty(name?["familyName"]), let display = SCIMUserPatch.nonEmpty(body["displayName"]) else {
            throw ServiceError("invalidValue", "userName, name.givenName, name.familyName and displayName are required")
        }
        var attributes = UserAttributes(userName: userName, givenName: given, familyName: family, displayName: display,
                                        email: try SCIMUserPatch.email(body["emails"], primaryRequired: true) ?? "")
        if body.has("title") { attributes.title = try SCIMUserPatch.string(body["title"], "title") }
        if let enterprise = body.object(SCIMSchema.enterpriseUser) {
            for (key, value) in enterprise.fields.sorted(by: { $0.key < $1.key }) where !(value is NSNull) {
                for op in try SCIMUserPatch.operations(SCIMOperation(op: "replace", path: SCIMUserPatch.enterprise(key), value: value)) {
                    attributes.apply(op)
                }
            }
        }
        let active: Bool? = body.has("active") ? try SCIMUserPatch.bool(body["active"], "active") : nil
        return (attributes, active)
    }
}
