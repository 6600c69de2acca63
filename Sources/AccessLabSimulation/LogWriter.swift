import AccessLabEvents
import AccessLabLog
import AccessLabProjections
import Foundation

/// Appends the simulation's batches and snapshots to the log on a second thread, in the order they
/// were submitted, while the simulation computes the next batch. Encoding, the digest chain and the
/// LMDB writes (about 40% of a run's instructions) then overlap the model instead of following it.
/// The log receives exactly the calls a synchronous run makes, in the same order, so its bytes and
/// digest are the same; the simulation itself stays single-threaded and reads nothing back.
/// Snapshots are encoded here too, from a copy of the state (a value: the simulation's later changes
/// copy only the collections they touch, and leave this one as it was at the snapshot's `seq`).
///
/// At most `limit` pieces of work wait (one batch being written, one queued), so memory stays bounded
/// and the simulation never runs far ahead of the log. The first failure stops the writer: later work
/// is dropped and the error is thrown by the next `submit` or by `finish`.
final class LogWriter: @unchecked Sendable {
    enum Work {
        case append([NewEvent], expected: ClosedRange<UInt64>)
        case snapshot(AccessState)
    }

    static let limit = 2
    let limit: Int
    /// Serving: consecutive queued batches go to the log in one transaction (group commit), and
    /// requests wait for the batch holding their events.
    let merging: Bool

    // Everything below is guarded by `condition`, except `log`, which only the writer thread uses
    // between `init` and `finish` (the lock hands it over).
    private let log: any EventLog
    private let condition = NSCondition()
    private var queue: [Work] = []
    private var writing = false
    private var failure: (any Error)?
    private var closed = false
    private var thread: Thread?
    /// The last `seq` the log holds from this writer.
    private var writtenThrough: UInt64 = 0
    private var waiters: [(seq: UInt64, resume: @Sendable ((any Error)?) -> Void)] = []

    init(log: any EventLog, limit: Int = LogWriter.limit, merging: Bool = false) {
        self.log = log
        self.limit = limit
        self.merging = merging
        let thread = Thread { [self] in self.loop() }
        thread.name = "accesslab-log-writer"
        self.thread = thread
        thread.start()
    }

    /// Queues `work`, waiting while the queue is full; throws the writer's failure, if any.
    func submit(_ work: Work) throws {
        condition.lock()
        defer { condition.unlock() }
        while queue.count >= limit && failure == nil { condition.wait() }
        if let failure { throw failure }
        queue.append(work)
        condition.broadcast()
    }

    /// Waits until everything submitted is written, stops the thread, and throws the failure, if any.
    func finish() throws {
        condition.lock()
        closed = true
        condition.broadcast()
        while (!queue.isEmpty || writing) && failure == nil { condition.wait() }
        // After a failure the loop drops the rest; wait until it has left.
        while thread != nil { condition.wait() }
        let failure = self.failure
        condition.unlock()
        if let failure { throw failure }
    }

    private func loop() {
        condition.lock()
        while true {
            while queue.isEmpty && !closed { condition.wait() }
            if queue.isEmpty { break }
            var work = queue.removeFirst()
            if merging, case .append(var events, let expected) = work {
                var upper = expected.upperBound
                while case .append(let more, let next)? = queue.first, next.lowerBound == upper + 1 {
                    events += more
                    upper = next.upperBound
                    queue.removeFirst()
                }
                work = .append(events, expected: expected.lowerBound...upper)
            }
            writing = true
            condition.unlock()
            var error: (any Error)?
            do { try perform(work) } catch let e { error = e }
            condition.lock()
            writing = false
            if error == nil, case .append(_, let expected) = work { writtenThrough = expected.upperBound }
            resumeWaiters(error)
            condition.broadcast()
            if let error { failure = error; queue.removeAll(); break }
        }
        resumeWaiters(failure ?? SimulationError.sequenceMismatch)
        thread = nil
        condition.broadcast()
        condition.unlock()
    }

    /// Calls `resume` once the log holds every event through `seq` (or with the writer's failure).
    func whenWritten(through seq: UInt64, _ resume: @escaping @Sendable ((any Error)?) -> Void) {
        condition.lock()
        if writtenThrough >= seq || failure != nil || thread == nil {
            let error = writtenThrough >= seq ? nil : (failure ?? SimulationError.sequenceMismatch)
            condition.unlock()
            resume(error)
            return
        }
        waiters.append((seq, resume))
        condition.unlock()
    }

    /// With `condition` held.
    private func resumeWaiters(_ error: (any Error)?) {
        var still: [(seq: UInt64, resume: @Sendable ((any Error)?) -> Void)] = []
        for w in waiters {
            if w.seq <= writtenThrough { w.resume(nil) } else if let error { w.resume(error) } else { still.append(w) }
        }
        waiters = still
    }

    private func perform(_ work: Work) throws {
        switch work {
        case .append(let events, let expected):
            let written = try log.append(events)
            guard written == expected else { throw SimulationError.sequenceMismatch }
        case .snapshot(let state):
            try log.putSnapshot(try state.encodedSnapshot(), at: state.seq)
        }
    }
}
