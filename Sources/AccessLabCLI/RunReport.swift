import AccessLabEvents
import AccessLabQuery
import AccessLabSimulation
import Foundation

/// The report `run` prints: the run's figures (what ran, its digest, the measured latencies; the
/// same for the same scenario and seed) and, beside them, where it ran and how fast.
struct RunReport: Encodable {
    struct Performance: Encodable {
        var wall_s: Double
        var events_per_s: Double
        /// The independent check's own time (not in wall_s); nil when skipped.
        var check_wall_s: Double?
    }
    var figures: RunFigures
    var database: String?
    var performance: Performance
    var invariant_violations: [String]
    var abac_comparison: ABACComparison?
    /// The independent checker's verdict; nil with `--no-check`.
    var independent_check: RunCheck?

    init(scenario: Scenario, summary: RunSummary, digest: String, wall_s: Double, database: String?) {
        figures = RunFigures(accesslab_version: AccessLabVersion.current, scenario: scenario.name, seed: scenario.seed, digest: digest,
                             events: summary.events, start: summary.start, end: summary.end, report: summary.report)
        self.database = database
        performance = Performance(wall_s: (wall_s * 1000).rounded() / 1000,
                                  events_per_s: wall_s > 0 ? (Double(summary.events) / wall_s).rounded() : 0)
        invariant_violations = summary.invariantViolations
    }

    private enum CodingKeys: String, CodingKey { case database, performance, invariant_violations, abac_comparison, independent_check }

    /// One flat object: the figures' keys beside the run's own, as sweeps and `report` read them back.
    func encode(to encoder: any Encoder) throws {
        try figures.encode(to: encoder)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(database, forKey: .database)
        try c.encode(performance, forKey: .performance)
        try c.encode(invariant_violations, forKey: .invariant_violations)
        try c.encodeIfPresent(abac_comparison, forKey: .abac_comparison)
        try c.encodeIfPresent(independent_check, forKey: .independent_check)
    }

    var text: String {
        var out: [String] = []
        out.append("Scenario \(figures.scenario), seed \(figures.seed)")
        out.append("  simulated       \(figures.simulated_start) .. \(figures.simulated_end) (\(Self.number(figures.simulated_days)) days)")
        out.append("  events          \(figures.events)  in \(Self.number(performance.wall_s)) s wall, \(Int(performance.events_per_s)) events/s")
        out.append("  digest          \(figures.digest)")
        if let database { out.append("  database        \(database)") }
        out.append("")
        out.append(contentsOf: leaverText)
        out.append(contentsOf: moverText)
        out.append(contentsOf: joinerText)
        if let p = figures.provisioning, p.failed_requests > 0 {
            let parts = p.failed_by_operation.keys.sorted().map { "\($0) \(p.failed_by_operation[$0] ?? 0)" }
            out.append("Identity Center refused \(p.failed_requests) identity-store requests (\(parts.joined(separator: ", "))); each is an event, retried by its sender.")
            out.append("")
        }
        if let c = abac_comparison {
            out.append("ABAC consolidation: \(c.permissionSet) against per-team policies, \(c.probes) (team, resource, action) probes")
            out.append("  same decision \(c.same), removed by the boundary \(c.removedByBoundary), only per-team \(c.onlyPerTeam), only ABAC \(c.onlyABAC)")
            out.append("  " + (c.equivalentApartFromBoundary ? "equivalent apart from what the boundary removes" : "NOT equivalent: see abac_comparison.examples in --json"))
            for n in c.notes { out.append("  note: \(n)") }
            out.append("")
        }
        out.append(invariant_violations.isEmpty ? "Invariants: all held." : "Invariants: \(invariant_violations.count) violated.")
        if let check = independent_check {
            out.append(check.text(wall_s: performance.check_wall_s))
        } else {
            out.append("Independent check: skipped (--no-check).")
        }
        return out.joined(separator: "\n")
    }

