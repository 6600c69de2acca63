import AccessLabEvents
import AccessLabPolicy
import AccessLabProjections

/// Why a user could or could not perform an action in an account at a moment: the whole chain from
/// the user's status to the statements that decided, once per permission set the user holds there.
public struct Explanation: Codable, Sendable {
    public struct UserLink: Codable, Sendable {
        public var userId: String
        public var identityCenterStatus: String
        public var identityCenterStatusSince: Instant?
        public var idpStatus: String?
        public var idpStatusSince: Instant?
        public var groups: [String]
        public var canSignIn: Bool
    }
    public struct PolicyRef: Codable, Sendable {
        /// Where the evaluator saw it: `identityPolicies[0]`, `serviceControlPolicies[r-root][1]`, ...
        public var source: String
        public var name: String
    }
    public struct StatementText: Codable, Sendable {
        public var source: String
        public var policy: String
        public var index: Int
        public var sid: String?
        public var effect: String
    }
    public struct PermissionSetPath: Codable, Sendable {
        public var permissionSetId: String
        public var permissionSet: String
        public var version: Int64
        public var provisionedVersion: Int64?
        public var provisioningStatus: String
        public var sessionDuration_s: Int64
        public var via: [String]
        public var roleName: String?
        public var credentials: [AccessRow.Credential]
        /// The credential the evaluation used, or nil for a fresh one Identity Center would issue now.
        public var credentialUsed: String?
        public var canGetCredentials: Bool
        public var credentialRefusal: String?
        /// Holds a live credential, or can get one that no deny would cut (`EffectiveAccess.canAct`).
        public var canAct: Bool
        public var decision: String
        public var reason: String?
        public var statements: [StatementText]
        public var policies: [PolicyRef]
        public var context: [String: [String]]
        public var notes: [String]
    }
    public var at: Instant
    public var action: String
    public var resource: String
    public var accountId: String
    public var accountName: String?
    /// Allowed if any permission set path allows; otherwise the strongest denial.
    public var decision: String
    public var user: UserLink
    public var paths: [PermissionSetPath]

    public static let fullAWSAccess = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#

    public static func build(_ state: AccessState, rules: AccessRules, at: Instant, userId: String, accountId: String,
                             action: String, resource: String?, extraContext: [String: String]) -> Explanation {
        let ic = state.identityCenter.users[userId], idp = state.idp.users[userId]
        let user = UserLink(userId: userId, identityCenterStatus: ic?.status.rawValue ?? "absent", identityCenterStatusSince: ic?.statusSince,
                            idpStatus: idp?.status.rawValue, idpStatusSince: idp?.statusSince, groups: (ic?.groups ?? []).sorted(),
                            canSignIn: rules.signInRefusal(state, userId: userId) == nil)
        let rows = AccessView.rows(state, rules: rules, at: at, user: userId, account: accountId)
        let resourceArn = resource ?? "*"
        var paths: [PermissionSetPath] = []
        for row in rows {
            paths.append(path(state, rules: rules, at: at, row: row, action: action, resource: resourceArn, extraContext: extraContext))
        }
        let order = ["Allowed": 0, "ExplicitlyDenied": 1, "ImplicitlyDenied": 2]
        let decision = paths.map(\.decision).min { (order[$0] ?? 9) < (order[$1] ?? 9) } ?? "ImplicitlyDenied"
        return Explanation(at: at, action: action, resource: resourceArn, accountId: accountId,
                           accountName: state.organization.accounts[accountId]?.name, decision: decision, user: user, paths: paths)
    }

