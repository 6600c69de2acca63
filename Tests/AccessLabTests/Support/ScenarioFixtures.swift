import AccessLabEvents
import AccessLabLog
import AccessLabScenario
import AccessLabSimulation
import Foundation

/// The repository's root, found from this file's path (Tests/AccessLabTests/Support/...).
let repositoryRoot: String = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<4 { url.deleteLastPathComponent() }
    return url.path
}()

func scenarioPath(_ name: String) -> String { "\(repositoryRoot)/scenarios/\(name)" }

/// Every committed scenario file, sorted.
func committedScenarios() throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: "\(repositoryRoot)/scenarios").filter { $0.hasSuffix(".yaml") }.sorted()
}

func readFile(_ path: String) throws -> String {
    guard let data = FileManager.default.contents(atPath: path) else { throw CocoaError(.fileNoSuchFile) }
    return String(decoding: data, as: UTF8.self)
}

func loadScenario(_ name: String) throws -> Scenario {
    try ScenarioLoader(read: readFile).load(path: scenarioPath(name))
}

/// Loads YAML given as text; other files it names come from `files`.
func loadScenario(yaml: String, files: [String: String] = [:]) throws(ScenarioError) -> Scenario {
    try ScenarioLoader(read: { path in
        if path == "test.yaml" { return yaml }
        guard let text = files[path] else { throw CocoaError(.fileNoSuchFile) }
        return text
    }).load(path: "test.yaml")
}

/// Runs a scenario into a fresh in-memory log; returns the simulation, its summary and the log.
func simulate(_ scenario: Scenario, until: Instant? = nil) throws -> (Simulation, RunSummary, InMemoryEventLog) {
    let log = InMemoryEventLog()
    let simulation = try Simulation(scenario: scenario, log: log)
    let summary = try simulation.run(until: until)
    return (simulation, summary, log)
}

/// 2026-01-05T00:00:00Z, a Monday.
let monday = Instant(ms: 1_767_571_200_000)

/// One workload account, one team of two whose group holds a 12 h ReadOnly set there, fixed
/// delays everywhere, and u00001 terminated at 10:05 on the first day: small enough to work out by hand.
func closedFormScenario(model: IdPModel = .cycle, behaviour: LeaverBehaviour = .persisting) -> Scenario {
    var s = Scenario(name: "closed-form", seed: 1, start: monday, duration: .days(3))
    s.accounts = [AccountSpec(accountId: "111111111111", name: "workload", parentId: Scenario.rootId),
                  AccountSpec(accountId: "999999999999", name: "management", parentId: Scenario.rootId, isManagementAccount: true)]
    s.teams = [TeamSpec(name: "a", department: "Eng", size: 2)]
    s.permissionSets = [PermissionSetSpec(permissionSetId: "ps-ro", name: "ReadOnly", sessionDuration: .hours(12))]
    s.assignments = [AssignmentSpec(team: "a", permissionSetId: "ps-ro", accountIds: ["111111111111"])]
    s.idp.model = model
    s.idp.hrLag = .fixed(.minutes(10))
    s.idp.pushLatency = .fixed(.seconds(30))
    s.idp.firstCycle = .minutes(40)
    s.idp.cycleInterval = .minutes(40)
    s.idp.cycleJitter = .zero
    s.users.attendance = 1
    s.users.signInWindow = 8 * 60 ..< 8 * 60 + 1
    s.users.accountsPerDay = 1...1
    s.churn.leaverBehaviour = behaviour
    s.churn.scripted = [ScriptedHREvent(at: monday + .hours(10) + .minutes(5), kind: .terminate(userId: "u00001"))]
    return s
}

/// The closed-form organization plus a shared account whose resources carry a `team` tag (a, b), an
/// ABAC attribute for the team, both teams assigned `permissionSet` there, and u00001 moved from a to b
/// at 10:05 on the first day (push model).
func abacMoverScenario(permissionSet: PermissionSetSpec? = nil) -> Scenario {
    var s = closedFormScenario(model: .push)
    s.accounts.append(AccountSpec(accountId: "222222222222", name: "shared", parentId: Scenario.rootId))
    s.teams.append(TeamSpec(name: "b", department: "Eng", size: 1))
    if let permissionSet { s.permissionSets = [permissionSet] }
    let ps = s.permissionSets[0].permissionSetId
    s.assignments = [AssignmentSpec(team: "a", permissionSetId: ps, accountIds: ["222222222222"]),
                     AssignmentSpec(team: "b", permissionSetId: ps, accountIds: ["222222222222"])]
    s.accessControlAttributes = [AccessControlAttribute(key: "team", source: ["${path:enterprise.division}"])]
    s.resources = [ResourceSpec(accountId: "222222222222", arn: "arn:aws:s3:::a-data", tags: [Tag(key: "team", value: "a")]),
                   ResourceSpec(accountId: "222222222222", arn: "arn:aws:s3:::b-data", tags: [Tag(key: "team", value: "b")])]
    s.churn.scripted = [ScriptedHREvent(at: abacMoveTime, kind: .transfer(userId: "u00001", toTeam: "b"))]
    return s
}

let abacMoveTime = monday + .hours(10) + .minutes(5)
