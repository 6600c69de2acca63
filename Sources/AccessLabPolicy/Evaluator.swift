/// Everything one decision needs: the request and the policies of every layer.
public struct EvaluationCase: Sendable {
    public struct SCPLevel: Sendable {
        public var orgIdentifier: String
        public var policies: [Policy]
        public init(orgIdentifier: String, policies: [Policy]) { self.orgIdentifier = orgIdentifier; self.policies = policies }
    }
    public var request: Request
    public var identityPolicies: [Policy]
    /// From the root down to the account; every level must allow.
    public var serviceControlPolicies: [SCPLevel]
    public var permissionBoundaries: [Policy]
    public var resourcePolicy: Policy?
    /// SCPs do not apply to principals of the management account.
    public var managementAccountId: String?

    public init(request: Request, identityPolicies: [Policy] = [], serviceControlPolicies: [SCPLevel] = [],
                permissionBoundaries: [Policy] = [], resourcePolicy: Policy? = nil, managementAccountId: String? = nil) {
        self.request = request; self.identityPolicies = identityPolicies; self.serviceControlPolicies = serviceControlPolicies
        self.permissionBoundaries = permissionBoundaries; self.resourcePolicy = resourcePolicy; self.managementAccountId = managementAccountId
    }
}

/// The outcome, with the statements that decided it.
public struct Decision: Sendable, Equatable, Encodable {
    public enum Response: String, Sendable, Codable { case Allowed, ImplicitlyDenied, ExplicitlyDenied }
    public struct StatementRef: Sendable, Equatable, Encodable {
        enum Layer: Sendable, Equatable { case scp(String), boundary, identity, resource }
        let layer: Layer
        let policyIndex: Int
        public let index: Int
        public let sid: String?
        let allow: Bool
        public var effect: String { allow ? "Allow" : "Deny" }
        /// Where the statement's policy came from: `identityPolicies[0]`, `serviceControlPolicies[ou-prod][1]`, ...
        public var source: String {
            switch layer {
            case .scp(let id): "serviceControlPolicies[\(id)][\(policyIndex)]"
            case .boundary: "permissionBoundaries[\(policyIndex)]"
            case .identity: "identityPolicies[\(policyIndex)]"
            case .resource: "resourcePolicy"
            }
        }
        enum CodingKeys: String, CodingKey { case source, index, sid, effect }
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(source, forKey: .source)
            try c.encode(index, forKey: .index)
            try c.encodeIfPresent(sid, forKey: .sid)
            try c.encode(effect, forKey: .effect)
        }
    }
    public var response: Response
    public var statements: [StatementRef]
    /// For an implicit deny: the layer that did not allow.
    public var reason: String?
}

/// IAM's evaluation logic for one account (IAM User Guide, "Policy evaluation logic"): an explicit Deny
/// anywhere wins; otherwise every SCP level must allow (not for the management account), the
/// permissions boundary must allow, and an identity policy or a same-account resource policy must allow.
public enum Evaluator {
    public static func evaluate(_ c: EvaluationCase) -> Decision {
        let r = c.request
        let scpExempt = c.managementAccountId != nil && r.principalAccount == c.managementAccountId
        var denies: [Decision.StatementRef] = []
        func collectDenies(_ policies: [Policy], _ layer: Decision.StatementRef.Layer) {
            let isResource = layer == .resource
            for i in policies.indices {
                for s in policies[i].statements where s.effect == .Deny && s.applies(to: r, isResourcePolicy: isResource) {
                    denies.append(ref(layer, i, s))
                }
            }
        }
        if !scpExempt {
            for level in c.serviceControlPolicies { collectDenies(level.policies, .scp(level.orgIdentifier)) }
        }
        collectDenies(c.permissionBoundaries, .boundary)
        collectDenies(c.identityPolicies, .identity)
        if let rp = c.resourcePolicy { collectDenies([rp], .resource) }
        if !denies.isEmpty { return Decision(response: .ExplicitlyDenied, statements: denies, reason: nil) }

        var decisive: [Decision.StatementRef] = []
        if !scpExempt {
            for level in c.serviceControlPolicies {
                let allows = allowing(level.policies, .scp(level.orgIdentifier), r)
                guard !allows.isEmpty else {
                    return Decision(response: .ImplicitlyDenied, statements: [], reason: "no service control policy at \(level.orgIdentifier) allows the action")
                }
                decisive += allows
            }
        }
        if !c.permissionBoundaries.isEmpty {
            let allows = allowing(c.permissionBoundaries, .boundary, r)
            guard !allows.isEmpty else {
                return Decision(response: .ImplicitlyDenied, statements: [], reason: "the permissions boundary does not allow the action")
            }
            decisive += allows
        }
        let identity = allowing(c.identityPolicies, .identity, r)
        let resource = c.resourcePolicy.map { allowing([$0], .resource, r) } ?? []
        let sameAccount = r.resourceAccount == nil || r.principalAccount == nil || r.resourceAccount == r.principalAccount
        // Within an account either kind of policy may allow; across accounts both must (IAM User Guide,
        // "Cross-account policy evaluation logic").
        if sameAccount ? (!identity.isEmpty || !resource.isEmpty) : (!identity.isEmpty && !resource.isEmpty) {
            return Decision(response: .Allowed, statements: identity + resource + decisive, reason: nil)
        }
        let reason = sameAccount ? "no identity-based or resource-based policy allows the action"
            : "cross-account access needs an allow in both the identity-based policy and the resource's policy"
        return Decision(response: .ImplicitlyDenied, statements: [], reason: reason)
    }