    /// `assumingCredentials`: evaluate as if the user held fresh credentials for the row's role, whatever
    /// their session (what-if questions ask what a policy allows, not who is signed in).
    static func path(_ state: AccessState, rules: AccessRules, at: Instant, row: AccessRow, action: String, resource: String,
                     extraContext: [String: String], assumingCredentials: Bool = false,
                     parsed: PolicyParseCache? = nil) -> PermissionSetPath {
        let target = AccountPermissionSet(row.accountId, row.permissionSetId)
        let ps = state.permissionSets[row.permissionSetId]
        let role = state.roles[target]
        let usable = row.credentials.filter(\.usable).max { $0.issuedAt < $1.issuedAt }
        var path = PermissionSetPath(
            permissionSetId: row.permissionSetId, permissionSet: ps?.name ?? row.permissionSetId, version: ps?.version ?? 0,
            provisionedVersion: role?.provisionedVersion,
            provisioningStatus: AccessView.provisioningStatus(role, latestVersion: ps?.version),
            sessionDuration_s: (ps?.sessionDuration.ms ?? 0) / 1000, via: row.via, roleName: role?.roleName, credentials: row.credentials,
            credentialUsed: usable?.credentialId, canGetCredentials: row.canGetCredentials, credentialRefusal: row.credentialRefusal,
            canAct: row.canAct, decision: "ImplicitlyDenied", reason: nil, statements: [], policies: [], context: [:], notes: [])
        let deniedCredential = row.credentials.contains { !$0.usable }
        // With only a deny in the way, the evaluation goes on: the deny statement is the explanation.
        guard row.liveCredential || row.canGetCredentials || assumingCredentials else {
            path.reason = deniedCredential && !row.canGetCredentials
                ? "the only credentials are cut by a deny on identitystore:UserId, and no new ones can be had (\(row.credentialRefusal ?? ""))"
                : "no usable credentials and none can be had: \(row.credentialRefusal ?? "no credentials")"
            return path
        }
        let issuedAt = usable?.issuedAt ?? at
        let tags = usable?.sessionTags ?? state.principalTags(ofUser: row.user)
        if usable == nil { path.notes.append("no credentials held: evaluated as if fresh ones were issued now (session tags as the attributes map them now)") }

        // The request as AWS would see it from these role credentials: a role session, so the role's ARN
        // as aws:PrincipalArn, the session's ARN as the principal, and no aws:username.
        let sessionName = state.identityCenter.users[row.user]?.attributes.userName ?? row.user
        let roleName = role?.roleName ?? "AWSReservedSSO_\(ps?.name ?? "")"
        let sessionArn = ReservedRoleIdentifiers.sessionArn(accountId: row.accountId, roleName: roleName, sessionName: sessionName)
        var context: [String: [String]] = [
            "aws:PrincipalArn": [ReservedRoleIdentifiers.roleArn(accountId: row.accountId, roleName: roleName,
                                                                 identityCenterRegion: rules.identityCenterRegion)],
            "aws:PrincipalAccount": [row.accountId],
            "aws:userid": [ReservedRoleIdentifiers.sessionUserId(roleName: roleName, sessionName: sessionName)],
            "aws:TokenIssueTime": [issuedAt.description],
            "aws:CurrentTime": [at.description],
            "aws:EpochTime": [String(at.ms / 1000)],
            "aws:SecureTransport": ["true"],
            "aws:MultiFactorAuthPresent": ["true"],
            "identitystore:UserId": [row.user],
        ]
        for t in tags { context["aws:PrincipalTag/\(t.key)"] = [t.value] }
        if let resourceTags = state.resourceTags[row.accountId]?[resource] {
            for t in resourceTags { context["aws:ResourceTag/\(t.key)"] = [t.value] }
        }
        for (k, v) in extraContext { context[k] = [v] }
        path.context = context

        var policies: [PolicyRef] = []
        func load(_ text: String?, name: String, source: String, into list: inout [Policy]) {
            guard let text else { path.notes.append("\(name) is not carried by AccessLab; the decision leaves it out"); return }
            do {
                list.append(try parsed?.policy(text, path: source) ?? Policy.parse(text, path: source))
                policies.append(PolicyRef(source: source, name: name))
            } catch {
                path.notes.append("\(name) does not parse (\(error)); left out")
            }
        }
        var identity: [Policy] = []
        for arn in ps?.managedPolicyArns ?? [] {
            load(ManagedPolicies.document(arn: arn), name: arn, source: "identityPolicies[\(identity.count)]", into: &identity)
        }
        for ref in ps?.customerManagedPolicies ?? [] {
            let doc = state.customerManagedPolicies[row.accountId]?[ref.name]
            if doc == nil { path.notes.append("customer managed policy \(ref.name) does not exist in \(row.accountId): provisioning there fails") }
            load(doc, name: "customer managed \(ref.path)\(ref.name)", source: "identityPolicies[\(identity.count)]", into: &identity)
        }
        if let inline = ps?.inlinePolicy { load(inline, name: "inline policy of \(ps?.name ?? "")", source: "identityPolicies[\(identity.count)]", into: &identity) }
        let denies = state.denies[row.user] ?? []
        for d in denies where d.scope == .inlinePolicy && d.targetId == row.permissionSetId && d.effectiveAt != nil {
            load(denyDocument(row.user), name: "deny on identitystore:UserId (inline)", source: "identityPolicies[\(identity.count)]", into: &identity)
        }
        var boundaries: [Policy] = []
        if let b = ps?.permissionsBoundary {
            if let arn = b.managedPolicyArn {
                load(ManagedPolicies.document(arn: arn), name: "boundary \(arn)", source: "permissionBoundaries[0]", into: &boundaries)
            } else if let ref = b.customerManagedPolicyReference {
                load(state.customerManagedPolicies[row.accountId]?[ref.name], name: "boundary \(ref.name)", source: "permissionBoundaries[0]", into: &boundaries)
            }
        }
        // SCP levels from the root down to the account. Every level carries the default FullAWSAccess.
        var levels: [EvaluationCase.SCPLevel] = []
        for target in Array(state.organization.ancestors(ofAccount: row.accountId).reversed()) + [row.accountId] {
            var level: [Policy] = []
            load(fullAWSAccess, name: "FullAWSAccess (default)", source: "serviceControlPolicies[\(target)][0]", into: &level)
            for id in state.organization.attachments[target] ?? [] {
                let scp = state.organization.serviceControlPolicies[id]
                load(scp?.content, name: "SCP \(scp?.name ?? id)", source: "serviceControlPolicies[\(target)][\(level.count)]", into: &level)
            }
            for d in denies where d.scope == .scp && d.targetId == target && d.effectiveAt != nil {
                load(denyDocument(row.user), name: "deny on identitystore:UserId (SCP)", source: "serviceControlPolicies[\(target)][\(level.count)]", into: &level)
            }
            levels.append(EvaluationCase.SCPLevel(orgIdentifier: target, policies: level))
        }
        // RCP levels likewise, when the organization has any (RCPFullAWSAccess is implied at every level).
        var rcpLevels: [EvaluationCase.SCPLevel] = []
        if !state.organization.resourceControlPolicies.isEmpty {
            for target in Array(state.organization.ancestors(ofAccount: row.accountId).reversed()) + [row.accountId] {
                var level: [Policy] = []
                for id in state.organization.rcpAttachments[target] ?? [] {
                    let rcp = state.organization.resourceControlPolicies[id]
                    load(rcp?.content, name: "RCP \(rcp?.name ?? id)", source: "resourceControlPolicies[\(target)][\(level.count)]", into: &level)
                }
                rcpLevels.append(EvaluationCase.SCPLevel(orgIdentifier: target, policies: level))
            }
        }
        let management = state.organization.accounts.values.first { $0.isManagementAccount }?.accountId
        let request = Request(action: action, resource: resource, resourceAccount: row.accountId,
                              principal: sessionArn, context: RequestContext(context))
        let decision = Evaluator.evaluate(EvaluationCase(request: request, identityPolicies: identity, serviceControlPolicies: levels,
                                                         resourceControlPolicies: rcpLevels, permissionBoundaries: boundaries,
                                                         managementAccountId: management))
        if management == row.accountId { path.notes.append("the management account: SCPs do not apply") }
        path.decision = decision.response.rawValue
        path.reason = decision.reason
        path.policies = policies
        path.statements = decision.statements.map { s in
            StatementText(source: s.source, policy: policies.first { $0.source == s.source }?.name ?? s.source, index: s.index, sid: s.sid, effect: s.effect)
        }
        return path
    }

    static func denyDocument(_ userId: String) -> String {
        #"{"Version":"2012-10-17","Statement":[{"Sid":"DenyUser","Effect":"Deny","Action":"*","Resource":"*","Condition":{"StringEquals":{"identitystore:UserId":[""#
            + userId + #""]}}}]}"#
    }
}

/// Parsed policies by document and place, for callers that evaluate the same documents many times
/// (`whatif` decides every user's actions on every account against a handful of policies).
public final class PolicyParseCache {
    private var parsed: [String: Policy] = [:]
    public init() {}

    func policy(_ text: String, path: String) throws -> Policy {
        let key = path + "\u{0}" + text
        if let p = parsed[key] { return p }
        let p = try Policy.parse(text, path: path)
        parsed[key] = p
        return p
    }
}
