/// The compact positional binary form for any Codable value made of structs, arrays, optionals,
/// strings, numbers, booleans, raw-value enums and `Instant`s (no dictionaries, no enums with
/// payloads). Events use it for payloads; projections use it for stored snapshots.
public enum CompactCodec {
    public static func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        let encoder = CompactEncoder(writer: ByteWriter())
        try encoder.encodeValue(value)
        return encoder.writer.bytes
    }

    /// Decodes `bytes` as a `T`; trailing bytes are an error.
    public static func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws -> T {
        try bytes.withUnsafeBytes { raw in
            let decoder = CompactDecoder(reader: ByteReader(raw))
            let value = try decoder.decodeValue(T.self)
            guard decoder.reader.isAtEnd else {
                throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "\(decoder.reader.remaining) trailing bytes"))
            }
            return value
        }
    }
}
