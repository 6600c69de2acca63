@testable import AccessLabEvents
@testable import AccessLabLog
import Foundation
import LMDB
import Testing

@Suite("LMDB event log")
struct LMDBEventLogTests {
    @Test("a log survives closing and reopening, and appends continue the chain")
    func reopen() throws {
        let dir = TemporaryDirectory()
        let path = dir.sub("db")
        do {
            let log = try LMDBEventLog(path: path, create: true)
            try log.append(sampleEvents(30))
        }
        let log = try LMDBEventLog(path: path)
        try log.append(sampleEvents(30, from: t0 + .hours(1)))
        let whole = InMemoryEventLog()
        try whole.append(sampleEvents(30) + sampleEvents(30, from: t0 + .hours(1)))
        #expect(try log.read { try LogVerifier.verify($0).digest } == whole.read { $0.head.digest })
    }

    @Test("the memory map grows when it fills instead of failing")
    func mapGrows() throws {
        let dir = TemporaryDirectory()
        let log = try LMDBEventLog(path: dir.sub("db"), create: true, initialMapSize: 1 << 20)
        for batch in 0..<20 { try log.append(sampleEvents(2000, from: t0 + .days(Int64(batch)))) }
        #expect(log.mapSize > 1 << 20)
        #expect(try log.read { try LogVerifier.verify($0).eventCount } == 40_000)
    }

    @Test("a reader adopts a map another process grew, and sees its appends")
    func mapGrownElsewhere() throws {
        let dir = TemporaryDirectory()
        let path = dir.sub("db")
        let log = try LMDBEventLog(path: path, create: true, initialMapSize: 1 << 20)
        try log.append(sampleEvents(10))
        let writer = try runAccesslab(["append-stress", "--db", path, "--batches", "20", "--batch-size", "2000"])
        #expect(writer.code == 0, "\(writer.err)")
        #expect(try log.read { try LogVerifier.verify($0).eventCount } == 40_010)
        #expect(log.mapSize > 1 << 20)
    }

    @Test("verify names the seq of a byte flipped on disk")
    func flippedByteOnDisk() throws {
        let dir = TemporaryDirectory()
        let path = dir.sub("db")
        do { try LMDBEventLog(path: path, create: true).append(sampleEvents(200)) }
        do {
            let env = try Environment(path: path)
            let events = try env.openDatabase("events", create: false)
            let key = withUnsafeBytes(of: UInt64(123).bigEndian) { Array($0) }
            try env.write { txn in
                var value = try #require(try txn.reader.get(events, key: key))
                value[value.count / 2] ^= 0x01
                try txn.put(events, key: key, value: value)
            }
        }
        let log = try LMDBEventLog(path: path)
        let error = try #require(throws: EventLogError.self) { try log.read { try LogVerifier.verify($0) } }
        #expect(error.corruptSeq == 123)
        let result = try runAccesslab(["verify", "--db", path])
        #expect(result.code != 0)
        #expect(result.err.contains("event 123"))
        let json = try runAccesslab(["verify", "--db", path, "--json"])
        #expect(json.code != 0)
        #expect(json.out.hasPrefix(#"{"ok":false,"problem":"event 123 is corrupt"#))
        #expect(json.out.contains(#""seq":123"#))
    }

