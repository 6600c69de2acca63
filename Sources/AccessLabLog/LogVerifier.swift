import AccessLabEvents

/// What `verify` found on a sound log.
public struct VerifyReport: Equatable, Sendable {
    public var eventCount: UInt64
    public var digest: Digest
    public var checkpointsChecked: Int
}

/// Checks a log end to end: contiguous `seq`s from 1, every record decodes, time never decreases,
/// every record's chain tag, every checkpoint and the head digest match a recomputation.
public enum LogVerifier {
    /// Throws `EventLogError` naming the first bad `seq`.
    public static func verify(_ reader: any EventLogReader) throws -> VerifyReport {
        let checkpoints = try reader.checkpoints()
        var nextCheckpoint = 0
        var expected: UInt64 = 1
        var chain = RawDigest(Digest.genesis)
        var lastTime: Instant?
        let head = reader.head

        try reader.forEachRecord { seq, record in
            guard seq == expected else {
                throw corrupt(expected, seq > expected ? "missing (the next stored event is \(seq))" : "stored twice")
            }
            guard record.count > DigestChain.tagSize else { throw corrupt(seq, "record of \(record.count) bytes is too short") }
            let body = UnsafeRawBufferPointer(rebasing: record[0..<record.count - DigestChain.tagSize])
            let tag = UnsafeRawBufferPointer(rebasing: record[(record.count - DigestChain.tagSize)...])
            chain.advance(seq: seq, encoded: body)
            guard chain.tagMatches(tag) else {
                throw corrupt(seq, "its bytes do not match the digest chain (altered after it was written)")
            }
            let event: Event
            do { event = try EventCodec.decode(seq: seq, from: body) } catch let error as EventDecodingError { throw corrupt(seq, error.problem) }
            if let lastTime, event.time < lastTime {
                throw corrupt(seq, "time \(event.time) is before the previous event's \(lastTime)")
            }
            lastTime = event.time
            while nextCheckpoint < checkpoints.count, checkpoints[nextCheckpoint].seq == seq {
                guard checkpoints[nextCheckpoint].digest == chain.digest else {
                    throw corrupt(seq, "the checkpoint digest stored at this event does not match the recomputed chain")
                }
                nextCheckpoint += 1
            }
            expected += 1
            return true
        }
        let count = expected - 1
        guard count == head.lastSeq else {
            throw corrupt(count + 1, "the log's head says \(head.lastSeq) events but \(count) are stored")
        }
        guard chain.digest == head.digest else {
            throw corrupt(count, "the head digest does not match the recomputed chain")
        }
        if nextCheckpoint < checkpoints.count {
            throw corrupt(checkpoints[nextCheckpoint].seq, "a checkpoint names an event past the end of the log")
        }
        return VerifyReport(eventCount: count, digest: chain.digest, checkpointsChecked: checkpoints.count)
    }

    private static func corrupt(_ seq: UInt64, _ problem: String) -> EventLogError {
        EventLogError(kind: .corrupt(seq: seq, problem: problem))
    }
}
