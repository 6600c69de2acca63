import AccessLabEvents

/// Ids in ascending order for the daily plan, with insertions batched: appended unsorted and merged
/// in on the next read. Sorting 100,000 employed ids every working day cost scale-10k about 80 ms a
/// day; one insert at a time would cost a setup of 100,000 imported (unordered) ids as much again.
struct IDOrder {
    private var ids: [String] = []
    /// `ids[..<sortedCount]` is ascending; the rest was inserted since the last read.
    private var sortedCount = 0

    mutating func insert(_ id: String) { ids.append(id) }

    mutating func remove(_ id: String) {
        let low = ids[..<sortedCount].partitionPoint { $0 < id }
        if low < sortedCount, ids[low] == id {
            ids.remove(at: low)
            sortedCount -= 1
        } else if let i = ids[sortedCount...].firstIndex(of: id) {
            ids.remove(at: i)
        }
    }

    /// Every id, ascending.
    mutating func ascending() -> [String] {
        guard sortedCount < ids.count else { return ids }
        let added = ids[sortedCount...].sorted()
        var merged: [String] = []
        merged.reserveCapacity(ids.count)
        var i = 0, j = added.startIndex
        while i < sortedCount && j < added.endIndex {
            if added[j] < ids[i] { merged.append(added[j]); j += 1 } else { merged.append(ids[i]); i += 1 }
        }
        merged += ids[i..<sortedCount]
        merged += added[j...]
        ids = merged
        sortedCount = ids.count
        return ids
    }
}
