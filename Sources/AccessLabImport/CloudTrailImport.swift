import AccessLabAWS
import AccessLabEvents
import AccessLabLog
import AccessLabProjections
import HeapModule

/// A CloudTrail history replayed on top of a state (empty, or an imported export): each record the
/// model understands becomes the event it stands for, at the record's time, with the record's ids.
/// Failed calls are kept out. Where the record does not say enough (a SCIM change whose body AWS hides,
/// a credential whose expiry is not in the trail), the import says what is unknown and the bound.
public struct CloudTrailImport {
    public struct Report: Encodable, Equatable {
        public var records = 0
        public var files = 0
        public var duplicates = 0
        /// Records turned into events, by `source:name`.
        public var applied: [String: Int] = [:]
        /// Calls that failed (`errorCode`): kept out of the state, as AWS did not apply them.
        public var failed: [String: Int] = [:]
        /// Records the model has no event for (read-only calls, services it does not model), by `source:name`.
        public var notModelled: [String: Int] = [:]
        /// Records at or before the state the history starts from.
        public var beforeStart = 0
        public var skipped: [String] = []
        public var unknowns: [String] = []
        public var assumptions: [String: Int] = [:]
    }

    public private(set) var events: [NewEvent] = []
    /// The CloudTrail `eventID` each event came from, by position in `events`.
    public private(set) var eventIDs: [String] = []
    public private(set) var report = Report()
    var current = ""
    var state: AccessState
    /// Credentials and portal sessions, folded here rather than into `state`.
    var runtime: CredentialsAndSessions
    /// The log position and time of the last event (`state`'s do not move with the events `runtime` takes).
    var seq: UInt64
    var time: Instant?
    /// The time of the state the history starts from (nil: it starts from nothing).
    let startTime: Instant?
    var root: String
    var pendingAccountEmails: [String: String] = [:]
    /// The expiries AssumeRoleWithSAML records give, in time order, and how many are already paired.
    var assumed: [AssumeKey: (expiries: [Instant?], paired: Int)] = [:]
    var sessionCount = 0
    /// `permissionSetId(named:)`'s answers, made from `state` when first asked; creating or deleting a permission set
    /// (the only events that change which sets have a name) drops them. GetRoleCredentials names its set, and most
    /// records of a trail are those.
    var permissionSetIdsByName: [String: String]?
    /// Credentials and portal sessions end at the instants their records give; CloudTrail logs no expiry,
    /// so the replay writes each once the trail passes it, as a simulation does (without them the state
    /// of a long trail holds every credential ever issued, and each "as of" restores them all).
    var expiries = Heap<Expiry>()
    var expiriesQueued = 0
    /// The expiries written, for the report's assumptions (counted here: a key per event was hashed in full).
    var expiriesWritten = 0

    struct Expiry: Comparable {
        var at: Instant
        var order: Int
        var credentialId: String?
        var sessionId: String?
        var userId: String
        var accountId: String
        /// The record that issued the credential or began the session.
        var cause: String
        static func < (a: Expiry, b: Expiry) -> Bool { (a.at, a.order) < (b.at, b.order) }
        static func == (a: Expiry, b: Expiry) -> Bool { a.at == b.at && a.order == b.order }
    }
    let defaultPortalSession = Duration_ms.hours(8)

    public static func replay(_ files: CloudTrailFiles, onto start: AccessState) -> CloudTrailImport {
        var i = CloudTrailImport(state: start)
        i.report.files = files.files
        i.report.duplicates = files.duplicates
        i.report.skipped = files.skipped
        let order = files.order
        i.report.records = order.count
        // Each record is read where `files` keeps it: a copy would retain and release each of its strings.
        let offset = MemoryLayout<CloudTrailFiles.Located>.offset(of: \.record) ?? 0
        files.records.withUnsafeBufferPointer { records in
            files.bytes.withUnsafeBufferPointer { bytes in
                guard let base = records.baseAddress else { return }
                func view(_ k: Int) -> CloudTrailRecordView {
                    CloudTrailRecordView(UnsafeRawPointer(base + k).advanced(by: offset).assumingMemoryBound(to: CloudTrailRecordSpans.self), in: bytes)
                }
                let assumes = order.filter {
                    records[$0].record.eventSource == "sts.amazonaws.com" && records[$0].record.eventName == "AssumeRoleWithSAML" && records[$0].record.errorCode == nil
                }
                i.assumed.reserveCapacity(assumes.count)
                for k in assumes {
                    let record = view(k)
                    let expiry = record.credentialsExpiration?.stringValue.flatMap(ISO8601.parse)
                    i.assumed[Self.assumeKey(record), default: ([], 0)].expiries.append(expiry)
                }
                for k in order {
                    i.expire(through: records[k].time)
                    i.now = records[k].time
                    i.take(view(k))
                }
                if let last = order.last { i.expire(through: records[last].time) }
            }
        }
        i.countKinds()
        return i
    }