    private var leaverText: [String] {
        guard figures.leavers.count > 0 else { return ["Leavers: none in this run.", ""] }
        var out: [String] = []
        out.append("Leaver revocation latency (termination -> last moment a credential works), \(figures.leavers.count) leavers")
        out.append("                           count     p50       p90       p99       max    exposure (credential-hours)")
        if let p = figures.leavers.persisting { out.append(Self.leaverRow("persisting", p)) }
        out.append(Self.leaverRow("benign", figures.leavers.benign))
        for (name, l) in [("persisting", figures.leavers.persisting), ("benign", Optional(figures.leavers.benign))] where (l?.censored ?? 0) > 0 {
            out.append("  censored: \(l?.censored ?? 0) \(name) leavers still had access when the run ended; not in the figures")
        }
        if let note = Self.smallSampleNote(figures.leavers.persisting?.latency ?? figures.leavers.benign.latency) { out.append(note) }
        if let p = figures.leavers.persisting ?? Optional(figures.leavers.benign) {
            out.append("  stages (\(figures.leavers.persisting == nil ? "benign" : "persisting")), p50 / max:")
            out.append("    HR -> IdP                 \(Self.pair(p.stages.hr_to_idp))")
            out.append("    IdP -> Identity Center    \(Self.pair(p.stages.idp_to_identity_center))")
            out.append("    sign-in cache             \(Self.pair(p.stages.signin_cache))")
            out.append("    credential lifetime       \(Self.pair(p.stages.credential_lifetime))")
            out.append("  worst: " + p.worst.map { "\($0.user) \(Self.duration($0.latency_s)) (\([$0.account_name, $0.account].compactMap { $0 }.joined(separator: " ").nonEmpty ?? "-"))" }.joined(separator: ", "))
        }
        out.append("")
        return out
    }

    private var moverText: [String] {
        guard figures.movers.count > 0 else { return ["Movers: none in this run.", ""] }
        var out: [String] = []
        let m = figures.movers
        out.append("Mover latency (move -> last moment the old access works), \(m.count) moves, \(m.lost_access) lost access")
        out.append(Self.row("old group access", m.latency))
        if m.abac_old_tag.count > 0 { out.append(Self.row("old ABAC tag", m.abac_old_tag)) }
        if m.censored > 0 { out.append("  censored: \(m.censored) moves whose old group was still in Identity Center when the run ended; not in the figures") }
        if m.left > 0 { out.append("  left: \(m.left) movers terminated before their old group went; the leaver figures cover them") }
        if let note = Self.smallSampleNote(m.latency) { out.append(note) }
        out.append("")
        return out
    }

    private var joinerText: [String] {
        guard figures.joiners.count > 0 else { return ["Joiners: none in this run.", ""] }
        var out: [String] = []
        out.append("Joiner time to access (hire -> able to act), \(figures.joiners.count) joiners")
        out.append(Self.row("first account", figures.joiners.time_to_first_access))
        out.append(Self.row("all team accounts", figures.joiners.time_to_full_access))
        let j = figures.joiners
        if j.no_access > 0 { out.append("  never got access: \(j.no_access) joiners had no access to any account when the run ended") }
        if j.censored > 0 { out.append("  censored: \(j.censored) joiners without all their team's accounts when the run ended; not in 'all team accounts'") }
        if let note = Self.smallSampleNote(j.time_to_first_access) { out.append(note) }
        out.append("")
        return out
    }

    /// Says when a percentile is only the maximum (nearest rank over fewer than 10 or 100 values).
    static func smallSampleNote(_ s: LatencyStats) -> String? {
        if s.p90_is_max { return "  note: \(s.count) values: p90 and p99 are the maximum" }
        if s.p99_is_max { return "  note: \(s.count) values: p99 is the maximum" }
        return nil
    }

    static func row(_ name: String, _ s: LatencyStats) -> String {
        let label = "  " + name.padding(toLength: 24, withPad: " ", startingAt: 0)
        guard s.count > 0 else { return label + "0".leftPad(6) + "  (no values)" }
        return label + String(s.count).leftPad(6) + [s.p50_s, s.p90_s, s.p99_s, s.max_s].map { duration($0).leftPad(10) }.joined()
    }

    static func leaverRow(_ name: String, _ l: LeaverLatency) -> String {
        row(name, l.latency) + "    \(number(l.exposure_credential_hours_total)) total, \(number(l.exposure_credential_hours_mean)) per leaver"
    }

    static func pair(_ s: LatencyStats) -> String { "\(duration(s.p50_s).leftPad(9)) / \(duration(s.max_s))" }

    /// Seconds as `13h40m`, `4s`, `0s`.
    static func duration(_ seconds: Double) -> String { Duration_ms(Int64((seconds * 1000).rounded())).roundedToSeconds.description }

    static func number(_ v: Double) -> String { String(format: "%.2f", v) }
}

extension Duration_ms {
    var roundedToSeconds: Duration_ms { Duration_ms((ms / 1000) * 1000) }
}

extension String {
    func leftPad(_ width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }
}

extension String {
    var nonEmpty: String? { isEmpty ? nil : self }
}
