import AccessLabEvents
import AccessLabProjections

/// The nearest-rank percentile `p` (0...1) of sorted values: the smallest value with at least a share p
/// of the values at or below it. Nil for no values. Every percentile AccessLab prints uses this rule.
public func nearestRank<T>(_ sorted: [T], _ p: Double) -> T? {
    guard !sorted.isEmpty else { return nil }
    return sorted[min(max(Int((p * Double(sorted.count)).rounded(.up)) - 1, 0), sorted.count - 1)]
}

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
        func rank(_ p: Double) -> Double { Double(nearestRank(v, p) ?? 0) / 1000 }
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
    /// Credential-hours after termination that fell in each simulated day (day 0 starts with the run).
    public var exposure_by_day_h: [Double]
    public var worst: [WorstCase]
}

/// The worst leaver's access around their termination: what `report` draws as a timeline.
/// Offsets are seconds from the termination; negative before it.
public struct LeaverTimeline: Codable, Sendable, Equatable {
    public struct Mark: Codable, Sendable, Equatable {
        /// termination, idp_deactivated, identity_center_cut, no_entitlements, signin_refused, last_access
        public var name: String
        public var offset_s: Double
    }
    public struct Credential: Codable, Sendable, Equatable {
        public var issued_s: Double
        /// When it stopped working: expiry, or a deny taking effect.
        public var ends_s: Double
        public var after_termination: Bool
    }
    public struct Lane: Codable, Sendable, Equatable {
        public var account: String
        public var permission_set: String
        public var permission_set_name: String
        /// Entitled at termination; until when (nil: still entitled when the run ended).
        public var entitled: Bool
        public var entitled_until_s: Double?
        public var credentials: [Credential]
    }
    public var user: String
    /// Which figure it is the worst of: persisting or benign.
    public var behaviour: String
    public var terminated_at: String
    public var latency_s: Double
    public var marks: [Mark]
    public var lanes: [Lane]
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
    /// The leaver with the longest latency (persisting when measured, else benign).
    public var worst_timeline: LeaverTimeline?
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
    /// Every joiner's time to a first account and to all team accounts, in seconds, sorted.
    public var first_access_samples_s: [Double]
    public var full_access_samples_s: [Double]
    public var worst: [WorstCase]
}

/// The measured outcome of a run.
public struct RevocationReport: Codable, Sendable, Equatable {
    public var leavers: LeaverSection
    public var movers: MoverSection
    public var joiners: JoinerSection
}

extension RevocationMeter {
    public func report(state: AccessState, context: MeasurementContext) -> RevocationReport {
        RevocationReport(leavers: leaverSection(state, context), movers: moverSection(state, context.end),
                         joiners: joinerSection(context))
    }

    private func leaverSection(_ state: AccessState, _ context: MeasurementContext) -> LeaverSection {
        let persisting = context.leaverBehaviour == .persisting
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
        let benignSummary = summarize(benign, context), persistingSummary = persisting ? summarize(worst, context) : nil
        // The headline figure's worst leaver, drawn from the measurement already made.
        let headline = persisting ? worst : benign
        let worstTimeline = (persistingSummary ?? benignSummary).worst.first.flatMap { w -> LeaverTimeline? in
            guard let r = leavers[w.user], let m = headline.first(where: { $0.userId == w.user }) else { return nil }
            return timeline(r, m, state, includeAfter: persisting)
        }
        return LeaverSection(count: leavers.count, censored: censored, behaviour: context.leaverBehaviour.rawValue,
                             benign: benignSummary, persisting: persistingSummary, worst_timeline: worstTimeline)
    }

    struct Measured {
        var userId: String, at: Instant, latency_ms: Int64, account: String?
        var stages_ms: [Int64]
        var exposure_ms: Int64
        /// The stretches after termination during which a credential worked.
        var exposed: [(from: Instant, to: Instant)]
    }

    /// When the leaver could no longer get new credentials: the sign-in cache after Identity Center's cut,
    /// or the loss of the last entitlement, whichever came first.
    private func noNewCredentialsAt(_ r: LeaverRecord) -> Instant? {
        var noNew = r.identityCenterCutAt.map { $0 + rules.signinCache }
        if let n = r.noEntitlementsAt { noNew = min(noNew ?? n, n) }
        return noNew
    }

    private func measure(_ r: LeaverRecord, _ state: AccessState, includeAfter: Bool) -> Measured {
        let t = r.terminatedAt
        var last = t, account: String?, exposure: Int64 = 0
        var exposed: [(from: Instant, to: Instant)] = []
        for span in r.spans(includeAfter: includeAfter) {
            guard let end = Self.end(of: span, userId: r.userId, state: state), end > t else { continue }
            exposure += end.ms - max(span.issuedAt, t).ms
            exposed.append((max(span.issuedAt, t), end))
            if end > last || (end == last && account.map { span.target.accountId < $0 } == true) { last = end; account = span.target.accountId }
        }
        let cutAt = [r.identityCenterCutAt, r.noEntitlementsAt].compactMap { $0 }.min()
        let noNew = noNewCredentialsAt(r)
        // Each stage is the time spent in it while access still lived, so the four add up to the latency.
        var stages: [Int64] = []
        var previous = t
        for boundary in [r.idpAt ?? last, cutAt ?? last, noNew ?? last, last] {
            let clamped = max(min(boundary, last), previous)
            stages.append(clamped.ms - previous.ms)
            previous = clamped
        }
        return Measured(userId: r.userId, at: t, latency_ms: last.ms - t.ms, account: account, stages_ms: stages, exposure_ms: exposure,
                        exposed: exposed)
    }

