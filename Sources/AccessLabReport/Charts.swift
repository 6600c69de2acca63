import AccessLabSimulation

/// The report's charts, each one SVG document built from pooled figures.
enum Charts {
    struct Series {
        var label: String
        var color: String
        var dash: String?
        var values: [Double]
    }

    /// Empirical CDFs of durations in seconds: the share of people whose duration was at most x. With
    /// `clipOutliers`, an axis that a few values far beyond the rest would stretch stops near the largest
    /// series' 95th percentile; the curves climb to 100% at its edge and a note says what lies beyond.
    static func cdf(id: String, title: String, xTitle: String, series: [Series], legendTitle: String? = nil, clipOutliers: Bool = false) -> SVGChart {
        var chart = SVGChart(id: id, title: title, height: 360, plotHeight: 260)
        let top = series.flatMap(\.values).max() ?? 0
        guard series.contains(where: { !$0.values.isEmpty }) else {
            chart.axes(x: Scale(domain: 0...1, pixels: (chart.plot.left, chart.plot.right)), xTicks: [], xLabel: { _ in "" }, xTitle: xTitle,
                       y: Scale(domain: 0...1, pixels: (chart.plot.bottom, chart.plot.top)), yTicks: [0, 0.5, 1], yLabel: percent, yTitle: "share of people")
            chart.message("nobody to measure in these runs")
            return chart
        }
        var xMax = Scale.niceMax(top, steps: Scale.timeSteps)
        if clipOutliers, let limit = outlierLimit(series.map { $0.values.sorted() }), limit < xMax { xMax = limit }
        let x = Scale(domain: 0...xMax, pixels: (chart.plot.left, chart.plot.right))
        let y = Scale(domain: 0...1, pixels: (chart.plot.bottom, chart.plot.top))
        chart.axes(x: x, xTicks: Scale.ticks(0...xMax, steps: Scale.timeSteps), xLabel: Markup.duration, xTitle: xTitle,
                   y: y, yTicks: [0, 0.25, 0.5, 0.75, 1], yLabel: percent, yTitle: "share of people")
        let beyond = series.flatMap(\.values).filter { $0 > xMax }
        if let farthest = beyond.max() {
            chart.text("\(beyond.count) value\(beyond.count == 1 ? "" : "s") beyond \(Markup.duration(xMax)), up to \(Markup.duration(farthest)) (axis clipped) \u{2192}",
                       x: chart.plot.right - 4, y: chart.plot.top + 14, anchor: "end", size: 11, color: "#b00")
            chart.line(x1: chart.plot.right, y1: chart.plot.top, x2: chart.plot.right, y2: chart.plot.bottom, color: "#b00", width: 1.5, dash: "2 3")
        }
        for s in series where !s.values.isEmpty {
            chart.path(stepPath(s.values.sorted(), x: x, y: y), color: s.color, dash: s.dash,
                       label: "\(s.label): \(s.values.count) people, median \(Markup.duration(VariantFigures.rank(s.values.sorted(), 0.5)))")
        }
        chart.legend(series.map { ($0.label + " (n=\($0.values.count))", $0.color, $0.dash) }, top: chart.plot.bottom + 56, title: legendTitle)
        return chart
    }

    static func percent(_ v: Double) -> String { "\(Int((v * 100).rounded()))%" }

    /// Where to stop an axis that outliers would stretch: 1.5 times the largest series' 95th percentile
    /// (rounded to a tick), when the largest value lies beyond three times that percentile; nil otherwise.
    static func outlierLimit(_ sortedSeries: [[Double]]) -> Double? {
        let p95 = sortedSeries.map { VariantFigures.rank($0, 0.95) }.max() ?? 0
        let top = sortedSeries.compactMap(\.last).max() ?? 0
        guard p95 > 0, top > 3 * p95 else { return nil }
        return Scale.niceMax(p95 * 1.5, steps: Scale.timeSteps)
    }

