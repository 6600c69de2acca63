import AccessLabEvents
import AccessLabProjections

/// What HR does: hire, transfer, terminate. Random choices are made when the action runs.
enum HRAction {
    case hire(team: String?)
    case transfer(userId: String?, toTeam: String?)
    case terminate(userId: String?)
    case scripted(ScriptedHREvent.Kind)
}

extension Simulation {
    static let hrActor = "hr"

    /// Draws the day's joiners, movers and leavers (Poisson per working day) at times within working hours.
    func planChurn(_ day: Int64) throws {
        let churn = scenario.churn
        let perWeek = Double(max(scenario.calendar.workingDays.count, 1))
        let hours = scenario.calendar.workingHours
        let kinds: [(Double, HRAction)] = [(churn.joinersPerWeek, .hire(team: nil)),
                                           (churn.moversPerWeek, .transfer(userId: nil, toTeam: nil)),
                                           (churn.leaversPerWeek, .terminate(userId: nil))]
        for (rate, action) in kinds where rate > 0 {
            let times = withRNG(Self.hrActor) { rng -> [Int] in
                let n = rng.poisson(mean: rate / perWeek)
                return (0..<n).map { _ in rng.int(in: hours.lowerBound...max(hours.lowerBound, hours.upperBound - 1)) }.sorted()
            }
            for minute in times { try schedule(.hr(action), at: scenario.calendar.instant(day: day, minutes: minute)) }
        }
    }

    func performHR(_ action: HRAction) throws {
        switch action {
        case .hire(let team): try hire(team: team)
        case .transfer(let userId, let toTeam): try transfer(userId: userId, toTeam: toTeam)
        case .terminate(let userId): try terminate(userId: userId)
        case .scripted(.hire(let count, let team)):
            for _ in 0..<count { try hire(team: team) }
        case .scripted(.transfer(let userId, let toTeam)): try transfer(userId: userId, toTeam: toTeam)
        case .scripted(.terminate(let userId)): try terminate(userId: userId)
        }
    }

    private func hire(team name: String?) throws {
        let teams = scenario.teams
        guard !teams.isEmpty else { return }
        let team: TeamSpec
        if let name, let t = teams.first(where: { $0.name == name }) {
            team = t
        } else {
            let total = teams.reduce(0) { $0 + max($1.size, 1) }
            var pick = withRNG(Self.hrActor) { $0.int(in: 0...max(total - 1, 0)) }
            team = teams.first { t in pick -= max(t.size, 1); return pick < 0 } ?? teams[teams.count - 1]
        }
        let person = newPerson(team: team)
        let seq = emit(.hr, .hrHire(HRHire(employeeId: person.userId, attributes: person.attributes)))
        try toIdP([IdPChange(change: .userCreated, userId: person.userId, attributes: person.attributes, cause: seq),
                   IdPChange(change: .groupMemberAdded, userId: person.userId, groupId: team.groupId, cause: seq)])
    }

    private func pickEmployed(_ userId: String?) -> String? {
        if let userId { return people[userId]?.leftAt == nil && people[userId] != nil ? userId : nil }
        guard !employed.isEmpty else { return nil }
        return employed[withRNG(Self.hrActor) { $0.int(in: 0...employed.count - 1) }]
    }

    private func transfer(userId: String?, toTeam: String?) throws {
        guard let userId = pickEmployed(userId), var person = people[userId], scenario.teams.count > 1 else { return }
        let others = scenario.teams.filter { $0.name != person.team }
        let target = toTeam.flatMap { name in others.first { $0.name == name } }
            ?? others[withRNG(Self.hrActor) { $0.int(in: 0...others.count - 1) }]
        guard let from = scenario.teams.first(where: { $0.name == person.team }) else { return }
        let seq = emit(.hr, .hrTransfer(HRTransfer(employeeId: userId, fromDepartment: from.department, toDepartment: target.department,
                                                   fromTeam: from.name, toTeam: target.name)))
        person.team = target.name
        people[userId] = person
        hrAttributes[userId]?.team = target.name
        hrAttributes[userId]?.department = target.department
        try toIdP([IdPChange(change: .groupMemberRemoved, userId: userId, groupId: from.groupId, cause: seq),
                   IdPChange(change: .groupMemberAdded, userId: userId, groupId: target.groupId, cause: seq),
                   IdPChange(change: .userUpdated, userId: userId, attributes: hrAttributes[userId], cause: seq)])
        if scenario.assignmentMode == .direct {
            requestDirectAssignments(for: userId, team: from.name, kind: .delete)
            requestDirectAssignments(for: userId, team: target.name, kind: .create)
            try dispatchControlPlane()
        }
    }

    private func terminate(userId: String?) throws {
        guard let userId = pickEmployed(userId), var person = people[userId] else { return }
        person.leftAt = now
        people[userId] = person
        departed.insert(userId)
        removeFromEmployed(userId)
        let seq = emit(.hr, .hrTermination(HRTermination(employeeId: userId)))
        try toIdP([IdPChange(change: .userDeactivated, userId: userId, cause: seq)])
        if let runbook = scenario.runbook, !runbook.steps.isEmpty {
            try schedule(.runbookStep(userId, 0), after: sample(runbook.delay, actor: "runbook"))
        }
        if scenario.churn.leaverBehaviour == .persisting {
            people[userId]?.nextChance = now
            try schedule(.lastChance(userId), at: now)
        }
    }

    /// Hands changes to the IdP after the HR-to-IdP lag. The feed is in order per person (an HR system
    /// sends one worker's events in the order they happened): a change never overtakes an earlier one.
    private func toIdP(_ changes: [IdPChange]) throws {
        guard let userId = changes.first?.userId else { return }
        let at = max(now + sample(scenario.idp.hrLag, actor: Self.hrActor), hrFeedLast[userId] ?? now)
        hrFeedLast[userId] = at
        try schedule(.idpReceive(changes), at: at)
    }
}
