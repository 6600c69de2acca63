@testable import AccessLabAWS

/// The reference the generated writers (`AWSJSONWritable`) are checked against: any `Encodable` written
/// through Codable's containers straight to bytes, members in `CodingKeys` order (the order the
/// generator gives both). The server used it before the shapes wrote themselves.

/// Where the streaming encoder writes. A container is opened by the value's `encode(to:)` and closed by
/// whoever asked for that value (its parent, or `stream`), once `encode(to:)` returns.
final class JSONSink {
    enum Opened { case nothing, object, array, single }
    var bytes: [UInt8] = []

    init() { bytes.reserveCapacity(512) }

    func value<T: Encodable>(_ value: T) throws {
        // Metatype comparisons, not `as?` casts: a failed dynamic cast per member was most of the cost.
        if T.self == String.self { string(value as! String); return }
        if T.self == Int.self { integer(Int64(value as! Int)); return }
        if T.self == Bool.self { boolean(value as! Bool); return }
        if T.self == Int64.self { integer(value as! Int64); return }
        if T.self == Double.self { number(value as! Double); return }
        do {
            let encoder = StreamEncoder(sink: self)
            try value.encode(to: encoder)
            switch encoder.opened.kind {
            case .nothing: bytes += [UInt8(ascii: "{"), UInt8(ascii: "}")]
            case .object: bytes.append(UInt8(ascii: "}"))
            case .array: bytes.append(UInt8(ascii: "]"))
            case .single: break
            }
        }
    }

    func integer(_ i: Int64) { bytes += Array(String(i).utf8) }
    func boolean(_ b: Bool) { bytes += Array((b ? "true" : "false").utf8) }

    func number(_ d: Double) {
        if d.isFinite, d == d.rounded(), abs(d) < 1e15 { bytes += Array(String(Int64(d)).utf8) } else { bytes += Array(String(d).utf8) }
    }

    func string(_ s: String) { AWSJSONWriter.append(s, to: &bytes) }

    func key(_ k: String, first: inout Bool) {
        if !first { bytes.append(UInt8(ascii: ",")) }
        first = false
        string(k)
        bytes.append(UInt8(ascii: ":"))
    }
}

final class OpenedBox { var kind = JSONSink.Opened.nothing }

/// Nested containers of a container and super-encoders are not supported (no generated shape uses them).
struct UnsupportedEncoding: Error {}

struct StreamEncoder: Encoder {
    let sink: JSONSink
    let opened = OpenedBox()
    var codingPath: [any CodingKey] = []
    var userInfo: [CodingUserInfoKey: Any] = [:]

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        if opened.kind == .nothing { opened.kind = .object; sink.bytes.append(UInt8(ascii: "{")) }
        return KeyedEncodingContainer(KeyedStream<Key>(sink: sink))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        if opened.kind == .nothing { opened.kind = .array; sink.bytes.append(UInt8(ascii: "[")) }
        return UnkeyedStream(sink: sink)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        opened.kind = .single
        return SingleStream(sink: sink)
    }
}

final class FirstFlag { var first = true }

struct KeyedStream<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let sink: JSONSink
    let state = FirstFlag()
    var codingPath: [any CodingKey] = []

    func encodeNil(forKey key: Key) throws {
        sink.key(key.stringValue, first: &state.first)
        sink.bytes += Array("null".utf8)
    }
    func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        sink.key(key.stringValue, first: &state.first)
        try sink.value(value)
    }
    func encode(_ value: String, forKey key: Key) throws { sink.key(key.stringValue, first: &state.first); sink.string(value) }
    func encode(_ value: Int, forKey key: Key) throws { sink.key(key.stringValue, first: &state.first); sink.integer(Int64(value)) }
    func encode(_ value: Int64, forKey key: Key) throws { sink.key(key.stringValue, first: &state.first); sink.integer(value) }
    func encode(_ value: Bool, forKey key: Key) throws { sink.key(key.stringValue, first: &state.first); sink.boolean(value) }
    func encode(_ value: Double, forKey key: Key) throws { sink.key(key.stringValue, first: &state.first); sink.number(value) }
    func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        KeyedEncodingContainer(KeyedFailure<NestedKey>())
    }
    func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer { UnkeyedFailure() }
    func superEncoder() -> any Encoder { FailingEncoder() }
    func superEncoder(forKey key: Key) -> any Encoder { FailingEncoder() }
}