    init(state: AccessState) {
        self.state = state
        runtime = CredentialsAndSessions(state)
        seq = state.seq
        time = state.time
        startTime = state.seq > 0 ? state.time : nil
        root = state.organization.rootId
    }

    /// The time of the record being taken (its AccessLab body's exact time, else `eventTime`).
    var now = Instant(ms: 0)
    private func body(_ r: CloudTrailRecordView) -> CloudTrailJSONView? { r.body }

    private mutating func emit(_ r: CloudTrailRecordView, _ actor: Actor, _ body: EventBody) {
        append(actor, body, at: now, cause: current)
        switch body {
        case .roleCredentialsIssued(let p):
            queueExpiry(Expiry(at: p.expiresAt, order: 0, credentialId: p.credentialId, userId: p.userId, accountId: p.accountId, cause: current))
        case .portalSignIn(let p):
            queueExpiry(Expiry(at: p.expiresAt, order: 0, sessionId: p.sessionId, userId: p.userId, accountId: "", cause: current))
        default:
            break
        }
    }

    /// Appends an event at `t` (never before the state's time), applied to the state (unless `runtime` has folded it
    /// already), from the record `cause`.
    private mutating func append(_ actor: Actor, _ body: EventBody, at t: Instant, cause: String, folded: Bool = false) {
        let event = NewEvent(time: max(t, time ?? t), actor: actor, body: body)
        seq += 1
        time = event.time
        if !folded, !runtime.apply(body, at: event.time) {
            state.apply(event.logged(as: seq))
            switch body {
            case .createPermissionSet, .deletePermissionSet: permissionSetIdsByName = nil
            default: break
            }
        }
        events.append(event)
        eventIDs.append(cause)
    }

    private mutating func queueExpiry(_ expiry: Expiry) {
        var e = expiry
        expiriesQueued += 1
        e.order = expiriesQueued
        expiries.insert(e)
    }

    /// Writes the expiries due at or before `t` that nothing ended first (a revocation, a logout).
    mutating func expire(through t: Instant) {
        while let next = expiries.min, next.at <= t {
            _ = expiries.removeMin()
            let body: EventBody
            if let id = next.credentialId, runtime.endCredential(id, endingAt: next.at) {
                body = .roleCredentialsExpired(RoleCredentialsExpired(credentialId: id, userId: next.userId, accountId: next.accountId))
            } else if let id = next.sessionId, runtime.endPortalSession(id, ofUser: next.userId, expiringAt: next.at) {
                body = .portalSessionEnded(PortalSessionEnded(userId: next.userId, sessionId: id, reason: .expired))
            } else {
                continue
            }
            append(.system, body, at: next.at, cause: next.cause, folded: true)
            expiriesWritten += 1
        }
    }

    private mutating func unknown(_ r: CloudTrailRecordView, _ text: String) {
        report.unknowns.append("\(r.eventTime) \(r.eventName) (eventID \(r.eventID)): \(text)")
        unknownsAt.append(Unknown(time: now, eventID: r.eventID, text: text))
    }

    /// What the trail could not decide, with when: queries at or after `time` carry it.
    public struct Unknown: Sendable, Equatable {
        public var time: Instant
        public var eventID: String
        public var text: String
    }
    public private(set) var unknownsAt: [Unknown] = []

    /// A record's kind, as the report counts it (`source:name`, made once at the end).
    struct Kind: Hashable {
        var source: String
        var name: String
    }
    var failed: [Kind: Int] = [:], notModelled: [Kind: Int] = [:], applied: [Kind: Int] = [:]

