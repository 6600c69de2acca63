import AccessLabEvents
import LMDB

extension LMDBEventLog {
    /// A reader inside one LMDB read transaction: a consistent snapshot of the log.
    struct Reader: EventLogReader {
        let txn: ReadTransaction
        let log: LMDBEventLog
        let head: LogHead
        let metadata: LogMetadata

        static func readHead(_ txn: ReadTransaction, meta: Database) throws -> LogHead {
            guard let stored = try txn.get(meta, key: MetaKey.head, { HeadRecord.decode($0) }) else { return .empty }
            guard let head = stored else { throw EventLogError(kind: .corrupt(seq: 0, problem: "the stored head record is malformed")) }
            return head
        }

        static func readMetadata(_ txn: ReadTransaction, meta: Database) throws -> LogMetadata {
            let scenario = try txn.get(meta, key: MetaKey.scenario).map { String(decoding: $0, as: UTF8.self) }
            let seed = try txn.get(meta, key: MetaKey.seed) { $0.count == 8 ? UInt64(bigEndian: $0.loadUnaligned(as: UInt64.self)) : nil }
            var parameters: [String: String] = [:]
            if let text = try txn.get(meta, key: MetaKey.parameters).map({ String(decoding: $0, as: UTF8.self) }) {
                for line in text.split(separator: "\n") {
                    let kv = line.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                    if kv.count == 2 { parameters[ParameterText.unescape(kv[0])] = ParameterText.unescape(kv[1]) }
                }
            }
            return LogMetadata(scenario: scenario, seed: seed ?? nil, parameters: parameters)
        }

        func event(_ seq: UInt64) throws -> Event {
            guard seq >= 1, seq <= head.lastSeq else { throw EventLogError(kind: .unknownSeq(seq)) }
            let found = try log.withStorage {
                try txn.get(log.events, key: LMDBEventLog.bytes(seq.bigEndian)) { try decodeRecord(seq: seq, $0) }
            }
            guard let found else { throw EventLogError(kind: .corrupt(seq: seq, problem: "missing from the events database")) }
            return found
        }

        func forEachEvent(in range: ClosedRange<UInt64>, _ body: (Event) throws -> Bool) throws {
            let upper = min(range.upperBound, head.lastSeq)
            guard max(range.lowerBound, 1) <= upper else { return }
            try log.withStorage {
                try txn.withCursor(log.events) { cursor in
                    var entry = try cursor.seek(atLeast: LMDBEventLog.bytes(max(range.lowerBound, 1).bigEndian))
                    var read = 0
                    while let current = entry {
                        let seq = UInt64(bigEndian: current.key.loadUnaligned(as: UInt64.self))
                        guard seq <= upper, try body(try decodeRecord(seq: seq, current.value)) else { return }
                        // A pass over the whole log (the independent check, verify, a replay) would otherwise keep
                        // every page of the file in its resident set; pages read stay in the page cache.
                        read += 1
                        if read % LMDBEventLog.releaseEvery == 0 { log.env.releaseMappedPages() }
                        entry = try cursor.next()
                    }
                }
            }
        }

        func forEachRecord(_ body: (UInt64, UnsafeRawBufferPointer) throws -> Bool) throws {
            try log.withStorage {
                try txn.withCursor(log.events) { cursor in
                    var entry = try cursor.first()
                    while let current = entry {
                        guard current.key.count == 8 else {
                            throw EventLogError(kind: .corrupt(seq: 0, problem: "a key of \(current.key.count) bytes in the events database"))
                        }
                        let seq = UInt64(bigEndian: current.key.loadUnaligned(as: UInt64.self))
                        guard try body(seq, current.value) else { return }
                        entry = try cursor.next()
                    }
                }
            }
        }

        func lastSeq(atOrBefore time: Instant) throws -> UInt64 {
            guard time.ms < .max else { return head.lastSeq }
            return try log.withStorage {
                // The nearest sparse entry at or before `time`, then forward over at most a stride of headers.
                var seq: UInt64 = try txn.withCursor(log.byTime) { cursor in
                    var key = TimeKey(time: time + Duration_ms(1), seq: 0)
                    let after = try withUnsafeBytes(of: &key) { try cursor.seek(atLeast: Array($0)) }
                    let before = after == nil ? try cursor.last() : try cursor.previous()
                    guard let before, let (_, seq) = TimeKey.instant(fromKey: before.key) else { return 0 }
                    return seq
                }
                guard seq > 0 else { return 0 }
                seq = min(seq, head.lastSeq)
                while seq < head.lastSeq, try eventTime(seq + 1) <= time { seq += 1 }
                return seq
            }
        }

