extension RandomAccessCollection {
    /// The first index whose element is not `before`, in a collection where every element that is comes
    /// first (a binary search: sorted ids, times that never decrease, entries in `seq` order).
    @inlinable
    public func partitionPoint(where before: (Element) throws -> Bool) rethrows -> Index {
        var low = startIndex, n = count
        while n > 0 {
            let half = n / 2
            let mid = index(low, offsetBy: half)
            if try before(self[mid]) { low = index(after: mid); n -= half + 1 } else { n = half }
        }
        return low
    }
}
