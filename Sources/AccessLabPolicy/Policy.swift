/// An IAM policy document, parsed and checked. Parsing never traps: anything IAM would reject is a
/// `PolicyError` naming the path of the offending element.
public struct Policy: Sendable {
    public var version: String?
    public var id: String?
    public var statements: [Statement] { didSet { (hasDeny, hasAllow) = Self.effects(statements) } }
    /// Whether some statement denies, and some allows: the evaluator's deny pass skips a policy of Allows
    /// (FullAWSAccess, most identity policies), its allow pass a policy of Denies.
    private(set) var hasDeny: Bool
    private(set) var hasAllow: Bool

    init(version: String?, id: String?, statements: [Statement]) {
        self.version = version; self.id = id; self.statements = statements
        (hasDeny, hasAllow) = Self.effects(statements)
    }

    static func effects(_ statements: [Statement]) -> (deny: Bool, allow: Bool) {
        (statements.contains { $0.effect == .Deny }, statements.contains { $0.effect == .Allow })
    }
}

/// A statement; a class so that evaluating a policy walks references instead of copying statements.
public final class Statement: Sendable {
    public enum Effect: String, Sendable { case Allow, Deny }
    public enum Actions: Sendable { case action([Pattern]), notAction([Pattern]) }
    public enum Resources: Sendable { case resource([Pattern]), notResource([Pattern]) }
    public enum Principals: Sendable { case principal(PrincipalSet), notPrincipal(PrincipalSet) }

    public let sid: String?
    public let effect: Effect
    public let actions: Actions
    public let resources: Resources?
    public let principals: Principals?
    public let conditions: [Condition]
    /// Position in its policy's statement list.
    public let index: Int
    /// The action patterns by the service they name, for long lists (AWS managed policies list hundreds).
    let actionIndex: ActionIndex?
    /// `"Action": "*"` (or a list holding it) and `"Resource": "*"` (or none): every request's action and
    /// resource match, as SCPs' FullAWSAccess and boundaries' first statements say.
    let matchesEveryActionAndResource: Bool

    init(sid: String?, effect: Effect, actions: Actions, resources: Resources?, principals: Principals?, conditions: [Condition], index: Int) {
        self.sid = sid; self.effect = effect; self.actions = actions; self.resources = resources
        self.principals = principals; self.conditions = conditions; self.index = index
        switch actions {
        case .action(let ps), .notAction(let ps): actionIndex = ps.count > ActionIndex.minimumPatterns ? ActionIndex(ps) : nil
        }
        let everyAction: Bool, everyResource: Bool
        if case .action(let ps) = actions { everyAction = ps.contains { $0.isAnything } } else { everyAction = false }
        switch resources {
        case .resource(let ps)?: everyResource = ps.contains { $0.isAnything }
        case .notResource?: everyResource = false
        case nil: everyResource = true
        }
        matchesEveryActionAndResource = everyAction && everyResource
    }
}

/// Action patterns grouped by their literal service prefix (`s3` for `s3:Get*`): an action can only match
/// the patterns of its own service (the text before its first colon) and those whose service part has a
/// wildcard. Matching then tests those few instead of the whole list; the answer is the same.
struct ActionIndex: Sendable {
    static let minimumPatterns = 8
    let byService: [String: [Pattern]]
    let wild: [Pattern]

    init(_ patterns: [Pattern]) {
        var byService: [String: [Pattern]] = [:], wild: [Pattern] = []
        for p in patterns {
            var service = String.UnicodeScalarView()
            var literalService = false
            for t in p.tokens {
                guard case .char(let c) = t else { break }
                if c == ":" { literalService = true; break }
                service.append(c)
            }
            if literalService { byService[String(service), default: []].append(p) } else { wild.append(p) }
        }
        self.byService = byService; self.wild = wild
    }

    /// Whether any pattern matches the action (`service`: its text before the first colon, nil without one).
    func contains(action: [Unicode.Scalar], service: String?) -> Bool {
        if wild.contains(where: { $0.matches(action) }) { return true }
        guard let service, let ps = byService[service] else { return false }
        return ps.contains { $0.matches(action) }
    }
}

