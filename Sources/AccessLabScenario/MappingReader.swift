import AccessLabEvents
import AccessLabSimulation

/// Reads one YAML mapping field by field, with the dotted path and position of each value for errors,
/// and refuses keys nobody asked for (a typo must not silently fall back to a default).
final class MappingReader {
    let node: ScenarioNode
    let path: String
    private let pairs: [(key: String, keyLocation: SourceLocation, value: ScenarioNode)]
    private var asked: [String] = []

    init(_ node: ScenarioNode, path: String) throws(ScenarioError) {
        guard case .mapping(let pairs) = node.value else { throw ScenarioError(node.location, field: path, "expected a mapping of fields") }
        self.node = node
        self.path = path
        self.pairs = pairs
    }

    func field(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// The value under `key`, if present and not null.
    func value(_ key: String) -> ScenarioNode? {
        asked.append(key)
        guard let v = pairs.first(where: { $0.key == key })?.value else { return nil }
        if case .null = v.value { return nil }
        return v
    }

    func has(_ key: String) -> Bool { pairs.contains { $0.key == key } }

    /// Fails on the first key that was never asked for.
    func finish() throws(ScenarioError) {
        for pair in pairs where !asked.contains(pair.key) {
            throw ScenarioError(pair.keyLocation, field: field(pair.key), "unknown field (expected one of: \(asked.joined(separator: ", ")))")
        }
    }

    // MARK: Typed values

    func string(_ key: String) throws(ScenarioError) -> String? {
        guard let v = value(key) else { return nil }
        return try Self.scalar(v, field(key))
    }

    func requiredString(_ key: String) throws(ScenarioError) -> String {
        guard let s = try string(key) else { throw ScenarioError(node.location, field: field(key), "is required") }
        return s
    }

    func int(_ key: String, _ fallback: Int, in range: ClosedRange<Int>) throws(ScenarioError) -> Int {
        guard let v = value(key) else { return fallback }
        let text = try Self.scalar(v, field(key))
        guard let n = Int(text.replacingUnderscores()), range.contains(n) else {
            throw ScenarioError(v.location, field: field(key), "expected a whole number in \(range.lowerBound)...\(range.upperBound), got '\(text)'")
        }
        return n
    }

    func double(_ key: String, _ fallback: Double, in range: ClosedRange<Double>) throws(ScenarioError) -> Double {
        guard let v = value(key) else { return fallback }
        let text = try Self.scalar(v, field(key))
        guard let n = Double(text), n.isFinite, range.contains(n) else {
            throw ScenarioError(v.location, field: field(key), "expected a number in \(range.lowerBound)...\(range.upperBound), got '\(text)'")
        }
        return n
    }

    func bool(_ key: String, _ fallback: Bool) throws(ScenarioError) -> Bool {
        guard let v = value(key) else { return fallback }
        switch try Self.scalar(v, field(key)).lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        case let other: throw ScenarioError(v.location, field: field(key), "expected true or false, got '\(other)'")
        }
    }

    func duration(_ key: String, _ fallback: Duration_ms, in range: ClosedRange<Duration_ms>? = nil) throws(ScenarioError) -> Duration_ms {
        guard let v = value(key) else { return fallback }
        return try Self.duration(v, field(key), in: range)
    }

    func instant(_ key: String) throws(ScenarioError) -> Instant? {
        guard let v = value(key) else { return nil }
        let text = try Self.scalar(v, field(key))
        guard let t = ISO8601.parse(text) else {
            throw ScenarioError(v.location, field: field(key), "expected an ISO-8601 UTC time such as 2026-01-05T00:00:00Z, got '\(text)'")
        }
        return t
    }

    func distribution(_ key: String, _ fallback: Distribution) throws(ScenarioError) -> Distribution {
        guard let v = value(key) else { return fallback }
        return try Self.distribution(v, field(key))
    }

    func list(_ key: String) throws(ScenarioError) -> [ScenarioNode] {
        guard let v = value(key) else { return [] }
        guard case .sequence(let items) = v.value else { throw ScenarioError(v.location, field: field(key), "expected a list") }
        return items
    }