    /// A step function through sorted values: flat until each value, then up by the share it adds.
    /// Steps closer than half a pixel are drawn as one, so that a curve of a million leavers is no
    /// larger than the chart is wide.
    static func stepPath(_ sorted: [Double], x: Scale, y: Scale) -> String {
        var d = "M\(Markup.n(x(0))) \(Markup.n(y(0)))"
        let n = Double(sorted.count)
        var i = 0
        var pending: (x: Double, y: Double)?
        while i < sorted.count {
            let v = sorted[i]
            while i < sorted.count && sorted[i] == v { i += 1 }
            let px = min(x(v), x(x.domain.upperBound)), py = y(Double(i) / n)
            if let p = pending, px - p.x >= 0.5 { d += "H\(Markup.n(p.x))V\(Markup.n(p.y))"; pending = (px, py) }
            else { pending = (pending?.x ?? px, py) }
        }
        if let p = pending { d += "H\(Markup.n(p.x))V\(Markup.n(p.y))" }
        return d + "H\(Markup.n(x(x.domain.upperBound)))"
    }

    /// One horizontal bar per variant, split into the four stages of a leaver's latency (their means).
    static func stages(id: String, title: String, rows: [(label: String, stages_s: [Double])]) -> SVGChart {
        let rowHeight = 46.0
        var chart = SVGChart(id: id, title: title, height: 0, plotHeight: Double(max(rows.count, 1)) * rowHeight + 10, left: 24)
        let top = rows.map { $0.stages_s.reduce(0, +) }.max() ?? 0
        let xMax = Scale.niceMax(max(top, 1), steps: Scale.timeSteps)
        let x = Scale(domain: 0...xMax, pixels: (chart.plot.left, (chart.plot.right - 70)))
        for t in Scale.ticks(0...xMax, steps: Scale.timeSteps) {
            chart.line(x1: x(t), y1: chart.plot.top, x2: x(t), y2: chart.plot.bottom, color: "#eeeeee")
            chart.text(Markup.duration(t), x: x(t), y: chart.plot.bottom + 16, anchor: "middle", size: 11, color: "#555")
        }
        chart.text("mean time from termination to the last moment a credential worked", x: (chart.plot.left + chart.plot.right) / 2,
                   y: chart.plot.bottom + 34, anchor: "middle")
        let names = ["HR to IdP", "IdP to Identity Center (sync)", "sign-in cache", "credential lifetime"]
        for (i, row) in rows.enumerated() {
            let y = chart.plot.top + Double(i) * rowHeight
            chart.text(SVGChart.clip(row.label, 120), x: chart.plot.left, y: y + 14, size: 12)
            var start = 0.0
            for (k, v) in row.stages_s.enumerated() where v > 0 {
                let x0 = x(start), x1 = x(start + v)
                chart.rect(x: x0, y: y + 20, width: x1 - x0, height: 18, color: Palette.stages[k], title: "\(names[k]): \(Markup.duration(v))")
                // A path as well as the rect: every chart exposes its data as paths for the browser test.
                chart.add("<path class=\"series\" d=\"M\(Markup.n(x0)) \(Markup.n(y + 38))H\(Markup.n(x1))\" stroke=\"\(Palette.stages[k])\" stroke-width=\"1\"/>")
                start += v
            }
            chart.text(Markup.duration(start), x: x(start) + 6, y: y + 33, size: 11, color: "#333")
        }
        chart.legend(names.enumerated().map { ($0.element, Palette.stages[$0.offset], nil) }, top: chart.plot.bottom + 56)
        return chart
    }

