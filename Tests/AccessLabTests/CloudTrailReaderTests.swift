import AccessLabAWS
import AccessLabSimulation
import Foundation
import PropertyBased
import Testing

/// `CloudTrailReader`: the records it reads are the records Foundation's JSONSerialization gave, and what
/// is not JSON is an error with its place.
@Suite(.serialized) struct CloudTrailReaderTests {
    static let tiny = sharedRun("ct-reader-tests", [scenarioPath("tiny.yaml"), "--until", "4d", "--no-check"])

    static func read(_ text: String) throws(CloudTrailReader.SyntaxError) -> [Result<CloudTrailRecord, CloudTrailRecord.ReadError>] {
        var out: [Result<CloudTrailRecord, CloudTrailRecord.ReadError>] = []
        let result = Array(text.utf8).withUnsafeBytes { buffer in
            Result { () throws(CloudTrailReader.SyntaxError) in try CloudTrailReader.records(in: buffer) { r, _ in out.append(r) } }
        }
        try result.get()
        return out
    }

    static func value(_ text: String) throws(CloudTrailReader.SyntaxError) -> CloudTrailJSON {
        try Array(text.utf8).withUnsafeBytes { buffer in Result { () throws(CloudTrailReader.SyntaxError) in try CloudTrailReader.value(in: buffer) } }.get()
    }

