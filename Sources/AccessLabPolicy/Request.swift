/// What a request carries: the action, the resource, the principal, and the context keys. Key names
/// are case-insensitive, as in IAM; values are strings (multivalued keys hold several).
public struct Request: Sendable {
    public var action: String
    public var resource: String
    public var resourceAccount: String?
    public var principal: String?
    public var context: RequestContext { didSet { principalAccount = context.values(lowercased: "aws:principalaccount")?.first } }
    /// The action lowercased and the resource, as scalars, matched against every statement.
    let actionScalars: [Unicode.Scalar]
    let resourceScalars: [Unicode.Scalar]
    /// The lowercased action's text before its first colon (nil without one), for `ActionIndex`.
    let actionService: String?
    let kind: ActionKind
    let serviceGuard: ServiceGuard?

    public init(action: String, resource: String, resourceAccount: String? = nil, principal: String? = nil, context: RequestContext = RequestContext()) {
        self.action = action; self.resource = resource; self.resourceAccount = resourceAccount
        self.principal = principal; self.context = context
        let lowercasedAction = action.lowercased()
        actionScalars = Array(lowercasedAction.unicodeScalars)
        actionService = lowercasedAction.unicodeScalars.firstIndex(of: ":").map { String(lowercasedAction.unicodeScalars[..<$0]) }
        kind = ActionKind(lowercasedAction: lowercasedAction)
        serviceGuard = ServiceGuard.deciding(action: lowercasedAction, resource: resource, principal: principal)
        resourceScalars = Array(resource.unicodeScalars)
        // Keys the request itself implies, unless the caller set them.
        if let principal {
            self.context.setIfAbsent("aws:PrincipalArn", [principal])
            if let account = Request.account(ofArn: principal) { self.context.setIfAbsent("aws:PrincipalAccount", [account]) }
        }
        if let resourceAccount { self.context.setIfAbsent("aws:ResourceAccount", [resourceAccount]) }
        // didSet does not run inside init.
        principalAccount = self.context.values(lowercased: "aws:principalaccount")?.first
    }

    /// `aws:PrincipalAccount` from the context, kept as the context changes (a lookup read several times per evaluation).
    public private(set) var principalAccount: String?

    /// The account field of an ARN (`arn:aws:sts::111122223333:assumed-role/...`), if it has one.
    static func account(ofArn arn: String) -> String? {
        let parts = arn.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "arn", !parts[4].isEmpty else { return nil }
        return String(parts[4])
    }
}

/// Request context keys to values, looked up case-insensitively.
public struct RequestContext: Sendable {
    private var entries: [String: [String]] = [:]
    public init() {}
    public init(_ pairs: [String: [String]]) { for (k, v) in pairs { entries[k.lowercased()] = v } }

    /// The values of `key` (lowercased or not); empty when absent.
    public func values(_ key: String) -> [String] { entries[key.lowercased()] ?? [] }
    public func has(_ key: String) -> Bool { entries[key.lowercased()] != nil }
    /// For keys already lowercased (condition keys are, when parsed).
    func values(lowercased key: String) -> [String]? { entries[key] }
    public mutating func set(_ key: String, _ values: [String]) { entries[key.lowercased()] = values }
    mutating func setIfAbsent(_ key: String, _ values: [String]) { if !has(key) { set(key, values) } }
}
