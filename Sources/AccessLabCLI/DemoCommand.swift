import AccessLabEvents
import AccessLabLog
import ArgumentParser
import Foundation

/// `accesslab demo`: one leaver's day, scripted, written to a log. Stands in for `run` until scenarios land.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Write a scripted leaver story (Entra-like sync, 1 h sign-in cache, 12 h credentials) to a log.",
        discussion: """
        A small fixed story, not a simulation: one user in one group with a 12-hour permission set, \
        terminated mid-afternoon while a persisting leaver keeps minting credentials through the \
        sign-in cache. It shows the event log, `verify` and `digest` end to end.

        Example:
          accesslab demo --db /tmp/demo && accesslab log --db /tmp/demo --user u-alice
        """
    )

    @Option(help: ArgumentHelp("Database directory to write (must not hold a log yet).", valueName: "dir"))
    var db: String

    @Flag(help: "Print a JSON summary instead of text.") var json = false

    func run() throws {
        let log: LMDBEventLog
        do { log = try LMDBEventLog(path: db, create: true) } catch let error as EventLogError { throw CLIError(error.description) }
        guard try log.read({ $0.head.lastSeq }) == 0 else { throw CLIError("\(db) already holds a log; demo writes into an empty one") }
        let story = DemoStory.events()
        try log.setMetadata(LogMetadata(scenario: "demo", seed: 0))
        try log.append(story)
        let summary = try log.read { reader -> DemoSummary in
            let events = try reader.events(in: 1...reader.head.lastSeq)
            return DemoSummary(events: events, digest: reader.head.digest)
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
            Console.out(String(decoding: try encoder.encode(summary), as: UTF8.self))
        } else {
            for line in try log.read({ try $0.events(in: 1...$0.head.lastSeq) }).map(EventLine.render) { Console.out(line) }
            Console.out("")
            Console.out("events \(summary.eventCount), digest \(summary.digest)")
            Console.out("terminated at \(summary.terminatedAt); last usable credential expires \(summary.lastCredentialExpiry): revocation latency \(summary.revocationLatency)")
        }
    }
}

/// The figures the demo reports, computed from the events it wrote.
struct DemoSummary: Encodable {
    let eventCount: Int
    let digest: String
    let terminatedAt: String
    let lastCredentialExpiry: String
    let revocationLatency: String
    let revocationLatency_s: Int64

    init(events: [Event], digest: Digest) {
        var termination = Instant(ms: 0)
        var lastExpiry = Instant(ms: 0)
        for event in events {
            switch event.body {
            case .hrTermination: termination = event.time
            case .roleCredentialsIssued(let c): lastExpiry = max(lastExpiry, c.expiresAt)
            default: break
            }
        }
        eventCount = events.count
        self.digest = digest.hex
        terminatedAt = termination.description
        lastCredentialExpiry = lastExpiry.description
        revocationLatency = (lastExpiry - termination).description
        revocationLatency_s = (lastExpiry - termination).ms / 1000
    }
}

