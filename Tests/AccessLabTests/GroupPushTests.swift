import AccessLabEvents
import AccessLabLog
import AccessLabProjections
@testable import AccessLabSimulation
import Testing

/// Okta's Group Push as the simulator models it, driven step by step: a push Identity Center refuses
/// puts the group's push mapping in error; the group's later changes wait; an admin's push sends them
/// in order. (Members wait for their user's push, so in a run this takes a user Identity Center lost.)
@Suite struct GroupPushTests {
    @Test func aRefusedPushHoldsTheGroupUntilAnAdminPushesAgain() throws {
        var s = closedFormScenario(model: .push)
        s.teams.append(TeamSpec(name: "b", department: "Eng", size: 1))
        s.idp.pushRetry = .fixed(.hours(1))
        s.churn.scripted = []
        let sim = try Simulation(scenario: s, log: InMemoryEventLog())
        try sim.perform(.setup)
        // A membership for a user Identity Center does not hold, then one for u00001 to the same group.
        try sim.applyToIdentityCenter(IdPChange(change: .groupMemberAdded, userId: "u09999", groupId: "g-b"), actor: .scim)
        try sim.applyToIdentityCenter(IdPChange(change: .groupMemberAdded, userId: "u00001", groupId: "g-b"), actor: .scim)
        let refused = sim.pending.filter { if case .identityStoreRequestFailed = $0.body { true } else { false } }
        #expect(refused.count == 1)
        #expect(sim.groupPush.failedGroups == ["g-b"])
        #expect(sim.state.identityCenter.users["u00001"]?.groups.contains("g-b") == false, "held while the group is in error")
        // The admin pushes an hour later: u09999 is refused again (error again), u00001's membership goes through.
        while let (time, task) = sim.scheduler.popNext(until: s.start + .hours(1)) {
            if case .groupRePush = task { #expect(time == s.start + .hours(1)); try sim.perform(task); break }
            try sim.perform(task)
        }
        #expect(sim.state.identityCenter.users["u00001"]?.groups.contains("g-b") == true)
        #expect(sim.meter.failedRequests["PatchGroup"] == 2)
        #expect(sim.groupPush.failedGroups == ["g-b"])
    }
}
