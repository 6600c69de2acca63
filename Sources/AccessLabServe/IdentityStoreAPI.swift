import AccessLabAWS
import AccessLabEvents
import AccessLabProjections
import Foundation

/// The identity store as both its API and SCIM change it: one set of checks and events for each change.
extension ServedOrganization {
    typealias I = AWS.IdentityStore

    func checkStore(_ id: String) throws(ServiceError) {
        guard id == ids.identityStoreId else { throw ServiceError.notFound("Identity store \(id) does not exist") }
    }

    func liveUser(_ awsId: String) throws(ServiceError) -> DirectoryUser {
        guard let id = names.user(awsId, state, ids: ids), let user = state.identityCenter.users[id], user.status != .deleted else {
            throw ServiceError.notFound("User \(awsId) does not exist")
        }
        return user
    }

    func group(_ awsId: String) throws(ServiceError) -> DirectoryGroup {
        guard let id = names.group(awsId, state, ids: ids), let group = state.identityCenter.groups[id] else {
            throw ServiceError.notFound("Group \(awsId) does not exist")
        }
        return group
    }

    /// A request's `Revision`, when it gives one, must be the entity's current one.
    func checkRevision(_ expected: String?, of id: String, _ kind: String) throws(ServiceError) {
        guard let expected, expected != revisions.revision(id) else { return }
        throw ServiceError.conflict("The \(kind) was modified: its revision is \(revisions.revision(id)), not \(expected)")
    }

    func userNameTaken(_ name: String, except: String? = nil) -> Bool {
        state.identityCenter.users.values.contains { $0.status != .deleted && $0.userId != except && $0.attributes.userName.lowercased() == name.lowercased() }
    }

    /// Creates a user; its id in the log is the UUID clients see.
    func createUser(_ attributes: UserAttributes, active: Bool, actor: Actor) throws(ServiceError) -> String {
        guard !attributes.userName.isEmpty else { throw ServiceError.validation("UserName is required") }
        guard !userNameTaken(attributes.userName) else { throw ServiceError.conflict("Duplicate UserName \(attributes.userName)") }
        let id = ids.uuid(kind: "user", name: "serve-\(next("user"))")
        simulation.record(.createUser(CreateUser(userId: id, attributes: attributes, active: active)), actor: actor)
        return id
    }

    func createGroup(_ displayName: String, members: [String] = [], actor: Actor) throws(ServiceError) -> String {
        guard !displayName.isEmpty else { throw ServiceError.validation("DisplayName is required") }
        guard !state.identityCenter.groups.values.contains(where: { $0.displayName == displayName }) else {
            throw ServiceError.conflict("Duplicate GroupDisplayName \(displayName)")
        }
        let id = ids.uuid(kind: "group", name: "serve-\(next("group"))")
        simulation.record(.createGroup(CreateGroup(groupId: id, displayName: displayName, members: members)), actor: actor)
        return id
    }

    /// A user's AWS id, derived once (a page of users would otherwise hash every name again).
    func awsUserId(_ id: String) -> String {
        if let known = awsUserIds[id] { return known }
        let derived = ids.userId(id)
        awsUserIds[id] = derived
        return derived
    }

    func awsUser(_ u: DirectoryUser) -> I.User {
        let a = u.attributes
        let id = awsUserId(u.userId)
        return I.User(identityStoreId: ids.identityStoreId, userId: id, userArn: ids.userArn(id),
                      revision: revisions.revision(u.userId), userName: a.userName,
                      name: I.Name(formatted: "\(a.givenName) \(a.familyName)", familyName: a.familyName, givenName: a.givenName),
                      displayName: a.displayName, emails: a.email.isEmpty ? nil : [I.Email(value: a.email, type: "work", primary: true)], title: a.title,
                      userStatus: u.status == .active ? "ENABLED" : "DISABLED")
    }

    func awsGroup(_ g: DirectoryGroup) -> I.Group {
        I.Group(identityStoreId: ids.identityStoreId, groupId: ids.groupId(g.groupId), groupArn: ids.groupArn(g.groupId),
                revision: revisions.revision(g.groupId), displayName: g.displayName)
    }

    func membership(_ g: DirectoryGroup, _ userId: String) -> I.GroupMembership {
        let id = ids.membershipId(groupId: g.groupId, userId: userId)
        return I.GroupMembership(identityStoreId: ids.identityStoreId, membershipId: id, membershipArn: AWSIdentifiers.membershipArn(id),
                          groupId: ids.groupId(g.groupId), memberId: I.MemberId(userId: ids.userId(userId)))
    }

