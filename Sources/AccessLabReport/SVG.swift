import Foundation

/// Text for an SVG or HTML document: escaping and fixed-precision numbers, so that the same figures
/// always give the same bytes.
enum Markup {
    static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.count)
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(c)
            }
        }
        return out
    }

    /// A coordinate with one decimal and no trailing `.0`.
    static func n(_ v: Double) -> String {
        let r = (v * 10).rounded() / 10
        return r == r.rounded() ? String(Int(r)) : String(format: "%.1f", r)
    }

    /// Seconds as `13h40m`, `45m`, `12s`, `2d3h` (to the largest two units).
    static func duration(_ seconds: Double) -> String {
        var s = Int(seconds.rounded())
        if s < 60 { return "\(s)s" }
        // Shown without seconds from 10 minutes on: round to the nearest minute rather than cut.
        if s >= 600 { s = (s + 30) / 60 * 60 }
        let m = s / 60, h = m / 60, d = h / 24
        if d > 0 { return h % 24 == 0 ? "\(d)d" : "\(d)d\(h % 24)h" }
        if h > 0 { return m % 60 == 0 ? "\(h)h" : "\(h)h\(m % 60)m" }
        return s % 60 == 0 || m >= 10 ? "\(m)m" : "\(m)m\(s % 60)s"
    }

    static func number(_ v: Double, decimals: Int = 2) -> String { String(format: "%.\(decimals)f", v) }
}

/// Line colours: the Okabe-Ito palette (told apart with the common colour-vision deficiencies), then
/// the same colours dashed.
enum Palette {
    static let series = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#999999"]
    static func color(_ i: Int) -> String { series[i % series.count] }
    static func dash(_ i: Int) -> String? { i < series.count ? nil : (i < 2 * series.count ? "6 4" : "2 3") }
    /// HR to IdP, IdP to Identity Center, sign-in cache, credential lifetime.
    static let stages = ["#999999", "#56B4E9", "#E69F00", "#D55E00"]
}

/// A linear scale from data values to pixels with ticks a person would choose.
struct Scale {
    var domain: ClosedRange<Double>
    /// Pixels for the domain's lower and upper bound (a y axis runs upwards, so `from` > `to`).
    var from: Double, to: Double

    init(domain: ClosedRange<Double>, pixels: (from: Double, to: Double)) {
        self.domain = domain; from = pixels.from; to = pixels.to
    }

    func callAsFunction(_ v: Double) -> Double {
        let span = domain.upperBound - domain.lowerBound
        guard span > 0 else { return from }
        return from + (v - domain.lowerBound) / span * (to - from)
    }

    /// Steps for a time axis in seconds: whole minutes, hours and days.
    static let timeSteps: [Double] = [1, 5, 15, 60, 300, 600, 900, 1800, 3600, 7200, 10800, 14400, 21600, 43200, 86400, 172_800, 604_800, 2_592_000]

    /// Ticks from the domain's start to its end at the smallest step that gives at most `most` intervals.
    static func ticks(_ domain: ClosedRange<Double>, steps: [Double], most: Int = 8) -> [Double] {
        let span = domain.upperBound - domain.lowerBound
        guard span > 0 else { return [domain.lowerBound] }
        let step = steps.first { span / $0 <= Double(most) } ?? (span / Double(most)).rounded(.up)
        var t = (domain.lowerBound / step).rounded(.up) * step
        var out: [Double] = []
        while t <= domain.upperBound + step * 1e-9 { out.append(t); t += step }
        return out
    }

    /// 1, 2, 5 times a power of ten, for counts and hours.
    static func decimalSteps(upTo max: Double) -> [Double] {
        var out: [Double] = []
        var p = 0.01
        while p < Swift.max(max, 1) * 10 { out += [p, 2 * p, 5 * p]; p *= 10 }
        return out
    }

    /// The upper end of an axis: the last tick at or above `value`.
    static func niceMax(_ value: Double, steps: [Double], most: Int = 8) -> Double {
        guard value > 0 else { return 1 }
        let step = steps.first { value / $0 <= Double(most) } ?? value
        return (value / step).rounded(.up) * step
    }
}

/// A chart's SVG document: a plot area with axes, filled in by the chart.
struct SVGChart {
    let id: String
    let title: String
    let width: Double = 960
    var height: Double
    let plot: (left: Double, top: Double, right: Double, bottom: Double)
    var body: [String] = []

    init(id: String, title: String, height: Double, plotHeight: Double, left: Double = 70) {
        self.id = id
        self.title = title
        self.height = height
        plot = (left, 40, 960 - 24, 40 + plotHeight)
    }

    mutating func add(_ element: String) { body.append(element) }

    mutating func text(_ s: String, x: Double, y: Double, anchor: String = "start", size: Int = 12, weight: String? = nil, color: String = "#333") {
        let w = weight.map { " font-weight=\"\($0)\"" } ?? ""
        add("<text x=\"\(Markup.n(x))\" y=\"\(Markup.n(y))\" text-anchor=\"\(anchor)\" font-size=\"\(size)\" fill=\"\(color)\"\(w)>\(Markup.escape(s))</text>")
    }

