/// A string from a policy: literal text, `*` and `?` wildcards, and (in 2012-10-17 policies) policy
/// variables such as `${aws:PrincipalTag/team}` or `${aws:PrincipalTag/team, 'none'}`, with the escapes
/// `${*}`, `${?}`, `${$}` standing for literal characters.
public struct Pattern: Sendable, CustomStringConvertible {
    public enum Mode: Sendable { case plain, withVariables }

    enum Token: Sendable, Equatable {
        case char(Unicode.Scalar)
        case star
        case any1
        case variable(key: ContextKey, fallback: String?)
    }

    let tokens: [Token]
    public let description: String
    let hasVariables: Bool
    /// True when the pattern is plain text (no wildcard, no variable): matching is then equality.
    let isLiteral: Bool
    /// The pattern's literal characters (for a literal or a prefix pattern, the text to compare).
    let scalars: [Unicode.Scalar]
    /// `*` alone (matches anything), or literal text then one final `*` (`s3:*`, `s3:Get*`): the shapes
    /// most policies use, matched without the glob loop.
    let isAnything: Bool
    let isPrefix: Bool

    public init(_ text: String, mode: Mode, path: String) throws(PolicyError) {
        description = text
        var out: [Token] = []
        let s = Array(text.unicodeScalars)
        var i = 0
        var variables = false
        while i < s.count {
            let c = s[i]
            if mode == .withVariables, c == "$", i + 1 < s.count, s[i + 1] == "{" {
                guard let close = s[(i + 2)...].firstIndex(of: "}") else {
                    throw PolicyError(path: path, problem: "'${' without a closing '}' in '\(text)'")
                }
                let inner = String(String.UnicodeScalarView(s[(i + 2)..<close]))
                i = close + 1
                switch inner {
                case "*": out.append(.char("*"))
                case "?": out.append(.char("?"))
                case "$": out.append(.char("$"))
                default:
                    var key = inner, fallback: String?
                    if let comma = inner.firstIndex(of: ",") {
                        key = String(inner[..<comma])
                        let rest = inner[inner.index(after: comma)...].trimmingSpaces()
                        guard rest.count >= 2, rest.first == "'", rest.last == "'" else {
                            throw PolicyError(path: path, problem: "a variable default is quoted: ${key, 'default'}, got '${\(inner)}'")
                        }
                        fallback = String(rest.dropFirst().dropLast())
                    }
                    key = key.trimmingSpaces()
                    guard !key.isEmpty else { throw PolicyError(path: path, problem: "an empty policy variable in '\(text)'") }
                    out.append(.variable(key: ContextKey(lowercased: key.lowercased()), fallback: fallback))
                    variables = true
                }
                continue
            }
            out.append(c == "*" ? .star : c == "?" ? .any1 : .char(c))
            i += 1
        }
        tokens = out
        hasVariables = variables
        isLiteral = out.allSatisfy { if case .char = $0 { true } else { false } }
        scalars = out.compactMap { if case .char(let c) = $0 { c } else { nil } }
        isAnything = out == [.star]
        isPrefix = out.last == .star && out.dropLast().allSatisfy { if case .char = $0 { true } else { false } }
    }

    /// `glob` against a value already split into scalars, with fast paths for the common shapes.
    func matches(_ value: [Unicode.Scalar]) -> Bool {
        if isLiteral { return scalars == value }
        if isPrefix { return Pattern.hasPrefix(value, scalars) }
        return Pattern.glob(tokens[...], value[...])
    }

    static func hasPrefix(_ value: [Unicode.Scalar], _ prefix: [Unicode.Scalar]) -> Bool {
        guard value.count >= prefix.count else { return false }
        for i in prefix.indices where value[i] != prefix[i] { return false }
        return true
    }

    /// The pattern with variables replaced from `context`; nil when a variable has no value and no default
    /// (IAM then treats the comparison as false).
    func resolve(_ context: RequestContext) -> [Token]? {
        guard hasVariables else { return tokens }
        var out: [Token] = []
        for t in tokens {
            guard case .variable(let key, let fallback) = t else { out.append(t); continue }
            // Variable keys are lowercased when the policy is parsed.
            let values = context.values(key) ?? []
            let value: String
            if values.count == 1 { value = values[0] } else if let fallback { value = fallback } else { return nil }
            out.append(contentsOf: value.unicodeScalars.map(Token.char))
        }
        return out
    }

