import AccessLabAWS
import AccessLabEvents
import AccessLabImport
import AccessLabLog
import AccessLabProjections
import AccessLabQuery
import Foundation

/// The reference log written as a trail (what `log --cloudtrail` writes, without bodies), and the time
/// to read it back with `import cloudtrail`: parse the delivery file, order, and replay into events.
enum CloudTrailWorkload {
    struct Figures {
        var records: Int
        var seconds: Double
        /// Of which reading the JSON (the rest is ordering and replaying into events).
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

    static func importTime(_ trail: [Data], now: () -> Double) -> Figures {
        let t = now()
        var files = CloudTrailFiles()
        for (i, file) in trail.enumerated() { files.add(file, name: "bench-\(i).json") }
        let parsed = now()
        let replay = CloudTrailImport.replay(files, onto: AccessState())
        return Figures(records: replay.report.records, seconds: now() - t, parseSeconds: parsed - t, events: replay.events.count)
    }
}