    mutating func take(_ r: CloudTrailRecordView) {
        if let startTime, now <= startTime {
            report.beforeStart += 1
            return
        }
        if r.errorCode != nil { failed[Kind(source: r.eventSource, name: r.eventName), default: 0] += 1; return }
        current = r.eventID
        let before = events.count
        let modelled = translate(r)
        if !modelled {
            notModelled[Kind(source: r.eventSource, name: r.eventName), default: 0] += 1
        } else if events.count > before {
            applied[Kind(source: r.eventSource, name: r.eventName), default: 0] += 1
        }
    }

    /// The counts by kind into the report's `source:name` keys.
    mutating func countKinds() {
        if expiriesWritten > 0 {
            report.assumptions["credentials and portal sessions taken as ended at the expiry their records give (CloudTrail logs no expiry)", default: 0] += expiriesWritten
        }
        for (counts, path) in [(failed, \Report.failed), (notModelled, \Report.notModelled), (applied, \Report.applied)] {
            for (kind, n) in counts.sorted(by: { ($0.key.source, $0.key.name) < ($1.key.source, $1.key.name) }) { report[keyPath: path]["\(kind.source):\(kind.name)", default: 0] += n }
        }
    }

    // MARK: Records to events

    func s(_ v: CloudTrailJSONView?) -> String? { v?.stringValue }

    /// Whether the record is one the model understands (it may still add no event: a known unknown).
    private mutating func translate(_ r: CloudTrailRecordView) -> Bool {
        let q = r.requestParameters, resp = r.responseElements
        // The services with the most records first: each case compares its strings in turn.
        switch (r.eventSource, r.eventName) {
        case ("sso.amazonaws.com", _):
            return ssoRecord(r, q, resp)
        case ("sts.amazonaws.com", "AssumeRoleWithSAML"):
            return true   // read with the portal's GetRoleCredentials it belongs to
        case ("signin.amazonaws.com", "UserAuthentication"):
            guard s(r.userAuthentication) == "Success" else { return true }
            guard let user = portalUser(r) else {
                unknown(r, "a sign-in by a user the identity store does not hold (or whose name AWS hid)")
                return true
            }
            let b = body(r)
            sessionCount += 1
            let session = s(b?["sessionId"]) ?? "ct-session-\(sessionCount)"
            let expires: Instant
            if let e = s(b?["expiresAt"]).flatMap(ISO8601.parse) { expires = e } else {
                expires = now + defaultPortalSession
                report.assumptions["portal session length not in the trail: taken as Identity Center's default 8 h", default: 0] += 1
            }
            emit(r, .user, .portalSignIn(PortalSignIn(userId: user, sessionId: session, expiresAt: expires)))
        case ("identitystore-scim.amazonaws.com", _):
            return scimRecord(r, q, resp)
        case ("identitystore.amazonaws.com", _):
            return identityStoreRecord(r, q, resp)
        case ("sso-directory.amazonaws.com", _):
            return directoryConsoleRecord(r, q, resp)
        case ("organizations.amazonaws.com", "CreateOrganizationalUnit"):
            guard let id = s(resp["organizationalUnit"]?["id"]), let parent = s(q["parentId"]) else { return false }
            if parent.hasPrefix("r-") && state.organization.accounts.isEmpty && state.organization.organizationalUnits.isEmpty { root = parent }
            emit(r, .admin, .createOrganizationalUnit(CreateOrganizationalUnit(ouId: id, name: s(q["name"]) ?? id, parentId: parent)))
        case ("organizations.amazonaws.com", "CreateAccount"):
            if let name = s(q["accountName"]) { pendingAccountEmails[name] = s(q["email"]) ?? "" }
            return true
        case ("organizations.amazonaws.com", "CreateAccountResult"):
            let status = r.serviceEventDetails["createAccountStatus"]
            guard s(status?["state"]) == "SUCCEEDED", let id = s(status?["accountId"]) else { return true }
            let name = s(status?["accountName"]) ?? id
            emit(r, .system, .createAccount(CreateAccount(accountId: id, name: name, parentId: root, email: pendingAccountEmails[name] ?? "",
                                                          isManagementAccount: id == r.recipientAccountId)))
        case ("organizations.amazonaws.com", "MoveAccount"):
            guard let id = s(q["accountId"]), let from = s(q["sourceParentId"]), let to = s(q["destinationParentId"]) else { return false }
            if from.hasPrefix("r-") { root = from }
            emit(r, .admin, .moveAccount(MoveAccount(accountId: id, sourceParentId: from, destinationParentId: to)))
        case ("organizations.amazonaws.com", "CreatePolicy"):
            guard let id = s(resp["policy"]?["policySummary"]?["id"]), let content = s(q["content"]) else { return false }
            let name = s(q["name"]) ?? id
            switch s(q["type"]) {
            case "SERVICE_CONTROL_POLICY": emit(r, .admin, .createServiceControlPolicy(CreateServiceControlPolicy(policyId: id, name: name, content: content)))
            case "RESOURCE_CONTROL_POLICY": emit(r, .admin, .createResourceControlPolicy(CreateResourceControlPolicy(policyId: id, name: name, content: content)))
            default: return false
            }
        case ("organizations.amazonaws.com", "AttachPolicy"), ("organizations.amazonaws.com", "DetachPolicy"):
            guard let id = s(q["policyId"]), let target = s(q["targetId"]) else { return false }
            let attach = r.eventName == "AttachPolicy"
            if state.organization.serviceControlPolicies[id] != nil {
                emit(r, .admin, attach ? .attachServiceControlPolicy(AttachServiceControlPolicy(policyId: id, targetId: target))
                                       : .detachServiceControlPolicy(DetachServiceControlPolicy(policyId: id, targetId: target)))
            } else if state.organization.resourceControlPolicies[id] != nil {
                let a = ResourceControlPolicyAttachment(policyId: id, targetId: target)
                emit(r, .admin, attach ? .attachResourceControlPolicy(a) : .detachResourceControlPolicy(a))
            } else {
                unknown(r, "policy \(id) was created before the trail begins and is not in the starting state; its content is unknown")
            }
        case ("iam.amazonaws.com", "CreatePolicy"):
            guard let name = s(q["policyName"]), let document = s(q["policyDocument"]) else { return false }
            emit(r, .admin, .createCustomerManagedPolicy(CreateCustomerManagedPolicy(accountId: r.recipientAccountId, name: name, document: document)))
        case ("iam.amazonaws.com", "CreateRole"), ("iam.amazonaws.com", "DeleteRole"):
            // The role follows its assignment, which the import applied when it was requested.
            return s(q["roleName"])?.hasPrefix("AWSReservedSSO_") == true
        default:
            return false
        }
        return true
    }

