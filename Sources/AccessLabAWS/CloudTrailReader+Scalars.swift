import CJSONScan

/// Strings and numbers.
extension CloudTrailReader {
    /// At `"`: the string, its escapes decoded. Most strings have none: they are looked up in `recent` by
    /// their bytes, or made straight from them.
    mutating func string() throws(SyntaxError) -> String {
        let open = at
        at += 1
        let start = at
        let high = plainRun()
        if at < end, bytes[at] == UInt8(ascii: "\"") {
            let utf8 = UnsafeBufferPointer(rebasing: bytes[start..<at])
            at += 1
            let hash = utf8.count <= RecentStrings.longest ? RecentStrings.hash(utf8) : 0
            if let known = recent.string(utf8, hash: hash) { return known }
            guard high & 0x8080_8080_8080_8080 == 0 || Self.isWellFormed(utf8) else { throw failure("the string is not valid UTF-8", at: open) }
            return recent.add(utf8, hash: hash)
        }
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<at]))
        return try escapedRest(open: open)
    }

    /// At `"`: the string checked as `string()` checks it, but not made. True if its bytes are the string's,
    /// plain ASCII without escapes.
    @discardableResult
    mutating func skipString() throws(SyntaxError) -> Bool {
        let open = at
        at += 1
        let start = at
        let high = plainRun()
        if at < end, bytes[at] == UInt8(ascii: "\"") {
            at += 1
            let ascii = high & 0x8080_8080_8080_8080 == 0
            guard ascii || Self.isWellFormed(UnsafeBufferPointer(rebasing: bytes[start..<at - 1])) else {
                throw failure("the string is not valid UTF-8", at: open)
            }
            return ascii
        }
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<at]))
        _ = try escapedRest(open: open)
        return false
    }

    /// Past the bytes of a string that need no decoding: the cursor stops at a quote, a backslash, a control
    /// character or the end. Returns the bytes passed, OR-ed together (a high bit set: not ASCII).
    @inline(__always)
    private mutating func plainRun() -> UInt64 {
        guard let base = bytes.baseAddress else { return 0 }
        var high: UInt64 = 0
        var i = at
        // Sixteen bytes at a time, then eight: a block without a quote, a backslash or a control character is passed
        // whole; otherwise the first such byte is found from the block's mask. Byte by byte only near the end.
        while end &- i >= 16 {
            let scan = cjson_scan16(base + i)
            let stops = scan & 0xffff
            if stops != 0 {
                let plain = stops.trailingZeroBitCount
                at = i &+ plain
                return scan >> 16 & (1 &<< UInt32(plain) &- 1) != 0 ? high | 0x80 : high
            }
            if scan >> 16 != 0 { high |= 0x80 }
            i &+= 16
        }
        while end &- i >= 8 {
            let word = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
            let stops = Self.plainRunStops(word)
            if stops != 0 {
                let plain = stops.trailingZeroBitCount &>> 3
                at = i &+ plain
                return high | word & ((1 &<< (8 &* UInt64(plain))) &- 1)
            }
            high |= word
            i &+= 8
        }
        while i < end {
            let b = base[i]
            if b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") || b < 0x20 { break }
            high |= UInt64(b)
            i &+= 1
        }
        at = i
        return high
    }

    /// 0x80 in each byte of the word that is `"`, `\\` or below 0x20, and perhaps in bytes above the first
    /// such (the zero-byte test of "Bit Twiddling Hacks": exact up to the first).
    @inline(__always) static func plainRunStops(_ word: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        let quote = word ^ (ones &* 0x22), backslash = word ^ (ones &* 0x5c)
        let zeroQuote = (quote &- ones) & ~quote, zeroBackslash = (backslash &- ones) & ~backslash
        let control = (word &- ones &* 0x20) & ~word
        return (zeroQuote | zeroBackslash | control) & highs
    }

    @inline(__always) static func endsPlainRun(_ word: UInt64) -> Bool { plainRunStops(word) != 0 }

    /// Whether `utf8` is UTF-8 as RFC 3629 has it: no overlong forms, no surrogates, nothing past U+10FFFF.
    /// (`String(validating:as:)` does the same generically, at several times the cost.)
    static func isWellFormed(_ utf8: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 0
        while i < utf8.count {
            let lead = utf8[i]
            if lead < 0x80 { i += 1; continue }
            let continuations: Int, smallest: UInt32
            var scalar: UInt32
            switch lead {
            case 0xc2...0xdf: continuations = 1; smallest = 0x80; scalar = UInt32(lead & 0x1f)
            case 0xe0...0xef: continuations = 2; smallest = 0x800; scalar = UInt32(lead & 0x0f)
            case 0xf0...0xf4: continuations = 3; smallest = 0x10000; scalar = UInt32(lead & 0x07)
            default: return false
            }
            guard utf8.count - i > continuations else { return false }
            for k in 1...continuations {
                let b = utf8[i + k]
                guard b & 0xc0 == 0x80 else { return false }
                scalar = scalar << 6 | UInt32(b & 0x3f)
            }
            guard scalar >= smallest, scalar <= 0x10ffff, !(0xd800...0xdfff).contains(scalar) else { return false }
            i += continuations + 1
        }
        return true
    }

    /// The rest of a string from an escape on, decoded into `scratch`.
    private mutating func escapedRest(open: Int) throws(SyntaxError) -> String {
        while at < end {
            let run = at
            while at < end, bytes[at] != UInt8(ascii: "\""), bytes[at] != UInt8(ascii: "\\"), bytes[at] >= 0x20 { at += 1 }
            scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[run..<at]))
            guard at < end else { break }
            switch bytes[at] {
            case UInt8(ascii: "\""):
                at += 1
                guard scratch.withUnsafeBufferPointer(Self.isWellFormed) else { throw failure("the string is not valid UTF-8", at: open) }
                return String(decoding: scratch, as: UTF8.self)
            case UInt8(ascii: "\\"):
                try escape()
            default:
                throw failure("control character 0x\(String(bytes[at], radix: 16)) in a string (it must be escaped)")
            }
        }
        throw failure("the string does not end (no closing quote)", at: open)
    }

    /// At `\`: one escape, appended to `scratch`.
    private mutating func escape() throws(SyntaxError) {
        let backslash = at
        at += 1
        guard at < end else { throw failure("the string does not end (no closing quote)", at: backslash) }
        let simple: UInt8? = switch bytes[at] {
        case UInt8(ascii: "\""): 0x22
        case UInt8(ascii: "\\"): 0x5c
        case UInt8(ascii: "/"): 0x2f
        case UInt8(ascii: "b"): 0x08
        case UInt8(ascii: "f"): 0x0c
        case UInt8(ascii: "n"): 0x0a
        case UInt8(ascii: "r"): 0x0d
        case UInt8(ascii: "t"): 0x09
        default: nil
        }
        if let simple { scratch.append(simple); at += 1; return }
        guard bytes[at] == UInt8(ascii: "u") else { throw failure("unknown escape: \\ followed by \(shown)", at: backslash) }
        let unit = try hex4(at + 1)
        at += 5
        var value = UInt32(unit)
        if 0xDC00...0xDFFF ~= unit { throw failure("\\u\(String(unit, radix: 16)) is the second half of a surrogate pair without a first", at: backslash) }
        if 0xD800...0xDBFF ~= unit {
            // Outside the Basic Multilingual Plane JSON writes UTF-16's two halves, each escaped.
            let unpaired = failure("\\u\(String(unit, radix: 16)) is the first half of a surrogate pair without a second", at: backslash)
            guard end - at >= 6, bytes[at] == UInt8(ascii: "\\"), bytes[at + 1] == UInt8(ascii: "u") else { throw unpaired }
            let low = try hex4(at + 2)
            guard 0xDC00...0xDFFF ~= low else { throw unpaired }
            at += 6
            value = 0x10000 + (UInt32(unit - 0xD800) << 10) + UInt32(low - 0xDC00)
        }
        guard let scalar = Unicode.Scalar(value) else { throw failure("\\u escape is not a Unicode scalar", at: backslash) }
        UTF8.encode(scalar) { scratch.append($0) }
    }

    private func hex4(_ from: Int) throws(SyntaxError) -> UInt16 {
        guard end - from >= 4 else { throw failure("\\u needs four hex digits", at: from) }
        var unit: UInt16 = 0
        for i in from..<from + 4 {
            let b = bytes[i]
            let digit: UInt8 = switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): b - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): b - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): b - UInt8(ascii: "A") + 10
            default: throw failure("\\u needs four hex digits", at: i)
            }
            unit = unit << 4 | UInt16(digit)
        }
        return unit
    }

    /// At `-` or a digit. `CloudTrailJSON` holds whole numbers: a fraction, an exponent or a whole number
    /// beyond Int64 goes through Double and is cut to a whole number toward zero (at Int64's bounds), as
    /// Foundation's `int64Value` did when records were read with it.
    mutating func number() throws(SyntaxError) -> Int64 {
        let start = at
        let negative = bytes[at] == UInt8(ascii: "-")
        if negative { at += 1 }
        let first = at
        var magnitude: UInt64 = 0
        var overflow = false
        while at < end, bytes[at] &- UInt8(ascii: "0") < 10 {
            let (tens, o1) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, o2) = tens.addingReportingOverflow(UInt64(bytes[at] &- UInt8(ascii: "0")))
            magnitude = sum
            overflow = overflow || o1 || o2
            at += 1
        }
        guard at > first else { throw failure("expected a digit, found \(shown)") }
        if bytes[first] == UInt8(ascii: "0") && at - first > 1 { throw failure("a number starts with 0 only if it is 0", at: first) }
        var whole = true
        if at < end, bytes[at] == UInt8(ascii: ".") {
            whole = false
            at += 1
            try digits("a digit after the decimal point")
        }
        if at < end, bytes[at] | 0x20 == UInt8(ascii: "e") {
            whole = false
            at += 1
            if at < end, bytes[at] == UInt8(ascii: "+") || bytes[at] == UInt8(ascii: "-") { at += 1 }
            try digits("a digit in the exponent")
        }
        if whole && !overflow {
            if !negative && magnitude <= UInt64(Int64.max) { return Int64(magnitude) }
            if negative && magnitude <= UInt64(Int64.max) + 1 { return Int64(truncatingIfNeeded: 0 &- magnitude) }
        }
        let approximate = Double(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<at]), as: UTF8.self)) ?? 0
        return Self.wholeNumber(approximate)
    }

    private mutating func digits(_ what: String) throws(SyntaxError) {
        let first = at
        while at < end, bytes[at] &- UInt8(ascii: "0") < 10 { at += 1 }
        guard at > first else { throw failure("expected \(what), found \(shown)") }
    }

    static func wholeNumber(_ d: Double) -> Int64 {
        if d >= 0x1p63 { return .max }
        if d < -0x1p63 { return .min }
        return Int64(d)
    }
}
