import AccessLabPolicy
import Foundation
import PropertyBased
import Testing

@Suite struct PolicyTests {
    struct CorpusCase: Sendable, CustomTestStringConvertible {
        var name: String, source: String, expect: String, sids: [String]?, json: JSONValue
        var testDescription: String { name }
    }

    static let corpus: [CorpusCase] = {
        guard let text = try? readFile("\(repositoryRoot)/Tests/AccessLabTests/PolicyCorpus/corpus.json"),
              case .array(let items)? = try? JSONValue.parse(text) else { return [] }
        return items.compactMap { item in
            guard let name = item["name"]?.scalarText, let source = item["source"]?.scalarText,
                  let expect = item["expect"]?.scalarText, let json = item["case"] else { return nil }
            var sids: [String]?
            if case .array(let s)? = item["sids"] { sids = s.compactMap(\.scalarText) }
            return CorpusCase(name: name, source: source, expect: expect, sids: sids, json: json)
        }
    }()

    @Test func theCorpusHasAtLeast150CasesEachNamingItsSource() {
        #expect(Self.corpus.count >= 150)
        #expect(Self.corpus.allSatisfy { c in ["User Guide", "Developer Guide", "API Reference", "identity-center-facts"].contains { c.source.contains($0) } })
        let families = Set(Self.corpus.flatMap { c -> [String] in
            let text = "\(c.json)"
            return ConditionOperator.Family.allCases.map(\.rawValue).filter { text.contains("\"\($0)") || text.contains(":\($0)") }
        })
        #expect(families.count == ConditionOperator.Family.allCases.count, "every operator family appears")
    }

    @Test(arguments: corpus)
    func corpusCase(_ c: CorpusCase) throws {
        let decision = Evaluator.evaluate(try EvaluationCase.parse(c.json))
        #expect(decision.response.rawValue == c.expect, "\(c.source)")
        if let sids = c.sids { #expect(decision.statements.map { $0.sid ?? "" } == sids) }
    }

    @Test(arguments: [
        (#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"},{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEquals":"x"}}]}"#,
         "identityPolicies[0].Statement[1].Condition.StringEquals: expected an object of condition keys"),
        (#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEqualz":{"a":"b"}}}]}"#,
         "identityPolicies[0].Statement[0].Condition.StringEqualz: unknown condition operator"),
        (#"{"Version":"2012-10-17","Statement":{"Effect":"Permit","Action":"s3:*","Resource":"*"}}"#,
         "identityPolicies[0].Statement.Effect: must be Allow or Deny"),
        (#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","NotAction":"iam:*","Resource":"*"}]}"#,
         "identityPolicies[0].Statement[0].NotAction: Action and NotAction cannot both appear"),
        (#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"getobject","Resource":"*"}]}"#,
         "identityPolicies[0].Statement[0].Action: 'getobject' is not an action"),
        (#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::${aws:username"}]}"#,
         "identityPolicies[0].Statement[0].Resource: '${' without a closing '}'"),
        (#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"Null":{"k":"maybe"}}}]}"#,
         "identityPolicies[0].Statement[0].Condition.Null.k: Null takes true or false"),
        (#"{"Version":"2019-01-01","Statement":[]}"#, "identityPolicies[0].Version: '2019-01-01' is not a policy language version"),
        (#"{"Statement":[{"Effect":"Allow","Action":[],"Resource":"*"}]}"#, "identityPolicies[0].Statement[0].Action: an empty list"),
        (#"[1,2]"#, "identityPolicies[0]: a policy is a JSON object"),
    ])
    func invalidPoliciesNameThePath(_ policy: String, _ expected: String) {
        let text = #"{"request":{"action":"s3:GetObject"},"identityPolicies":["# + policy + "]}"
        do {
            let json = try JSONValue.parse(text)
            _ = try EvaluationCase.parse(json)
            Issue.record("accepted: \(policy)")
        } catch {
            #expect("\(error)".hasPrefix(expected), "\(error)")
        }
    }

    /// Random JSON, truncations and type confusions: an error or a decision, never a trap.
    @Test func malformedDocumentsNeverTrap() async {
        let seeds = Self.corpus.prefix(40).map { "\($0.json)" }
        let valid = Self.corpus.prefix(40).compactMap { c -> String? in Self.render(c.json) }
        await propertyCheck(count: 300, input: Gen.int(in: 0...Int.max / 2), Gen.int(in: 0...10_000)) { pick, cut in
            let text = valid[pick % valid.count]
            let bytes = Array(text.utf8)
            var variants = [String(decoding: bytes.prefix(cut % (bytes.count + 1)), as: UTF8.self)]
            var flipped = bytes
            if !flipped.isEmpty { flipped[cut % flipped.count] = UInt8(truncatingIfNeeded: pick % 256) }
            variants.append(String(decoding: flipped, as: UTF8.self))
            variants.append(text.replacingOccurrences(of: "\"Allow\"", with: ["1", "[]", "{}", "null", "true"][pick % 5]))
            variants.append(text.replacingOccurrences(of: "\"Resource\"", with: "\"Condition\""))
            variants.append(String(repeating: "[", count: cut % 200) + text)
            for v in variants {
                if let json = try? JSONValue.parse(v), let c = try? EvaluationCase.parse(json) { _ = Evaluator.evaluate(c) }
            }
        }
        #expect(seeds.count == 40)
    }

    @Test func deepNestingIsAnErrorNotAStackOverflow() {
        #expect(throws: JSONSyntaxError.self) { try JSONValue.parse(String(repeating: "[", count: 100_000)) }
    }

    /// JSON text of a value (the corpus cases are reparsed from this).
    static func render(_ v: JSONValue) -> String {
        switch v {
        case .string(let s):
            var out = "\""
            for u in s.unicodeScalars {
                switch u {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "\n": out += "\\n"
                default: out.unicodeScalars.append(u)
                }
            }
            return out + "\""
        case .number(let n): return n
        case .bool(let b): return b ? "true" : "false"
        case .null: return "null"
        case .array(let items): return "[" + items.map(render).joined(separator: ",") + "]"
        case .object(let pairs): return "{" + pairs.map { render(.string($0.0)) + ":" + render($0.1) }.joined(separator: ",") + "}"
        }
    }
}