    private func portalUser(_ r: CloudTrailRecordView) -> String? {
        if let id = s(body(r)?["userId"]) { return id }
        if let id = s(r.onBehalfOfUserId), state.identityCenter.users.index(forKey: id) != nil { return id }
        // Before July 2025 the identity was `Unknown` with the user name.
        let name = s(r.userName) ?? s(r.additionalUserName)
        return name.flatMap { n in state.identityCenter.users.values.filter { $0.attributes.userName == n }.map(\.userId).min() }
    }

    private func permissionSetId(_ arn: String?) -> String? { arn.map(AWSIdentifiers.lastSegment(of:)) }

    private mutating func ssoRecord(_ r: CloudTrailRecordView, _ q: CloudTrailJSONView, _ resp: CloudTrailJSONView) -> Bool {
        let ps = permissionSetId(s(q["permissionSetArn"]))
        // The portal's records first: a trail is mostly them.
        switch r.eventName {
        case "GetRoleCredentials":
            return roleCredentials(r)
        case "Authenticate", "ListAccounts", "ListAccountRoles", "Federate", "Logout", "CreateToken":
            return true
        case "CreatePermissionSet":
            guard let id = permissionSetId(s(resp["permissionSet"]?["permissionSetArn"])), let name = s(q["name"]) else { return false }
            let duration = s(q["sessionDuration"]).flatMap(AWSDuration.seconds) ?? 3600
            emit(r, .admin, .createPermissionSet(CreatePermissionSet(permissionSetId: id, name: name, description: s(q["description"]) ?? "",
                                                                     sessionDuration_s: duration, relayState: s(q["relayState"]))))
        case "UpdatePermissionSet":
            guard let ps else { return false }
            emit(r, .admin, .updatePermissionSet(UpdatePermissionSet(permissionSetId: ps, description: s(q["description"]),
                                                                     sessionDuration_s: s(q["sessionDuration"]).flatMap(AWSDuration.seconds))))
        case "DeletePermissionSet":
            guard let ps else { return false }
            emit(r, .admin, .deletePermissionSet(PermissionSetRef(permissionSetId: ps)))
        case "AttachManagedPolicyToPermissionSet", "DetachManagedPolicyFromPermissionSet":
            guard let ps, let arn = s(q["managedPolicyArn"]) else { return false }
            let a = ManagedPolicyAttachment(permissionSetId: ps, managedPolicyArn: arn)
            emit(r, .admin, r.eventName.hasPrefix("Attach") ? .attachManagedPolicyToPermissionSet(a) : .detachManagedPolicyFromPermissionSet(a))
        case "AttachCustomerManagedPolicyReferenceToPermissionSet", "DetachCustomerManagedPolicyReferenceFromPermissionSet":
            guard let ps, let name = s(q["customerManagedPolicyReference"]?["name"]) else { return false }
            let a = CustomerManagedPolicyAttachment(permissionSetId: ps, reference: CustomerManagedPolicyReference(
                name: name, path: s(q["customerManagedPolicyReference"]?["path"]) ?? "/"))
            emit(r, .admin, r.eventName.hasPrefix("Attach") ? .attachCustomerManagedPolicyReferenceToPermissionSet(a)
                                                            : .detachCustomerManagedPolicyReferenceFromPermissionSet(a))
        case "PutInlinePolicyToPermissionSet":
            guard let ps, let policy = s(q["inlinePolicy"]) else { return false }
            emit(r, .admin, .putInlinePolicyToPermissionSet(PutInlinePolicyToPermissionSet(permissionSetId: ps, inlinePolicy: policy)))
        case "DeleteInlinePolicyFromPermissionSet":
            guard let ps else { return false }
            emit(r, .admin, .deleteInlinePolicyFromPermissionSet(PermissionSetRef(permissionSetId: ps)))
        case "PutPermissionsBoundaryToPermissionSet":
            guard let ps else { return false }
            let b = q["permissionsBoundary"]
            emit(r, .admin, .putPermissionsBoundaryToPermissionSet(PutPermissionsBoundaryToPermissionSet(
                permissionSetId: ps, managedPolicyArn: s(b?["managedPolicyArn"]),
                customerManagedPolicyReference: s(b?["customerManagedPolicyReference"]?["name"]).map {
                    CustomerManagedPolicyReference(name: $0, path: s(b?["customerManagedPolicyReference"]?["path"]) ?? "/") })))
        case "DeletePermissionsBoundaryFromPermissionSet":
            guard let ps else { return false }
            emit(r, .admin, .deletePermissionsBoundaryFromPermissionSet(PermissionSetRef(permissionSetId: ps)))
        case "CreateInstanceAccessControlAttributeConfiguration", "UpdateInstanceAccessControlAttributeConfiguration":
            guard let items = q["instanceAccessControlAttributeConfiguration"]?["accessControlAttributes"]?.elements else { return false }
            let attributes = items.compactMap { item -> AccessControlAttribute? in
                guard let key = s(item["key"]), let sources = item["value"]?["source"]?.elements else { return nil }
                return AccessControlAttribute(key: key, source: sources.compactMap(\.stringValue))
            }
            emit(r, .admin, .putAccessControlAttributeConfiguration(PutAccessControlAttributeConfiguration(attributes: attributes)))
        case "DeleteInstanceAccessControlAttributeConfiguration":
            emit(r, .admin, .putAccessControlAttributeConfiguration(PutAccessControlAttributeConfiguration(attributes: [])))
        case "ProvisionPermissionSet":
            guard let ps else { return false }
            let requestId = s(resp["permissionSetProvisioningStatus"]?["requestId"]) ?? r.eventID
            let targets = s(q["targetId"]).map { [$0] } ?? state.roles.keys.filter { $0.permissionSetId == ps }.map(\.accountId).sorted()
            emit(r, .admin, .provisionPermissionSet(ProvisionPermissionSet(requestId: requestId, permissionSetId: ps, targetAccountIds: targets)))
            let version = state.permissionSets[ps]?.version ?? 1
            for account in targets where state.roles[AccountPermissionSet(account, ps)] != nil {
                emit(r, .system, .permissionSetProvisioned(PermissionSetProvisioningResult(requestId: requestId, permissionSetId: ps, accountId: account,
                                                                                           permissionSetVersion: version)))
            }
            report.assumptions["provisioning taken as done when requested (its completion is not in the trail)", default: 0] += 1
        case "CreateAccountAssignment", "DeleteAccountAssignment":
            guard let ps, let account = s(q["targetId"]), let type = s(q["principalType"]).flatMap(PrincipalType.init(rawValue:)),
                  let principal = s(q["principalId"]) else { return false }
            let create = r.eventName == "CreateAccountAssignment"
            let requestId = s(resp[create ? "accountAssignmentCreationStatus" : "accountAssignmentDeletionStatus"]?["requestId"]) ?? r.eventID
            let bodies = state.immediateAssignment(create: create, requestId: requestId, target: AccountPermissionSet(account, ps),
                                                   principal: Principal(type, principal))
            emit(r, .admin, bodies[0])
            emit(r, .system, bodies[1])
            report.assumptions["assignment taken as done when requested (its completion is not in the trail; AWS's takes seconds)", default: 0] += 1
        default:
            return false
        }
        return true
    }