/// The scripted story: times follow the facts sheet's defaults.
enum DemoStory {
    static func events() -> [NewEvent] {
        let day = ISO8601.parse("2026-03-02T00:00:00Z") ?? Instant(ms: 0)
        func at(_ h: Int64, _ m: Int64 = 0) -> Instant { day + .hours(h) + .minutes(m) }
        let alice = UserAttributes(userName: "alice@example.com", givenName: "Alice", familyName: "Ng", displayName: "Alice Ng",
                                   email: "alice@example.com", department: "Engineering", team: "payments")
        let role = ReservedRoleName.make(permissionSetName: "Developer", permissionSetId: "ps-developer", accountId: "222222222222", generation: 1)
        let credentialExpiry1 = at(9, 1) + .hours(12)
        let credentialExpiry2 = at(14, 50) + .hours(12)
        var events: [NewEvent] = []
        func add(_ time: Instant, _ actor: Actor, cause: UInt64? = nil, _ body: EventBody) -> UInt64 {
            events.append(NewEvent(time: time, actor: actor, cause: cause, body: body))
            return UInt64(events.count)
        }
        _ = add(at(8), .admin, .createOrganizationalUnit(.init(ouId: "ou-prod", name: "Production", parentId: "r-root")))
        _ = add(at(8), .admin, .createAccount(.init(accountId: "111111111111", name: "management", parentId: "r-root", email: "mgmt@example.com", isManagementAccount: true)))
        _ = add(at(8), .admin, .createAccount(.init(accountId: "222222222222", name: "payments-prod", parentId: "ou-prod", email: "payments-prod@example.com")))
        _ = add(at(8, 5), .admin, .createPermissionSet(.init(permissionSetId: "ps-developer", name: "Developer", description: "Developers", sessionDuration_s: 12 * 3600)))
        _ = add(at(8, 5), .admin, .attachManagedPolicyToPermissionSet(.init(permissionSetId: "ps-developer", managedPolicyArn: "arn:aws:iam::aws:policy/PowerUserAccess")))
        let hire = add(at(8, 10), .hr, .hrHire(.init(employeeId: "u-alice", attributes: alice)))
        _ = add(at(8, 20), .scim, cause: hire, .createUser(.init(userId: "u-alice", attributes: alice)))
        _ = add(at(8, 20), .scim, .createGroup(.init(groupId: "g-payments", displayName: "payments", members: ["u-alice"])))
        let request = add(at(8, 30), .admin, .createAccountAssignment(.init(requestId: "req-1", accountId: "222222222222", permissionSetId: "ps-developer", principalType: .GROUP, principalId: "g-payments")))
        _ = add(at(8, 31), .system, cause: request, .accountAssignmentCreated(.init(requestId: "req-1", accountId: "222222222222", permissionSetId: "ps-developer", principalType: .GROUP, principalId: "g-payments", roleName: role, roleChanged: true)))
        let signIn = add(at(9), .user, .portalSignIn(.init(userId: "u-alice", sessionId: "s-1", expiresAt: at(17))))
        _ = add(at(9, 1), .user, cause: signIn, .roleCredentialsIssued(.init(credentialId: "c-1", userId: "u-alice", accountId: "222222222222", permissionSetId: "ps-developer", roleName: role, sessionId: "s-1", issuedAt: at(9, 1), expiresAt: credentialExpiry1, sessionTags: [Tag(key: "team", value: "payments")])))
        let termination = add(at(14), .hr, .hrTermination(.init(employeeId: "u-alice")))
        let deactivated = add(at(14, 5), .idp, cause: termination, .idPDirectoryChange(.init(change: .userDeactivated, userId: "u-alice")))
        _ = add(at(14, 40), .idp, .idPSync(.init(phase: .started, cycle: 1)))
        let disable = add(at(14, 40), .scim, cause: deactivated, .patchUser(.init(userId: "u-alice", operations: [PatchOperation(op: .replace, path: "active", value: "false")])))
        _ = add(at(14, 40), .idp, .idPSync(.init(phase: .finished, cycle: 1, changes: 1)))
        _ = add(at(14, 50), .user, cause: signIn, .roleCredentialsIssued(.init(credentialId: "c-2", userId: "u-alice", accountId: "222222222222", permissionSetId: "ps-developer", roleName: role, sessionId: "s-1", issuedAt: at(14, 50), expiresAt: credentialExpiry2, sessionTags: [Tag(key: "team", value: "payments")])))
        _ = add(at(15, 40), .system, cause: disable, .portalSessionEnded(.init(userId: "u-alice", sessionId: "s-1", reason: .userDisabled)))
        _ = add(at(15, 45), .system, cause: disable, .accessRefused(.init(userId: "u-alice", stage: .signIn, reason: "user is disabled")))
        _ = add(credentialExpiry1, .system, .roleCredentialsExpired(.init(credentialId: "c-1", userId: "u-alice", accountId: "222222222222")))
        _ = add(credentialExpiry2, .system, .roleCredentialsExpired(.init(credentialId: "c-2", userId: "u-alice", accountId: "222222222222")))
        return events
    }
}
