import AccessLabLog
import AccessLabProjections
import AccessLabQuery
import Foundation
import Testing

/// A log without snapshots (an import) gets them on the first query, which says so; they verify.
@Suite struct SnapshotBackfillTests {
    @Test func theFirstQueryOnALogWithoutSnapshotsStoresThemAndSaysSo() throws {
        let dir = try TemporaryDirectory()
        let dump = dir.sub("tiny.jsonl"), db = dir.sub("imported")
        let lines = try runAccesslab(["log", "--db", QueryCommandTests.tiny, "--json"])
        try lines.out.write(toFile: dump, atomically: true, encoding: .utf8)
        #expect(try runAccesslab(["import", "--db", db, dump]).code == 0)
        #expect(try LMDBEventLog(path: db).read { try $0.snapshotSeqs() }.isEmpty)

        // The threshold (10,000 events by default) lowered so that tiny's 1,578 events count as large.
        let args = ["access", "--db", db, "--at", "2026-01-06T11:00:00Z", "--user", "u00002", "--backfill-above", "100"]
        let first = try runAccesslab(args)
        #expect(first.code == 0 && first.err.contains("has no stored snapshots") && first.err.contains("stored 14 snapshots"), "\(first.err)")
        let original = try runAccesslab(["access", "--db", QueryCommandTests.tiny, "--at", "2026-01-06T11:00:00Z", "--user", "u00002"])
        #expect(first.out == original.out)
        let second = try runAccesslab(args)
        #expect(second.err.isEmpty && second.out == original.out)
        // One a day (tiny covers 14), as a simulation stores them: a query replays at most a day.
        let seqs = try LMDBEventLog(path: db).read { try $0.snapshotSeqs() }
        let times = try LMDBEventLog(path: db).read { r in try seqs.map { try r.event($0).time.ms / 86_400_000 } }
        #expect(seqs.count == 14 && Set(times).count == 14, "\(times)")
        let verify = try runAccesslab(["verify", "--db", db])
        #expect(verify.code == 0 && verify.out.contains("(14 snapshots)"))
    }

    @Test func backfilledSnapshotsCarryTheChainDigestAtTheirPoint() throws {
        let log = InMemoryEventLog()
        try log.append(sampleEvents(250))
        #expect(try SnapshotBackfill.run(log, every: 100, daily: false) == 3)
        try log.read { reader in
            #expect(try reader.snapshotSeqs() == [100, 200, 250])
            let stored = try #require(try reader.snapshot(atOrBefore: 150))
            let digest = try History(reader: reader).digest(through: 100)
            let replayed = try History(reader: reader).state(through: 100, useSnapshots: false)
            let decoded = try AccessState(encodedSnapshot: stored.bytes)
            #expect(stored.seq == 100 && stored.digest == digest)
            #expect(decoded == replayed)
        }
    }
}
