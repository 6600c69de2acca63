/// The stored binary form of an event (everything but `seq`, which is the key):
///
///     u8 format version | varint type tag | u8 actor | zigzag time_ms | varint cause (0 = none) | payload
///
/// The payload is the compact positional encoding of the payload struct.
public enum EventCodec {
    /// Bumped whenever a payload's fields change; older logs then fail `verify` with a clear message.
    public static let formatVersion: UInt8 = 1

    /// Appends the encoding of `event` to `writer`.
    public static func encode(_ event: NewEvent, into writer: inout ByteWriter) throws {
        writer.byte(formatVersion)
        writer.varint(UInt64(event.body.type.rawValue))
        writer.byte(event.actor.code)
        writer.zigzag(event.time.ms)
        writer.varint(event.cause ?? 0)
        event.body.compactEncode(into: &writer)
    }

    /// The same bytes through the positional Codable encoder: the reference the generated code is tested against.
    static func encodeWithCodable(_ event: NewEvent) throws -> [UInt8] {
        var writer = ByteWriter()
        writer.byte(formatVersion)
        writer.varint(UInt64(event.body.type.rawValue))
        writer.byte(event.actor.code)
        writer.zigzag(event.time.ms)
        writer.varint(event.cause ?? 0)
        let encoder = CompactEncoder(writer: writer)
        try event.body.payload.encode(to: encoder)
        return encoder.writer.bytes
    }

    public static func encode(_ event: NewEvent) throws -> [UInt8] {
        var writer = ByteWriter()
        try encode(event, into: &writer)
        return writer.bytes
    }

    /// Decodes the stored bytes of the event at `seq`. Truncated or corrupted bytes throw `EventDecodingError`.
    public static func decode(seq: UInt64, from bytes: UnsafeRawBufferPointer) throws(EventDecodingError) -> Event {
        var reader = ByteReader(bytes)
        do {
            let version = try reader.byte()
            guard version == formatVersion else {
                throw EventDecodingError(seq: seq, problem: "format version \(version), this build reads \(formatVersion)")
            }
            let tag = try reader.varint()
            guard let narrow = UInt16(exactly: tag), let type = EventType(rawValue: narrow) else {
                throw EventDecodingError(seq: seq, problem: "unknown event type tag \(tag)")
            }
            let actorCode = try reader.byte()
            guard let actor = Actor(code: actorCode) else {
                throw EventDecodingError(seq: seq, problem: "unknown actor code \(actorCode)")
            }
            let time = Instant(ms: try reader.zigzag())
            let cause = try reader.varint()
            let body: EventBody
            do {
                body = try EventBody.compactDecode(type, from: &reader)
            } catch {
                throw EventDecodingError(seq: seq, problem: "\(type.name) payload: \(error.description)")
            }
            guard reader.isAtEnd else {
                throw EventDecodingError(seq: seq, problem: "\(reader.remaining) trailing bytes after the \(type.name) payload")
            }
            return Event(seq: seq, time: time, actor: actor, cause: cause == 0 ? nil : cause, body: body)
        } catch let error as ByteReaderError {
            throw EventDecodingError(seq: seq, problem: error.description)
        } catch let error as EventDecodingError {
            throw error
        } catch {
            throw EventDecodingError(seq: seq, problem: "\(error)")
        }
    }

    public static func decode(seq: UInt64, from bytes: [UInt8]) throws(EventDecodingError) -> Event {
        do {
            return try bytes.withUnsafeBytes { raw in try decode(seq: seq, from: raw) }
        } catch let error as EventDecodingError {
            throw error
        } catch {
            throw EventDecodingError(seq: seq, problem: "\(error)")
        }
    }
}

/// A stored event that cannot be read back.
public struct EventDecodingError: Error, Equatable, Sendable, CustomStringConvertible {
    public let seq: UInt64
    public let problem: String
    public var description: String { "event \(seq): \(problem)" }
}

extension Actor {
    /// The stable one-byte code in the binary form. Never renumber.
    var code: UInt8 {
        switch self {
        case .hr: 1
        case .idp: 2
        case .scim: 3
        case .admin: 4
        case .user: 5
        case .system: 6
        }
    }

    init?(code: UInt8) {
        guard let found = Actor.allCases.first(where: { $0.code == code }) else { return nil }
        self = found
    }
}

extension DecodingError {
    /// "field a.b: problem", the form users see in import and verify errors.
    public var briefDescription: String {
        func path(_ keys: [any CodingKey]) -> String {
            var out = ""
            for key in keys {
                if let index = key.intValue { out += "[\(index)]" } else { out += (out.isEmpty ? "" : ".") + key.stringValue }
            }
            return out
        }
        switch self {
        case .keyNotFound(let key, let context):
            let full = path(context.codingPath + [key])
            return "field \(full): missing"
        case .typeMismatch(let type, let context):
            return "field \(path(context.codingPath)): expected \(Self.friendly(type))"
        case .valueNotFound(let type, let context):
            return "field \(path(context.codingPath)): expected \(Self.friendly(type)), found null"
        case .dataCorrupted(let context):
            let where_ = context.codingPath.isEmpty ? "" : "field \(path(context.codingPath)): "
            return where_ + context.debugDescription
        @unknown default:
            return "\(self)"
        }
    }

    private static func friendly(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Bool.Type: "true or false"
        case is Int64.Type, is Int.Type, is UInt64.Type: "a number"
        case is [Any].Type: "an array"
        default: "\(type)"
        }
    }
}