    static func foundationValue(_ text: String) -> CloudTrailJSON? {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8), options: .fragmentsAllowed)).map(FoundationCloudTrail.json)
    }

    /// Both readers give the same records, and the same reasons for the ones they cannot read.
    static func expectSame(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let new = try read(text), old = FoundationCloudTrail.records(Data(text.utf8))
        #expect(new.count == old.count, sourceLocation: sourceLocation)
        for (a, b) in zip(new, old) {
            switch (a, b) {
            case (.success(let x), .success(let y)): #expect(x == y, "\(x.eventID)", sourceLocation: sourceLocation)
            case (.failure(let x), .failure(let y)): #expect(x.description == y.description, sourceLocation: sourceLocation)
            default: Issue.record("\(a) against Foundation's \(b)", sourceLocation: sourceLocation)
            }
        }
    }

    // Records as the repository's tests write them, and as AWS's documentation shows them (floats in S3's
    // additionalEventData, tlsDetails the reader does not keep, resources, escapes, unicode, nulls).
    static let fixtures = [
        #"{"Records":[{"eventTime":"2026-01-05T00:00:00Z","eventSource":"sso.amazonaws.com","eventName":"CreatePermissionSet"},{"eventVersion":"1.11","eventTime":"not a time","eventSource":"x","eventName":"y","eventID":"e2"},{"eventVersion":"1.11","eventTime":"2026-01-05T00:00:01Z","eventSource":"organizations.amazonaws.com","eventName":"ListAccounts","eventID":"e3","requestParameters":null,"responseElements":null}]}"#,
        #"{"eventVersion":"1.08","eventTime":"2026-01-06T09:00:00Z","eventSource":"signin.amazonaws.com","eventName":"UserAuthentication","eventID":"e1","eventType":"AwsServiceEvent","userIdentity":{"type":"Unknown","principalId":"100000000001","arn":"","accountId":"100000000001","accessKeyId":"","userName":"u00001@example.com"},"serviceEventDetails":{"UserAuthentication":"Success"},"recipientAccountId":"100000000001"}"#
            + "\n"
            + #"{"eventVersion":"1.08","eventTime":"2026-01-06T08:00:00Z","eventSource":"sso-directory.amazonaws.com","eventName":"AddMemberToGroup","eventID":"e3","userIdentity":{"type":"Root"},"requestParameters":{"identityStoreId":"d-1234567890","groupId":"g1","member":{"memberId":"u8"}},"responseElements":null}"#,
        """
        {
          "Records": [
            {
              "eventVersion": "1.09", "userIdentity": {"type": "AssumedRole", "principalId": "AROA:alice", "sessionContext": {"attributes": {"mfaAuthenticated": "false", "creationDate": "2026-01-05T08:00:00Z"}}},
              "eventTime": "2026-01-05T09:00:00Z", "eventSource": "s3.amazonaws.com", "eventName": "GetObject", "awsRegion": "eu-west-1",
              "sourceIPAddress": "203.0.113.7", "userAgent": "[aws-cli/2.15 Python/3.11]", "requestParameters": {"bucketName": "b", "Host": "b.s3.eu-west-1.amazonaws.com", "key": "r\\u00e9sum\\u00e9 \\ud83d\\ude00.pdf"},
              "responseElements": null, "additionalEventData": {"SignatureVersion": "SigV4", "bytesTransferredIn": 0.0, "bytesTransferredOut": 1538.0, "x-amz-id-2": "a/b+c=", "ratio": -2.5e-1, "big": 1E3},
              "requestID": "R1", "eventID": "11111111-2222-3333-4444-555555555555", "readOnly": true,
              "resources": [{"type": "AWS::S3::Object", "ARN": "arn:aws:s3:::b/r\\u00e9sum\\u00e9"}, {"accountId": "123456789012", "type": "AWS::S3::Bucket", "ARN": "arn:aws:s3:::b"}],
              "eventType": "AwsApiCall", "managementEvent": false, "recipientAccountId": "123456789012", "sharedEventID": "x", "eventCategory": "Data",
              "tlsDetails": {"tlsVersion": "TLSv1.3", "cipherSuite": "TLS_AES_128_GCM_SHA256", "clientProvidedHostHeader": "b.s3.eu-west-1.amazonaws.com"}
            },
            {"eventTime": "2026-01-05T09:00:01Z", "eventSource": "iam.amazonaws.com", "eventName": "PutRolePolicy", "eventID": "e-2", "readOnly": 1,
             "requestParameters": {"policyDocument": "{\\n  \\"Version\\": \\"2012-10-17\\",\\t\\"Statement\\": [{\\"Effect\\": \\"Allow\\", \\"Action\\": \\"s3:*\\", \\"Resource\\": \\"*\\"}]\\r\\n}", "z": [1, -1, 0, [], {}, [true, false, null]], "a": "\\/\\b\\f"},
             "resources": {"not": "an array"}, "userAgent": 7, "eventVersion": null, "managementEvent": "true"},
            "not a record",
            {"eventTime": "2026-01-05T09:00:02Z", "eventSource": "sts.amazonaws.com", "eventName": "AssumeRoleWithSAML", "eventID": "e-3", "eventID": "e-3-last",
             "responseElements": {"credentials": {"expiration": "Jan 5, 2026, 10:00:02 AM"}, "b": 1, "a": 2, "b": 3, "packedPolicySize": 6}}
          ]
        }
        """,
        #"{"Records":[]}"#,
        "",
    ]

    @Test func everyFixtureReadsAsFoundationReadIt() throws {
        for fixture in Self.fixtures { try Self.expectSame(fixture) }
    }

    @Test(arguments: [false, true]) func aSimulatedTrailReadsAsFoundationReadIt(withBodies: Bool) throws {
        let r = try runAccesslab(["log", "--db", Self.tiny, "--cloudtrail"] + (withBodies ? ["--with-bodies"] : []))
        #expect(r.code == 0, "\(r.err)")
        let records = try Self.read(r.out)
        #expect(records.count > 100 && records.allSatisfy { (try? $0.get()) != nil })
        try Self.expectSame(r.out)
        // The same records a line, as CloudTrail Lake exports them.
        let lines = try records.map { String(decoding: try JSONEncoder().encode(try $0.get()), as: UTF8.self) }.joined(separator: "\n")
        #expect(try Self.read(lines).map { try $0.get() } == records.map { try $0.get() })
        try Self.expectSame(lines)
    }

    /// What `recordSpans(in:)` keeps of each record is what `records(in:)` reads, and read in place it is the same tree.
    static func expectSameSpans(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let trees = try read(text)
        var spans: [Result<CloudTrailRecordSpans, CloudTrailRecord.ReadError>] = []
        var views: [String: [CloudTrailJSON?]] = [:]
        let bytes = Array(text.utf8)
        let result = bytes.withUnsafeBytes { buffer in
            Result { () throws(CloudTrailReader.SyntaxError) in
                try CloudTrailReader.recordSpans(in: buffer) { r, _ in
                    spans.append(r)
                    guard case .success(let s) = r else { return }
                    withUnsafePointer(to: s) { record in
                        let v = CloudTrailRecordView(record, in: buffer.assumingMemoryBound(to: UInt8.self))
                        views[s.eventID] = [v.userIdentity.tree, v.requestParameters.tree, v.responseElements.tree, v.additionalEventData.tree,
                                            v.serviceEventDetails.tree]
                        let found = [v.onBehalfOfUserId, v.userName, v.roleArn, v.credentialsExpiration, v.accountId, v.roleName,
                                     v.userAuthentication, v.body, v.additionalUserName].map { $0?.tree }
                        let walked = [v.userIdentity["onBehalfOf"]?["userId"], v.userIdentity["userName"], v.requestParameters["roleArn"],
                                      v.responseElements["credentials"]?["expiration"], v.serviceEventDetails["account_id"],
                                      v.serviceEventDetails["role_name"], v.serviceEventDetails["UserAuthentication"],
                                      v.additionalEventData["accesslab:body"], v.additionalEventData["UserName"]].map { $0?.tree }
                        #expect(found == walked, "\(s.eventID): the members found while reading answer as the lookups", sourceLocation: sourceLocation)
                    }
                }
            }
        }
        try result.get()
        #expect(spans.count == trees.count, sourceLocation: sourceLocation)
        for (a, b) in zip(spans, trees) {
            switch (a, b) {
            case (.success(let x), .success(let y)):
                #expect(x.eventTime == y.eventTime && x.eventSource == y.eventSource && x.eventName == y.eventName && x.eventID == y.eventID
                        && x.errorCode == y.errorCode && x.recipientAccountId == y.recipientAccountId, sourceLocation: sourceLocation)
                let userIdentity: CloudTrailJSON? = y.userIdentity == .null ? nil : y.userIdentity
                let expected = [userIdentity, y.requestParameters, y.responseElements, y.additionalEventData, y.serviceEventDetails]
                #expect(views[x.eventID].map { zip($0, expected).allSatisfy { ($0 ?? .null) == ($1 ?? .null) } } == true, "\(x.eventID)", sourceLocation: sourceLocation)
            case (.failure(let x), .failure(let y)): #expect(x.description == y.description, sourceLocation: sourceLocation)
            default: Issue.record("\(a) against \(b)", sourceLocation: sourceLocation)
            }
        }
    }

    @Test func recordSpansKeepWhatRecordsRead() throws {
        for fixture in Self.fixtures { try Self.expectSameSpans(fixture) }
        for withBodies in [false, true] {
            let r = try runAccesslab(["log", "--db", Self.tiny, "--cloudtrail"] + (withBodies ? ["--with-bodies"] : []))
            try Self.expectSameSpans(r.out)
        }
    }

    /// The members the import reads of nearly every record are found while the record is read; a later duplicate
    /// still wins, a value of another type is still no answer, and a name with an escape is still that name.
    @Test func membersFoundWhileReadingAnswerAsLookups() throws {
        let head = #""eventTime":"2026-01-05T00:00:00Z","eventSource":"sso.amazonaws.com","eventName":"GetRoleCredentials","#
        try Self.expectSameSpans([
            #"{\#(head)"eventID":"plain","userIdentity":{"onBehalfOf":{"userId":"a"},"userName":"n1","onBehalfOf":{"userId":"b","userId":"c"},"userName":7},"#
                + #""serviceEventDetails":{"account_id":"1","role_name":"r","account_id":"2","UserAuthentication":"Success"},"#
                + #""responseElements":{"credentials":{"expiration":"x"},"credentials":"hidden"},"requestParameters":{"roleArn":[1],"roleArn":"arn"},"#
                + #""additionalEventData":{"accesslab:body":{"seq":1},"UserName":"u","UserName":null}}"#,
            #"{\#(head)"eventID":"escaped","userIdentity":{"onBehalfOf":{"userId":"a","user\u0049d":"b"}},"serviceEventDetails":{"\u0061ccount_id":"9"},"#
                + #""responseElements":{"credentials":{"expiration":"x"},"cr\u00e9dentials":{"expiration":"y"}},"userIdentity":{"onBehalfOf":{"userId":"d"}}}"#,
            #"{\#(head)"eventID":"others","userIdentity":"x","serviceEventDetails":null,"responseElements":{"credentials":[{"expiration":"x"}]},"#
                + #""requestParameters":{},"additionalEventData":{"accesslab:body":1,"UserName":{"a":"b"}}}"#,
        ].joined(separator: "\n"))
    }

    /// A view answers every member, element and scalar as the tree the reader builds of the same bytes.
    @Test func viewsAnswerAsTrees() async {
        func same(_ view: CloudTrailJSONView?, _ tree: CloudTrailJSON?) -> Bool {
            guard let view, let tree else { return view == nil && tree == nil }
            switch tree {
            case .object(let members):
                return view.stringValue == nil && view.elements == nil && members.allSatisfy { same(view[$0.0], $0.1) } && view["no such member"] == nil
            case .array(let items):
                guard let elements = view.elements, elements.count == items.count else { return false }
                return zip(elements, items).allSatisfy { same($0, $1) } && view["0"] == nil
            case .string(let s): return view.stringValue == s && view.elements == nil
            case .number(let n): return view.numberValue == n && view.stringValue == nil
            case .bool(let b): return view.boolValue == b
            case .null: return view.stringValue == nil && view.boolValue == nil && view.numberValue == nil && view.elements == nil
            }
        }
        await propertyCheck(count: 300, input: Gen.uint64(in: 0 ... .max)) { seed in
            guard let (tree, data) = Self.arbitraryEncoded(seed) else { return }
            let bytes = Array(data)
            bytes.withUnsafeBufferPointer { buffer in
                var start = 0, end = buffer.count
                while start < end, [0x20, 0x0a].contains(buffer[start]) { start += 1 }
                while end > start, [0x20, 0x0a].contains(buffer[end - 1]) { end -= 1 }
                let view = CloudTrailJSONView(buffer, ByteSpan(start: start, end: end))
                #expect(same(view, Self.sortedMembers(tree)), "\(String(decoding: data, as: UTF8.self))")
            }
        }
        let duplicates = Array(#"{"b":1,"a":{"y":2,"x":3},"b":4,"\u212Aey":"kelvin","Key":"ascii"}"#.utf8)
        duplicates.withUnsafeBufferPointer { buffer in
            let view = CloudTrailJSONView(buffer, ByteSpan(start: 0, end: buffer.count))
            #expect(view["b"]?.numberValue == 4 && view["a"]?["x"]?.numberValue == 3 && view["Key"]?.stringValue == "ascii")
        }
    }

    // MARK: Values

    @Test(arguments: [
        (#""plain""#, "plain"), (#""\u00e9\u00E9""#, "éé"), (#""\ud83d\ude00""#, "😀"), (#""\/\\\"\b\f\n\r\t""#, "/\\\"\u{8}\u{c}\n\r\t"),
        (#""ünïcødé ✓ 😀""#, "ünïcødé ✓ 😀"), (#""\u0000""#, "\u{0}"), (#""a\u0020b""#, "a b"), (#""""#, ""),
        ("\"" + String(repeating: "long\\n", count: 40) + "\"", String(repeating: "long\n", count: 40)),
    ]) func stringsAndTheirEscapes(json: String, expected: String) throws {
        #expect(try Self.value(json) == .string(expected))
        #expect(Self.foundationValue(json) == .string(expected))
    }

    @Test(arguments: ["0", "-0", "7", "-7", "123456789", "9223372036854775807", "-9223372036854775808", "1.5", "-1.5", "0.999",
                      "1e3", "1E+3", "2.5E-3", "-2.5e2", "1538.0", "0.0", "123456789.75"])
    func numbersAsFoundationReadThem(json: String) throws {
        #expect(try Self.value(json) == Self.foundationValue(json))
    }

    @Test func numbersBeyondInt64AreCutToItsBounds() throws {
        #expect(try Self.value("9223372036854775808") == .number(.max))
        #expect(try Self.value("-1e300") == .number(.min))
        #expect(try Self.value("[true,false,null]") == [true, false, .null])
    }

    @Test func objectMembersAreSortedAndALaterDuplicateWins() throws {
        #expect(try Self.value(#"{"b":1,"a":{"y":2,"x":3},"b":4}"#) == ["a": ["x": 3, "y": 2], "b": 4])
        #expect(Self.foundationValue(#"{"b":1,"a":{"y":2,"x":3},"b":4}"#) == ["a": ["x": 3, "y": 2], "b": 4])
    }

    /// Arbitrary trees written by JSONEncoder (escaping what it escapes) read back as they were, members sorted.
    @Test func arbitraryValuesReadBackAsWritten() async {
        await propertyCheck(count: 300, input: Gen.uint64(in: 0 ... .max)) { seed in
            guard let (tree, data) = Self.arbitraryEncoded(seed) else { return }
            let text = String(decoding: data, as: UTF8.self)
            #expect((try? Self.value(text)) == Self.sortedMembers(tree), "\(text)")
            #expect(Self.foundationValue(text) == Self.sortedMembers(tree), "\(text)")
        }
    }

    /// An arbitrary tree from `seed` and JSONEncoder's text of it (pretty-printed half the time); nil, recorded as an issue, if it cannot be encoded.
    static func arbitraryEncoded(_ seed: UInt64) -> (tree: CloudTrailJSON, data: Data)? {
        var rng = Xoshiro256StarStar(seed: seed)
        let tree = arbitrary(&rng, depth: 0)
        let encoder = JSONEncoder()
        if Bool.random(using: &rng) { encoder.outputFormatting = [.prettyPrinted] }
        guard let data = try? encoder.encode(tree) else { Issue.record("cannot encode \(tree)"); return nil }
        return (tree, data)
    }

    static func arbitrary(_ rng: inout Xoshiro256StarStar, depth: Int) -> CloudTrailJSON {
        let strings = ["", "a", "ünïcødé ✓", "😀 and 𝄞", "with \"quotes\" and \\ and / and \n\t\r", "\u{1}\u{1f}\u{7f}", "HIDDEN_DUE_TO_SECURITY_REASONS",
                       String(repeating: "x", count: 100), "\u{2028}\u{feff}"]
        switch Int.random(in: 0..<(depth < 4 ? 7 : 4), using: &rng) {
        case 0: return .string(strings[Int.random(in: 0..<strings.count, using: &rng)])
        case 1: return .number(Bool.random(using: &rng) ? Int64.random(in: .min ... .max, using: &rng) : Int64.random(in: -1000...1000, using: &rng))
        case 2: return .bool(Bool.random(using: &rng))
        case 3: return .null
        case 4: return .array((0..<Int.random(in: 0...4, using: &rng)).map { _ in arbitrary(&rng, depth: depth + 1) })
        default:
            var members: [(String, CloudTrailJSON)] = []
            for _ in 0..<Int.random(in: 0...5, using: &rng) {
                let name = strings[Int.random(in: 0..<strings.count, using: &rng)] + "\(Int.random(in: 0...3, using: &rng))"
                if !members.contains(where: { $0.0 == name }) { members.append((name, arbitrary(&rng, depth: depth + 1))) }
            }
            return .object(members)
        }
    }

    static func sortedMembers(_ v: CloudTrailJSON) -> CloudTrailJSON {
        switch v {
        case .object(let m): .object(m.map { ($0.0, sortedMembers($0.1)) }.sorted { $0.0 < $1.0 })
        case .array(let a): .array(a.map(sortedMembers))
        default: v
        }
    }

    // MARK: What is not JSON

    /// The error reading `text` gives, the same whether records are read as trees or as spans.
    static func syntaxError(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> CloudTrailReader.SyntaxError? {
        let tree: CloudTrailReader.SyntaxError?
        do { _ = try read(text); tree = nil } catch { tree = error }
        let spans = Array(text.utf8).withUnsafeBytes { buffer in
            Result { () throws(CloudTrailReader.SyntaxError) in try CloudTrailReader.recordSpans(in: buffer) { _, _ in } }
        }
        if case .failure(let error) = spans { #expect(error == tree, sourceLocation: sourceLocation) } else { #expect(tree == nil, sourceLocation: sourceLocation) }
        return tree
    }

    @Test(arguments: [
        ("{\"Records\":[\n{\"eventID\":\"a\\x\"}]}", 2, 14, "unknown escape"),
        ("{\"Records\":[]} {\"x\":1}", 1, 16, "after the delivery file"),
        ("{\"Records\":[{}]}\ngarbage", 2, 1, "after the delivery file"),
        ("[1,2]", 1, 1, "expected a JSON object"),
        ("\"Records\"", 1, 1, "expected a JSON object"),
        ("{\"eventID\":\"a\"} {\"eventID\":\"b\"}", 1, 17, "one record a line"),
        ("{\"eventID\":\"a\"}\n{\"eventID\":\"b\",}", 2, 16, "member name"),
        ("{\"Records\":[{\"a\":01}]}", 1, 18, "starts with 0"),
        ("{\"Records\":[{\"a\":1.}]}", 1, 20, "decimal point"),
        ("{\"Records\":[{\"a\":\"\\ud83d\"}]}", 1, 19, "surrogate"),
        ("{\"Records\":[{\"a\":\"\\ude00\"}]}", 1, 19, "surrogate"),
        ("{\"Records\":[{\"a\":\"tab\there\"}]}", 1, 22, "control character"),
        ("{\"Records\":[{\"a\":tru}]}", 1, 18, "expected true"),
        ("{\"Records\":[{\"a\" 1}]}", 1, 18, "':'"),
    ]) func malformedTextIsAnErrorWithItsPlace(text: String, line: Int, column: Int, problem: String) throws {
        let error = try #require(Self.syntaxError(text))
        #expect(error.line == line && error.column == column && error.problem.contains(problem), "\(error)")
    }

    @Test func nestingBeyondTheLimitIsAnErrorNotAStackOverflow() throws {
        let error = try #require(Self.syntaxError("{\"Records\":[" + String(repeating: "[", count: 100_000)))
        #expect(error.problem == "nested deeper than \(CloudTrailReader.depthLimit)" && error.offset < 1_000)
    }

    @Test func invalidUTF8IsAnError() throws {
        var bytes = Array(#"{"Records":[{"a":"x"}]}"#.utf8)
        bytes[18] = 0xff
        let result = bytes.withUnsafeBytes { buffer in
            Result { () throws(CloudTrailReader.SyntaxError) in try CloudTrailReader.records(in: buffer) { _, _ in } }
        }
        guard case .failure(let error) = result else { Issue.record("read invalid UTF-8"); return }
        #expect(error.offset == 17 && error.problem.contains("UTF-8"))
    }

    /// A file cut anywhere (a delivery that did not finish) is an error at or before the cut, never a record.
    @Test func everyTruncationOfADeliveryFileIsAnError() throws {
        let whole = Self.fixtures[2]
        let bytes = Array(whole.utf8)
        #expect(try Self.read(whole).count == 4)
        for cut in 1..<bytes.count where !bytes[cut...].allSatisfy({ $0 == 0x20 || $0 == 0x0a }) {
            let error = try #require(Self.syntaxError(String(decoding: bytes[..<cut], as: UTF8.self)), "cut at \(cut)")
            #expect(error.offset <= cut)
        }
    }

    @Test func theImportNamesTheFileAndPlaceAndImportsNothing() throws {
        let dir = try TemporaryDirectory()
        let good = dir.sub("good.json"), bad = dir.sub("bad.json")
        try Self.fixtures[0].write(toFile: good, atomically: true, encoding: .utf8)
        try "{\"Records\":[\n  {\"eventID\":\"e1\",\n   \"eventName\":\"x\" \"y\"}]}".write(toFile: bad, atomically: true, encoding: .utf8)
        let r = try runAccesslab(["import", "cloudtrail", good, bad, "--db", dir.sub("db")])
        #expect(r.code != 0)
        #expect(r.err.contains("bad.json: line 3, column 20 (byte 51): expected ',' or '}' after a member, found '\"'"), "\(r.err)")
        #expect(r.err.contains("nothing was imported") && !FileManager.default.fileExists(atPath: dir.sub("db")))
    }
}
