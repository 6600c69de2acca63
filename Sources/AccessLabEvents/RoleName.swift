/// Names of the IAM roles Identity Center provisions into accounts.
public enum ReservedRoleName {
    /// `AWSReservedSSO_<PermissionSetName>_<16 hex>`. AWS draws the suffix at random; AccessLab derives it
    /// from the account, the permission set and how many times the role was created there, so that replays
    /// agree and a role re-created after its last assignment went gets a new suffix, as in AWS.
    public static func make(permissionSetName: String, permissionSetId: String, accountId: String, generation: Int) -> String {
        let hex = String(FNV1a.hash64("\(accountId)/\(permissionSetId)/\(generation)"), radix: 16)
        return "AWSReservedSSO_\(permissionSetName)_" + String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// The role path Identity Center uses.
    public static let path = "/aws-reserved/sso.amazonaws.com/"
}