    private func timeline(_ r: LeaverRecord, _ measured: Measured, _ state: AccessState, includeAfter: Bool) -> LeaverTimeline {
        let t = r.terminatedAt
        func offset(_ i: Instant) -> Double { Double(i.ms - t.ms) / 1000 }
        let spans = r.spans(includeAfter: includeAfter)
        var marks = [LeaverTimeline.Mark(name: "termination", offset_s: 0)]
        let named: [(String, Instant?)] = [("idp_deactivated", r.idpAt), ("identity_center_cut", r.identityCenterCutAt),
                                           ("no_entitlements", r.noEntitlementsAt), ("signin_refused", noNewCredentialsAt(r)),
                                           ("last_access", t + Duration_ms(measured.latency_ms))]
        for (name, at) in named { if let at { marks.append(.init(name: name, offset_s: offset(at))) } }
        var targets = Set(r.entitledAtTermination)
        for span in spans { targets.insert(span.target) }
        let lanes = targets.sorted().map { target in
            let credentials = spans.filter { $0.target == target }.compactMap { span in
                Self.end(of: span, userId: r.userId, state: state).map {
                    LeaverTimeline.Credential(issued_s: offset(span.issuedAt), ends_s: offset($0), after_termination: span.afterEvent)
                }
            }
            let ended = [r.entitlementEndedAt[target], r.identityCenterCutAt].compactMap { $0 }.min()
            return LeaverTimeline.Lane(account: target.accountId, permission_set: target.permissionSetId,
                                       permission_set_name: state.permissionSets[target.permissionSetId]?.name ?? target.permissionSetId,
                                       entitled: r.entitledAtTermination.contains(target), entitled_until_s: ended.map(offset),
                                       credentials: credentials)
        }
        return LeaverTimeline(user: r.userId, behaviour: includeAfter ? "persisting" : "benign", terminated_at: t.description,
                              latency_s: Double(measured.latency_ms) / 1000, marks: marks, lanes: lanes)
    }

    private func summarize(_ m: [Measured], _ context: MeasurementContext) -> LeaverLatency {
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
            exposure_by_day_h: Self.byDay(m.flatMap(\.exposed), context),
            worst: Self.worst(m.map { ($0.userId, $0.at, $0.latency_ms, $0.account) }))
    }

    /// Hours of the intervals falling in each day from the context's start to its end.
    static func byDay(_ intervals: [(from: Instant, to: Instant)], _ context: MeasurementContext) -> [Double] {
        let day: Int64 = 86_400_000
        let days = max(Int((context.end.ms - context.start.ms + day - 1) / day), 1)
        var ms = [Int64](repeating: 0, count: days)
        for (from, to) in intervals {
            var a = max(from.ms, context.start.ms)
            let b = min(to.ms, context.end.ms)
            while a < b {
                let i = Int((a - context.start.ms) / day)
                let dayEnd = context.start.ms + Int64(i + 1) * day
                ms[i] += min(b, dayEnd) - a
                a = min(b, dayEnd)
            }
        }
        return ms.map { (Double($0) / 3_600) .rounded() / 1000 }
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

    private func joinerSection(_ context: MeasurementContext) -> JoinerSection {
        let expected = context.teamAccounts
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
                             time_to_full_access: LatencyStats(full.map(\.2)),
                             first_access_samples_s: first.sorted().map { Double($0) / 1000 },
                             full_access_samples_s: full.map(\.2).sorted().map { Double($0) / 1000 }, worst: Self.worst(full))
    }
}

/// The deterministic part of a `run --json` report, as sweeps keep it and `report` draws it: the same
/// keys as the report, so either can be decoded from the other.
public struct RunFigures: Codable, Sendable, Equatable {
    public var accesslab_version: String
    public var scenario: String
    public var seed: UInt64
    public var digest: String
    public var events: UInt64
    public var simulated_start: String
    public var simulated_end: String
    public var simulated_days: Double
    public var leavers: LeaverSection
    public var movers: MoverSection
    public var joiners: JoinerSection

    public init(accesslab_version: String, scenario: String, seed: UInt64, digest: String, events: UInt64, start: Instant, end: Instant,
                report: RevocationReport) {
        self.accesslab_version = accesslab_version; self.scenario = scenario; self.seed = seed; self.digest = digest; self.events = events
        simulated_start = start.description
        simulated_end = end.description
        simulated_days = Double((end.ms - start.ms) / 36_000) / 2400
        leavers = report.leavers; movers = report.movers; joiners = report.joiners
    }
}
