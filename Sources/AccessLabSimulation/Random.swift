import AccessLabEvents

/// The simulator's own seedable generator: xoshiro256** seeded through SplitMix64, because Swift's
/// `SystemRandomNumberGenerator` cannot be seeded. Same seed, same draws, in any process and build.
public struct Xoshiro256StarStar: RandomNumberGenerator, Sendable {
    private var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64

    public init(seed: UInt64) {
        var mix = SplitMix64(state: seed)
        s0 = mix.next(); s1 = mix.next(); s2 = mix.next(); s3 = mix.next()
    }

    public mutating func next() -> UInt64 {
        let result = rotl(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = rotl(s3, 45)
        return result
    }

    /// A uniform double in [0, 1) from the top 53 bits.
    public mutating func nextUnit() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    @inline(__always) private func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }
}

/// SplitMix64: used to expand one seed into generator state, and to derive per-actor seeds.
public struct SplitMix64: Sendable {
    public var state: UInt64
    public init(state: UInt64) { self.state = state }
    public mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}

/// Independent random streams per actor: the stream for (seed, actor id) depends on nothing else, so
/// adding a user or an account does not shift any other actor's draws.
public struct RandomStreams: Sendable {
    public let seed: UInt64
    public init(seed: UInt64) { self.seed = seed }

    /// The generator for one actor, e.g. `stream(for: "user/u-0042")` or `stream(for: "idp")`.
    public func stream(for actorId: String) -> Xoshiro256StarStar {
        // The id's hash mixed with the seed through SplitMix64, so nearby ids give unrelated streams.
        var mix = SplitMix64(state: seed ^ FNV1a.hash64(actorId))
        return Xoshiro256StarStar(seed: mix.next())
    }
}
