import AccessLabEvents
import AccessLabSimulation

/// Builds an arbitrary value of any `Decodable` payload by answering every decode call with a random
/// value: strings with unicode and empties, extreme integers, absent and present optionals, enums
/// picked from their cases. One generator covers every event type without a hand-written one each.
final class ArbitraryDecoder: Decoder {
    var rng: Xoshiro256StarStar
    var codingPath: [any CodingKey] = []
    var userInfo: [CodingUserInfoKey: Any] = [:]
    init(seed: UInt64) { rng = Xoshiro256StarStar(seed: seed) }

    static func make<T: Decodable>(_ type: T.Type, seed: UInt64) throws -> T {
        try ArbitraryDecoder(seed: seed).value(T.self)
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(Keyed<Key>(d: self))
    }
    func unkeyedContainer() throws -> any UnkeyedDecodingContainer { Unkeyed(d: self, count: Int.random(in: 0...4, using: &rng)) }
    func singleValueContainer() throws -> any SingleValueDecodingContainer { Single(d: self) }

    func string() -> String {
        let pool = ["", "u-alice", "ünïcødé ✓", "arn:aws:iam::aws:policy/ReadOnlyAccess", "with \"quotes\" and \\ and \n", "a", String(repeating: "x", count: 300)]
        return pool[Int.random(in: 0..<pool.count, using: &rng)]
    }
    func int64() -> Int64 {
        let pool: [Int64] = [0, 1, -1, 127, 128, .max, .min, 1_772_409_600_000, 43_200]
        return Bool.random(using: &rng) ? pool[Int.random(in: 0..<pool.count, using: &rng)] : Int64.random(in: .min ... .max, using: &rng)
    }

    func value<T: Decodable>(_ type: T.Type) throws -> T {
        if let cases = T.self as? any (CaseIterable & Decodable).Type, let picked = pick(cases) as? T { return picked }
        if T.self == Instant.self, let instant = randomInstant() as? T { return instant }
        return try T(from: self)
    }

    func randomInstant() -> Instant {
        Instant(ms: Int64.random(in: Instant.representable.lowerBound.ms...Instant.representable.upperBound.ms, using: &rng))
    }

    private func pick<E: CaseIterable>(_ type: E.Type) -> E? { Array(E.allCases).randomElement(using: &rng) }

    struct Keyed<Key: CodingKey>: KeyedDecodingContainerProtocol {
        let d: ArbitraryDecoder
        var codingPath: [any CodingKey] { [] }
        var allKeys: [Key] { [] }
        func contains(_ key: Key) -> Bool { true }
        func decodeNil(forKey key: Key) throws -> Bool { Bool.random(using: &d.rng) }
        func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { Bool.random(using: &d.rng) }
        func decode(_ type: String.Type, forKey key: Key) throws -> String { d.string() }
        func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { d.int64() }
        func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { UInt64(bitPattern: d.int64()) }
        func decode(_ type: Int.Type, forKey key: Key) throws -> Int { Int(truncatingIfNeeded: d.int64()) }
        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try d.value(type) }
        func nestedContainer<N: CodingKey>(keyedBy type: N.Type, forKey key: Key) throws -> KeyedDecodingContainer<N> { try d.container(keyedBy: type) }
        func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer { try d.unkeyedContainer() }
        func superDecoder() throws -> any Decoder { d }
        func superDecoder(forKey key: Key) throws -> any Decoder { d }
    }

    struct Unkeyed: UnkeyedDecodingContainer {
        let d: ArbitraryDecoder
        var codingPath: [any CodingKey] { [] }
        var count: Int?
        var currentIndex = 0
        init(d: ArbitraryDecoder, count: Int) { self.d = d; self.count = count }
        var isAtEnd: Bool { currentIndex >= (count ?? 0) }
        mutating func decodeNil() throws -> Bool { false }
        mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { currentIndex += 1; return try d.value(type) }
        mutating func nestedContainer<N: CodingKey>(keyedBy type: N.Type) throws -> KeyedDecodingContainer<N> { try d.container(keyedBy: type) }
        mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer { try d.unkeyedContainer() }
        mutating func superDecoder() throws -> any Decoder { d }
    }

    struct Single: SingleValueDecodingContainer {
        let d: ArbitraryDecoder
        var codingPath: [any CodingKey] { [] }
        func decodeNil() -> Bool { false }
        func decode(_ type: Bool.Type) throws -> Bool { Bool.random(using: &d.rng) }
        func decode(_ type: String.Type) throws -> String { d.string() }
        func decode(_ type: Int64.Type) throws -> Int64 { d.int64() }
        func decode(_ type: UInt64.Type) throws -> UInt64 { UInt64(bitPattern: d.int64()) }
        func decode<T: Decodable>(_ type: T.Type) throws -> T { try d.value(type) }
    }
}

/// An arbitrary event of `type`, envelope included.
func arbitraryEvent(_ type: EventType, seed: UInt64) throws -> NewEvent {
    let d = ArbitraryDecoder(seed: seed)
    let body = try EventBody.decode(type, from: d)
    let actor = Actor.allCases[Int(seed % UInt64(Actor.allCases.count))]
    let cause: UInt64? = seed % 3 == 0 ? nil : seed % 1_000_000 + 1
    return NewEvent(time: d.randomInstant(), actor: actor, cause: cause, body: body)
}
