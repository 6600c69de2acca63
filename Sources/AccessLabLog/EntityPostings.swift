import AccessLabEvents

/// The `seq`s of one appended batch per entity, stored as one `by_entity` posting list each (see
/// `LMDBEventLog`). The log keeps one and reuses it, so its tables keep their capacity between batches.
struct EntityPostings {
    /// Where each entity's list is in `lists`.
    private var slots: [EntityRef: Int] = [:]
    private var lists: [List] = []
    private var value = ByteWriter(capacity: 64)

    private struct List {
        /// kind | id | NUL: the key without its `seq`, built once per entity and batch; sorting these
        /// bytes orders the puts as LMDB orders the keys.
        var prefix: [UInt8]
        var seqs: [UInt64]
    }

    mutating func removeAll() {
        slots.removeAll(keepingCapacity: true)
        lists.removeAll(keepingCapacity: true)
    }

    /// Posts `seq` to `entity`'s list; an event naming an entity twice is posted once.
    mutating func post(_ entity: EntityRef, seq: UInt64) {
        let fresh = lists.count
        // One hash lookup per posting: the default inserts the slot when the entity is new.
        let slot = Self.claim(&slots[entity, default: -1], fresh: fresh)
        if slot == fresh {
            lists.append(List(prefix: EntityKey.prefix(entity), seqs: [seq]))
        } else if lists[slot].seqs.last != seq {
            lists[slot].seqs.append(seq)
        }
    }

    private static func claim(_ slot: inout Int, fresh: Int) -> Int {
        if slot < 0 { slot = fresh }
        return slot
    }

    /// Hands each list to `put` in key order: key kind | id | NUL | first `seq` (big-endian), value the
    /// count then the deltas between successive `seq`s, as varints. The buffers are valid only during the call.
    mutating func write(_ put: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) throws -> Void) throws {
        let order = lists.indices.sorted { lists[$0].prefix.lexicographicallyPrecedes(lists[$1].prefix) }
        var key: [UInt8] = []
        for i in order {
            let list = lists[i]
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
