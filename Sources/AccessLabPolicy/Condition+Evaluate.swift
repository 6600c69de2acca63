extension Condition {
    /// Evaluates the condition against the request context, as the IAM User Guide's condition operator
    /// and multivalued-key sections describe it.
    func holds(in context: RequestContext) -> Bool {
        let found = context.values(contextKey)
        let present = found != nil
        let requestValues = found ?? []
        if op.family == .Null {
            // "Null": {"key": "true"} holds when the key is absent; "false" when present.
            for i in values.indices where Pattern.literal(values[i].tokens) == (present ? "false" : "true") { return true }
            return false
        }
        guard present else {
            if op.ifExists { return true }
            switch op.qualifier {
            case .ForAllValues?: return true
            case .ForAnyValue?: return false
            case nil: return op.negated
            }
        }
        let negated = op.negated
        // ForAllValues: every request value must satisfy the operator; ForAnyValue: one must. A single-valued
        // use: for a negated operator no value may match (every one satisfies it); otherwise one must.
        // (Loops, not closures: a closure captured a copy of the condition per call.)
        let every = op.qualifier == .ForAllValues || (op.qualifier == nil && negated)
        for v in requestValues {
            let satisfies = negated != matchesAny(v, context)
            if every { if !satisfies { return false } } else if satisfies { return true }
        }
        return every
    }

    /// The positive form of the operator: does `v` match any policy value?
    func matchesAny(_ v: String, _ context: RequestContext) -> Bool {
        let family = op.family
        for i in values.indices {
            if family == .StringEquals || family == .StringNotEquals {
                if !values[i].hasVariables ? values[i].description == v : values[i].resolvedEquals(v, in: context) == true { return true }
                continue
            }
            if let r = values[i].resolve(context), Self.compare(family, policy: r, request: v) { return true }
        }
        return false
    }

    /// The positive comparison of one request value with one resolved policy value.
    static func compare(_ family: ConditionOperator.Family, policy: [Pattern.Token], request: String) -> Bool {
        switch family {
        case .StringEquals, .StringNotEquals: return Pattern.literal(policy) == request
        case .StringEqualsIgnoreCase, .StringNotEqualsIgnoreCase: return Pattern.literal(policy).lowercased() == request.lowercased()
        case .StringLike, .StringNotLike: return Pattern.glob(policy, request)
        case .NumericEquals, .NumericNotEquals, .NumericLessThan, .NumericLessThanEquals, .NumericGreaterThan, .NumericGreaterThanEquals:
            guard let p = Double(Pattern.literal(policy)), let r = Double(request), p.isFinite, r.isFinite else { return false }
            return order(family, r, p)
        case .DateEquals, .DateNotEquals, .DateLessThan, .DateLessThanEquals, .DateGreaterThan, .DateGreaterThanEquals:
            guard let p = PolicyDate.parse(Pattern.literal(policy)), let r = PolicyDate.parse(request) else { return false }
            return order(family, r, p)
        case .Bool: return Pattern.literal(policy).lowercased() == request.lowercased()
        case .BinaryEquals: return Pattern.literal(policy) == request
        case .IpAddress, .NotIpAddress:
            guard let block = IPBlock(Pattern.literal(policy)), let address = IPBlock(request) else { return false }
            return block.contains(address)
        case .ArnEquals, .ArnLike, .ArnNotEquals, .ArnNotLike: return Pattern.arnMatch(policy, request)
        case .Null: return false
        }
    }

    /// `request <op> policy` for the ordered families (the request value is on the left, as IAM reads it).
    static func order(_ family: ConditionOperator.Family, _ r: Double, _ p: Double) -> Bool {
        switch family {
        case .NumericEquals, .NumericNotEquals, .DateEquals, .DateNotEquals: r == p
        case .NumericLessThan, .DateLessThan: r < p
        case .NumericLessThanEquals, .DateLessThanEquals: r <= p
        case .NumericGreaterThan, .DateGreaterThan: r > p
        case .NumericGreaterThanEquals, .DateGreaterThanEquals: r >= p
        default: false
        }
    }
}

