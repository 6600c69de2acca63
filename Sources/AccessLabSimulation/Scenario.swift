import AccessLabEvents

/// A fully resolved scenario: the organization with its accounts expanded, and every parameter of the
/// actors. Defaults trace to `identity-center-facts.md`; `AccessLabScenario` builds this from YAML.
public struct Scenario: Sendable {
    public var name: String
    public var seed: UInt64
    public var start: Instant
    public var duration: Duration_ms
    public var calendar = WorkCalendar()
    public var organizationalUnits: [OrganizationalUnitSpec] = []
    public var accounts: [AccountSpec] = []
    public var serviceControlPolicies: [ServiceControlPolicySpec] = []
    /// Resource control policies (Organizations, 2024): the same shape as SCPs, on resources.
    public var resourceControlPolicies: [ServiceControlPolicySpec] = []
    public var teams: [TeamSpec] = []
    public var permissionSets: [PermissionSetSpec] = []
    public var assignments: [AssignmentSpec] = []
    /// Assignments to users themselves, kept as an imported organisation has them.
    public var userAssignments: [UserAssignmentSpec] = []
    /// `group`: assignments are made to each team's group once, at set-up. `direct`: to each user, by an
    /// admin when the user appears (the case the API limits shape).
    public var assignmentMode: AssignmentMode = .group
    public var accessControlAttributes: [AccessControlAttribute] = []
    public var resources: [ResourceSpec] = []
    public var idp = IdPSpec()
    public var identityCenter = IdentityCenterSpec()
    public var users = UserBehaviourSpec()
    public var churn = ChurnSpec()
    public var runbook: RunbookSpec?
    public var snapshots = SnapshotSpec()
    /// Compare one ABAC permission set with per-team policies after the run (see `ABACComparisonSpec`).
    public var abacComparison: ABACComparisonSpec?

    public init(name: String, seed: UInt64, start: Instant, duration: Duration_ms) {
        self.name = name; self.seed = seed; self.start = start; self.duration = duration
    }

    public var end: Instant { start + duration }
    public static let rootId = "r-root"
}

public enum AssignmentMode: String, Sendable, CaseIterable { case group, direct }

public struct OrganizationalUnitSpec: Sendable, Equatable {
    public var ouId: String, name: String, parentId: String
    public init(ouId: String, name: String, parentId: String) { self.ouId = ouId; self.name = name; self.parentId = parentId }
}

public struct AccountSpec: Sendable, Equatable {
    public var accountId: String, name: String, parentId: String
    public var isManagementAccount: Bool
    /// Labels that assignment selectors match: name, ou, team, env.
    public var labels: [String: String]
    public init(accountId: String, name: String, parentId: String, isManagementAccount: Bool = false, labels: [String: String] = [:]) {
        self.accountId = accountId; self.name = name; self.parentId = parentId
        self.isManagementAccount = isManagementAccount; self.labels = labels
    }
}

public struct ServiceControlPolicySpec: Sendable, Equatable {
    public var policyId: String, name: String, content: String, targetIds: [String]
    public init(policyId: String, name: String, content: String, targetIds: [String]) {
        self.policyId = policyId; self.name = name; self.content = content; self.targetIds = targetIds
    }
}

public struct TeamSpec: Sendable, Equatable {
    public var name: String, department: String, size: Int
    /// The team's people as an imported organisation has them (ids and attributes kept); empty: generated.
    public var members: [ExistingPerson] = []
    /// The team's group in the identity store: `g-<name>` for a generated team, the group's own id for an imported one.
    public var groupId: String
    public init(name: String, department: String, size: Int, groupId: String? = nil) {
        self.name = name; self.department = department; self.size = size; self.groupId = groupId ?? "g-\(name)"
    }
}

/// A person who exists already (from an imported organisation): their identity-store id and attributes.
public struct ExistingPerson: Sendable, Equatable {
    public var userId: String
    public var attributes: UserAttributes
    public init(userId: String, attributes: UserAttributes) { self.userId = userId; self.attributes = attributes }
}

