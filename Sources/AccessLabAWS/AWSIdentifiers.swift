import AccessLabEvents

/// Ids and ARNs as AWS writes them, for whatever the scenario calls things. A scenario's `u00062` or
/// `g-catalog` becomes an identity-store UUID, `ou-workloads` an `ou-xxxx-xxxxxxxx`; the same name in
/// the same organisation always gives the same id. An id that already has AWS's form (an imported one,
/// a 12-digit account, a scenario's `ps-` id) is kept as it is.
///
/// The ids are derived, with FNV-1a, from the organisation's management account and the name, so two
/// snapshots of one database agree and two organisations don't collide. They are not AWS's: AWS draws
/// its ids at random.
public struct AWSIdentifiers: Sendable {
    /// What the ids are derived from: the management account of the organisation.
    public let namespace: String
    public let identityStoreId: String
    public let instanceId: String
    public let organizationId: String
    public let region: String
    /// The organisation's root, in AWS's form; OU ids carry its suffix.
    public let root: String

    public init(managementAccountId: String, rootId: String = "r-root", region: String = ReservedRoleIdentifiers.defaultRegion) {
        namespace = managementAccountId
        self.region = region
        root = Self.matches(rootId, prefix: "r-", count: nil, alphabet: Self.lowerAlnum) && rootId.utf8.count >= 6
            ? rootId : "r-" + Self.base36(Self.hash(managementAccountId, "root/" + rootId), 4)
        identityStoreId = "d-" + Self.hex(Self.hash(managementAccountId, "identity-store"), 10)
        instanceId = "ssoins-" + Self.hex(Self.hash(managementAccountId, "instance"), 16)
        organizationId = "o-" + Self.base36(Self.hash(managementAccountId, "organization"), 10)
    }

    public var instanceArn: String { "arn:aws:sso:::instance/\(instanceId)" }

    // MARK: Identity Center

    public func permissionSetId(_ id: String) -> String {
        Self.matches(id, prefix: "ps-", count: 16, alphabet: Self.permissionSetAlphabet) ? id : "ps-" + Self.hex(hash("ps", id), 16)
    }
    public func permissionSetArn(_ id: String) -> String { "arn:aws:sso:::permissionSet/\(instanceId)/\(permissionSetId(id))" }
    public func userId(_ id: String) -> String { Self.isUUID(id) ? id : uuid("user", id) }
    public func groupId(_ id: String) -> String { Self.isUUID(id) ? id : uuid("group", id) }
    public func membershipId(groupId: String, userId: String) -> String { uuid("membership", groupId + "/" + userId) }
    /// The identity store's ARN: in the management account, without a region.
    public var identityStoreArn: String { "arn:aws:identitystore::\(accountId(namespace)):identitystore/\(identityStoreId)" }
    /// Users', groups' and memberships' ARNs name neither account nor store: `arn:aws:identitystore:::user/<UserId>`.
    public func userArn(_ id: String) -> String { "arn:aws:identitystore:::user/" + userId(id) }
    public func groupArn(_ id: String) -> String { "arn:aws:identitystore:::group/" + groupId(id) }
    public static func membershipArn(_ membershipId: String) -> String { "arn:aws:identitystore:::membership/" + membershipId }
    public func principalId(type: String, id: String) -> String { type == "GROUP" ? groupId(id) : userId(id) }

    // MARK: Organizations

    public func accountId(_ id: String) -> String {
        id.utf8.count == 12 && id.utf8.allSatisfy { $0 >= 48 && $0 <= 57 } ? id : Self.digits(hash("account", id), 12)
    }
    var rootSuffix: Substring { root.dropFirst(2) }
    /// An organisation has one root.
    public func rootId(_ id: String) -> String { root }
    public func organizationalUnitId(_ id: String) -> String {
        if id.hasPrefix("ou-"), id.split(separator: "-").count == 3, id.dropFirst(3).split(separator: "-").allSatisfy({ $0.count >= 4 && $0.utf8.allSatisfy(Self.lowerAlnum.contains) }) { return id }
        return "ou-" + rootSuffix + "-" + Self.base36(hash("ou", id), 8)
    }
    /// A root's or an OU's id, by the scenario's parent id.
    public func parentId(_ id: String) -> String { id.hasPrefix("r-") ? rootId(id) : organizationalUnitId(id) }
    public func policyId(_ id: String) -> String {
        // The id pattern admits upper case and `_`; the ARN's does not, so derived ids stay within both.
        Self.matches(id, prefix: "p-", count: nil, alphabet: Self.lowerAlnum) && (12...34).contains(id.utf8.count) ? id : "p-" + Self.base36(hash("policy", id), 10)
    }
    public func organizationArn(management: String) -> String { "arn:aws:organizations::\(management):organization/\(organizationId)" }
    public func accountArn(management: String, account: String) -> String {
        "arn:aws:organizations::\(management):account/\(organizationId)/\(accountId(account))"
    }
    public func rootArn(management: String, root: String) -> String {
        "arn:aws:organizations::\(management):root/\(organizationId)/\(rootId(root))"
    }
    public func organizationalUnitArn(management: String, ou: String) -> String {
        "arn:aws:organizations::\(management):ou/\(organizationId)/\(organizationalUnitId(ou))"
    }
    public func policyArn(management: String, policy: String, type: String) -> String {
        "arn:aws:organizations::\(management):policy/\(organizationId)/\(type.lowercased())/\(policyId(policy))"
    }

