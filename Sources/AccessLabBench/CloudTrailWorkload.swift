import AccessLabAWS
import AccessLabEvents
import AccessLabImport
import AccessLabLog
import AccessLabProjections
import AccessLabQuery
import AccessLabSimulation
import Foundation

/// The reference log written as a trail (what `log --cloudtrail` writes, without bodies), and the time
/// to read it back with `import cloudtrail`: parse the delivery file, order, and replay into events.
public enum CloudTrailWorkload {
    struct Figures {
        var records: Int
        var seconds: Double
        /// Of which reading the files: checking them and keeping the members the import reads (the rest is ordering
        /// and replaying into events, which reads those members' objects in place).
        var parseSeconds: Double
        var events: Int
    }

    /// The log's first `limit` records, as delivery files of `perFile` records (CloudTrail delivers a
    /// file every few minutes; one file of the whole trail would measure Foundation's memory, not the import).
    static func trail(from log: LMDBEventLog, limit: Int = 150_000, perFile: Int = 5_000) throws -> [Data] {
        try log.read { reader in
            let final = try History(reader: reader).state(through: reader.head.lastSeq, useSnapshots: true)
            var writer = CloudTrailWriter(final: final, region: AccessRules(parameters: reader.metadata.parameters).identityCenterRegion, withBodies: false)
            var records: [CloudTrailRecord] = []
            try reader.forEachEvent(in: 1...max(reader.head.lastSeq, 1)) { records += writer.records($0); return records.count < limit }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.withoutEscapingSlashes]
            return try stride(from: 0, to: records.count, by: perFile).map {
                try encoder.encode(CloudTrailLogFile(records: Array(records[$0..<min($0 + perFile, records.count)])))
            }
        }
    }

    /// `bench --only cloudtrail`: the scenario run for 14 days (as `bench --quick` runs it) into `workDirectory`,
    /// then the import of its trail, alone (e.g. under callgrind): records, seconds, and of them reading the JSON.
    public static func alone(scenario: Scenario, workDirectory: String, now: () -> Double) throws -> (records: Int, seconds: Double, parseSeconds: Double) {
        var scenario = scenario
        scenario.duration = .days(14)
        let log = try LMDBEventLog(path: workDirectory + "/simulate", create: true)
        _ = try Simulation(scenario: scenario, log: log).run()
        let figures = try importTime(try trail(from: log), now: now)
        return (figures.records, figures.seconds, figures.parseSeconds)
    }

    static func importTime(_ trail: [Data], now: () -> Double) throws(ImportError) -> Figures {
        let t = now()
        var files = CloudTrailFiles()
        for (i, file) in trail.enumerated() { try files.add(file, name: "bench-\(i).json") }
        let parsed = now()
        let replay = CloudTrailImport.replay(files, onto: AccessState())
        return Figures(records: replay.report.records, seconds: now() - t, parseSeconds: parsed - t, events: replay.events.count)
    }
}