    /// A membership id back to its group and user.
    func membership(_ awsId: String) throws(ServiceError) -> (group: DirectoryGroup, userId: String) {
        for g in state.identityCenter.groups.values {
            for u in g.members where ids.membershipId(groupId: g.groupId, userId: u) == awsId { return (g, u) }
        }
        throw ServiceError.notFound("Membership \(awsId) does not exist")
    }

    /// The raw JSON object of a request whose members the generated shapes cannot carry (documents).
    func object(_ body: Data) throws(ServiceError) -> [String: Any] {
        guard let o = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] else { throw ServiceError("SerializationException", "the body is not a JSON object") }
        return o
    }

    /// identitystore `UpdateUser` operations (`AttributePath` + `AttributeValue`) as PATCH operations.
    func patchOperations(_ operations: [[String: Any]]) throws(ServiceError) -> [PatchOperation] {
        try operations.map { op throws(ServiceError) -> PatchOperation in
            guard let path = op["AttributePath"] as? String else { throw ServiceError.validation("AttributePath is required") }
            let value = op["AttributeValue"]
            switch path {
            case "name.givenName", "name.familyName", "displayName", "userName", "title", "nickName":
                guard let v = value as? String else { return PatchOperation(op: .remove, path: path) }
                return PatchOperation(op: .replace, path: path, value: v)
            case "emails":
                let first = (value as? [[String: Any]])?.first?["Value"] as? String
                return PatchOperation(op: first == nil ? .remove : .replace, path: "emails[type eq \"work\"].value", value: first)
            default:
                throw ServiceError.validation("AttributePath \(path) is not supported by AccessLab")
            }
        }
    }

    static let identityStoreOperations: [String: JSONOperation] = [
        "ListIdentityStores": { c throws(ServiceError) in
            try c.read(I.ListIdentityStoresRequest.self) { r throws(ServiceError) in
                let s = c.server
                let p = try page([I.IdentityStore(identityStoreId: s.ids.identityStoreId, identityStoreArn: s.ids.identityStoreArn)],
                                 token: r.nextToken, max: r.maxResults, operation: "ListIdentityStores")
                return I.ListIdentityStoresResponse(identityStores: p.items, nextToken: p.next)
            }
        },
        "DescribeIdentityStore": { c throws(ServiceError) in
            try c.read(I.DescribeIdentityStoreRequest.self) { r throws(ServiceError) in
                let s = c.server
                try s.checkStore(r.identityStoreId)
                return I.DescribeIdentityStoreResponse(identityStoreId: s.ids.identityStoreId, identityStoreArn: s.ids.identityStoreArn)
            }
        },
        "UpdateIdentityStore": { c throws(ServiceError) in
            try c.read(I.UpdateIdentityStoreRequest.self) { r throws(ServiceError) in
                let s = c.server
                try s.checkStore(r.identityStoreId)
                // Network restrictions (VPC endpoints, source IPs) would change who may call, not what access is: not modelled.
                guard r.networkConfiguration == nil else {
                    throw ServiceError.validation("AccessLab does not model the identity store's network configuration")
                }
                return I.UpdateIdentityStoreResponse(identityStoreId: s.ids.identityStoreId, identityStoreArn: s.ids.identityStoreArn)
            }
        },
        "CreateUser": { c throws(ServiceError) in
            try c.write(I.CreateUserRequest.self) { r throws(ServiceError) in
                let s = c.server
                try s.checkStore(r.identityStoreId)
                guard let userName = r.userName, let name = r.name, let given = name.givenName, let family = name.familyName, let display = r.displayName else {
                    throw ServiceError.validation("UserName, Name.GivenName, Name.FamilyName and DisplayName are required")
                }
                let email = r.emails?.first(where: { $0.primary == true })?.value ?? r.emails?.first?.value ?? ""
                let id = try s.createUser(UserAttributes(userName: userName, givenName: given, familyName: family, displayName: display, email: email, title: r.title),
                                          active: true, actor: .admin)
                return I.CreateUserResponse(identityStoreId: s.ids.identityStoreId, userId: id, userArn: s.ids.userArn(id), revision: s.revisions.revision(id))
            }
        },
        "DescribeUser": { c throws(ServiceError) in
            try c.read(I.DescribeUserRequest.self) { r throws(ServiceError) in
                let s = c.server
                try s.checkStore(r.identityStoreId)
                let u = s.awsUser(try s.liveUser(r.userId))
                return I.DescribeUserResponse(identityStoreId: u.identityStoreId, userId: u.userId, userArn: u.userArn, revision: u.revision,
                                              userName: u.userName, name: u.name,
                                              displayName: u.displayName, emails: u.emails, title: u.title, userStatus: u.userStatus)
            }
        },
        "ListUsers": { c throws(ServiceError) in
            try c.read(I.ListUsersRequest.self) { r throws(ServiceError) in
                let s = c.server
                try s.checkStore(r.identityStoreId)
                let directory = s.state.identityCenter.users
                if s.sortedUsers == nil { s.sortedUsers = directory.keys.filter { directory[$0]!.status != .deleted }.sorted() }
                var users = s.sortedUsers ?? []
                for f in r.filters ?? [] {
                    guard f.attributePath == "UserName" else { throw ServiceError.validation("Filters support only UserName") }
                    users = users.filter { directory[$0]!.attributes.userName.lowercased() == f.attributeValue.lowercased() }
                }
                // Only the page is turned into AWS's shape.
                let p = try page(users, token: r.nextToken, max: r.maxResults, operation: "ListUsers")
                return I.ListUsersResponse(users: p.items.map { s.awsUser(directory[$0]!) }, nextToken: p.next)
            }
        },
        "UpdateUser": { c throws(ServiceError) in
            let s = c.server
            let o = try s.object(c.body)
            guard let store = o["IdentityStoreId"] as? String, let userId = o["UserId"] as? String, let operations = o["Operations"] as? [[String: Any]] else {
                throw ServiceError.validation("IdentityStoreId, UserId and Operations are required")
            }
            try s.checkStore(store)
            let user = try s.liveUser(userId)
            try s.checkRevision(o["Revision"] as? String, of: user.userId, "user")
            let patch = try s.patchOperations(operations)
            if let rename = patch.first(where: { $0.path == "userName" })?.value, s.userNameTaken(rename, except: user.userId) {
                throw ServiceError.conflict("Duplicate UserName \(rename)")
            }
            return try c.write(AWSEmptyRequest.self) { _ throws(ServiceError) in
                s.simulation.record(.patchUser(PatchUser(userId: user.userId, operations: patch)), actor: .admin)
                return I.UpdateUserResponse(identityStoreId: store, userId: s.ids.userId(user.userId), userArn: s.ids.userArn(user.userId),
                                            revision: s.revisions.revision(user.userId))
            }
        },
        "DeleteUser": { c throws(ServiceError) in
            try c.write(I.DeleteUserRequest.self) { r throws(ServiceError) in
                let s = c.server
                try s.checkStore(r.identityStoreId)
                let user = try s.liveUser(r.userId)
                try s.checkRevision(r.revision, of: user.userId, "user")
                s.simulation.record(.deleteUser(DeleteUser(userId: user.userId)), actor: .admin)
                return I.DeleteUserResponse()
            }
        },
        "GetUserId": { c throws(ServiceError) in
            let s = c.server
            let o = try s.object(c.body)
            guard let store = o["IdentityStoreId"] as? String, let alt = o["AlternateIdentifier"] as? [String: Any] else {
                throw ServiceError.validation("IdentityStoreId and AlternateIdentifier are required")
            }
            try s.checkStore(store)
            guard let unique = alt["UniqueAttribute"] as? [String: Any], let path = unique["AttributePath"] as? String else {
                throw ServiceError.validation("AccessLab finds users by UniqueAttribute (userName or emails.value)")
            }
            let value = unique["AttributeValue"] as? String ?? ""
            let found = s.state.identityCenter.users.values.filter { $0.status != .deleted }.sorted { $0.userId < $1.userId }.first { u in
                switch path.lowercased() {
                case "username": u.attributes.userName.lowercased() == value.lowercased()
                case "emails.value": u.attributes.email.lowercased() == value.lowercased()
                default: false
                }
            }
            guard let found else { throw ServiceError.notFound("No user with \(path) \(value)") }
            return try c.encode(I.GetUserIdResponse(identityStoreId: store, userId: s.ids.userId(found.userId), userArn: s.ids.userArn(found.userId)))
        },
        "CreateGroup": { c throws(ServiceError) in
            try c.write(I.CreateGroupRequest.self) { r throws(ServiceError) in
                let s = c.server
                try s.checkStore(r.identityStoreId)
                let id = try s.createGroup(r.displayName ?? "", actor: .admin)
                return I.CreateGroupResponse(identityStoreId: s.ids.identityStoreId, groupId: id, groupArn: s.ids.groupArn(id), revision: s.revisions.revision(id))
            }
        },
        "DescribeGroup": { c throws(ServiceError) in
            try c.read(I.DescribeGroupRequest.self) { r throws(ServiceError) in
                let s = c.server
                try s.checkStore(r.identityStoreId)
                let g = s.awsGroup(try s.group(r.groupId))
                return I.DescribeGroupResponse(identityStoreId: g.identityStoreId, groupId: g.groupId, groupArn: g.groupArn, revision: g.revision,
                                               displayName: g.displayName)
            }
        },
        "ListGroups": { c throws(ServiceError) in
            try c.read(I.ListGroupsRequest.self) { r throws(ServiceError) in
                let s = c.server
                try s.checkStore(r.identityStoreId)
                var groups = s.state.identityCenter.groups.values.sorted { $0.groupId < $1.groupId }
                for f in r.filters ?? [] {
                    guard f.attributePath == "DisplayName" else { throw ServiceError.validation("Filters support only DisplayName") }
                    groups = groups.filter { $0.displayName == f.attributeValue }
                }
                let p = try page(groups.map(s.awsGroup), token: r.nextToken, max: r.maxResults, operation: "ListGroups")
                return I.ListGroupsResponse(groups: p.items, nextToken: p.next)
            }
        },
        "UpdateGroup": { c throws(ServiceError) in
            let s = c.server
            let o = try s.object(c.body)
            guard let store = o["IdentityStoreId"] as? String, let groupId = o["GroupId"] as? String else {
                throw ServiceError.validation("IdentityStoreId, GroupId and Operations are required")
            }
            try s.checkStore(store)
            let group = try s.group(groupId)
            try s.checkRevision(o["Revision"] as? String, of: group.groupId, "group")
            func answer() -> I.UpdateGroupResponse {
                I.UpdateGroupResponse(identityStoreId: store, groupId: s.ids.groupId(group.groupId), groupArn: s.ids.groupArn(group.groupId),
                                      revision: s.revisions.revision(group.groupId))
            }
            let renames = (o["Operations"] as? [[String: Any]] ?? []).filter { ($0["AttributePath"] as? String)?.lowercased() == "displayname" }
            // Other group attributes (description) are not modelled: accepted, and they leave no event.
            guard let name = renames.last?["AttributeValue"] as? String, name != group.displayName else { return try c.encode(answer()) }
            guard !name.isEmpty else { throw ServiceError.validation("DisplayName cannot be empty") }
            guard !s.state.identityCenter.groups.values.contains(where: { $0.displayName == name }) else { throw ServiceError.conflict("Duplicate GroupDisplayName \(name)") }
            return try c.write(AWSEmptyRequest.self) { _ throws(ServiceError) in
                s.simulation.record(.updateGroup(UpdateGroup(groupId: group.groupId, displayName: name)), actor: .admin)
                return answer()
            }
        },
        "DeleteGroup": { c throws(ServiceError) in
            try c.write(I.DeleteGroupRequest.self) { r throws(ServiceError) in
                let s = c.server
                try s.checkStore(r.identityStoreId)
                let g = try s.group(r.groupId)
                try s.checkRevision(r.revision, of: g.groupId, "group")
                s.simulation.record(.deleteGroup(DeleteGroup(groupId: g.groupId)), actor: .admin)
                return I.DeleteGroupResponse()
            }
        },
        "GetGroupId": { c throws(ServiceError) in
            let s = c.server
            let o = try s.object(c.body)
            guard let store = o["IdentityStoreId"] as? String, let alt = o["AlternateIdentifier"] as? [String: Any],
                  let unique = alt["UniqueAttribute"] as? [String: Any], (unique["AttributePath"] as? String)?.lowercased() == "displayname" else {
                throw ServiceError.validation("AccessLab finds groups by UniqueAttribute displayName")
            }
            try s.checkStore(store)
            let value = unique["AttributeValue"] as? String ?? ""
            guard let g = s.state.identityCenter.groups.values.sorted(by: { $0.groupId < $1.groupId }).first(where: { $0.displayName == value }) else {
                throw ServiceError.notFound("No group with displayName \(value)")
            }
            return try c.encode(I.GetGroupIdResponse(identityStoreId: store, groupId: s.ids.groupId(g.groupId), groupArn: s.ids.groupArn(g.groupId)))
        },
        "CreateGroupMembership": { c throws(ServiceError) in
            try c.write(I.CreateGroupMembershipRequest.self) { r throws(ServiceError) in
                let s = c.server
                try s.checkStore(r.identityStoreId)
                let g = try s.group(r.groupId)
                let user = try s.liveUser(r.memberId.userId ?? "")
                guard !g.members.contains(user.userId) else { throw ServiceError.conflict("The user is already a member of the group") }
                s.simulation.record(.patchGroup(PatchGroup(groupId: g.groupId, membersAdded: [user.userId])), actor: .admin)
                let id = s.ids.membershipId(groupId: g.groupId, userId: user.userId)
                return I.CreateGroupMembershipResponse(identityStoreId: r.identityStoreId, membershipId: id, membershipArn: AWSIdentifiers.membershipArn(id))
            }
        },
        "DeleteGroupMembership": { c throws(ServiceError) in
            try c.write(I.DeleteGroupMembershipRequest.self) { r throws(ServiceError) in
                let s = c.server
                try s.checkStore(r.identityStoreId)
                let m = try s.membership(r.membershipId)
                s.simulation.record(.patchGroup(PatchGroup(groupId: m.group.groupId, membersRemoved: [m.userId])), actor: .admin)
                return I.DeleteGroupMembershipResponse()
            }
        },
        "DescribeGroupMembership": { c throws(ServiceError) in
            try c.read(I.DescribeGroupMembershipRequest.self) { r throws(ServiceError) in
                let s = c.server
                try s.checkStore(r.identityStoreId)
                let m = try s.membership(r.membershipId)
                return I.DescribeGroupMembershipResponse(identityStoreId: r.identityStoreId, membershipId: r.membershipId,
                                                         membershipArn: AWSIdentifiers.membershipArn(r.membershipId), groupId: s.ids.groupId(m.group.groupId),
                                                         memberId: I.MemberId(userId: s.ids.userId(m.userId)))
            }
        },
        "GetGroupMembershipId": { c throws(ServiceError) in
            try c.read(I.GetGroupMembershipIdRequest.self) { r throws(ServiceError) in
                let s = c.server
                try s.checkStore(r.identityStoreId)
                let g = try s.group(r.groupId)
                let user = try s.liveUser(r.memberId.userId ?? "")
                guard g.members.contains(user.userId) else { throw ServiceError.notFound("The user is not a member of the group") }
                let id = s.ids.membershipId(groupId: g.groupId, userId: user.userId)
                return I.GetGroupMembershipIdResponse(identityStoreId: r.identityStoreId, membershipId: id, membershipArn: AWSIdentifiers.membershipArn(id))
            }
        },
        "IsMemberInGroups": { c throws(ServiceError) in
            try c.read(I.IsMemberInGroupsRequest.self) { r throws(ServiceError) in
                let s = c.server
                try s.checkStore(r.identityStoreId)
                let user = try s.liveUser(r.memberId.userId ?? "")
                return I.IsMemberInGroupsResponse(results: try r.groupIds.map { id throws(ServiceError) in
                    I.GroupMembershipExistenceResult(groupId: id, memberId: r.memberId, membershipExists: try s.group(id).members.contains(user.userId))
                })
            }
        },
        "ListGroupMemberships": { c throws(ServiceError) in
            try c.read(I.ListGroupMembershipsRequest.self) { r throws(ServiceError) in
                let s = c.server
                try s.checkStore(r.identityStoreId)
                let g = try s.group(r.groupId)
                let p = try page(g.members.sorted().map { s.membership(g, $0) }, token: r.nextToken, max: r.maxResults, operation: "ListGroupMemberships")
                return I.ListGroupMembershipsResponse(groupMemberships: p.items, nextToken: p.next)
            }
        },
        "ListGroupMembershipsForMember": { c throws(ServiceError) in
            try c.read(I.ListGroupMembershipsForMemberRequest.self) { r throws(ServiceError) in
                let s = c.server
                try s.checkStore(r.identityStoreId)
                let user = try s.liveUser(r.memberId.userId ?? "")
                let groups = user.groups.sorted().compactMap { s.state.identityCenter.groups[$0] }
                let p = try page(groups.map { s.membership($0, user.userId) }, token: r.nextToken, max: r.maxResults, operation: "ListGroupMembershipsForMember")
                return I.ListGroupMembershipsForMemberResponse(groupMemberships: p.items, nextToken: p.next)
            }
        },
    ]
}
