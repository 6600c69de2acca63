import AccessLabEvents
import AccessLabImport
import AccessLabLog
import AccessLabProjections
import AccessLabQuery
import AccessLabServe
import AccessLabSimulation
import Foundation
import Testing

/// SCIM at `/scim/v2/` as an IdP's provisioning client meets it, driven through `handle` on an
/// in-memory log: what each request leaves in the state and the log, and what Identity Center refuses.
@Suite struct SCIMServeTests {
    final class Served {
        let log = InMemoryEventLog()
        let organization: ServedOrganization

        init(configuration: ServeConfiguration = ServeConfiguration()) throws {
            let simulation = try Simulation(scenario: closedFormScenario(), log: log)
            try simulation.startServing(actors: false)
            organization = ServedOrganization(simulation: simulation, configuration: configuration)
        }

        var head: UInt64 { (try? log.read { $0.head.lastSeq }) ?? 0 }

        func events() throws -> [Event] {
            let head = self.head
            return try log.read { try $0.events(in: 1...head) }
        }

        func send(_ method: String, _ path: String, query: String = "", json: Any? = nil, token: String? = nil) -> ServeResponse {
            let body = json.map { (try? JSONSerialization.data(withJSONObject: $0)) ?? Data() } ?? Data()
            return organization.handle(ServeRequest(
                method: method, path: "/scim/v2" + path, query: query,
                headers: [("Authorization", "Bearer \(token ?? organization.credentials.scimToken)"), ("Content-Type", "application/scim+json"), ("Host", "scim.test")],
                body: Array(body)))
        }
    }

