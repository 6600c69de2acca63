/// A point in the log as a user writes it: an ISO-8601 UTC time, an offset from the log's first
/// event (`+90m`, `+36h`, `+3d`, `+45s`), or a sequence number (`@12345`).
public enum TimeSpec: Equatable, Sendable, CustomStringConvertible {
    case instant(Instant)
    case offset(Duration_ms)
    case seq(UInt64)

    /// Parses the three forms; the error says which forms are accepted.
    public init(parsing text: String) throws(TimeSpecError) {
        let trimmed = text.trimmingWhitespace()
        if trimmed.hasPrefix("@") {
            guard let n = UInt64(trimmed.dropFirst()) else { throw TimeSpecError(text: text, problem: "a sequence number after @ must be a whole number") }
            self = .seq(n)
        } else if trimmed.hasPrefix("+") {
            guard let d = Duration_ms(parsing: String(trimmed.dropFirst())) else {
                throw TimeSpecError(text: text, problem: "an offset is a number and a unit: +90m, +36h, +3d, +45s, +500ms")
            }
            self = .offset(d)
        } else if let instant = ISO8601.parse(trimmed) {
            self = .instant(instant)
        } else {
            throw TimeSpecError(text: text, problem: "expected an ISO-8601 UTC time (2026-03-02T09:00:00Z), an offset from the first event (+90m, +36h, +3d) or a sequence number (@12345)")
        }
    }

    public var description: String {
        switch self {
        case .instant(let t): t.description
        case .offset(let d): "+\(d)"
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
