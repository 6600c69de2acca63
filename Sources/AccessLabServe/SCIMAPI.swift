import AccessLabEvents
import Foundation

/// SCIM 2.0 at `/scim/v2/`, with Identity Center's subset and limits (its SCIM implementation
/// developer guide): users and groups, the three discovery endpoints, no /Bulk, /Me or /.search.
extension ServedOrganization {
    func scim(_ request: ServeRequest, requestId: String) -> ServeResponse {
        // The scheme's name is case-insensitive (RFC 7235); the token is not.
        let authorization = request.header("authorization") ?? ""
        guard authorization.lowercased().hasPrefix("bearer "), authorization.dropFirst("bearer ".count) == credentials.scimToken else {
            return ServiceError("", "Unauthorized: the bearer token is missing or not this endpoint's", status: 401).scim()
        }
        if var bucket = scimRate {
            let allowed = bucket.take(at: configuration.wallClock())
            scimRate = bucket
            if !allowed { return ServiceError("", "ThrottlingException: Rate exceeded", status: 429).scim() }
        }
        let route = request.path.dropFirst("/scim/v2".count).split(separator: "/").map { Form.percentDecode(String($0)) }
        let call = SCIMCall(request: request, requestId: requestId)
        do throws(ServiceError) {
            if ["Bulk", "Me", ".search"].contains(route.first ?? "") || route.last == ".search" {
                throw ServiceError("", "Identity Center's SCIM endpoint does not implement /\(route.joined(separator: "/"))", status: 501)
            }
            switch (request.method, route.first ?? "", route.count) {
            case ("GET", "ServiceProviderConfig", 1): return SCIMDiscovery.serviceProviderConfig(base: call.base).answer()
            case ("GET", "ResourceTypes", 1): return SCIMDiscovery.list(SCIMDiscovery.resourceTypes(base: call.base)).answer()
            case ("GET", "ResourceTypes", 2): return try SCIMDiscovery.one(SCIMDiscovery.resourceTypes(base: call.base), id: route[1], kind: "ResourceType").answer()
            case ("GET", "Schemas", 1): return SCIMDiscovery.list(SCIMDiscovery.schemas(base: call.base)).answer()
            case ("GET", "Schemas", 2): return try SCIMDiscovery.one(SCIMDiscovery.schemas(base: call.base), id: route[1], kind: "Schema").answer()
            case (_, "Users", 1...2): return try scimUsers(call, id: route.count == 2 ? route[1] : nil)
            case (_, "Groups", 1...2): return try scimGroups(call, id: route.count == 2 ? route[1] : nil)
            case (_, "ServiceProviderConfig", 1), (_, "ResourceTypes", 1...2), (_, "Schemas", 1...2):
                throw call.methodNotAllowed
            default:
                throw ServiceError("", "No SCIM resource at \(request.method) \(request.path)", status: 404)
            }
        } catch {
            return error.scim()
        }
    }

    // MARK: Shared by users and groups

    /// Runs `body` as one write by the SCIM client, committed before the answer.
    func scimWrite<T>(_ call: SCIMCall, operation: String, _ body: () throws(ServiceError) -> T) throws(ServiceError) -> T {
        try writing(call.requestId, caller: "scim-bearer-token", source: call.request.source, operation: operation, body)
    }

    func scimDelete(_ call: SCIMCall, operation: String, _ event: EventBody) throws(ServiceError) -> ServeResponse {
        try scimWrite(call, operation: operation) { () throws(ServiceError) in simulation.record(event, actor: .scim) }
        return SCIMAnswer.noContent
    }

    /// The virtual times a SCIM resource reports in `meta`.
    func scimMeta(resourceType: String, id: String, entity: String, base: String) -> [String: Any] {
        let times = identityStoreTimes[entity] ?? (clock, clock)
        return ["resourceType": resourceType, "created": times.created.description, "lastModified": times.lastModified.description,
                "location": "\(base)/\(resourceType)s/\(id)"]
    }

    /// What the server knows of the times of users and groups it did not see created: a user's last
    /// status change and, for a group, the time serving began.
    func seedIdentityStoreTimes() {
        for u in state.identityCenter.users.values { identityStoreTimes[u.userId] = (u.statusSince, u.statusSince) }
        for g in state.identityCenter.groups.values { identityStoreTimes[g.groupId] = (clock, clock) }
    }

    /// Records when an identity-store entity was created and last changed, for `meta`.
    func noteIdentityStoreChange(_ event: Event) {
        let changed: String
        switch event.body {
        case .createUser(let p): identityStoreTimes[p.userId] = (event.time, event.time); return
        case .createGroup(let p): identityStoreTimes[p.groupId] = (event.time, event.time); return
        case .patchUser(let p): changed = p.userId
        case .patchGroup(let p): changed = p.groupId
        case .updateGroup(let p): changed = p.groupId
        default: return
        }
        identityStoreTimes[changed] = (identityStoreTimes[changed]?.created ?? event.time, event.time)
    }

