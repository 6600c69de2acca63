import AccessLabEvents

/// The log held in memory, with the same record format, chain and contract as the LMDB log.
/// Reads see a copy-on-write snapshot. Not thread-safe.
public final class InMemoryEventLog: EventLog {
    struct State {
        var records: [[UInt8]] = []
        var times: [Instant] = []
        var entities: [EntityRef: [UInt64]] = [:]
        var checkpoints: [Checkpoint] = []
        var snapshots: [StoredSnapshot] = []
        var head = LogHead.empty
        var metadata = LogMetadata()
    }
    private var state = State()

    public init() {}

    @discardableResult
    public func append(_ events: [NewEvent]) throws -> ClosedRange<UInt64>? {
        guard !events.isEmpty else { return nil }
        var next = state
        var encoder = RecordEncoder(head: next.head)
        for (index, event) in events.enumerated() {
            try encoder.append(event, index: index) { seq, record in
                next.records.append(Array(record))
                next.times.append(event.time)
                var touched = Set<EntityRef>()
                event.body.forEachEntity { touched.insert(EntityRef($0, $1)) }
                for entity in touched { next.entities[entity, default: []].append(seq) }
            }
        }
        let first = next.head.lastSeq + 1
        next.head = encoder.head
        next.checkpoints.append(Checkpoint(seq: encoder.head.lastSeq, digest: encoder.head.digest))
        state = next
        return first...encoder.head.lastSeq
    }

    public func read<R>(_ body: (any EventLogReader) throws -> R) throws -> R {
        try body(Reader(state: state))
    }

    public func setMetadata(_ metadata: LogMetadata) throws { state.metadata = metadata }

    public func putSnapshot(_ bytes: [UInt8], at seq: UInt64) throws {
        guard seq == state.head.lastSeq else { throw EventLogError(kind: .snapshotNotAtHead(seq: seq, head: state.head.lastSeq)) }
        state.snapshots.removeAll { $0.seq == seq }
        state.snapshots.append(StoredSnapshot(seq: seq, digest: state.head.digest, bytes: bytes))
    }

    public func putSnapshot(_ bytes: [UInt8], at seq: UInt64, digest: Digest) throws {
        guard seq <= state.head.lastSeq else { throw EventLogError(kind: .snapshotNotAtHead(seq: seq, head: state.head.lastSeq)) }
        state.snapshots.removeAll { $0.seq == seq }
        state.snapshots.append(StoredSnapshot(seq: seq, digest: digest, bytes: bytes))
        state.snapshots.sort { $0.seq < $1.seq }
    }

    /// Test hook: overwrite one byte of a stored record, as a failing disk would.
    public func corruptByte(seq: UInt64, at offset: Int) {
        let i = Int(seq) - 1
        guard state.records.indices.contains(i), state.records[i].indices.contains(offset) else { return }
        state.records[i][offset] ^= 0xff
    }

    struct Reader: EventLogReader {
        let state: State
        var head: LogHead { state.head }
        var metadata: LogMetadata { state.metadata }

        func event(_ seq: UInt64) throws -> Event {
            guard seq >= 1, seq <= state.head.lastSeq else { throw EventLogError(kind: .unknownSeq(seq)) }
            return try decodeRecord(seq: seq, state.records[Int(seq) - 1])
        }

        func forEachEvent(in range: ClosedRange<UInt64>, _ body: (Event) throws -> Bool) throws {
            let upper = min(range.upperBound, state.head.lastSeq)
            guard range.lowerBound <= upper else { return }
            for seq in max(range.lowerBound, 1)...upper {
                guard try body(try decodeRecord(seq: seq, state.records[Int(seq) - 1])) else { return }
            }
        }

        func forEachRecord(_ body: (UInt64, UnsafeRawBufferPointer) throws -> Bool) throws {
            for (i, record) in state.records.enumerated() {
                guard try record.withUnsafeBytes({ try body(UInt64(i + 1), $0) }) else { return }
            }
        }

        func lastSeq(atOrBefore time: Instant) throws -> UInt64 {
            // times never decrease, so the first index after `time` is a partition point
            UInt64(state.times.partitionPoint { $0 <= time })
        }

        func seqs(touching entity: EntityRef) throws -> [UInt64] { state.entities[entity] ?? [] }
        func checkpoints() throws -> [Checkpoint] { state.checkpoints }
        func snapshot(atOrBefore seq: UInt64) throws -> StoredSnapshot? { state.snapshots.last { $0.seq <= seq } }
        func snapshotSeqs() throws -> [UInt64] { state.snapshots.map(\.seq) }
    }
}

/// Decodes a stored record (event bytes followed by the chain tag).
func decodeRecord(seq: UInt64, _ record: UnsafeRawBufferPointer) throws -> Event {
    guard record.count > DigestChain.tagSize else {
        throw EventLogError(kind: .corrupt(seq: seq, problem: "record too short"))
    }
    do {
        return try EventCodec.decode(seq: seq, from: UnsafeRawBufferPointer(rebasing: record[0..<record.count - DigestChain.tagSize]))
    } catch {
        throw EventLogError(kind: .corrupt(seq: seq, problem: error.problem))
    }
}

func decodeRecord(seq: UInt64, _ record: [UInt8]) throws -> Event {
    try record.withUnsafeBytes { try decodeRecord(seq: seq, $0) }
}
