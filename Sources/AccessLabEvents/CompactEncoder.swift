// A positional binary Codable encoder for event payloads: fields in declaration order, no keys.
// Optionals carry a presence byte, arrays a count, `Instant` a zigzag varint of milliseconds.

/// Encodes any payload into compact bytes. Field order is the declaration order, so the binary form of a
/// payload changes when its fields change: that is what the log's format version guards.
final class CompactEncoder: Encoder {
    var writer: ByteWriter
    var codingPath: [any CodingKey] = []
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    init(writer: ByteWriter) { self.writer = writer }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        KeyedEncodingContainer(KeyedContainer<Key>(encoder: self))
    }
    func unkeyedContainer() -> any UnkeyedEncodingContainer { UnkeyedContainer(encoder: self) }
    func singleValueContainer() -> any SingleValueEncodingContainer { SingleContainer(encoder: self) }

    func encodeValue<T: Encodable>(_ value: T) throws {
        if let instant = value as? Instant {
            writer.zigzag(instant.ms)
        } else if let array = value as? any CompactArray {
            writer.varint(UInt64(array.compactCount))
            try array.encodeElements(to: self)
        } else {
            try value.encode(to: self)
        }
    }

    func encodeOptional<T: Encodable>(_ value: T?) throws {
        guard let value else { writer.byte(0); return }
        writer.byte(1)
        try encodeValue(value)
    }

    struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let encoder: CompactEncoder
        var codingPath: [any CodingKey] { encoder.codingPath }

        mutating func encodeNil(forKey key: Key) throws { encoder.writer.byte(0) }
        mutating func encode(_ value: Bool, forKey key: Key) throws { encoder.writer.byte(value ? 1 : 0) }
        mutating func encode(_ value: String, forKey key: Key) throws { encoder.writer.string(value) }
        mutating func encode(_ value: Double, forKey key: Key) throws { encoder.writer.fixed64(value.bitPattern) }
        mutating func encode(_ value: Float, forKey key: Key) throws { encoder.writer.fixed64(UInt64(value.bitPattern)) }
        mutating func encode(_ value: Int, forKey key: Key) throws { encoder.writer.zigzag(Int64(value)) }
        mutating func encode(_ value: Int8, forKey key: Key) throws { encoder.writer.zigzag(Int64(value)) }
        mutating func encode(_ value: Int16, forKey key: Key) throws { encoder.writer.zigzag(Int64(value)) }
        mutating func encode(_ value: Int32, forKey key: Key) throws { encoder.writer.zigzag(Int64(value)) }
        mutating func encode(_ value: Int64, forKey key: Key) throws { encoder.writer.zigzag(value) }
        mutating func encode(_ value: UInt, forKey key: Key) throws { encoder.writer.varint(UInt64(value)) }
        mutating func encode(_ value: UInt8, forKey key: Key) throws { encoder.writer.varint(UInt64(value)) }
        mutating func encode(_ value: UInt16, forKey key: Key) throws { encoder.writer.varint(UInt64(value)) }
        mutating func encode(_ value: UInt32, forKey key: Key) throws { encoder.writer.varint(UInt64(value)) }
        mutating func encode(_ value: UInt64, forKey key: Key) throws { encoder.writer.varint(value) }
        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws { try encoder.encodeValue(value) }

        // The standard library's defaults skip nil entirely, which a positional format cannot afford.
        mutating func encodeIfPresent(_ value: Bool?, forKey key: Key) throws { try encoder.encodeOptional(value) }
        mutating func encodeIfPresent(_ value: String?, forKey key: Key) throws { try encoder.encodeOptional(value) }
        mutating func encodeIfPresent(_ value: Double?, forKey key: Key) throws { try encoder.encodeOptional(value) }
        mutating func encodeIfPresent(_ value: Float?, forKey key: Key) throws { try encoder.encodeOptional(value) }
        mutating func encodeIfPresent(_ value: Int?, forKey key: Key) throws { try encoder.encodeOptional(value) }
        mutating func encodeIfPresent(_ value: Int8?, forKey key: Key) throws { try encoder.encodeOptional(value) }
        mutating func encodeIfPresent(_ value: Int16?, forKey key: Key) throws { try encoder.encodeOptional(value) }
        mutating func encodeIfPresent(_ value: Int32?, forKey key: Key) throws { try encoder.encodeOptional(value) }
        mutating func encodeIfPresent(_ value: Int64?, forKey key: Key) throws { try encoder.encodeOptional(value) }
        mutating func encodeIfPresent(_ value: UInt?, forKey key: Key) throws { try encoder.encodeOptional(value) }
        mutating func encodeIfPresent(_ value: UInt8?, forKey key: Key) throws { try encoder.encodeOptional(value) }
        mutating func encodeIfPresent(_ value: UInt16?, forKey key: Key) throws { try encoder.encodeOptional(value) }
        mutating func encodeIfPresent(_ value: UInt32?, forKey key: Key) throws { try encoder.encodeOptional(value) }
        mutating func encodeIfPresent(_ value: UInt64?, forKey key: Key) throws { try encoder.encodeOptional(value) }
        mutating func encodeIfPresent<T: Encodable>(_ value: T?, forKey key: Key) throws { try encoder.encodeOptional(value) }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
            encoder.container(keyedBy: keyType)
        }
        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer { encoder.unkeyedContainer() }
        mutating func superEncoder() -> any Encoder { encoder }
        mutating func superEncoder(forKey key: Key) -> any Encoder { encoder }
    }

    /// Used only through `CompactArray`, which writes the count first.
    struct UnkeyedContainer: UnkeyedEncodingContainer {
        let encoder: CompactEncoder
        var codingPath: [any CodingKey] { encoder.codingPath }
        var count = 0
        mutating func encodeNil() throws { encoder.writer.byte(0); count += 1 }
        mutating func encode<T: Encodable>(_ value: T) throws {
            var single = SingleContainer(encoder: encoder)
            try single.encode(value)
            count += 1
        }
        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
            encoder.container(keyedBy: keyType)
        }
        mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer { encoder.unkeyedContainer() }
        mutating func superEncoder() -> any Encoder { encoder }
    }

    struct SingleContainer: SingleValueEncodingContainer {
        let encoder: CompactEncoder
        var codingPath: [any CodingKey] { encoder.codingPath }
        mutating func encodeNil() throws { encoder.writer.byte(0) }
        mutating func encode(_ value: Bool) throws { encoder.writer.byte(value ? 1 : 0) }
        mutating func encode(_ value: String) throws { encoder.writer.string(value) }
        mutating func encode(_ value: Double) throws { encoder.writer.fixed64(value.bitPattern) }
        mutating func encode(_ value: Float) throws { encoder.writer.fixed64(UInt64(value.bitPattern)) }
        mutating func encode(_ value: Int) throws { encoder.writer.zigzag(Int64(value)) }
        mutating func encode(_ value: Int8) throws { encoder.writer.zigzag(Int64(value)) }
        mutating func encode(_ value: Int16) throws { encoder.writer.zigzag(Int64(value)) }
        mutating func encode(_ value: Int32) throws { encoder.writer.zigzag(Int64(value)) }
        mutating func encode(_ value: Int64) throws { encoder.writer.zigzag(value) }
        mutating func encode(_ value: UInt) throws { encoder.writer.varint(UInt64(value)) }
        mutating func encode(_ value: UInt8) throws { encoder.writer.varint(UInt64(value)) }
        mutating func encode(_ value: UInt16) throws { encoder.writer.varint(UInt64(value)) }
        mutating func encode(_ value: UInt32) throws { encoder.writer.varint(UInt64(value)) }
        mutating func encode(_ value: UInt64) throws { encoder.writer.varint(value) }
        mutating func encode<T: Encodable>(_ value: T) throws { try encoder.encodeValue(value) }
    }
}

/// Arrays announce their count before their elements in the compact form.
protocol CompactArray {
    var compactCount: Int { get }
    func encodeElements(to encoder: CompactEncoder) throws
    static func decodeElements(count: Int, from decoder: CompactDecoder) throws -> Self
}

extension Array: CompactArray where Element: Codable {
    var compactCount: Int { count }
    func encodeElements(to encoder: CompactEncoder) throws {
        for element in self { try encoder.encodeValue(element) }
    }
    static func decodeElements(count: Int, from decoder: CompactDecoder) throws -> [Element] {
        var out: [Element] = []
        out.reserveCapacity(count)
        for _ in 0..<count { out.append(try decoder.decodeValue(Element.self)) }
        return out
    }
}
