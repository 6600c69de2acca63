import AccessLabEvents
import AccessLabSimulation
import Foundation

/// The Cartesian product of settings over seeds, numbered in a fixed order so that shards, restarts
/// and merges all agree on which run is which.
public struct SweepPlan: Sendable {
    public struct Run: Sendable, Equatable {
        public var index: Int
        public var settings: [Setting]
        public var seed: UInt64
        /// Stable across machines: the index and a hash of the settings and seed.
        public var id: String {
            let canonical = settings.map { "\($0.key)=\($0.value)" }.joined(separator: ";") + ";seed=\(seed)"
            let hex = String(FNV1a.hash64(canonical), radix: 16)
            return String(format: "%05d", index) + "-" + String(repeating: "0", count: 16 - hex.count) + hex
        }
    }
    public var runs: [Run]

    /// `settings` in the order given, values in the order given; seeds innermost.
    public init(settings: [(key: String, values: [String])], seeds: [UInt64]) {
        var combos: [[Setting]] = [[]]
        for (key, values) in settings {
            combos = combos.flatMap { prefix in values.map { prefix + [Setting(key: key, value: $0)] } }
        }
        var runs: [Run] = []
        for combo in combos { for seed in seeds { runs.append(Run(index: runs.count, settings: combo, seed: seed)) } }
        self.runs = runs
    }

    /// The runs of shard `i` of `n` (1-based), by index.
    public func shard(_ i: Int, of n: Int) -> [Run] { runs.filter { $0.index % n == i - 1 } }
}

public struct Setting: Codable, Sendable, Equatable, Hashable {
    public var key: String
    public var value: String
    public init(key: String, value: String) { self.key = key; self.value = value }
}

/// What one finished run contributes: deterministic figures only (no wall time), so that results
/// are byte-identical however the runs were spread.
public struct RunResult: Codable, Sendable, Equatable {
    public var id: String
    public var index: Int
    public var settings: [Setting]
    public var seed: UInt64
    public var digest: String
    public var events: UInt64
    public var leavers: Int
    public var metrics: [Metric]
    public var persistingSamples_s: [Double]
    public var benignSamples_s: [Double]
    /// Everything `report` draws; nil in records written before AccessLab 0.3.
    public var figures: RunFigures?

    public struct Metric: Codable, Sendable, Equatable {
        public var name: String
        public var value: Double
    }

    public static let metricNames = ["persisting_p50_s", "persisting_p90_s", "persisting_p99_s", "persisting_max_s", "benign_p50_s",
                                     "benign_max_s", "exposure_h_per_leaver", "mover_p50_s", "joiner_full_p50_s",
                                     "leavers_censored", "movers_censored", "joiners_no_access", "joiners_censored", "failed_requests"]

    /// Reads the figures out of a `run --json` report.
    public init(run: SweepPlan.Run, report json: Data) throws {
        guard let r = try JSONSerialization.jsonObject(with: json) as? [String: Any] else { throw SweepError("the run report is not a JSON object") }
        func number(_ path: String...) -> Double {
            var node: Any? = r
            for p in path { node = (node as? [String: Any])?[p] }
            return (node as? NSNumber)?.doubleValue ?? 0
        }
        func samples(_ key: String) -> [Double] {
            ((((r["leavers"] as? [String: Any])?[key] as? [String: Any])?["samples_s"]) as? [NSNumber])?.map(\.doubleValue) ?? []
        }
        id = run.id; index = run.index; settings = run.settings; seed = run.seed
        digest = r["digest"] as? String ?? ""
        events = UInt64(number("events"))
        leavers = Int(number("leavers", "count"))
        let persisting = (r["leavers"] as? [String: Any])?["persisting"] != nil ? "persisting" : "benign"
        metrics = [
            Metric(name: "persisting_p50_s", value: number("leavers", persisting, "latency", "p50_s")),
            Metric(name: "persisting_p90_s", value: number("leavers", persisting, "latency", "p90_s")),
            Metric(name: "persisting_p99_s", value: number("leavers", persisting, "latency", "p99_s")),
            Metric(name: "persisting_max_s", value: number("leavers", persisting, "latency", "max_s")),
            Metric(name: "benign_p50_s", value: number("leavers", "benign", "latency", "p50_s")),
            Metric(name: "benign_max_s", value: number("leavers", "benign", "latency", "max_s")),
            Metric(name: "exposure_h_per_leaver", value: number("leavers", persisting, "exposure_credential_hours_mean")),
            Metric(name: "mover_p50_s", value: number("movers", "latency", "p50_s")),
            Metric(name: "joiner_full_p50_s", value: number("joiners", "time_to_full_access", "p50_s")),
            Metric(name: "leavers_censored", value: number("leavers", "censored")),
            Metric(name: "movers_censored", value: number("movers", "censored")),
            Metric(name: "joiners_no_access", value: number("joiners", "no_access")),
            Metric(name: "joiners_censored", value: number("joiners", "censored")),
            Metric(name: "failed_requests", value: number("provisioning", "failed_requests")),
        ]
        persistingSamples_s = samples(persisting)
        benignSamples_s = samples("benign")
        figures = try? JSONDecoder().decode(RunFigures.self, from: json)
    }

    public func value(_ name: String) -> Double { metrics.first { $0.name == name }?.value ?? 0 }
}

public struct SweepError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
