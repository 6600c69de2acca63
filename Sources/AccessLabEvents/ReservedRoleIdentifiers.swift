/// The IAM identifiers (IAM User Guide, "IAM identifiers") of a role Identity Center provisions and of
/// the sessions users open in it: what policies, `aws:PrincipalArn` and CloudTrail see.
public enum ReservedRoleIdentifiers {
    /// The region of an Identity Center instance when a scenario names none; also the one region whose
    /// roles carry no region segment in their path.
    public static let defaultRegion = "us-east-1"

    /// The role's ARN, `arn:aws:iam::<account>:role/aws-reserved/sso.amazonaws.com/<region>/<role name>`,
    /// with no region segment when the Identity Center instance is in us-east-1 (Identity Center User
    /// Guide, "Referencing permission sets in resource policies"). For a session of the role this, not
    /// the session's ARN, is the value of `aws:PrincipalArn`.
    public static func roleArn(accountId: String, roleName: String, identityCenterRegion: String) -> String {
        let region = identityCenterRegion == defaultRegion ? "" : identityCenterRegion + "/"
        return "arn:aws:iam::\(accountId):role\(ReservedRoleName.path)\(region)\(roleName)"
    }

    /// The assumed-role session's ARN, `arn:aws:sts::<account>:assumed-role/<role name>/<session name>`:
    /// what a `Principal` element matches and CloudTrail records. It never carries the role's path.
    /// Identity Center names the session after the user's user name.
    public static func sessionArn(accountId: String, roleName: String, sessionName: String) -> String {
        "arn:aws:sts::\(accountId):assumed-role/\(roleName)/\(sessionName)"
    }

    /// The role's unique id (`AROA...`). AWS draws it at random when it creates the role; AccessLab derives
    /// it from the role name, which already differs per account and per re-creation.
    public static func roleId(roleName: String) -> String {
        let hex = String(FNV1a.hash64(roleName), radix: 16).uppercased()
        return "AROA" + String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// `aws:userid` for a session of the role: `<role id>:<session name>` (IAM User Guide, "Policy
    /// variables": role-id:caller-specified-role-name). A role session has no `aws:username`.
    public static func sessionUserId(roleName: String, sessionName: String) -> String {
        roleId(roleName: roleName) + ":" + sessionName
    }
}
