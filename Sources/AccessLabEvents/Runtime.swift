// Runtime events: sign-ins, role credentials, expiries and revocations.

/// A user signs in to the access portal (or the CLI's device flow completes).
public struct PortalSignIn: EventPayload {
    public var userId: String
    public var sessionId: String
    public var expiresAt: Instant
    public init(userId: String, sessionId: String, expiresAt: Instant) {
        self.userId = userId; self.sessionId = sessionId; self.expiresAt = expiresAt
    }
}

/// The OIDC service issues an access token on a portal session (the CLI's device flow completing, or
/// its refresh). The token is the session's: it dies with it.
public struct CreateToken: EventPayload {
    public enum Grant: String, Codable, Hashable, Sendable, CaseIterable { case deviceCode, refreshToken }
    public var userId: String
    public var sessionId: String
    public var grant: Grant
    public var expiresAt: Instant
    public init(userId: String, sessionId: String, grant: Grant, expiresAt: Instant) {
        self.userId = userId; self.sessionId = sessionId; self.grant = grant; self.expiresAt = expiresAt
    }
}

/// A portal session ends.
public struct PortalSessionEnded: EventPayload {
    public enum Reason: String, Codable, Hashable, Sendable, CaseIterable { case expired, deletedByAdmin, signedOut, userDisabled }
    public var userId: String
    public var sessionId: String
    public var reason: Reason
    public init(userId: String, sessionId: String, reason: Reason) {
        self.userId = userId; self.sessionId = sessionId; self.reason = reason
    }
}

/// A request refused: a sign-in or a credential issue that Identity Center denied.
public struct AccessRefused: EventPayload {
    public enum Stage: String, Codable, Hashable, Sendable, CaseIterable { case signIn, roleCredentials }
    public var userId: String
    public var stage: Stage
    public var accountId: String?
    public var permissionSetId: String?
    public var reason: String
    public init(userId: String, stage: Stage, accountId: String? = nil, permissionSetId: String? = nil, reason: String) {
        self.userId = userId; self.stage = stage; self.accountId = accountId
        self.permissionSetId = permissionSetId; self.reason = reason
    }
}

/// `sso:GetRoleCredentials` succeeded: STS credentials for the permission set's role in one account.
public struct RoleCredentialsIssued: EventPayload {
    public var credentialId: String
    public var userId: String
    public var accountId: String
    public var permissionSetId: String
    public var roleName: String
    /// The portal session the credentials were minted through.
    public var sessionId: String
    /// `aws:TokenIssueTime`; equal to the event time.
    public var issuedAt: Instant
    public var expiresAt: Instant
    /// Session tags, frozen at issue from the ABAC configuration and the user's attributes then.
    public var sessionTags: [Tag]
    public init(credentialId: String, userId: String, accountId: String, permissionSetId: String, roleName: String,
                sessionId: String, issuedAt: Instant, expiresAt: Instant, sessionTags: [Tag]) {
        self.credentialId = credentialId; self.userId = userId; self.accountId = accountId
        self.permissionSetId = permissionSetId; self.roleName = roleName; self.sessionId = sessionId
        self.issuedAt = issuedAt; self.expiresAt = expiresAt; self.sessionTags = sessionTags
    }
}

/// Role credentials reach their expiry.
public struct RoleCredentialsExpired: EventPayload {
    public var credentialId: String
    public var userId: String
    public var accountId: String
    public init(credentialId: String, userId: String, accountId: String) {
        self.credentialId = credentialId; self.userId = userId; self.accountId = accountId
    }
}

/// Where an explicit deny on `identitystore:UserId` is put.
public enum DenyScope: String, Codable, Hashable, Sendable, CaseIterable {
    /// A service control policy (does not apply to the management account).
    case scp
    /// The inline policy of every permission set the user can reach (needs re-provisioning).
    case inlinePolicy
}

/// An explicit deny on a user's `identitystore:UserId`: put in place (`DenyUser`, the runbook's first step)
/// and, after IAM propagation, in force (`DenyUserEffective`: from then on every request of the user is refused).
public struct UserDenyPolicy: EventPayload {
    public var userId: String
    public var scope: DenyScope
    /// The SCP target or permission set the deny was added to.
    public var targetId: String
    public init(userId: String, scope: DenyScope, targetId: String) {
        self.userId = userId; self.scope = scope; self.targetId = targetId
    }
}
