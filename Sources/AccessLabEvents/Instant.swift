/// A moment of virtual time: milliseconds since 1970-01-01T00:00:00Z, UTC. Never read from a clock.
public struct Instant: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var ms: Int64
    public init(ms: Int64) { self.ms = ms }

    public static func < (a: Instant, b: Instant) -> Bool { a.ms < b.ms }
    public static func + (a: Instant, d: Duration_ms) -> Instant { Instant(ms: a.ms &+ d.ms) }
    public static func - (a: Instant, d: Duration_ms) -> Instant { Instant(ms: a.ms &- d.ms) }
    public static func - (a: Instant, b: Instant) -> Duration_ms { Duration_ms(a.ms &- b.ms) }

    /// The instants ISO-8601's four-digit years can write: 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999Z.
    public static let representable = Instant(ms: -62_135_596_800_000)...Instant(ms: 253_402_300_799_999)

    /// ISO-8601 UTC, e.g. `2026-03-02T09:00:00Z` (milliseconds shown only when not zero).
    public var description: String { ISO8601.format(self) }
}

/// A span of virtual time in milliseconds.
public struct Duration_ms: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var ms: Int64
    public init(_ ms: Int64) { self.ms = ms }

    public static func seconds(_ s: Int64) -> Duration_ms { Duration_ms(s * 1000) }
    public static func minutes(_ m: Int64) -> Duration_ms { Duration_ms(m * 60_000) }
    public static func hours(_ h: Int64) -> Duration_ms { Duration_ms(h * 3_600_000) }
    public static func days(_ d: Int64) -> Duration_ms { Duration_ms(d * 86_400_000) }
    public static let zero = Duration_ms(0)

    public static func < (a: Duration_ms, b: Duration_ms) -> Bool { a.ms < b.ms }
    public static func + (a: Duration_ms, b: Duration_ms) -> Duration_ms { Duration_ms(a.ms &+ b.ms) }

    /// A compact human form: `13h0m0s`, `40m`, `4s`, `250ms`.
    public var description: String {
        if ms == 0 { return "0s" }
        var rest = ms.magnitude
        var parts: [String] = []
        let units: [(UInt64, String)] = [(86_400_000, "d"), (3_600_000, "h"), (60_000, "m"), (1000, "s")]
        for (size, name) in units where rest >= size {
            parts.append("\(rest / size)\(name)")
            rest %= size
        }
        if rest > 0 { parts.append("\(rest)ms") }
        return (ms < 0 ? "-" : "") + parts.joined()
    }
}

/// ISO-8601 in UTC, written and read without Foundation so that output never depends on a locale.
public enum ISO8601 {
    public static func format(_ t: Instant) -> String {
        let (days, msOfDay) = t.ms.floorDivided(by: 86_400_000)
        let (y, m, d) = civil(fromDays: days)
        let h = msOfDay / 3_600_000, mi = msOfDay / 60_000 % 60, s = msOfDay / 1000 % 60, frac = msOfDay % 1000
        var out = "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))T\(pad(h, 2)):\(pad(mi, 2)):\(pad(s, 2))"
        if frac != 0 { out += "." + pad(frac, 3) }
        return out + "Z"
    }

    /// Parses `YYYY-MM-DDThh:mm:ss[.fff]Z` (also `+00:00`). Returns nil when it is not that form.
    public static func parse(_ text: String) -> Instant? {
        text.withUTF8Bytes(parse(utf8:))
    }

    /// As `parse(_:)`, on the text's UTF-8 in place (a trail parses one for nearly every record).
    static func parse(utf8 b: UnsafeBufferPointer<UInt8>) -> Instant? {
        func num(_ from: Int, _ len: Int) -> Int64? {
            guard from + len <= b.count else { return nil }
            var v: Int64 = 0
            for c in b[from..<from + len] {
                guard c >= 48, c <= 57 else { return nil }
                v = v * 10 + Int64(c - 48)
            }
            return v
        }
        guard b.count >= 20, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"),
              b[10] == UInt8(ascii: "T") || b[10] == UInt8(ascii: "t"),
              b[13] == UInt8(ascii: ":"), b[16] == UInt8(ascii: ":"),
              let y = num(0, 4), let mo = num(5, 2), let d = num(8, 2),
              let h = num(11, 2), let mi = num(14, 2), let s = num(17, 2),
              (1...12).contains(mo), d >= 1, d <= daysIn(month: mo, year: y), h < 24, mi < 60, s < 60
        else { return nil }
        var i = 19
        var frac: Int64 = 0
        if i < b.count, b[i] == UInt8(ascii: ".") {
            i += 1
            var digits = 0
            while i < b.count, b[i] >= 48, b[i] <= 57 {
                if digits < 3 { frac = frac * 10 + Int64(b[i] - 48) }
                digits += 1
                i += 1
            }
            guard digits > 0 else { return nil }
            for _ in digits..<3 where digits < 3 { frac *= 10 }
        }
        // Byte for byte as the strings compare: no other character is canonically equivalent to these.
        let rest = UnsafeBufferPointer(rebasing: b[i...])
        guard rest.elementsEqual("Z".utf8) || rest.elementsEqual("z".utf8) || rest.elementsEqual("+00:00".utf8) else { return nil }
        let days = daysFromCivil(y, mo, d)
        return Instant(ms: ((days * 24 + h) * 60 + mi) * 60_000 + s * 1000 + frac)
    }

    private static func pad(_ v: Int64, _ width: Int) -> String {
        let s = String(v)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }

    static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    // Howard Hinnant's days-from-civil algorithm (proleptic Gregorian calendar).
    static func daysFromCivil(_ y0: Int64, _ m: Int64, _ d: Int64) -> Int64 {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civil(fromDays z0: Int64) -> (Int64, Int64, Int64) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}

extension Int64 {
    /// Floor division and non-negative remainder, so times before 1970 still format correctly.
    public func floorDivided(by d: Int64) -> (quotient: Int64, remainder: Int64) {
        let q = self / d, r = self % d
        return r < 0 ? (q - 1, r + d) : (q, r)
    }
}
