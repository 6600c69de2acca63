import AccessLabEvents

extension EventLogReader {
    /// The last `seq` included "as of" the point: every event at or before the time, or up to the `seq`.
    /// Offsets count from the first event. Returns 0 for a point before the log starts.
    public func lastSeq(asOf spec: TimeSpec) throws -> UInt64 {
        if case .seq(let n) = spec { return min(n, head.lastSeq) }
        guard let t = try instant(of: spec) else { return 0 }
        return try lastSeq(atOrBefore: t)
    }

    /// The first `seq` at or after the point (for `--from`); past the end when nothing is.
    public func firstSeq(from spec: TimeSpec) throws -> UInt64 {
        if case .seq(let n) = spec { return max(n, 1) }
        guard let t = try instant(of: spec) else { return 1 }
        return try lastSeq(atOrBefore: t - Duration_ms(1)) + 1
    }

    /// The moment a point stands for: the time itself, or the time of the event at `@seq`.
    /// `end` is where the run ends (`LogMetadata.runEnd`), or the last event for a log `run` did not write.
    public func instant(of spec: TimeSpec) throws -> Instant? {
        switch spec {
        case .instant(let t): return t
        case .offset(let d): return try firstTime().map { $0 + d }
        case .beforeEnd(let d): return (metadata.runEnd ?? head.lastTime).map { $0 - d }
        case .seq(let n):
            guard n >= 1, n <= head.lastSeq else { return nil }
            return try event(n).time
        }
    }
}
