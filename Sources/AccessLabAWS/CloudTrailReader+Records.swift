import Foundation

/// CloudTrail's files: an S3 delivery file `{"Records":[...]}`, whose records are read one by one as the
/// array is walked, or records one after another, one a line (CloudTrail Lake, event-history exports).
extension CloudTrailReader {
    /// Where a record is in its file.
    public struct Place: Sendable, Equatable {
        /// The line its `{` is on.
        public var line: Int
        /// Its index in a delivery file's `Records` (nil: a record a line).
        public var index: Int?
    }

    /// Every record in `buffer`, in file order, each as read or as why it cannot be (valid JSON that is not
    /// a usable record: the caller decides whether to skip it). Text that is not JSON stops the reading.
    public static func records(in buffer: UnsafeRawBufferPointer,
                               _ take: (Result<CloudTrailRecord, CloudTrailRecord.ReadError>, Place) -> Void) throws(SyntaxError) {
        try walk(buffer, as: RecordFields.self, take)
    }

    /// Every record in `buffer` as `records(in:)` reads them, checked as strictly, but kept as the places of
    /// the members `import cloudtrail` reads (`CloudTrailRecordSpans`): no tree is built.
    public static func recordSpans(in buffer: UnsafeRawBufferPointer,
                                   _ take: (Result<CloudTrailRecordSpans, CloudTrailRecord.ReadError>, Place) -> Void) throws(SyntaxError) {
        try walk(buffer, as: RecordSpanFields.self, take)
    }

    private static func walk<Sink: RecordSink>(_ buffer: UnsafeRawBufferPointer, as: Sink.Type,
                                               _ take: (Result<Sink.Record, CloudTrailRecord.ReadError>, Place) -> Void) throws(SyntaxError) {
        var reader = CloudTrailReader(buffer)
        // A byte-order mark is not JSON, but some tools write one.
        if reader.end >= 3, reader.bytes[0] == 0xef, reader.bytes[1] == 0xbb, reader.bytes[2] == 0xbf { reader.at = 3 }
        var first = true
        var fields = Sink()
        while let b = reader.next() {
            guard b == UInt8(ascii: "{") else {
                throw reader.failure("expected a JSON object (a delivery file {\"Records\":[...]} or a record a line), found \(reader.shown)")
            }
            let line = reader.line
            if try reader.record(into: &fields, depth: 1, deliveries: first, take) {
                if reader.next() != nil { throw reader.failure("unexpected \(reader.shown) after the delivery file's closing '}'") }
                return
            }
            take(fields.takeRecord(), Place(line: line, index: nil))
            try reader.endOfLine()
            first = false
        }
    }

    /// At `{`: one record's members into `fields`. With `deliveries`, a `Records` array makes the object a
    /// delivery file: each of its records goes to `take` and the result is true.
    mutating func record<Sink: RecordSink>(into fields: inout Sink, depth: Int, deliveries: Bool = false,
                                           _ take: (Result<Sink.Record, CloudTrailRecord.ReadError>, Place) -> Void = { _, _ in }) throws(SyntaxError) -> Bool {
        at += 1
        var delivery = false
        if next() == UInt8(ascii: "}") { at += 1; return false }
        var previous = RecordField.allCases.count
        repeat {
            guard next() == UInt8(ascii: "\"") else { throw failure("expected a member name in quotes, found \(shown)") }
            let field = try fieldName(after: previous)
            if let field { previous = field.rawValue }
            try expect(UInt8(ascii: ":"), "':' after the member name")
            if field == .records, deliveries, next() == UInt8(ascii: "[") {
                try deliveryRecords(depth: depth + 1, as: Sink.self, take)
                delivery = true
            } else if let field, field != .records {
                try fields.read(field, from: &self, depth: depth)
            } else {
                try fields.skip(from: &self, depth: depth)
            }
        } while try !endOfList(UInt8(ascii: "}"), "',' or '}' after a member")
        return delivery
    }

    /// At a delivery file's `[`.
    private mutating func deliveryRecords<Sink: RecordSink>(depth: Int, as: Sink.Type,
                                                            _ take: (Result<Sink.Record, CloudTrailRecord.ReadError>, Place) -> Void) throws(SyntaxError) {
        at += 1
        if next() == UInt8(ascii: "]") { at += 1; return }
        var index = 0
        var fields = Sink()
        repeat {
            let opening = next()
            let place = Place(line: line, index: index)
            if opening == UInt8(ascii: "{") {
                _ = try record(into: &fields, depth: depth + 1)
                take(fields.takeRecord(), place)
            } else {
                try fields.skip(from: &self, depth: depth)
                take(.failure(CloudTrailRecord.ReadError(description: "not a JSON object")), place)
            }
            index += 1
        } while try !endOfList(UInt8(ascii: "]"), "',' or ']' after a record")
    }

