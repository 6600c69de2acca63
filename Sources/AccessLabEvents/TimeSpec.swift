/// A point in the log as a user writes it: an ISO-8601 time (as the AWS CLI takes it: with `Z` or an
/// offset, without seconds, a bare date, Unix seconds), an offset from the log's first event (`+90m`,
/// `+3d4h`), the end of the run or a span before it (`end`, `end-6h`), or a sequence number (`@12345`).
public enum TimeSpec: Equatable, Sendable, CustomStringConvertible {
    case instant(Instant)
    case offset(Duration_ms)
    /// This long before the end of the run (`end` is zero): where the run stopped, or its simulated end.
    case beforeEnd(Duration_ms)
    case seq(UInt64)

    static let forms = "an ISO-8601 time (2026-01-05T10:00:00Z, 2026-01-05T11:00+01:00, 2026-01-05), an offset from the first event (+90m, +3d4h), end or end-6h, or a sequence number (@12345)"

    /// Parses every form; the error says which forms are accepted.
    public init(parsing text: String) throws(TimeSpecError) {
        let trimmed = text.trimmingWhitespace()
        if trimmed.lowercased() == "end" || trimmed.lowercased() == "start" {
            self = trimmed.lowercased() == "end" ? .beforeEnd(.zero) : .offset(.zero)
        } else if trimmed.lowercased().hasPrefix("end-") {
            guard let d = Duration_ms(parsing: String(trimmed.dropFirst(4))) else {
                throw TimeSpecError(text: text, problem: "after end- comes a duration: end-6h, end-1d12h")
            }
            self = .beforeEnd(d)
        } else if trimmed.hasPrefix("@") {
            guard let n = UInt64(trimmed.dropFirst()) else { throw TimeSpecError(text: text, problem: "a sequence number after @ must be a whole number") }
            self = .seq(n)
        } else if trimmed.hasPrefix("+") {
            guard let d = Duration_ms(parsing: String(trimmed.dropFirst())) else {
                throw TimeSpecError(text: text, problem: "an offset is a number and a unit: +90m, +36h, +3d, +45s, +500ms")
            }
            self = .offset(d)
        } else if let instant = ISO8601.parseWritten(trimmed), Instant.representable.contains(instant) {
            self = .instant(instant)
        } else if trimmed.first?.isNumber == true && trimmed.contains("-") {
            throw TimeSpecError(text: text, problem: "not a valid date or time; expected \(Self.forms)")
        } else {
            throw TimeSpecError(text: text, problem: "expected \(Self.forms)")
        }
    }

    public var description: String {
        switch self {
        case .instant(let t): t.description
        case .offset(let d): "+\(d)"
        case .beforeEnd(let d): d.ms == 0 ? "end" : "end-\(d)"
        case .seq(let n): "@\(n)"
        }
    }
}

public struct TimeSpecError: Error, Equatable, Sendable, CustomStringConvertible {
    public let text: String
    public let problem: String
    public var description: String { "'\(text)': \(problem)" }
}

extension Duration_ms {
    /// Parses `90m`, `36h`, `3d`, `45s`, `500ms`, and sums such as `1h30m`.
    public init?(parsing text: String) {
        var total: Int64 = 0
        var number: Int64? = nil
        var unit = ""
        var sawAny = false
        func flush() -> Bool {
            guard let n = number else { return unit.isEmpty }
            let scale: Int64
            switch unit {
            case "ms": scale = 1
            case "s": scale = 1000
            case "m", "min": scale = 60_000
            case "h": scale = 3_600_000
            case "d": scale = 86_400_000
            case "w": scale = 7 * 86_400_000
            default: return false
            }
            let (product, overflow) = n.multipliedReportingOverflow(by: scale)
            guard !overflow else { return false }
            let (sum, overflow2) = total.addingReportingOverflow(product)
            guard !overflow2 else { return false }
            total = sum
            number = nil
            unit = ""
            sawAny = true
            return true
        }
        for ch in text {
            if let digit = ch.wholeNumberValue, ch.isASCII {
                if !unit.isEmpty { guard flush() else { return nil } }
                let (times10, o1) = (number ?? 0).multipliedReportingOverflow(by: 10)
                let (next, o2) = times10.addingReportingOverflow(Int64(digit))
                guard !o1, !o2 else { return nil }
                number = next
            } else if ch.isLetter, number != nil {
                unit.append(ch)
            } else {
                return nil
            }
        }
        guard number != nil || sawAny, flush(), sawAny else { return nil }
        self.init(total)
    }
}

extension String {
    func trimmingWhitespace() -> String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return String(s)
    }
}