    /// Credential-hours after termination per simulated day, one line per variant.
    static func exposure(id: String, title: String, series: [Series], legendTitle: String? = nil) -> SVGChart {
        var chart = SVGChart(id: id, title: title, height: 360, plotHeight: 260)
        let days = series.map(\.values.count).max() ?? 0
        let top = series.flatMap(\.values).max() ?? 0
        let yMax = Scale.niceMax(max(top, 1), steps: Scale.decimalSteps(upTo: top))
        let x = Scale(domain: 0...Double(max(days, 1)), pixels: (chart.plot.left, chart.plot.right))
        let y = Scale(domain: 0...yMax, pixels: (chart.plot.bottom, chart.plot.top))
        chart.axes(x: x, xTicks: Scale.ticks(0...Double(max(days, 1)), steps: [1, 2, 5, 7, 14, 28, 30, 60, 90, 180, 365]),
                   xLabel: { "day \(Int($0))" }, xTitle: "simulated day",
                   y: y, yTicks: Scale.ticks(0...yMax, steps: Scale.decimalSteps(upTo: yMax)), yLabel: { Markup.n($0) },
                   yTitle: "credential-hours after termination")
        for s in series where !s.values.isEmpty {
            var d = "M\(Markup.n(x(0))) \(Markup.n(y(s.values[0])))"
            for (i, v) in s.values.enumerated() { d += "H\(Markup.n(x(Double(i))))V\(Markup.n(y(v)))" }
            d += "H\(Markup.n(x(Double(s.values.count))))"
            chart.path(d, color: s.color, dash: s.dash, label: "\(s.label): \(Markup.number(s.values.reduce(0, +))) credential-hours in all")
        }
        if top == 0 { chart.message("no credential worked after a termination in these runs") }
        chart.legend(series.map { ($0.label, $0.color, $0.dash) }, top: chart.plot.bottom + 56, title: legendTitle)
        return chart
    }

    /// The worst leaver: a lane per account and permission set with the entitlement and each credential,
    /// against hours from the termination, with the moments that ended access marked.
    static func timeline(id: String, title: String, _ t: LeaverTimeline) -> SVGChart {
        let lanes = Array(t.lanes.prefix(40))
        // Each credential gets its own thin row in its lane, so that overlapping ones stay visible.
        func laneHeight(_ lane: LeaverTimeline.Lane) -> Double { max(26, 10 + 7 * Double(lane.credentials.count)) }
        let marks = t.marks
        let offsets = marks.map(\.offset_s) + lanes.flatMap { $0.credentials.flatMap { [$0.issued_s, $0.ends_s] } }
        let lo = min(offsets.min() ?? 0, -3600), hi = max(offsets.max() ?? 0, 3600)
        let pad = (hi - lo) * 0.03
        let left = 250.0, right = 960.0 - 24
        let x = Scale(domain: (lo - pad)...(hi + pad), pixels: (left, right))
        let placed = markLabels(marks, x: x, right: right)
        let header = 16 + 14 * Double((placed.map(\.row).max() ?? 0) + 1)
        var chart = SVGChart(id: id, title: title, height: 0, plotHeight: lanes.reduce(0) { $0 + laneHeight($1) } + header, left: left)
        let lanesTop = chart.plot.top + header
        for tick in Scale.ticks(x.domain, steps: Scale.timeSteps) {
            chart.line(x1: x(tick), y1: lanesTop - 4, x2: x(tick), y2: chart.plot.bottom, color: "#eeeeee")
            chart.text((tick < 0 ? "-" : tick > 0 ? "+" : "") + Markup.duration(abs(tick)), x: x(tick), y: chart.plot.bottom + 16,
                       anchor: "middle", size: 11, color: "#555")
        }
        chart.text("time from the termination", x: (chart.plot.left + chart.plot.right) / 2, y: chart.plot.bottom + 34, anchor: "middle")
        var y = lanesTop
        for lane in lanes {
            let height = laneHeight(lane)
            let account = lane.account_name.map { SVGChart.clip($0, 20) } ?? lane.account
            chart.text("\(account) \(SVGChart.clip(lane.permission_set_name, 16))", x: chart.plot.left - 8, y: y + height / 2 + 4, anchor: "end", size: 11)
            if lane.entitled {
                let end = lane.entitled_until_s.map(x.callAsFunction) ?? chart.plot.right
                chart.rect(x: chart.plot.left, y: y + 3, width: end - chart.plot.left, height: height - 6, color: "#0072B2", opacity: 0.15,
                           title: "entitled" + (lane.entitled_until_s.map { " until +\(Markup.duration($0))" } ?? " to the end of the run"))
            }
            for (k, c) in lane.credentials.enumerated() {
                let color = c.after_termination ? "#D55E00" : "#0072B2"
                let x0 = x(c.issued_s), x1 = max(x(c.ends_s), x0 + 1), row = y + 6 + 7 * Double(k) + (lane.credentials.count == 1 ? 4 : 0)
                chart.rect(x: x0, y: row, width: x1 - x0, height: 5, color: color,
                           title: "credential \(c.after_termination ? "minted after" : "held at") termination, works until +\(Markup.duration(c.ends_s))")
                chart.add("<path class=\"series\" d=\"M\(Markup.n(x0)) \(Markup.n(row + 2.5))H\(Markup.n(x1))\" stroke=\"\(color)\" stroke-width=\"1\"/>")
            }
            y += height
        }
        for p in placed {
            let m = p.mark
            let mx = x(m.offset_s)
            let color = markColor(m.name)
            chart.line(x1: mx, y1: chart.plot.top + 8 + Double(p.row) * 14, x2: mx, y2: chart.plot.bottom, color: color, width: 1.5,
                       dash: ["termination", "last_access", "deny_effective"].contains(m.name) ? nil : "4 3")
            chart.text(p.label, x: p.anchorEnd ? mx - 3 : mx + 3, y: chart.plot.top + 18 + Double(p.row) * 14, anchor: p.anchorEnd ? "end" : "start",
                       size: 11, color: color)
        }
        var legendTop = chart.plot.bottom + 56
        if t.lanes.count > lanes.count {
            chart.text("(\(t.lanes.count - lanes.count) more lanes not drawn)", x: chart.plot.left, y: chart.plot.bottom + 52, size: 11)
            legendTop += 18
        }
        chart.legend([("entitled (a provisioned assignment reaches the user)", "#9ec5e0", nil), ("credential held at termination", "#0072B2", nil),
                      ("credential minted after termination", "#D55E00", nil)], top: legendTop)
        return chart
    }