    mutating func line(x1: Double, y1: Double, x2: Double, y2: Double, color: String, width: Double = 1, dash: String? = nil) {
        let d = dash.map { " stroke-dasharray=\"\($0)\"" } ?? ""
        add("<line x1=\"\(Markup.n(x1))\" y1=\"\(Markup.n(y1))\" x2=\"\(Markup.n(x2))\" y2=\"\(Markup.n(y2))\" stroke=\"\(color)\" stroke-width=\"\(Markup.n(width))\"\(d)/>")
    }

    mutating func rect(x: Double, y: Double, width: Double, height: Double, color: String, opacity: Double = 1, title: String? = nil) {
        let o = opacity < 1 ? " fill-opacity=\"\(Markup.n(opacity))\"" : ""
        let tip = title.map { "<title>\(Markup.escape($0))</title>" } ?? ""
        add("<rect x=\"\(Markup.n(x))\" y=\"\(Markup.n(y))\" width=\"\(Markup.n(Swift.max(width, 0)))\" height=\"\(Markup.n(height))\" fill=\"\(color)\"\(o)>\(tip)</rect>")
    }

    /// A data path: the elements the report's browser test looks for.
    mutating func path(_ d: String, color: String, width: Double = 2, dash: String? = nil, label: String) {
        let ds = dash.map { " stroke-dasharray=\"\($0)\"" } ?? ""
        add("<path class=\"series\" d=\"\(d)\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"\(Markup.n(width))\"\(ds)><title>\(Markup.escape(label))</title></path>")
    }

    /// Grid lines and tick labels for both axes, and the axis titles.
    mutating func axes(x: Scale, xTicks: [Double], xLabel: (Double) -> String, xTitle: String,
                       y: Scale, yTicks: [Double], yLabel: (Double) -> String, yTitle: String) {
        for t in yTicks {
            line(x1: plot.left, y1: y(t), x2: plot.right, y2: y(t), color: "#e4e4e4")
            text(yLabel(t), x: plot.left - 6, y: y(t) + 4, anchor: "end", size: 11, color: "#555")
        }
        for t in xTicks {
            line(x1: x(t), y1: plot.top, x2: x(t), y2: plot.bottom, color: "#eeeeee")
            text(xLabel(t), x: x(t), y: plot.bottom + 16, anchor: "middle", size: 11, color: "#555")
        }
        line(x1: plot.left, y1: plot.bottom, x2: plot.right, y2: plot.bottom, color: "#666")
        line(x1: plot.left, y1: plot.top, x2: plot.left, y2: plot.bottom, color: "#666")
        text(xTitle, x: (plot.left + plot.right) / 2, y: plot.bottom + 34, anchor: "middle", size: 12)
        add("<text x=\"16\" y=\"\(Markup.n((plot.top + plot.bottom) / 2))\" text-anchor=\"middle\" font-size=\"12\" fill=\"#333\" transform=\"rotate(-90 16 \(Markup.n((plot.top + plot.bottom) / 2)))\">\(Markup.escape(yTitle))</text>")
    }

    /// Legend entries in two columns from `top`; grows the chart to fit.
    mutating func legend(_ entries: [(label: String, color: String, dash: String?)], top: Double, title: String? = nil) {
        var top = top
        if let title {
            text(title, x: plot.left, y: top, size: 12, weight: "600")
            top += 20
        }
        let columnWidth = (plot.right - plot.left) / 2
        for (i, e) in entries.enumerated() {
            let x = plot.left + Double(i % 2) * columnWidth, y = top + Double(i / 2) * 20
            line(x1: x, y1: y - 4, x2: x + 28, y2: y - 4, color: e.color, width: 3, dash: e.dash)
            text(Self.clip(e.label, 62), x: x + 36, y: y, size: 12)
        }
        height = Swift.max(height, top + Double((entries.count + 1) / 2) * 20 + 8)
    }

    mutating func message(_ s: String) {
        text(s, x: (plot.left + plot.right) / 2, y: (plot.top + plot.bottom) / 2, anchor: "middle", size: 14, color: "#777")
    }

    static func clip(_ s: String, _ n: Int) -> String { s.count <= n ? s : String(s.prefix(n - 1)) + "…" }

    var svg: String {
        var out = "<svg class=\"chart\" id=\"\(id)\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(Markup.n(width)) \(Markup.n(height))\" "
        out += "width=\"\(Markup.n(width))\" height=\"\(Markup.n(height))\" role=\"img\" font-family=\"system-ui, -apple-system, 'Segoe UI', sans-serif\">\n"
        out += "<title>\(Markup.escape(title))</title>\n"
        out += "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n"
        out += "<text x=\"\(Markup.n(plot.left))\" y=\"22\" font-size=\"15\" font-weight=\"600\" fill=\"#111\">\(Markup.escape(title))</text>\n"
        // Where the data is drawn (without titles and legends): the browser test counts painted pixels inside it.
        out += "<rect class=\"plot-area\" x=\"\(Markup.n(plot.left))\" y=\"\(Markup.n(plot.top))\" width=\"\(Markup.n(plot.right - plot.left))\" "
        out += "height=\"\(Markup.n(plot.bottom - plot.top))\" fill=\"none\"/>\n"
        out += body.joined(separator: "\n")
        return out + "\n</svg>"
    }
}