    @Test("opening what is not a database gives a clear error")
    func badPaths() throws {
        let dir = TemporaryDirectory()
        #expect(throws: EventLogError(kind: .noDatabase(path: dir.sub("missing")))) { try LMDBEventLog(path: dir.sub("missing")) }
        try FileManager.default.createDirectory(atPath: dir.sub("empty"), withIntermediateDirectories: true)
        #expect(throws: EventLogError(kind: .notADatabase(path: dir.sub("empty"), reason: "it holds no data.mdb"))) { try LMDBEventLog(path: dir.sub("empty")) }
        try FileManager.default.createDirectory(atPath: dir.sub("junk"), withIntermediateDirectories: true)
        try Data(repeating: 0x5a, count: 8192).write(to: URL(fileURLWithPath: dir.sub("junk/data.mdb")))
        let junk = try #require(throws: EventLogError.self) { try LMDBEventLog(path: dir.sub("junk")) }
        #expect(junk.description.contains("not a valid LMDB file"))
        try Data("x".utf8).write(to: URL(fileURLWithPath: dir.sub("file")))
        let file = try #require(throws: EventLogError.self) { try LMDBEventLog(path: dir.sub("file")) }
        #expect(file.description.contains("not a directory"))
        // An LMDB environment that AccessLab did not write.
        do {
            try FileManager.default.createDirectory(atPath: dir.sub("foreign"), withIntermediateDirectories: true)
            let env = try Environment(path: dir.sub("foreign"))
            _ = try env.openDatabase("something", create: true)
        }
        let foreign = try #require(throws: EventLogError.self) { try LMDBEventLog(path: dir.sub("foreign")) }
        #expect(foreign.description.contains("is not an AccessLab database"))
        // A database an older AccessLab wrote (schema 2: entity index keys without their bucket).
        do {
            try LMDBEventLog(path: dir.sub("old"), create: true).append(sampleEvents(3))
            let env = try Environment(path: dir.sub("old"))
            let meta = try env.openDatabase("meta", create: false)
            try env.write { txn in try txn.put(meta, key: MetaKey.schema, value: LMDBEventLog.bytes(UInt32(2))) }
        }
        let old = try #require(throws: EventLogError.self) { try LMDBEventLog(path: dir.sub("old")) }
        #expect(old.description.contains("schema version 2, from an older AccessLab") && old.description.contains("log --db"), "\(old)")
    }

    @Test("a writer killed mid-batch leaves exactly the committed batches, and they verify")
    func crashMidBatch() throws {
        let dir = TemporaryDirectory()
        let path = dir.sub("db")
        let batchSize = 5000
        let process = Process()
        process.executableURL = accesslabExecutable()
        process.arguments = ["append-stress", "--db", path, "--batch-size", "\(batchSize)"]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        // Read commit reports until a few batches are in, then kill without warning.
        var reported: UInt64 = 0
        var buffer = ""
        while reported < UInt64(batchSize * 4) {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            buffer += String(decoding: chunk, as: UTF8.self)
            for line in buffer.split(separator: "\n") where line.hasPrefix("committed ") {
                reported = max(reported, UInt64(line.dropFirst("committed ".count)) ?? 0)
            }
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal)
        #expect(reported >= UInt64(batchSize * 4))

        let log = try LMDBEventLog(path: path)
        let report = try log.read { try LogVerifier.verify($0) }
        // Whole batches only: the one being written when the kill came is absent, or fully present
        // if it committed before the kill and after the last report was read.
        #expect(report.eventCount % UInt64(batchSize) == 0)
        #expect(report.eventCount >= reported)
        #expect(report.eventCount <= reported + UInt64(batchSize) * 2)
    }

    @Test("a full disk is a clear error and leaves the log intact",
          .enabled(if: TmpfsMount.available, "needs root to mount a small tmpfs"))
    func diskFull() throws {
        let mount = try TmpfsMount(megabytes: 1)
        defer { mount.unmount() }
        let path = mount.path + "/db"
        let log = try LMDBEventLog(path: path, create: true, initialMapSize: 64 << 20)
        var appended = 0
        let error = try #require(throws: EventLogError.self) {
            for batch in 0..<1000 {
                try log.append(sampleEvents(1000, from: t0 + .days(Int64(batch))))
                appended += 1000
            }
        }
        #expect(error.description.contains("disk holding \(path) is full"))
        #expect(try log.read { try LogVerifier.verify($0).eventCount } == UInt64(appended))
    }
}

/// A small tmpfs mounted for one test, to make a disk fill up for real.
struct TmpfsMount {
    let path: String

    static var available: Bool { getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/bin/mount") }

    init(megabytes: Int) throws {
        path = NSTemporaryDirectory() + "accesslab-tmpfs-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/mount")
        process.arguments = ["-t", "tmpfs", "-o", "size=\(megabytes)m", "tmpfs", path]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw CocoaError(.fileWriteNoPermission) }
    }

    func unmount() {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/umount")
        process.arguments = [path]
        try? process.run()
        process.waitUntilExit()
        try? FileManager.default.removeItem(atPath: path)
    }
}
