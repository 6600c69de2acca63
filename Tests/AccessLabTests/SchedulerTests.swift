@testable import AccessLabEvents
@testable import AccessLabSimulation
import PropertyBased
import Testing

@Suite("Scheduler and random streams")
struct SchedulerTests {
    @Test("tasks run in time order, and equal times in the order scheduled")
    func ordering() throws {
        var scheduler = Scheduler<String>(start: t0)
        try scheduler.schedule("c", at: t0 + .minutes(5))
        try scheduler.schedule("a", at: t0 + .minutes(1))
        try scheduler.schedule("b1", at: t0 + .minutes(3))
        try scheduler.schedule("b2", at: t0 + .minutes(3))
        try scheduler.schedule("b3", at: t0 + .minutes(3))
        var ran: [String] = []
        while let (time, task) = scheduler.popNext(until: t0 + .hours(1)) {
            #expect(scheduler.now == time)
            ran.append(task)
        }
        #expect(ran == ["a", "b1", "b2", "b3", "c"])
        #expect(scheduler.now == t0 + .minutes(5))
    }

    @Test("a task scheduled in the past runs now; the clock never goes back")
    func noTimeTravel() throws {
        var scheduler = Scheduler<Int>(start: t0 + .hours(2))
        try scheduler.schedule(1, at: t0)
        #expect(scheduler.popNext(until: t0 + .hours(3))?.time == t0 + .hours(2))
        scheduler.advance(to: t0)
        #expect(scheduler.now == t0 + .hours(2))
    }

    @Test("tasks past the limit stay queued")
    func limit() throws {
        var scheduler = Scheduler<Int>(start: t0)
        try scheduler.schedule(1, after: .hours(1))
        try scheduler.schedule(2, after: .hours(3))
        #expect(scheduler.popNext(until: t0 + .hours(2))?.task == 1)
        #expect(scheduler.popNext(until: t0 + .hours(2)) == nil)
        #expect(scheduler.pendingCount == 1)
        #expect(scheduler.nextTime == t0 + .hours(3))
    }

    @Test("the queue is bounded")
    func bounded() throws {
        var scheduler = Scheduler<Int>(start: t0, capacity: 2)
        try scheduler.schedule(1, at: t0)
        try scheduler.schedule(2, at: t0)
        #expect(throws: SchedulerError.self) { try scheduler.schedule(3, at: t0) }
    }

    @Test("xoshiro256** matches its reference output for a SplitMix64-expanded seed")
    func referenceValues() {
        // SplitMix64 from state 0 gives these first outputs (Vigna's reference implementation).
        var mix = SplitMix64(state: 0)
        #expect(mix.next() == 0xe220_a839_7b1d_cdaf)
        #expect(mix.next() == 0x6e78_9e6a_a1b9_65f4)
        var a = Xoshiro256StarStar(seed: 42), b = Xoshiro256StarStar(seed: 42), c = Xoshiro256StarStar(seed: 43)
        let drawsA = (0..<8).map { _ in a.next() }
        #expect(drawsA == (0..<8).map { _ in b.next() })
        #expect(drawsA != (0..<8).map { _ in c.next() })
    }

    @Test("an actor's stream does not depend on which other actors exist")
    func independentStreams() async {
        await propertyCheck(count: 50, input: Gen.uint64(in: 0 ... .max), Gen.int(in: 0...500)) { seed, n in
            let streams = RandomStreams(seed: seed)
            var direct = streams.stream(for: "user/u-\(n)")
            // Draw from many other actors first: it must not matter.
            for other in 0..<20 { var s = streams.stream(for: "user/u-\(other + 1000)"); _ = s.next() }
            var again = streams.stream(for: "user/u-\(n)")
            #expect(direct.next() == again.next())
            var neighbour = streams.stream(for: "user/u-\(n + 1)")
            var mine = streams.stream(for: "user/u-\(n)")
            #expect(mine.next() != neighbour.next())
        }
    }

    @Test("unit draws are in [0, 1) and roughly uniform")
    func unitDraws() {
        var g = Xoshiro256StarStar(seed: 7)
        var buckets = [Int](repeating: 0, count: 10)
        for _ in 0..<100_000 {
            let u = g.nextUnit()
            #expect(u >= 0 && u < 1)
            buckets[Int(u * 10)] += 1
        }
        #expect(buckets.allSatisfy { (9_500...10_500).contains($0) })
    }

    @Test("the daily plan's id order is the sorted set of ids, whatever the inserts and removals in between")
    func idOrderIsSorted() async {
        await propertyCheck(count: 200, input: Gen.uint64(in: 0 ... .max)) { seed in
            var rng = Xoshiro256StarStar(seed: seed)
            var order = IDOrder(), reference = Set<String>()
            for _ in 0..<300 {
                let id = "u\(rng.int(in: 0...80))-\(rng.int(in: 0...3))"
                switch rng.int(in: 0...9) {
                case 0...4: if reference.insert(id).inserted { order.insert(id) }
                case 5...7: if reference.remove(id) != nil { order.remove(id) }
                default: #expect(order.ascending() == reference.sorted())
                }
            }
            #expect(order.ascending() == reference.sorted())
        }
    }

    @Test("session and credential ids read as the decimal count after their letter")
    func counterIds() {
        for n in [0, 1, 9, 10, 99, 100, 12_345, 9_999_999, 10_000_000, 123_456_789_012, Int.max] {
            #expect(Counters.id("s", n) == "s\(n)")
            #expect(Counters.id("c", n) == "c\(n)")
        }
        var counters = Counters()
        counters.session = 41
        counters.credential = 7
        #expect(counters.sessionId == "s41" && counters.credentialId == "c7")
    }
}
