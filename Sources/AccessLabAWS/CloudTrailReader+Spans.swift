/// Records read without building their trees: every byte is checked as `value(depth:)` checks it, but
/// only the members `import cloudtrail` reads are kept, the scalars as strings and the objects as the
/// place of their bytes, read later (and only if asked) through `CloudTrailJSONView`.
extension CloudTrailReader {
    /// At a value: past it, checked as `value(depth:)` checks it (the same errors at the same places), nothing made.
    mutating func skipValue(depth: Int) throws(SyntaxError) {
        guard let b = next() else { throw failure("expected a value, found end of input") }
        switch b {
        case UInt8(ascii: "{"): try skipMembers(depth: depth + 1)
        case UInt8(ascii: "["): try skipElements(depth: depth + 1)
        case UInt8(ascii: "\""): try skipString()
        case UInt8(ascii: "t"): try literal("true")
        case UInt8(ascii: "f"): try literal("false")
        case UInt8(ascii: "n"): try literal("null")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): _ = try number()
        default: throw failure("expected a value, found \(shown)")
        }
    }

    private mutating func skipMembers(depth: Int) throws(SyntaxError) {
        guard depth <= Self.depthLimit else { throw failure("nested deeper than \(Self.depthLimit)") }
        at += 1
        if next() == UInt8(ascii: "}") { at += 1; return }
        while true {
            guard next() == UInt8(ascii: "\"") else { throw failure("expected a member name in quotes, found \(shown)") }
            try skipString()
            try expect(UInt8(ascii: ":"), "':' after the member name")
            try skipValue(depth: depth)
            if try endOfList(UInt8(ascii: "}"), "',' or '}' after a member") { break }
        }
    }

    private mutating func skipElements(depth: Int) throws(SyntaxError) {
        guard depth <= Self.depthLimit else { throw failure("nested deeper than \(Self.depthLimit)") }
        at += 1
        if next() == UInt8(ascii: "]") { at += 1; return }
        repeat {
            try skipValue(depth: depth)
        } while try !endOfList(UInt8(ascii: "]"), "',' or ']' after an element")
    }
}

/// Where a value's bytes are in the buffer a record was read from (empty: the member was not there).
public struct ByteSpan: Sendable, Equatable {
    public var start: Int
    public var end: Int
    public init(start: Int, end: Int) { self.start = start; self.end = end }
    public static let absent = ByteSpan(start: 0, end: 0)
    public var isAbsent: Bool { start == end }
    /// The same bytes in a buffer that holds this one's at `offset`.
    public func shifted(by offset: Int) -> ByteSpan { isAbsent ? self : ByteSpan(start: start + offset, end: end + offset) }
}

/// The members of a record that `import cloudtrail` reads: strings as `CloudTrailRecord` has them (a member
/// of another type counts as absent), objects as the place of their bytes.
public struct CloudTrailRecordSpans: Sendable {
    public var eventTime: String
    public var eventSource: String
    public var eventName: String
    public var eventID: String
    public var errorCode: String?
    /// "" when absent, as `CloudTrailRecord` has it.
    public var recipientAccountId: String
    public var userIdentity: ByteSpan
    public var requestParameters: ByteSpan
    public var responseElements: ByteSpan
    public var additionalEventData: ByteSpan
    public var serviceEventDetails: ByteSpan
    /// What the import reads inside those objects of nearly every record.
    public var members: RecordMembers

    /// The same record in a buffer that holds the one it was read from at `offset`.
    public func shifted(by offset: Int) -> CloudTrailRecordSpans {
        var r = self
        r.shift(by: offset)
        return r
    }

    /// As `shifted(by:)`, in place (a copy retains each of the record's strings, and its end releases them).
    public mutating func shift(by offset: Int) {
        userIdentity = userIdentity.shifted(by: offset)
        requestParameters = requestParameters.shifted(by: offset)
        responseElements = responseElements.shifted(by: offset)
        additionalEventData = additionalEventData.shifted(by: offset)
        serviceEventDetails = serviceEventDetails.shifted(by: offset)
        members.shift(by: offset)
    }
}

/// A record's members as `recordSpans(in:)` reads them.
struct RecordSpanFields: RecordSink {
    var eventTime: String?, eventSource: String?, eventName: String?, eventID: String?, errorCode: String?, recipientAccountId: String?
    var userIdentity = ByteSpan.absent, requestParameters = ByteSpan.absent, responseElements = ByteSpan.absent
    var additionalEventData = ByteSpan.absent, serviceEventDetails = ByteSpan.absent
    var members = RecordMembers()

    init() {}

    mutating func read(_ field: RecordField, from reader: inout CloudTrailReader, depth: Int) throws(CloudTrailReader.SyntaxError) {
        switch field {
        case .eventTime: eventTime = try Self.string(&reader, depth)
        case .eventSource: eventSource = try Self.string(&reader, depth)
        case .eventName: eventName = try Self.string(&reader, depth)
        case .eventID: eventID = try Self.string(&reader, depth)
        case .errorCode: errorCode = try Self.string(&reader, depth)
        case .recipientAccountId: recipientAccountId = try Self.string(&reader, depth)
        case .userIdentity: userIdentity = try span(field, &reader, depth)
        case .requestParameters: requestParameters = try span(field, &reader, depth)
        case .responseElements: responseElements = try span(field, &reader, depth)
        case .additionalEventData: additionalEventData = try span(field, &reader, depth)
        case .serviceEventDetails: serviceEventDetails = try span(field, &reader, depth)
        default: try reader.skipValue(depth: depth)
        }
    }

    mutating func skip(from reader: inout CloudTrailReader, depth: Int) throws(CloudTrailReader.SyntaxError) {
        try reader.skipValue(depth: depth)
    }

    /// A string member (nil: of another type).
    private static func string(_ reader: inout CloudTrailReader, _ depth: Int) throws(CloudTrailReader.SyntaxError) -> String? {
        if reader.next() == UInt8(ascii: "\"") { return try reader.string() }
        try reader.skipValue(depth: depth)
        return nil
    }

    /// An object member's place, and the members inside it that `members` keeps.
    private mutating func span(_ field: RecordField, _ reader: inout CloudTrailReader, _ depth: Int) throws(CloudTrailReader.SyntaxError) -> ByteSpan {
        reader.skipWhitespace()
        let start = reader.at
        try members.read(field, from: &reader, depth: depth)
        return ByteSpan(start: start, end: reader.at)
    }

    mutating func takeRecord() -> Result<CloudTrailRecordSpans, CloudTrailRecord.ReadError> {
        defer { self = RecordSpanFields() }
        // In the order `CloudTrailRecord`'s reading names the first one missing.
        guard let eventTime else { return .failure(Self.missing(.eventTime)) }
        guard let eventSource else { return .failure(Self.missing(.eventSource)) }
        guard let eventName else { return .failure(Self.missing(.eventName)) }
        guard let eventID else { return .failure(Self.missing(.eventID)) }
        return .success(CloudTrailRecordSpans(
            eventTime: eventTime, eventSource: eventSource, eventName: eventName, eventID: eventID, errorCode: errorCode,
            recipientAccountId: recipientAccountId ?? "", userIdentity: userIdentity, requestParameters: requestParameters,
            responseElements: responseElements, additionalEventData: additionalEventData, serviceEventDetails: serviceEventDetails, members: members))
    }

    private static func missing(_ field: RecordField) -> CloudTrailRecord.ReadError {
        CloudTrailRecord.ReadError(description: "\(field): missing (every record has it)")
    }
}
