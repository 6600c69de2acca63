/// Who acted. Every event names one.
public enum Actor: String, Codable, Hashable, Sendable, CaseIterable {
    case hr, idp, scim, admin, user, system
}

/// A logged event: the envelope the log assigns (`seq`) plus what the caller said happened.
public struct Event: Hashable, Sendable {
    /// Global position, contiguous from 1, assigned by the log.
    public var seq: UInt64
    /// Virtual time, UTC; never decreases along `seq`.
    public var time: Instant
    public var actor: Actor
    /// The `seq` of the event that caused this one, so latencies can be traced back through the chain.
    public var cause: UInt64?
    public var body: EventBody

    public init(seq: UInt64, time: Instant, actor: Actor, cause: UInt64? = nil, body: EventBody) {
        self.seq = seq; self.time = time; self.actor = actor; self.cause = cause; self.body = body
    }

    public var type: EventType { body.type }
}

/// An event before the log has given it a `seq`.
public struct NewEvent: Hashable, Sendable {
    public var time: Instant
    public var actor: Actor
    public var cause: UInt64?
    public var body: EventBody

    public init(time: Instant, actor: Actor, cause: UInt64? = nil, body: EventBody) {
        self.time = time; self.actor = actor; self.cause = cause; self.body = body
    }

    public func logged(as seq: UInt64) -> Event { Event(seq: seq, time: time, actor: actor, cause: cause, body: body) }
}

extension Event {
    public var unlogged: NewEvent { NewEvent(time: time, actor: actor, cause: cause, body: body) }
}

/// What every payload struct is: a value with a JSON and a binary form that names the entities it touches.
public protocol EventPayload: Codable, Hashable, Sendable {
    /// Hands `body` the kind and id of each user, group, account and permission set this event concerns,
    /// for the timeline indexes.
    func forEachEntity(_ body: (EntityRef.Kind, String) -> Void)
}

extension EventPayload {
    /// The entities `forEachEntity` names, in its order.
    public var entities: [EntityRef] {
        var out: [EntityRef] = []
        forEachEntity { out.append(EntityRef($0, $1)) }
        return out
    }
}

/// An entity an event can be looked up by.
public struct EntityRef: Hashable, Sendable, Comparable, CustomStringConvertible {
    public enum Kind: UInt8, Sendable, CaseIterable, Comparable {
        case user = 1, group = 2, account = 3, permissionSet = 4
        public static func < (a: Kind, b: Kind) -> Bool { a.rawValue < b.rawValue }
        public var name: String {
            switch self {
            case .user: "user"
            case .group: "group"
            case .account: "account"
            case .permissionSet: "permissionSet"
            }
        }
    }
    public var kind: Kind
    public var id: String
    public init(_ kind: Kind, _ id: String) { self.kind = kind; self.id = id }
    public static func user(_ id: String) -> EntityRef { EntityRef(.user, id) }
    public static func group(_ id: String) -> EntityRef { EntityRef(.group, id) }
    public static func account(_ id: String) -> EntityRef { EntityRef(.account, id) }
    public static func permissionSet(_ id: String) -> EntityRef { EntityRef(.permissionSet, id) }
    public static func < (a: EntityRef, b: EntityRef) -> Bool { (a.kind, a.id) < (b.kind, b.id) }
    public var description: String { "\(kind.name):\(id)" }
}
