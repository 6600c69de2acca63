/// Reads what `CompactEncoder` wrote, in the same declaration order. Every failure is a thrown
/// `DecodingError` carrying the byte offset, never a trap.
final class CompactDecoder: Decoder {
    var reader: ByteReader
    var codingPath: [any CodingKey] = []
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    init(reader: ByteReader) { self.reader = reader }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(KeyedContainer<Key>(decoder: self))
    }
    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        throw DecodingError.dataCorrupted(.init(codingPath: codingPath, debugDescription: "arrays decode through their count"))
    }
    func singleValueContainer() throws -> any SingleValueDecodingContainer { SingleContainer(decoder: self) }

    func corrupted(_ error: ByteReaderError) -> DecodingError {
        .dataCorrupted(.init(codingPath: codingPath, debugDescription: error.description, underlyingError: error))
    }

    func read<T>(_ body: (inout ByteReader) throws(ByteReaderError) -> T) throws -> T {
        do { return try body(&reader) } catch { throw corrupted(error) }
    }

    func bool() throws -> Bool {
        let b = try read { r throws(ByteReaderError) in try r.byte() }
        guard b <= 1 else { throw corrupted(ByteReaderError(offset: reader.offset - 1, problem: "bad boolean \(b)")) }
        return b == 1
    }
    func signed<I: FixedWidthInteger>(_: I.Type) throws -> I {
        let v = try read { r throws(ByteReaderError) in try r.zigzag() }
        guard let out = I(exactly: v) else { throw corrupted(ByteReaderError(offset: reader.offset, problem: "\(v) out of range for \(I.self)")) }
        return out
    }
    func unsigned<I: FixedWidthInteger>(_: I.Type) throws -> I {
        let v = try read { r throws(ByteReaderError) in try r.varint() }
        guard let out = I(exactly: v) else { throw corrupted(ByteReaderError(offset: reader.offset, problem: "\(v) out of range for \(I.self)")) }
        return out
    }
    func string() throws -> String { try read { r throws(ByteReaderError) in try r.string() } }
    func double() throws -> Double { Double(bitPattern: try read { r throws(ByteReaderError) in try r.fixed64() }) }
    func float() throws -> Float {
        let bits = try read { r throws(ByteReaderError) in try r.fixed64() }
        guard let narrow = UInt32(exactly: bits) else { throw corrupted(ByteReaderError(offset: reader.offset, problem: "bad float")) }
        return Float(bitPattern: narrow)
    }

    func decodeValue<T: Decodable>(_ type: T.Type) throws -> T {
        if T.self == Instant.self {
            let ms = try read { r throws(ByteReaderError) in try r.zigzag() }
            if let instant = Instant(ms: ms) as? T { return instant }
        }
        if let arrayType = T.self as? any CompactArray.Type {
            let count = try read { r throws(ByteReaderError) in try r.length() }
            if let array = try arrayType.decodeElements(count: count, from: self) as? T { return array }
        }
        return try T(from: self)
    }

    /// Reads a presence byte: true when the optional is absent.
    func absent() throws -> Bool {
        switch try read({ r throws(ByteReaderError) in try r.byte() }) {
        case 0: return true
        case 1: return false
        case let b: throw corrupted(ByteReaderError(offset: reader.offset - 1, problem: "bad presence byte \(b)"))
        }
    }

    struct KeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
        let decoder: CompactDecoder
        var codingPath: [any CodingKey] { decoder.codingPath }
        var allKeys: [Key] { [] }
        // Positional: every key is present; optionals answer through their presence byte in decodeNil.
        func contains(_ key: Key) -> Bool { true }
        func decodeNil(forKey key: Key) throws -> Bool { try decoder.absent() }
        func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try decoder.bool() }
        func decode(_ type: String.Type, forKey key: Key) throws -> String { try decoder.string() }
        func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try decoder.double() }
        func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try decoder.float() }
        func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try decoder.signed(Int.self) }
        func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try decoder.signed(Int8.self) }
        func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try decoder.signed(Int16.self) }
        func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try decoder.signed(Int32.self) }
        func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try decoder.signed(Int64.self) }
        func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try decoder.unsigned(UInt.self) }
        func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try decoder.unsigned(UInt8.self) }
        func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try decoder.unsigned(UInt16.self) }
        func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try decoder.unsigned(UInt32.self) }
        func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try decoder.unsigned(UInt64.self) }
        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
            decoder.codingPath.append(key)
            defer { decoder.codingPath.removeLast() }
            return try decoder.decodeValue(type)
        }
        func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
            try decoder.container(keyedBy: type)
        }
        func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer { try decoder.unkeyedContainer() }
        func superDecoder() throws -> any Decoder { decoder }
        func superDecoder(forKey key: Key) throws -> any Decoder { decoder }
    }

    struct SingleContainer: SingleValueDecodingContainer {
        let decoder: CompactDecoder
        var codingPath: [any CodingKey] { decoder.codingPath }
        func decodeNil() -> Bool { false }
        func decode(_ type: Bool.Type) throws -> Bool { try decoder.bool() }
        func decode(_ type: String.Type) throws -> String { try decoder.string() }
        func decode(_ type: Double.Type) throws -> Double { try decoder.double() }
        func decode(_ type: Float.Type) throws -> Float { try decoder.float() }
        func decode(_ type: Int.Type) throws -> Int { try decoder.signed(Int.self) }
        func decode(_ type: Int8.Type) throws -> Int8 { try decoder.signed(Int8.self) }
        func decode(_ type: Int16.Type) throws -> Int16 { try decoder.signed(Int16.self) }
        func decode(_ type: Int32.Type) throws -> Int32 { try decoder.signed(Int32.self) }
        func decode(_ type: Int64.Type) throws -> Int64 { try decoder.signed(Int64.self) }
        func decode(_ type: UInt.Type) throws -> UInt { try decoder.unsigned(UInt.self) }
        func decode(_ type: UInt8.Type) throws -> UInt8 { try decoder.unsigned(UInt8.self) }
        func decode(_ type: UInt16.Type) throws -> UInt16 { try decoder.unsigned(UInt16.self) }
        func decode(_ type: UInt32.Type) throws -> UInt32 { try decoder.unsigned(UInt32.self) }
        func decode(_ type: UInt64.Type) throws -> UInt64 { try decoder.unsigned(UInt64.self) }
        func decode<T: Decodable>(_ type: T.Type) throws -> T { try decoder.decodeValue(type) }
    }
}
