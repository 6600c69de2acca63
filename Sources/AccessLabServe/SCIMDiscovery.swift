/// `/ServiceProviderConfig`, `/ResourceTypes` and `/Schemas`: Identity Center's features (PATCH and
/// `eq` filters; no bulk, sort, ETags or password change) and the attributes AccessLab keeps of users
/// and groups, so a client's schema-driven checks ask only for what comes back.
enum SCIMDiscovery {
    static let documentation = "https://docs.aws.amazon.com/singlesignon/latest/developerguide/what-is-scim.html"

    static func serviceProviderConfig(base: String) -> SCIMAnswer {
        SCIMAnswer([
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],
            "documentationUri": documentation,
            "patch": ["supported": true],
            "bulk": ["supported": false, "maxOperations": 0, "maxPayloadSize": 0],
            "filter": ["supported": true, "maxResults": 100],
            "changePassword": ["supported": false],
            "sort": ["supported": false],
            "etag": ["supported": false],
            "authenticationSchemes": [[
                "type": "oauthbearertoken", "name": "OAuth Bearer Token", "primary": true,
                "description": "The access token Identity Center generates for automatic provisioning",
                "specUri": "https://www.rfc-editor.org/info/rfc6750",
            ]],
            "meta": ["resourceType": "ServiceProviderConfig", "location": "\(base)/ServiceProviderConfig"],
        ])
    }

    static func resourceTypes(base: String) -> [[String: Any]] {
        [
            resourceType("User", endpoint: "/Users", schema: SCIMSchema.user, extensions: [SCIMSchema.enterpriseUser], base: base),
            resourceType("Group", endpoint: "/Groups", schema: SCIMSchema.group, extensions: [], base: base),
        ]
    }

    static func schemas(base: String) -> [[String: Any]] {
        let name = attribute("name", type: "complex", required: true, sub: [
            attribute("givenName", required: true), attribute("familyName", required: true),
        ])
        let emails = attribute("emails", type: "complex", multiValued: true, sub: [
            attribute("value"), attribute("type", canonical: ["work"]), attribute("primary", type: "boolean"),
        ])
        let members = attribute("members", type: "complex", multiValued: true, returned: "never", sub: [
            attribute("value", mutability: "immutable"),
            attribute("$ref", type: "reference", mutability: "immutable", referenceTypes: ["User"]),
            attribute("type", mutability: "immutable", canonical: ["User"]),
        ])
        let manager = attribute("manager", type: "complex", sub: [attribute("value")])
        return [
            schema(SCIMSchema.user, name: "User", attributes: [
                attribute("userName", required: true, uniqueness: "server"), name, attribute("displayName", required: true),
                attribute("title"), attribute("active", type: "boolean"), emails,
            ], base: base),
            schema(SCIMSchema.group, name: "Group", attributes: [attribute("displayName", required: true, uniqueness: "server"), members], base: base),
            schema(SCIMSchema.enterpriseUser, name: "EnterpriseUser", attributes: [
                attribute("costCenter"), attribute("division"), attribute("department"), manager,
            ], base: base),
        ]
    }

    /// A ListResponse of every discovery resource of a kind (they are few: no paging).
    static func list(_ resources: [[String: Any]]) -> SCIMAnswer {
        SCIMAnswer(["schemas": [SCIMSchema.listResponse], "totalResults": resources.count, "itemsPerPage": resources.count,
                    "startIndex": 1, "Resources": resources])
    }

    static func one(_ resources: [[String: Any]], id: String, kind: String) throws(ServiceError) -> SCIMAnswer {
        guard let found = resources.first(where: { ($0["id"] as? String) == id }) else {
            throw ServiceError("", "No \(kind) \(id)", status: 404)
        }
        return SCIMAnswer(found)
    }

    // MARK: Building blocks

    private static func resourceType(_ name: String, endpoint: String, schema: String, extensions: [String], base: String) -> [String: Any] {
        ["schemas": ["urn:ietf:params:scim:schemas:core:2.0:ResourceType"], "id": name, "name": name, "endpoint": endpoint,
         "description": "Identity Center \(name.lowercased())s", "schema": schema,
         "schemaExtensions": extensions.map { ["schema": $0, "required": false] },
         "meta": ["resourceType": "ResourceType", "location": "\(base)/ResourceTypes/\(name)"]]
    }

    private static func schema(_ id: String, name: String, attributes: [[String: Any]], base: String) -> [String: Any] {
        ["schemas": ["urn:ietf:params:scim:schemas:core:2.0:Schema"], "id": id, "name": name, "description": "\(name) as Identity Center keeps it",
         "attributes": attributes, "meta": ["resourceType": "Schema", "location": "\(base)/Schemas/\(id)"]]
    }

    private static func attribute(_ name: String, type: String = "string", required: Bool = false, multiValued: Bool = false,
                                  mutability: String = "readWrite", returned: String = "default", uniqueness: String = "none",
                                  canonical: [String]? = nil, referenceTypes: [String]? = nil, sub: [[String: Any]]? = nil) -> [String: Any] {
        var a: [String: Any] = ["name": name, "type": type, "multiValued": multiValued, "required": required, "caseExact": false,
                                "mutability": mutability, "returned": returned, "uniqueness": uniqueness, "description": name]
        if let canonical { a["canonicalValues"] = canonical }
        if let referenceTypes { a["referenceTypes"] = referenceTypes }
        if let sub { a["subAttributes"] = sub }
        return a
    }
}
