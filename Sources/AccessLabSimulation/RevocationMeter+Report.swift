import AccessLabEvents
import AccessLabProjections

extension RevocationMeter {
    public func report(state: AccessState, context: MeasurementContext) -> RevocationReport {
        RevocationReport(leavers: leaverSection(state, context), movers: moverSection(state, context.end),
                         joiners: joinerSection(context),
                         provisioning: ProvisioningSection(failed_requests: failedRequests.values.reduce(0, +), failed_by_operation: failedRequests))
    }

    private func leaverSection(_ state: AccessState, _ context: MeasurementContext) -> LeaverSection {
        let persisting = context.leaverBehaviour == .persisting
        var benign: [Measured] = [], after: [Measured] = [], people: [LeaverFigure] = []
        for id in leavers.keys.sorted() {
            guard let r = leavers[id] else { continue }
            let b = measure(r, state, context, includeAfter: false)
            let p = persisting ? measure(r, state, context, includeAfter: true) : nil
            benign.append(b)
            if let p { after.append(p) }
            let headline = p ?? b
            people.append(LeaverFigure(user: id, terminated_at: r.terminatedAt.description, persisting_s: p.map { seconds($0.latency_ms) },
                                       benign_s: seconds(b.latency_ms), persisting_censored: p?.censored, benign_censored: b.censored,
                                       stages: LeaverStages(hr_to_idp_s: seconds(headline.stages_ms[0]),
                                                            idp_to_identity_center_s: seconds(headline.stages_ms[1]),
                                                            signin_cache_s: seconds(headline.stages_ms[2]),
                                                            credential_lifetime_s: seconds(headline.stages_ms[3])),
                                       account: headline.account))
        }
        people.sort { ($0.terminated_at, $0.user) < ($1.terminated_at, $1.user) }
        let benignSummary = summarize(benign, context, state), persistingSummary = persisting ? summarize(after, context, state) : nil
        // The headline figure's worst leaver, drawn from the measurement already made.
        let headline = persisting ? after : benign
        let worstTimeline = (persistingSummary ?? benignSummary).worst.first.flatMap { w -> LeaverTimeline? in
            guard let r = leavers[w.user], let m = headline.first(where: { $0.userId == w.user }) else { return nil }
            return timeline(r, m, state, includeAfter: persisting)
        }
        return LeaverSection(count: leavers.count, censored: (persistingSummary ?? benignSummary).censored,
                             behaviour: context.leaverBehaviour.rawValue, benign: benignSummary, persisting: persistingSummary,
                             worst_timeline: worstTimeline, people: people)
    }

    struct Measured {
        var userId: String, at: Instant, latency_ms: Int64, account: String?
        var stages_ms: [Int64]
        var exposure_ms: Int64
        /// The stretches after termination during which a credential worked.
        var exposed: [(from: Instant, to: Instant)]
        /// Access still lived when the run ended: the figure is a lower bound.
        var censored: Bool
        /// The last counted credential issued at or after Identity Center's cut; nil when none was.
        var lastMint: Instant?
    }

    private func measure(_ r: LeaverRecord, _ state: AccessState, _ context: MeasurementContext, includeAfter: Bool) -> Measured {
        let t = r.terminatedAt
        var last = t, account: String?, exposure: Int64 = 0, lastIssue: Instant?
        var exposed: [(from: Instant, to: Instant)] = []
        for span in r.spans(includeAfter: includeAfter) {
            guard let end = Self.end(of: span, userId: r.userId, state: state), end > t else { continue }
            exposure += end.ms - max(span.issuedAt, t).ms
            exposed.append((max(span.issuedAt, t), end))
            lastIssue = max(lastIssue ?? span.issuedAt, span.issuedAt)
            if end > last || (end == last && account.map { span.target.accountId < $0 } == true) { last = end; account = span.target.accountId }
        }
        // The stage boundaries; each stage is the time spent in it while access still lived, so the four
        // add up to the latency. Minting stops at the last credential issued after the cut (a persisting
        // leaver mints at the last instant it can); nothing issued after the cut, nothing minted in it.
        let cutAt = r.cutAt
        let lastMint = cutAt.flatMap { cut in lastIssue.flatMap { $0 >= cut ? $0 : nil } }
        var stages: [Int64] = []
        var previous = t
        for boundary in [r.idpAt ?? last, cutAt ?? last, lastMint ?? cutAt ?? last, last] {
            let clamped = max(min(boundary, last), previous)
            stages.append(clamped.ms - previous.ms)
            previous = clamped
        }
        var censored = last > context.end
        if includeAfter, let user = state.identityCenter.users[r.userId], user.status == .active,
           !state.entitledTargets(ofUser: r.userId).isEmpty {
            censored = true
        }
        return Measured(userId: r.userId, at: t, latency_ms: last.ms - t.ms, account: account, stages_ms: stages, exposure_ms: exposure,
                        exposed: exposed, censored: censored, lastMint: lastMint)
    }

