import AccessLabEvents
import AccessLabProjections

/// One (user, account, permission set) at a moment: entitlement, what Identity Center would answer,
/// the credentials held, and whether the user can act, all as `EffectiveAccess` decides them.
///
/// What a row shows of its user, and of its account and permission set, is held once and shared by every
/// row that shows the same: a query for the whole organisation makes about eight rows a user, and copying
/// and releasing a dozen strings per row was most of its cost.
public struct AccessRow: Codable, Equatable, Sendable {
    public struct Credential: Codable, Equatable, Sendable {
        public var credentialId: String
        public var issuedAt: Instant
        public var expiresAt: Instant
        /// When a deny on the user took effect for this credential (it stops working then).
        public var deniedFrom: Instant?
        /// When it stops working: its expiry, or `deniedFrom` if earlier.
        public var worksUntil: Instant
        /// Works at this moment.
        public var usable: Bool
        public var sessionTags: [Tag]
    }

    /// The user's side of a row, shared by the user's rows.
    struct UserFacts: Equatable, Sendable {
        var userName: String?
        var team: String?
        var userStatusIdentityCenter: String
        var userStatusIdP: String?
        var pendingSync: [String]
    }

    /// The (account, permission set) side of a row, shared by the rows that show the same target.
    struct TargetFacts: Equatable, Sendable {
        var accountId: String
        var accountName: String?
        var permissionSetId: String
        var permissionSet: String?
        var roleName: String?
        var provisioningStatus: String
    }

    /// Facts held once for many rows; changing one through a row gives that row its own copy.
    final class Shared<Facts: Equatable & Sendable>: Sendable {
        let facts: Facts
        init(_ facts: Facts) { self.facts = facts }
        /// A new box with one fact changed: rows share boxes, so a row's setter never writes into one.
        func with<T>(_ path: WritableKeyPath<Facts, T>, _ value: T) -> Shared {
            var changed = facts
            changed[keyPath: path] = value
            return Shared(changed)
        }
    }

    public var user: String
    var userFacts: Shared<UserFacts>
    var targetFacts: Shared<TargetFacts>
    /// A provisioned assignment names the user or one of their groups, whatever the user's status.
    public var entitled: Bool
    /// `direct` or `group:<id>` for each assignment that entitles the user.
    public var via: [String]
    /// Could start a new portal session (active in Identity Center).
    public var canSignIn: Bool
    /// GetRoleCredentials would succeed (a live or cached sign-in, and entitled).
    public var canGetCredentials: Bool
    /// Holds a credential that works at this moment.
    public var liveCredential: Bool
    /// A deny on identitystore:UserId covering this target is in effect.
    public var denyInEffect: Bool
    /// Holds a live credential, or can get one that no deny would cut: what the user can actually do.
    public var canAct: Bool
    /// Why a sign-in would be refused at this moment.
    public var signInRefusal: String?
    /// Why a credential request would be refused at this moment.
    public var credentialRefusal: String?
    public var credentials: [Credential]

    init(user: String, userFacts: Shared<UserFacts>, targetFacts: Shared<TargetFacts>, entitled: Bool, via: [String], canSignIn: Bool,
         canGetCredentials: Bool, liveCredential: Bool, denyInEffect: Bool, canAct: Bool, signInRefusal: String?, credentialRefusal: String?,
         credentials: [Credential]) {
        self.user = user; self.userFacts = userFacts; self.targetFacts = targetFacts; self.entitled = entitled; self.via = via
        self.canSignIn = canSignIn; self.canGetCredentials = canGetCredentials; self.liveCredential = liveCredential
        self.denyInEffect = denyInEffect; self.canAct = canAct; self.signInRefusal = signInRefusal; self.credentialRefusal = credentialRefusal
        self.credentials = credentials
    }

    /// The user's user name (`u00002@example.com`), as Identity Center or the IdP holds it.
    public var userName: String? {
        get { userFacts.facts.userName }
        set { userFacts = userFacts.with(\.userName, newValue) }
    }
    /// The user's team attribute, when the directory has one.
    public var team: String? {
        get { userFacts.facts.team }
        set { userFacts = userFacts.with(\.team, newValue) }
    }
    public var userStatusIdentityCenter: String {
        get { userFacts.facts.userStatusIdentityCenter }
        set { userFacts = userFacts.with(\.userStatusIdentityCenter, newValue) }
    }
    public var userStatusIdP: String? {
        get { userFacts.facts.userStatusIdP }
        set { userFacts = userFacts.with(\.userStatusIdP, newValue) }
    }
    /// What the IdP has and Identity Center does not yet (a disable, a membership change) for this user.
    public var pendingSync: [String] {
        get { userFacts.facts.pendingSync }
        set { userFacts = userFacts.with(\.pendingSync, newValue) }
    }
    public var accountId: String {
        get { targetFacts.facts.accountId }
        set { targetFacts = targetFacts.with(\.accountId, newValue) }
    }
    public var accountName: String? {
        get { targetFacts.facts.accountName }
        set { targetFacts = targetFacts.with(\.accountName, newValue) }
    }
    public var permissionSetId: String {
        get { targetFacts.facts.permissionSetId }
        set { targetFacts = targetFacts.with(\.permissionSetId, newValue) }
    }
    public var permissionSet: String? {
        get { targetFacts.facts.permissionSet }
        set { targetFacts = targetFacts.with(\.permissionSet, newValue) }
    }
    public var roleName: String? {
        get { targetFacts.facts.roleName }
        set { targetFacts = targetFacts.with(\.roleName, newValue) }
    }
    /// `LATEST_PERMISSION_SET_PROVISIONED`, `LATEST_PERMISSION_SET_NOT_PROVISIONED` (drift) or `NOT_PROVISIONED`.
    public var provisioningStatus: String {
        get { targetFacts.facts.provisioningStatus }
        set { targetFacts = targetFacts.with(\.provisioningStatus, newValue) }
    }

