@testable import AccessLabEvents
import PropertyBased
import Testing

@Suite("Event codec")
struct EventCodecTests {
    @Test("every event type round-trips through the binary form", arguments: EventType.allCases)
    func binaryRoundTrip(type: EventType) async throws {
        await propertyCheck(count: 60, input: Gen.uint64(in: 0 ... .max)) { seed in
            guard let event = try? arbitraryEvent(type, seed: seed) else {
                Issue.record("could not build an arbitrary \(type)")
                return
            }
            do {
                let bytes = try EventCodec.encode(event)
                let decoded = try EventCodec.decode(seq: 42, from: bytes)
                #expect(decoded == event.logged(as: 42))
            } catch {
                Issue.record("\(type): \(error)")
            }
        }
    }

    @Test("every event type round-trips through the JSON form", arguments: EventType.allCases)
    func jsonRoundTrip(type: EventType) async throws {
        await propertyCheck(count: 30, input: Gen.uint64(in: 0 ... .max)) { seed in
            guard let event = try? arbitraryEvent(type, seed: seed) else {
                Issue.record("could not build an arbitrary \(type)")
                return
            }
            do {
                let line = try EventJSON.line(event.logged(as: 7))
                let parsed = try EventJSON.parse(Substring(line))
                #expect(parsed.seq == 7)
                #expect(parsed.event == event)
            } catch {
                Issue.record("\(type): \(error)")
            }
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
        var rng = SplitMix64(seed: 99)
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
