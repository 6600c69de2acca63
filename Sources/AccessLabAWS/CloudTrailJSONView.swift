import CJSONScan
import Foundation

/// A JSON value read in place from bytes `CloudTrailReader` has already checked: members are found by
/// walking the object's bytes, and only the strings asked for are made. It answers as the
/// `CloudTrailJSON` the reader would have built: a name given twice gives its last value, names compare as
/// Swift strings compare, a value of another type is no answer. Borrowed bytes: use it while they live.
public struct CloudTrailJSONView {
    /// The value's bytes, from its first to its last (empty: no value).
    let bytes: UnsafeBufferPointer<UInt8>

    public init(_ buffer: UnsafeBufferPointer<UInt8>, _ span: ByteSpan) {
        bytes = span.isAbsent || span.end > buffer.count ? UnsafeBufferPointer(start: nil, count: 0)
            : UnsafeBufferPointer(rebasing: buffer[span.start..<span.end])
    }

    init(slice: UnsafeBufferPointer<UInt8>) { bytes = slice }

    private var first: UInt8? { bytes.first }

    /// The member `key` of an object (nil: not an object, or no such member).
    public subscript(key: String) -> CloudTrailJSONView? {
        guard first == UInt8(ascii: "{") else { return nil }
        var found: CloudTrailJSONView?
        var key = key
        key.withUTF8 { key in
            let asciiKey = !key.contains { $0 >= 0x80 }
            var i = Self.space(bytes, 1)
            while i < bytes.count, bytes[i] == UInt8(ascii: "\"") {
                let nameEnd = Self.stringEnd(bytes, i)
                let same = Self.sameName(UnsafeBufferPointer(rebasing: bytes[i..<nameEnd]), key, asciiKey: asciiKey)
                i = Self.space(bytes, nameEnd)
                guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { return }
                let valueStart = Self.space(bytes, i + 1)
                let valueEnd = Self.valueEnd(bytes, valueStart)
                if same { found = CloudTrailJSONView(slice: UnsafeBufferPointer(rebasing: bytes[valueStart..<valueEnd])) }
                i = Self.space(bytes, valueEnd)
                guard i < bytes.count, bytes[i] == UInt8(ascii: ",") else { return }
                i = Self.space(bytes, i + 1)
            }
        }
        return found
    }

    /// The string (nil: not a string).
    public var stringValue: String? {
        guard first == UInt8(ascii: "\""), bytes.count >= 2 else { return nil }
        let inner = UnsafeBufferPointer(rebasing: bytes[1..<bytes.count - 1])
        if !inner.contains(UInt8(ascii: "\\")) { return String(decoding: inner, as: UTF8.self) }
        return (try? CloudTrailReader.value(in: UnsafeRawBufferPointer(bytes)))?.stringValue
    }

    /// The string's UTF-8, in place when it has no escapes (nil: not a string).
    public func withStringBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R? {
        guard first == UInt8(ascii: "\""), bytes.count >= 2 else { return nil }
        let inner = UnsafeBufferPointer(rebasing: bytes[1..<bytes.count - 1])
        if !inner.contains(UInt8(ascii: "\\")) { return body(inner) }
        guard var decoded = stringValue else { return nil }
        return decoded.withUTF8(body)
    }

    /// The elements of an array (nil: not an array).
    public var elements: [CloudTrailJSONView]? {
        guard first == UInt8(ascii: "[") else { return nil }
        var out: [CloudTrailJSONView] = []
        var i = Self.space(bytes, 1)
        while i < bytes.count, bytes[i] != UInt8(ascii: "]") {
            let valueEnd = Self.valueEnd(bytes, i)
            out.append(CloudTrailJSONView(slice: UnsafeBufferPointer(rebasing: bytes[i..<valueEnd])))
            i = Self.space(bytes, valueEnd)
            guard i < bytes.count, bytes[i] == UInt8(ascii: ",") else { break }
            i = Self.space(bytes, i + 1)
        }
        return out
    }