    /// AssumeRoleWithSAML records by (member account, permission set name from `AWSReservedSSO_<name>_<suffix>`,
    /// second): what the portal's GetRoleCredentials of the same second is paired with.
    struct AssumeKey: Hashable {
        var account: String
        var permissionSetName: String
        var second: String
    }

    private static func assumeKey(_ r: CloudTrailRecordView) -> AssumeKey {
        let name = r.roleArn?.withStringBytes(permissionSetName(ofRoleArn:)) ?? ""
        return AssumeKey(account: r.recipientAccountId, permissionSetName: name, second: r.eventTime)
    }

    /// `<name>` of `AWSReservedSSO_<name>_<suffix>`, the last `/`-separated part of a role's ARN ("" if it has no such name).
    static func permissionSetName(ofRoleArn arn: UnsafeBufferPointer<UInt8>) -> String {
        // As `AWSIdentifiers.lastSegment(of:)`: trailing slashes end no segment.
        var last = arn.count - 1
        while last >= 0, arn[last] == UInt8(ascii: "/") { last -= 1 }
        var start = max(last, 0)
        while start > 0, arn[start - 1] != UInt8(ascii: "/") { start -= 1 }
        let role = last < 0 ? arn : UnsafeBufferPointer(rebasing: arn[start...last])
        guard let first = role.firstIndex(of: UInt8(ascii: "_")), let end = role.lastIndex(of: UInt8(ascii: "_")), first < end else { return "" }
        return String(decoding: UnsafeBufferPointer(rebasing: role[(first + 1)..<end]), as: UTF8.self)
    }