/// Dates as IAM accepts them in conditions: ISO 8601 (date, or date and time with `Z` or an offset,
/// optional fraction) or epoch seconds. Parsed to epoch seconds.
enum PolicyDate {
    static func parse(_ text: String) -> Double? {
        if let epoch = Double(text), !text.contains("-") { return epoch }
        let s = Array(text.utf8)
        func num(_ from: Int, _ len: Int) -> Int? {
            guard from + len <= s.count else { return nil }
            var v = 0
            for c in s[from..<from + len] { guard c >= 48, c <= 57 else { return nil }; v = v * 10 + Int(c - 48) }
            return v
        }
        guard s.count >= 10, s[4] == UInt8(ascii: "-"), s[7] == UInt8(ascii: "-"),
              let y = num(0, 4), let mo = num(5, 2), let d = num(8, 2), (1...12).contains(mo), (1...31).contains(d) else { return nil }
        var seconds = Double(daysFromCivil(y, mo, d)) * 86_400
        guard s.count > 10 else { return seconds }
        guard s[10] == UInt8(ascii: "T") || s[10] == UInt8(ascii: "t"), let h = num(11, 2), s.count > 13, s[13] == UInt8(ascii: ":"),
              let mi = num(14, 2), h < 24, mi < 60 else { return nil }
        seconds += Double(h * 3600 + mi * 60)
        var i = 16
        if i < s.count, s[i] == UInt8(ascii: ":") {
            guard let sec = num(i + 1, 2), sec < 61 else { return nil }
            seconds += Double(sec)
            i += 3
            if i < s.count, s[i] == UInt8(ascii: ".") {
                var j = i + 1, frac = 0.0, scale = 0.1
                while j < s.count, s[j] >= 48, s[j] <= 57 { frac += Double(s[j] - 48) * scale; scale /= 10; j += 1 }
                guard j > i + 1 else { return nil }
                seconds += frac
                i = j
            }
        }
        guard i < s.count else { return seconds }
        if s[i] == UInt8(ascii: "Z") || s[i] == UInt8(ascii: "z") { return i + 1 == s.count ? seconds : nil }
        guard s[i] == UInt8(ascii: "+") || s[i] == UInt8(ascii: "-"), let oh = num(i + 1, 2), i + 3 < s.count, s[i + 3] == UInt8(ascii: ":"),
              let om = num(i + 4, 2), i + 6 == s.count else { return nil }
        let offset = Double(oh * 3600 + om * 60)
        return s[i] == UInt8(ascii: "+") ? seconds - offset : seconds + offset
    }

    static func daysFromCivil(_ y0: Int, _ m: Int, _ d: Int) -> Int {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}

/// An IPv4 or IPv6 address or CIDR block.
struct IPBlock {
    var bytes: [UInt8]
    var prefix: Int

    init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        let address = String(parts[0])
        if let v4 = Self.ipv4(address) { bytes = v4 } else if let v6 = Self.ipv6(address) { bytes = v6 } else { return nil }
        if parts.count == 2 {
            guard let p = Int(parts[1]), p >= 0, p <= bytes.count * 8 else { return nil }
            prefix = p
        } else {
            prefix = bytes.count * 8
        }
    }

    func contains(_ other: IPBlock) -> Bool {
        guard other.bytes.count == bytes.count else { return false }
        var remaining = prefix
        for i in 0..<bytes.count where remaining > 0 {
            let bits = min(remaining, 8)
            let mask = UInt8(truncatingIfNeeded: 0xFF << (8 - bits))
            if bytes[i] & mask != other.bytes[i] & mask { return false }
            remaining -= bits
        }
        return true
    }

    static func ipv4(_ s: String) -> [UInt8]? {
        let octets = s.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4 else { return nil }
        var out: [UInt8] = []
        for o in octets {
            guard !o.isEmpty, o.count <= 3, let v = UInt8(o) else { return nil }
            out.append(v)
        }
        return out
    }

    static func ipv6(_ s: String) -> [UInt8]? {
        guard s.contains(":") else { return nil }
        let halves = s.components(separatedByDoubleColon: ())
        guard halves.count <= 2 else { return nil }
        func groups(_ part: Substring) -> [UInt16]? {
            guard !part.isEmpty else { return [] }
            var out: [UInt16] = []
            for g in part.split(separator: ":", omittingEmptySubsequences: false) {
                guard !g.isEmpty, g.count <= 4, let v = UInt16(g, radix: 16) else { return nil }
                out.append(v)
            }
            return out
        }
        guard let head = groups(halves[0]) else { return nil }
        var all = head
        if halves.count == 2 {
            guard let tail = groups(halves[1]), head.count + tail.count < 8 else { return nil }
            all += Array(repeating: 0, count: 8 - head.count - tail.count) + tail
        }
        guard all.count == 8 else { return nil }
        return all.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
    }
}

extension String {
    /// Splits on the first `::` (IPv6 zero compression).
    func components(separatedByDoubleColon _: Void) -> [Substring] {
        let scalars = Array(utf8)
        var i = 0
        while i + 1 < scalars.count {
            if scalars[i] == UInt8(ascii: ":"), scalars[i + 1] == UInt8(ascii: ":") {
                let a = self.utf8.index(startIndex, offsetBy: i), b = self.utf8.index(startIndex, offsetBy: i + 2)
                let rest = self[b...]
                if rest.contains("::") { return [self[..<a], rest, rest] }
                return [self[..<a], rest]
            }
            i += 1
        }
        return [self[...]]
    }
}
