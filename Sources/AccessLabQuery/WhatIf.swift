import AccessLabEvents
import AccessLabProjections

/// An admin change proposed, not made: `whatif` applies it to a copy of the state and compares what
/// each user's policies allow before and after.
public enum ProposedChange: Sendable, Equatable {
    case addAssignment(account: String, permissionSet: String, principal: Principal)
    case removeAssignment(account: String, permissionSet: String, principal: Principal)
    case sessionDuration(permissionSet: String, Duration_ms)
    case inlinePolicy(permissionSet: String, String?)
    case attachManagedPolicy(permissionSet: String, arn: String)
    case detachManagedPolicy(permissionSet: String, arn: String)
    case attachSCP(name: String, content: String?, target: String)
    case detachSCP(name: String, target: String)
    case accessControlAttributes([AccessControlAttribute])
}

/// What a proposed change does to access: every (user, account, action, resource) whose decision differs.
public struct WhatIf: Codable, Sendable, Equatable {
    public struct Change: Codable, Sendable, Equatable, Comparable {
        public var user: String
        public var userName: String
        public var accountId: String
        public var accountName: String?
        public var action: String
        public var resource: String
        /// Allowed, ExplicitlyDenied or ImplicitlyDenied, before and after.
        public var before: String
        public var after: String
        /// The permission sets that allow it after (gains) or allowed it before (losses).
        public var via: [String]
        public static func < (a: Change, b: Change) -> Bool {
            (a.userName, a.accountId, a.action, a.resource) < (b.userName, b.accountId, b.action, b.resource)
        }
    }
    public var at: Instant
    public var actions: [String]
    public var users: Int
    public var probes: Int
    public var gained: [Change]
    public var lost: [Change]
    public var notes: [String]

    /// The actions asked about when none are named: reads, writes and deletes of the common data
    /// services, compute, identity escalation paths and leaving the organisation.
    public static let defaultActions = [
        "s3:GetObject", "s3:PutObject", "s3:DeleteObject", "dynamodb:GetItem", "dynamodb:PutItem", "ec2:DescribeInstances",
        "ec2:RunInstances", "ec2:TerminateInstances", "lambda:InvokeFunction", "kms:Decrypt", "logs:GetLogEvents",
        "iam:CreateUser", "iam:PassRole", "iam:AttachRolePolicy", "organizations:LeaveOrganization",
    ]

    public struct ApplyError: Error, CustomStringConvertible, Equatable {
        public var index: Int
        public var problem: String
        public var description: String { "change \(index + 1): \(problem)" }
    }

    /// The state with the changes made, or the first change that does not fit the state.
    public static func apply(_ changes: [ProposedChange], to state: AccessState, at: Instant) throws(ApplyError) -> AccessState {
        var s = state
        var seq = state.seq
        func emit(_ body: EventBody) {
            seq += 1
            s.apply(Event(seq: seq, time: at, actor: .admin, body: body))
        }
        func permissionSet(_ nameOrId: String, _ i: Int) throws(ApplyError) -> String {
            if s.permissionSets[nameOrId] != nil { return nameOrId }
            let named = s.permissionSets.values.filter { $0.name == nameOrId }.map(\.permissionSetId).sorted()
            guard let id = named.first else {
                throw ApplyError(index: i, problem: "no permission set '\(nameOrId)' (known: \(s.permissionSets.values.map(\.name).sorted().joined(separator: ", ")))")
            }
            return id
        }
        func account(_ nameOrId: String, _ i: Int) throws(ApplyError) -> String {
            do { return try Names.accountId(nameOrId, in: s) } catch { throw ApplyError(index: i, problem: error.description) }
        }
        func principal(_ p: Principal, _ i: Int) throws(ApplyError) -> Principal {
            switch p.type {
            case .USER:
                let id: String
                do { id = try Names.userId(p.id, in: s) } catch { throw ApplyError(index: i, problem: error.description) }
                guard s.identityCenter.users[id] != nil else { throw ApplyError(index: i, problem: "user '\(p.id)' is not in Identity Center") }
                return Principal(.USER, id)
            case .GROUP:
                if s.identityCenter.groups[p.id] != nil { return p }
                if let id = s.identityCenter.groups.values.filter({ $0.displayName == p.id }).map(\.groupId).min() { return Principal(.GROUP, id) }
                throw ApplyError(index: i, problem: "no group '\(p.id)' in Identity Center")
            }
        }
        func target(_ nameOrId: String, _ i: Int) throws(ApplyError) -> String {
            if s.organization.organizationalUnits[nameOrId] != nil || nameOrId.hasPrefix("r-") { return nameOrId }
            if let ou = s.organization.organizationalUnits.values.filter({ $0.name == nameOrId }).map(\.ouId).min() { return ou }
            return try account(nameOrId, i)
        }
        for (i, change) in changes.enumerated() {
            switch change {
            case .addAssignment(let a, let ps, let p), .removeAssignment(let a, let ps, let p):
                let add: Bool = if case .addAssignment = change { true } else { false }
                let t = AccountPermissionSet(try account(a, i), try permissionSet(ps, i))
                let who = try principal(p, i)
                let key = AssignmentKey(target: t, principal: who)
                if add {
                    guard s.assignments[key] == nil else { throw ApplyError(index: i, problem: "that assignment already exists") }
                } else {
                    guard s.assignments[key] != nil else { throw ApplyError(index: i, problem: "there is no such assignment to remove") }
                }
                for body in s.immediateAssignment(create: add, requestId: "whatif-\(i)", target: t, principal: who) { emit(body) }
            case .sessionDuration(let ps, let d):
                emit(.updatePermissionSet(UpdatePermissionSet(permissionSetId: try permissionSet(ps, i), sessionDuration_s: d.ms / 1000)))
            case .inlinePolicy(let ps, let text):
                let id = try permissionSet(ps, i)
                if let text { emit(.putInlinePolicyToPermissionSet(PutInlinePolicyToPermissionSet(permissionSetId: id, inlinePolicy: text))) }
                else { emit(.deleteInlinePolicyFromPermissionSet(PermissionSetRef(permissionSetId: id))) }
            case .attachManagedPolicy(let ps, let arn):
                emit(.attachManagedPolicyToPermissionSet(ManagedPolicyAttachment(permissionSetId: try permissionSet(ps, i), managedPolicyArn: arn)))
            case .detachManagedPolicy(let ps, let arn):
                emit(.detachManagedPolicyFromPermissionSet(ManagedPolicyAttachment(permissionSetId: try permissionSet(ps, i), managedPolicyArn: arn)))
            case .attachSCP(let name, let content, let t):
                let existing = s.organization.serviceControlPolicies.values.filter { $0.name == name || $0.policyId == name }.map(\.policyId).min()
                let id: String
                if let existing { id = existing } else {
                    guard let content else { throw ApplyError(index: i, problem: "no SCP '\(name)' exists; give its policy to create it") }
                    id = "whatif-scp-\(i)"
                    emit(.createServiceControlPolicy(CreateServiceControlPolicy(policyId: id, name: name, content: content)))
                }
                emit(.attachServiceControlPolicy(AttachServiceControlPolicy(policyId: id, targetId: try target(t, i))))
            case .detachSCP(let name, let t):
                guard let id = s.organization.serviceControlPolicies.values.filter({ $0.name == name || $0.policyId == name }).map(\.policyId).min() else {
                    throw ApplyError(index: i, problem: "no SCP '\(name)'")
                }
                emit(.detachServiceControlPolicy(DetachServiceControlPolicy(policyId: id, targetId: try target(t, i))))
            case .accessControlAttributes(let attributes):
                emit(.putAccessControlAttributeConfiguration(PutAccessControlAttributeConfiguration(attributes: attributes)))
            }
        }
        return s
    }

