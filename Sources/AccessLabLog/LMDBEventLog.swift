import AccessLabEvents
import Foundation
import LMDB

/// The log in an LMDB environment (a directory). Databases:
/// - `events`: big-endian `seq` -> record (encoded event + chain tag), appended with `MDB_APPEND`;
/// - `by_time`: order-preserving time + `seq` -> empty for every `timeIndexStride`-th event (sparse: a
///   lookup finds the nearest entry and reads at most a stride of event headers), for "as of T";
/// - `by_entity`: bucket, kind, id, NUL, first `seq` -> the batch's `seq`s for that entity in that bucket
///   as varint deltas (one posting list per entity per batch and bucket, not one key per event), for
///   timelines. A bucket is a fixed range of `seq`s (`EntityKey.bucketShift`) and leads the key, so a
///   batch inserts only among the newest bucket's keys: the pages it touches stay few and hot however
///   long the log, where keys led by the entity put each batch's inserts all over the index;
/// - `checkpoints`: `seq` -> digest at the end of each batch;
/// - `snapshots`: `seq` -> head digest + projection snapshot bytes;
/// - `meta`: schema version, head, scenario and seed.
public final class LMDBEventLog: EventLog {
    /// Bumped when the layout of the databases changes.
    /// 3: `by_entity` keys begin with their bucket.
    public static let schemaVersion: UInt32 = 3
    /// Every how many events the time index has an entry.
    static let timeIndexStride: UInt64 = 64

    public let path: String
    let env: Environment
    let events: Database, byTime: Database, byEntity: Database, checkpointsDB: Database, meta: Database
    /// Nil for a database made before snapshots existed and opened without `create`.
    let snapshotsDB: Database?

    /// Opens the log at `path`. With `create`, makes the directory and the databases when missing;
    /// without it, anything but an existing AccessLab database is an error. The memory map starts at
    /// `initialMapSize` bytes and doubles whenever it fills.
    public init(path: String, create: Bool = false, initialMapSize: Int = 64 << 20) throws {
        self.path = path
        var isDirectory: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
        if exists && !isDirectory.boolValue {
            throw EventLogError(kind: .notADatabase(path: path, reason: "it is a file, not a directory"))
        }
        if !exists {
            guard create else { throw EventLogError(kind: .noDatabase(path: path)) }
            do {
                try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            } catch {
                throw EventLogError(kind: .storage(path: path, message: "cannot create the directory: \(error.localizedDescription)"))
            }
        }
        let dataFile = (path as NSString).appendingPathComponent("data.mdb")
        if !create && !FileManager.default.fileExists(atPath: dataFile) {
            throw EventLogError(kind: .notADatabase(path: path, reason: "it holds no data.mdb"))
        }
        do {
            env = try Environment(path: path, mapSize: initialMapSize)
            events = try env.openDatabase("events", create: create)
            byTime = try env.openDatabase("by_time", create: create)
            byEntity = try env.openDatabase("by_entity", create: create)
            checkpointsDB = try env.openDatabase("checkpoints", create: create)
            meta = try env.openDatabase("meta", create: create)
            do { snapshotsDB = try env.openDatabase("snapshots", create: create) } catch let e as LMDBError where e.isNotFound { snapshotsDB = nil }
        } catch let error as LMDBError {
            throw Self.translate(error, path: path, opening: true)
        }
        try checkSchema(create: create)
    }

    private func checkSchema(create: Bool) throws {
        try withStorage {
            let found: UInt32? = try env.read { txn in try txn.get(meta, key: MetaKey.schema).map { Self.uint32($0) } }
            if let found {
                guard found == Self.schemaVersion else {
                    throw EventLogError(kind: .schemaMismatch(path: path, found: found, expected: Self.schemaVersion))
                }
            } else if create {
                try env.write { txn in try txn.put(meta, key: MetaKey.schema, value: Self.bytes(Self.schemaVersion)) }
            } else {
                throw EventLogError(kind: .notADatabase(path: path, reason: "it has no AccessLab schema version"))
            }
        }
    }

