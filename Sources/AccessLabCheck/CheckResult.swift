import AccessLabEvents

/// What the checker found in a log: every measured figure recomputed, and what broke an invariant.
/// Every list of people is sorted by time, then user.
public struct CheckResult: Equatable, Sendable {
    public var leavers: [LeaverFigure]
    public var joiners: [JoinerFigure]
    public var movers: [MoverFigure]
    /// Each names the event's seq, the user and what went wrong; at most `ViolationList.limit`, then one line counting the rest.
    public var invariantViolations: [String]
    /// What is not wrong but not finished either, e.g. directory changes still on their way at the end of the log.
    public var notes: [String]
    public var eventsChecked: UInt64

    public init(leavers: [LeaverFigure] = [], joiners: [JoinerFigure] = [], movers: [MoverFigure] = [],
                invariantViolations: [String] = [], notes: [String] = [], eventsChecked: UInt64 = 0) {
        self.leavers = leavers; self.joiners = joiners; self.movers = movers
        self.invariantViolations = invariantViolations; self.notes = notes; self.eventsChecked = eventsChecked
    }
}

/// One termination: how long the leaver could still act after HR recorded it.
public struct LeaverFigure: Equatable, Sendable, CustomStringConvertible {
    public var user: String
    public var terminatedAt_ms: Int64
    /// Counting every credential the user held or minted afterwards; nil unless the run's leavers persist.
    public var persisting_ms: Int64?
    /// Counting only the credentials the user held when terminated.
    public var benign_ms: Int64
    /// The run ended before the persisting leaver's access was settled (false when leavers are benign).
    public var censoredPersisting: Bool
    public var censoredBenign: Bool

    public init(user: String, terminatedAt_ms: Int64, persisting_ms: Int64?, benign_ms: Int64, censoredPersisting: Bool, censoredBenign: Bool) {
        self.user = user; self.terminatedAt_ms = terminatedAt_ms; self.persisting_ms = persisting_ms
        self.benign_ms = benign_ms; self.censoredPersisting = censoredPersisting; self.censoredBenign = censoredBenign
    }

    public var description: String {
        "persisting \(persisting_ms.map(Figure.span) ?? "not measured")\(censoredPersisting ? " (censored)" : ""), "
            + "benign \(Figure.span(benign_ms))\(censoredBenign ? " (censored)" : "")"
    }
}

/// One hire: how long until the joiner could reach an account, and all of the team's.
public struct JoinerFigure: Equatable, Sendable, CustomStringConvertible {
    public var user: String
    public var hiredAt_ms: Int64
    /// nil when the joiner never reached any account.
    public var firstAccess_ms: Int64?
    /// nil when the team expects no accounts or the joiner never reached them all.
    public var fullAccess_ms: Int64?

    public init(user: String, hiredAt_ms: Int64, firstAccess_ms: Int64?, fullAccess_ms: Int64?) {
        self.user = user; self.hiredAt_ms = hiredAt_ms; self.firstAccess_ms = firstAccess_ms; self.fullAccess_ms = fullAccess_ms
    }

    public var description: String {
        "first access \(firstAccess_ms.map(Figure.span) ?? "never"), full access \(fullAccess_ms.map(Figure.span) ?? "never")"
    }
}

/// One transfer: how long the mover kept what the old team gave.
public struct MoverFigure: Equatable, Sendable, CustomStringConvertible {
    public static let measured = "measured"
    public static let censored = "censored"
    public static let left = "left"

    public var user: String
    public var movedAt_ms: Int64
    /// `measured`, `censored` (still in the old team's group at the end) or `left` (terminated before leaving that group).
    public var outcome: String
    /// For measured movers who lost something; nil otherwise.
    public var latency_ms: Int64?

    public init(user: String, movedAt_ms: Int64, outcome: String, latency_ms: Int64?) {
        self.user = user; self.movedAt_ms = movedAt_ms; self.outcome = outcome; self.latency_ms = latency_ms
    }

    public var description: String { "\(outcome), latency \(latency_ms.map(Figure.span) ?? "none")" }
}

enum Figure {
    static func span(_ ms: Int64) -> String { Duration_ms(ms).description }
}

extension Figure {
    static func instant(_ ms: Int64) -> String { Instant(ms: ms).description }
}