    /// A whole number as `CloudTrailJSON.number` holds it (nil: not a number).
    public var numberValue: Int64? {
        guard let b = first, b == UInt8(ascii: "-") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(b) else { return nil }
        var reader = CloudTrailReader(UnsafeRawBufferPointer(bytes))
        return try? reader.number()
    }

    public var boolValue: Bool? {
        switch first {
        case UInt8(ascii: "t"): true
        case UInt8(ascii: "f"): false
        default: nil
        }
    }

    /// The tree the reader would have built of these bytes.
    public var tree: CloudTrailJSON? {
        bytes.isEmpty ? nil : try? CloudTrailReader.value(in: UnsafeRawBufferPointer(bytes))
    }

    // MARK: Walking checked JSON

    /// Whether a member name (with its quotes) is `key`. Plain ASCII compares byte for byte; anything else is
    /// decoded and compared as strings compare (canonical equivalence: U+212A is "K").
    private static func sameName(_ quoted: UnsafeBufferPointer<UInt8>, _ key: UnsafeBufferPointer<UInt8>, asciiKey: Bool) -> Bool {
        guard quoted.count >= 2 else { return false }
        let name = UnsafeBufferPointer(rebasing: quoted[1..<quoted.count - 1])
        // Escapes and characters beyond ASCII take more bytes than the ASCII they may stand for: a name as long
        // as an ASCII key is it only byte for byte, and a shorter one never.
        if asciiKey, name.count <= key.count {
            guard name.count == key.count, let a = name.baseAddress, let b = key.baseAddress else { return name.count == key.count }
            return memcmp(a, b, key.count) == 0
        }
        if asciiKey, !name.contains(where: { $0 >= 0x80 || $0 == UInt8(ascii: "\\") }) { return false }
        let decoded = (try? CloudTrailReader.value(in: UnsafeRawBufferPointer(quoted)))?.stringValue
        return decoded == String(decoding: key, as: UTF8.self)
    }

    private static func space(_ b: UnsafeBufferPointer<UInt8>, _ from: Int) -> Int {
        var i = from
        while i < b.count, b[i] == 0x20 || b[i] == 0x0a || b[i] == 0x09 || b[i] == 0x0d { i += 1 }
        return i
    }

    /// At `"`: just past the closing quote. Sixteen or eight bytes at a time: checked strings hold no control
    /// characters, so the reader's stop masks find the next quote or backslash.
    private static func stringEnd(_ b: UnsafeBufferPointer<UInt8>, _ open: Int) -> Int {
        var i = open + 1
        guard let base = b.baseAddress else { return b.count }
        while true {
            var stopped = false
            while b.count - i >= 16 {
                let stops = cjson_scan16(base + i) & 0xffff
                if stops != 0 { i += stops.trailingZeroBitCount; stopped = true; break }
                i += 16
            }
            while !stopped, b.count - i >= 8 {
                let stops = CloudTrailReader.plainRunStops(UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self))
                if stops != 0 { i += stops.trailingZeroBitCount / 8; break }
                i += 8
            }
            while i < b.count, b[i] != UInt8(ascii: "\""), b[i] != UInt8(ascii: "\\") { i += 1 }
            guard i < b.count else { return b.count }
            if b[i] == UInt8(ascii: "\"") { return i + 1 }
            i += 2
        }
    }

    /// At a value's first byte: just past its last.
    private static func valueEnd(_ b: UnsafeBufferPointer<UInt8>, _ start: Int) -> Int {
        guard start < b.count else { return b.count }
        switch b[start] {
        case UInt8(ascii: "\""):
            return stringEnd(b, start)
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            var depth = 0
            var i = start
            while i < b.count {
                switch b[i] {
                case UInt8(ascii: "\""): i = stringEnd(b, i); continue
                case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                    if depth == 0 { return i + 1 }
                default: break
                }
                i += 1
            }
            return b.count
        default:
            var i = start
            while i < b.count, !(b[i] == UInt8(ascii: ",") || b[i] == UInt8(ascii: "}") || b[i] == UInt8(ascii: "]")
                                  || b[i] == 0x20 || b[i] == 0x0a || b[i] == 0x09 || b[i] == 0x0d) { i += 1 }
            return i
        }
    }
}