    private func timeline(_ r: LeaverRecord, _ measured: Measured, _ state: AccessState, includeAfter: Bool) -> LeaverTimeline {
        let t = r.terminatedAt
        func offset(_ i: Instant) -> Double { Double(i.ms - t.ms) / 1000 }
        let spans = r.spans(includeAfter: includeAfter)
        var marks = [LeaverTimeline.Mark(name: "termination", offset_s: 0)]
        let named: [(String, Instant?)] = [("idp_deactivated", r.idpAt), ("sign_in_lost", r.identityCenterCutAt),
                                           ("no_entitlements", r.noEntitlementsAt), ("last_mint", measured.lastMint),
                                           ("last_access", t + Duration_ms(measured.latency_ms))]
        for (name, at) in named { if let at { marks.append(.init(name: name, offset_s: offset(at))) } }
        // A deny on the user (a runbook's, or an admin's) is the other way access ends: mark when it took hold.
        if let deny = state.denies[r.userId]?.compactMap(\.effectiveAt).min() {
            marks.append(.init(name: "deny_effective", offset_s: offset(deny)))
            marks.sort { $0.offset_s < $1.offset_s }
        }
        var targets = Set(r.entitledAtTermination)
        for span in spans { targets.insert(span.target) }
        let lanes = targets.sorted().map { target in
            let credentials = spans.filter { $0.target == target }.compactMap { span in
                Self.end(of: span, userId: r.userId, state: state).map {
                    LeaverTimeline.Credential(issued_s: offset(span.issuedAt), ends_s: offset($0), after_termination: span.afterEvent)
                }
            }
            let ended = r.entitlementEndedAt[target]
            return LeaverTimeline.Lane(account: target.accountId, account_name: state.organization.accounts[target.accountId]?.name,
                                       permission_set: target.permissionSetId,
                                       permission_set_name: state.permissionSets[target.permissionSetId]?.name ?? target.permissionSetId,
                                       entitled: r.entitledAtTermination.contains(target), entitled_until_s: ended.map(offset),
                                       credentials: credentials)
        }
        return LeaverTimeline(user: r.userId, user_name: r.userName, behaviour: includeAfter ? "persisting" : "benign", terminated_at: t.description,
                              latency_s: seconds(measured.latency_ms), marks: marks, lanes: lanes)
    }

