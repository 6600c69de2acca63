import AccessLabEvents
import AccessLabSimulation
import Foundation

extension ScenarioBuilder {
    /// Identity Center's limits, enforced when the scenario is read (identity-center-facts.md).
    static let inlinePolicyMaxBytes = ServiceLimits.inlinePolicyBytes
    static let scpMaxCharacters = ServiceLimits.scpCharacters
    static let managedPoliciesMax = 20
    static let accessControlAttributesMax = 50

    func permissionSets(_ items: [ScenarioNode]) throws(ScenarioError) -> [PermissionSetSpec] {
        var out: [PermissionSetSpec] = []
        for (i, item) in items.enumerated() {
            let m = try MappingReader(item, path: "permission_sets[\(i)]")
            let name = try m.requiredString("name")
            guard !out.contains(where: { $0.name == name }) else { throw ScenarioError(item.location, field: m.field("name"), "permission set '\(name)' is declared twice") }
            let hex = String(FNV1a.hash64("permission-set/\(name)"), radix: 16)
            var ps = PermissionSetSpec(permissionSetId: "ps-" + String(repeating: "0", count: 16 - hex.count) + hex, name: name,
                                       sessionDuration: try m.duration("session_duration", .hours(1), in: .hours(1)...Duration_ms.hours(12)))
            for arn in try m.strings("managed_policies") ?? [] {
                ps.managedPolicyArns.append(arn.hasPrefix("arn:") ? arn : "arn:aws:iam::aws:policy/\(arn)")
            }
            if ps.managedPolicyArns.count > Self.managedPoliciesMax {
                throw ScenarioError(item.location, field: m.field("managed_policies"), "at most \(Self.managedPoliciesMax) managed policies per permission set")
            }
            if let v = m.value("inline_policy") {
                let policy = try policyText(v, field: m.field("inline_policy"))
                guard policy.utf8.count <= Self.inlinePolicyMaxBytes else {
                    throw ScenarioError(v.location, field: m.field("inline_policy"),
                                        "the inline policy is \(policy.utf8.count) bytes; Identity Center allows \(Self.inlinePolicyMaxBytes)")
                }
                ps.inlinePolicy = policy
            }
            if let b = m.value("permissions_boundary") {
                if case .scalar(let arn) = b.value {
                    ps.permissionsBoundaryArn = arn.hasPrefix("arn:") ? arn : "arn:aws:iam::aws:policy/\(arn)"
                } else {
                    let bm = try MappingReader(b, path: m.field("permissions_boundary"))
                    let name = try bm.requiredString("name")
                    guard let doc = bm.value("policy") else { throw ScenarioError(b.location, field: bm.field("policy"), "is required") }
                    ps.permissionsBoundaryPolicy = (name, try policyText(doc, field: bm.field("policy")))
                    try bm.finish()
                }
            }
            try m.finish()
            out.append(ps)
        }
        return out
    }

    /// A policy given as a file path (relative to the scenario) or inline JSON; it must parse as JSON.
    func policyText(_ node: ScenarioNode, field: String) throws(ScenarioError) -> String {
        let value = try MappingReader.scalar(node, field)
        let text: String
        if value.trimmingCharacters(in: .whitespaces).hasPrefix("{") {
            text = value
        } else {
            let path = ScenarioLoader.resolve(value, relativeTo: node.location.file)
            text = try loader.text(of: path, at: node.location, field: field)
        }
        do {
            let object = try JSONSerialization.jsonObject(with: Data(text.utf8))
            guard object is [String: Any] else { throw ScenarioError(node.location, field: field, "a policy document is a JSON object") }
        } catch let e as ScenarioError {
            throw e
        } catch {
            throw ScenarioError(node.location, field: field, "the policy is not valid JSON (\(value))")
        }
        return text
    }

    func assignments(_ items: [ScenarioNode], scenario s: Scenario) throws(ScenarioError) -> [AssignmentSpec] {
        var out: [AssignmentSpec] = []
        let index = AccountLabelIndex(s.accounts)
        for (i, item) in items.enumerated() {
            let m = try MappingReader(item, path: "assignments[\(i)]")
            let teams = try TeamSelection.read(m, teams: s.teams) ?? s.teams
            let psName = try m.requiredString("permission_set")
            guard let ps = s.permissionSets.first(where: { $0.name == psName }) else {
                throw ScenarioError(m.value("permission_set")!.location, field: m.field("permission_set"), "no permission set named '\(psName)'")
            }
            let selectorNode = m.value("accounts")
            let selectorText = try m.string("accounts") ?? "*"
            try m.finish()
            var matched = 0
            for team in teams {
                let selector = try AccountSelector(selectorText, team: team.name, at: selectorNode ?? item, field: m.field("accounts"))
                let ids = index.matching(selector).map(\.accountId)
                matched += ids.count
                if !ids.isEmpty { out.append(AssignmentSpec(team: team.name, permissionSetId: ps.permissionSetId, accountIds: ids)) }
            }
            guard matched > 0 else { throw ScenarioError((selectorNode ?? item).location, field: m.field("accounts"), "'\(selectorText)' matches no account") }
        }
        return out
    }

