/// A SCIM filter as Identity Center reads one: `attribute eq "value"` comparisons joined by `and`.
/// Every other operator, `or`, `not`, grouping and value paths are refused as `invalidFilter`.
struct SCIMFilter: Equatable {
    struct Comparison: Equatable {
        /// As sent; SCIM attribute names compare without case, so `key` is lower-cased.
        var attribute: String
        var value: String
        var key: String { attribute.lowercased() }
    }

    var comparisons: [Comparison]

    /// The lower-cased attribute names compared, for checking a combination Identity Center accepts.
    var keys: [String] { comparisons.map(\.key).sorted() }

    func value(_ key: String) -> String? { comparisons.first { $0.key == key }?.value }

    static func parse(_ text: String) throws(ServiceError) -> SCIMFilter {
        var scanner = Scanner(Array(text.unicodeScalars))
        var comparisons: [Comparison] = []
        repeat {
            guard let attribute = scanner.word(), !attribute.isEmpty else { throw invalid(text, "an attribute name is expected") }
            guard attribute.unicodeScalars.allSatisfy(Self.isAttributeCharacter) else { throw invalid(text, "\(attribute) is not an attribute path Identity Center filters on") }
            guard let op = scanner.word() else { throw invalid(text, "an operator is expected after \(attribute)") }
            guard op.lowercased() == "eq" else { throw invalid(text, "only the eq operator is supported, not \(op)") }
            guard let value = try scanner.value(text) else { throw invalid(text, "a value is expected after \(attribute) eq") }
            comparisons.append(Comparison(attribute: attribute, value: value))
            guard let joint = scanner.word() else { break }
            guard joint.lowercased() == "and" else { throw invalid(text, "comparisons are joined only by and, not \(joint)") }
        } while true
        return SCIMFilter(comparisons: comparisons)
    }

    static func invalid(_ text: String, _ why: String) -> ServiceError {
        ServiceError("invalidFilter", "The filter \(text) is not supported: \(why)")
    }

    private static func isAttributeCharacter(_ c: Unicode.Scalar) -> Bool {
        switch c {
        case "a"..."z", "A"..."Z", "0"..."9", ".", ":", "_", "-", "$": true
        default: false
        }
    }

    private struct Scanner {
        let text: [Unicode.Scalar]
        var at = 0
        init(_ text: [Unicode.Scalar]) { self.text = text }

        mutating func skipSpaces() { while at < text.count, text[at] == " " { at += 1 } }

        /// The next run of characters up to a space (nil at the end).
        mutating func word() -> String? {
            skipSpaces()
            guard at < text.count else { return nil }
            var out = String.UnicodeScalarView()
            while at < text.count, text[at] != " " { out.append(text[at]); at += 1 }
            return String(out)
        }

        /// A JSON string (escapes read) or a bare literal (`true`, a number).
        mutating func value(_ whole: String) throws(ServiceError) -> String? {
            skipSpaces()
            guard at < text.count else { return nil }
            guard text[at] == "\"" else { return word() }
            at += 1
            var out = String.UnicodeScalarView()
            while at < text.count {
                let c = text[at]
                at += 1
                if c == "\"" { return String(out) }
                if c == "\\" {
                    guard at < text.count else { break }
                    let escaped = text[at]
                    at += 1
                    switch escaped {
                    case "n": out.append("\n")
                    case "t": out.append("\t")
                    default: out.append(escaped)
                    }
                } else {
                    out.append(c)
                }
            }
            throw SCIMFilter.invalid(whole, "a quoted value is not closed")
        }
    }
}
