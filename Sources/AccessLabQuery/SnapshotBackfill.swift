import AccessLabEvents
import AccessLabLog
import AccessLabProjections

/// Snapshots for a log stored without them (an import, an older AccessLab): one replay from the first
/// event stores the state at the end of each day the log covers (as a simulation stores them), at most
/// `every` events apart, and at the head, each with the chain digest through it, so that later "as of"
/// queries replay at most a day instead of the whole log.
public enum SnapshotBackfill {
    /// Below this many events a query replays the whole log about as fast as from a snapshot: no backfill.
    public static let worthAbove: UInt64 = 10_000

    /// Returns how many snapshots were stored. Reads in slices, so no read transaction spans a write.
    public static func run(_ log: any EventLog, every: UInt64 = 100_000, daily: Bool = true) throws -> Int {
        let head = try log.read { $0.head }
        var state = AccessState()
        var digest = Digest.genesis
        var stored = 0
        var from: UInt64 = 1
        while from <= head.lastSeq {
            var to = min(from + max(every, 1) - 1, head.lastSeq)
            var day: Int64?
            try log.read { reader in
                try reader.forEachEvent(in: from...to) { event in
                    let today = event.time.ms.floorDivided(by: Duration_ms.days(1).ms).quotient
                    if daily, let d = day, today != d {
                        to = event.seq - 1
                        return false
                    }
                    day = today
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