    public static func == (a: AccessRow, b: AccessRow) -> Bool {
        a.user == b.user && (a.userFacts === b.userFacts || a.userFacts.facts == b.userFacts.facts)
            && (a.targetFacts === b.targetFacts || a.targetFacts.facts == b.targetFacts.facts)
            && a.entitled == b.entitled && a.via == b.via && a.canSignIn == b.canSignIn && a.canGetCredentials == b.canGetCredentials
            && a.liveCredential == b.liveCredential && a.denyInEffect == b.denyInEffect && a.canAct == b.canAct
            && a.signInRefusal == b.signInRefusal && a.credentialRefusal == b.credentialRefusal && a.credentials == b.credentials
    }

    // MARK: Codable, with the members a row has always had

    enum CodingKeys: String, CodingKey {
        case user, userName, team, userStatusIdentityCenter, userStatusIdP, accountId, accountName, permissionSetId, permissionSet, roleName
        case provisioningStatus, pendingSync, entitled, via, canSignIn, canGetCredentials, liveCredential, denyInEffect, canAct
        case signInRefusal, credentialRefusal, credentials
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        user = try c.decode(String.self, forKey: .user)
        userFacts = Shared(UserFacts(
            userName: try c.decodeIfPresent(String.self, forKey: .userName), team: try c.decodeIfPresent(String.self, forKey: .team),
            userStatusIdentityCenter: try c.decode(String.self, forKey: .userStatusIdentityCenter),
            userStatusIdP: try c.decodeIfPresent(String.self, forKey: .userStatusIdP), pendingSync: try c.decode([String].self, forKey: .pendingSync)))
        targetFacts = Shared(TargetFacts(
            accountId: try c.decode(String.self, forKey: .accountId), accountName: try c.decodeIfPresent(String.self, forKey: .accountName),
            permissionSetId: try c.decode(String.self, forKey: .permissionSetId), permissionSet: try c.decodeIfPresent(String.self, forKey: .permissionSet),
            roleName: try c.decodeIfPresent(String.self, forKey: .roleName), provisioningStatus: try c.decode(String.self, forKey: .provisioningStatus)))
        entitled = try c.decode(Bool.self, forKey: .entitled)
        via = try c.decode([String].self, forKey: .via)
        canSignIn = try c.decode(Bool.self, forKey: .canSignIn)
        canGetCredentials = try c.decode(Bool.self, forKey: .canGetCredentials)
        liveCredential = try c.decode(Bool.self, forKey: .liveCredential)
        denyInEffect = try c.decode(Bool.self, forKey: .denyInEffect)
        canAct = try c.decode(Bool.self, forKey: .canAct)
        signInRefusal = try c.decodeIfPresent(String.self, forKey: .signInRefusal)
        credentialRefusal = try c.decodeIfPresent(String.self, forKey: .credentialRefusal)
        credentials = try c.decode([Credential].self, forKey: .credentials)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        let u = userFacts.facts, t = targetFacts.facts
        try c.encode(user, forKey: .user)
        try c.encodeIfPresent(u.userName, forKey: .userName)
        try c.encodeIfPresent(u.team, forKey: .team)
        try c.encode(u.userStatusIdentityCenter, forKey: .userStatusIdentityCenter)
        try c.encodeIfPresent(u.userStatusIdP, forKey: .userStatusIdP)
        try c.encode(t.accountId, forKey: .accountId)
        try c.encodeIfPresent(t.accountName, forKey: .accountName)
        try c.encode(t.permissionSetId, forKey: .permissionSetId)
        try c.encodeIfPresent(t.permissionSet, forKey: .permissionSet)
        try c.encodeIfPresent(t.roleName, forKey: .roleName)
        try c.encode(t.provisioningStatus, forKey: .provisioningStatus)
        try c.encode(u.pendingSync, forKey: .pendingSync)
        try c.encode(entitled, forKey: .entitled)
        try c.encode(via, forKey: .via)
        try c.encode(canSignIn, forKey: .canSignIn)
        try c.encode(canGetCredentials, forKey: .canGetCredentials)
        try c.encode(liveCredential, forKey: .liveCredential)
        try c.encode(denyInEffect, forKey: .denyInEffect)
        try c.encode(canAct, forKey: .canAct)
        try c.encodeIfPresent(signInRefusal, forKey: .signInRefusal)
        try c.encodeIfPresent(credentialRefusal, forKey: .credentialRefusal)
        try c.encode(credentials, forKey: .credentials)
    }
}
