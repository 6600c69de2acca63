import AccessLabCheck
import AccessLabEvents
import AccessLabLog

/// A small organization written event by event for the independent checker's tests, with times as hours of one day.
///
/// Root r-root holds the management account 999999999999 and OU ou-eng, which holds accounts 111111111111 and
/// 222222222222. Permission set ps-admin lasts 12 h, ps-short 1 h. Group g-a is assigned ps-admin in 111… and
/// in the management account; g-b is assigned ps-short in 222…; g-c has no assignments.
struct CheckLog {
    static let day = Instant(ms: 1_772_409_600_000)  // 2026-03-02T00:00:00Z
    static let eng = "ou-eng", root = "r-root"
    static let workload = "111111111111", other = "222222222222", management = "999999999999"

    private(set) var events: [NewEvent] = []
    var parameters: [String: String]

    static func at(_ hours: Int64, _ minutes: Int64 = 0) -> Instant { day + .hours(hours) + .minutes(minutes) }

    init(behaviour: String = "persisting", end: Instant = CheckLog.day + .days(3)) {
        parameters = ["leaver_behaviour": behaviour, "simulated_start_ms": String(Self.day.ms), "simulated_end_ms": String(end.ms)]
        let t = Self.day
        add(t, .createOrganizationalUnit(CreateOrganizationalUnit(ouId: Self.eng, name: "Eng", parentId: Self.root)))
        add(t, .createAccount(CreateAccount(accountId: Self.management, name: "mgmt", parentId: Self.root, email: "m@x", isManagementAccount: true)))
        add(t, .createAccount(CreateAccount(accountId: Self.workload, name: "workload", parentId: Self.eng, email: "w@x")))
        add(t, .createAccount(CreateAccount(accountId: Self.other, name: "other", parentId: Self.eng, email: "o@x")))
        add(t, .createPermissionSet(CreatePermissionSet(permissionSetId: "ps-admin", name: "Admin", sessionDuration_s: 12 * 3600)))
        add(t, .createPermissionSet(CreatePermissionSet(permissionSetId: "ps-short", name: "Short", sessionDuration_s: 3600)))
        for g in ["g-a", "g-b", "g-c"] { add(t, .createGroup(CreateGroup(groupId: g, displayName: g))) }
        assign(at: t, group: "g-a", Self.workload, "ps-admin")
        assign(at: t, group: "g-a", Self.management, "ps-admin")
        assign(at: t, group: "g-b", Self.other, "ps-short")
    }

    /// Appends an event and returns the seq it will have.
    @discardableResult
    mutating func add(_ t: Instant, _ body: EventBody, cause: UInt64? = nil) -> UInt64 {
        events.append(NewEvent(time: t, actor: .system, cause: cause, body: body))
        return UInt64(events.count)
    }

    mutating func assign(at t: Instant, group: String, _ account: String, _ permissionSet: String) {
        add(t, .accountAssignmentCreated(AccountAssignmentResult(requestId: "r-\(events.count)", accountId: account, permissionSetId: permissionSet,
                                                                 principalType: .GROUP, principalId: group, roleName: nil, roleChanged: true)))
    }

    /// An active user in Identity Center, in the given groups.
    mutating func user(_ id: String, at t: Instant = CheckLog.day, team: String = "a", groups: [String] = ["g-a"]) {
        add(t, .createUser(CreateUser(userId: id, attributes: Self.attributes(id, team: team))))
        for g in groups { add(t, .patchGroup(PatchGroup(groupId: g, membersAdded: [id]))) }
    }

    mutating func disable(_ user: String, at t: Instant) {
        add(t, .patchUser(PatchUser(userId: user, operations: [PatchOperation(op: .replace, path: "active", value: "false")])))
    }

    /// A portal sign-in at `t` for 8 h, and credentials minted through it at `t`.
    @discardableResult
    mutating func mint(_ user: String, at t: Instant, _ account: String = CheckLog.workload, _ permissionSet: String = "ps-admin",
                       lasting: Duration_ms = .hours(12), session: String? = nil) -> UInt64 {
        let sessionId = session ?? "s-\(events.count)"
        if session == nil {
            add(t, .portalSignIn(PortalSignIn(userId: user, sessionId: sessionId, expiresAt: t + .hours(8))))
        }
        return add(t, .roleCredentialsIssued(RoleCredentialsIssued(
            credentialId: "c-\(events.count)", userId: user, accountId: account, permissionSetId: permissionSet, roleName: "role",
            sessionId: sessionId, issuedAt: t, expiresAt: t + lasting, sessionTags: [])))
    }

    /// HR moves the user from `from` to `to`; at `idpAt` the IdP records the move, taking the user out of
    /// `oldGroup` and into `newGroup` (what reaches Identity Center is up to the test).
    mutating func transfer(_ user: String, from: String, to: String, at t: Instant, idpAt: Instant, oldGroup: String, newGroup: String) {
        let seq = add(t, .hrTransfer(HRTransfer(employeeId: user, fromTeam: from, toTeam: to)))
        add(idpAt, .idPDirectoryChange(IdPDirectoryChange(change: .groupMemberRemoved, userId: user, groupId: oldGroup)), cause: seq)
        add(idpAt, .idPDirectoryChange(IdPDirectoryChange(change: .groupMemberAdded, userId: user, groupId: newGroup)), cause: seq)
    }

    mutating func terminate(_ user: String, at t: Instant) { add(t, .hrTermination(HRTermination(employeeId: user))) }

    static func attributes(_ id: String, team: String) -> UserAttributes {
        UserAttributes(userName: id, givenName: id, familyName: id, displayName: id, email: "\(id)@x", team: team)
    }

    func check() throws -> CheckResult {
        let log = InMemoryEventLog()
        try log.append(events)
        try log.setMetadata(LogMetadata(scenario: "hand-written", seed: 1, parameters: parameters))
        return try log.read { reader in try IndependentCheck.run(reader) }
    }
}
