import AccessLabSimulation

/// The report as one self-contained HTML page (inline SVG and CSS; no scripts, fonts or images from
/// anywhere) or as Markdown. The same input always gives the same bytes.
public enum Report {
    /// Ids of the charts, in page order: what the browser test looks for.
    public static let chartIds = ["latency-cdf-benign", "latency-cdf-persisting", "latency-stages", "exposure-by-day", "joiner-time-to-access",
                                  "worst-leaver-timeline"]

    public static func html(_ input: ReportInput, generator: String) -> String {
        let figures = input.figures
        var page: [String] = []
        page.append("""
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>AccessLab report: \(Markup.escape(input.title))</title>
        <style>
        body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; color: #1a1a1a; margin: 0; background: #f6f6f4; }
        main { max-width: 1000px; margin: 0 auto; padding: 24px 20px 48px; }
        h1 { font-size: 26px; margin: 8px 0 4px; } h2 { font-size: 19px; margin: 36px 0 8px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
        p { line-height: 1.45; } .sub { color: #555; margin-top: 0; }
        figure { margin: 12px 0; background: #fff; border: 1px solid #e2e2e2; border-radius: 6px; padding: 8px; }
        svg.chart { display: block; width: 100%; height: auto; }
        figcaption { font-size: 13px; color: #555; padding: 4px 8px 2px; }
        table { border-collapse: collapse; font-size: 13px; background: #fff; width: 100%; }
        th, td { border: 1px solid #e2e2e2; padding: 4px 8px; text-align: right; vertical-align: top; }
        th { background: #efefec; } td.l, th.l { text-align: left; } code { font-size: 11px; word-break: break-all; }
        .swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 6px; }
        footer { margin-top: 40px; font-size: 12px; color: #666; }
        </style>
        </head>
        <body>
        <main>
        <h1>AccessLab: revocation and access report</h1>
        <p class="sub">\(Markup.escape(input.title)) &middot; from \(Markup.escape(input.source))</p>
        """)
        if let note = input.interruptionNote { page.append("<p class=\"sub\"><strong>\(Markup.escape(note))</strong></p>") }
        page.append("<h2>Headline figures</h2>")
        page.append(headlineTable(figures))
        page.append("""
        <p>Leaver latency runs from the HR termination to the last moment any credential the person held (benign) or \
        could still mint (persisting) worked in any account. Exposure is credential-hours after termination. \
        Percentiles are nearest-rank over every leaver of every run of a variant; mover figures are means of the runs' medians.</p>
        """)

        page.append("<h2>Revocation latency</h2>")
        /// One curve per variant, in the variant's colour and dash.
        func perVariant(_ values: (VariantFigures) -> [Double]) -> [Charts.Series] {
            figures.enumerated().map { Charts.Series(label: input.legendLabel($0.offset), color: Palette.color($0.offset), dash: Palette.dash($0.offset), values: values($0.element)) }
        }
        let benign = perVariant(\.benign)
        page.append(figure(Charts.cdf(id: chartIds[0], title: "Benign leavers: latency CDF", xTitle: "termination to last working credential", series: benign, legendTitle: input.legendTitle),
                           caption: "Leavers who stop at termination keep only the credentials already live. " + standsOn(figures, "benign leavers") { $0.benign.count }))
        let persisting = perVariant { $0.persisting ?? [] }
        page.append(figure(Charts.cdf(id: chartIds[1], title: "Persisting leavers: latency CDF", xTitle: "termination to last working credential", series: persisting, legendTitle: input.legendTitle),
                           caption: (figures.contains { $0.persisting != nil } ? "Leavers who keep signing in and minting credentials until refused. " :
                               "These runs' leavers are benign (churn.leaver_behaviour); nothing persisting to draw. ") + standsOn(figures, "persisting leavers") { $0.persisting?.count ?? 0 }))

        page.append("<h2>Where the latency goes</h2>")
        page.append(figure(Charts.stages(id: chartIds[2], title: "Stages of a leaver's latency (mean)", rows: figures.map { ("\($0.label) (n=\($0.headline.count))", $0.stageMeans_s) }),
                           caption: "HR to IdP: until the IdP deactivates the user. Sync: until Identity Center disables the user or removes the last entitlement. Sign-in cache: until the last credential minted after that (a persisting leaver mints at the last instant the cache or the portal session allows; nothing for benign leavers). Credential lifetime: until the last credential stops working (at most the longest permission-set session). The four add up to each leaver's latency; bars show their means over the \(figures.first?.behaviour ?? "") leavers. " + standsOn(figures, "\(figures.first?.behaviour ?? "") leavers") { $0.headline.count }))

        page.append("<h2>Exposure over the simulated period</h2>")
        let exposure = perVariant(\.exposureByDay_h)
        page.append(figure(Charts.exposure(id: chartIds[3], title: "Credential-hours after termination, per simulated day", series: exposure, legendTitle: input.legendTitle),
                           caption: "Each day's share of the time terminated people's credentials worked (mean over a variant's runs). " + standsOn(figures, "\(figures.first?.behaviour ?? "") leavers") { $0.headline.count }))

        page.append("<h2>Joiners: time to access</h2>")
        // One variant: its time to all team accounts and to the first; several: all team accounts each.
        let joiners = figures.count == 1
            ? [Charts.Series(label: "all team accounts", color: Palette.color(0), dash: nil, values: figures[0].joinerFull),
               Charts.Series(label: "first account", color: Palette.color(1), dash: "6 4", values: figures[0].joinerFirst)]
            : perVariant(\.joinerFull)
        page.append(figure(Charts.cdf(id: chartIds[4], title: "Joiners: hire to access", xTitle: "HR hire to able to act", series: joiners,
                                      legendTitle: figures.count == 1 ? nil : input.legendTitle, clipOutliers: true),
                           caption: "From the hire to Identity Center entitling the joiner in every account their team is assigned (or the first one). A few joiners far slower than the rest do not stretch the axis: it stops at 1.5 times the 95th percentile and says what lies beyond. " + standsOn(figures, "joiners") { $0.joinerFull.count }))

        let worst = input.worstLeavers
        page.append(worst.count > 1 ? "<h2>The worst leaver of each variant</h2>" : "<h2>The worst leaver</h2>")
        if worst.isEmpty { page.append("<p>No leaver in these runs.</p>") }
        for (i, w) in worst.enumerated() {
            let t = w.timeline
            let id = i == 0 ? chartIds[5] : "\(chartIds[5])-\(i + 1)"
            let prefix = worst.count > 1 ? "\(w.variant): " : ""
            page.append(figure(Charts.timeline(id: id, title: "\(prefix)\(t.user)\(t.user_name.map { " (\($0))" } ?? ""): \(t.behaviour) leaver, \(Markup.duration(t.latency_s)) to the last working credential", t),
                               caption: "Terminated \(t.terminated_at) in \(w.variant), seed \(w.run.seed): the longest of the variant's \(w.of) \(t.behaviour) leavers. Blue bands: entitlements; bars: credentials (blue held at termination, orange minted after); a purple line marks a deny on the user taking hold. Stands on one leaver's \(t.lanes.reduce(0) { $0 + $1.credentials.count }) credentials in \(t.lanes.count) lanes. On that run's database, accesslab timeline --db DIR --user \(t.user) tells the same story as text."))
        }

        page.append("<h2>Provenance</h2>")
        page.append(provenanceTable(input))
        page.append("""
        <footer>Made by AccessLab \(Markup.escape(generator)). The same database or sweep gives the same page byte for byte; \
        every run's digest names its event log (<code>accesslab digest --db DIR</code>).</footer>
        </main>
        </body>
        </html>
        """)
        return page.joined(separator: "\n") + "\n"
    }

