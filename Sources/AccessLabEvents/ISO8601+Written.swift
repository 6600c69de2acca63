extension ISO8601 {
    /// Parses a time as people write it on a command line, the forms the AWS CLI accepts:
    /// `2026-01-05T10:00:00Z`, `2026-01-05T10:00:00.250Z`, with an offset (`+01:00`, `-0500`, `+01`),
    /// without seconds (`2026-01-05T10:00Z`), with a space for the `T`, a bare date (`2026-01-05`,
    /// midnight UTC), or Unix seconds (`1767607200`, nine digits or more). A time with no zone is UTC: virtual time has no
    /// local zone. Returns nil when the text is none of these or names a day or hour that does not exist.
    public static func parseWritten(_ text: String) -> Instant? {
        let b = Array(text.utf8)
        // Nine digits at least, so that a year alone (2026) is refused rather than read as 1970.
        if b.count >= 9, b.count <= 12, b.allSatisfy({ $0 >= 48 && $0 <= 57 }), let seconds = Int64(text) {
            return Instant(ms: seconds * 1000)
        }
        var p = Cursor(b)
        guard let y = p.digits(4), p.take("-"), let mo = p.digits(2), p.take("-"), let d = p.digits(2),
              (1...12).contains(mo), d >= 1, d <= daysIn(month: mo, year: y) else { return nil }
        var ms = daysFromCivil(y, mo, d) * 86_400_000
        if p.atEnd { return Instant(ms: ms) }
        guard p.take("T") || p.take("t") || p.take(" "), let h = p.digits(2), h < 24, p.take(":"), let mi = p.digits(2), mi < 60 else { return nil }
        ms += (h * 60 + mi) * 60_000
        if p.take(":") {
            guard let s = p.digits(2), s < 60 else { return nil }
            ms += s * 1000
            if p.take(".") || p.take(",") {
                var digits = 0, frac: Int64 = 0
                while let digit = p.digit() {
                    if digits < 3 { frac = frac * 10 + digit }
                    digits += 1
                }
                guard digits > 0 else { return nil }
                for _ in 0..<max(0, 3 - digits) { frac *= 10 }
                ms += frac
            }
        }
        if p.atEnd || p.take("Z") || p.take("z") {
            return p.atEnd ? Instant(ms: ms) : nil
        }
        let sign: Int64
        if p.take("+") { sign = 1 } else if p.take("-") { sign = -1 } else { return nil }
        guard let oh = p.digits(2), oh <= 14 else { return nil }
        var om: Int64 = 0
        if !p.atEnd {
            _ = p.take(":")
            guard let m = p.digits(2), m < 60 else { return nil }
            om = m
        }
        guard p.atEnd else { return nil }
        // 10:00+01:00 is 09:00 UTC.
        return Instant(ms: ms - sign * (oh * 60 + om) * 60_000)
    }

    private struct Cursor {
        let b: [UInt8]
        var i = 0
        init(_ b: [UInt8]) { self.b = b }
        var atEnd: Bool { i == b.count }
        mutating func take(_ c: Unicode.Scalar) -> Bool {
            guard i < b.count, b[i] == UInt8(ascii: c) else { return false }
            i += 1
            return true
        }
        mutating func digit() -> Int64? {
            guard i < b.count, b[i] >= 48, b[i] <= 57 else { return nil }
            i += 1
            return Int64(b[i - 1] - 48)
        }
        mutating func digits(_ n: Int) -> Int64? {
            var v: Int64 = 0
            for _ in 0..<n { guard let d = digit() else { return nil }; v = v * 10 + d }
            return v
        }
    }
}
