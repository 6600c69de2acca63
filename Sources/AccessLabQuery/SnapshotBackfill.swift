import AccessLabEvents
import AccessLabLog
import AccessLabProjections

/// Snapshots for a log stored without them (an import, an older AccessLab): one replay from the first
/// event stores the state every `every` events and at the head, each with the chain digest through it,
/// so that later "as of" queries start from the nearest instead of replaying the whole log.
public enum SnapshotBackfill {
    /// Returns how many snapshots were stored. Reads in slices, so no read transaction spans a write.
    public static func run(_ log: any EventLog, every: UInt64 = 100_000) throws -> Int {
        let head = try log.read { $0.head }
        var state = AccessState()
        var digest = Digest.genesis
        var stored = 0
        var from: UInt64 = 1
        while from <= head.lastSeq {
            let to = min(from + max(every, 1) - 1, head.lastSeq)
            try log.read { reader in
                try reader.forEachEvent(in: from...to) { event in
                    state.apply(event)
                    let bytes = try EventCodec.encode(event.unlogged)
                    digest = bytes.withUnsafeBytes { DigestChain.next(digest, seq: event.seq, encoded: $0) }
                    return true
                }
            }
            try log.putSnapshot(try state.encodedSnapshot(), at: to, digest: digest)
            stored += 1
            from = to + 1
        }
        return stored
    }
}
