import AccessLabEvents
import AccessLabProjections
import Foundation

/// `/Groups`: Identity Center's CreateGroup, GetGroup, ListGroups, PatchGroup and DeleteGroup (it has
/// no PutGroup). As Identity Center does, a group is answered without its members; a member's groups
/// are found with the `members.value` filter.
extension ServedOrganization {
    static let membershipChangesMax = 100

    func scimGroups(_ call: SCIMCall, id: String?) throws(ServiceError) -> ServeResponse {
        switch (call.request.method, id) {
        case ("GET", nil): return try listSCIMGroups(call)
        case ("GET", let id?): return SCIMAnswer(scimGroup(try scimExistingGroup(id), base: call.base)).answer()
        case ("POST", nil): return try createSCIMGroup(call)
        case ("PATCH", let id?): return try patchSCIMGroup(call, id: id)
        case ("DELETE", let id?): return try scimDelete(call, operation: "DeleteGroup", .deleteGroup(DeleteGroup(groupId: try scimExistingGroup(id).groupId)))
        default: throw call.methodNotAllowed
        }
    }

    func scimExistingGroup(_ id: String) throws(ServiceError) -> DirectoryGroup {
        do { return try group(id) } catch { throw ServiceError("", error.message, status: 404) }
    }

    func scimGroup(_ g: DirectoryGroup, base: String) -> [String: Any] {
        let id = ids.groupId(g.groupId)
        return ["schemas": [SCIMSchema.group], "id": id, "displayName": g.displayName,
                "meta": scimMeta(resourceType: "Group", id: id, entity: g.groupId, base: base)]
    }

    // MARK: Reads

    func listSCIMGroups(_ call: SCIMCall) throws(ServiceError) -> ServeResponse {
        var groups = state.identityCenter.groups.values.map { (id: ids.groupId($0.groupId), group: $0) }
        if let filter = try call.filter() {
            let keys = filter.comparisons.map { Self.groupFilterKey($0.key) }.sorted()
            guard [["displayname"], ["externalid"], ["members.value"], ["id"], ["id", "members.value"]].contains(keys) else {
                throw SCIMFilter.invalid(call.request.queryValue("filter") ?? "", "Identity Center filters groups by displayName, externalId, members.value, id, or id and members.value")
            }
            for c in filter.comparisons {
                let member = Self.groupFilterKey(c.key) == "members.value" ? try scimLiveUser(c.value).userId : nil
                groups = groups.filter { entry in
                    switch Self.groupFilterKey(c.key) {
                    case "displayname": entry.group.displayName == c.value
                    case "id": entry.id == c.value
                    case "members.value": member.map(entry.group.members.contains) ?? false
                    default: false  // externalId: AccessLab does not keep it, so nothing matches
                    }
                }
            }
        }
        return try scimList(call, items: groups.sorted { $0.id < $1.id }.map { ($0.id, scimGroup($0.group, base: call.base)) })
    }

    private static func groupFilterKey(_ key: String) -> String { key == "members" ? "members.value" : key }

    // MARK: Writes

    func createSCIMGroup(_ call: SCIMCall) throws(ServiceError) -> ServeResponse {
        let body = try call.body()
        guard let displayName = SCIMUserPatch.nonEmpty(body["displayName"]) else { throw ServiceError("invalidValue", "displayName is required") }
        let sent = try Self.memberIds(body["members"])
        guard sent.count <= Self.membershipChangesMax else {
            throw ServiceError("invalidValue", "Identity Center creates a group with at most \(Self.membershipChangesMax) members; \(sent.count) were sent")
        }
        var members: [String] = []
        for id in sent {
            let userId = try scimLiveUser(id).userId
            if !members.contains(userId) { members.append(userId) }
        }
        try checkGroupNameFree(displayName)
        let groupId = try scimWrite(call, operation: "CreateGroup") { () throws(ServiceError) in
            try createGroup(displayName, members: members, actor: .scim)
        }
        let group = try scimExistingGroup(groupId)
        return SCIMAnswer(scimGroup(group, base: call.base), status: 201, location: "\(call.base)/Groups/\(ids.groupId(groupId))").answer()
    }