/// `"*"`, or principal identifiers by type (`AWS`, `Service`, `Federated`, `CanonicalUser`).
public struct PrincipalSet: Sendable {
    public var any: Bool
    public var byType: [(type: String, values: [String])]
}

/// One key under one operator: `"StringEquals": {"aws:PrincipalTag/team": ["a", "b"]}`.
public struct Condition: Sendable {
    public var op: ConditionOperator
    public var key: String { didSet { contextKey = ContextKey(lowercased: key) } }
    public var values: [Pattern]
    public var path: String
    /// `key` with its hash, for context lookups.
    private(set) var contextKey: ContextKey

    init(op: ConditionOperator, key: String, values: [Pattern], path: String) {
        self.op = op; self.key = key; self.values = values; self.path = path
        contextKey = ContextKey(lowercased: key)
    }
}

/// A condition operator with its modifiers.
public struct ConditionOperator: Sendable, Equatable {
    public enum Family: String, Sendable, CaseIterable {
        case StringEquals, StringNotEquals, StringEqualsIgnoreCase, StringNotEqualsIgnoreCase, StringLike, StringNotLike
        case NumericEquals, NumericNotEquals, NumericLessThan, NumericLessThanEquals, NumericGreaterThan, NumericGreaterThanEquals
        case DateEquals, DateNotEquals, DateLessThan, DateLessThanEquals, DateGreaterThan, DateGreaterThanEquals
        case Bool, BinaryEquals, IpAddress, NotIpAddress
        case ArnEquals, ArnLike, ArnNotEquals, ArnNotLike
        case Null
    }
    public enum Qualifier: String, Sendable { case ForAnyValue, ForAllValues }
    public var family: Family
    public var ifExists: Bool
    public var qualifier: Qualifier?

    /// Negated operators are true when the key is absent, and true for a value that matches none.
    public var negated: Bool {
        switch family {
        case .StringNotEquals, .StringNotEqualsIgnoreCase, .StringNotLike, .NumericNotEquals, .DateNotEquals,
             .NotIpAddress, .ArnNotEquals, .ArnNotLike: true
        default: false
        }
    }

    /// Parses `ForAnyValue:StringLikeIfExists` and the like; nil for an unknown operator.
    public init?(_ text: String) {
        var rest = Substring(text)
        qualifier = nil
        for q in [Qualifier.ForAnyValue, .ForAllValues] where rest.hasPrefix(q.rawValue + ":") {
            qualifier = q
            rest = rest.dropFirst(q.rawValue.count + 1)
        }
        ifExists = rest.hasSuffix("IfExists")
        if ifExists { rest = rest.dropLast("IfExists".count) }
        guard let f = Family(rawValue: String(rest)), !(f == .Null && ifExists) else { return nil }
        family = f
    }
}

/// A policy parsing problem at a path such as `identityPolicies[0].Statement[2].Condition.StringEquals`.
public struct PolicyError: Error, Equatable, Sendable, CustomStringConvertible {
    public var path: String
    public var problem: String
    public init(path: String, problem: String) { self.path = path; self.problem = problem }
    public var description: String { "\(path): \(problem)" }
}

extension Policy {
    /// Parses a policy document's text; `path` prefixes every error (e.g. `identityPolicies[0]`).
    public static func parse(_ text: String, path: String = "policy") throws(PolicyError) -> Policy {
        let json: JSONValue
        do { json = try JSONValue.parse(text) } catch { throw PolicyError(path: path, problem: error.description) }
        return try parse(json, path: path)
    }

