import AccessLabEvents
import AccessLabProjections

/// Summary statistics of a set of durations, in seconds (nearest-rank percentiles).
public struct LatencyStats: Codable, Sendable, Equatable {
    public var count: Int
    public var p50_s: Double
    public var p90_s: Double
    public var p99_s: Double
    public var max_s: Double
    public var mean_s: Double

    public init(_ values_ms: [Int64]) {
        let v = values_ms.sorted()
        count = v.count
        func rank(_ p: Double) -> Double {
            guard !v.isEmpty else { return 0 }
            let i = min(max(Int((p * Double(v.count)).rounded(.up)) - 1, 0), v.count - 1)
            return Double(v[i]) / 1000
        }
        p50_s = rank(0.5); p90_s = rank(0.9); p99_s = rank(0.99)
        max_s = Double(v.last ?? 0) / 1000
        mean_s = v.isEmpty ? 0 : (Double(v.reduce(0, +)) / Double(v.count) / 1000 * 1000).rounded() / 1000
    }
}

/// Where a leaver's latency went, stage by stage; the four add up to the latency.
public struct StageStats: Codable, Sendable, Equatable {
    public var hr_to_idp: LatencyStats
    public var idp_to_identity_center: LatencyStats
    public var signin_cache: LatencyStats
    public var credential_lifetime: LatencyStats
}

/// One user's figure, for `explain` and `timeline` to take up.
public struct WorstCase: Codable, Sendable, Equatable {
    public var user: String
    public var at: String
    public var latency_s: Double
    public var account: String?
}

public struct LeaverLatency: Codable, Sendable, Equatable {
    public var latency: LatencyStats
    /// Every leaver's latency in seconds, sorted: what sweeps pool across seeds for exact percentiles.
    public var samples_s: [Double]
    public var stages: StageStats
    public var exposure_credential_hours_total: Double
    public var exposure_credential_hours_mean: Double
    public var worst: [WorstCase]
}

public struct LeaverSection: Codable, Sendable, Equatable {
    public var count: Int
    /// Persisting leavers whose access had not ended when the run stopped; not in the figures.
    public var censored: Int
    public var behaviour: String
    /// From the credentials live at termination: what a leaver who stops at once keeps.
    public var benign: LeaverLatency
    /// Everything a persisting leaver minted; nil when the scenario's leavers are benign.
    public var persisting: LeaverLatency?
}

public struct MoverSection: Codable, Sendable, Equatable {
    public var count: Int
    public var censored: Int
    public var lost_access: Int
    /// From the move to the last moment the old group's access worked (removal or credential expiry).
    public var latency: LatencyStats
    /// From the move to the last moment a credential with the old ABAC tag reached a resource tagged with it.
    public var abac_old_tag: LatencyStats
    public var worst: [WorstCase]
}

public struct JoinerSection: Codable, Sendable, Equatable {
    public var count: Int
    public var censored: Int
    public var time_to_first_access: LatencyStats
    public var time_to_full_access: LatencyStats
    public var worst: [WorstCase]
}

/// The measured outcome of a run.
public struct RevocationReport: Codable, Sendable, Equatable {
    public var leavers: LeaverSection
    public var movers: MoverSection
    public var joiners: JoinerSection
}

extension RevocationMeter {
    public func report(state: AccessState, end: Instant, scenario: Scenario) -> RevocationReport {
        RevocationReport(leavers: leaverSection(state, scenario), movers: moverSection(state, end),
                         joiners: joinerSection(scenario, end))
    }

    private func leaverSection(_ state: AccessState, _ scenario: Scenario) -> LeaverSection {
        let persisting = scenario.churn.leaverBehaviour == .persisting
        var benign: [Measured] = [], worst: [Measured] = []
        var censored = 0
        for id in leavers.keys.sorted() {
            guard let r = leavers[id] else { continue }
            benign.append(measure(r, state, includeAfter: false))
            if persisting {
                if r.identityCenterCutAt == nil && r.noEntitlementsAt == nil && state.identityCenter.users[id] != nil {
                    censored += 1
                } else {
                    worst.append(measure(r, state, includeAfter: true))
                }
            }
        }
        return LeaverSection(count: leavers.count, censored: censored, behaviour: scenario.churn.leaverBehaviour.rawValue,
                             benign: summarize(benign), persisting: persisting ? summarize(worst) : nil)
    }

    struct Measured {
        var userId: String, at: Instant, latency_ms: Int64, account: String?
        var stages_ms: [Int64]
        var exposure_ms: Int64
    }

    private func measure(_ r: LeaverRecord, _ state: AccessState, includeAfter: Bool) -> Measured {
        let t = r.terminatedAt
        var last = t, account: String?, exposure: Int64 = 0
        for span in r.spans where includeAfter || !span.afterEvent {
            guard let end = Self.end(of: span, userId: r.userId, state: state), end > t else { continue }
            exposure += end.ms - max(span.issuedAt, t).ms
            if end > last || (end == last && account.map { span.target.accountId < $0 } == true) { last = end; account = span.target.accountId }
        }
        let cutAt = [r.identityCenterCutAt, r.noEntitlementsAt].compactMap { $0 }.min()
        var noNew = r.identityCenterCutAt.map { $0 + rules.signinCache }
        if let n = r.noEntitlementsAt { noNew = min(noNew ?? n, n) }
        // Each stage is the time spent in it while access still lived, so the four add up to the latency.
        var stages: [Int64] = []
        var previous = t
        for boundary in [r.idpAt ?? last, cutAt ?? last, noNew ?? last, last] {
            let clamped = max(min(boundary, last), previous)
            stages.append(clamped.ms - previous.ms)
            previous = clamped
        }
        return Measured(userId: r.userId, at: t, latency_ms: last.ms - t.ms, account: account, stages_ms: stages, exposure_ms: exposure)
    }

