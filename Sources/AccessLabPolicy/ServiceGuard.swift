/// Rules AWS services enforce whatever the policies say. Each is the deciding reason when it applies.
public enum ServiceGuard: String, Sendable, CaseIterable {
    /// IAM User Guide, "AWS managed policies": customers cannot create, change or delete them.
    case awsManagedPolicy
    /// AWS KMS Developer Guide, "Aliases in AWS KMS": the `alias/aws/` prefix is reserved for AWS managed keys.
    case reservedKMSAlias
    /// AWS STS API Reference, GetCallerIdentity: no permission is needed, and a Deny does not stop it.
    case getCallerIdentity
    /// The `AWSReservedSSO_*` roles under `/aws-reserved/sso.amazonaws.com/` change only through Identity Center.
    case identityCenterRole

    public var reason: String {
        switch self {
        case .awsManagedPolicy: "guard awsManagedPolicy: AWS managed policies cannot be created, changed or deleted by customers"
        case .reservedKMSAlias: "guard reservedKMSAlias: aliases beginning alias/aws/ are reserved for AWS"
        case .getCallerIdentity: "guard getCallerIdentity: sts:GetCallerIdentity needs no permission and no policy denies it"
        case .identityCenterRole: "guard identityCenterRole: AWSReservedSSO_ roles are changed only by IAM Identity Center, not from the member account"
        }
    }

    var decision: Decision {
        Decision(response: self == .getCallerIdentity ? .Allowed : .ExplicitlyDenied, statements: [], reason: reason)
    }

    static let managedPolicyWrites: Set<String> = ["iam:createpolicy", "iam:createpolicyversion", "iam:deletepolicy", "iam:deletepolicyversion",
                                                   "iam:setdefaultpolicyversion", "iam:tagpolicy", "iam:untagpolicy"]
    static let aliasWrites: Set<String> = ["kms:createalias", "kms:updatealias", "kms:deletealias"]
    /// IAM reads on a role; every other IAM action on a reserved role is a change.
    static let roleReadPrefixes = ["iam:get", "iam:list", "iam:generate", "iam:simulate"]

    /// The guard that decides a request, worked out once when the request is built so that evaluation
    /// pays one optional test.
    static func deciding(action: String, resource: String, principal: String?) -> ServiceGuard? {
        if action == "sts:getcalleridentity" { return .getCallerIdentity }
        if managedPolicyWrites.contains(action), resource.hasPrefix("arn:aws:iam::aws:policy/") { return .awsManagedPolicy }
        if aliasWrites.contains(action), resource.contains(":alias/aws/") { return .reservedKMSAlias }
        if action.hasPrefix("iam:"), !roleReadPrefixes.contains(where: { action.hasPrefix($0) }),
           resource.contains(":role/aws-reserved/sso.amazonaws.com/"),
           !(principal?.contains("AWSServiceRoleForSSO") ?? false) { return .identityCenterRole }
        return nil
    }
}

/// What evaluation needs to know about an action, worked out once when the request is built.
struct ActionKind: Sendable {
    /// `sts:AssumeRole*`: the role's trust policy must allow.
    var isAssumeRole = false
    /// `kms:`: the key policy must allow, or let the account's IAM policies in.
    var isKMS = false
    /// A service RCPs apply to (AWS Organizations User Guide, "Resource control policies", supported services).
    var rcpService = false

    static let rcpServices: Set<Substring> = ["s3", "sts", "kms", "sqs", "secretsmanager"]

    init(lowercasedAction a: String) {
        let service = a.split(separator: ":", maxSplits: 1).first ?? ""
        isAssumeRole = a.hasPrefix("sts:assumerole")
        isKMS = service == "kms"
        rcpService = Self.rcpServices.contains(service)
    }
}