    static func object(_ response: ServeResponse) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any] ?? [:]
    }

    static func user(_ userName: String) -> [String: Any] {
        ["schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": userName, "displayName": "Pat Doe",
         "name": ["givenName": "Pat", "familyName": "Doe"], "emails": [["value": userName, "type": "work", "primary": true]], "active": true]
    }

    static func patch(_ operations: [[String: Any]]) -> [String: Any] {
        ["schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": operations]
    }

    /// Creates a user and answers its SCIM id.
    static func create(_ served: Served, _ userName: String) throws -> String {
        let created = served.send("POST", "/Users", json: user(userName))
        #expect(created.status == 201, "\(created.text)")
        return try #require(object(created)["id"] as? String)
    }

    @Test func aCreatedUserDisabledByPatchIsDisabledAndTheLogSaysSCIMDidIt() throws {
        let served = try Served()
        let created = served.send("POST", "/Users", json: Self.user("pat@example.com"))
        #expect(created.status == 201)
        #expect(created.headers.contains { $0.name == "content-type" && $0.value == "application/scim+json" })
        let answer = Self.object(created)
        let id = try #require(answer["id"] as? String)
        #expect(answer["active"] as? Bool == true)
        let meta = try #require(answer["meta"] as? [String: Any])
        #expect(meta["resourceType"] as? String == "User")
        #expect(meta["location"] as? String == "http://scim.test/scim/v2/Users/\(id)")
        #expect(meta["created"] as? String == served.organization.clock.description)

        let disabled = served.send("PATCH", "/Users/\(id)", json: Self.patch([["op": "Replace", "path": "active", "value": false]]))
        #expect(disabled.status == 200, "\(disabled.text)")
        #expect(Self.object(disabled)["active"] as? Bool == false)
        let userId = try #require(served.organization.state.identityCenter.users.values.first { $0.attributes.userName == "pat@example.com" }?.userId)
        #expect(served.organization.state.identityCenter.users[userId]?.status == .disabled)
        let last = try #require(try served.events().last)
        #expect(last.actor == .scim)
        #expect(last.body == .patchUser(PatchUser(userId: userId, operations: [PatchOperation(op: .replace, path: "active", value: "false")])))
    }

    @Test func patchAndPutChangeAttributesAndARenameOntoATakenUserNameIsAConflict() throws {
        let served = try Served()
        let id = try Self.create(served, "pat@example.com")
        _ = try Self.create(served, "sam@example.com")
        let patched = served.send("PATCH", "/Users/\(id)", json: Self.patch([
            ["op": "replace", "value": ["displayName": "Patricia Doe", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": ["department": "Payments"]]],
            ["op": "add", "path": "title", "value": "Engineer"],
        ]))
        #expect(patched.status == 200, "\(patched.text)")
        let user = Self.object(served.send("GET", "/Users/\(id)"))
        #expect(user["displayName"] as? String == "Patricia Doe")
        #expect(user["title"] as? String == "Engineer")
        #expect((user["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"] as? [String: Any])?["department"] as? String == "Payments")

        let head = served.head
        let taken = served.send("PATCH", "/Users/\(id)", json: Self.patch([["op": "replace", "path": "userName", "value": "SAM@example.com"]]))
        #expect(taken.status == 409)
        #expect(Self.object(taken)["scimType"] as? String == "uniqueness")
        #expect(served.send("POST", "/Users", json: Self.user("sam@example.com")).status == 409)
        #expect(served.send("PATCH", "/Users/\(id)", json: Self.patch([["op": "remove", "path": "userName"]])).status == 400)
        #expect(served.send("PATCH", "/Users/\(id)", json: Self.patch([
            ["op": "replace", "path": "active", "value": false], ["op": "replace", "path": "active", "value": true],
        ])).status == 400, "Identity Center takes one operation on active a request")
        #expect(served.head == head, "refused requests write nothing")

        var replacement = Self.user("pat.doe@example.com")
        replacement["active"] = false
        let put = served.send("PUT", "/Users/\(id)", json: replacement)
        #expect(put.status == 200, "\(put.text)")
        let after = Self.object(put)
        #expect(after["userName"] as? String == "pat.doe@example.com")
        #expect(after["title"] == nil, "PUT replaces the whole user")
        #expect(after["active"] as? Bool == false)
    }

    @Test func groupMembershipIsAddedAndRemovedAndFoundByTheMemberFilter() throws {
        let served = try Served()
        let pat = try Self.create(served, "pat@example.com")
        let sam = try Self.create(served, "sam@example.com")
        let created = served.send("POST", "/Groups", json: ["displayName": "payments", "members": [["value": pat]]])
        #expect(created.status == 201, "\(created.text)")
        let group = try #require(Self.object(created)["id"] as? String)
        #expect(served.send("POST", "/Groups", json: ["displayName": "payments"]).status == 409)

        let added = served.send("PATCH", "/Groups/\(group)", json: Self.patch([["op": "add", "path": "members", "value": [["value": sam]]]]))
        #expect(added.status == 204, "\(added.text)")
        let groupId = try #require(served.organization.state.identityCenter.groups.values.first { $0.displayName == "payments" }?.groupId)
        #expect(served.organization.state.identityCenter.groups[groupId]?.members.count == 2)
        let samsGroups = Self.object(served.send("GET", "/Groups", query: "filter=" + Self.encoded("members.value eq \"\(sam)\"")))
        #expect((samsGroups["Resources"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == [group])

        let removed = served.send("PATCH", "/Groups/\(group)", json: Self.patch([
            ["op": "remove", "path": "members[value eq \"\(pat)\"]"], ["op": "replace", "path": "displayName", "value": "payments-team"],
        ]))
        #expect(removed.status == 204, "\(removed.text)")
        let after = try #require(served.organization.state.identityCenter.groups[groupId])
        #expect(after.displayName == "payments-team")
        #expect(after.members.count == 1)
        #expect(served.send("PATCH", "/Groups/\(group)", json: Self.patch([["op": "remove", "path": "members"]])).status == 400,
                "Identity Center refuses removing all members")
        let byName = Self.object(served.send("GET", "/Groups", query: "filter=" + Self.encoded("displayName eq \"payments-team\"")))
        #expect(byName["totalResults"] as? Int == 1)
        #expect(served.send("GET", "/Groups/\(group)", query: "excludedAttributes=members").status == 200)
        #expect(served.send("DELETE", "/Groups/\(group)").status == 204)
        #expect(served.send("GET", "/Groups/\(group)").status == 404)
    }

    /// A SCIM rename is an UpdateGroup event; its CloudTrail record (with bodies) reads back as one.
    @Test func aGroupRenameGoesThroughCloudTrailAndBack() throws {
        let served = try Served()
        let group = try #require(Self.object(served.send("POST", "/Groups", json: ["displayName": "payments"]))["id"] as? String)
        #expect(served.send("PATCH", "/Groups/\(group)", json: Self.patch([["op": "replace", "value": ["id": group, "displayName": "payments-team"]]])).status == 204)
        let events = try served.events()
        #expect(events.last?.actor == .scim)
        var writer = CloudTrailWriter(final: served.organization.state, region: "us-east-1", withBodies: true)
        let records = events.suffix(2).flatMap { writer.records($0) }
        #expect(records.map(\.eventName) == ["CreateGroup", "PatchGroup"])
        var files = CloudTrailFiles()
        try files.add(try JSONEncoder().encode(["Records": records]), name: "trail.json")
        let replayed = CloudTrailImport.replay(files, onto: AccessState())
        #expect(replayed.events.map(\.body).contains(.updateGroup(UpdateGroup(groupId: group, displayName: "payments-team"))))
    }

    @Test func aPatchOf101MembershipChangesIsRefusedAndWritesNothing() throws {
        let served = try Served()
        let group = try #require(Self.object(served.send("POST", "/Groups", json: ["displayName": "big"]))["id"] as? String)
        let member = try Self.create(served, "pat@example.com")
        let head = served.head
        let changes = (0..<101).map { _ in ["value": member] }
        let refused = served.send("PATCH", "/Groups/\(group)", json: Self.patch([["op": "add", "path": "members", "value": changes]]))
        #expect(refused.status == 400)
        #expect(Self.object(refused)["scimType"] as? String == "invalidValue")
        #expect(served.head == head)
        #expect(served.send("POST", "/Groups", json: ["displayName": "bigger", "members": changes]).status == 400)
        #expect(served.head == head)
    }

    @Test(arguments: [
        "userName ne \"pat@example.com\"", "userName eq \"a\" or userName eq \"b\"", "userName co \"pat\"",
        "(userName eq \"pat@example.com\")", "displayName eq \"Pat Doe\"", "emails[type eq \"work\"].value eq \"x\"", "userName eq \"unclosed",
    ])
    func filtersOutsideIdentityCentersSubsetAreInvalidFilter(_ filter: String) throws {
        let served = try Served()
        let answer = served.send("GET", "/Users", query: "filter=" + Self.encoded(filter))
        #expect(answer.status == 400)
        #expect(Self.object(answer)["scimType"] as? String == "invalidFilter")
    }

    @Test func userNameFilterAndPagingFollowIdentityCenter() throws {
        let served = try Served()
        let id = try Self.create(served, "pat@example.com")
        let found = Self.object(served.send("GET", "/Users", query: "filter=" + Self.encoded("userName eq \"PAT@example.com\"")))
        #expect(found["totalResults"] as? Int == 1)
        #expect((found["Resources"] as? [[String: Any]])?.first?["id"] as? String == id)
        let all = served.organization.state.identityCenter.users.count
        let first = Self.object(served.send("GET", "/Users", query: "cursor&count=1"))
        #expect(first["itemsPerPage"] as? Int == 1)
        #expect(first["totalResults"] == nil)
        let cursor = try #require(first["nextCursor"] as? String)
        let second = Self.object(served.send("GET", "/Users", query: "cursor=\(Self.encoded(cursor))&count=\(all)"))
        #expect((second["Resources"] as? [Any])?.count == all - 1)
        #expect(second["nextCursor"] == nil)
        #expect(served.send("GET", "/Users", query: "count=101").status == 400)
    }

    @Test func aWrongTokenIsUnauthorizedAndUnknownIdsAreNotFound() throws {
        let served = try Served()
        let head = served.head
        #expect(served.send("POST", "/Users", json: Self.user("pat@example.com"), token: "not-the-token").status == 401)
        #expect(served.head == head)
        #expect(served.send("GET", "/Users/0000-nobody").status == 404)
        #expect(served.send("PATCH", "/Groups/0000-nothing", json: Self.patch([["op": "add", "path": "members", "value": [["value": "x"]]]])).status == 404)
        let bad = served.organization.handle(ServeRequest(method: "POST", path: "/scim/v2/Users",
                                                          headers: [("Authorization", "Bearer \(served.organization.credentials.scimToken)")], body: Array("{not json".utf8)))
        #expect(bad.status == 400)
        #expect(Self.object(bad)["scimType"] as? String == "invalidSyntax")
        #expect(served.send("POST", "/Bulk", json: [:]).status == 501)
        let config = Self.object(served.send("GET", "/ServiceProviderConfig"))
        #expect((config["bulk"] as? [String: Any])?["supported"] as? Bool == false)
        #expect((config["patch"] as? [String: Any])?["supported"] as? Bool == true)
    }

    @Test func beyondTheConfiguredRateARequestIsThrottledWith429AndWritesNothing() throws {
        let served = try Served(configuration: ServeConfiguration(scimRequestsPerSecond: 1, wallClock: { Date(timeIntervalSince1970: 1_767_571_200) }))
        #expect(served.send("GET", "/Users").status == 200)
        let head = served.head
        let throttled = served.send("POST", "/Users", json: Self.user("pat@example.com"))
        #expect(throttled.status == 429)
        #expect(Self.object(throttled)["schemas"] as? [String] == ["urn:ietf:params:scim:api:messages:2.0:Error"])
        #expect(served.head == head)
    }

    static func encoded(_ s: String) -> String {
        s.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? s
    }
}
