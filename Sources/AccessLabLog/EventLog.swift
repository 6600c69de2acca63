import AccessLabEvents

/// The append-only event log: the only source of truth. Two implementations share one contract:
/// `LMDBEventLog` on disk and `InMemoryEventLog` for tests and scratch runs.
public protocol EventLog: AnyObject {
    /// Appends a batch atomically: either every event lands, with contiguous `seq`s after the current
    /// head, or none does. Times must not decrease. Returns the assigned range, nil for an empty batch.
    @discardableResult
    func append(_ events: [NewEvent]) throws -> ClosedRange<UInt64>?

    /// Runs `body` against a consistent snapshot: it sees the same prefix of the log however much
    /// is appended meanwhile.
    func read<R>(_ body: (any EventLogReader) throws -> R) throws -> R

    /// Records which scenario and seed produced the log (both shown by `verify`, kept in the digest's metadata).
    func setMetadata(_ metadata: LogMetadata) throws

    /// Stores a projection snapshot of the log through `seq`, which must be the current head (so the
    /// stored digest is the head's). Snapshots are derived data: they speed up "as of", nothing more.
    func putSnapshot(_ bytes: [UInt8], at seq: UInt64) throws

    /// Stores a projection snapshot of an earlier point, `seq` at or before the head, with the chain
    /// digest through it as the caller computed it replaying the log (for logs stored without snapshots).
    func putSnapshot(_ bytes: [UInt8], at seq: UInt64, digest: Digest) throws
}

/// A consistent, read-only view of a prefix of the log.
public protocol EventLogReader {
    /// The last `seq`, its time and the digest through it.
    var head: LogHead { get }
    var metadata: LogMetadata { get }

    func event(_ seq: UInt64) throws -> Event

    /// Calls `body` for every event with `seq` in `range` (clamped to the log), in order, until it returns false.
    func forEachEvent(in range: ClosedRange<UInt64>, _ body: (Event) throws -> Bool) throws

    /// The stored record of every event in `seq` order as the store holds it (including the chain tag),
    /// until `body` returns false. `verify` reads the log through this.
    func forEachRecord(_ body: (UInt64, UnsafeRawBufferPointer) throws -> Bool) throws

    /// The last `seq` whose time is at or before `time`; 0 when the log starts after it.
    func lastSeq(atOrBefore time: Instant) throws -> UInt64

    /// Every `seq` that concerns `entity`, ascending.
    func seqs(touching entity: EntityRef) throws -> [UInt64]

    /// The digest recorded at the end of each appended batch, in `seq` order.
    func checkpoints() throws -> [Checkpoint]

    /// The latest stored snapshot at or before `seq`, if any.
    func snapshot(atOrBefore seq: UInt64) throws -> StoredSnapshot?

    /// The `seq` of every stored snapshot within the head, ascending.
    func snapshotSeqs() throws -> [UInt64]
}

/// A projection snapshot as stored: the log position and digest it was taken at, and its bytes.
public struct StoredSnapshot: Equatable, Sendable {
    public var seq: UInt64
    public var digest: Digest
    public var bytes: [UInt8]
    public init(seq: UInt64, digest: Digest, bytes: [UInt8]) { self.seq = seq; self.digest = digest; self.bytes = bytes }
}

/// Where the log ends.
public struct LogHead: Equatable, Sendable {
    public var lastSeq: UInt64
    public var lastTime: Instant?
    public var digest: Digest
    public static let empty = LogHead(lastSeq: 0, lastTime: nil, digest: .genesis)
}

/// The digest through one `seq`, stored when a batch commits.
public struct Checkpoint: Equatable, Sendable {
    public var seq: UInt64
    public var digest: Digest
}

/// What produced the log.
public struct LogMetadata: Equatable, Sendable {
    public var scenario: String?
    public var seed: UInt64?
    /// Model parameters queries need to answer as the run did (e.g. `signin_cache_ms`), by name.
    public var parameters: [String: String]
    public init(scenario: String? = nil, seed: UInt64? = nil, parameters: [String: String] = [:]) {
        self.scenario = scenario; self.seed = seed; self.parameters = parameters
    }
}

extension EventLogReader {
    /// The first event's time, or nil for an empty log.
    public func firstTime() throws -> Instant? {
        head.lastSeq == 0 ? nil : try event(1).time
    }

    /// All events in `range`, for small ranges and tests.
    public func events(in range: ClosedRange<UInt64>) throws -> [Event] {
        var out: [Event] = []
        try forEachEvent(in: range) { out.append($0); return true }
        return out
    }
}

/// A log failure a user can act on. Cases may be added without breaking callers.
public struct EventLogError: Error, Equatable, CustomStringConvertible, Sendable {
    enum Kind: Equatable, Sendable {
        case timeWentBackwards(time: Instant, previous: Instant, index: Int)
        case timeOutOfRange(time: Int64, index: Int)
        case noDatabase(path: String)
        case notADatabase(path: String, reason: String)
        case schemaMismatch(path: String, found: UInt32, expected: UInt32)
        case diskFull(path: String)
        case ioError(path: String)
        case storage(path: String, message: String)
        case corrupt(seq: UInt64, problem: String)
        case unknownSeq(UInt64)
        case snapshotNotAtHead(seq: UInt64, head: UInt64)
        case noSnapshotStore(path: String)
    }
    let kind: Kind

    public var description: String {
        switch kind {
        case .timeWentBackwards(let time, let previous, let index):
            "event \(index + 1) of the batch is at \(time), before the log's last time \(previous); time never decreases along seq"
        case .timeOutOfRange(let time, let index):
            "event \(index + 1) of the batch has time \(time) ms, outside years 1 to 9999"
        case .noDatabase(let path):
            "no AccessLab database at \(path) (the directory does not exist)"
        case .notADatabase(let path, let reason):
            "\(path) is not an AccessLab database: \(reason)"
        case .schemaMismatch(let path, let found, let expected):
            found < expected
                ? "\(path) has schema version \(found), from an older AccessLab; this build reads version \(expected). Run its scenario again, or carry its events over: `accesslab log --db \(path) --json` with the older build, then `accesslab import --db NEW FILE` with this one (same digest)"
                : "\(path) has schema version \(found); this build reads version \(expected)"
        case .diskFull(let path):
            "the disk holding \(path) is full; the batch being written was rolled back and the log is intact"
        case .ioError(let path):
            "an I/O error while writing \(path); the batch being written was rolled back"
        case .storage(let path, let message):
            "\(path): \(message)"
        case .corrupt(let seq, let problem):
            "event \(seq) is corrupt: \(problem)"
        case .unknownSeq(let seq):
            "there is no event \(seq) in the log"
        case .snapshotNotAtHead(let seq, let head):
            "a snapshot can only be stored at the head of the log (\(head)), not at \(seq)"
        case .noSnapshotStore(let path):
            "\(path) was created before snapshots existed; it cannot store them (reading works)"
        }
    }

    /// The `seq` a corruption was found at, if this is one.
    public var corruptSeq: UInt64? {
        if case .corrupt(let seq, _) = kind { return seq }
        return nil
    }
}