    // MARK: Portal

    /// The portal's access token for a session (what `sso:ListAccounts` and `GetRoleCredentials` take).
    public func accessToken(sessionId: String) -> String { "aoa" + Self.base36(hash("token", sessionId), 24) + Self.base36(hash("token2", sessionId), 24) }
    /// An STS temporary access key id: `ASIA` and 16 upper-case characters.
    public func accessKeyId(credentialId: String) -> String { "ASIA" + Self.base36(hash("akid", credentialId), 16).uppercased() }
    public func secretAccessKey(credentialId: String) -> String {
        (Self.base36(hash("secret1", credentialId), 13) + Self.base36(hash("secret2", credentialId), 13)
            + Self.base36(hash("secret3", credentialId), 14))
    }
    public func sessionToken(credentialId: String) -> String {
        "IQoJb3JpZ2luX2VjE" + (1...6).map { Self.base36(hash("token\($0)", credentialId), 12) }.joined()
    }

    // MARK: Derivation

    private func hash(_ kind: String, _ name: String) -> UInt64 { Self.hash(namespace, kind + "/" + name) }
    /// A UUID for anything else that needs one (request and event ids), by kind and name.
    public func uuid(kind: String, name: String) -> String { uuid(kind, name) }
    /// A short token of `count` lower-case letters and digits, by kind and name.
    public func token(kind: String, name: String, count: Int) -> String {
        stride(from: 0, to: count, by: 12).map { Self.base36(hash(kind + "#\($0)", name), min(12, count - $0)) }.joined()
    }

    private func uuid(_ kind: String, _ name: String) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var hex = [UInt8](repeating: 0, count: 32)
        for (offset, value) in [(0, hash(kind, name)), (16, hash(kind + "#2", name))] {
            for i in 0..<16 { hex[offset + i] = digits[Int((value >> UInt64(60 - 4 * i)) & 15)] }
        }
        // Version 4 and RFC 4122 variant bits, so the text reads as the random UUIDs AWS hands out.
        hex[12] = UInt8(ascii: "4")
        let variant = hex[16] <= UInt8(ascii: "9") ? hex[16] - UInt8(ascii: "0") : hex[16] - UInt8(ascii: "a") + 10
        hex[16] = Array("89ab".utf8)[Int(variant % 4)]
        var out: [UInt8] = []
        out.reserveCapacity(36)
        for (i, c) in hex.enumerated() {
            if i == 8 || i == 12 || i == 16 || i == 20 { out.append(UInt8(ascii: "-")) }
            out.append(c)
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// FNV-1a of the name, then SplitMix64's finaliser: FNV alone leaves names that differ in their last
    /// characters (`u00001`, `u00002`) with ids that share most of their digits.
    static func hash(_ namespace: String, _ text: String) -> UInt64 {
        var z = FNV1a.hash64(namespace + "\u{0}" + text) &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    static func hex(_ value: UInt64, _ count: Int) -> String {
        let text = String(value, radix: 16)
        let padded = String(repeating: "0", count: max(0, 16 - text.count)) + text
        return String(padded.suffix(count))
    }

    static func base36(_ value: UInt64, _ count: Int) -> String {
        let alphabet = Array("0123456789abcdefghijklmnopqrstuvwxyz")
        var v = value, out: [Character] = []
        for _ in 0..<count {
            out.append(alphabet[Int(v % 36)])
            v = v / 36 == 0 ? FNV1a.hash64(String(value) + String(out)) : v / 36
        }
        return String(out)
    }

    static func digits(_ value: UInt64, _ count: Int) -> String {
        var v = value, out = ""
        for i in 0..<count {
            let d = i == 0 ? 1 + v % 9 : v % 10
            out.append(Character(String(d)))
            v = v / 10 == 0 ? FNV1a.hash64(out) : v / 10
        }
        return out
    }

    static let lowerAlnum = Set("0123456789abcdefghijklmnopqrstuvwxyz".utf8)
    static let permissionSetAlphabet = Set("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-./".utf8)

    static func matches(_ id: String, prefix: String, count: Int?, alphabet: Set<UInt8>) -> Bool {
        guard id.hasPrefix(prefix) else { return false }
        let rest = id.utf8.dropFirst(prefix.utf8.count)
        if let count, rest.count != count { return false }
        return !rest.isEmpty && rest.allSatisfy(alphabet.contains)
    }

    /// The last `/`-separated part of an ARN: a permission set's `ps-` id, a role's or a policy's name.
    public static func lastSegment(of arn: String) -> String {
        let utf8 = arn.utf8
        // Trailing slashes end no segment.
        guard let last = utf8.lastIndex(where: { $0 != UInt8(ascii: "/") }) else { return arn }
        let start = utf8[..<last].lastIndex(of: UInt8(ascii: "/")).map(utf8.index(after:)) ?? utf8.startIndex
        return String(decoding: utf8[start...last], as: UTF8.self)
    }

    /// An identity-store resource id: a UUID, optionally after ten hex digits and a dash.
    public static func isUUID(_ id: String) -> Bool {
        var parts = id.split(separator: "-", omittingEmptySubsequences: false).map { $0 }
        if parts.count == 6, parts[0].count == 10 { parts.removeFirst() }
        let hexDigits = Set("0123456789abcdefABCDEF".utf8)
        return parts.map(\.count) == [8, 4, 4, 4, 12] && parts.allSatisfy { $0.utf8.allSatisfy(hexDigits.contains) }
    }
}