    /// After a record a line: nothing more on its line.
    mutating func endOfLine() throws(SyntaxError) {
        while at < end, bytes[at] == 0x20 || bytes[at] == 0x09 || bytes[at] == 0x0d { at += 1 }
        guard at == end || bytes[at] == 0x0a else { throw failure("unexpected \(shown) after the record (one record a line)") }
    }

    /// At `"`: the member name as a record field (nil: a member records do not have, or not one of ours).
    private mutating func fieldName(after previous: Int) throws(SyntaxError) -> RecordField? {
        let start = at + 1
        // A trail's records list their members in one order: the member that followed this one last time is tried
        // first, in place (its name's bytes then the closing quote), before the name is scanned.
        if let guess = fieldAfter[previous], nameIs(guess, at: start) {
            at = start + RecordField.shapes[guess.rawValue].count + 1
            return guess
        }
        var i = start
        // Plain ASCII up to the closing quote: matched in place. Anything else is decoded first.
        if let base = bytes.baseAddress {
            while end - i >= 8 {
                let word = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
                let stops = Self.plainRunStops(word) | word & 0x8080_8080_8080_8080
                if stops != 0 { i += stops.trailingZeroBitCount / 8; break }
                i += 8
            }
        }
        while i < end, bytes[i] != UInt8(ascii: "\""), bytes[i] != UInt8(ascii: "\\"), bytes[i] >= 0x20, bytes[i] < 0x80 { i += 1 }
        if i < end, bytes[i] == UInt8(ascii: "\"") {
            at = i + 1
            let field = RecordField(UnsafeBufferPointer(rebasing: bytes[start..<i]))
            fieldAfter[previous] = field
            return field
        }
        let name = try string()
        return Array(name.utf8).withUnsafeBufferPointer(RecordField.init)
    }

    /// Whether the member name from `start` (past its opening quote) is `field`'s, plain, followed by the closing quote.
    @inline(__always)
    private func nameIs(_ field: RecordField, at start: Int) -> Bool {
        let shape = RecordField.shapes[field.rawValue]
        let n = shape.count
        guard end - start >= 8, end - start > n, let base = bytes.baseAddress, base[start + n] == UInt8(ascii: "\"") else { return false }
        let name = UnsafeRawPointer(base + start)
        if n < 8 { return name.loadUnaligned(as: UInt64.self) & ((1 << (8 * UInt64(n))) &- 1) == shape.head }
        return name.loadUnaligned(as: UInt64.self) == shape.head && name.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self) == shape.tail
            && (n <= 16 || field.named(UnsafeBufferPointer(start: base + start, count: n)))
    }
}

/// The members of a record the reader keeps, by position in `RecordFields.values`.
enum RecordField: Int, CaseIterable {
    case eventVersion, userIdentity, eventTime, eventSource, eventName, awsRegion, sourceIPAddress, userAgent, errorCode, errorMessage
    case requestParameters, responseElements, additionalEventData, serviceEventDetails, requestID, eventID, readOnly, resources
    case eventType, managementEvent, recipientAccountId, eventCategory
    /// Not a record's: a delivery file's.
    case records

    static let names: [[UInt8]] = allCases.map { Array(($0 == .records ? "Records" : "\($0)").utf8) }
    /// Each name's first and last eight bytes (overlapping under 16 bytes, zero-padded under 8): with the
    /// length these decide for names of up to 16 bytes; longer ones are compared in full.
    static let shapes: [(count: Int, head: UInt64, tail: UInt64)] = names.map { n in
        n.withUnsafeBufferPointer { let w = words($0); return ($0.count, w.head, w.tail) }
    }
    /// The fields by the length of their names.
    static let byCount: [[RecordField]] = (0...(names.map(\.count).max() ?? 0)).map { c in allCases.filter { names[$0.rawValue].count == c } }

    @inline(__always) static func words(_ b: UnsafeBufferPointer<UInt8>) -> (head: UInt64, tail: UInt64) {
        guard let base = b.baseAddress else { return (0, 0) }
        if b.count >= 8 {
            return (UnsafeRawPointer(base).loadUnaligned(as: UInt64.self), UnsafeRawPointer(base + b.count - 8).loadUnaligned(as: UInt64.self))
        }
        var w: UInt64 = 0
        for k in 0..<b.count { w |= UInt64(base[k]) << (8 * k) }
        return (w, 0)
    }

