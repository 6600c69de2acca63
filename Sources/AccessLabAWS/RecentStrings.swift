import Foundation

/// The strings a reader made lately, found again by their UTF-8 bytes. CloudTrail repeats most of its
/// strings from record to record (member names, sources, regions, ARNs, account ids): a repeat shares
/// the string already made instead of validating, allocating and later freeing a copy. A direct-mapped
/// cache of fixed size: a new string takes its slot from whatever was there.
struct RecentStrings {
    static let slotCount = 1 << 14
    /// Longer strings (policy documents) rarely repeat and are made fresh.
    static let longest = 128

    private var hashes = [UInt64](repeating: 0, count: slotCount)
    private var strings = [String](repeating: "", count: slotCount)

    /// The string with these bytes, if it is here.
    mutating func string(_ utf8: UnsafeBufferPointer<UInt8>, hash: UInt64) -> String? {
        guard utf8.count <= Self.longest else { return nil }
        let slot = Int(truncatingIfNeeded: hash >> 50)
        guard hashes[slot] == hash else { return nil }
        var known = strings[slot]
        let same = known.withUTF8 { mine in
            guard mine.count == utf8.count, let a = mine.baseAddress, let b = utf8.baseAddress else { return mine.count == utf8.count }
            return memcmp(a, b, utf8.count) == 0
        }
        return same ? known : nil
    }

    /// A string of these (valid UTF-8) bytes, kept for the next time.
    mutating func add(_ utf8: UnsafeBufferPointer<UInt8>, hash: UInt64) -> String {
        let made = String(decoding: utf8, as: UTF8.self)
        guard utf8.count <= Self.longest else { return made }
        let slot = Int(truncatingIfNeeded: hash >> 50)
        hashes[slot] = hash
        strings[slot] = made
        return made
    }

    /// Eight bytes at a time, each word mixed in by a multiply (the constant is 2^64 over the golden ratio).
    static func hash(_ utf8: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h = UInt64(utf8.count) &* 0x9e37_79b9_7f4a_7c15
        guard let base = utf8.baseAddress else { return h | 1 }
        var tail: UInt64 = 0
        if utf8.count >= 8 {
            var i = 0
            while utf8.count - i > 8 {
                h = (h ^ UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)) &* 0x9e37_79b9_7f4a_7c15
                h ^= h >> 29
                i += 8
            }
            // The last eight bytes, overlapping what came before when the length is not a multiple of eight.
            tail = UnsafeRawPointer(base + utf8.count - 8).loadUnaligned(as: UInt64.self)
        } else {
            for k in 0..<utf8.count { tail = tail << 8 | UInt64(utf8[k]) }
        }
        h = (h ^ tail) &* 0x9e37_79b9_7f4a_7c15
        h ^= h >> 32
        // Zero marks an empty slot.
        return h | 1
    }
}
