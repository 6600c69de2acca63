/// FNV-1a, 64-bit: a fixed, seedless string hash. Swift's `Hasher` is seeded per process, so anything
/// that must come out the same in every run (role suffixes, per-actor random streams) uses this instead.
public enum FNV1a {
    public static func hash64(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return hash
    }
}
