import AccessLabEvents

/// What the fold concludes once the whole log is read: the figures (which need every credential and the
/// organization as it ends) and the end-of-log invariants.
extension CheckFold {
    /// How many examples a note lists before it only counts.
    static let examplesInNote = 5

    mutating func finish() -> CheckResult {
        checkDirectory()
        return CheckResult(leavers: leaverFigures(), joiners: joiners.figures(), movers: moverFigures(),
                           invariantViolations: violations.messages, notes: notes(), eventsChecked: eventsChecked)
    }

    // MARK: Leavers

    func leaverFigures() -> [LeaverFigure] {
        terminations.sorted { ($0.at_ms, $0.user, $0.seq) < ($1.at_ms, $1.user, $1.seq) }.map { leaver in
            let terminated = leaver.at_ms
            let working = ledger.workingCredentials(of: leaver.user, organization: organization)
            let persistingEnd = working.map(\.end_ms).reduce(terminated, max)
            let benignEnd = working.filter { $0.credential.seq < leaver.seq }.map(\.end_ms).reduce(terminated, max)
            var censoredPersisting = false
            if context.leaversPersist {
                let stillAllowed = identityCenter.isActive(leaver.user) && !identityCenter.entitlements(of: leaver.user).isEmpty
                censoredPersisting = persistingEnd > context.end_ms || stillAllowed
            }
            return LeaverFigure(user: leaver.user, terminatedAt_ms: terminated,
                                persisting_ms: context.leaversPersist ? persistingEnd - terminated : nil,
                                benign_ms: benignEnd - terminated,
                                censoredPersisting: censoredPersisting, censoredBenign: benignEnd > context.end_ms)
        }
    }

    // MARK: Movers

    func moverFigures() -> [MoverFigure] {
        movers.records.sorted { ($0.movedAt_ms, $0.user, $0.seq) < ($1.movedAt_ms, $1.user, $1.seq) }.map { r in
            if let termination = r.terminationSeq, termination < (r.leftOldGroupSeq ?? UInt64.max) {
                return MoverFigure(user: r.user, movedAt_ms: r.movedAt_ms, outcome: MoverFigure.left, latency_ms: nil)
            }
            // Censored when the old group never went while the move was watched (a move back later is a new move).
            if r.fromTeam != nil, r.leftOldGroupSeq == nil {
                return MoverFigure(user: r.user, movedAt_ms: r.movedAt_ms, outcome: MoverFigure.censored, latency_ms: nil)
            }
            return MoverFigure(user: r.user, movedAt_ms: r.movedAt_ms, outcome: MoverFigure.measured, latency_ms: latency(of: r))
        }
    }

    /// The last instant the mover could still use something held before the move, less the move's time.
    private func latency(of r: MoverWatch.Record) -> Int64? {
        let working = ledger.workingCredentials(of: r.user, organization: organization)
        var lastUse: Int64?
        for target in r.before {
            guard let removed = r.removedAt_ms[target] else { continue }
            var end = removed
            for (credential, credentialEnd) in working
            where credential.target == target && credential.issuedAt_ms <= removed && credentialEnd > r.movedAt_ms {
                end = max(end, credentialEnd)
            }
            lastUse = max(lastUse ?? end, end)
        }
        return lastUse.map { $0 - r.movedAt_ms }
    }

    // MARK: The IdP's directory

    /// Invariants 3 and 4: no directory change is dropped on its way, and every user the IdP holds reached Identity Center.
    private mutating func checkDirectory() {
        for change in directory.unapplied where directory.cycleShouldHaveCarried(change) {
            violations.add(seq: change.seq, user: change.user,
                           "IdP change \(change.change.rawValue) caused no event, though a sync cycle that started after it finished")
        }
        for (user, created) in directory.directoryUsers.sorted(by: { $0.key < $1.key })
        where !identityCenter.exists(user) && (created.initial || directory.wasApplied(created.seq)) {
            let how = created.initial ? "the run started with it" : "the creation was applied"
            violations.add(seq: created.seq, user: user, "the IdP's directory holds the user but Identity Center does not, though \(how)")
        }
    }

    private func notes() -> [String] {
        var notes: [String] = []
        let pending = directory.unapplied.filter { !directory.cycleShouldHaveCarried($0) }
        if !pending.isEmpty {
            let examples = pending.prefix(Self.examplesInNote).map { "seq \($0.seq) \($0.change.rawValue) \($0.user)" }
            notes.append("unapplied at end: \(pending.count) IdP directory changes caused no event yet (\(Self.listing(examples, of: pending.count)))")
        }
        let notCreated = directory.directoryUsers.sorted(by: { $0.key < $1.key })
            .filter { !identityCenter.exists($0.key) && !$0.value.initial && !directory.wasApplied($0.value.seq) }
        if !notCreated.isEmpty {
            let examples = notCreated.prefix(Self.examplesInNote).map { "\($0.key) (seq \($0.value.seq))" }
            notes.append("creation not yet applied: \(notCreated.count) users the IdP holds are not in Identity Center (\(Self.listing(examples, of: notCreated.count)))")
        }
        return notes
    }

    private static func listing(_ examples: [String], of total: Int) -> String {
        examples.joined(separator: ", ") + (total > examples.count ? ", ..." : "")
    }
}
