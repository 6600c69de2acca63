import Foundation

/// The members inside a record's objects that `import cloudtrail` reads of nearly every record, found while the
/// objects are checked: looking them up afterwards would walk each object again (a name given twice gives its last
/// value, so a lookup cannot stop at the first).
public struct RecordMembers: Sendable {
    /// `userIdentity.onBehalfOf.userId`
    public var onBehalfOfUserId = ByteSpan.absent
    /// `userIdentity.userName`
    public var userName = ByteSpan.absent
    /// `requestParameters.roleArn`
    public var roleArn = ByteSpan.absent
    /// `responseElements.credentials.expiration`
    public var credentialsExpiration = ByteSpan.absent
    /// `serviceEventDetails.account_id`
    public var accountId = ByteSpan.absent
    /// `serviceEventDetails.role_name`
    public var roleName = ByteSpan.absent
    /// `serviceEventDetails.UserAuthentication`
    public var userAuthentication = ByteSpan.absent
    /// `additionalEventData["accesslab:body"]`
    public var body = ByteSpan.absent
    /// `additionalEventData.UserName`
    public var additionalUserName = ByteSpan.absent
    /// False when a name on the way had an escape or a byte beyond ASCII: only decoding tells whether it is one of
    /// these, so the objects are walked instead.
    public var exact = true

    public init() {}

    mutating func shift(by offset: Int) {
        onBehalfOfUserId = onBehalfOfUserId.shifted(by: offset)
        userName = userName.shifted(by: offset)
        roleArn = roleArn.shifted(by: offset)
        credentialsExpiration = credentialsExpiration.shifted(by: offset)
        accountId = accountId.shifted(by: offset)
        roleName = roleName.shifted(by: offset)
        userAuthentication = userAuthentication.shifted(by: offset)
        body = body.shifted(by: offset)
        additionalUserName = additionalUserName.shifted(by: offset)
    }
}

extension RecordMembers {
    /// A record's object member read a second time replaces the first, and what was found in it.
    mutating func read(_ field: RecordField, from reader: inout CloudTrailReader, depth: Int) throws(CloudTrailReader.SyntaxError) {
        switch field {
        case .userIdentity:
            onBehalfOfUserId = .absent; userName = .absent
            let plain = try reader.skipObject(depth: depth) { name, reader, depth throws(CloudTrailReader.SyntaxError) in
                if Self.named(name, "onBehalfOf") {
                    onBehalfOfUserId = .absent
                    let plain = try reader.skipObject(depth: depth) { name, reader, depth throws(CloudTrailReader.SyntaxError) in
                        guard Self.named(name, "userId") else { return false }
                        onBehalfOfUserId = try reader.span(depth: depth)
                        return true
                    }
                    if !plain { exact = false }
                    return true
                }
                guard Self.named(name, "userName") else { return false }
                userName = try reader.span(depth: depth)
                return true
            }
            if !plain { exact = false }
        case .requestParameters:
            roleArn = .absent
            let plain = try reader.skipObject(depth: depth) { name, reader, depth throws(CloudTrailReader.SyntaxError) in
                guard Self.named(name, "roleArn") else { return false }
                roleArn = try reader.span(depth: depth)
                return true
            }
            if !plain { exact = false }
        case .responseElements:
            credentialsExpiration = .absent
            let plain = try reader.skipObject(depth: depth) { name, reader, depth throws(CloudTrailReader.SyntaxError) in
                guard Self.named(name, "credentials") else { return false }
                credentialsExpiration = .absent
                let plain = try reader.skipObject(depth: depth) { name, reader, depth throws(CloudTrailReader.SyntaxError) in
                    guard Self.named(name, "expiration") else { return false }
                    credentialsExpiration = try reader.span(depth: depth)
                    return true
                }
                if !plain { exact = false }
                return true
            }
            if !plain { exact = false }
        case .serviceEventDetails:
            accountId = .absent; roleName = .absent; userAuthentication = .absent
            let plain = try reader.skipObject(depth: depth) { name, reader, depth throws(CloudTrailReader.SyntaxError) in
                if Self.named(name, "account_id") { accountId = try reader.span(depth: depth); return true }
                if Self.named(name, "role_name") { roleName = try reader.span(depth: depth); return true }
                guard Self.named(name, "UserAuthentication") else { return false }
                userAuthentication = try reader.span(depth: depth)
                return true
            }
            if !plain { exact = false }
        case .additionalEventData:
            body = .absent; additionalUserName = .absent
            let plain = try reader.skipObject(depth: depth) { name, reader, depth throws(CloudTrailReader.SyntaxError) in
                if Self.named(name, "accesslab:body") { body = try reader.span(depth: depth); return true }
                guard Self.named(name, "UserName") else { return false }
                additionalUserName = try reader.span(depth: depth)
                return true
            }
            if !plain { exact = false }
        default:
            try reader.skipValue(depth: depth)
        }
    }

    @inline(__always)
    private static func named(_ name: UnsafeBufferPointer<UInt8>, _ key: StaticString) -> Bool {
        guard name.count == key.utf8CodeUnitCount, let a = name.baseAddress else { return false }
        return memcmp(a, key.utf8Start, name.count) == 0
    }
}

extension CloudTrailReader {
    /// At a value: past it, checked as `skipValue(depth:)` checks it (the same errors at the same places). If it is
    /// an object, each member name of plain ASCII is offered to `member` with the reader at the member's value,
    /// which it reads (true) or leaves to be skipped (false). False if a name was not plain (and not offered).
    @inline(__always)
    mutating func skipObject(depth: Int, offering member: (UnsafeBufferPointer<UInt8>, inout CloudTrailReader, Int) throws(SyntaxError) -> Bool)
        throws(SyntaxError) -> Bool {
        guard next() == UInt8(ascii: "{") else {
            try skipValue(depth: depth)
            return true
        }
        let depth = depth + 1
        guard depth <= Self.depthLimit else { throw failure("nested deeper than \(Self.depthLimit)") }
        at += 1
        if next() == UInt8(ascii: "}") { at += 1; return true }
        var plain = true
        while true {
            guard next() == UInt8(ascii: "\"") else { throw failure("expected a member name in quotes, found \(shown)") }
            let start = at + 1
            let namePlain = try skipString()
            let name = UnsafeBufferPointer(rebasing: bytes[start..<at - 1])
            try expect(UInt8(ascii: ":"), "':' after the member name")
            if !namePlain {
                plain = false
                try skipValue(depth: depth)
            } else if try !member(name, &self, depth) {
                try skipValue(depth: depth)
            }
            if try endOfList(UInt8(ascii: "}"), "',' or '}' after a member") { break }
        }
        return plain
    }

    /// At a value: its place, checked as `skipValue(depth:)` checks it.
    mutating func span(depth: Int) throws(SyntaxError) -> ByteSpan {
        skipWhitespace()
        let start = at
        try skipValue(depth: depth)
        return ByteSpan(start: start, end: at)
    }
}