    /// Member additions and removals (at most 100, never all members at once) and a new displayName,
    /// applied in the order sent and recorded as what changed.
    func patchSCIMGroup(_ call: SCIMCall, id: String) throws(ServiceError) -> ServeResponse {
        let group = try scimExistingGroup(id)
        var change = GroupChange()
        for op in try scimOperations(try call.body()) {
            if let path = op.path {
                try change.add(op, path: path, groupId: ids.groupId(group.groupId))
            } else {
                guard let object = op.value as? [String: Any] else { throw ServiceError("invalidValue", "An operation without a path carries an object of attributes") }
                for (key, value) in object.sorted(by: { $0.key < $1.key }) {
                    try change.add(SCIMOperation(op: op.op, path: key, value: value), path: key, groupId: ids.groupId(group.groupId))
                }
            }
        }
        guard change.memberships.count <= Self.membershipChangesMax else {
            throw ServiceError("invalidValue", "Identity Center takes at most \(Self.membershipChangesMax) membership changes a request; \(change.memberships.count) were sent")
        }
        var members = group.members
        for (add, awsId) in change.memberships {
            let userId = try scimLiveUser(awsId).userId
            if add { members.insert(userId) } else { members.remove(userId) }
        }
        let rename = change.displayName.flatMap { $0 == group.displayName ? nil : $0 }
        if let rename { try checkGroupNameFree(rename) }
        let added = members.subtracting(group.members).sorted(), removed = group.members.subtracting(members).sorted()
        if rename != nil || !added.isEmpty || !removed.isEmpty {
            try scimWrite(call, operation: "PatchGroup") { () throws(ServiceError) in
                if let rename { simulation.record(.updateGroup(UpdateGroup(groupId: group.groupId, displayName: rename)), actor: .scim) }
                if !added.isEmpty || !removed.isEmpty {
                    simulation.record(.patchGroup(PatchGroup(groupId: group.groupId, membersAdded: added, membersRemoved: removed)), actor: .scim)
                }
            }
        }
        return SCIMAnswer.noContent
    }

    private func checkGroupNameFree(_ displayName: String) throws(ServiceError) {
        if state.identityCenter.groups.values.contains(where: { $0.displayName == displayName }) {
            throw ServiceError("uniqueness", "Group with displayName \(displayName) already exists", status: 409)
        }
    }

    /// `members` as sent: a list of `{"value": id}` (a single object is taken as a list of one).
    static func memberIds(_ value: Any?) throws(ServiceError) -> [String] {
        guard let value, !(value is NSNull) else { return [] }
        let list = value as? [Any] ?? [value]
        return try list.map { item throws(ServiceError) -> String in
            guard let object = item as? [String: Any], let id = SCIMObject(object)["value"] as? String else {
                throw ServiceError("invalidValue", "A member is an object with the user's id as value")
            }
            return id
        }
    }
}

/// What a group PATCH asks for, before it is checked against the state.
struct GroupChange {
    /// (true: add, false: remove, user id as sent), in request order.
    var memberships: [(Bool, String)] = []
    var displayName: String?

    mutating func add(_ op: SCIMOperation, path: String, groupId: String) throws(ServiceError) {
        let lower = path.lowercased()
        switch (op.op, lower) {
        case ("add", "members"):
            memberships += try ServedOrganization.memberIds(op.value).map { (true, $0) }
        case ("remove", "members"):
            guard op.value != nil, !(op.value is NSNull) else { throw ServiceError("invalidValue", "Identity Center does not support removing all members of a group") }
            memberships += try ServedOrganization.memberIds(op.value).map { (false, $0) }
        case ("replace", "members"):
            throw ServiceError("invalidValue", "Identity Center does not support replacing all members of a group; add and remove them")
        case ("remove", _) where lower.hasPrefix("members[") && lower.hasSuffix("]"):
            let filter = try SCIMFilter.parse(String(path.dropFirst("members[".count).dropLast()))
            guard filter.keys == ["value"], let id = filter.value("value") else { throw ServiceError("invalidPath", "A member is selected by members[value eq \"id\"]") }
            memberships.append((false, id))
        case ("add", "displayname"), ("replace", "displayname"):
            displayName = try SCIMUserPatch.required(op.value, path)
        case ("remove", "displayname"):
            throw ServiceError("invalidValue", "displayName is required and cannot be removed")
        case (_, "externalid"):
            break  // Identity Center keeps it; AccessLab's groups do not.
        case (_, "id") where op.value as? String == groupId:
            break  // Identity Center's own example repeats the group's id beside displayName.
        case (_, "id"), (_, "meta"), (_, "schemas"):
            throw ServiceError("mutability", "\(path) cannot be modified")
        default:
            throw ServiceError("invalidPath", "Identity Center modifies only displayName, members and externalId of a group, not \(path)")
        }
    }
}