    static let markNames = ["termination": "terminated", "idp_deactivated": "IdP deactivated", "sign_in_lost": "sign-in lost (Identity Center disabled)",
                            "no_entitlements": "no entitlements", "last_mint": "last credential minted", "last_access": "last credential expires",
                            "deny_effective": "deny in force (runbook)"]

    static func markColor(_ name: String) -> String {
        switch name {
        case "termination": "#111111"
        case "last_access": "#D55E00"
        case "deny_effective": "#7B2D8E"
        default: "#555555"
        }
    }

    /// The marks' labels, each on the first row where it overlaps no label already placed (widths
    /// estimated at 6.5 pixels a character of 11-pixel text, generous for the sans-serif fonts in use).
    static func markLabels(_ marks: [LeaverTimeline.Mark], x: Scale, right: Double) -> [(mark: LeaverTimeline.Mark, label: String, row: Int, anchorEnd: Bool)] {
        var rows: [[ClosedRange<Double>]] = []
        var out: [(mark: LeaverTimeline.Mark, label: String, row: Int, anchorEnd: Bool)] = []
        for m in marks {
            let label = "\(markNames[m.name] ?? m.name)\(m.offset_s == 0 ? "" : " +" + Markup.duration(m.offset_s))"
            let width = Double(label.count) * 6.5
            let mx = x(m.offset_s)
            let anchorEnd = mx + 3 + width > right
            let extent = anchorEnd ? (mx - 3 - width)...(mx - 3) : (mx + 3)...(mx + 3 + width)
            let padded = (extent.lowerBound - 6)...(extent.upperBound + 6)
            let row = rows.firstIndex { $0.allSatisfy { !$0.overlaps(padded) } } ?? rows.count
            if row == rows.count { rows.append([]) }
            rows[row].append(padded)
            out.append((m, label, row, anchorEnd))
        }
        return out
    }
}