    /// `service_control_policies` or `resource_control_policies`: both are Organizations policies with the
    /// same shape and the same 5,120-character limit; `kind` names the section and the policy in errors.
    func organizationPolicies(_ items: [ScenarioNode], section: String, kind: String, org: OrganizationBuilder,
                              accounts: [AccountSpec]) throws(ScenarioError) -> [ServiceControlPolicySpec] {
        var out: [ServiceControlPolicySpec] = []
        for (i, item) in items.enumerated() {
            let m = try MappingReader(item, path: "\(section)[\(i)]")
            let name = try m.requiredString("name")
            guard let policyNode = m.value("policy") else { throw ScenarioError(item.location, field: m.field("policy"), "is required") }
            let content = try policyText(policyNode, field: m.field("policy"))
            guard content.count <= Self.scpMaxCharacters else {
                throw ScenarioError(policyNode.location, field: m.field("policy"), "the \(kind) is \(content.count) characters; Organizations allows \(Self.scpMaxCharacters)")
            }
            var targets: [String] = []
            for t in try m.strings("targets") ?? ["root"] {
                if let id = org.ouId(t) { targets.append(id) } else if let a = accounts.first(where: { $0.name == t }) { targets.append(a.accountId) } else {
                    throw ScenarioError(item.location, field: m.field("targets"), "no OU or account named '\(t)'")
                }
            }
            try m.finish()
            let hex = String(FNV1a.hash64("\(kind.lowercased())/\(name)") & 0xffff_ffff, radix: 16)
            out.append(ServiceControlPolicySpec(policyId: "p-" + String(repeating: "0", count: 8 - hex.count) + hex, name: name,
                                                content: content, targetIds: targets))
        }
        return out
    }

    func abac(_ m: MappingReader) throws(ScenarioError) -> [AccessControlAttribute] {
        var out: [AccessControlAttribute] = []
        if let attributes = m.value("attributes") {
            guard case .mapping(let pairs) = attributes.value else {
                throw ScenarioError(attributes.location, field: m.field("attributes"), "expected a mapping of tag key to source, e.g. team: ${path:enterprise.division}")
            }
            for pair in pairs {
                let source = try MappingReader.scalar(pair.value, m.field("attributes.\(pair.key)"))
                let sample = UserAttributes(userName: "u", givenName: "g", familyName: "f", displayName: "d", email: "e",
                                            department: "x", costCenter: "x", title: "x", manager: "x", team: "x")
                guard sample.value(atSourcePath: source) != nil else {
                    throw ScenarioError(pair.value.location, field: m.field("attributes.\(pair.key)"),
                                        "unknown source '\(source)' (supported: ${path:userName}, ${path:title}, ${path:enterprise.department}, ${path:enterprise.costCenter}, ${path:enterprise.division}, ${path:enterprise.manager})")
                }
                out.append(AccessControlAttribute(key: pair.key, source: [source]))
            }
        }
        guard out.count <= Self.accessControlAttributesMax else {
            throw ScenarioError(m.node.location, field: m.field("attributes"), "at most \(Self.accessControlAttributesMax) access-control attributes")
        }
        try m.finish()
        return out
    }

    func abacComparison(_ m: MappingReader, scenario s: Scenario) throws(ScenarioError) -> ABACComparisonSpec {
        let name = try m.requiredString("permission_set")
        guard let ps = s.permissionSets.first(where: { $0.name == name }) else {
            throw ScenarioError(m.value("permission_set")!.location, field: m.field("permission_set"), "no permission set named '\(name)'")
        }
        guard let policyNode = m.value("per_team_policy") else { throw ScenarioError(m.node.location, field: m.field("per_team_policy"), "is required") }
        let policy = try policyText(policyNode, field: m.field("per_team_policy"))
        let selectorText = try m.string("accounts") ?? "*"
        let selector = try AccountSelector(selectorText, team: nil, at: m.value("accounts") ?? m.node, field: m.field("accounts"))
        let accounts = s.accounts.filter(selector.matches).map(\.accountId)
        guard !accounts.isEmpty else { throw ScenarioError(m.node.location, field: m.field("accounts"), "'\(selectorText)' matches no account") }
        let actions = try m.strings("actions") ?? []
        guard !actions.isEmpty, actions.allSatisfy({ $0.contains(":") }) else {
            throw ScenarioError(m.node.location, field: m.field("actions"), "a list of actions such as s3:PutObject is required")
        }
        let tag = try m.string("tag") ?? "team"
        try m.finish()
        return ABACComparisonSpec(permissionSetId: ps.permissionSetId, perTeamPolicy: policy, accountIds: accounts, actions: actions, tagKey: tag)
    }

    func resources(_ items: [ScenarioNode], scenario s: Scenario) throws(ScenarioError) -> [ResourceSpec] {
        var out: [ResourceSpec] = []
        let index = AccountLabelIndex(s.accounts)
        for (i, item) in items.enumerated() {
            let m = try MappingReader(item, path: "resources[\(i)]")
            let arn = try m.requiredString("arn")
            let selectorNode = m.value("accounts")
            let selectorText = try m.string("accounts") ?? "*"
            let perTeam = try TeamSelection.read(m, teams: s.teams)
            var tags: [(String, String)] = []
            if let t = m.value("tags") {
                guard case .mapping(let pairs) = t.value else { throw ScenarioError(t.location, field: m.field("tags"), "expected a mapping of tag key to value") }
                for p in pairs { tags.append((p.key, try MappingReader.scalar(p.value, m.field("tags.\(p.key)")))) }
            }
            try m.finish()
            for team in perTeam.map({ $0.map(Optional.some) }) ?? [nil] {
                let selector = try AccountSelector(selectorText, team: team?.name, at: selectorNode ?? item, field: m.field("accounts"))
                for account in index.matching(selector) {
                    func fill(_ x: String) -> String {
                        x.replacingOccurrences(of: "{team}", with: team?.name ?? "").replacingOccurrences(of: "{account}", with: account.accountId)
                    }
                    out.append(ResourceSpec(accountId: account.accountId, arn: fill(arn), tags: tags.map { Tag(key: $0.0, value: fill($0.1)) }.sorted()))
                }
            }
        }
        return out
    }
}