    private mutating func roleCredentials(_ r: CloudTrailRecordView) -> Bool {
        guard let user = portalUser(r) else {
            unknown(r, "credentials for a user the identity store does not hold")
            return true
        }
        let b = body(r)
        let account = s(b?["accountId"]) ?? s(r.accountId) ?? ""
        let setName = s(r.roleName) ?? ""
        guard let ps = s(b?["permissionSetId"]) ?? permissionSetId(named: setName) else {
            unknown(r, "credentials for permission set '\(setName)', which the state does not hold")
            return true
        }
        let target = AccountPermissionSet(account, ps)
        let roleName = s(b?["roleName"]) ?? state.roles[target]?.roleName ?? "AWSReservedSSO_\(setName)"
        let issued = s(b?["issuedAt"]).flatMap(ISO8601.parse) ?? now
        var expires = s(b?["expiresAt"]).flatMap(ISO8601.parse)
        let key = AssumeKey(account: account, permissionSetName: setName, second: r.eventTime)
        if expires == nil, let slot = assumed.index(forKey: key) {
            let paired = assumed.values[slot].paired
            if paired < assumed.values[slot].expiries.count {
                expires = assumed.values[slot].expiries[paired]
                assumed.values[slot].paired += 1
            }
        }
        if expires == nil {
            let bound = state.permissionSets[ps]?.sessionDuration ?? .hours(1)
            expires = issued + bound
            unknown(r, "no AssumeRoleWithSAML in \(account) gives these credentials' expiry; taken as the permission set's session duration (\(bound)), the longest they can last")
        }
        let tags: [Tag]
        if let items = b?["sessionTags"]?.elements {
            tags = items.compactMap { t in s(t["key"]).map { Tag(key: $0, value: s(t["value"]) ?? "") } }
        } else {
            tags = state.principalTags(ofUser: user)
        }
        let session = s(b?["sessionId"]) ?? portalSession(of: user, openAt: issued) ?? "ct-session-unknown"
        let credential = s(b?["credentialId"]) ?? "ct-" + r.eventID
        emit(r, .user, .roleCredentialsIssued(RoleCredentialsIssued(credentialId: credential, userId: user, accountId: account, permissionSetId: ps,
                                                                    roleName: roleName, sessionId: session, issuedAt: issued, expiresAt: expires!,
                                                                    sessionTags: tags)))
        return true
    }

