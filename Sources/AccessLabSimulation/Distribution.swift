import AccessLabEvents
import Foundation

/// A delay distribution for a scenario parameter. Sampling uses only the simulator's own generator.
public enum Distribution: Sendable, Equatable, CustomStringConvertible {
    case fixed(Duration_ms)
    /// Uniform between the two bounds, inclusive of the lower.
    case uniform(Duration_ms, Duration_ms)
    /// Exponential with this mean.
    case exponential(mean: Duration_ms)
    /// Log-normal with this median and shape (sigma of the underlying normal).
    case lognormal(median: Duration_ms, sigma: Double)

    public func sample(_ rng: inout Xoshiro256StarStar) -> Duration_ms {
        switch self {
        case .fixed(let d):
            return d
        case .uniform(let lo, let hi):
            guard hi.ms > lo.ms else { return lo }
            return Duration_ms(lo.ms + Int64(rng.next() % UInt64(hi.ms - lo.ms)))
        case .exponential(let mean):
            let u = 1 - rng.nextUnit()
            return Duration_ms(Int64((-log(u) * Double(mean.ms)).rounded()))
        case .lognormal(let median, let sigma):
            let u1 = 1 - rng.nextUnit(), u2 = rng.nextUnit()
            let z = (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
            return Duration_ms(Int64((Double(median.ms) * exp(sigma * z)).rounded()))
        }
    }

    /// The largest value a sample can take, where bounded.
    public var upperBound: Duration_ms? {
        switch self {
        case .fixed(let d): d
        case .uniform(_, let hi): hi
        case .exponential, .lognormal: nil
        }
    }

    public var description: String {
        switch self {
        case .fixed(let d): "\(d)"
        case .uniform(let lo, let hi): "uniform \(lo)..\(hi)"
        case .exponential(let mean): "exponential mean \(mean)"
        case .lognormal(let median, let sigma): "lognormal median \(median) sigma \(sigma)"
        }
    }
}

extension Xoshiro256StarStar {
    /// A uniform integer in the range.
    public mutating func int(in range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(next() % UInt64(range.count))
    }

    /// A Poisson draw (Knuth's method; the means here are small).
    public mutating func poisson(mean: Double) -> Int {
        guard mean > 0 else { return 0 }
        let limit = exp(-min(mean, 700))
        var k = 0
        var p = 1.0
        repeat {
            k += 1
            p *= nextUnit()
        } while p > limit && k < 10_000
        return k - 1
    }
}
