import AccessLabCheck
import AccessLabEvents
import AccessLabLog
import AccessLabSimulation

/// The independent check `run` does after every run: the checker reads the log the run wrote, recomputes
/// every leaver, mover and joiner figure by its own fold and checks the model's invariants; the report's
/// per-person figures must be the same. Deterministic (its wall time goes to the run's performance).
struct RunCheck: Encodable, Equatable {
    var agreed: Bool
    var leavers: Int
    var movers: Int
    var joiners: Int
    var events_checked: UInt64
    /// The first person on whom the report and the checker differ, with both answers.
    var disagreement: String?
    var invariant_violations: [String]
    /// Unfinished but not wrong: changes still on their way when the run ended.
    var notes: [String]

    var passed: Bool { agreed && invariant_violations.isEmpty }

    /// The error a command exits with when the check did not pass.
    var failure: CLIError? {
        passed ? nil : CLIError("the independent check failed: " + (disagreement ?? "invariant violated: \(invariant_violations.first ?? "")"))
    }

    init(_ reader: some EventLogReader, report: RevocationReport) throws {
        let checked: CheckResult
        do { checked = try IndependentCheck.run(reader) } catch { throw CLIError("the independent check could not read the log: \(error)") }
        let disagreement = firstDisagreement(claimed: Self.claimed(report), checked: checked)
        agreed = disagreement == nil
        self.disagreement = disagreement?.description
        leavers = checked.leavers.count
        movers = checked.movers.count
        joiners = checked.joiners.count
        events_checked = checked.eventsChecked
        invariant_violations = checked.invariantViolations
        notes = checked.notes
    }

    /// The report's per-person figures in the checker's plain types.
    static func claimed(_ report: RevocationReport) -> ClaimedFigures {
        func ms(_ s: Double) -> Int64 { Int64((s * 1000).rounded()) }
        func at(_ text: String) -> Int64 { ISO8601.parse(text)?.ms ?? Int64.min }
        return ClaimedFigures(
            leavers: report.leavers.people.map {
                LeaverFigure(user: $0.user, terminatedAt_ms: at($0.terminated_at), persisting_ms: $0.persisting_s.map(ms), benign_ms: ms($0.benign_s),
                             censoredPersisting: $0.persisting_censored ?? false, censoredBenign: $0.benign_censored)
            },
            joiners: report.joiners.people.map {
                JoinerFigure(user: $0.user, hiredAt_ms: at($0.hired_at), firstAccess_ms: $0.first_access_s.map(ms), fullAccess_ms: $0.full_access_s.map(ms))
            },
            movers: report.movers.people.map {
                MoverFigure(user: $0.user, movedAt_ms: at($0.moved_at), outcome: $0.outcome, latency_ms: $0.latency_s.map(ms))
            })
    }

    func text(wall_s: Double?) -> String {
        var out: [String] = []
        if agreed {
            out.append("Independent check: the log gives the same figures for all \(leavers) leavers, \(movers) moves and \(joiners) joiners"
                       + (wall_s.map { " (\(RunReport.number($0)) s)" } ?? ""))
        } else {
            out.append("Independent check: DISAGREES. \(disagreement ?? "")")
        }
        out.append(invariant_violations.isEmpty ? "  invariants: all held" : "  invariants: \(invariant_violations.count) violated; the first: \(invariant_violations[0])")
        for n in notes.prefix(3) { out.append("  note: \(n)") }
        return out.joined(separator: "\n")
    }
}