    /// The permission set named `name` (of several, the least id).
    private mutating func permissionSetId(named name: String) -> String? {
        if let byName = permissionSetIdsByName { return byName[name] }
        var byName: [String: String] = [:]
        for set in state.permissionSets.values where byName[set.name].map({ set.permissionSetId < $0 }) ?? true { byName[set.name] = set.permissionSetId }
        permissionSetIdsByName = byName
        return byName[name]
    }

    /// The user's portal session open at `t` that began last (of several begun then, the least id).
    private func portalSession(of user: String, openAt t: Instant) -> String? {
        var found: (startedAt: Instant, id: String)?
        for id in runtime.portalSessionsByUser[user] ?? [] {
            guard let session = runtime.portalSessions[id], session.startedAt <= t, t < session.expiresAt else { continue }
            if let f = found, f.startedAt > session.startedAt || (f.startedAt == session.startedAt && f.id < id) { continue }
            found = (session.startedAt, id)
        }
        return found?.id
    }

    // MARK: Identity store

    private mutating func scimRecord(_ r: CloudTrailRecordView, _ q: CloudTrailJSONView, _ resp: CloudTrailJSONView) -> Bool {
        let b = body(r)
        switch r.eventName {
        case "CreateUser":
            guard let id = s(resp["id"]) else { return false }
            let active = resp["active"]?.boolValue ?? true
            var attributes = UserAttributes(userName: id, givenName: "", familyName: "", displayName: id, email: "")
            if let b, let name = s(b["userName"]) {
                attributes = UserAttributes(userName: name, givenName: s(b["name"]?["givenName"]) ?? "", familyName: s(b["name"]?["familyName"]) ?? "",
                                            displayName: s(b["displayName"]) ?? name,
                                            email: { if let e = b["emails"]?.elements { return s(e.first?["value"]) ?? "" } else { return "" } }())
            } else {
                report.assumptions["user names and attributes hidden by AWS in SCIM records: users named by their id", default: 0] += 1
            }
            emit(r, .scim, .createUser(CreateUser(userId: id, attributes: attributes, active: active)))
        case "PatchUser":
            guard let id = s(q["id"]) else { return false }
            guard let ops = b?["operations"]?.elements else {
                if let hidden = q["httpBody"]?["operations"]?.elements {
                    let paths = hidden.compactMap { s($0["path"]) }.joined(separator: ", ")
                    unknown(r, "SCIM PatchUser of \(id) (\(paths)): AWS hides the values; the user's \(paths.contains("active") ? "status (enabled or disabled) after this is" : "attributes after this are") unknown")
                }
                return true
            }
            emit(r, .scim, .patchUser(PatchUser(userId: id, operations: ops.compactMap { op in
                guard let name = s(op["op"]).flatMap(PatchOperation.Op.init(rawValue:)), let path = s(op["path"]) else { return nil }
                return PatchOperation(op: name, path: path, value: s(op["value"]))
            })))
        case "DeleteUser":
            guard let id = s(q["id"]) else { return false }
            emit(r, .scim, .deleteUser(DeleteUser(userId: id)))
        case "CreateGroup":
            guard let id = s(resp["id"]) else { return false }
            emit(r, .scim, .createGroup(CreateGroup(groupId: id, displayName: s(b?["displayName"]) ?? id)))
            if b == nil { report.assumptions["group names hidden by AWS in SCIM records: groups named by their id", default: 0] += 1 }
        case "PatchGroup":
            guard let id = s(q["id"]) else { return false }
            if let name = s(b?["displayName"]) {
                emit(r, .scim, .updateGroup(UpdateGroup(groupId: id, displayName: name)))
                return true
            }
            guard let b, let added = b["membersAdded"]?.elements, let removed = b["membersRemoved"]?.elements else {
                unknown(r, "SCIM PatchGroup of \(id): AWS hides which members were added or removed; the group's members after this are unknown")
                return true
            }
            emit(r, .scim, .patchGroup(PatchGroup(groupId: id, membersAdded: added.compactMap(\.stringValue), membersRemoved: removed.compactMap(\.stringValue))))
        case "DeleteGroup":
            guard let id = s(q["id"]) else { return false }
            emit(r, .scim, .deleteGroup(DeleteGroup(groupId: id)))
        case "GetUser", "GetGroup", "ListUsers", "ListGroups", "GetSchema", "ListSchemas", "ListResourceTypes", "ServiceProviderConfig":
            return true
        default:
            return false
        }
        return true
    }

