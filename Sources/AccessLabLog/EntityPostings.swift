import AccessLabEvents
import Foundation

/// The `seq`s of one appended batch per entity and bucket, stored as one `by_entity` posting list each
/// (see `LMDBEventLog`). The log keeps one and reuses it, so its tables keep their capacity between batches.
struct EntityPostings {
    private struct List {
        /// Where the list's key prefix lies in `keys`: bucket | kind | id | NUL, the key without its
        /// `seq`; sorting these bytes orders the puts as LMDB orders the keys.
        var keyStart: Int
        var keyCount: Int
        var hash: UInt64
        /// The list's first and last posting in `seqs` (chained through `next`).
        var first: Int
        var last: Int
        var count: Int
    }

    /// Every list's prefix, back to back, and every posting in one chain per list: a batch posts
    /// hundreds of thousands of seqs to tens of thousands of lists, and two arrays per list were most
    /// of the writer's allocations.
    private var lists: [List] = []
    private var keys: [UInt8] = []
    private var seqs: [UInt64] = []
    private var next: [Int] = []
    /// Open addressing over `lists` (index + 1; 0 is empty), a power of two at most half full. Keyed by
    /// FNV-1a of the key bytes: `Dictionary`'s seeded SipHash over `EntityRef` was most of the cost of posting.
    private var slots = [Int](repeating: 0, count: 1024)
    private struct SortKey {
        var high: UInt64
        var low: UInt64
        var list: Int
    }
    private var value = ByteWriter(capacity: 64)
    private var key: [UInt8] = []

    mutating func removeAll() {
        lists.removeAll(keepingCapacity: true)
        keys.removeAll(keepingCapacity: true)
        seqs.removeAll(keepingCapacity: true)
        next.removeAll(keepingCapacity: true)
        slots.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
    }

    /// Posts `seq` to `entity`'s list; an event naming an entity twice is posted once.
    mutating func post(_ kind: EntityRef.Kind, _ id: String, seq: UInt64) {
        id.withUTF8Bytes { post(kind: kind.rawValue, id: $0, seq: seq) }
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
            if lists[i].hash == hash && matches(lists[i], bucket: bucket, kind: kind, id: id) {
                let last = lists[i].last
                if seqs[last] != seq {
                    next[last] = seqs.count
                    lists[i].last = seqs.count
                    lists[i].count += 1
                    seqs.append(seq)
                    next.append(-1)
                }
                return
            }
            slot = (slot + 1) & mask
        }
        let keyStart = keys.count
        EntityKey.appendPrefix(bucket: bucket, kind: kind, id: id, to: &keys)
        lists.append(List(keyStart: keyStart, keyCount: keys.count - keyStart, hash: hash, first: seqs.count, last: seqs.count, count: 1))
        seqs.append(seq)
        next.append(-1)
        slots[slot] = lists.count
        if lists.count * 2 > slots.count { grow() }
    }

    @inline(__always) private static func fnvStep(_ hash: UInt64, _ byte: UInt8) -> UInt64 {
        (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
    }

    /// FNV-1a's low bits mix poorly, so the high half is folded in before masking.
    @inline(__always) private static func start(_ hash: UInt64) -> Int { Int(truncatingIfNeeded: hash ^ (hash >> 32)) }

    private func matches(_ list: List, bucket: UInt64, kind: UInt8, id: UnsafeBufferPointer<UInt8>) -> Bool {
        let b = EntityKey.bucketBytes
        guard list.keyCount == b + id.count + 2 else { return false }
        return keys.withUnsafeBytes { all in
            let p = all.baseAddress! + list.keyStart
            guard p.load(fromByteOffset: b, as: UInt8.self) == kind,
                  UInt64(bigEndian: p.loadUnaligned(as: UInt64.self)) == bucket else { return false }
            guard let given = id.baseAddress else { return id.isEmpty }
            return memcmp(p + b + 1, given, id.count) == 0
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
    /// Ends the batch: the lists are cleared.
    mutating func write(_ put: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) throws -> Void) throws {
        defer { removeAll() }
        // Byte order of the prefixes, as LMDB compares keys (no two lists share a prefix). Their first 16
        // bytes, zero-padded, compared as two big-endian integers decide almost every pair (bucket, kind and
        // the id's first 7 bytes); the bytes are compared only on a tie.
        let lists = self.lists
        var order: [SortKey] = []
        order.reserveCapacity(lists.count)
        keys.withUnsafeBytes { all in
            for (i, list) in lists.enumerated() {
                var head: (UInt64, UInt64) = (0, 0)
                withUnsafeMutableBytes(of: &head) { $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: all[list.keyStart..<list.keyStart + min(list.keyCount, 16)])) }
                order.append(SortKey(high: UInt64(bigEndian: head.0), low: UInt64(bigEndian: head.1), list: i))
            }
        }
        keys.withUnsafeBytes { all in
            let base = all.baseAddress!
            order.sort { a, b in
                if a.high != b.high { return a.high < b.high }
                if a.low != b.low { return a.low < b.low }
                let x = lists[a.list], y = lists[b.list]
                let bytes = memcmp(base + x.keyStart, base + y.keyStart, min(x.keyCount, y.keyCount))
                return bytes != 0 ? bytes < 0 : x.keyCount < y.keyCount
            }
        }
        for sorted in order {
            let i = sorted.list
            let list = lists[i]
            let first = seqs[list.first]
            key.removeAll(keepingCapacity: true)
            key.append(contentsOf: keys[list.keyStart..<list.keyStart + list.keyCount])
            withUnsafeBytes(of: first.bigEndian) { key.append(contentsOf: $0) }
            value.bytes.removeAll(keepingCapacity: true)
            value.varint(UInt64(list.count))
            var previous = first
            var at = next[list.first]
            while at >= 0 {
                value.varint(seqs[at] - previous)
                previous = seqs[at]
                at = next[at]
            }
            try key.withUnsafeBytes { k in try value.bytes.withUnsafeBytes { v in try put(k, v) } }
        }
    }
}