    func strings(_ key: String) throws(ScenarioError) -> [String]? {
        guard let v = value(key) else { return nil }
        if case .scalar(let s) = v.value { return [s] }
        guard case .sequence(let items) = v.value else { throw ScenarioError(v.location, field: field(key), "expected a list of names") }
        var out: [String] = []
        for (i, item) in items.enumerated() { out.append(try Self.scalar(item, "\(field(key))[\(i)]")) }
        return out
    }

    func mapping(_ key: String) throws(ScenarioError) -> MappingReader? {
        guard let v = value(key) else { return nil }
        return try MappingReader(v, path: field(key))
    }

    func oneOf<T: RawRepresentable & CaseIterable>(_ key: String, _ fallback: T) throws(ScenarioError) -> T where T.RawValue == String {
        guard let v = value(key) else { return fallback }
        let text = try Self.scalar(v, field(key))
        guard let e = T(rawValue: text) else {
            throw ScenarioError(v.location, field: field(key), "expected one of \(T.allCases.map(\.rawValue).joined(separator: ", ")), got '\(text)'")
        }
        return e
    }

    // MARK: Node helpers

    static func scalar(_ node: ScenarioNode, _ field: String) throws(ScenarioError) -> String {
        guard case .scalar(let s) = node.value else { throw ScenarioError(node.location, field: field, "expected a single value") }
        return s
    }

    static func duration(_ node: ScenarioNode, _ field: String, in range: ClosedRange<Duration_ms>? = nil) throws(ScenarioError) -> Duration_ms {
        let text = try scalar(node, field)
        guard let d = Duration_ms(parsing: text), d.ms >= 0 else {
            throw ScenarioError(node.location, field: field, "expected a duration such as 40m, 1h30m, 12h or 90d, got '\(text)'")
        }
        if let range, !range.contains(d) {
            throw ScenarioError(node.location, field: field, "must be between \(range.lowerBound) and \(range.upperBound), got \(d)")
        }
        return d
    }

    /// `40m` (fixed), `{uniform: [5m, 2h]}`, `{exponential: 10m}` (mean), `{lognormal: {median: 30s, sigma: 1}}`.
    static func distribution(_ node: ScenarioNode, _ field: String) throws(ScenarioError) -> Distribution {
        if case .scalar = node.value { return .fixed(try duration(node, field)) }
        let m = try MappingReader(node, path: field)
        let result: Distribution
        if let v = m.value("fixed") {
            result = .fixed(try duration(v, m.field("fixed")))
        } else if let v = m.value("uniform") {
            guard case .sequence(let b) = v.value, b.count == 2 else {
                throw ScenarioError(v.location, field: m.field("uniform"), "expected two bounds: [5m, 2h]")
            }
            let lo = try duration(b[0], m.field("uniform") + "[0]"), hi = try duration(b[1], m.field("uniform") + "[1]")
            guard lo <= hi else { throw ScenarioError(v.location, field: m.field("uniform"), "the lower bound is above the upper") }
            result = .uniform(lo, hi)
        } else if let v = m.value("exponential") {
            result = .exponential(mean: try duration(v, m.field("exponential")))
        } else if let v = m.value("lognormal") {
            let l = try MappingReader(v, path: m.field("lognormal"))
            guard let median = l.value("median") else { throw ScenarioError(v.location, field: l.field("median"), "is required") }
            let d = try duration(median, l.field("median"))
            let sigma = try l.double("sigma", 1, in: 0...5)
            try l.finish()
            result = .lognormal(median: d, sigma: sigma)
        } else {
            throw ScenarioError(node.location, field: field, "expected a duration or one of {fixed: D}, {uniform: [A, B]}, {exponential: MEAN}, {lognormal: {median: M, sigma: S}}")
        }
        try m.finish()
        return result
    }
}

extension String {
    func replacingUnderscores() -> String { String(filter { $0 != "_" }) }
}