    private func summarize(_ m: [Measured]) -> LeaverLatency {
        let exposure_h = Double(m.reduce(0) { $0 + $1.exposure_ms }) / 3_600_000
        return LeaverLatency(
            latency: LatencyStats(m.map(\.latency_ms)),
            samples_s: m.map { Double($0.latency_ms) / 1000 }.sorted(),
            stages: StageStats(hr_to_idp: LatencyStats(m.map { $0.stages_ms[0] }),
                               idp_to_identity_center: LatencyStats(m.map { $0.stages_ms[1] }),
                               signin_cache: LatencyStats(m.map { $0.stages_ms[2] }),
                               credential_lifetime: LatencyStats(m.map { $0.stages_ms[3] })),
            exposure_credential_hours_total: (exposure_h * 1000).rounded() / 1000,
            exposure_credential_hours_mean: m.isEmpty ? 0 : (exposure_h / Double(m.count) * 1000).rounded() / 1000,
            worst: Self.worst(m.map { ($0.userId, $0.at, $0.latency_ms, $0.account) }))
    }

    static func worst(_ items: [(String, Instant, Int64, String?)], limit: Int = 5) -> [WorstCase] {
        items.sorted { ($1.2, $0.0) < ($0.2, $1.0) }.prefix(limit).map {
            WorstCase(user: $0.0, at: $0.1.description, latency_s: Double($0.2) / 1000, account: $0.3)
        }
    }

    private func moverSection(_ state: AccessState, _ end: Instant) -> MoverSection {
        var all = closedMovers
        for id in openMovers.keys.sorted() { if let m = openMovers[id] { all.append(m) } }
        all.sort { ($0.movedAt, $0.userId) < ($1.movedAt, $1.userId) }
        var latencies: [(String, Instant, Int64, String?)] = [], abac: [Int64] = []
        var censored = 0
        for m in all {
            if state.identityCenter.users[m.userId]?.groups.contains(m.oldGroup) == true,
               state.identityCenter.users[m.userId]?.status == .active {
                censored += 1
                continue
            }
            var last: Instant?, account: String?
            for (target, removedAt) in m.removedAt.sorted(by: { $0.key < $1.key }) {
                var until = removedAt
                for span in m.spans where span.target == target && span.issuedAt <= removedAt {
                    until = max(until, Self.end(of: span, userId: m.userId, state: state) ?? until)
                }
                if last == nil || until > last! { last = until; account = target.accountId }
            }
            if let last { latencies.append((m.userId, m.movedAt, last.ms - m.movedAt.ms, account)) }
            if let v = abacLatency(m, state) { abac.append(v) }
        }
        return MoverSection(count: all.count, censored: censored, lost_access: latencies.count,
                            latency: LatencyStats(latencies.map(\.2)), abac_old_tag: LatencyStats(abac),
                            worst: Self.worst(latencies))
    }

    /// The old tag value lives on in credentials issued before Identity Center had the new attribute.
    private func abacLatency(_ m: MoverRecord, _ state: AccessState) -> Int64? {
        let newTags = Set(state.principalTags(ofUser: m.userId))
        let changed = m.oldTags.filter { !newTags.contains($0) }
        guard !changed.isEmpty else { return nil }
        var last: Instant?
        for span in m.spans where span.sessionTags.contains(where: changed.contains) {
            let reachable = state.resourceTags[span.target.accountId]?.values.contains { tags in tags.contains(where: changed.contains) } ?? false
            guard reachable else { continue }
            if let end = Self.end(of: span, userId: m.userId, state: state), end > m.movedAt { last = max(last ?? end, end) }
        }
        return last.map { $0.ms - m.movedAt.ms }
    }

    private func joinerSection(_ scenario: Scenario, _ end: Instant) -> JoinerSection {
        var expected: [String: Set<String>] = [:]
        for a in scenario.assignments { expected[a.team, default: []].formUnion(a.accountIds) }
        var first: [Int64] = [], full: [(String, Instant, Int64, String?)] = []
        var censored = 0
        for id in joiners.keys.sorted() {
            guard let j = joiners[id] else { continue }
            let want = expected[j.team ?? ""] ?? []
            if let f = j.firstAccess.values.min() { first.append(f.ms - j.hiredAt.ms) }
            guard !want.isEmpty else { continue }
            let reached = want.compactMap { j.firstAccess[$0] }
            guard reached.count == want.count, let last = reached.max() else { censored += 1; continue }
            let account = want.sorted().first { j.firstAccess[$0] == last }
            full.append((id, j.hiredAt, last.ms - j.hiredAt.ms, account))
        }
        return JoinerSection(count: joiners.count, censored: censored, time_to_first_access: LatencyStats(first),
                             time_to_full_access: LatencyStats(full.map(\.2)), worst: Self.worst(full))
    }
}
