import AccessLabSimulation
import AccessLabSweep

/// What a report shows: one or more variants of a scenario (one per combination of sweep settings,
/// or the single run in a database), each with the runs (seeds) that measured it.
public struct ReportInput: Sendable {
    public struct Variant: Sendable {
        public var label: String
        public var settings: [Setting]
        public var runs: [RunFigures]
        public init(label: String, settings: [Setting], runs: [RunFigures]) {
            self.label = label; self.settings = settings; self.runs = runs
        }
    }
    public var title: String
    /// Where the figures came from, as a person would name it: a database path or a sweep directory.
    public var source: String
    public var variants: [Variant]

    public init(title: String, source: String, variants: [Variant]) {
        self.title = title; self.source = source; self.variants = variants
    }

    /// "Run stopped at T" when a run of the report was interrupted: its figures cover only the period simulated.
    public var interruptionNote: String? {
        let stopped = variants.flatMap(\.runs).compactMap { r in r.stopped_at.map { (r, $0) } }
        guard let (run, at) = stopped.first else { return nil }
        return "Run stopped at \(at) (interrupted\(stopped.count > 1 ? ", and \(stopped.count - 1) more run(s)" : "")): "
            + "the figures cover \(run.simulated_start) to \(at), not the full period; `accesslab run --resume --db DIR` completes it."
    }

    /// One variant from one run.
    public init(run: RunFigures, source: String) {
        self.init(title: "\(run.scenario), seed \(run.seed)", source: source,
                  variants: [Variant(label: run.scenario, settings: [], runs: [run])])
    }

    /// One variant per combination of settings, in the sweep's order; runs without figures are refused.
    public init(sweep results: SweepResults, source: String) throws {
        var variants: [Variant] = []
        for summary in results.summaries {
            let members = results.runs.filter { $0.settings == summary.settings }
            var runs: [RunFigures] = []
            for run in members {
                guard let f = run.figures else {
                    throw ReportError("run \(run.id) in \(source) has no figures (written by an AccessLab before 0.3); run the sweep again into a new directory")
                }
                runs.append(f)
            }
            let label = summary.settings.isEmpty ? (runs.first?.scenario ?? "runs") : Self.label(summary.settings, keys: results.keys)
            variants.append(Variant(label: label, settings: summary.settings, runs: runs))
        }
        guard !variants.isEmpty else { throw ReportError("\(source) holds no finished runs") }
        let scenarios = Set(variants.flatMap { $0.runs.map(\.scenario) }).sorted()
        self.init(title: "\(scenarios.joined(separator: ", ")): \(results.runs.count) runs, \(variants.count) variant\(variants.count == 1 ? "" : "s")",
                  source: source, variants: variants)
    }
}

extension ReportInput {
    /// `idp.model=push ReadOnly.session_duration=1h`: keys of three or more path components lose the
    /// first (the list's name), unless that makes two keys of the sweep the same.
    static func label(_ settings: [Setting], keys: [String]) -> String {
        func last(_ key: String) -> String {
            let parts = key.split(separator: ".")
            return parts.count >= 3 ? parts.dropFirst().joined(separator: ".") : key
        }
        let short = keys.map(last)
        let unique = Set(short).count == short.count
        return settings.map { "\(unique ? last($0.key) : $0.key)=\($0.value)" }.joined(separator: " ")
    }
}

public struct ReportError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// A variant's figures pooled over its runs: samples are pooled exactly, day series averaged over runs.
struct VariantFigures {
    var label: String
    var runs: Int
    var leavers: Int
    var censored: Int
    var behaviour: String
    /// The headline leaver figure: persisting when the scenario measures it, else benign.
    var headline: [Double]
    var benign: [Double]
    var persisting: [Double]?
    /// Mean seconds per stage (HR to IdP, sync, sign-in cache, credential lifetime) of the headline leavers.
    var stageMeans_s: [Double]
    var exposurePerLeaver_h: Double
    var exposureByDay_h: [Double]
    var joinerFirst: [Double]
    var joinerFull: [Double]
    var joiners: Int
    var movers: Int
    /// Counted, not in the figures: moves whose old group outlived the run, movers who left first,
    /// joiners who never got access or not all of it, requests Identity Center refused.
    var moversCensored: Int
    var moversLeft: Int
    var joinersNoAccess: Int
    var joinersCensored: Int
    var failedRequests: Int
    var moverP50_s: Double
    var abacOldTagP50_s: Double

