import AccessLabEvents

/// The IdP's directory changes and what became of them: which caused a later event, which sync cycles
/// completed, and which users the IdP's directory holds.
struct DirectoryChanges {
    struct Change {
        var seq: UInt64
        var change: IdPDirectoryChange.Change
        var user: String
        /// Logged at or before the run's start: the directory the run begins with, which setup loads
        /// into Identity Center in bulk rather than change by change.
        var initial: Bool
    }

    /// In log order, so in `seq` order.
    private(set) var changes: [Change] = []
    /// The changes some later event names as its cause (only these: a year of the scale scenario names
    /// tens of millions of other causes).
    private var caused: Set<UInt64> = []
    /// Users the IdP's directory holds, with the change that created each.
    private(set) var directoryUsers: [String: Change] = [:]
    private var cycleStartSeq: [Int64: UInt64] = [:]
    /// The latest start of a sync cycle that finished: every user change logged before it should have been carried.
    private(set) var lastCompletedCycleStartSeq: UInt64 = 0

    mutating func noteCause(_ cause: UInt64?) {
        guard let cause, isChange(cause) else { return }
        caused.insert(cause)
    }

    private func isChange(_ seq: UInt64) -> Bool {
        let i = changes.partitionPoint { $0.seq < seq }
        return i < changes.count && changes[i].seq == seq
    }

    mutating func recorded(_ c: IdPDirectoryChange, seq: UInt64, initial: Bool) {
        changes.append(Change(seq: seq, change: c.change, user: c.userId, initial: initial))
        switch c.change {
        case .userCreated: directoryUsers[c.userId] = changes.last
        case .userDeleted: directoryUsers[c.userId] = nil
        default: break
        }
    }

    mutating func sync(_ s: IdPSync, seq: UInt64) {
        switch s.phase {
        case .started: cycleStartSeq[s.cycle] = seq
        case .finished:
            if let start = cycleStartSeq.removeValue(forKey: s.cycle) {
                lastCompletedCycleStartSeq = max(lastCompletedCycleStartSeq, start)
            }
        }
    }

    func wasApplied(_ seq: UInt64) -> Bool { caused.contains(seq) }

    /// Changes after the start that no event names as its cause, in log order.
    var unapplied: [Change] { changes.filter { !$0.initial && !caused.contains($0.seq) } }


    /// Whether a completed cycle should have carried the change. Group changes are left out: an IdP that
    /// does not sync groups, or sends them on demand, routes them outside its cycles.
    func cycleShouldHaveCarried(_ c: Change) -> Bool {
        switch c.change {
        case .groupMemberAdded, .groupMemberRemoved: false
        default: c.seq < lastCompletedCycleStartSeq
        }
    }
}