    /// "Stands on 112 benign leavers from 1 run." or, for several variants, the range per variant.
    static func standsOn(_ figures: [VariantFigures], _ noun: String, _ count: (VariantFigures) -> Int) -> String {
        let counts = figures.map(count)
        let runs = figures.map(\.runs)
        if figures.count == 1 { return "Stands on \(counts[0]) \(noun) from \(runs[0]) run\(runs[0] == 1 ? "" : "s")." }
        let lo = counts.min() ?? 0, hi = counts.max() ?? 0
        return "Stands on \(counts.reduce(0, +)) \(noun) from \(runs.reduce(0, +)) runs: \(lo == hi ? "\(lo)" : "\(lo) to \(hi)") per variant (n in the legend)."
    }

    static func figure(_ chart: SVGChart, caption: String) -> String {
        "<figure>\n\(chart.svg)\n<figcaption>\(Markup.escape(caption))</figcaption>\n</figure>"
    }

    struct Column: Sendable {
        var title: String
        var value: @Sendable (VariantFigures) -> String
    }

    static let columns: [Column] = [
        Column(title: "runs") { String($0.runs) },
        Column(title: "leavers") { String($0.leavers) },
        Column(title: "latency p50") { Markup.duration(VariantFigures.rank($0.headline, 0.5)) },
        Column(title: "p90") { Markup.duration(VariantFigures.rank($0.headline, 0.9)) },
        Column(title: "p99") { Markup.duration(VariantFigures.rank($0.headline, 0.99)) },
        Column(title: "max") { Markup.duration($0.headline.last ?? 0) },
        Column(title: "benign p50") { Markup.duration(VariantFigures.rank($0.benign, 0.5)) },
        Column(title: "exposure h/leaver") { Markup.number($0.exposurePerLeaver_h) },
        Column(title: "mover p50") { $0.movers == 0 ? "-" : Markup.duration($0.moverP50_s) },
        Column(title: "joiner p50 (all accounts)") { $0.joinerFull.isEmpty ? "-" : Markup.duration(VariantFigures.rank($0.joinerFull, 0.5)) },
    ]

