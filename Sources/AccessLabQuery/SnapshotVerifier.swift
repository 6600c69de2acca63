import AccessLabEvents
import AccessLabLog
import AccessLabProjections

/// Checks that every stored snapshot equals a replay of the log to its point and carries the log's
/// digest there. One pass over the log.
public enum SnapshotVerifier {
    public struct Report: Equatable, Sendable {
        public var snapshotsChecked: Int
    }

    public static func verify(_ reader: any EventLogReader) throws -> Report {
        let seqs = try reader.snapshotSeqs()
        guard !seqs.isEmpty else { return Report(snapshotsChecked: 0) }
        let digests = Dictionary(try reader.checkpoints().map { ($0.seq, $0.digest) }, uniquingKeysWith: { a, _ in a })
        var state = AccessState()
        var next = 0
        func check(_ seq: UInt64) throws {
            guard let stored = try reader.snapshot(atOrBefore: seq), stored.seq == seq else {
                throw QueryError("the snapshot at @\(seq) cannot be read back")
            }
            if let digest = digests[seq], digest != stored.digest {
                throw QueryError("the snapshot at @\(seq) was taken of a different log (digest \(stored.digest.hex), log \(digest.hex))")
            }
            guard try state.encodedSnapshot() == stored.bytes else {
                throw QueryError("the snapshot at @\(seq) differs from a replay of the log to that point")
            }
        }
        while next < seqs.count, seqs[next] == 0 { try check(0); next += 1 }
        try reader.forEachEvent(in: 1...max(reader.head.lastSeq, 1)) { event in
            state.apply(event)
            while next < seqs.count, seqs[next] == event.seq { try check(event.seq); next += 1 }
            return next < seqs.count
        }
        return Report(snapshotsChecked: next)
    }
}
