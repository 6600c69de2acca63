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
    /// From the root down to the resource's account. `RCPFullAWSAccess` is always attached, so only
    /// their Deny statements can change a decision.
    public var resourceControlPolicies: [SCPLevel]
    public var permissionBoundaries: [Policy]
    /// The resource's policy: a bucket policy, a role's trust policy (for `sts:AssumeRole*`), a key policy (for `kms:`).
    public var resourcePolicy: Policy?
    /// SCPs do not apply to principals of the management account, nor RCPs to its resources.
    public var managementAccountId: String?

    public init(request: Request, identityPolicies: [Policy] = [], serviceControlPolicies: [SCPLevel] = [],
                resourceControlPolicies: [SCPLevel] = [], permissionBoundaries: [Policy] = [], resourcePolicy: Policy? = nil,
                managementAccountId: String? = nil) {
        self.request = request; self.identityPolicies = identityPolicies; self.serviceControlPolicies = serviceControlPolicies
        self.resourceControlPolicies = resourceControlPolicies
        self.permissionBoundaries = permissionBoundaries; self.resourcePolicy = resourcePolicy; self.managementAccountId = managementAccountId
    }
}

/// IAM's evaluation logic (IAM User Guide, "Policy evaluation logic"): a service guard first; then an
/// explicit Deny anywhere wins; every SCP level must allow (not for the management account); and an
/// allow must come from a policy that can grant, as `Grant` describes.
public enum Evaluator {
    public static func evaluate(_ c: EvaluationCase) -> Decision { evaluate(c, c.request) }

    /// The request as its own argument: `let r = c.request` copied it (a retain per field) at every call.
    static func evaluate(_ c: EvaluationCase, _ r: Request) -> Decision {
        if let g = r.serviceGuard { return g.decision }
        // A context lookup: read once.
        let principalAccount = r.principalAccount
        let scpExempt = c.managementAccountId != nil && principalAccount == c.managementAccountId
        let rcpApplies = r.kind.rcpService && !c.resourceControlPolicies.isEmpty
            && (c.managementAccountId == nil || (r.resourceAccount ?? principalAccount) != c.managementAccountId)
        let hasBoundary = !c.permissionBoundaries.isEmpty
        var denies: [Decision.StatementRef] = []
        func collectDenies(_ policies: [Policy], _ layer: Decision.StatementRef.Layer) {
            let isResource = layer.isResourceSide
            let boundedCaller = hasBoundary && layer == .resource
            for i in policies.indices where policies[i].hasDeny {
                for s in policies[i].statements where s.effect == .Deny {
                    // A NotPrincipal Deny denies every caller that has a boundary, whatever it names
                    // (IAM User Guide, "Permissions boundaries for IAM entities").
                    let applies = boundedCaller && s.hasNotPrincipal
                        ? s.matchesIgnoringPrincipal(r) : s.applies(to: r, isResourcePolicy: isResource)
                    if applies { denies.append(ref(layer, i, s)) }
                }
            }
        }
        if !scpExempt {
            for level in c.serviceControlPolicies { collectDenies(level.policies, .scp(level.orgIdentifier)) }
        }
        if rcpApplies {
            for level in c.resourceControlPolicies { collectDenies(level.policies, .rcp(level.orgIdentifier)) }
        }
        collectDenies(c.permissionBoundaries, .boundary)
        collectDenies(c.identityPolicies, .identity)
        if let rp = c.resourcePolicy { collectDenies([rp], .resource) }
        if !denies.isEmpty { return Decision(response: .ExplicitlyDenied, statements: denies, reason: nil) }

        // The allowing statements in the order a decision lists them: identity, resource, then the SCP
        // levels and the boundary (together, `decisive`). One array: no array per layer, no concatenation.
        // Identity and resource come first though IAM checks the SCPs first; an SCP refusal still
        // returns the same decision, only later.
        var statements: [Decision.StatementRef] = []
        statements.reserveCapacity(c.serviceControlPolicies.count + 4)
        let identityAllows = appendAllowing(c.identityPolicies, .identity, r, to: &statements)
        let identityEnd = statements.count
        var grant = Grant.none
        if let rp = c.resourcePolicy {
            for s in rp.statements where s.effect == .Allow && s.matchesIgnoringPrincipal(r) {
                let g = s.grant(to: r)
                if g != .none { statements.append(ref(.resource, 0, s)); grant = max(grant, g) }
            }
        } else if r.kind.isKMS {
            // Every key has a key policy; without one given, the default key policy, whose only
            // statement lets the account's IAM policies in (AWS KMS Developer Guide, "Default key policy").
            grant = .account
        }
        if !scpExempt {
            for level in c.serviceControlPolicies {
                guard appendAllowing(level.policies, .scp(level.orgIdentifier), r, to: &statements) else {
                    return Decision(response: .ImplicitlyDenied, statements: [], reason: "no service control policy at \(level.orgIdentifier) allows the action")
                }
            }
        }
        var boundaryAllows = true
        if hasBoundary {
            boundaryAllows = appendAllowing(c.permissionBoundaries, .boundary, r, to: &statements)
        }
        let sameAccount = r.resourceAccount == nil || principalAccount == nil || r.resourceAccount == principalAccount
        let mustGrant = r.kind.isAssumeRole || r.kind.isKMS
        let allowed: Bool
        if sameAccount {
            allowed = grant == .principal
                || (boundaryAllows && (grant == .role || (identityAllows && (grant != .none || !mustGrant))))
        } else {
            allowed = boundaryAllows && grant != .none && identityAllows
        }
        if allowed {
            let bypass = sameAccount && grant == .principal && (!identityAllows || !boundaryAllows)
            return Decision(response: .Allowed, statements: bypass ? statements[identityEnd...].filter { $0.layer != .boundary } : statements,
                            reason: bypass ? "a same-account resource policy naming the caller's own ARN grants without an identity allow or the boundary" : nil)
        }
        return Decision(response: .ImplicitlyDenied, statements: [],
                        reason: denialReason(r, sameAccount: sameAccount, boundaryAllows: boundaryAllows, grant: grant, identityAllows: identityAllows,
                                             hasResourcePolicy: c.resourcePolicy != nil))
    }