    static func headlineTable(_ figures: [VariantFigures]) -> String {
        var rows = ["<table>", "<tr><th class=\"l\">variant</th>" + columns.map { "<th>\(Markup.escape($0.title))</th>" }.joined() + "</tr>"]
        for (i, f) in figures.enumerated() {
            let swatch = "<span class=\"swatch\" style=\"background:\(Palette.color(i))\"></span>"
            rows.append("<tr><td class=\"l\">\(swatch)\(Markup.escape(f.label))</td>" + columns.map { "<td>\(Markup.escape($0.value(f)))</td>" }.joined() + "</tr>")
        }
        rows.append("</table>")
        let behaviour = figures.first?.behaviour ?? "benign"
        var notes = ["Latency columns are for \(behaviour) leavers."]
        for f in figures where !f.caveats.isEmpty {
            notes.append((figures.count > 1 ? "\(f.label): " : "") + f.caveats.joined(separator: "; ") + ".")
        }
        return rows.joined(separator: "\n") + "\n<p class=\"sub\">" + Markup.escape(notes.joined(separator: " ")) + "</p>"
    }

    static func provenanceTable(_ input: ReportInput) -> String {
        var rows = ["<table>", "<tr><th class=\"l\">variant</th><th class=\"l\">scenario</th><th>seed</th><th>events</th><th class=\"l\">simulated from</th><th class=\"l\">digest</th><th class=\"l\">AccessLab</th></tr>"]
        for v in input.variants {
            for r in v.runs {
                rows.append("<tr><td class=\"l\">\(Markup.escape(v.label))</td><td class=\"l\">\(Markup.escape(r.scenario))</td><td>\(r.seed)</td><td>\(r.events)</td>"
                    + "<td class=\"l\">\(Markup.escape(String(r.simulated_start.prefix(10)))) + \(Markup.n(r.simulated_days)) d</td><td class=\"l\"><code>\(Markup.escape(r.digest))</code></td>"
                    + "<td class=\"l\">\(Markup.escape(r.accesslab_version))</td></tr>")
            }
        }
        rows.append("</table>")
        return rows.joined(separator: "\n")
    }

