import AccessLabSimulation
import Foundation

/// `results.csv` and `results.json` from the finished runs alone: one row per run, then one summary
/// row per combination of settings with the mean and 95% confidence half-width of each figure over
/// the seeds, and leaver latency percentiles of all seeds' leavers pooled (exact, not averaged).
public struct SweepResults: Codable, Sendable, Equatable {
    public struct Summary: Codable, Sendable, Equatable {
        public var settings: [Setting]
        public var runs: Int
        public var mean: [RunResult.Metric]
        public var ci95: [RunResult.Metric]
        public var pooled: [RunResult.Metric]
        /// Figures whose 95% confidence interval is wider than their mean: too few seeds to tell.
        public var wide_ci: [String]
    }
    public var keys: [String]
    public var runs: [RunResult]
    public var summaries: [Summary]

    public init(_ results: [RunResult]) {
        let runs = results.sorted { $0.index < $1.index }
        var keys: [String] = []
        for r in runs { for s in r.settings where !keys.contains(s.key) { keys.append(s.key) } }
        var order: [[Setting]] = []
        var groups: [[Setting]: [RunResult]] = [:]
        for r in runs {
            if groups[r.settings] == nil { order.append(r.settings) }
            groups[r.settings, default: []].append(r)
        }
        summaries = order.map { settings in
            let members = groups[settings] ?? []
            var mean: [RunResult.Metric] = [], ci: [RunResult.Metric] = []
            for name in RunResult.metricNames {
                let values = members.map { $0.value(name) }
                let (m, h) = Self.meanAndHalfWidth(values)
                mean.append(.init(name: name, value: Self.round(m)))
                ci.append(.init(name: name, value: Self.round(h)))
            }
            let persisting = members.flatMap(\.persistingSamples_s).sorted(), benign = members.flatMap(\.benignSamples_s).sorted()
            let pooled: [RunResult.Metric] = [
                .init(name: "persisting_p50_s", value: Self.rank(persisting, 0.5)),
                .init(name: "persisting_p90_s", value: Self.rank(persisting, 0.9)),
                .init(name: "persisting_p99_s", value: Self.rank(persisting, 0.99)),
                .init(name: "persisting_max_s", value: persisting.last ?? 0),
                .init(name: "benign_p50_s", value: Self.rank(benign, 0.5)),
                .init(name: "leavers", value: Double(persisting.count)),
            ]
            let wide = zip(mean, ci).filter { m, h in m.value != 0 && 2 * h.value > abs(m.value) }.map { $0.0.name }
            return Summary(settings: settings, runs: members.count, mean: mean, ci95: ci, pooled: pooled, wide_ci: wide)
        }
        self.keys = keys
        self.runs = runs
    }

    static func round(_ v: Double) -> Double { (v * 1000).rounded() / 1000 }

    static func rank(_ sorted: [Double], _ p: Double) -> Double {
        nearestRank(sorted, p) ?? 0
    }

    /// Student's t 97.5% quantiles for 1...30 degrees of freedom, then the normal 1.96.
    static let t975: [Double] = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160, 2.145, 2.131,
                                 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042]

    static func meanAndHalfWidth(_ values: [Double]) -> (Double, Double) {
        guard !values.isEmpty else { return (0, 0) }
        let mean = values.reduce(0, +) / Double(values.count)
        guard values.count > 1 else { return (mean, 0) }
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count - 1)
        let t = values.count - 1 <= t975.count ? t975[values.count - 2] : 1.96
        return (mean, t * (variance / Double(values.count)).squareRoot())
    }

    /// The CSV: `kind` (run or summary), one column per setting key, seed, digest, events, then the figures
    /// (means for summary rows) and, for summary rows, their 95% half-widths and the pooled percentiles.
    public var csv: String {
        let metricColumns = RunResult.metricNames
        var header = ["kind"] + keys + ["seed", "runs", "digest", "events", "leavers"] + metricColumns
        header += metricColumns.map { $0 + "_ci95" }
        header += ["pooled_persisting_p50_s", "pooled_persisting_p90_s", "pooled_persisting_p99_s", "pooled_persisting_max_s", "pooled_benign_p50_s",
                   "wide_ci"]
        func f(_ v: Double) -> String { String(format: "%.3f", v) }
        func settingCells(_ s: [Setting]) -> [String] { keys.map { k in Self.escape(s.first { $0.key == k }?.value ?? "") } }
        var lines = [header.joined(separator: ",")]
        for r in runs {
            var row = ["run"] + settingCells(r.settings) + [String(r.seed), "1", r.digest, String(r.events), String(r.leavers)]
            row += metricColumns.map { f(r.value($0)) }
            row += Array(repeating: "", count: metricColumns.count + 6)
            lines.append(row.joined(separator: ","))
        }
        for s in summaries {
            var row = ["summary"] + settingCells(s.settings) + ["", String(s.runs), "", "", f(s.pooled.last?.value ?? 0)]
            row += s.mean.map { f($0.value) } + s.ci95.map { f($0.value) }
            row += s.pooled.prefix(5).map { f($0.value) }
            row.append(Self.escape(s.wide_ci.joined(separator: ";")))
            lines.append(row.joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func escape(_ v: String) -> String {
        v.contains(",") || v.contains("\"") ? "\"" + v.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : v
    }

    /// Canonical JSON (sorted keys), without the per-leaver samples and figures the run records keep.
    public func json() throws -> String {
        var copy = self
        for i in copy.runs.indices { copy.runs[i].persistingSamples_s = []; copy.runs[i].benignSamples_s = []; copy.runs[i].figures = nil }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(copy), as: UTF8.self) + "\n"
    }
}
