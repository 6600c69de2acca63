import AccessLabEvents
import AccessLabLog

/// The identity store's `Revision` of each user and group: the seq of the last event that changed it,
/// which, as AWS documents, changes every time the user or group is modified. A membership change is
/// a change of the membership (its own resource in the identitystore API), not of the group.
public struct IdentityStoreRevisions: Sendable, Equatable {
    /// By id in the log.
    public private(set) var seqs: [String: UInt64] = [:]

    public init() {}

    /// Reads the revisions through `seq` from the log.
    public static func read(from log: any EventLog, through seq: UInt64) throws -> IdentityStoreRevisions {
        var revisions = IdentityStoreRevisions()
        guard seq > 0 else { return revisions }
        try log.read { reader in
            try reader.forEachEvent(in: 1...seq) { event in
                revisions.note(event)
                return true
            }
        }
        return revisions
    }

    public mutating func note(_ event: Event) {
        switch event.body {
        case .createUser(let p): seqs[p.userId] = event.seq
        case .patchUser(let p): seqs[p.userId] = event.seq
        case .deleteUser(let p): seqs[p.userId] = event.seq
        case .createGroup(let p): seqs[p.groupId] = event.seq
        case .updateGroup(let p): seqs[p.groupId] = event.seq
        case .deleteGroup(let p): seqs[p.groupId] = event.seq
        default: break
        }
    }

    /// The revision as the API writes it (a decimal string); an entity the log never changed is at 1.
    public func revision(_ id: String) -> String { String(seqs[id] ?? 1) }
}