    static func denialReason(_ r: Request, sameAccount: Bool, boundaryAllows: Bool, grant: Grant, identityAllows: Bool, hasResourcePolicy: Bool) -> String {
        if !boundaryAllows { return "the permissions boundary does not allow the action" }
        if r.kind.isAssumeRole && grant == .none {
            return hasResourcePolicy ? "the role's trust policy does not allow the caller" : "no trust policy given: a role's trust policy must allow the caller"
        }
        if r.kind.isKMS && grant == .none { return "the key policy neither allows the caller nor lets the account's IAM policies in" }
        if !sameAccount { return "cross-account access needs an allow in both the identity-based policy and the resource's policy" }
        if grant == .account && !identityAllows {
            return "the resource policy names the account, which delegates to the account's identity-based policies; none allows the action"
        }
        return "no identity-based or resource-based policy allows the action"
    }

    /// Appends the allowing statements to `out` (no array per layer); true when there was one.
    @discardableResult
    static func appendAllowing(_ policies: [Policy], _ layer: Decision.StatementRef.Layer, _ r: Request,
                               to out: inout [Decision.StatementRef]) -> Bool {
        let before = out.count
        let isResource = layer.isResourceSide
        for i in policies.indices where policies[i].hasAllow {
            for s in policies[i].statements where s.effect == .Allow && s.applies(to: r, isResourcePolicy: isResource) { out.append(ref(layer, i, s)) }
        }
        return out.count > before
    }

    static func ref(_ layer: Decision.StatementRef.Layer, _ policyIndex: Int, _ s: Statement) -> Decision.StatementRef {
        Decision.StatementRef(layer: layer, policyIndex: policyIndex, index: s.index, sid: s.sid, allow: s.effect == .Allow)
    }
}

/// What a resource policy's Allow does for the caller (IAM User Guide, "Policy evaluation logic" and
/// "Permissions boundaries for IAM entities"), weakest first.
enum Grant: Int, Comparable {
    /// Names nobody the caller is.
    case none
    /// Names the caller's account: that delegates to the account's identity-based policies and grants nothing itself.
    case account
    /// Names the caller's role (or `*`, or by NotPrincipal): grants, but within the account a boundary still limits it.
    case role
    /// Names the caller's own IAM user ARN or role session ARN: grants, and within the account no boundary limits it.
    case principal
    static func < (a: Grant, b: Grant) -> Bool { a.rawValue < b.rawValue }
}