    /// Compares every active user's decisions for `actions` on `*` and on each tagged resource of each
    /// account they are entitled to, before and after, as if each held fresh credentials.
    public static func compare(before: AccessState, after: AccessState, rules: AccessRules, at: Instant, actions: [String]) -> WhatIf {
        var out = WhatIf(at: at, actions: actions, users: 0, probes: 0, gained: [], lost: [], notes: [])
        let parsed = PolicyParseCache()
        let users = Set(before.identityCenter.users.keys).union(after.identityCenter.users.keys).sorted()
        for user in users {
            let active = [before, after].contains { $0.identityCenter.users[user]?.status == .active }
            guard active else { continue }
            out.users += 1
            let accounts = Set(before.entitledTargets(ofUser: user).map(\.accountId)).union(after.entitledTargets(ofUser: user).map(\.accountId)).sorted()
            let name = after.identityCenter.users[user]?.attributes.userName ?? before.identityCenter.users[user]?.attributes.userName ?? user
            for account in accounts {
                let resources = ["*"] + Set((before.resourceTags[account] ?? [:]).keys).union((after.resourceTags[account] ?? [:]).keys).sorted()
                let rowsBefore = AccessView.rows(before, rules: rules, at: at, user: user, account: account).filter(\.entitled)
                let rowsAfter = AccessView.rows(after, rules: rules, at: at, user: user, account: account).filter(\.entitled)
                for action in actions {
                    for resource in resources {
                        out.probes += 1
                        let b = decide(before, rules, at, rowsBefore, action, resource, parsed)
                        let a = decide(after, rules, at, rowsAfter, action, resource, parsed)
                        guard (b.decision == "Allowed") != (a.decision == "Allowed") else { continue }
                        let change = Change(user: user, userName: name, accountId: account, accountName: after.organization.accounts[account]?.name,
                                            action: action, resource: resource, before: b.decision, after: a.decision,
                                            via: a.decision == "Allowed" ? a.via : b.via)
                        if a.decision == "Allowed" { out.gained.append(change) } else { out.lost.append(change) }
                    }
                }
            }
        }
        out.gained.sort()
        out.lost.sort()
        return out
    }

    /// Allowed if any entitled permission set allows; otherwise the strongest denial.
    static func decide(_ state: AccessState, _ rules: AccessRules, _ at: Instant, _ rows: [AccessRow], _ action: String,
                       _ resource: String, _ parsed: PolicyParseCache) -> (decision: String, via: [String]) {
        var via: [String] = [], explicit = false
        for row in rows {
            let p = Explanation.path(state, rules: rules, at: at, row: row, action: action, resource: resource, extraContext: [:], assumingCredentials: true,
                                      parsed: parsed)
            if p.decision == "Allowed" { via.append(p.permissionSet) } else if p.decision == "ExplicitlyDenied" { explicit = true }
        }
        if !via.isEmpty { return ("Allowed", via.sorted()) }
        return (explicit ? "ExplicitlyDenied" : "ImplicitlyDenied", [])
    }
}