    /// A list answer, in Identity Center's two shapes: without `cursor`, the first `count` matches with
    /// `totalResults` (`startIndex` is not supported and always 1); with `cursor` (empty for the first
    /// page), `itemsPerPage` and a `nextCursor` while more remain.
    func scimList(_ call: SCIMCall, items: [(id: String, resource: [String: Any])]) throws(ServiceError) -> ServeResponse {
        let count = try call.count()
        var answer: [String: Any] = ["schemas": [SCIMSchema.listResponse]]
        if let cursor = call.request.queryItems.first(where: { $0.0 == "cursor" })?.1 {
            guard cursor.unicodeScalars.allSatisfy({ SCIMCall.cursorCharacters.contains($0) }) else {
                throw ServiceError("invalidValue", "cursor \(cursor) is not one this endpoint handed out")
            }
            let rest = items.filter { cursor.isEmpty || $0.id > cursor }
            let page = rest.prefix(count)
            answer["itemsPerPage"] = page.count
            answer["Resources"] = page.map(\.resource)
            if rest.count > page.count, let last = page.last { answer["nextCursor"] = last.id }
        } else {
            let page = items.prefix(count)
            answer["totalResults"] = items.count
            answer["startIndex"] = 1
            answer["itemsPerPage"] = page.count
            answer["Resources"] = page.map(\.resource)
        }
        return SCIMAnswer(answer).answer()
    }

    /// The PatchOp body's operations, each with its `op` lower-cased.
    func scimOperations(_ body: SCIMObject) throws(ServiceError) -> [SCIMOperation] {
        guard let list = body["Operations"] as? [Any], !list.isEmpty else {
            throw ServiceError("invalidSyntax", "A PatchOp request carries a non-empty Operations list")
        }
        return try list.map { item throws(ServiceError) -> SCIMOperation in
            guard let o = item as? [String: Any], let op = SCIMObject(o)["op"] as? String else {
                throw ServiceError("invalidSyntax", "Each operation names its op: add, replace or remove")
            }
            let kind = op.lowercased()
            guard ["add", "replace", "remove"].contains(kind) else { throw ServiceError("invalidSyntax", "Unsupported PATCH op \(op): add, replace and remove are") }
            let path = SCIMObject(o)["path"] as? String
            let value = SCIMObject(o)["value"]
            if kind == "remove", path == nil { throw ServiceError("noTarget", "A remove operation needs a path") }
            if kind != "remove", value == nil || value is NSNull { throw ServiceError("invalidValue", "An \(kind) operation needs a value") }
            return SCIMOperation(op: kind, path: path, value: value)
        }
    }
}

/// One PatchOp operation as sent.
struct SCIMOperation {
    var op: String
    var path: String?
    var value: Any?
}

/// One SCIM request as the handlers see it.
struct SCIMCall {
    let request: ServeRequest
    let requestId: String

    var methodNotAllowed: ServiceError { ServiceError("", "\(request.method) is not supported on \(request.path)", status: 405) }

    /// Where the resources live, for `meta.location`.
    var base: String { "http://\(request.header("host") ?? "localhost")/scim/v2" }

    static let cursorCharacters = Set("-abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+=/:_".unicodeScalars)

    /// The request body as a JSON object; anything else is `invalidSyntax`.
    func body() throws(ServiceError) -> SCIMObject {
        guard let o = (try? JSONSerialization.jsonObject(with: request.bodyData)) as? [String: Any] else {
            throw ServiceError("invalidSyntax", "The request body is not a JSON object")
        }
        return SCIMObject(o)
    }

    /// `count`: 1 to 100, 100 when absent.
    func count() throws(ServiceError) -> Int {
        guard let text = request.queryValue("count") else { return 100 }
        guard let n = Int(text), (1...100).contains(n) else { throw ServiceError("invalidValue", "count must be between 1 and 100, not \(text)") }
        return n
    }

    func filter() throws(ServiceError) -> SCIMFilter? {
        guard let text = request.queryValue("filter"), !text.isEmpty else { return nil }
        return try SCIMFilter.parse(text)
    }
}

/// A JSON object whose attribute names compare without case, as SCIM's do.
struct SCIMObject {
    let fields: [String: Any]
    init(_ fields: [String: Any]) { self.fields = fields }

    subscript(name: String) -> Any? {
        if let v = fields[name] { return v }
        let lower = name.lowercased()
        return fields.first { $0.key.lowercased() == lower }?.value
    }

    func string(_ name: String) -> String? { self[name] as? String }
    func object(_ name: String) -> SCIMObject? { (self[name] as? [String: Any]).map(SCIMObject.init) }
    func has(_ name: String) -> Bool { self[name].map { !($0 is NSNull) } ?? false }
}

/// A SCIM answer: `application/scim+json`, keys sorted so the same state answers the same bytes.
struct SCIMAnswer {
    var object: [String: Any]
    var status = 200
    var location: String?
    init(_ object: [String: Any], status: Int = 200, location: String? = nil) {
        self.object = object; self.status = status; self.location = location
    }

    func answer() -> ServeResponse {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        var response = ServeResponse.json(data, status: status, contentType: "application/scim+json")
        if let location { response.headers.append(("location", location)) }
        return response
    }

    static let noContent = ServeResponse(status: 204)
}

/// The schema URNs SCIM messages name.
enum SCIMSchema {
    static let user = "urn:ietf:params:scim:schemas:core:2.0:User"
    static let group = "urn:ietf:params:scim:schemas:core:2.0:Group"
    static let enterpriseUser = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
    static let listResponse = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
    static let patchOp = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
}
