import AccessLabEvents
import AccessLabLog
import AccessLabProjections

/// Access state at any past point of a log: the nearest stored snapshot at or before the point, with
/// the events after it replayed (or a replay from the start when there is none).
public struct History {
    public let reader: any EventLogReader

    public init(reader: any EventLogReader) { self.reader = reader }

    /// The state after event `seq` (0: before the first event).
    public func state(through seq: UInt64, useSnapshots: Bool = true) throws -> AccessState {
        let target = min(seq, reader.head.lastSeq)
        var state = AccessState()
        if useSnapshots, let stored = try reader.snapshot(atOrBefore: target) {
            do {
                state = try AccessState(encodedSnapshot: stored.bytes)
            } catch {
                throw QueryError("the snapshot at @\(stored.seq) cannot be read (\(error)); `accesslab verify` checks snapshots")
            }
        }
        guard state.seq < target else { return state }
        try reader.forEachEvent(in: (state.seq + 1)...target) { event in
            state.apply(event)
            return true
        }
        return state
    }

    /// Where a time lands in the log: the last event at or before it.
    public func position(of spec: TimeSpec) throws -> Position {
        guard let first = try reader.firstTime(), let last = reader.head.lastTime else { throw QueryError("the log is empty") }
        let at: Instant
        let seq: UInt64
        switch spec {
        case .instant(let t): at = t; seq = try reader.lastSeq(atOrBefore: t)
        case .offset, .beforeEnd: at = try reader.instant(of: spec) ?? last; seq = try reader.lastSeq(atOrBefore: at)
        case .seq(let n):
            guard n <= reader.head.lastSeq else { throw QueryError("@\(n) is past the end of the log (@\(reader.head.lastSeq))") }
            seq = n
            at = n == 0 ? first : try reader.event(n).time
        }
        return Position(time: at, seq: seq, before: at < first, after: at > last, logStart: first, logEnd: last)
    }

    /// A moment in the log.
    public struct Position: Sendable, Equatable {
        public var time: Instant
        /// The last event at or before `time` (0 when none).
        public var seq: UInt64
        /// True when `time` is before the log's first event (nothing existed yet).
        public var before: Bool
        /// True when `time` is after the log's last event (the state is the final one).
        public var after: Bool
        public var logStart: Instant
        public var logEnd: Instant

        /// A sentence for users when the time is outside the log.
        public var note: String? {
            if before { return "\(time) is before the log's first event (\(logStart)): nothing existed yet" }
            if after { return "\(time) is after the log's last event (\(logEnd)): showing the final state" }
            return nil
        }
    }
}

/// A query that cannot be answered, with the reason a user needs.
public struct QueryError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

extension History {
    /// The log's chain digest through `seq`: from the nearest checkpoint at or before it, re-chaining the rest.
    public func digest(through seq: UInt64) throws -> Digest {
        let target = min(seq, reader.head.lastSeq)
        let base = try reader.checkpoints().last { $0.seq <= target }
        var digest = base?.digest ?? .genesis
        let from = (base?.seq ?? 0) + 1
        guard from <= target else { return digest }
        try reader.forEachEvent(in: from...target) { event in
            let bytes = try EventCodec.encode(event.unlogged)
            digest = bytes.withUnsafeBytes { DigestChain.next(digest, seq: event.seq, encoded: $0) }
            return true
        }
        return digest
    }
}
