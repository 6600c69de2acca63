import AccessLabEvents
import Foundation

/// The `seq`s of one appended batch per entity and bucket, stored as one `by_entity` posting list each
/// (see `LMDBEventLog`). The log keeps one and reuses it, so its tables keep their capacity between batches.
struct EntityPostings {
    private struct List {
        /// bucket | kind | id | NUL: the key without its `seq`, built once per entity, bucket and batch;
        /// sorting these bytes orders the puts as LMDB orders the keys.
        var prefix: [UInt8]
        var hash: UInt64
        var seqs: [UInt64]
    }

    private var lists: [List] = []
    /// Open addressing over `lists` (index + 1; 0 is empty), a power of two at most half full. Keyed by
    /// FNV-1a of the key bytes: `Dictionary`'s seeded SipHash over `EntityRef` was most of the cost of posting.
    private var slots = [Int](repeating: 0, count: 1024)
    private var value = ByteWriter(capacity: 64)

    mutating func removeAll() {
        lists.removeAll(keepingCapacity: true)
        slots.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
    }

    /// Posts `seq` to `entity`'s list; an event naming an entity twice is posted once.
    mutating func post(_ entity: EntityRef, seq: UInt64) {
        var id = entity.id
        id.withUTF8 { post(kind: entity.kind.rawValue, id: $0, seq: seq) }
    }

    private mutating func post(kind: UInt8, id: UnsafeBufferPointer<UInt8>, seq: UInt64) {
        let bucket = EntityKey.bucket(of: seq)
        var hash = Self.fnvStep(0xcbf2_9ce4_8422_2325, kind)
        for byte in id { hash = Self.fnvStep(hash, byte) }
        hash = Self.fnvStep(hash, UInt8(truncatingIfNeeded: bucket))
        let mask = slots.count - 1
        var slot = Self.start(hash) & mask
        while slots[slot] != 0 {
            let i = slots[slot] - 1
            if lists[i].hash == hash && Self.matches(lists[i].prefix, bucket: bucket, kind: kind, id: id) {
                if lists[i].seqs.last != seq { lists[i].seqs.append(seq) }
                return
            }
            slot = (slot + 1) & mask
        }
        var seqs: [UInt64] = []
        seqs.reserveCapacity(16)  // about ten postings per list in the reference scenario: one allocation, not four
        seqs.append(seq)
        lists.append(List(prefix: EntityKey.prefix(bucket: bucket, kind: kind, id: id), hash: hash, seqs: seqs))
        slots[slot] = lists.count
        if lists.count * 2 > slots.count { grow() }
    }

    @inline(__always) private static func fnvStep(_ hash: UInt64, _ byte: UInt8) -> UInt64 {
        (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
    }

    /// FNV-1a's low bits mix poorly, so the high half is folded in before masking.
    @inline(__always) private static func start(_ hash: UInt64) -> Int { Int(truncatingIfNeeded: hash ^ (hash >> 32)) }

    private static func matches(_ prefix: [UInt8], bucket: UInt64, kind: UInt8, id: UnsafeBufferPointer<UInt8>) -> Bool {
        let b = EntityKey.bucketBytes
        guard prefix.count == b + id.count + 2, prefix[b] == kind else { return false }
        // memcmp: the generic `elementsEqual` was a third of the cost of posting.
        return prefix.withUnsafeBytes { p in
            guard UInt64(bigEndian: p.loadUnaligned(as: UInt64.self)) == bucket else { return false }
            guard let stored = p.baseAddress, let given = id.baseAddress else { return id.isEmpty }
            return memcmp(stored + b + 1, given, id.count) == 0
        }
    }

    /// Byte order, as LMDB compares keys.
    private static func precedes(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        a.withUnsafeBytes { x in
            b.withUnsafeBytes { y in
                if let p = x.baseAddress, let q = y.baseAddress {
                    let order = memcmp(p, q, min(x.count, y.count))
                    if order != 0 { return order < 0 }
                }
                return x.count < y.count
            }
        }
    }

    private mutating func grow() {
        slots = [Int](repeating: 0, count: slots.count * 2)
        let mask = slots.count - 1
        for i in lists.indices {
            var slot = Self.start(lists[i].hash) & mask
            while slots[slot] != 0 { slot = (slot + 1) & mask }
            slots[slot] = i + 1
        }
    }

    /// Hands each list to `put` in key order: key bucket | kind | id | NUL | first `seq` (big-endian), value the
    /// count then the deltas between successive `seq`s, as varints. The buffers are valid only during the call.
    /// Ends the batch: the lists are sorted in place (the table no longer finds them), then cleared.
    mutating func write(_ put: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) throws -> Void) throws {
        lists.sort { Self.precedes($0.prefix, $1.prefix) }
        defer { removeAll() }
        var key: [UInt8] = []
        for list in lists {
            guard let first = list.seqs.first else { continue }
            key.removeAll(keepingCapacity: true)
            key.append(contentsOf: list.prefix)
            withUnsafeBytes(of: first.bigEndian) { key.append(contentsOf: $0) }
            value.bytes.removeAll(keepingCapacity: true)
            value.varint(UInt64(list.seqs.count))
            var previous = first
            for seq in list.seqs.dropFirst() { value.varint(seq - previous); previous = seq }
            try key.withUnsafeBytes { k in try value.bytes.withUnsafeBytes { v in try put(k, v) } }
        }
    }
}