    private func summarize(_ all: [Measured], _ context: MeasurementContext, _ state: AccessState) -> LeaverLatency {
        let m = all.filter { !$0.censored }
        let exposure_h = Double(m.reduce(0) { $0 + $1.exposure_ms }) / 3_600_000
        return LeaverLatency(
            censored: all.count - m.count,
            latency: LatencyStats(m.map(\.latency_ms)),
            samples_s: m.map { seconds($0.latency_ms) }.sorted(),
            stages: StageStats(hr_to_idp: LatencyStats(m.map { $0.stages_ms[0] }),
                               idp_to_identity_center: LatencyStats(m.map { $0.stages_ms[1] }),
                               signin_cache: LatencyStats(m.map { $0.stages_ms[2] }),
                               credential_lifetime: LatencyStats(m.map { $0.stages_ms[3] })),
            exposure_credential_hours_total: (exposure_h * 1000).rounded() / 1000,
            exposure_credential_hours_mean: m.isEmpty ? 0 : (exposure_h / Double(m.count) * 1000).rounded() / 1000,
            exposure_by_day_h: Self.byDay(m.flatMap(\.exposed), context),
            worst: Self.worst(m.map { ($0.userId, $0.at, $0.latency_ms, $0.account) }, state: state))
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

    static func worst(_ items: [(String, Instant, Int64, String?)], limit: Int = 5, state: AccessState? = nil) -> [WorstCase] {
        items.sorted { ($1.2, $0.0) < ($0.2, $1.0) }.prefix(limit).map {
            WorstCase(user: $0.0, at: $0.1.description, latency_s: Double($0.2) / 1000, account: $0.3,
                      account_name: $0.3.flatMap { state?.organization.accounts[$0]?.name })
        }
    }

    private func moverSection(_ state: AccessState, _ end: Instant) -> MoverSection {
        var latencies: [(String, Instant, Int64, String?)] = [], abac: [Int64] = [], people: [MoverFigure] = []
        var censored = 0, left = 0
        for m in movers {
            var figure = MoverFigure(user: m.userId, moved_at: m.movedAt.description, from_team: m.fromTeam, to_team: m.toTeam,
                                     outcome: "measured", latency_s: nil, abac_old_tag_s: nil)
            defer { people.append(figure) }
            if m.terminatedAt != nil { left += 1; figure.outcome = "left"; continue }
            guard m.oldGroupLeftAt != nil else { censored += 1; figure.outcome = "censored"; continue }
            var last: Instant?, account: String?
            for (target, removedAt) in m.removedAt.sorted(by: { $0.key < $1.key }) {
                var until = removedAt
                for span in m.spans where span.target == target && span.issuedAt <= removedAt {
                    until = max(until, Self.end(of: span, userId: m.userId, state: state) ?? until)
                }
                if last.map({ until > $0 }) ?? true { last = until; account = target.accountId }
            }
            if let last {
                latencies.append((m.userId, m.movedAt, last.ms - m.movedAt.ms, account))
                figure.latency_s = seconds(last.ms - m.movedAt.ms)
            }
            if let v = abacLatency(m, state) { abac.append(v); figure.abac_old_tag_s = seconds(v) }
        }
        people.sort { ($0.moved_at, $0.user) < ($1.moved_at, $1.user) }
        return MoverSection(count: movers.count, censored: censored, left: left, lost_access: latencies.count,
                            latency: LatencyStats(latencies.map(\.2)), abac_old_tag: LatencyStats(abac),
                            worst: Self.worst(latencies), people: people)
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
        var first: [Int64] = [], full: [(String, Instant, Int64, String?)] = [], people: [JoinerFigure] = []
        var censored = 0, noAccess = 0
        for id in joiners.keys.sorted() {
            guard let j = joiners[id] else { continue }
            var figure = JoinerFigure(user: id, hired_at: j.hiredAt.description, team: j.team ?? "", first_access_s: nil, full_access_s: nil)
            defer { people.append(figure) }
            if let f = j.firstAccess.values.min() {
                first.append(f.ms - j.hiredAt.ms)
                figure.first_access_s = seconds(f.ms - j.hiredAt.ms)
            } else {
                noAccess += 1
            }
            let want = expected[j.team ?? ""] ?? []
            guard !want.isEmpty else { continue }
            let reached = want.compactMap { j.firstAccess[$0] }
            guard reached.count == want.count, let last = reached.max() else { censored += 1; continue }
            let account = want.sorted().first { j.firstAccess[$0] == last }
            full.append((id, j.hiredAt, last.ms - j.hiredAt.ms, account))
            figure.full_access_s = seconds(last.ms - j.hiredAt.ms)
        }
        people.sort { ($0.hired_at, $0.user) < ($1.hired_at, $1.user) }
        return JoinerSection(count: joiners.count, censored: censored, no_access: noAccess, time_to_first_access: LatencyStats(first),
                             time_to_full_access: LatencyStats(full.map(\.2)),
                             first_access_samples_s: first.sorted().map(seconds),
                             full_access_samples_s: full.map(\.2).sorted().map(seconds), worst: Self.worst(full), people: people)
    }
}

/// Milliseconds as the seconds reports carry.
func seconds(_ ms: Int64) -> Double { Double(ms) / 1000 }