struct UnkeyedStream: UnkeyedEncodingContainer {
    let sink: JSONSink
    let state = FirstFlag()
    var codingPath: [any CodingKey] = []
    var count = 0

    mutating func comma() {
        if !state.first { sink.bytes.append(UInt8(ascii: ",")) }
        state.first = false
        count += 1
    }
    mutating func encodeNil() throws { comma(); sink.bytes += Array("null".utf8) }
    mutating func encode<T: Encodable>(_ value: T) throws { comma(); try sink.value(value) }
    mutating func encode(_ value: String) throws { comma(); sink.string(value) }
    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        KeyedEncodingContainer(KeyedFailure<NestedKey>())
    }
    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer { UnkeyedFailure() }
    mutating func superEncoder() -> any Encoder { FailingEncoder() }
}

struct SingleStream: SingleValueEncodingContainer {
    let sink: JSONSink
    var codingPath: [any CodingKey] = []
    mutating func encodeNil() throws { sink.bytes += Array("null".utf8) }
    mutating func encode<T: Encodable>(_ value: T) throws { try sink.value(value) }
    mutating func encode(_ value: String) throws { sink.string(value) }
    mutating func encode(_ value: Int) throws { sink.integer(Int64(value)) }
    mutating func encode(_ value: Int64) throws { sink.integer(value) }
    mutating func encode(_ value: Double) throws { sink.number(value) }
    mutating func encode(_ value: Bool) throws { sink.boolean(value) }
}

// What the unsupported paths hand back: every use throws, so `stream` fails instead of writing wrong JSON.
struct FailingEncoder: Encoder {
    var codingPath: [any CodingKey] = []
    var userInfo: [CodingUserInfoKey: Any] = [:]
    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> { KeyedEncodingContainer(KeyedFailure<Key>()) }
    func unkeyedContainer() -> any UnkeyedEncodingContainer { UnkeyedFailure() }
    func singleValueContainer() -> any SingleValueEncodingContainer { SingleFailure() }
}

struct KeyedFailure<Key: CodingKey>: KeyedEncodingContainerProtocol {
    var codingPath: [any CodingKey] = []
    func encodeNil(forKey key: Key) throws { throw UnsupportedEncoding() }
    func encode<T: Encodable>(_ value: T, forKey key: Key) throws { throw UnsupportedEncoding() }
    func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        KeyedEncodingContainer(KeyedFailure<NestedKey>())
    }
    func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer { UnkeyedFailure() }
    func superEncoder() -> any Encoder { FailingEncoder() }
    func superEncoder(forKey key: Key) -> any Encoder { FailingEncoder() }
}

struct UnkeyedFailure: UnkeyedEncodingContainer {
    var codingPath: [any CodingKey] = []
    var count = 0
    mutating func encodeNil() throws { throw UnsupportedEncoding() }
    mutating func encode<T: Encodable>(_ value: T) throws { throw UnsupportedEncoding() }
    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        KeyedEncodingContainer(KeyedFailure<NestedKey>())
    }
    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer { UnkeyedFailure() }
    mutating func superEncoder() -> any Encoder { FailingEncoder() }
}

struct SingleFailure: SingleValueEncodingContainer {
    var codingPath: [any CodingKey] = []
    mutating func encodeNil() throws { throw UnsupportedEncoding() }
    mutating func encode<T: Encodable>(_ value: T) throws { throw UnsupportedEncoding() }
}
