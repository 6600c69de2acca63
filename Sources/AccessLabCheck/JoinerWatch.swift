/// Each hire, watched until the joiner can reach an account and every account the team expects.
struct JoinerWatch {
    struct Record {
        var seq: UInt64
        var user: String
        var hiredAt_ms: Int64
        /// nil when the team expects no accounts.
        var expected: [String]?
        var firstAny_ms: Int64?
        var firstByAccount: [String: Int64] = [:]

        var isSettled: Bool {
            guard firstAny_ms != nil else { return false }
            return (expected ?? []).allSatisfy { firstByAccount[$0] != nil }
        }
    }

    private(set) var records: [Record] = []
    /// Indexes into `records` of the hires still waiting for access, by user.
    private var open: [String: [Int]] = [:]

    var isWatchingAnyone: Bool { !open.isEmpty }
    func isWatching(_ user: String) -> Bool { open[user] != nil }

    mutating func hired(_ user: String, at t: Int64, seq: UInt64, expected: [String]?, identityCenter: IdentityCenterMirror) {
        records.append(Record(seq: seq, user: user, hiredAt_ms: t, expected: expected))
        open[user, default: []].append(records.count - 1)
        observe(user, at: t, identityCenter: identityCenter)
    }

    /// Records which accounts the user reaches now, once the user is active.
    mutating func observe(_ user: String, at t: Int64, identityCenter: IdentityCenterMirror) {
        guard let indexes = open[user], identityCenter.isActive(user) else { return }
        let accounts = Set(identityCenter.entitlements(of: user).map(\.account))
        guard !accounts.isEmpty else { return }
        var stillOpen: [Int] = []
        for i in indexes {
            if records[i].firstAny_ms == nil { records[i].firstAny_ms = t }
            for account in accounts where records[i].firstByAccount[account] == nil { records[i].firstByAccount[account] = t }
            if !records[i].isSettled { stillOpen.append(i) }
        }
        open[user] = stillOpen.isEmpty ? nil : stillOpen
    }

    func figures() -> [JoinerFigure] {
        records.sorted { ($0.hiredAt_ms, $0.user, $0.seq) < ($1.hiredAt_ms, $1.user, $1.seq) }.map { r in
            var full: Int64?
            if let expected = r.expected, !expected.isEmpty {
                let reached = expected.compactMap { r.firstByAccount[$0] }
                if reached.count == expected.count, let last = reached.max() { full = last - r.hiredAt_ms }
            }
            return JoinerFigure(user: r.user, hiredAt_ms: r.hiredAt_ms, firstAccess_ms: r.firstAny_ms.map { $0 - r.hiredAt_ms }, fullAccess_ms: full)
        }
    }
}