    public static func parse(_ json: JSONValue, path: String) throws(PolicyError) -> Policy {
        guard case .object(let pairs) = json else { throw PolicyError(path: path, problem: "a policy is a JSON object, got \(json.kindName)") }
        for (key, _) in pairs where !["Version", "Id", "Statement"].contains(key) {
            throw PolicyError(path: "\(path).\(key)", problem: "unknown policy element (expected Version, Id, Statement)")
        }
        let version = try json["Version"].map { v throws(PolicyError) in try text(v, "\(path).Version") }
        if let version, version != "2012-10-17", version != "2008-10-17" {
            throw PolicyError(path: "\(path).Version", problem: "'\(version)' is not a policy language version (2012-10-17 or 2008-10-17)")
        }
        let statementValue = json["Statement"]
        var items: [JSONValue]
        switch statementValue {
        case .array(let a)?: items = a
        case .object?: items = [statementValue!]
        case nil: throw PolicyError(path: "\(path).Statement", problem: "is required")
        case let other?: throw PolicyError(path: "\(path).Statement", problem: "expected an object or an array, got \(other.kindName)")
        }
        if case .object = statementValue { items = [statementValue!] }
        var statements: [Statement] = []
        for (i, item) in items.enumerated() {
            let p = statementValue.map { if case .array = $0 { "\(path).Statement[\(i)]" } else { "\(path).Statement" } } ?? path
            statements.append(try Statement.parse(item, index: i, path: p, useVariables: version == "2012-10-17"))
        }
        return Policy(version: version, id: try json["Id"].map { v throws(PolicyError) in try text(v, "\(path).Id") }, statements: statements)
    }

    static func text(_ v: JSONValue, _ path: String) throws(PolicyError) -> String {
        guard case .string(let s) = v else { throw PolicyError(path: path, problem: "expected a string, got \(v.kindName)") }
        return s
    }

    /// A string or an array of strings (IAM accepts both nearly everywhere).
    static func strings(_ v: JSONValue, _ path: String) throws(PolicyError) -> [String] {
        switch v {
        case .string(let s): return [s]
        case .array(let items):
            var out: [String] = []
            for (i, item) in items.enumerated() { out.append(try text(item, "\(path)[\(i)]")) }
            guard !out.isEmpty else { throw PolicyError(path: path, problem: "an empty list matches nothing; IAM rejects it") }
            return out
        default: throw PolicyError(path: path, problem: "expected a string or an array of strings, got \(v.kindName)")
        }
    }
}

extension Statement {
    static let elements = ["Sid", "Effect", "Action", "NotAction", "Resource", "NotResource", "Principal", "NotPrincipal", "Condition"]

