extension Statement {
    /// Whether the statement matches the request: action, resource, principal (resource policies) and every condition.
    func applies(to r: Request, isResourcePolicy: Bool) -> Bool {
        guard actionAndResourceMatch(r) else { return false }
        if isResourcePolicy {
            switch principals {
            case .principal(let set)?: guard set.grant(to: r.principal, account: r.principalAccount) != .none else { return false }
            case .notPrincipal(let set)?: guard set.grant(to: r.principal, account: r.principalAccount) == .none else { return false }
            case nil: return false
            }
        }
        return conditionsHold(r.context)
    }

    /// Action, resource and conditions, not the principal.
    func matchesIgnoringPrincipal(_ r: Request) -> Bool {
        actionAndResourceMatch(r) && conditionsHold(r.context)
    }

    /// Through the buffer: with `allSatisfy` each condition was copied (its strings and values retained) in a
    /// closure; the buffer measured a little cheaper than a subscript (callgrind, policy workload: -1.3%).
    func conditionsHold(_ context: RequestContext) -> Bool {
        conditions.withUnsafeBufferPointer { conditions in
            for i in conditions.indices where !conditions[i].holds(in: context) { return false }
            return true
        }
    }

    func actionAndResourceMatch(_ r: Request) -> Bool {
        if matchesEveryActionAndResource { return true }
        switch actions {
        case .action(let ps): guard actionIndex?.contains(action: r.actionScalars, service: r.actionService)
            ?? ps.contains(where: { $0.matches(r.actionScalars) }) else { return false }
        case .notAction(let ps): guard !(actionIndex?.contains(action: r.actionScalars, service: r.actionService)
            ?? ps.contains(where: { $0.matches(r.actionScalars) })) else { return false }
        }
        switch resources {
        case .resource(let ps)?: guard ps.contains(where: { Self.resourceMatch($0, r) }) else { return false }
        case .notResource(let ps)?: guard !ps.contains(where: { Self.resourceMatch($0, r) }) else { return false }
        case nil: break
        }
        return true
    }

    var hasNotPrincipal: Bool {
        if case .notPrincipal? = principals { return true }
        return false
    }

    /// How this resource-policy statement names the caller.
    func grant(to r: Request) -> Grant {
        switch principals {
        case .principal(let set)?: return set.grant(to: r.principal, account: r.principalAccount)
        case .notPrincipal(let set)?: return set.grant(to: r.principal, account: r.principalAccount) == .none ? .role : .none
        case nil: return .none
        }
    }

    static func resourceMatch(_ p: Pattern, _ r: Request) -> Bool {
        if p.isAnything { return true }
        if !p.hasVariables { return p.isLiteral ? p.scalars == r.resourceScalars : Pattern.arnMatch(p.tokens, r.resourceScalars) }
        guard let tokens = p.resolve(r.context) else { return false }
        return Pattern.arnMatch(tokens, r.resourceScalars)
    }
}

extension PrincipalSet {
    /// IAM principal matching, strongest first: the caller's own ARN (an IAM user or a role session);
    /// `*` or the caller's role (an `arn:aws:iam::…:role/…` matches its assumed-role sessions); its account
    /// (the id or `:root`, IAM User Guide, "AWS JSON policy elements: Principal": this delegates).
    func grant(to principal: String?, account: String?) -> Grant {
        if any { return .role }
        guard let principal else { return .none }
        var best = Grant.none
        for (type, values) in byType where type == "AWS" {
            for v in values {
                if v == principal { return v.contains(":role/") ? .role : .principal }
                if v == "*" { best = max(best, .role); continue }
                if v.count == 12, v.allSatisfy(\.isNumber), v == account { best = max(best, .account); continue }
                if v.hasPrefix("arn:"), v.hasSuffix(":root"), Request.account(ofArn: v) == account { best = max(best, .account); continue }
                if v.contains(":role/"), principal.contains(":assumed-role/"),
                   Request.account(ofArn: v) == account,
                   let roleName = v.split(separator: "/").last,
                   principal.split(separator: "/").dropFirst().first == roleName { best = max(best, .role) }
            }
        }
        return best
    }
}