    /// Whether the pattern, variables resolved from `context` and wildcards taken literally, is `value`:
    /// `literal(resolve(context)) == value` without building either (Equals operators). Nil when a
    /// variable has no value and no default.
    func resolvedEquals(_ value: String, in context: RequestContext) -> Bool? {
        var v = value.unicodeScalars.makeIterator()
        scalarwise: do {
            for t in tokens {
                switch t {
                case .char(let c): guard v.next() == c else { break scalarwise }
                case .star: guard v.next() == "*" else { break scalarwise }
                case .any1: guard v.next() == "?" else { break scalarwise }
                case .variable(let key, let fallback):
                    let values = context.values(key) ?? []
                    let resolved: String
                    if values.count == 1 { resolved = values[0] } else if let fallback { resolved = fallback } else { return nil }
                    for c in resolved.unicodeScalars { guard v.next() == c else { break scalarwise } }
                }
            }
            if v.next() == nil { return true }
        }
        // Scalar by scalar they differ; only text beyond ASCII can still be canonically equal (String's ==).
        let asciiOnly = value.utf8.allSatisfy { $0 < 0x80 } && tokens.allSatisfy { token in
            switch token {
            case .char(let c): return c.isASCII
            case .star, .any1: return true
            case .variable(let key, let fallback):
                let values = context.values(key) ?? []
                return (values.count == 1 ? values[0] : fallback ?? "").utf8.allSatisfy { $0 < 0x80 }
            }
        }
        if asciiOnly { return false }
        return resolve(context).map { Pattern.literal($0) == value }
    }

    /// The resolved text with wildcards taken literally (for Equals operators).
    static func literal(_ tokens: [Token]) -> String {
        var s = String.UnicodeScalarView()
        for t in tokens {
            switch t {
            case .char(let c): s.append(c)
            case .star: s.append("*")
            case .any1: s.append("?")
            case .variable: break
            }
        }
        return String(s)
    }

    /// Glob match of `value` against resolved tokens: `*` any run, `?` one character.
    static func glob(_ tokens: ArraySlice<Token>, _ value: ArraySlice<Unicode.Scalar>, ignoreCase: Bool = false) -> Bool {
        var p = tokens.startIndex, v = value.startIndex
        var starP: Int? = nil, starV = value.startIndex
        func same(_ a: Unicode.Scalar, _ b: Unicode.Scalar) -> Bool {
            guard ignoreCase else { return a == b }
            return a.properties.lowercaseMapping == b.properties.lowercaseMapping
        }
        while v < value.endIndex {
            if p < tokens.endIndex {
                switch tokens[p] {
                case .star:
                    starP = p; starV = v; p += 1; continue
                case .any1:
                    p += 1; v += 1; continue
                case .char(let c) where same(c, value[v]):
                    p += 1; v += 1; continue
                default: break
                }
            }
            guard let sp = starP else { return false }
            p = sp + 1
            starV += 1
            v = starV
        }
        while p < tokens.endIndex, tokens[p] == .star { p += 1 }
        return p == tokens.endIndex
    }

    static func glob(_ tokens: [Token], _ value: String, ignoreCase: Bool = false) -> Bool {
        glob(tokens[...], Array(value.unicodeScalars)[...], ignoreCase: ignoreCase)
    }

    /// ARN matching as IAM does it: the six colon-separated parts are matched one by one (wildcards do
    /// not cross the first five colons; the resource part takes the rest). A lone `*` matches anything.
    static func arnMatch(_ tokens: [Token], _ value: String) -> Bool { arnMatch(tokens, Array(value.unicodeScalars)) }

    static func arnMatch(_ tokens: [Token], _ v: [Unicode.Scalar]) -> Bool {
        if tokens.count == 1, tokens[0] == .star { return true }
        let pParts = split(tokens[...], maxParts: 6) { $0 == .char(":") }
        let vParts = split(v[...], maxParts: 6) { $0 == ":" }
        guard vParts.count == 6, tokens.first == .char("a") else { return glob(tokens[...], v[...]) }
        // A pattern with fewer parts: the leading parts match one to one, its last part takes the rest.
        let n = pParts.count
        for i in 0..<(n - 1) where !glob(pParts[i], vParts[i]) { return false }
        let rest = v[vParts[n - 1].startIndex..<v.endIndex]
        return n == 6 ? glob(pParts[5], vParts[5]) : glob(pParts[n - 1], rest)
    }

    static func split<T>(_ s: ArraySlice<T>, maxParts: Int, isSeparator: (T) -> Bool) -> [ArraySlice<T>] {
        var parts: [ArraySlice<T>] = []
        var start = s.startIndex
        var i = s.startIndex
        while i < s.endIndex, parts.count < maxParts - 1 {
            if isSeparator(s[i]) { parts.append(s[start..<i]); start = i + 1 }
            i += 1
        }
        parts.append(s[start..<s.endIndex])
        return parts
    }
}

extension StringProtocol {
    func trimmingSpaces() -> String {
        var sub = Substring(self)
        while sub.first == " " { sub = sub.dropFirst() }
        while sub.last == " " { sub = sub.dropLast() }
        return String(sub)
    }
}