    init(_ v: ReportInput.Variant) {
        label = v.label
        runs = v.runs.count
        leavers = v.runs.reduce(0) { $0 + $1.leavers.count }
        censored = v.runs.reduce(0) { $0 + $1.leavers.censored }
        behaviour = v.runs.first?.leavers.behaviour ?? "benign"
        benign = v.runs.flatMap(\.leavers.benign.samples_s).sorted()
        let measuredPersisting = v.runs.compactMap(\.leavers.persisting)
        persisting = measuredPersisting.isEmpty ? nil : measuredPersisting.flatMap(\.samples_s).sorted()
        headline = persisting ?? benign
        let sections = v.runs.map { $0.leavers.persisting ?? $0.leavers.benign }
        let count = Double(sections.reduce(0) { $0 + $1.latency.count })
        func weightedMean(_ stat: (StageStats) -> LatencyStats) -> Double {
            count == 0 ? 0 : sections.reduce(0) { $0 + stat($1.stages).mean_s * Double(stat($1.stages).count) } / count
        }
        stageMeans_s = [weightedMean(\.hr_to_idp), weightedMean(\.idp_to_identity_center), weightedMean(\.signin_cache), weightedMean(\.credential_lifetime)]
        exposurePerLeaver_h = count == 0 ? 0 : sections.reduce(0) { $0 + $1.exposure_credential_hours_total } / count
        let days = sections.map(\.exposure_by_day_h.count).max() ?? 0
        exposureByDay_h = (0..<days).map { d in
            sections.reduce(0) { $0 + (d < $1.exposure_by_day_h.count ? $1.exposure_by_day_h[d] : 0) } / Double(max(sections.count, 1))
        }
        joinerFirst = v.runs.flatMap(\.joiners.first_access_samples_s).sorted()
        joinerFull = v.runs.flatMap(\.joiners.full_access_samples_s).sorted()
        joiners = v.runs.reduce(0) { $0 + $1.joiners.count }
        movers = v.runs.reduce(0) { $0 + $1.movers.count }
        moversCensored = v.runs.reduce(0) { $0 + $1.movers.censored }
        moversLeft = v.runs.reduce(0) { $0 + $1.movers.left }
        joinersNoAccess = v.runs.reduce(0) { $0 + $1.joiners.no_access }
        joinersCensored = v.runs.reduce(0) { $0 + $1.joiners.censored }
        failedRequests = v.runs.reduce(0) { $0 + ($1.provisioning?.failed_requests ?? 0) }
        moverP50_s = v.runs.isEmpty ? 0 : v.runs.reduce(0) { $0 + $1.movers.latency.p50_s } / Double(v.runs.count)
        abacOldTagP50_s = v.runs.isEmpty ? 0 : v.runs.reduce(0) { $0 + $1.movers.abac_old_tag.p50_s } / Double(v.runs.count)
    }

    /// What the figures leave out or cannot say, in words: censored people and percentiles that are only a maximum.
    var caveats: [String] {
        var out: [String] = []
        if censored > 0 { out.append("\(censored) \(behaviour) leavers still had access when the run ended (censored, not in the figures)") }
        if moversCensored > 0 { out.append("\(moversCensored) moves whose old group was still in Identity Center at the end (censored)") }
        if moversLeft > 0 { out.append("\(moversLeft) movers were terminated before their old group went (in the leaver figures)") }
        if joinersNoAccess > 0 { out.append("\(joinersNoAccess) joiners never got access to any account") }
        if joinersCensored > 0 { out.append("\(joinersCensored) joiners did not reach all their team's accounts before the end (censored)") }
        if failedRequests > 0 { out.append("Identity Center refused \(failedRequests) identity-store requests (each an event, retried)") }
        if !headline.isEmpty && headline.count < 100 {
            out.append("p99 over \(headline.count) leavers is their maximum" + (headline.count < 10 ? "; so is p90" : ""))
        }
        return out
    }

    /// Nearest-rank percentile of sorted values (the rule the run reports use).
    static func rank(_ sorted: [Double], _ p: Double) -> Double {
        nearestRank(sorted, p) ?? 0
    }
}

extension ReportInput {
    var figures: [VariantFigures] { variants.map(VariantFigures.init) }

    /// Chart legends name a variant by its values alone (`push · true · 1h`) under a heading naming
    /// the keys once, so that long setting paths do not crowd out what differs.
    var legendTitle: String? {
        guard let first = variants.first, !first.settings.isEmpty else { return nil }
        return first.settings.map(\.key).joined(separator: " · ")
    }

    func legendLabel(_ i: Int) -> String {
        let v = variants[i]
        return v.settings.isEmpty ? v.label : v.settings.map(\.value).joined(separator: " · ")
    }

    /// The worst leaver of each variant (over its runs), in the variants' order, with how many leavers it is the worst of.
    var worstLeavers: [(variant: String, run: RunFigures, timeline: LeaverTimeline, of: Int)] {
        variants.compactMap { v in
            var best: (run: RunFigures, timeline: LeaverTimeline)?
            for r in v.runs {
                guard let t = r.leavers.worst_timeline, t.latency_s > best?.timeline.latency_s ?? -1 else { continue }
                best = (r, t)
            }
            guard let best else { return nil }
            let of = v.runs.reduce(0) { $0 + (best.timeline.behaviour == "persisting" ? ($1.leavers.persisting?.samples_s.count ?? 0) : $1.leavers.benign.samples_s.count) }
            return (v.label, best.run, best.timeline, of)
        }
    }

    /// The worst leaver over every run, with the variant and run that produced it.
    var worstLeaver: (variant: String, run: RunFigures, timeline: LeaverTimeline)? {
        var best: (variant: String, run: RunFigures, timeline: LeaverTimeline)?
        for v in variants {
            for r in v.runs {
                guard let t = r.leavers.worst_timeline, t.latency_s > best?.timeline.latency_s ?? -1 else { continue }
                best = (v.label, r, t)
            }
        }
        return best
    }
}
