import AccessLabAWS
import AccessLabEvents
import AccessLabProjections

/// From the ids AWS clients send back to the ones the log uses. Entities created through the server
/// get AWS-shaped ids in the log itself; a scenario's own (`u00062`, `g-payments`) are found here,
/// re-read from the state when a lookup misses after the state changed.
struct ReverseNames {
    private var users: [String: String] = [:]
    private var groups: [String: String] = [:]
    private var permissionSets: [String: String] = [:]
    private var accounts: [String: String] = [:]
    private var parents: [String: String] = [:]
    private var policies: [String: String] = [:]
    private var builtAt: UInt64 = .max
    /// Every role credential issued, by access key id (expired ones too: they answer `ExpiredToken`).
    private var credentialsByKey: [String: RoleCredential] = [:]

    mutating func rebuild(_ state: AccessState, ids: AWSIdentifiers) {
        users = Dictionary(state.identityCenter.users.keys.map { (ids.userId($0), $0) }) { a, _ in a }
        groups = Dictionary(state.identityCenter.groups.keys.map { (ids.groupId($0), $0) }) { a, _ in a }
        permissionSets = Dictionary(state.permissionSets.keys.map { (ids.permissionSetId($0), $0) }) { a, _ in a }
        accounts = Dictionary(state.organization.accounts.keys.map { (ids.accountId($0), $0) }) { a, _ in a }
        parents = Dictionary(state.organization.organizationalUnits.keys.map { (ids.organizationalUnitId($0), $0) }) { a, _ in a }
        for account in state.organization.accounts.values where account.parentId.hasPrefix("r-") { parents[ids.rootId(account.parentId)] = account.parentId }
        for ou in state.organization.organizationalUnits.values where ou.parentId.hasPrefix("r-") { parents[ids.rootId(ou.parentId)] = ou.parentId }
        policies = Dictionary((Array(state.organization.serviceControlPolicies.keys) + Array(state.organization.resourceControlPolicies.keys)).map { (ids.policyId($0), $0) }) { a, _ in a }
        for credential in state.credentials.values { remember(credential, ids: ids) }
        builtAt = state.seq
        builtSize = Self.size(state)
    }

    mutating func remember(_ credential: RoleCredential, ids: AWSIdentifiers) {
        credentialsByKey[ids.accessKeyId(credentialId: credential.credentialId)] = credential
    }

    private mutating func lookup(_ table: KeyPath<ReverseNames, [String: String]>, _ awsId: String, _ state: AccessState, ids: AWSIdentifiers) -> String? {
        if let found = self[keyPath: table][awsId] { return found }
        // Re-read only when entities may have appeared since (a lookup of an unknown id must not cost a rebuild per request).
        let size = Self.size(state)
        guard builtAt != state.seq, size != builtSize else { return nil }
        rebuild(state, ids: ids)
        return self[keyPath: table][awsId]
    }

    private var builtSize: [Int] = []
    private static func size(_ state: AccessState) -> [Int] {
        [state.identityCenter.users.count, state.identityCenter.groups.count, state.permissionSets.count, state.organization.accounts.count,
         state.organization.organizationalUnits.count, state.organization.serviceControlPolicies.count + state.organization.resourceControlPolicies.count]
    }

    mutating func user(_ awsId: String, _ state: AccessState, ids: AWSIdentifiers) -> String? {
        if state.identityCenter.users[awsId] != nil { return awsId }
        return lookup(\.users, awsId, state, ids: ids)
    }
    mutating func group(_ awsId: String, _ state: AccessState, ids: AWSIdentifiers) -> String? {
        if state.identityCenter.groups[awsId] != nil { return awsId }
        return lookup(\.groups, awsId, state, ids: ids)
    }
    mutating func permissionSet(_ awsId: String, _ state: AccessState, ids: AWSIdentifiers) -> String? {
        if state.permissionSets[awsId] != nil { return awsId }
        return lookup(\.permissionSets, awsId, state, ids: ids)
    }
    mutating func account(_ awsId: String, _ state: AccessState, ids: AWSIdentifiers) -> String? {
        if state.organization.accounts[awsId] != nil { return awsId }
        return lookup(\.accounts, awsId, state, ids: ids)
    }
    /// A root or an OU.
    mutating func parent(_ awsId: String, _ state: AccessState, ids: AWSIdentifiers) -> String? {
        if state.organization.organizationalUnits[awsId] != nil { return awsId }
        return lookup(\.parents, awsId, state, ids: ids)
    }
    mutating func policy(_ awsId: String, _ state: AccessState, ids: AWSIdentifiers) -> String? {
        if state.organization.serviceControlPolicies[awsId] != nil || state.organization.resourceControlPolicies[awsId] != nil { return awsId }
        return lookup(\.policies, awsId, state, ids: ids)
    }
    func credential(forAccessKey key: String, _ state: AccessState, ids: AWSIdentifiers) -> RoleCredential? { credentialsByKey[key] }
}

/// The asynchronous requests sso-admin reports on (assignment creation and deletion, provisioning),
/// kept from the events that carry them.
struct RequestTable {
    enum Kind { case creation, deletion, provisioning }
    struct Entry {
        var kind: Kind
        var requestId: String
        var status: String
        var failureReason: String?
        var createdAt: Instant
        var accountId: String
        var permissionSetId: String
        var principalType: String?
        var principalId: String?
    }
    private(set) var entries: [String: Entry] = [:]
    /// Request ids in the order they were made, for the List*Status calls.
    private(set) var order: [String] = []

    mutating func add(_ entry: Entry) {
        if entries[entry.requestId] == nil { order.append(entry.requestId) }
        entries[entry.requestId] = entry
    }

    subscript(id: String) -> Entry? { entries[id] }

    mutating func observe(_ event: Event) {
        switch event.body {
        case .createAccountAssignment(let r), .deleteAccountAssignment(let r):
            let kind: Kind = event.type == .CreateAccountAssignment ? .creation : .deletion
            if entries[r.requestId] == nil {
                add(Entry(kind: kind, requestId: r.requestId, status: "IN_PROGRESS", createdAt: event.time, accountId: r.accountId,
                          permissionSetId: r.permissionSetId, principalType: r.principalType.rawValue, principalId: r.principalId))
            }
        case .accountAssignmentCreated(let r), .accountAssignmentDeleted(let r):
            entries[r.requestId]?.status = "SUCCEEDED"
        case .accountAssignmentCreationFailed(let r):
            entries[r.requestId]?.status = "FAILED"
            entries[r.requestId]?.failureReason = r.failureReason
        case .provisionPermissionSet(let r):
            add(Entry(kind: .provisioning, requestId: r.requestId, status: "IN_PROGRESS", createdAt: event.time,
                      accountId: r.targetAccountIds.first ?? "", permissionSetId: r.permissionSetId))
        case .permissionSetProvisioned(let r):
            entries[r.requestId]?.status = "SUCCEEDED"
        case .permissionSetProvisioningFailed(let r):
            entries[r.requestId]?.status = "FAILED"
            entries[r.requestId]?.failureReason = r.failureReason
        default: break
        }
    }
}