    init?(_ name: UnsafeBufferPointer<UInt8>) {
        guard name.count < Self.byCount.count else { return nil }
        let shape = Self.words(name)
        for field in Self.byCount[name.count] where field.matches(name, shape) {
            self = field
            return
        }
        return nil
    }

    /// Whether `name`, whose `words` are `shape`, is this field's.
    @inline(__always) func matches(_ name: UnsafeBufferPointer<UInt8>, _ shape: (head: UInt64, tail: UInt64)) -> Bool {
        let mine = Self.shapes[rawValue]
        return mine.count == name.count && mine.head == shape.head && mine.tail == shape.tail && (name.count <= 16 || named(name))
    }

    func named(_ name: UnsafeBufferPointer<UInt8>) -> Bool {
        Self.names[rawValue].withUnsafeBufferPointer { mine in
            guard mine.count == name.count, let a = mine.baseAddress, let b = name.baseAddress else { return mine.count == name.count }
            return memcmp(a, b, name.count) == 0
        }
    }
}

/// What a record's members are read into, member by member, until the record is taken.
protocol RecordSink {
    associatedtype Record
    init()
    /// At the member's value (after its `:`).
    mutating func read(_ field: RecordField, from reader: inout CloudTrailReader, depth: Int) throws(CloudTrailReader.SyntaxError)
    /// At a value not kept (checked all the same).
    mutating func skip(from reader: inout CloudTrailReader, depth: Int) throws(CloudTrailReader.SyntaxError)
    /// The record, or why it is not one; every member is forgotten afterwards.
    mutating func takeRecord() -> Result<Record, CloudTrailRecord.ReadError>
}

/// A record's members as read, before they are checked.
struct RecordFields: RecordSink {
    var values = [CloudTrailJSON?](repeating: nil, count: RecordField.allCases.count)

    init() {}

    mutating func read(_ field: RecordField, from reader: inout CloudTrailReader, depth: Int) throws(CloudTrailReader.SyntaxError) {
        values[field.rawValue] = try reader.value(depth: depth)
    }

    mutating func skip(from reader: inout CloudTrailReader, depth: Int) throws(CloudTrailReader.SyntaxError) {
        _ = try reader.value(depth: depth)
    }

    subscript(_ field: RecordField) -> CloudTrailJSON? { values[field.rawValue] }

    /// The member, moved out: its slot is empty again for the next record.
    mutating func take(_ field: RecordField) -> CloudTrailJSON? {
        var taken: CloudTrailJSON? = nil
        swap(&taken, &values[field.rawValue])
        return taken
    }

    mutating func string(_ field: RecordField) -> String? { take(field)?.stringValue }

    mutating func bool(_ field: RecordField) -> Bool? { if case .bool(let b)? = take(field) { b } else { nil } }

    /// The record, with what older versions lack at its default; members of the wrong type count as
    /// absent. Every slot is empty afterwards.
    mutating func takeRecord() -> Result<CloudTrailRecord, CloudTrailRecord.ReadError> {
        for field in [RecordField.eventTime, .eventSource, .eventName, .eventID] where self[field]?.stringValue == nil {
            for i in values.indices { values[i] = nil }
            return .failure(CloudTrailRecord.ReadError(description: "\(field): missing (every record has it)"))
        }
        let eventTime = string(.eventTime) ?? "", eventSource = string(.eventSource) ?? "", eventName = string(.eventName) ?? ""
        let eventID = string(.eventID) ?? ""
        var r = CloudTrailRecord(userIdentity: take(.userIdentity) ?? .null, eventTime: eventTime, eventSource: eventSource, eventName: eventName,
                                 awsRegion: string(.awsRegion) ?? "", sourceIPAddress: string(.sourceIPAddress) ?? "",
                                 userAgent: string(.userAgent), requestParameters: take(.requestParameters),
                                 responseElements: take(.responseElements), requestID: string(.requestID),
                                 eventID: eventID, readOnly: bool(.readOnly) ?? false,
                                 eventType: string(.eventType) ?? "AwsApiCall", recipientAccountId: string(.recipientAccountId) ?? "")
        r.eventVersion = string(.eventVersion) ?? "1.0"
        r.errorCode = string(.errorCode)
        r.errorMessage = string(.errorMessage)
        r.additionalEventData = take(.additionalEventData)
        r.serviceEventDetails = take(.serviceEventDetails)
        if case .array(let items)? = take(.resources) { r.resources = items }
        r.managementEvent = bool(.managementEvent) ?? true
        r.eventCategory = string(.eventCategory) ?? "Management"
        return .success(r)
    }
}