    @discardableResult
    public func append(_ batch: [NewEvent]) throws -> ClosedRange<UInt64>? {
        guard !batch.isEmpty else { return nil }
        let head = try withStorage {
            try env.write { txn -> LogHead in
                var encoder = RecordEncoder(head: try Reader.readHead(txn.reader, meta: meta))
                // Taken out of the log for the batch: a local pays no exclusivity check per access.
                var postings = EntityPostings()
                swap(&postings, &self.postings)
                defer { swap(&postings, &self.postings) }
                postings.removeAll()
                // Each event is copied (retaining every string it holds) on its way to the calls below. Reading
                // it in place through `withUnsafeBufferPointer` copied as often (callgrind: two outlined
                // copies per event either way), so the plain loop stays.
                var index = 0
                for event in batch {
                    var stored: UInt64 = 0
                    let time = event.time
                    try encoder.append(event, index: index) { seq, record in
                        stored = seq
                        try withUnsafeBytes(of: seq.bigEndian) { key in try txn.put(events, key: key, value: record, append: true) }
                        if (seq - 1) % Self.timeIndexStride == 0 {
                            var timeKey = TimeKey(time: time, seq: seq)
                            try withUnsafeBytes(of: &timeKey) { key in try txn.put(byTime, key: key, value: UnsafeRawBufferPointer(start: nil, count: 0), append: true) }
                        }
                    }
                    event.body.forEachEntity { kind, id in postings.post(kind, id, seq: stored) }
                    index += 1
                }
                try postings.write { key, value in try txn.put(byEntity, key: key, value: value) }
                let head = encoder.head
                try txn.put(checkpointsDB, key: Self.bytes(head.lastSeq.bigEndian), value: head.digest.bytes, append: true)
                try txn.put(meta, key: MetaKey.head, value: HeadRecord.encode(head))
                return head
            }
        }
        appendedSinceRelease += batch.count
        if appendedSinceRelease >= Self.releaseEvery {
            appendedSinceRelease = 0
            env.releaseMappedPages()
        }
        return (head.lastSeq - UInt64(batch.count) + 1)...head.lastSeq
    }

    /// Events appended, or read in one pass, between two releases of the mapped pages (see
    /// `Environment.releaseMappedPages`): about one batch, because random inserts into the entity index
    /// touch pages all over the file.
    static let releaseEvery = 10_000
    private var appendedSinceRelease = 0
    /// The batch being appended's entity index entries (kept for its capacity).
    private var postings = EntityPostings()

    /// The current size of the memory map (grows as the log does).
    public var mapSize: Int { env.mapSize }

    public func read<R>(_ body: (any EventLogReader) throws -> R) throws -> R {
        try withStorage {
            try env.read { txn in
                let reader = Reader(txn: txn, log: self, head: try Reader.readHead(txn, meta: meta),
                                    metadata: try Reader.readMetadata(txn, meta: meta))
                return try body(reader)
            }
        }
    }

    public func setMetadata(_ metadata: LogMetadata) throws {
        try withStorage {
            try env.write { txn in
                if let scenario = metadata.scenario { try txn.put(meta, key: MetaKey.scenario, value: Array(scenario.utf8)) }
                else { try txn.delete(meta, key: MetaKey.scenario) }
                if let seed = metadata.seed { try txn.put(meta, key: MetaKey.seed, value: Self.bytes(seed.bigEndian)) }
                else { try txn.delete(meta, key: MetaKey.seed) }
                let lines = metadata.parameters.keys.sorted().map { key in
                    "\(ParameterText.escape(key, also: "="))=\(ParameterText.escape(metadata.parameters[key] ?? "", also: nil))\n"
                }.joined()
                try txn.put(meta, key: MetaKey.parameters, value: Array(lines.utf8))
            }
        }
    }

    public func putSnapshot(_ bytes: [UInt8], at seq: UInt64) throws {
        guard let snapshotsDB else { throw EventLogError(kind: .noSnapshotStore(path: path)) }
        try withStorage {
            try env.write { txn in
                let head = try Reader.readHead(txn.reader, meta: meta)
                guard seq == head.lastSeq else { throw EventLogError(kind: .snapshotNotAtHead(seq: seq, head: head.lastSeq)) }
                try txn.put(snapshotsDB, key: Self.bytes(seq.bigEndian), value: head.digest.bytes + bytes)
            }
        }
    }

    public func putSnapshot(_ bytes: [UInt8], at seq: UInt64, digest: Digest) throws {
        guard let snapshotsDB else { throw EventLogError(kind: .noSnapshotStore(path: path)) }
        try withStorage {
            try env.write { txn in
                let head = try Reader.readHead(txn.reader, meta: meta)
                guard seq <= head.lastSeq else { throw EventLogError(kind: .snapshotNotAtHead(seq: seq, head: head.lastSeq)) }
                try txn.put(snapshotsDB, key: Self.bytes(seq.bigEndian), value: digest.bytes + bytes)
            }
        }
    }

    /// Runs storage work, turning LMDB's errors into messages about this database.
    func withStorage<R>(_ body: () throws -> R) throws -> R {
        do { return try body() } catch let error as LMDBError { throw Self.translate(error, path: path, opening: false) }
    }

    static func translate(_ error: LMDBError, path: String, opening: Bool) -> EventLogError {
        // LMDB reports a short write (what a full disk gives it) as EIO, so free space decides which it was.
        if error.isDiskFull || (error.isIOError && freeBytes(path) < 1 << 22) { return EventLogError(kind: .diskFull(path: path)) }
        if error.isIOError { return EventLogError(kind: .ioError(path: path)) }
        if error.isInvalidEnvironment { return EventLogError(kind: .notADatabase(path: path, reason: "its data.mdb is not a valid LMDB file (\(error.message))")) }
        if opening && error.isNotFound { return EventLogError(kind: .notADatabase(path: path, reason: "it lacks the AccessLab databases")) }
        if error.isPermissionDenied { return EventLogError(kind: .storage(path: path, message: "permission denied")) }
        return EventLogError(kind: .storage(path: path, message: error.description))
    }