/// A record read by `CloudTrailReader.recordSpans(in:)`, its objects read in place from `buffer`. Borrowed:
/// the record is read where it is kept (copying it would retain each of its strings), so use the view
/// while both live.
public struct CloudTrailRecordView {
    let record: UnsafePointer<CloudTrailRecordSpans>
    let buffer: UnsafeBufferPointer<UInt8>

    public init(_ record: UnsafePointer<CloudTrailRecordSpans>, in buffer: UnsafeBufferPointer<UInt8>) {
        self.record = record
        self.buffer = buffer
    }

    public var spans: CloudTrailRecordSpans { record.pointee }
    public var eventTime: String { record.pointee.eventTime }
    public var eventSource: String { record.pointee.eventSource }
    public var eventName: String { record.pointee.eventName }
    public var eventID: String { record.pointee.eventID }
    public var errorCode: String? { record.pointee.errorCode }
    public var recipientAccountId: String { record.pointee.recipientAccountId }
    public var userIdentity: CloudTrailJSONView { CloudTrailJSONView(buffer, record.pointee.userIdentity) }
    public var requestParameters: CloudTrailJSONView { CloudTrailJSONView(buffer, record.pointee.requestParameters) }
    public var responseElements: CloudTrailJSONView { CloudTrailJSONView(buffer, record.pointee.responseElements) }
    public var additionalEventData: CloudTrailJSONView { CloudTrailJSONView(buffer, record.pointee.additionalEventData) }
    public var serviceEventDetails: CloudTrailJSONView { CloudTrailJSONView(buffer, record.pointee.serviceEventDetails) }

    // MARK: Members found while the record was read (each answers as the lookup after it)

    /// `userIdentity["onBehalfOf"]?["userId"]`
    public var onBehalfOfUserId: CloudTrailJSONView? { known(\.onBehalfOfUserId) ?? userIdentity["onBehalfOf"]?["userId"] }
    /// `userIdentity["userName"]`
    public var userName: CloudTrailJSONView? { known(\.userName) ?? userIdentity["userName"] }
    /// `requestParameters["roleArn"]`
    public var roleArn: CloudTrailJSONView? { known(\.roleArn) ?? requestParameters["roleArn"] }
    /// `responseElements["credentials"]?["expiration"]`
    public var credentialsExpiration: CloudTrailJSONView? { known(\.credentialsExpiration) ?? responseElements["credentials"]?["expiration"] }
    /// `serviceEventDetails["account_id"]`
    public var accountId: CloudTrailJSONView? { known(\.accountId) ?? serviceEventDetails["account_id"] }
    /// `serviceEventDetails["role_name"]`
    public var roleName: CloudTrailJSONView? { known(\.roleName) ?? serviceEventDetails["role_name"] }
    /// `serviceEventDetails["UserAuthentication"]`
    public var userAuthentication: CloudTrailJSONView? { known(\.userAuthentication) ?? serviceEventDetails["UserAuthentication"] }
    /// `additionalEventData["accesslab:body"]`
    public var body: CloudTrailJSONView? { known(\.body) ?? additionalEventData["accesslab:body"] }
    /// `additionalEventData["UserName"]`
    public var additionalUserName: CloudTrailJSONView? { known(\.additionalUserName) ?? additionalEventData["UserName"] }

    /// The member as found (nil: not there, or not known exactly, and then the caller looks it up).
    @inline(__always)
    private func known(_ member: KeyPath<RecordMembers, ByteSpan>) -> CloudTrailJSONView?? {
        let members = record.pointee.members
        guard members.exact else { return nil }
        let span = members[keyPath: member]
        return .some(span.isAbsent ? nil : CloudTrailJSONView(buffer, span))
    }
}