public struct PermissionSetSpec: Sendable {
    public var permissionSetId: String, name: String
    public var sessionDuration: Duration_ms
    public var managedPolicyArns: [String] = []
    public var inlinePolicy: String?
    public var permissionsBoundaryArn: String?
    /// A customer managed boundary: created under this name in every account, then referenced.
    public var permissionsBoundaryPolicy: (name: String, document: String)?
    public init(permissionSetId: String, name: String, sessionDuration: Duration_ms) {
        self.permissionSetId = permissionSetId; self.name = name; self.sessionDuration = sessionDuration
    }
}

/// One team's group assigned a permission set in some accounts.
public struct AssignmentSpec: Sendable, Equatable {
    public var team: String, permissionSetId: String, accountIds: [String]
    public init(team: String, permissionSetId: String, accountIds: [String]) {
        self.team = team; self.permissionSetId = permissionSetId; self.accountIds = accountIds
    }
}

/// A user's own assignment of a permission set in some accounts (an imported organisation's direct assignments).
public struct UserAssignmentSpec: Sendable, Equatable {
    public var userId: String, permissionSetId: String, accountIds: [String]
    public init(userId: String, permissionSetId: String, accountIds: [String]) {
        self.userId = userId; self.permissionSetId = permissionSetId; self.accountIds = accountIds
    }
}

public struct ResourceSpec: Sendable, Equatable {
    public var accountId: String, arn: String, tags: [Tag]
    public init(accountId: String, arn: String, tags: [Tag]) { self.accountId = accountId; self.arn = arn; self.tags = tags }
}

/// How the IdP gets changes to Identity Center.
public enum IdPModel: String, Sendable, CaseIterable {
    /// Okta-like: each change is pushed after a latency.
    case push
    /// Entra-like: an incremental provisioning cycle every ~40 minutes.
    case cycle
    /// ssosync-like: a fixed schedule, every 15 minutes by default.
    case scheduled
    /// Google-like: every few hours; groups are not synced (an admin maintains them).
    case hours
    /// An admin makes each change in Identity Center by hand.
    case manual
}

public struct IdPSpec: Sendable {
    public var model: IdPModel = .cycle
    /// From the HR system's change to the IdP's directory.
    public var hrLag: Distribution = .uniform(.minutes(5), .hours(2))
    public var pushLatency: Distribution = .uniform(.seconds(5), .minutes(2))
    /// Okta pushes group memberships by its own Group Push job; nil: the same latency as users.
    public var groupPushLatency: Distribution?
    public var cycleInterval: Duration_ms = .minutes(40)
    public var cycleJitter: Duration_ms = .minutes(2)
    /// The first cycle is longer than the incremental ones (Entra); its length is not documented.
    public var firstCycle: Duration_ms = .minutes(90)
    /// Windows (offsets from start) in which the job is quarantined and syncs once a day.
    public var quarantine: [Range<Instant>] = []
    public var scheduledInterval: Duration_ms = .minutes(15)
    public var hoursInterval: Duration_ms = .hours(4)
    /// How long an admin takes to act (the `manual` model, and group changes under `hours`).
    public var manualDelay: Distribution = .uniform(.minutes(30), .hours(8))
    /// Okta: a failed group push leaves the group's push mapping in an error state until an admin pushes
    /// it again (Okta help, "Troubleshooting Group Push"), and a failed user push waits for an admin to
    /// retry the task; how long either takes is not documented (an assumption).
    public var pushRetry: Distribution = .uniform(.minutes(30), .hours(8))
    /// Entra PIM: group memberships activated on demand reach Identity Center in 2-10 minutes,
    /// at most 5 per 10 s; the excess waits for the next cycle.
    public var onDemandGroups = false
    public var onDemandDelay: Distribution = .uniform(.minutes(2), .minutes(10))
    public var onDemandPer10s = 5
    /// Hard delete after the soft delete (Entra: 30 days); nil: never within the run.
    public var deleteAfter: Duration_ms? = nil
    /// Identity Center's SCIM throttle is not published; this is an assumption, answered with 429 and retried.
    public var scimRequestsPerSecond = 20
    public var scimRetryBase: Duration_ms = .seconds(1)
    public var scimRetryMax: Duration_ms = .minutes(1)
    public init() {}