    /// The same figures as Markdown tables, for a pull request or a wiki.
    public static func markdown(_ input: ReportInput, generator: String) -> String {
        let figures = input.figures
        func cell(_ s: String) -> String { s.replacingOccurrences(of: "|", with: "\\|") }
        var out = ["# AccessLab: revocation and access report", "", "\(input.title), from `\(input.source)`", ""]
        if let note = input.interruptionNote { out += ["**\(note)**", ""] }
        out.append("## Headline figures (\(figures.first?.behaviour ?? "benign") leavers)")
        out.append("")
        out.append("| variant | " + columns.map(\.title).joined(separator: " | ") + " |")
        out.append("|:--|" + String(repeating: "--:|", count: columns.count))
        for f in figures { out.append("| \(cell(f.label)) | " + columns.map { cell($0.value(f)) }.joined(separator: " | ") + " |") }
        out.append("")
        for f in figures where !f.caveats.isEmpty {
            out.append("- " + (figures.count > 1 ? "\(cell(f.label)): " : "") + f.caveats.joined(separator: "; "))
        }
        if figures.contains(where: { !$0.caveats.isEmpty }) { out.append("") }
        out.append("## Where the latency goes (mean per leaver)")
        out.append("")
        out.append("| variant | HR to IdP | sync to Identity Center | sign-in cache | credential lifetime | total |")
        out.append("|:--|--:|--:|--:|--:|--:|")
        for f in figures {
            out.append("| \(cell(f.label)) | " + f.stageMeans_s.map(Markup.duration).joined(separator: " | ") + " | \(Markup.duration(f.stageMeans_s.reduce(0, +))) |")
        }
        out.append("")
        out.append("## Joiners: hire to access")
        out.append("")
        out.append("| variant | joiners | first account p50 | all team accounts p50 | p90 | max |")
        out.append("|:--|--:|--:|--:|--:|--:|")
        for f in figures {
            out.append("| \(cell(f.label)) | \(f.joiners) | \(Markup.duration(VariantFigures.rank(f.joinerFirst, 0.5))) | "
                + "\(Markup.duration(VariantFigures.rank(f.joinerFull, 0.5))) | \(Markup.duration(VariantFigures.rank(f.joinerFull, 0.9))) | \(Markup.duration(f.joinerFull.last ?? 0)) |")
        }
        if let worst = input.worstLeaver {
            let t = worst.timeline
            out.append("")
            out.append("## The worst leaver: \(t.user) (\(t.behaviour)), \(Markup.duration(t.latency_s))")
            out.append("")
            out.append("Terminated \(t.terminated_at) in \(cell(worst.variant)), seed \(worst.run.seed); \(t.lanes.count) account and permission-set lanes.")
            out.append("")
            out.append("| moment | after termination |")
            out.append("|:--|--:|")
            for m in t.marks { out.append("| \(m.name.replacingOccurrences(of: "_", with: " ")) | \(Markup.duration(m.offset_s)) |") }
        }
        let worstPerVariant = input.worstLeavers
        if worstPerVariant.count > 1 {
            out.append("")
            out.append("## The worst leaver of each variant")
            out.append("")
            out.append("| variant | leaver | latency | seed | of leavers |")
            out.append("|:--|:--|--:|--:|--:|")
            for w in worstPerVariant {
                out.append("| \(cell(w.variant)) | \(w.timeline.user) | \(Markup.duration(w.timeline.latency_s)) | \(w.run.seed) | \(w.of) |")
            }
        }
        out.append("")
        out.append("## Provenance")
        out.append("")
        out.append("| variant | scenario | seed | events | digest | AccessLab |")
        out.append("|:--|:--|--:|--:|:--|:--|")
        for v in input.variants {
            for r in v.runs { out.append("| \(cell(v.label)) | \(cell(r.scenario)) | \(r.seed) | \(r.events) | `\(r.digest)` | \(r.accesslab_version) |") }
        }
        out.append("")
        out.append("Made by AccessLab \(generator).")
        return out.joined(separator: "\n") + "\n"
    }
}

