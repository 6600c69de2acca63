import AccessLabEvents
import AccessLabSimulation

extension ScenarioBuilder {
    func idp(_ m: MappingReader, start: Instant) throws(ScenarioError) -> IdPSpec {
        var p = IdPSpec()
        p.model = try m.oneOf("model", p.model)
        p.hrLag = try m.distribution("hr_lag", p.hrLag)
        p.pushLatency = try m.distribution("push_latency", p.pushLatency)
        if m.has("group_push_latency") { p.groupPushLatency = try m.distribution("group_push_latency", p.pushLatency) } else { _ = m.value("group_push_latency") }
        p.cycleInterval = try m.duration("cycle_interval", p.cycleInterval, in: .minutes(1)...Duration_ms.days(7))
        p.cycleJitter = try m.duration("cycle_jitter", p.cycleJitter)
        p.firstCycle = try m.duration("first_cycle", p.firstCycle)
        for (i, item) in try m.list("quarantine").enumerated() {
            let q = try MappingReader(item, path: "\(m.field("quarantine"))[\(i)]")
            let from = try q.duration("from", .zero), to = try q.duration("to", .zero)
            try q.finish()
            guard from < to else { throw ScenarioError(item.location, field: q.field("to"), "a quarantine window must end after it starts") }
            p.quarantine.append((start + from)..<(start + to))
        }
        p.scheduledInterval = try m.duration("scheduled_interval", p.scheduledInterval, in: .minutes(1)...Duration_ms.days(7))
        p.hoursInterval = try m.duration("hours_interval", p.hoursInterval, in: .minutes(1)...Duration_ms.days(7))
        p.manualDelay = try m.distribution("manual_delay", p.manualDelay)
        p.pushRetry = try m.distribution("push_retry", p.pushRetry)
        p.onDemandGroups = try m.bool("on_demand_groups", p.onDemandGroups)
        p.onDemandDelay = try m.distribution("on_demand_delay", p.onDemandDelay)
        p.onDemandPer10s = try m.int("on_demand_per_10s", p.onDemandPer10s, in: 1...1000)
        if m.has("delete_after") { p.deleteAfter = try m.duration("delete_after", .days(30)) } else { _ = m.value("delete_after") }
        p.scimRequestsPerSecond = try m.int("scim_requests_per_second", p.scimRequestsPerSecond, in: 1...1000)
        p.scimRetryBase = try m.duration("scim_retry_base", p.scimRetryBase, in: .seconds(0)...Duration_ms.hours(1))
        p.scimRetryMax = try m.duration("scim_retry_max", p.scimRetryMax, in: .seconds(1)...Duration_ms.hours(24))
        try m.finish()
        return p
    }

    func identityCenter(_ m: MappingReader) throws(ScenarioError) -> IdentityCenterSpec {
        var p = IdentityCenterSpec()
        if let v = m.value("region") {
            let region = try MappingReader.scalar(v, m.field("region"))
            guard Self.isRegionName(region) else {
                throw ScenarioError(v.location, field: m.field("region"), "expected an AWS Region such as us-east-1 or eu-west-2, got '\(region)'")
            }
            p.region = region
        }
        p.signinCache = try m.duration("signin_cache", p.signinCache)
        p.portalSession = try m.duration("portal_session", p.portalSession, in: .minutes(15)...Duration_ms.days(90))
        p.policyPropagation = try m.duration("policy_propagation", p.policyPropagation)
        p.assignmentDelay = try m.distribution("assignment_delay", p.assignmentDelay)
        p.maxOutstandingAssignments = try m.int("max_outstanding_assignments", p.maxOutstandingAssignments, in: 1...10_000)
        p.controlPlaneTPS = try m.int("control_plane_tps", p.controlPlaneTPS, in: 1...10_000)
        p.inlineDenyProvisioning = try m.distribution("inline_deny_provisioning", p.inlineDenyProvisioning)
        try m.finish()
        return p
    }

    /// `us-east-1`, `ap-southeast-2`, `us-gov-west-1`: a two-letter area, words, a number, joined by hyphens.
    static func isRegionName(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        func all(_ part: Substring, in range: ClosedRange<Character>) -> Bool { !part.isEmpty && part.allSatisfy(range.contains) }
        guard parts.count >= 3, let area = parts.first, let number = parts.last else { return false }
        return area.count == 2 && all(area, in: "a"..."z") && parts.dropFirst().dropLast().allSatisfy { all($0, in: "a"..."z") }
            && all(number, in: "0"..."9")
    }

