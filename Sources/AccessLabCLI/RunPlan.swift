import AccessLabEvents
import AccessLabLog
import AccessLabSimulation
import Foundation

/// What `run` simulates: from its arguments, or, with `--resume`, from what the interrupted run
/// recorded in the database (so that the regenerated events can match the log's).
struct RunPlan {
    var scenarioPath: String
    var settings: [String]
    var seed: UInt64?
    var duration: Duration_ms?
    var until: Duration_ms?
    var database: String?

    static func fresh(_ c: RunCommand) throws -> RunPlan {
        guard let scenario = c.scenario else { throw CLIError("name the scenario file (or give --resume --db DIR to continue an interrupted run)") }
        var duration: Duration_ms?, until: Duration_ms?
        if let text = c.duration {
            guard let d = Duration_ms(parsing: text), d.ms >= 60_000 else { throw CLIError("--duration '\(text)': expected a duration such as 365d or 36h") }
            duration = d
        }
        if let text = c.until {
            guard let d = Duration_ms(parsing: text), d.ms > 0 else { throw CLIError("--until '\(text)': expected a duration such as 14d or 36h") }
            until = d
        }
        return RunPlan(scenarioPath: scenario, settings: c.settings, seed: c.seed, duration: duration, until: until, database: c.db)
    }

    static func resuming(_ c: RunCommand) throws -> RunPlan {
        guard let db = c.db else { throw CLIError("--resume needs --db DIR, the database of the interrupted run") }
        guard c.settings.isEmpty, c.duration == nil, c.until == nil else {
            throw CLIError("--resume continues the run as it was started; --set, --duration and --until cannot change it")
        }
        let metadata = try DatabaseOption.openExisting(db).read { $0.metadata }
        let p = metadata.parameters
        guard metadata.runStoppedAt != nil else {
            throw CLIError(metadata.simulatedEnd == nil ? "\(db) was not written by `accesslab run`; there is no run to resume"
                                                         : "\(db) holds a finished run; there is nothing to resume")
        }
        guard let path = c.scenario ?? p[LogMetadata.RunKey.scenarioPath] else {
            throw CLIError("\(db) does not record its scenario file; name it: accesslab run SCENARIO --resume --db \(db)")
        }
        if let seed = c.seed, seed != metadata.seed { throw CLIError("--seed \(seed): the run in \(db) used seed \(metadata.seed.map(String.init) ?? "?")") }
        let settings = p[LogMetadata.RunKey.settings].map { $0.split(separator: "\n").map(String.init) } ?? []
        return RunPlan(scenarioPath: path, settings: settings, seed: metadata.seed,
                       duration: p[LogMetadata.RunKey.duration].flatMap(Int64.init).map(Duration_ms.init),
                       until: p[LogMetadata.RunKey.until].flatMap(Int64.init).map(Duration_ms.init), database: db)
    }

    /// The metadata that lets `--resume` run the same scenario again.
    func parameters(scenario: Scenario) -> [String: String] {
        var p = [LogMetadata.RunKey.scenarioPath: URL(fileURLWithPath: scenarioPath).standardizedFileURL.path]
        if !settings.isEmpty { p[LogMetadata.RunKey.settings] = settings.joined(separator: "\n") }
        if let duration { p[LogMetadata.RunKey.duration] = String(duration.ms) }
        if let until { p[LogMetadata.RunKey.until] = String(until.ms) }
        return p
    }
}