/// The report's figures for scripts (`report --format json`): per variant, the pooled percentiles,
/// stage means, exposure and joiner figures the page draws, and the runs behind them.
public struct ReportSummary: Encodable, Sendable {
    public struct Percentiles: Encodable, Sendable {
        var count: Int, p50_s: Double, p90_s: Double, p99_s: Double, max_s: Double
        init(_ sorted: [Double]) {
            count = sorted.count
            p50_s = VariantFigures.rank(sorted, 0.5); p90_s = VariantFigures.rank(sorted, 0.9); p99_s = VariantFigures.rank(sorted, 0.99)
            max_s = sorted.last ?? 0
        }
    }
    public struct Run: Encodable, Sendable { var scenario: String, seed: UInt64, events: UInt64, digest: String }
    public struct Variant: Encodable, Sendable {
        var label: String
        var settings: [String: String]
        var leavers: Int
        var censored: Int
        var behaviour: String
        var latency: Percentiles
        var benign: Percentiles
        var stage_means_s: [String: Double]
        var exposure_credential_hours_per_leaver: Double
        var joiner_first_access: Percentiles
        var joiner_full_access: Percentiles
        var movers: Int
        var movers_censored: Int
        var movers_left: Int
        var joiners_no_access: Int
        var joiners_censored: Int
        var failed_requests: Int
        /// What the figures leave out or cannot say, in words.
        var caveats: [String]
        var mover_p50_s_mean_of_runs: Double
        var runs: [Run]
    }
    public struct Worst: Encodable, Sendable { var user: String, variant: String, seed: UInt64, latency_s: Double, terminated_at: String }
    var title: String
    var source: String
    var generator: String
    var variants: [Variant]
    var worst_leaver: Worst?

    public init(_ input: ReportInput, generator: String) {
        title = input.title; source = input.source; self.generator = generator
        variants = zip(input.variants, input.figures).map { v, f in
            Variant(label: f.label, settings: Dictionary(v.settings.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a }),
                    leavers: f.leavers, censored: f.censored, behaviour: f.behaviour,
                    latency: Percentiles(f.headline), benign: Percentiles(f.benign),
                    stage_means_s: Dictionary(uniqueKeysWithValues: zip(["hr_to_idp", "idp_to_identity_center", "signin_cache", "credential_lifetime"],
                                                                        f.stageMeans_s.map { ($0 * 1000).rounded() / 1000 })),
                    exposure_credential_hours_per_leaver: (f.exposurePerLeaver_h * 1000).rounded() / 1000,
                    joiner_first_access: Percentiles(f.joinerFirst), joiner_full_access: Percentiles(f.joinerFull),
                    movers: f.movers, movers_censored: f.moversCensored, movers_left: f.moversLeft, joiners_no_access: f.joinersNoAccess,
                    joiners_censored: f.joinersCensored, failed_requests: f.failedRequests, caveats: f.caveats, mover_p50_s_mean_of_runs: (f.moverP50_s * 1000).rounded() / 1000,
                    runs: v.runs.map { Run(scenario: $0.scenario, seed: $0.seed, events: $0.events, digest: $0.digest) })
        }
        worst_leaver = input.worstLeaver.map {
            Worst(user: $0.timeline.user, variant: $0.variant, seed: $0.run.seed, latency_s: $0.timeline.latency_s, terminated_at: $0.timeline.terminated_at)
        }
    }
}
