@testable import AccessLabEvents
@testable import AccessLabLog
import Testing

/// One contract, both implementations.
@Suite("Event log contract")
struct EventLogContractTests {
    @Test("seqs are contiguous from 1 across batches", arguments: LogKind.allCases)
    func contiguous(kind: LogKind) throws {
        let dir = TemporaryDirectory()
        let log = try kind.make(dir)
        #expect(try log.append(Array(sampleEvents(10)[0..<3])) == 1...3)
        #expect(try log.append(Array(sampleEvents(10, from: t0 + .hours(1))[0..<7])) == 4...10)
        #expect(try log.append([]) == nil)
        try log.read { reader throws in
            #expect(reader.head.lastSeq == 10)
            #expect(try reader.events(in: 1...100).map(\.seq) == Array(1...10))
            #expect(try reader.event(4).time == t0 + .hours(1))
        }
    }

    @Test("a batch whose time goes backwards is refused whole", arguments: LogKind.allCases)
    func timeOrder(kind: LogKind) throws {
        let dir = TemporaryDirectory()
        let log = try kind.make(dir)
        try log.append(sampleEvents(3, from: t0 + .hours(1)))
        var late = sampleEvents(3, from: t0 + .hours(2))
        late[2].time = t0
        #expect(throws: EventLogError.self) { try log.append(late) }
        try log.read { reader throws in
            #expect(reader.head.lastSeq == 3)
            #expect(try LogVerifier.verify(reader).eventCount == 3)
        }
    }

    @Test("the digest depends on the events, not on how they were batched", arguments: LogKind.allCases)
    func digestIndependentOfBatching(kind: LogKind) throws {
        let events = sampleEvents(50)
        let a = try kind.make(TemporaryDirectory()), b = try kind.make(TemporaryDirectory())
        try a.append(events)
        for chunk in stride(from: 0, to: 50, by: 7) { try b.append(Array(events[chunk..<min(chunk + 7, 50)])) }
        let digestA = try a.read { $0.head.digest }, digestB = try b.read { $0.head.digest }
        #expect(digestA == digestB)
        #expect(digestA != .genesis)
        let c = try kind.make(TemporaryDirectory())
        var other = events
        other[25].actor = .admin
        try c.append(other)
        #expect(try c.read { $0.head.digest } != digestA)
    }

    @Test("both implementations produce the same digest")
    func sameDigestAcrossImplementations() throws {
        let dir = TemporaryDirectory()
        let events = sampleEvents(100)
        let digests = try LogKind.allCases.map { kind -> Digest in
            let log = try kind.make(dir)
            try log.append(events)
            return try log.read { $0.head.digest }
        }
        #expect(digests[0] == digests[1])
    }

    @Test("as-of lookups by time, offset and seq", arguments: LogKind.allCases)
    func asOf(kind: LogKind) throws {
        let dir = TemporaryDirectory()
        let log = try kind.make(dir)
        // two events per second: 0,0,1,1,2,2,...
        let events = (0..<20).map { i in NewEvent(time: t0 + .seconds(Int64(i / 2)), actor: .system, body: .idPSync(IdPSync(phase: .started, cycle: Int64(i)))) }
        try log.append(events)
        try log.read { reader throws in
            #expect(try reader.lastSeq(atOrBefore: t0 - .seconds(1)) == 0)
            #expect(try reader.lastSeq(atOrBefore: t0) == 2)
            #expect(try reader.lastSeq(atOrBefore: t0 + Duration_ms(1500)) == 4)
            #expect(try reader.lastSeq(atOrBefore: t0 + .days(1)) == 20)
            #expect(try reader.lastSeq(asOf: .offset(.seconds(3))) == 8)
            #expect(try reader.lastSeq(asOf: .seq(7)) == 7)
            #expect(try reader.lastSeq(asOf: .seq(700)) == 20)
            #expect(try reader.firstSeq(from: .instant(t0 + .seconds(3))) == 7)
            #expect(try reader.firstSeq(from: .offset(.seconds(30))) == 21)
        }
    }

    @Test("the sparse LMDB time and entity indexes answer exactly as the in-memory log, across batches and equal times")
    func sparseIndexesAgree() throws {
        let dir = TemporaryDirectory()
        let memory = try LogKind.inMemory.make(dir), disk = try LogKind.lmdb.make(dir)
        // 3,000 events in uneven batches; times repeat in runs (several events per millisecond-instant).
        let events = (0..<3_000).map { i in
            NewEvent(time: t0 + .seconds(Int64(i / 7)), actor: .scim,
                     body: .patchUser(PatchUser(userId: "u-\(i % 13)", operations: [PatchOperation(op: .replace, path: "title", value: "t")])))
        }
        var start = 0
        for size in [1, 63, 64, 65, 500, 1_307, 1_000] where start < events.count {
            let batch = Array(events[start..<min(start + size, events.count)])
            _ = try memory.append(batch); _ = try disk.append(batch)
            start += size
        }
        for probe in stride(from: -2, through: 3_000 / 7 + 2, by: 1) {
            let t = t0 + .seconds(Int64(probe)) + Duration_ms(probe % 3 == 0 ? 0 : 500)
            let a = try memory.read { try $0.lastSeq(atOrBefore: t) }, b = try disk.read { try $0.lastSeq(atOrBefore: t) }
            #expect(a == b, "at \(t)")
        }
        for u in 0..<13 {
            let a = try memory.read { try $0.seqs(touching: .user("u-\(u)")) }, b = try disk.read { try $0.seqs(touching: .user("u-\(u)")) }
            #expect(a == b && a.count >= 230)
        }
    }

