import AccessLabEvents

extension EventLogReader {
    /// The last `seq` included "as of" the point: every event at or before the time, or up to the `seq`.
    /// Offsets count from the first event. Returns 0 for a point before the log starts.
    public func lastSeq(asOf spec: TimeSpec) throws -> UInt64 {
        switch spec {
        case .seq(let n): return min(n, head.lastSeq)
        case .instant(let t): return try lastSeq(atOrBefore: t)
        case .offset(let d):
            guard let first = try firstTime() else { return 0 }
            return try lastSeq(atOrBefore: first + d)
        }
    }

    /// The first `seq` at or after the point (for `--from`); past the end when nothing is.
    public func firstSeq(from spec: TimeSpec) throws -> UInt64 {
        switch spec {
        case .seq(let n): return max(n, 1)
        case .instant(let t): return try lastSeq(atOrBefore: t - Duration_ms(1)) + 1
        case .offset(let d):
            guard let first = try firstTime() else { return 1 }
            return try lastSeq(atOrBefore: first + d - Duration_ms(1)) + 1
        }
    }

    /// The moment a point stands for: the time itself, or the time of the event at `@seq`.
    public func instant(of spec: TimeSpec) throws -> Instant? {
        switch spec {
        case .instant(let t): return t
        case .offset(let d): return try firstTime().map { $0 + d }
        case .seq(let n):
            guard n >= 1, n <= head.lastSeq else { return nil }
            return try event(n).time
        }
    }
}