    /// Whether group memberships travel over SCIM in this model.
    public var syncsGroups: Bool { model != .hours }
}

public struct IdentityCenterSpec: Sendable {
    /// The instance's region: it appears in the path of the roles it provisions.
    public var region = ReservedRoleIdentifiers.defaultRegion
    public var signinCache: Duration_ms = .hours(1)
    public var portalSession: Duration_ms = .hours(8)
    public var policyPropagation: Duration_ms = .seconds(4)
    /// How long an accepted assignment request takes to provision the role (not documented; assumption).
    public var assignmentDelay: Distribution = .uniform(.seconds(3), .seconds(20))
    public var maxOutstandingAssignments = 10
    public var controlPlaneTPS = 20
    /// Re-provisioning a permission set after an inline deny is added (per account, serialised per account).
    public var inlineDenyProvisioning: Distribution = .uniform(.seconds(5), .seconds(30))
    public init() {}
}

public struct UserBehaviourSpec: Sendable {
    /// Local time window in which users sign in on a working day (minutes after local midnight).
    public var signInWindow: Range<Int> = 8 * 60 ..< 10 * 60
    public var workday: Duration_ms = .hours(8)
    /// Probability that a user works on a given working day.
    public var attendance = 0.9
    public var accountsPerDay: ClosedRange<Int> = 1...3
    /// From the sign-in to the first use of each account picked that day (an assumption: within the hour).
    public var firstUse: Distribution = .uniform(.zero, .hours(1))
    /// The CLI's refreshable flow: role credentials are reused until this long before they expire.
    public var refreshBefore: Duration_ms = .minutes(15)
    public var cliTokenLifetime: Duration_ms = .hours(1)
    public init() {}
}

public enum LeaverBehaviour: String, Sendable, CaseIterable {
    /// Stops at termination and keeps whatever credentials are live.
    case benign
    /// Keeps signing in and minting credentials at every chance until refused.
    case persisting
}

public struct ChurnSpec: Sendable {
    public var joinersPerWeek = 0.0
    public var moversPerWeek = 0.0
    public var leaversPerWeek = 0.0
    public var leaverBehaviour: LeaverBehaviour = .persisting
    public var scripted: [ScriptedHREvent] = []
    public init() {}
}

public struct ScriptedHREvent: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case hire(count: Int, team: String?)
        case transfer(userId: String?, toTeam: String?)
        case terminate(userId: String?)
    }
    public var at: Instant
    public var kind: Kind
    public init(at: Instant, kind: Kind) { self.at = at; self.kind = kind }
}

/// The documented revocation runbook, in AWS's order, started after `delay` from the termination.
public struct RunbookSpec: Sendable {
    public enum Step: String, Sendable, CaseIterable {
        case denyScp = "deny_scp"
        case denyInline = "deny_inline"
        case removeMemberships = "remove_memberships"
        case deleteSessions = "delete_sessions"
        case disableInIdentityCenter = "disable_in_identity_center"
    }
    public var delay: Distribution = .uniform(.minutes(5), .minutes(30))
    public var steps: [Step] = [.denyScp, .removeMemberships, .deleteSessions, .disableInIdentityCenter]
    public var stepInterval: Duration_ms = .minutes(1)
    public init() {}
}

/// When the simulation stores projection snapshots in the log (for fast "as of" queries).
public struct SnapshotSpec: Sendable {
    /// At the end of each simulated day (local midnight).
    public var daily = true
    /// Also every this many events; nil: only daily.
    public var everyEvents: Int? = 100_000
    public init() {}
}

/// The per-team policy (with `{team}`) and the ABAC permission set to decide side by side, over the
/// tagged resources of some accounts and a list of actions.
public struct ABACComparisonSpec: Sendable {
    public var permissionSetId: String
    public var perTeamPolicy: String
    public var accountIds: [String]
    public var actions: [String]
    public var tagKey: String
    public init(permissionSetId: String, perTeamPolicy: String, accountIds: [String], actions: [String], tagKey: String) {
        self.permissionSetId = permissionSetId; self.perTeamPolicy = perTeamPolicy; self.accountIds = accountIds
        self.actions = actions; self.tagKey = tagKey
    }
}
