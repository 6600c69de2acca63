extension EvaluationCase {
    /// Reads one case in the `accesslab policy eval` form; errors name the path (`identityPolicies[0].Statement[2]...`).
    public static func parse(_ json: JSONValue, path: String = "") throws(PolicyError) -> EvaluationCase {
        func at(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }
        guard case .object(let pairs) = json else { throw PolicyError(path: path.isEmpty ? "case" : path, problem: "a case is a JSON object") }
        let known = ["request", "identityPolicies", "serviceControlPolicies", "resourceControlPolicies", "permissionBoundaries", "resourcePolicy", "managementAccountId"]
        for (key, _) in pairs where !known.contains(key) {
            throw PolicyError(path: at(key), problem: "unknown field (expected \(known.joined(separator: ", ")))")
        }
        guard let requestJSON = json["request"] else { throw PolicyError(path: at("request"), problem: "is required") }
        let request = try parseRequest(requestJSON, path: at("request"))
        func policies(_ key: String) throws(PolicyError) -> [Policy] {
            guard let v = json[key] else { return [] }
            guard case .array(let items) = v else { throw PolicyError(path: at(key), problem: "expected an array of policies") }
            var out: [Policy] = []
            for (i, item) in items.enumerated() { out.append(try Policy.parse(item, path: "\(at(key))[\(i)]")) }
            return out
        }
        func levels(_ key: String) throws(PolicyError) -> [SCPLevel] {
            guard let v = json[key] else { return [] }
            var out: [SCPLevel] = []
            guard case .array(let levels) = v else { throw PolicyError(path: at(key), problem: "expected an array of levels") }
            for (i, level) in levels.enumerated() {
                let p = "\(at(key))[\(i)]"
                guard case .object = level, let id = level["orgIdentifier"]?.scalarText else {
                    throw PolicyError(path: p, problem: "a level is {\"orgIdentifier\": \"ou-...\", \"policies\": [...]}")
                }
                guard case .array(let items)? = level["policies"] else { throw PolicyError(path: "\(p).policies", problem: "expected an array of policies") }
                var ps: [Policy] = []
                for (j, item) in items.enumerated() { ps.append(try Policy.parse(item, path: "\(p).policies[\(j)]")) }
                out.append(SCPLevel(orgIdentifier: id, policies: ps))
            }
            return out
        }
        let resourcePolicy = try json["resourcePolicy"].map { v throws(PolicyError) in try Policy.parse(v, path: at("resourcePolicy")) }
        var management: String?
        if let m = json["managementAccountId"] {
            guard let t = m.scalarText else { throw PolicyError(path: at("managementAccountId"), problem: "expected an account id") }
            management = t
        }
        return EvaluationCase(request: request, identityPolicies: try policies("identityPolicies"), serviceControlPolicies: try levels("serviceControlPolicies"),
                              resourceControlPolicies: try levels("resourceControlPolicies"), permissionBoundaries: try policies("permissionBoundaries"), resourcePolicy: resourcePolicy,
                              managementAccountId: management)
    }

    static func parseRequest(_ json: JSONValue, path: String) throws(PolicyError) -> Request {
        guard case .object = json else { throw PolicyError(path: path, problem: "expected an object") }
        guard let action = json["action"]?.scalarText, !action.isEmpty else { throw PolicyError(path: "\(path).action", problem: "is required (a string)") }
        var resource = "*", account: String?
        switch json["resource"] {
        case .string(let s)?: resource = s
        case .object?:
            guard let r = json["resource"]?["resource"]?.scalarText else { throw PolicyError(path: "\(path).resource.resource", problem: "is required") }
            resource = r
            account = json["resource"]?["accountId"]?.scalarText
        case nil: break
        case let other?: throw PolicyError(path: "\(path).resource", problem: "expected an ARN or {\"resource\": ARN, \"accountId\": ...}, got \(other.kindName)")
        }
        var context = RequestContext()
        if let c = json["context"] {
            guard case .object(let pairs) = c else { throw PolicyError(path: "\(path).context", problem: "expected an object of keys") }
            for (key, value) in pairs {
                switch value {
                case .array(let items):
                    var vs: [String] = []
                    for (i, item) in items.enumerated() {
                        guard let t = item.scalarText else { throw PolicyError(path: "\(path).context.\(key)[\(i)]", problem: "expected a string") }
                        vs.append(t)
                    }
                    context.set(key, vs)
                default:
                    guard let t = value.scalarText else { throw PolicyError(path: "\(path).context.\(key)", problem: "expected a string or an array of strings") }
                    context.set(key, [t])
                }
            }
        }
        var principal: String?
        if let p = json["principal"] {
            guard let t = p.scalarText else { throw PolicyError(path: "\(path).principal", problem: "expected an ARN") }
            principal = t
        }
        return Request(action: action, resource: resource, resourceAccount: account, principal: principal, context: context)
    }
}
