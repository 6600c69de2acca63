import Foundation

/// The JSON encoding of AWS JSON 1.1 and REST JSON bodies: AWS's member names, timestamps as epoch
/// seconds, slashes unescaped. Keys are sorted so that AccessLab's output is byte-stable.
public enum AWSWireJSON {
    public static func encode<T: Encodable>(_ value: T, pretty: Bool = false) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(value)
    }

    public static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        try JSONDecoder().decode(type, from: data)
    }
}