    /// The console's identity-store calls (`sso-directory.amazonaws.com`): only those whose records the
    /// sources show (CreateGroup, AddMemberToGroup and its inverse).
    private mutating func directoryConsoleRecord(_ r: CloudTrailRecordView, _ q: CloudTrailJSONView, _ resp: CloudTrailJSONView) -> Bool {
        switch r.eventName {
        case "CreateGroup":
            guard let id = s(resp["group"]?["groupId"]) else { return false }
            let name = s(resp["group"]?["displayName"]).flatMap { $0 == CloudTrailJSON.hidden.stringValue ? nil : $0 } ?? id
            emit(r, .admin, .createGroup(CreateGroup(groupId: id, displayName: name)))
        case "AddMemberToGroup", "RemoveMemberFromGroup":
            guard let group = s(q["groupId"]), let member = s(q["member"]?["memberId"]) else { return false }
            emit(r, .admin, .patchGroup(r.eventName == "AddMemberToGroup" ? PatchGroup(groupId: group, membersAdded: [member])
                                                                          : PatchGroup(groupId: group, membersRemoved: [member])))
        default:
            return false
        }
        return true
    }

    private mutating func identityStoreRecord(_ r: CloudTrailRecordView, _ q: CloudTrailJSONView, _ resp: CloudTrailJSONView) -> Bool {
        switch r.eventName {
        case "CreateUser":
            guard let id = s(resp["userId"]) else { return false }
            let name = s(q["userName"]) ?? id
            emit(r, .admin, .createUser(CreateUser(userId: id, attributes: UserAttributes(
                userName: name, givenName: s(q["name"]?["givenName"]) ?? "", familyName: s(q["name"]?["familyName"]) ?? "",
                displayName: s(q["displayName"]) ?? name, email: ""))))
        case "CreateGroup":
            guard let id = s(resp["groupId"]) else { return false }
            let name = s(q["displayName"]).flatMap { $0 == CloudTrailJSON.hidden.stringValue ? nil : $0 } ?? id
            emit(r, .admin, .createGroup(CreateGroup(groupId: id, displayName: name)))
        case "CreateGroupMembership":
            guard let group = s(q["groupId"]), let user = s(q["memberId"]?["userId"]) else { return false }
            emit(r, .admin, .patchGroup(PatchGroup(groupId: group, membersAdded: [user])))
        case "DeleteUser":
            guard let id = s(q["userId"]) else { return false }
            emit(r, .admin, .deleteUser(DeleteUser(userId: id)))
        case "DeleteGroup":
            guard let id = s(q["groupId"]) else { return false }
            emit(r, .admin, .deleteGroup(DeleteGroup(groupId: id)))
        case "UpdateGroup":
            guard let group = s(q["groupId"]) else { return false }
            guard let ops = q["operations"]?.elements else { return true }
            let renames = ops.filter { s($0["attributePath"])?.lowercased() == "displayname" }
            guard let rename = renames.last else { return true }
            guard let name = s(rename["attributeValue"]), name != CloudTrailJSON.hidden.stringValue else {
                unknown(r, "identitystore UpdateGroup of \(group): the trail hides the new display name")
                return true
            }
            emit(r, .admin, .updateGroup(UpdateGroup(groupId: group, displayName: name)))
        case "DeleteGroupMembership":
            unknown(r, "a membership deleted by its id (\(s(q["membershipId"]) ?? "?")); the trail does not say whose")
        default:
            return false
        }
        return true
    }
}

extension LogMetadata {
    /// What a log begun by `import cloudtrail` records of itself: the default rules, marked as an import.
    public static var cloudTrailImport: LogMetadata {
        LogMetadata(scenario: "import cloudtrail", seed: nil, parameters: AccessRules().parameters.merging(["import": "cloudtrail"]) { a, _ in a })
    }
}