    func users(_ m: MappingReader) throws(ScenarioError) -> UserBehaviourSpec {
        var p = UserBehaviourSpec()
        if let v = m.value("sign_in_window") { p.signInWindow = try Self.clockRange(v, m.field("sign_in_window")) }
        p.workday = try m.duration("workday", p.workday, in: .minutes(1)...Duration_ms.hours(24))
        p.attendance = try m.double("attendance", p.attendance, in: 0...1)
        if let v = m.value("accounts_per_day") {
            let f = m.field("accounts_per_day")
            switch v.value {
            case .scalar(let s):
                guard let n = Int(s), n >= 0 else { throw ScenarioError(v.location, field: f, "expected a count or [min, max]") }
                p.accountsPerDay = n...n
            case .sequence(let b) where b.count == 2:
                guard let lo = Int(try MappingReader.scalar(b[0], f)), let hi = Int(try MappingReader.scalar(b[1], f)), 0 <= lo, lo <= hi else {
                    throw ScenarioError(v.location, field: f, "expected [min, max] with 0 <= min <= max")
                }
                p.accountsPerDay = lo...hi
            default:
                throw ScenarioError(v.location, field: f, "expected a count or [min, max]")
            }
        }
        p.firstUse = try m.distribution("first_use", p.firstUse)
        p.refreshBefore = try m.duration("refresh_before", p.refreshBefore)
        p.cliTokenLifetime = try m.duration("cli_token_lifetime", p.cliTokenLifetime, in: .minutes(1)...Duration_ms.hours(24))
        try m.finish()
        return p
    }

    func churn(_ m: MappingReader, scenario s: Scenario) throws(ScenarioError) -> ChurnSpec {
        var p = ChurnSpec()
        p.joinersPerWeek = try m.double("joiners_per_week", 0, in: 0...100_000)
        p.moversPerWeek = try m.double("movers_per_week", 0, in: 0...100_000)
        p.leaversPerWeek = try m.double("leavers_per_week", 0, in: 0...100_000)
        p.leaverBehaviour = try m.oneOf("leaver_behaviour", p.leaverBehaviour)
        for (i, item) in try m.list("scripted").enumerated() {
            let e = try MappingReader(item, path: "\(m.field("scripted"))[\(i)]")
            guard let atNode = e.value("at") else { throw ScenarioError(item.location, field: e.field("at"), "is required") }
            let atText = try MappingReader.scalar(atNode, e.field("at"))
            let at: Instant
            if atText.hasPrefix("+") {
                at = s.start + (try MappingReader.duration(ScenarioNode(value: .scalar(String(atText.dropFirst())), location: atNode.location), e.field("at")))
            } else if let t = ISO8601.parse(atText) {
                at = t
            } else {
                throw ScenarioError(atNode.location, field: e.field("at"), "expected an offset from the start (+3d9h) or an ISO-8601 UTC time")
            }
            guard at >= s.start, at < s.end else { throw ScenarioError(atNode.location, field: e.field("at"), "falls outside the scenario's time span") }
            let team = try e.string("team")
            if let team, !s.teams.contains(where: { $0.name == team }) {
                throw ScenarioError(item.location, field: e.field("team"), "no team named '\(team)'")
            }
            let kind: ScriptedHREvent.Kind
            if e.has("hire") {
                kind = .hire(count: try e.int("hire", 1, in: 1...100_000), team: team)
            } else if e.has("transfer") {
                kind = .transfer(userId: try e.string("transfer").flatMap { $0 == "random" ? nil : $0 }, toTeam: team)
            } else if e.has("terminate") {
                kind = .terminate(userId: try e.string("terminate").flatMap { $0 == "random" ? nil : $0 })
            } else {
                throw ScenarioError(item.location, field: e.field(""), "expected one of hire: COUNT, transfer: USER|random, terminate: USER|random")
            }
            try e.finish()
            p.scripted.append(ScriptedHREvent(at: at, kind: kind))
        }
        try m.finish()
        return p
    }

    /// `enabled: false` keeps a runbook section in a file (or lets a sweep switch it: `--set runbook.enabled=false,true`).
    func runbook(_ m: MappingReader) throws(ScenarioError) -> (spec: RunbookSpec, enabled: Bool) {
        var p = RunbookSpec()
        let enabled = try m.bool("enabled", true)
        p.delay = try m.distribution("delay", p.delay)
        p.stepInterval = try m.duration("step_interval", p.stepInterval)
        if let v = m.value("steps") {
            guard case .sequence(let items) = v.value else { throw ScenarioError(v.location, field: m.field("steps"), "expected a list of steps") }
            var steps: [RunbookSpec.Step] = []
            for (i, item) in items.enumerated() {
                let text = try MappingReader.scalar(item, "\(m.field("steps"))[\(i)]")
                guard let step = RunbookSpec.Step(rawValue: text) else {
                    throw ScenarioError(item.location, field: "\(m.field("steps"))[\(i)]",
                                        "expected one of \(RunbookSpec.Step.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                steps.append(step)
            }
            p.steps = steps
        }
        try m.finish()
        return (p, enabled)
    }
}
