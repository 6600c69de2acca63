/// The figures a report claims, in the checker's plain types, for `firstDisagreement`.
public struct ClaimedFigures: Equatable, Sendable {
    public var leavers: [LeaverFigure]
    public var joiners: [JoinerFigure]
    public var movers: [MoverFigure]
    public init(leavers: [LeaverFigure] = [], joiners: [JoinerFigure] = [], movers: [MoverFigure] = []) {
        self.leavers = leavers; self.joiners = joiners; self.movers = movers
    }
}

/// The first person on whom a report and the checker differ, with both answers.
public struct Disagreement: Equatable, Sendable, CustomStringConvertible {
    /// `leaver`, `joiner` or `mover`.
    public var kind: String
    public var user: String
    /// When the person left, joined or moved.
    public var at_ms: Int64
    /// The report's answer, or `none` when the report does not have this person.
    public var claimed: String
    /// The checker's answer, or `none` when the checker did not find this person.
    public var checked: String

    public init(kind: String, user: String, at_ms: Int64, claimed: String, checked: String) {
        self.kind = kind; self.user = user; self.at_ms = at_ms; self.claimed = claimed; self.checked = checked
    }

    public var description: String {
        "\(kind) \(user) at \(Figure.instant(at_ms)): the report says \(claimed); the independent check found \(checked)"
    }
}

/// Compares what a report claims with what the checker found: nil when they agree, else the earliest person
/// (by time, then user) on whom they differ, or whom only one of them has.
public func firstDisagreement(claimed: ClaimedFigures, checked: CheckResult) -> Disagreement? {
    let found = [
        Comparison.first("leaver", claimed.leavers, checked.leavers) { ($0.terminatedAt_ms, $0.user) },
        Comparison.first("joiner", claimed.joiners, checked.joiners) { ($0.hiredAt_ms, $0.user) },
        Comparison.first("mover", claimed.movers, checked.movers) { ($0.movedAt_ms, $0.user) },
    ].compactMap { $0 }
    // The list is in kind order and the minimum keeps the first of equals, so ties go to leaver, joiner, mover.
    return found.min { ($0.at_ms, $0.user) < ($1.at_ms, $1.user) }
}

enum Comparison {
    /// Walks both lists in (time, user) order, pairing equal keys, and returns the first difference.
    static func first<F: Equatable & CustomStringConvertible>(
        _ kind: String, _ claimed: [F], _ checked: [F], key: (F) -> (Int64, String)
    ) -> Disagreement? {
        // A stable sort keeps the caller's order for one person's records at one instant.
        let a = inOrder(claimed, key), b = inOrder(checked, key)
        var i = 0, j = 0
        while i < a.count || j < b.count {
            if i < a.count, j < b.count, key(a[i]) == key(b[j]) {
                if a[i] != b[j] { return disagreement(kind, key(a[i]), a[i].description, b[j].description) }
                i += 1; j += 1
            } else if j >= b.count || (i < a.count && key(a[i]) < key(b[j])) {
                return disagreement(kind, key(a[i]), a[i].description, "none")
            } else {
                return disagreement(kind, key(b[j]), "none", b[j].description)
            }
        }
        return nil
    }

    private static func inOrder<F>(_ figures: [F], _ key: (F) -> (Int64, String)) -> [F] {
        figures.enumerated().map { (key: key($0.element), offset: $0.offset, figure: $0.element) }
            .sorted { ($0.key.0, $0.key.1, $0.offset) < ($1.key.0, $1.key.1, $1.offset) }
            .map(\.figure)
    }

    private static func disagreement(_ kind: String, _ key: (Int64, String), _ claimed: String, _ checked: String) -> Disagreement {
        Disagreement(kind: kind, user: key.1, at_ms: key.0, claimed: claimed, checked: checked)
    }
}
