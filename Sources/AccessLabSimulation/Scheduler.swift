import AccessLabEvents
import HeapModule

/// Virtual-time scheduler in the manner of swift-nio's `EmbeddedEventLoop`: tasks wait in a priority
/// queue ordered by (ready time, insertion order), so tasks due at the same moment run in the order they
/// were scheduled. Synchronous and single-threaded; not thread-safe, by design.
public struct Scheduler<Task> {
    /// The current virtual time: the ready time of the task being run, or the start before any ran.
    public private(set) var now: Instant
    /// The heap orders small entries; the tasks wait in `slots`, reused through `freeSlots`. With the
    /// task inline an entry was three times larger, and every sift moved it (a tenth of a 100,000-user run).
    private var queue = Heap<Entry>()
    private var slots: [Task?] = []
    private var freeSlots: [UInt32] = []
    private var insertions: UInt64 = 0
    /// The most tasks the queue may hold; scheduling past it is an error, not unbounded growth.
    public let capacity: Int

    struct Entry: Comparable {
        let time: Instant
        let order: UInt64
        let slot: UInt32
        static func < (a: Entry, b: Entry) -> Bool { (a.time, a.order) < (b.time, b.order) }
        static func == (a: Entry, b: Entry) -> Bool { a.time == b.time && a.order == b.order }
    }

    public init(start: Instant, capacity: Int = 50_000_000) {
        now = start
        self.capacity = min(capacity, Int(UInt32.max))
    }

    public var pendingCount: Int { queue.count }
    /// When the next task is due, if any.
    public var nextTime: Instant? { queue.min?.time }

    /// Schedules `task` at `time`; a time in the past runs at `now` (virtual time never goes back).
    public mutating func schedule(_ task: Task, at time: Instant) throws(SchedulerError) {
        guard queue.count < capacity else { throw SchedulerError(kind: .queueFull(capacity: capacity)) }
        let slot: UInt32
        if let reused = freeSlots.popLast() {
            slot = reused
            slots[Int(slot)] = task
        } else {
            slot = UInt32(slots.count)
            slots.append(task)
        }
        queue.insert(Entry(time: max(time, now), order: insertions, slot: slot))
        insertions += 1
    }

    public mutating func schedule(_ task: Task, after delay: Duration_ms) throws(SchedulerError) {
        try schedule(task, at: now + delay)
    }

    /// Removes and returns the next task due at or before `limit`, advancing `now` to its time.
    public mutating func popNext(until limit: Instant) -> (time: Instant, task: Task)? {
        guard let next = queue.min, next.time <= limit else { return nil }
        _ = queue.removeMin()
        now = next.time
        let slot = Int(next.slot)
        // Every entry's slot holds its task until the entry is popped, once.
        guard let task = slots[slot].take() else { return nil }
        freeSlots.append(next.slot)
        return (next.time, task)
    }

    /// Moves the clock forward with nothing to run (never backwards).
    public mutating func advance(to time: Instant) { now = max(now, time) }
}

/// A scheduler limit was hit.
public struct SchedulerError: Error, Equatable, Sendable, CustomStringConvertible {
    enum Kind: Equatable, Sendable { case queueFull(capacity: Int) }
    let kind: Kind
    public var description: String {
        switch kind {
        case .queueFull(let capacity): "the scheduler's queue is full (\(capacity) pending tasks)"
        }
    }
}
