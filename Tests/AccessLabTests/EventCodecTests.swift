@testable import AccessLabEvents
import AccessLabSimulation
import PropertyBased
import Testing

@Suite("Event codec")
struct EventCodecTests {
    /// Runs `check` on `count` arbitrary events of `type`, recording any error it throws against the type.
    func forArbitrary(_ type: EventType, count: Int, _ check: @escaping @Sendable (NewEvent) throws -> Void) async {
        await propertyCheck(count: count, input: Gen.uint64(in: 0 ... .max)) { seed in
            do {
                try check(try arbitraryEvent(type, seed: seed))
            } catch {
                Issue.record("\(type): \(error)")
            }
        }
    }

    @Test("every event type round-trips through the binary form", arguments: EventType.allCases)
    func binaryRoundTrip(type: EventType) async {
        await forArbitrary(type, count: 60) { event in
            let decoded = try EventCodec.decode(seq: 42, from: try EventCodec.encode(event))
            #expect(decoded == event.logged(as: 42))
        }
    }

    @Test("the generated encoder writes exactly what the Codable reference encoder writes", arguments: EventType.allCases)
    func generatedMatchesCodable(type: EventType) async {
        await forArbitrary(type, count: 60) { event in
            let generated = try EventCodec.encode(event), reference = try EventCodec.encodeWithCodable(event)
            #expect(generated == reference)
        }
    }

    @Test("every event type round-trips through the JSON form", arguments: EventType.allCases)
    func jsonRoundTrip(type: EventType) async {
        await forArbitrary(type, count: 30) { event in
            let parsed = try EventJSON.parse(Substring(try EventJSON.line(event.logged(as: 7))))
            #expect(parsed.seq == 7)
            #expect(parsed.event == event)
        }
    }

    @Test("every truncation of an encoded event is an error, never a trap")
    func truncations() throws {
        for (i, type) in EventType.allCases.enumerated() {
            let bytes = try EventCodec.encode(try arbitraryEvent(type, seed: UInt64(i) * 7919 + 1))
            for length in 0..<bytes.count {
                #expect(throws: EventDecodingError.self) { try EventCodec.decode(seq: 1, from: Array(bytes[0..<length])) }
            }
            #expect(throws: EventDecodingError.self) { try EventCodec.decode(seq: 1, from: bytes + [0]) }
        }
    }

    @Test("corrupted bytes decode to an error or to some event, never a trap")
    func corruption() async throws {
        await propertyCheck(count: 400, input: Gen.uint64(in: 0 ... .max), Gen.int(in: 0...10_000), Gen.uint8(in: 1...255)) { seed, position, mask in
            let type = EventType.allCases[Int(seed % UInt64(EventType.allCases.count))]
            guard let event = try? arbitraryEvent(type, seed: seed), var bytes = try? EventCodec.encode(event) else { return }
            bytes[position % bytes.count] ^= mask
            // Reaching the next line is the property: decoding returned or threw.
            let outcome = Result { try EventCodec.decode(seq: 1, from: bytes) }
            if case .success(let decoded) = outcome { #expect(decoded.seq == 1) }
        }
    }

    @Test("random bytes are rejected cleanly")
    func randomBytes() {
        var rng = Xoshiro256StarStar(seed: 99)
        var rejected = 0
        for _ in 0..<2000 {
            let bytes = (0..<Int.random(in: 0...64, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            if (try? EventCodec.decode(seq: 1, from: bytes)) == nil { rejected += 1 }
        }
        #expect(rejected > 1900)
    }

    @Test("a payload with a field missing in JSON names the field")
    func missingField() {
        let line = #"{"time":"2026-03-02T09:00:00Z","type":"CreateUser","actor":"scim","payload":{"userId":"u-1","active":true,"attributes":{"givenName":"A","familyName":"B","displayName":"A B","email":"a@b"}}}"#
        #expect(throws: EventJSONError(problem: "field payload.attributes.userName: missing")) { try EventJSON.parse(Substring(line)) }
    }

    @Test("type tags are unique and names look up their type")
    func tagsAndNames() {
        #expect(Set(EventType.allCases.map(\.rawValue)).count == EventType.allCases.count)
        for type in EventType.allCases { #expect(EventType(name: type.name) == type) }
        #expect(EventType(name: "NoSuchOperation") == nil)
    }
}

@Suite struct ByteReaderStringTests {
    func read(_ payload: [UInt8]) -> Result<String, ByteReaderError> {
        let bytes = [UInt8(payload.count)] + payload
        return bytes.withUnsafeBytes { raw in
            var reader = ByteReader(raw)
            do throws(ByteReaderError) { return .success(try reader.string()) } catch { return .failure(error) }
        }
    }

    @Test(arguments: ["u00042", "", "Zoë Ångström", "東京", "🙂 ok", String(repeating: "x", count: 100)])
    func stringsReadBackAsWritten(_ s: String) throws {
        #expect(try read(Array(s.utf8)).get() == s)
    }

    /// Invalid UTF-8 is an error naming the problem, never silently repaired.
    @Test(arguments: [[0xC3], [0xE6, 0x9D], [0xFF], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0x61, 0x80, 0x62]] as [[UInt8]])
    func invalidUTF8IsAnError(_ bytes: [UInt8]) {
        guard case .failure(let e) = read(bytes) else { Issue.record("accepted \(bytes)"); return }
        #expect(e.problem == "invalid UTF-8")
    }
}
