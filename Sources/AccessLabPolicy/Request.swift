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
    struct Entry: Sendable {
        var key: ContextKey
        var values: [String]
    }
    /// A request carries a handful of keys: scanning them for a hash computed when the policy was parsed
    /// costs less than hashing the key's text into a dictionary at every lookup.
    private var entries: [Entry] = []
    public init() {}
    public init(_ pairs: [String: [String]]) { for (k, v) in pairs { set(k, v) } }

    /// The values of `key` (lowercased or not); empty when absent.
    public func values(_ key: String) -> [String] { values(ContextKey(lowercased: key.lowercased())) ?? [] }
    public func has(_ key: String) -> Bool { values(ContextKey(lowercased: key.lowercased())) != nil }
    /// For keys already lowercased (condition keys are, when parsed).
    func values(lowercased key: String) -> [String]? { values(ContextKey(lowercased: key)) }
    func values(_ key: ContextKey) -> [String]? {
        for i in entries.indices where entries[i].key.hash == key.hash && entries[i].key.name == key.name { return entries[i].values }
        return nil
    }
    public mutating func set(_ key: String, _ values: [String]) {
        let k = ContextKey(lowercased: key.lowercased())
        if let i = entries.firstIndex(where: { $0.key == k }) { entries[i].values = values } else { entries.append(Entry(key: k, values: values)) }
    }
    mutating func setIfAbsent(_ key: String, _ values: [String]) { if !has(key) { set(key, values) } }
}

/// A lowercased context key with its FNV-1a hash, made once per condition key and policy variable.
struct ContextKey: Sendable, Equatable {
    let name: String
    let hash: UInt64

    init(lowercased name: String) {
        self.name = name
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in name.utf8 { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3 }
        hash = h
    }

    static func == (a: ContextKey, b: ContextKey) -> Bool { a.hash == b.hash && a.name == b.name }
}
