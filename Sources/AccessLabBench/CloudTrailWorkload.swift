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

    static func trail(from log: LMDBEventLog) throws -> Data {
        try log.read { reader in
            let final = try History(reader: reader).state(through: reader.head.lastSeq, useSnapshots: true)
            var writer = CloudTrailWriter(final: final, region: AccessRules(parameters: reader.metadata.parameters).identityCenterRegion, withBodies: false)
            var records: [CloudTrailRecord] = []
            try reader.forEachEvent(in: 1...max(reader.head.lastSeq, 1)) { records += writer.records($0); return true }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.withoutEscapingSlashes]
            return try encoder.encode(CloudTrailLogFile(records: records))
        }
    }

    static func importTime(_ trail: Data, now: () -> Double) -> Figures {
        let t = now()
        var files = CloudTrailFiles()
        files.add(trail, name: "bench.json")
        let parsed = now()
        let replay = CloudTrailImport.replay(files, onto: AccessState())
        return Figures(records: replay.report.records, seconds: now() - t, parseSeconds: parsed - t, events: replay.events.count)
    }
}