        /// An event's time from its record header, without decoding the payload.
        func eventTime(_ seq: UInt64) throws -> Instant {
            let time = try txn.get(log.events, key: LMDBEventLog.bytes(seq.bigEndian)) { record -> Instant? in
                var reader = ByteReader(record)
                guard (try? reader.byte()) != nil, (try? reader.varint()) != nil, (try? reader.byte()) != nil,
                      let ms = try? reader.zigzag() else { return nil }
                return Instant(ms: ms)
            }
            guard let found = time, let t = found else { throw EventLogError(kind: .corrupt(seq: seq, problem: "unreadable record header")) }
            return t
        }

        /// One seek per bucket up to the head, in `seq` order.
        func seqs(touching entity: EntityRef) throws -> [UInt64] {
            return try log.withStorage {
                try txn.withCursor(log.byEntity) { cursor in
                    var out: [UInt64] = []
                    for bucket in 0...EntityKey.bucket(of: head.lastSeq) {
                        let prefix = EntityKey.prefix(bucket: bucket, entity)
                        var entry = try cursor.seek(atLeast: prefix)
                        while let current = entry, current.key.count == prefix.count + 8, current.key.starts(with: prefix) {
                            var seq = UInt64(bigEndian: current.key.loadUnaligned(fromByteOffset: prefix.count, as: UInt64.self))
                            var reader = ByteReader(current.value)
                            do {
                                let count = try reader.varint()
                                for i in 0..<count {
                                    if i > 0 { seq += try reader.varint() }
                                    if seq <= head.lastSeq { out.append(seq) }
                                }
                            } catch {
                                throw EventLogError(kind: .corrupt(seq: seq, problem: "a malformed entity index entry"))
                            }
                            entry = try cursor.next()
                        }
                    }
                    return out
                }
            }
        }

        func snapshot(atOrBefore seq: UInt64) throws -> StoredSnapshot? {
            guard let db = log.snapshotsDB else { return nil }
            let limit = min(seq, head.lastSeq)
            return try log.withStorage {
                try txn.withCursor(db) { cursor in
                    var entry = try cursor.seek(atLeast: LMDBEventLog.bytes((limit &+ 1).bigEndian))
                    entry = entry == nil ? try cursor.last() : try cursor.previous()
                    guard let found = entry else { return nil }
                    guard found.key.count == 8, found.value.count >= 32 else {
                        throw EventLogError(kind: .corrupt(seq: 0, problem: "a malformed snapshot entry"))
                    }
                    let at = UInt64(bigEndian: found.key.loadUnaligned(as: UInt64.self))
                    guard at <= limit else { return nil }
                    return StoredSnapshot(seq: at, digest: Digest(bytes: Array(found.value.prefix(32))), bytes: Array(found.value.dropFirst(32)))
                }
            }
        }

        func snapshotSeqs() throws -> [UInt64] {
            guard let db = log.snapshotsDB else { return [] }
            return try log.withStorage {
                try txn.withCursor(db) { cursor in
                    var out: [UInt64] = []
                    var entry = try cursor.first()
                    while let current = entry, current.key.count == 8 {
                        let seq = UInt64(bigEndian: current.key.loadUnaligned(as: UInt64.self))
                        if seq <= head.lastSeq { out.append(seq) }
                        entry = try cursor.next()
                    }
                    return out
                }
            }
        }

        func checkpoints() throws -> [Checkpoint] {
            try log.withStorage {
                try txn.withCursor(log.checkpointsDB) { cursor in
                    var out: [Checkpoint] = []
                    var entry = try cursor.first()
                    while let current = entry {
                        guard current.key.count == 8, current.value.count == 32 else {
                            throw EventLogError(kind: .corrupt(seq: 0, problem: "a malformed checkpoint entry"))
                        }
                        let seq = UInt64(bigEndian: current.key.loadUnaligned(as: UInt64.self))
                        if seq <= head.lastSeq { out.append(Checkpoint(seq: seq, digest: Digest(bytes: Array(current.value)))) }
                        entry = try cursor.next()
                    }
                    return out
                }
            }
        }
    }
}