    static func freeBytes(_ path: String) -> Int64 {
        let attributes = try? FileManager.default.attributesOfFileSystem(forPath: path)
        return (attributes?[.systemFreeSize] as? NSNumber)?.int64Value ?? .max
    }

    static func bytes<T>(_ value: T) -> [UInt8] { withUnsafeBytes(of: value) { Array($0) } }
    static func uint32(_ bytes: [UInt8]) -> UInt32 {
        bytes.count == 4 ? bytes.withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) } : 0
    }
}

enum MetaKey {
    static let schema = Array("schema_version".utf8)
    static let head = Array("head".utf8)
    static let scenario = Array("scenario".utf8)
    static let seed = Array("seed".utf8)
    static let parameters = Array("parameters".utf8)
}

/// `seq` (8) | time_ms (8) | digest (32), all big-endian; a head with no time stores `Int64.min`.
enum HeadRecord {
    static func encode(_ head: LogHead) -> [UInt8] {
        LMDBEventLog.bytes(head.lastSeq.bigEndian) + LMDBEventLog.bytes((head.lastTime?.ms ?? .min).bigEndian) + head.digest.bytes
    }
    static func decode(_ bytes: UnsafeRawBufferPointer) -> LogHead? {
        guard bytes.count == 48 else { return nil }
        let seq = UInt64(bigEndian: bytes.loadUnaligned(as: UInt64.self))
        let ms = Int64(bigEndian: bytes.loadUnaligned(fromByteOffset: 8, as: Int64.self))
        return LogHead(lastSeq: seq, lastTime: ms == .min ? nil : Instant(ms: ms), digest: Digest(bytes: Array(bytes[16..<48])))
    }
}

/// Sorts like (time, seq): the sign bit of time is flipped so negative times sort first.
struct TimeKey {
    var time: UInt64
    var seq: UInt64
    init(time: Instant, seq: UInt64) {
        self.time = (UInt64(bitPattern: time.ms) ^ (1 << 63)).bigEndian
        self.seq = seq.bigEndian
    }
    static func instant(fromKey key: UnsafeRawBufferPointer) -> (Instant, UInt64)? {
        guard key.count == 16 else { return nil }
        let t = UInt64(bigEndian: key.loadUnaligned(as: UInt64.self)) ^ (1 << 63)
        return (Instant(ms: Int64(bitPattern: t)), UInt64(bigEndian: key.loadUnaligned(fromByteOffset: 8, as: UInt64.self)))
    }
}

/// bucket (8, big-endian) | kind (1) | id (UTF-8) | NUL | seq (8, big-endian)
enum EntityKey {
    /// A bucket holds 65,536 `seq`s: a reader seeks once per bucket (500 for a year of the scale
    /// scenario), and a writer's inserts stay within about a megabyte of index.
    static let bucketShift: UInt64 = 16
    static let bucketBytes = 8

    static func bucket(of seq: UInt64) -> UInt64 { seq >> bucketShift }

    static func prefix(bucket: UInt64, _ entity: EntityRef) -> [UInt8] {
        entity.id.withUTF8Bytes { prefix(bucket: bucket, kind: entity.kind.rawValue, id: $0) }
    }
    static func prefix(bucket: UInt64, kind: UInt8, id: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        var key: [UInt8] = []
        key.reserveCapacity(bucketBytes + id.count + 2)
        appendPrefix(bucket: bucket, kind: kind, id: id, to: &key)
        return key
    }
    /// Appends bucket | kind | id | NUL, the key without its `seq`.
    static func appendPrefix(bucket: UInt64, kind: UInt8, id: UnsafeBufferPointer<UInt8>, to key: inout [UInt8]) {
        withUnsafeBytes(of: bucket.bigEndian) { key.append(contentsOf: $0) }
        key.append(kind)
        key.append(contentsOf: id)
        key.append(0)
    }
}

extension Array where Element: Equatable {
    /// Drops adjacent repeats (the array is sorted where this is used).
    func uniqued() -> [Element] {
        var out: [Element] = []
        for e in self where out.last != e { out.append(e) }
        return out
    }
}

/// Parameters are stored as `key=value` lines; `%`, line breaks and (in keys) `=` are percent-escaped
/// so that any name a scenario uses reads back as written.
enum ParameterText {
    static func escape(_ s: String, also extra: Character?) -> String {
        var out = ""
        for c in s {
            switch c {
            case "%": out += "%25"
            case "\n": out += "%0A"
            case "=" where extra == "=": out += "%3D"
            default: out.append(c)
            }
        }
        return out
    }

    static func unescape<S: StringProtocol>(_ s: S) -> String {
        guard s.contains("%") else { return String(s) }
        return s.replacingOccurrences(of: "%0A", with: "\n").replacingOccurrences(of: "%3D", with: "=").replacingOccurrences(of: "%25", with: "%")
    }
}
