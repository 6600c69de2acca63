/// CloudTrail's JSON read from its UTF-8 bytes in one pass: no Foundation objects, no copy of the text.
/// Values come out as `CloudTrailJSON` (object members sorted by name, as records have always been read);
/// anything that is not JSON (RFC 8259) is a `SyntaxError` with its line, column and byte offset.
/// Works on borrowed bytes: make one inside `withUnsafeBytes` and let it go before the closure returns.
public struct CloudTrailReader {
    /// Where the JSON stops being JSON, and why.
    public struct SyntaxError: Error, CustomStringConvertible, Equatable, Sendable {
        /// Bytes from the start of the text (0-based).
        public var offset: Int
        /// 1-based, counting `\n`.
        public var line: Int
        /// 1-based, in bytes from the line's start.
        public var column: Int
        public var problem: String
        public var description: String { "line \(line), column \(column) (byte \(offset)): \(problem)" }
    }

    /// Arrays and objects inside one another deeper than this are refused: the reader recurses, and a
    /// file of 100,000 `[` must be an error, not a stack overflow.
    public static let depthLimit = 512

    let bytes: UnsafeBufferPointer<UInt8>
    let end: Int
    var at = 0
    var line = 1
    var lineStart = 0
    /// Where strings with escapes are decoded, kept between strings.
    var scratch: [UInt8] = []
    var recent = RecentStrings()
    /// The record member that followed each one last time (by raw value; the last slot: a record's start).
    var fieldAfter = [RecordField?](repeating: nil, count: RecordField.allCases.count + 1)
    /// The members and elements of the objects and arrays being read, innermost last: each object's or
    /// array's are moved out at their number when its closing bracket is read.
    let openMembers = OpenValues<(String, CloudTrailJSON)>()
    let openElements = OpenValues<CloudTrailJSON>()

    init(_ buffer: UnsafeRawBufferPointer) {
        bytes = buffer.assumingMemoryBound(to: UInt8.self)
        end = bytes.count
    }

    /// One JSON value, alone in `buffer` but for whitespace.
    public static func value(in buffer: UnsafeRawBufferPointer) throws(SyntaxError) -> CloudTrailJSON {
        var reader = CloudTrailReader(buffer)
        let v = try reader.value(depth: 0)
        reader.skipWhitespace()
        if reader.at < reader.end { throw reader.failure("unexpected \(reader.shown) after the value") }
        return v
    }

    // MARK: Errors

    func failure(_ problem: String, at offset: Int? = nil) -> SyntaxError {
        let offset = offset ?? at
        return SyntaxError(offset: offset, line: line, column: offset - lineStart + 1, problem: problem)
    }

    /// The byte at the cursor, as an error shows it.
    var shown: String {
        guard at < end else { return "end of input" }
        let b = bytes[at]
        return b >= 0x20 && b < 0x7f ? "'\(Character(Unicode.Scalar(b)))'" : "byte 0x\(String(b, radix: 16))"
    }

    // MARK: Tokens

    @inline(__always)
    mutating func skipWhitespace() {
        while at < end {
            switch bytes[at] {
            case 0x20, 0x09, 0x0d: at += 1
            case 0x0a: at += 1; line += 1; lineStart = at
            default: return
            }
        }
    }

    /// The next byte after whitespace, not taken.
    @inline(__always)
    mutating func next() -> UInt8? {
        skipWhitespace()
        return at < end ? bytes[at] : nil
    }

    @inline(__always)
    mutating func expect(_ byte: UInt8, _ what: String) throws(SyntaxError) {
        guard next() == byte else { throw failure("expected \(what), found \(shown)") }
        at += 1
    }

    mutating func value(depth: Int) throws(SyntaxError) -> CloudTrailJSON {
        guard let b = next() else { throw failure("expected a value, found end of input") }
        switch b {
        case UInt8(ascii: "{"): return .object(try members(depth: depth + 1))
        case UInt8(ascii: "["): return .array(try elements(depth: depth + 1))
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
        default: throw failure("expected a value, found \(shown)")
        }
    }

    mutating func literal(_ word: StaticString) throws(SyntaxError) {
        let n = word.utf8CodeUnitCount
        guard end - at >= n, (0..<n).allSatisfy({ bytes[at + $0] == word.utf8Start[$0] }) else { throw failure("expected \(word)") }
        at += n
    }

    /// At `{`: the members, sorted by name; a name given twice keeps its last value.
    mutating func members(depth: Int) throws(SyntaxError) -> [(String, CloudTrailJSON)] {
        guard depth <= Self.depthLimit else { throw failure("nested deeper than \(Self.depthLimit)") }
        at += 1
        if next() == UInt8(ascii: "}") { at += 1; return [] }
        let first = openMembers.count
        defer { openMembers.abandon(from: first) }
        var sorted = true
        var previous = ""
        while true {
            guard next() == UInt8(ascii: "\"") else { throw failure("expected a member name in quotes, found \(shown)") }
            let name = try string()
            try expect(UInt8(ascii: ":"), "':' after the member name")
            let member = try value(depth: depth)
            if sorted, openMembers.count > first, !(previous < name) { sorted = false }
            previous = name
            openMembers.push((name, member))
            if try endOfList(UInt8(ascii: "}"), "',' or '}' after a member") { break }
        }
        let out = openMembers.close(from: first)
        return sorted ? out : Self.sortedKeepingLast(out)
    }

    static func sortedKeepingLast(_ members: [(String, CloudTrailJSON)]) -> [(String, CloudTrailJSON)] {
        let order = members.indices.sorted { (members[$0].0, $0) < (members[$1].0, $1) }
        var out: [(String, CloudTrailJSON)] = []
        out.reserveCapacity(members.count)
        for (n, i) in order.enumerated() where n + 1 == order.count || members[order[n + 1]].0 != members[i].0 {
            out.append(members[i])
        }
        return out
    }

    /// At `[`.
    mutating func elements(depth: Int) throws(SyntaxError) -> [CloudTrailJSON] {
        guard depth <= Self.depthLimit else { throw failure("nested deeper than \(Self.depthLimit)") }
        at += 1
        if next() == UInt8(ascii: "]") { at += 1; return [] }
        let first = openElements.count
        defer { openElements.abandon(from: first) }
        repeat {
            let element = try value(depth: depth)
            openElements.push(element)
        } while try !endOfList(UInt8(ascii: "]"), "',' or ']' after an element")
        return openElements.close(from: first)
    }

    /// After a member or an element: true at the closing bracket (taken), false at a comma (taken).
    @inline(__always)
    mutating func endOfList(_ close: UInt8, _ what: String) throws(SyntaxError) -> Bool {
        switch next() {
        case UInt8(ascii: ","): at += 1; return false
        case close: at += 1; return true
        default: throw failure("expected \(what), found \(shown)")
        }
    }
}
