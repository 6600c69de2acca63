import Foundation

// The JSON form of events: what `log --json` prints and `import` reads, one object a line:
// {"actor":"scim","cause":12,"payload":{...},"seq":13,"time":"2026-03-02T09:00:00Z","type":"PatchUser"}

extension Instant: Codable {
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let instant = ISO8601.parse(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                debugDescription: "'\(text)' is not an ISO-8601 UTC time such as 2026-03-02T09:00:00Z"))
        }
        self = instant
    }

    public func encode(to encoder: any Encoder) throws {
        guard Instant.representable.contains(self) else {
            throw EncodingError.invalidValue(self, .init(codingPath: encoder.codingPath, debugDescription: "\(ms) ms is outside years 1 to 9999"))
        }
        var container = encoder.singleValueContainer()
        try container.encode(ISO8601.format(self))
    }
}

/// An event as read from JSON: `seq` is optional there, and when present must match the position it lands at.
public struct JSONEvent: Codable, Sendable {
    public var seq: UInt64?
    public var event: NewEvent

    enum CodingKeys: String, CodingKey { case seq, time, type, actor, cause, payload }

    public init(seq: UInt64?, event: NewEvent) { self.seq = seq; self.event = event }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        seq = try c.decodeIfPresent(UInt64.self, forKey: .seq)
        let typeName = try c.decode(String.self, forKey: .type)
        guard let type = EventType(name: typeName) else {
            throw DecodingError.dataCorruptedError(forKey: .type, in: c, debugDescription: "unknown event type '\(typeName)'")
        }
        let body = try EventBody.decode(type, from: c.superDecoder(forKey: .payload))
        event = NewEvent(time: try c.decode(Instant.self, forKey: .time),
                         actor: try c.decode(Actor.self, forKey: .actor),
                         cause: try c.decodeIfPresent(UInt64.self, forKey: .cause),
                         body: body)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(seq, forKey: .seq)
        try c.encode(event.time, forKey: .time)
        try c.encode(event.body.type.name, forKey: .type)
        try c.encode(event.actor, forKey: .actor)
        try c.encodeIfPresent(event.cause, forKey: .cause)
        try event.body.payload.encode(to: c.superEncoder(forKey: .payload))
    }
}

/// JSON Lines reading and writing with a stable key order.
public enum EventJSON {
    public static func line(_ event: Event) throws -> String {
        let data = try encoder.encode(JSONEvent(seq: event.seq, event: event.unlogged))
        return String(decoding: data, as: UTF8.self)
    }

    /// Parses one line; errors read `field payload.attributes.userName: missing`.
    public static func parse(_ line: Substring) throws(EventJSONError) -> JSONEvent {
        do {
            return try JSONDecoder().decode(JSONEvent.self, from: Data(line.utf8))
        } catch let error as DecodingError {
            if case .dataCorrupted(let context) = error, context.codingPath.isEmpty {
                throw EventJSONError(problem: "not valid JSON")
            }
            throw EventJSONError(problem: error.briefDescription)
        } catch {
            throw EventJSONError(problem: "\(error)")
        }
    }

    private static var encoder: JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }
}

public struct EventJSONError: Error, Equatable, Sendable, CustomStringConvertible {
    public let problem: String
    public var description: String { problem }
}