    static func parse(_ json: JSONValue, index: Int, path: String, useVariables: Bool) throws(PolicyError) -> Statement {
        guard case .object(let pairs) = json else { throw PolicyError(path: path, problem: "a statement is an object, got \(json.kindName)") }
        for (key, _) in pairs where !elements.contains(key) {
            throw PolicyError(path: "\(path).\(key)", problem: "unknown statement element")
        }
        guard let effectValue = json["Effect"] else { throw PolicyError(path: "\(path).Effect", problem: "is required") }
        guard let effect = Effect(rawValue: try Policy.text(effectValue, "\(path).Effect")) else {
            throw PolicyError(path: "\(path).Effect", problem: "must be Allow or Deny")
        }
        let mode: Pattern.Mode = useVariables ? .withVariables : .plain
        let actions: Actions
        switch (json["Action"], json["NotAction"]) {
        case (let a?, nil): actions = .action(try Policy.strings(a, "\(path).Action").typedMap { a throws(PolicyError) in try Self.action(a, "\(path).Action") })
        case (nil, let n?): actions = .notAction(try Policy.strings(n, "\(path).NotAction").typedMap { a throws(PolicyError) in try Self.action(a, "\(path).NotAction") })
        case (nil, nil): throw PolicyError(path: "\(path).Action", problem: "a statement needs Action or NotAction")
        default: throw PolicyError(path: "\(path).NotAction", problem: "Action and NotAction cannot both appear")
        }
        var resources: Resources?
        switch (json["Resource"], json["NotResource"]) {
        case (let r?, nil): resources = .resource(try Policy.strings(r, "\(path).Resource").typedMap { r throws(PolicyError) in try Pattern(r, mode: mode, path: "\(path).Resource") })
        case (nil, let n?): resources = .notResource(try Policy.strings(n, "\(path).NotResource").typedMap { r throws(PolicyError) in try Pattern(r, mode: mode, path: "\(path).NotResource") })
        case (nil, nil): resources = nil
        default: throw PolicyError(path: "\(path).NotResource", problem: "Resource and NotResource cannot both appear")
        }
        var principals: Principals?
        switch (json["Principal"], json["NotPrincipal"]) {
        case (let p?, nil): principals = .principal(try PrincipalSet.parse(p, "\(path).Principal"))
        case (nil, let n?): principals = .notPrincipal(try PrincipalSet.parse(n, "\(path).NotPrincipal"))
        case (nil, nil): principals = nil
        default: throw PolicyError(path: "\(path).NotPrincipal", problem: "Principal and NotPrincipal cannot both appear")
        }
        var conditions: [Condition] = []
        if let c = json["Condition"] {
            guard case .object(let ops) = c else { throw PolicyError(path: "\(path).Condition", problem: "expected an object of operators") }
            for (opName, block) in ops {
                let opPath = "\(path).Condition.\(opName)"
                guard let op = ConditionOperator(opName) else { throw PolicyError(path: opPath, problem: "unknown condition operator") }
                guard case .object(let keys) = block else { throw PolicyError(path: opPath, problem: "expected an object of condition keys") }
                guard !keys.isEmpty else { throw PolicyError(path: opPath, problem: "an operator needs at least one key") }
                for (key, valueJSON) in keys {
                    let keyPath = "\(opPath).\(key)"
                    var raw: [String] = []
                    switch valueJSON {
                    case .array(let items):
                        guard !items.isEmpty else { throw PolicyError(path: keyPath, problem: "an empty list of values") }
                        for (i, item) in items.enumerated() {
                            guard let t = item.scalarText else { throw PolicyError(path: "\(keyPath)[\(i)]", problem: "expected a string, number or boolean") }
                            raw.append(t)
                        }
                    default:
                        guard let t = valueJSON.scalarText else { throw PolicyError(path: keyPath, problem: "expected a value or a list of values") }
                        raw.append(t)
                    }
                    if op.family == .Null, let bad = raw.first(where: { $0 != "true" && $0 != "false" }) {
                        throw PolicyError(path: keyPath, problem: "Null takes true or false, got '\(bad)'")
                    }
                    let values = try raw.typedMap { v throws(PolicyError) in try Pattern(v, mode: mode, path: keyPath) }
                    conditions.append(Condition(op: op, key: key.lowercased(), values: values, path: keyPath))
                }
            }
        }
        let sid = try json["Sid"].map { v throws(PolicyError) in try Policy.text(v, "\(path).Sid") }
        return Statement(sid: sid, effect: effect, actions: actions, resources: resources, principals: principals,
                         conditions: conditions, index: index)
    }

    static func action(_ text: String, _ path: String) throws(PolicyError) -> Pattern {
        guard text == "*" || text.contains(":") else {
            throw PolicyError(path: path, problem: "'\(text)' is not an action (service:Action, wildcards allowed, or *)")
        }
        return try Pattern(text.lowercased(), mode: .plain, path: path)
    }
}

extension PrincipalSet {
    static func parse(_ v: JSONValue, _ path: String) throws(PolicyError) -> PrincipalSet {
        switch v {
        case .string("*"): return PrincipalSet(any: true, byType: [])
        case .object(let pairs):
            var byType: [(String, [String])] = []
            for (type, values) in pairs {
                guard ["AWS", "Service", "Federated", "CanonicalUser"].contains(type) else {
                    throw PolicyError(path: "\(path).\(type)", problem: "unknown principal type (AWS, Service, Federated, CanonicalUser)")
                }
                byType.append((type, try Policy.strings(values, "\(path).\(type)")))
            }
            return PrincipalSet(any: byType.contains { $0.0 == "AWS" && $0.1.contains("*") }, byType: byType)
        default:
            throw PolicyError(path: path, problem: "expected \"*\" or an object such as {\"AWS\": \"arn:aws:iam::111122223333:root\"}")
        }
    }
}

extension Array {
    /// `map` that keeps a typed error.
    func typedMap<U, E: Error>(_ transform: (Element) throws(E) -> U) throws(E) -> [U] {
        var out: [U] = []
        out.reserveCapacity(count)
        for x in self { out.append(try transform(x)) }
        return out
    }
}