    static func allowing(_ policies: [Policy], _ layer: Decision.StatementRef.Layer, _ r: Request) -> [Decision.StatementRef] {
        var out: [Decision.StatementRef] = []
        let isResource = layer == .resource
        for i in policies.indices {
            for s in policies[i].statements where s.effect == .Allow && s.applies(to: r, isResourcePolicy: isResource) { out.append(ref(layer, i, s)) }
        }
        return out
    }

    static func ref(_ layer: Decision.StatementRef.Layer, _ policyIndex: Int, _ s: Statement) -> Decision.StatementRef {
        Decision.StatementRef(layer: layer, policyIndex: policyIndex, index: s.index, sid: s.sid, allow: s.effect == .Allow)
    }
}

extension Statement {
    /// Whether the statement matches the request: action, resource, principal (resource policies) and every condition.
    func applies(to r: Request, isResourcePolicy: Bool) -> Bool {
        switch actions {
        case .action(let ps): guard ps.contains(where: { $0.matches(r.actionScalars) }) else { return false }
        case .notAction(let ps): guard !ps.contains(where: { $0.matches(r.actionScalars) }) else { return false }
        }
        switch resources {
        case .resource(let ps)?: guard ps.contains(where: { Self.resourceMatch($0, r) }) else { return false }
        case .notResource(let ps)?: guard !ps.contains(where: { Self.resourceMatch($0, r) }) else { return false }
        case nil: break
        }
        if isResourcePolicy {
            switch principals {
            case .principal(let set)?: guard set.matches(r.principal, account: r.principalAccount) else { return false }
            case .notPrincipal(let set)?: guard !set.matches(r.principal, account: r.principalAccount) else { return false }
            case nil: return false
            }
        }
        return conditions.allSatisfy { $0.holds(in: r.context) }
    }

    static func resourceMatch(_ p: Pattern, _ r: Request) -> Bool {
        if !p.hasVariables { return p.isLiteral ? p.scalars == r.resourceScalars : Pattern.arnMatch(p.tokens, r.resourceScalars) }
        guard let tokens = p.resolve(r.context) else { return false }
        return Pattern.arnMatch(tokens, r.resourceScalars)
    }
}

extension PrincipalSet {
    /// IAM principal matching: `*`, an account (id or `:root`), a role (also its assumed-role sessions), or an exact ARN.
    func matches(_ principal: String?, account: String?) -> Bool {
        if any { return true }
        guard let principal else { return false }
        for (type, values) in byType where type == "AWS" {
            for v in values {
                if v == "*" || v == principal { return true }
                if v.count == 12, v.allSatisfy(\.isNumber), v == account { return true }
                if v.hasPrefix("arn:"), v.hasSuffix(":root"), Request.account(ofArn: v) == account { return true }
                if v.contains(":role/"), principal.contains(":assumed-role/"),
                   Request.account(ofArn: v) == account,
                   let roleName = v.split(separator: "/").last,
                   principal.split(separator: "/").dropFirst().first == roleName { return true }
            }
        }
        return false
    }
}