    /// The LMDB entity index is kept in buckets of 65,536 seqs; a batch may straddle a bucket's end.
    @Test("the entity index finds an entity's events across its buckets, in seq order")
    func entityIndexAcrossBuckets() throws {
        let dir = TemporaryDirectory()
        let memory = try LogKind.inMemory.make(dir), disk = try LogKind.lmdb.make(dir)
        for batch in 0..<3 {
            let events = sampleEvents(50_000, from: t0 + .days(Int64(batch)), users: 7 + batch)
            _ = try memory.append(events); _ = try disk.append(events)
        }
        for u in 0..<9 {
            let a = try memory.read { try $0.seqs(touching: .user("u-\(u)")) }, b = try disk.read { try $0.seqs(touching: .user("u-\(u)")) }
            #expect(a == b && a.count > 5_000 && a.last! > 131_072, "u-\(u): \(a.count) / \(b.count)")
        }
    }

    @Test("entity indexes find every event about a user, group, account or permission set", arguments: LogKind.allCases)
    func entityIndex(kind: LogKind) throws {
        let dir = TemporaryDirectory()
        let log = try kind.make(dir)
        try log.append(sampleEvents(12, users: 3))
        try log.append([NewEvent(time: t0 + .hours(1), actor: .scim, body: .patchGroup(PatchGroup(groupId: "g-1", membersAdded: ["u-1", "u-2"], membersRemoved: ["u-1"])))])
        try log.append([NewEvent(time: t0 + .hours(2), actor: .admin, body: .createAccountAssignment(AccountAssignmentRequest(
            requestId: "r", accountId: "123456789012", permissionSetId: "ps-1", principalType: .USER, principalId: "u-1")))])
        try log.read { reader throws in
            #expect(try reader.seqs(touching: .user("u-1")) == [2, 5, 8, 11, 13, 14])
            #expect(try reader.seqs(touching: .group("g-1")) == [13])
            #expect(try reader.seqs(touching: .account("123456789012")) == [14])
            #expect(try reader.seqs(touching: .permissionSet("ps-1")) == [14])
            #expect(try reader.seqs(touching: .user("u-")) == [])
            #expect(try reader.seqs(touching: .user("nobody")) == [])
        }
    }

    @Test("a reader keeps seeing its prefix while 100,000 events are appended", arguments: LogKind.allCases)
    func snapshotIsolation(kind: LogKind) throws {
        let dir = TemporaryDirectory()
        let log = try kind.make(dir)
        try log.append(sampleEvents(10))
        try log.read { reader throws in
            let before = reader.head
            let last = try reader.event(10)
            for batch in 0..<100 {
                try log.append(sampleEvents(1000, from: t0 + .days(1) + .seconds(Int64(batch * 1000))))
            }
            #expect(reader.head == before)
            #expect(try reader.event(10) == last)
            #expect(try reader.events(in: 1...200_000).count == 10)
            #expect(try reader.lastSeq(atOrBefore: t0 + .days(365)) == 10)
            #expect(try reader.seqs(touching: .user("u-0")) == [1, 6])
            #expect(try LogVerifier.verify(reader).eventCount == 10)
        }
        try log.read { reader throws in
            #expect(reader.head.lastSeq == 100_010)
            #expect(try LogVerifier.verify(reader).eventCount == 100_010)
        }
    }

    @Test("metadata records scenario and seed", arguments: LogKind.allCases)
    func metadata(kind: LogKind) throws {
        let dir = TemporaryDirectory()
        let log = try kind.make(dir)
        try log.setMetadata(LogMetadata(scenario: "tiny", seed: 42))
        #expect(try log.read { $0.metadata } == LogMetadata(scenario: "tiny", seed: 42))
        // Parameter names and values read back as written, whatever characters a scenario put in them.
        let odd = LogMetadata(scenario: "tiny", seed: 1, parameters: ["team_accounts.a=b": "1,2", "x": "", "100%3D": "line\nbreak %25 =", "signin_cache_ms": "3600000"])
        try log.setMetadata(odd)
        #expect(try log.read { $0.metadata } == odd)
    }

    @Test("asking for an event past the end is an error, not a trap", arguments: LogKind.allCases)
    func unknownSeq(kind: LogKind) throws {
        let dir = TemporaryDirectory()
        let log = try kind.make(dir)
        try log.append(sampleEvents(2))
        try log.read { reader throws in
            #expect(throws: EventLogError.self) { try reader.event(0) }
            #expect(throws: EventLogError.self) { try reader.event(3) }
        }
    }
}

@Suite("Verify")
struct VerifyTests {
    @Test("verify names the seq of a flipped byte (in memory)")
    func flippedByteInMemory() throws {
        let log = InMemoryEventLog()
        try log.append(sampleEvents(40))
        log.corruptByte(seq: 17, at: 5)
        let error = try #require(throws: EventLogError.self) { try log.read { try LogVerifier.verify($0) } }
        #expect(error.corruptSeq == 17)
    }
}
