import AccessLabEvents
import AccessLabProjections
import AccessLabQuery

extension ScenarioLoader {
    /// Reads a `whatif` change file: a `changes:` list, each item one proposed admin change. Policies may
    /// be files (relative to the change file) or inline JSON, as in scenarios.
    ///
    ///     changes:
    ///       - add_assignment: {account: payments-dev, permission_set: Developer, group: payments}
    ///       - remove_assignment: {account: shared, permission_set: ReadOnly, user: alice@example.com}
    ///       - permission_set: {name: Developer, session_duration: 4h, inline_policy: policies/dev.json}
    ///       - attach_scp: {name: deny-deletes, policy: policies/deny-deletes.json, target: workloads}
    ///       - access_control_attributes: {team: "${path:enterprise.department}"}
    public func loadChanges(path: String) throws(ScenarioError) -> [ProposedChange] {
        let root = try ScenarioNode.parse(try text(of: path, at: nil, field: "changes"), file: path)
        let top = try MappingReader(root, path: "")
        _ = top.value("description")
        let items = try top.list("changes")
        try top.finish()
        guard !items.isEmpty else { throw ScenarioError(root.location, field: "changes", "is required: a list of proposed changes") }
        let builder = ScenarioBuilder(root: root, file: path, loader: self)
        var out: [ProposedChange] = []
        for (i, item) in items.enumerated() {
            let m = try MappingReader(item, path: "changes[\(i)]")
            let kinds = ["add_assignment", "remove_assignment", "permission_set", "attach_scp", "detach_scp", "access_control_attributes"]
            let present = kinds.filter { m.has($0) }
            guard present.count == 1, let kind = present.first, let node = m.value(kind) else {
                throw ScenarioError(item.location, field: m.field(""), "each change is exactly one of: \(kinds.joined(separator: ", "))")
            }
            try m.finish()
            let field = m.field(kind)
            switch kind {
            case "add_assignment", "remove_assignment":
                let a = try MappingReader(node, path: field)
                let account = try a.requiredString("account"), ps = try a.requiredString("permission_set")
                let user = try a.string("user"), group = try a.string("group")
                try a.finish()
                guard (user == nil) != (group == nil) else { throw ScenarioError(node.location, field: field, "name either a user or a group") }
                let principal = user.map { Principal(.USER, $0) } ?? Principal(.GROUP, group!)
                out.append(kind == "add_assignment" ? .addAssignment(account: account, permissionSet: ps, principal: principal)
                                                    : .removeAssignment(account: account, permissionSet: ps, principal: principal))
            case "permission_set":
                let p = try MappingReader(node, path: field)
                let name = try p.requiredString("name")
                var any = false
                if p.value("session_duration") != nil {
                    out.append(.sessionDuration(permissionSet: name, try p.duration("session_duration", .hours(1), in: .hours(1)...(.hours(12)))))
                    any = true
                }
                if let v = p.value("inline_policy") {
                    let text = try MappingReader.scalar(v, p.field("inline_policy"))
                    out.append(.inlinePolicy(permissionSet: name, text == "none" ? nil : try builder.policyText(v, field: p.field("inline_policy"))))
                    any = true
                }
                for arn in try p.list("attach_managed_policies").map({ (n) throws(ScenarioError) in try MappingReader.scalar(n, p.field("attach_managed_policies")) }) {
                    out.append(.attachManagedPolicy(permissionSet: name, arn: arn)); any = true
                }
                for arn in try p.list("detach_managed_policies").map({ (n) throws(ScenarioError) in try MappingReader.scalar(n, p.field("detach_managed_policies")) }) {
                    out.append(.detachManagedPolicy(permissionSet: name, arn: arn)); any = true
                }
                try p.finish()
                if !any { throw ScenarioError(node.location, field: field, "says nothing to change (session_duration, inline_policy, attach_managed_policies, detach_managed_policies)") }
            case "attach_scp", "detach_scp":
                let s = try MappingReader(node, path: field)
                let name = try s.requiredString("name"), target = try s.requiredString("target")
                let policy = try s.value("policy").map { (v) throws(ScenarioError) in try builder.policyText(v, field: s.field("policy")) }
                try s.finish()
                out.append(kind == "attach_scp" ? .attachSCP(name: name, content: policy, target: target) : .detachSCP(name: name, target: target))
            default:
                guard case .mapping(let pairs) = node.value else { throw ScenarioError(node.location, field: field, "expected a mapping of tag key to source") }
                var attributes: [AccessControlAttribute] = []
                for pair in pairs { attributes.append(AccessControlAttribute(key: pair.key, source: [try MappingReader.scalar(pair.value, "\(field).\(pair.key)")])) }
                out.append(.accessControlAttributes(attributes))
            }
        }
        return out
    }
}
