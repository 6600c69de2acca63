import AccessLabImport
import AccessLabLog
import AccessLabProjections
import AccessLabQuery
import Foundation

extension Bench {
    /// As-of queries on a log made by `import cloudtrail` (the trail the bench imported): the log written
    /// as the command writes it, its snapshots stored as `access` stores them on first use, then the
    /// same random instants as on a simulated log.
    func asofOnImport(_ trail: [Data], path: String) throws -> (p50: Double, p99: Double, events: UInt64, stateP50: Double, rowsP50: Double) {
        var files = CloudTrailFiles()
        for (i, file) in trail.enumerated() { try files.add(file, name: "bench-\(i).json") }
        let replay = CloudTrailImport.replay(files, onto: AccessState())
        guard !replay.events.isEmpty else { throw QueryError("the CloudTrail import made no events") }
        let log = try LMDBEventLog(path: path, create: true)
        try log.setMetadata(.cloudTrailImport)
        try log.append(replay.events)
        if UInt64(replay.events.count) > SnapshotBackfill.worthAbove { _ = try SnapshotBackfill.run(log) }
        let figures = try asof(log, queries: 100, fromZeroQueries: 0)
        return (figures.p50, figures.p99, figures.events, figures.stateP50, figures.rowsP50)
    }
}
