/// Each transfer, watched for when the mover stops being entitled to what they held before it, when they
/// leave the old team's group, and whether they are terminated first. A record stays open until the mover
/// is terminated, or has left the old group and moved again: a later move does not close an earlier one
/// whose old group is still there, and what the next move takes away is not charged to the one before.
/// While open, a target the mover is entitled to again is not removed (it came back through the new team).
struct MoverWatch {
    struct Record {
        var seq: UInt64
        var user: String
        var movedAt_ms: Int64
        /// The old team, as the transfer names it (nil when it names none).
        var fromTeam: String?
        /// The group the IdP took the mover out of for this move (the removal the transfer caused); nil until then.
        var oldGroup: String?
        /// What the mover was entitled to just before the transfer, sorted.
        var before: [Target]
        var removedAt_ms: [Target: Int64] = [:]
        /// The first event after the transfer that took the mover out of the old group.
        var leftOldGroupSeq: UInt64?
        /// The mover's first termination after the transfer.
        var terminationSeq: UInt64?
    }

    private(set) var records: [Record] = []
    private var byUser: [String: [Int]] = [:]
    private var awaitingOldGroup: [UInt64: Int] = [:]

    var isWatchingAnyone: Bool { !byUser.isEmpty }
    func isWatching(_ user: String) -> Bool { byUser[user] != nil }

    mutating func moved(_ user: String, fromTeam: String?, at t: Int64, seq: UInt64, identityCenter: IdentityCenterMirror) {
        byUser[user] = byUser[user]?.filter { records[$0].leftOldGroupSeq == nil }
        if fromTeam != nil { awaitingOldGroup[seq] = records.count }
        records.append(Record(seq: seq, user: user, movedAt_ms: t, fromTeam: fromTeam, oldGroup: nil,
                              before: identityCenter.entitlements(of: user).sorted()))
        byUser[user, default: []].append(records.count - 1)
    }

    /// Marks, at `t`, every target the user held before a move and is no longer entitled to.
    mutating func observe(_ user: String, at t: Int64, seq: UInt64, identityCenter: IdentityCenterMirror) {
        guard let open = byUser[user] else { return }
        for i in open {
            // Not in the old group at all (a membership that never reached Identity Center): nothing to wait for.
            if records[i].leftOldGroupSeq == nil, let group = records[i].oldGroup, !identityCenter.isMember(user, of: group) {
                records[i].leftOldGroupSeq = seq
            }
            for target in records[i].before {
                let entitled = identityCenter.isEntitled(user, to: target)
                if !entitled, records[i].removedAt_ms[target] == nil { records[i].removedAt_ms[target] = t }
                if entitled { records[i].removedAt_ms[target] = nil }
            }
        }
        if let latest = open.last { byUser[user] = open.filter { $0 == latest || records[$0].leftOldGroupSeq == nil } }
    }

    /// The IdP removed a user from `group` because of the event `cause`: if that was a watched transfer, it is the old group.
    mutating func idpRemoved(from group: String, cause: UInt64) {
        if let i = awaitingOldGroup.removeValue(forKey: cause) { records[i].oldGroup = group }
    }

    mutating func leftGroup(_ user: String, group: String, seq: UInt64) {
        for i in byUser[user] ?? [] where records[i].oldGroup == group && records[i].leftOldGroupSeq == nil {
            records[i].leftOldGroupSeq = seq
        }
    }

    mutating func terminated(_ user: String, seq: UInt64) {
        for i in byUser[user] ?? [] where records[i].terminationSeq == nil { records[i].terminationSeq = seq }
        byUser[user] = nil
    }
}
