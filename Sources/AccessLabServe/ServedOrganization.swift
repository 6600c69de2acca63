import AccessLabAWS
import AccessLabEvents
import AccessLabLog
import AccessLabProjections
import AccessLabQuery
import AccessLabSimulation
import Crypto
import Foundation

/// What clients must present: the AWS key pair admin calls are signed with, and the SCIM bearer token.
public struct ServeCredentials: Sendable, Codable, Equatable {
    public var accessKeyId: String
    public var secretAccessKey: String
    public var scimToken: String

    /// Derived from the organisation, so the same scenario always prints the same pair.
    public init(ids: AWSIdentifiers) {
        accessKeyId = "AKIA" + ids.token(kind: "admin-key", name: "accesslab", count: 16).uppercased()
        secretAccessKey = ids.token(kind: "admin-secret", name: "accesslab", count: 40)
        scimToken = ids.token(kind: "scim-token", name: "accesslab", count: 64)
    }
}

public struct ServeConfiguration: Sendable {
    public var region: String
    /// sso-admin calls a wall-clock second (Identity Center's shared TPS); nil: no limit.
    public var transactionsPerSecond: Int?
    /// SCIM requests a wall-clock second before 429; nil: no limit (AWS publishes no SCIM rate).
    public var scimRequestsPerSecond: Int?
    /// The wall clock: only for `X-Amz-Date` and the TPS limit, never for the log.
    public var wallClock: @Sendable () -> Date
    public var maxBodyBytes: Int

    public init(region: String = ReservedRoleIdentifiers.defaultRegion, transactionsPerSecond: Int? = 20, scimRequestsPerSecond: Int? = nil,
                wallClock: @escaping @Sendable () -> Date = { Date() }, maxBodyBytes: Int = 1 << 20) {
        self.region = region; self.transactionsPerSecond = transactionsPerSecond; self.scimRequestsPerSecond = scimRequestsPerSecond
        self.wallClock = wallClock; self.maxBodyBytes = maxBodyBytes
    }
}

/// Who made a request, as recorded beside the events it caused.
struct Caller {
    var arn: String
    /// The role credential a member-account call was signed with.
    var credential: RoleCredential?
}

/// The organisation behind `serve`: each request is routed by protocol to its service, checked,
/// turned into events on the simulation at the current virtual time and committed before it is
/// answered. Not thread-safe: the HTTP layer hands it one request at a time.
public final class ServedOrganization {
    public let simulation: Simulation
    public let ids: AWSIdentifiers
    public let credentials: ServeCredentials
    let configuration: ServeConfiguration
    var names: ReverseNames
    var requests = RequestTable()
    var oidc = OIDCState()
    var counters: [String: Int] = [:]
    /// When each user and group was created and last changed, by id in the log (SCIM's `meta`).
    var identityStoreTimes: [String: (created: Instant, lastModified: Instant)] = [:]
    /// Each user's and group's `Revision`, read from the log at the start and kept as events arrive.
    var revisions = IdentityStoreRevisions()
    var awsUserIds: [String: String] = [:]
    /// seq, request id, caller, source and operation of each event since the last commit.
    var provenance: [String] = []
    var current: (requestId: String, caller: String, source: String, operation: String)?
    let provenanceFile: String?
    var tps: WallClockBucket?
    var scimRate: WallClockBucket?
    var signingKeys = SigV4.SigningKeys()
    /// The identity store's users in id order, kept until a directory event changes them.
    var sortedUsers: [String]?
    /// Set when a commit failed: the log and the state no longer agree, so nothing more is accepted.
    var broken: String?

    public init(simulation: Simulation, configuration: ServeConfiguration = ServeConfiguration(), provenanceFile: String? = nil) {
        self.simulation = simulation
        self.configuration = configuration
        self.provenanceFile = provenanceFile
        ids = AWSIdentifiers(state: simulation.state, region: configuration.region)
        credentials = ServeCredentials(ids: ids)
        names = ReverseNames()
        tps = configuration.transactionsPerSecond.map { WallClockBucket(perSecond: $0) }
        scimRate = configuration.scimRequestsPerSecond.map { WallClockBucket(perSecond: $0) }
        simulation.observer = { [unowned self] event in self.observe(event) }
        names.rebuild(simulation.state, ids: ids)
        seedIdentityStoreTimes()
        do {
            try simulation.waitWritten(through: simulation.state.seq)
            revisions = try IdentityStoreRevisions.read(from: simulation.eventLog, through: simulation.state.seq)
        } catch { broken = "reading the log failed: \(error)" }
    }

    public var state: AccessState { _read { yield simulation.state } }
    public var clock: Instant { simulation.clock }

    /// The next deterministic number of a kind (request ids, served users, OIDC clients).
    func next(_ kind: String) -> Int {
        let n = (counters[kind] ?? 0) + 1
        counters[kind] = n
        return n
    }

    // MARK: Handling

    /// Answers a request once everything it wrote is in the log.
    public func handle(_ request: ServeRequest) -> ServeResponse {
        var response = answer(request)
        if let seq = response.durableThrough {
            do { try simulation.waitWritten(through: seq) } catch {
                broken = "writing the log failed: \(error)"
                response = ServiceError.internalFailure(broken!).restJSON()
            }
        }
        return response
    }

    /// Answers a request; when it wrote, `durableThrough` names the event the caller must wait for
    /// (`durability`) before sending the answer. Writes of concurrent requests then share a transaction.
    public func answer(_ request: ServeRequest) -> ServeResponse {
        let requestId = ids.uuid(kind: "http-request", name: String(next("http-request")))
        let before = state.seq
        var response = route(request, requestId: requestId)
        response.headers.append(("x-amzn-requestid", requestId))
        if state.seq > before { response.durableThrough = state.seq }
        return response
    }

    public var durability: Durability { simulation.durability }

    /// Stops accepting writes and waits for the log to hold everything.
    public func stop() throws { try simulation.stopServing() }

    func route(_ request: ServeRequest, requestId: String) -> ServeResponse {
        if request.body.count > configuration.maxBodyBytes {
            let error = ServiceError("RequestEntityTooLargeException", "request body of \(request.body.count) bytes exceeds \(configuration.maxBodyBytes)", status: 413)
            return request.path.hasPrefix("/scim/v2") ? ServiceError("", error.message, status: 413).scim() : error.restJSON()
        }
        if let broken {
            return ServiceError.internalFailure("the server stopped accepting requests: \(broken)").restJSON()
        }
        let path = request.path
        if path.hasPrefix("/_accesslab/") { return control(request, requestId: requestId) }
        if path.hasPrefix("/scim/v2") { return scim(request, requestId: requestId) }
        if let target = request.header("x-amz-target") { return json11(request, target: target, requestId: requestId) }
        if OIDCRoutes.handles(request) { return oidcRoute(request, requestId: requestId) }
        if PortalRoutes.handles(request) { return portalRoute(request, requestId: requestId) }
        if request.method == "POST", request.header("content-type")?.hasPrefix("application/x-www-form-urlencoded") == true
            || (request.method == "GET" && request.queryValue("Action") != nil) {
            return queryProtocol(request, requestId: requestId)
        }
        return ServiceError("UnknownOperationException", "no AccessLab route for \(request.method) \(path)", status: 404).restJSON()
    }

    /// Runs `body` for a request that may write: what it emitted is committed before the answer, and
    /// recorded with the request id, the caller and the source.
    func writing<T>(_ requestId: String, caller: String, source: String, operation: String, _ body: () throws(ServiceError) -> T) throws(ServiceError) -> T {
        current = (requestId, caller, source, operation)
        defer { current = nil }
        // A refusal is an answer and may be an event too (a refused sign-in is logged): commit either way.
        let result = Result { () throws(ServiceError) -> T in try body() }
        do {
            try simulation.commit()
        } catch {
            broken = "writing the log failed: \(error)"
            throw ServiceError.internalFailure(broken!)
        }
        flushProvenance()
        return try result.get()
    }

    func observe(_ event: Event) {
        requests.observe(event)
        switch event.type {
        case .CreateUser, .PatchUser, .DeleteUser: sortedUsers = nil
        default: break
        }
        noteIdentityStoreChange(event)
        revisions.note(event)
        if case .roleCredentialsIssued(let c) = event.body, let credential = state.credentials[c.credentialId] {
            names.remember(credential, ids: ids)
        }
        if let c = current { provenance.append("\(event.seq)\t\(c.requestId)\t\(c.caller)\t\(c.source)\t\(c.operation)\n") }
    }

    func flushProvenance() {
        guard !provenance.isEmpty else { return }
        defer { provenance.removeAll(keepingCapacity: true) }
        guard let file = provenanceFile else { return }
        if !FileManager.default.fileExists(atPath: file) { FileManager.default.createFile(atPath: file, contents: nil) }
        guard let handle = FileHandle(forWritingAtPath: file) else { return }
        defer { try? handle.close() }
        _ = try? handle.seekToEnd()
        try? handle.write(contentsOf: Data(provenance.joined().utf8))
    }

    /// Advances the virtual clock, running what falls due (provisioning, expiries, actors).
    public func advance(to time: Instant) throws(ServiceError) {
        guard time >= clock else { throw ServiceError.validation("the virtual clock only moves forward (now \(clock))") }
        do { try simulation.advance(to: time) } catch {
            broken = "advancing the clock failed: \(error)"
            throw ServiceError.internalFailure(broken!)
        }
        flushProvenance()
    }

    // MARK: Authentication

    /// Checks the SigV4 signature of an AWS API request and says who signed it.
    func authenticate(_ request: ServeRequest, errors: SignatureErrors) throws(ServiceError) -> Caller {
        let claim: SigV4.Claim
        switch SigV4.claim(request) {
        case .success(let c): claim = c
        case .failure(.missing): throw ServiceError(errors.missing, "Request is missing Authentication Token", status: 403)
        case .failure(let f): throw ServiceError(errors.malformed, "\(f)", status: 400)
        }
        let secret: String
        var caller: Caller
        if claim.accessKeyId == credentials.accessKeyId {
            secret = credentials.secretAccessKey
            caller = Caller(arn: "arn:aws:iam::\(ids.namespace):user/accesslab-admin")
        } else if let credential = names.credential(forAccessKey: claim.accessKeyId, state, ids: ids) {
            secret = ids.secretAccessKey(credentialId: credential.credentialId)
            guard request.header("x-amz-security-token") == ids.sessionToken(credentialId: credential.credentialId) else {
                throw ServiceError(errors.unknownKey, "The security token included in the request is invalid.", status: 403)
            }
            let userName = state.identityCenter.users[credential.userId]?.attributes.userName ?? credential.userId
            caller = Caller(arn: ReservedRoleIdentifiers.sessionArn(accountId: ids.accountId(credential.target.accountId),
                                                                     roleName: credential.roleName, sessionName: userName),
                            credential: credential)
        } else {
            throw ServiceError(errors.unknownKey, "The security token included in the request is invalid.", status: 403)
        }
        switch SigV4.verify(request, claim: claim, secret: secret, now: configuration.wallClock(), keys: &signingKeys) {
        case nil: break
        case .expired(let m)?: throw ServiceError(errors.mismatch, m, status: 403)
        case .malformed(let m)?: throw ServiceError(errors.malformed, m, status: 400)
        default:
            throw ServiceError(errors.mismatch, "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.", status: 403)
        }
        if let credential = caller.credential, !isLive(credential) {
            throw ServiceError("ExpiredToken", "The security token included in the request is expired", status: 400)
        }
        return caller
    }

    /// Role credentials still answer: in the state (not expired by an event) and before their expiry now.
    func isLive(_ credential: RoleCredential) -> Bool {
        state.credentials[credential.credentialId] != nil && clock < credential.expiresAt
    }

    /// Error codes each protocol answers authentication failures with.
    struct SignatureErrors {
        var missing: String, malformed: String, unknownKey: String, mismatch: String
        static let json = SignatureErrors(missing: "MissingAuthenticationTokenException", malformed: "IncompleteSignatureException",
                                          unknownKey: "UnrecognizedClientException", mismatch: "InvalidSignatureException")
        static let query = SignatureErrors(missing: "MissingAuthenticationToken", malformed: "IncompleteSignature",
                                           unknownKey: "InvalidClientTokenId", mismatch: "SignatureDoesNotMatch")
    }

    // MARK: JSON 1.1 (sso-admin, identitystore, organizations)

    func json11(_ request: ServeRequest, target: String, requestId: String) -> ServeResponse {
        let parts = target.split(separator: ".", maxSplits: 1).map(String.init)
        guard request.method == "POST", parts.count == 2 else {
            return ServiceError("UnknownOperationException", "X-Amz-Target \(target) names no operation").json11()
        }
        let table: [String: JSONOperation]
        switch parts[0] {
        case AWS.SSOAdmin.service.targetPrefix: table = Self.ssoAdminOperations
        case AWS.IdentityStore.service.targetPrefix: table = Self.identityStoreOperations
        case AWS.Organizations.service.targetPrefix: table = Self.organizationsOperations
        default: return ServiceError("UnknownOperationException", "no service answers X-Amz-Target prefix \(parts[0])").json11()
        }
        guard let operation = table[parts[1]] else {
            return ServiceError("UnknownOperationException", "\(parts[0]) has no operation \(parts[1]) in AccessLab").json11()
        }
        do throws(ServiceError) {
            let caller = try authenticate(request, errors: .json)
            if parts[0] == AWS.SSOAdmin.service.targetPrefix, var bucket = tps {
                let allowed = bucket.take(at: configuration.wallClock())
                tps = bucket
                if !allowed { throw ServiceError("ThrottlingException", "Rate exceeded", status: 400) }
            }
            let call = JSONCall(server: self, body: request.body.isEmpty ? Data("{}".utf8) : request.bodyData, caller: caller,
                                requestId: requestId, source: request.source, operation: parts[1])
            let data = try operation(call)
            return ServeResponse.json(data, contentType: "application/x-amz-json-1.1")
        } catch {
            return error.json11()
        }
    }
}

/// One JSON 1.1 call as an operation sees it.
struct JSONCall {
    let server: ServedOrganization
    let body: Data
    let caller: Caller
    let requestId: String
    let source: String
    let operation: String

    func decode<T: Decodable>(_ type: T.Type) throws(ServiceError) -> T {
        do { return try AWSWireJSON.decode(type, from: body) } catch let error as DecodingError {
            switch error {
            case .dataCorrupted(let c) where c.codingPath.isEmpty:
                throw ServiceError("SerializationException", "the body is not valid JSON")
            case .keyNotFound(let key, let c):
                throw ServiceError.validation("1 validation error detected: Value null at '\((c.codingPath + [key]).map(\.stringValue).joined(separator: "."))' failed to satisfy constraint: Member must not be null")
            case .typeMismatch(_, let c), .valueNotFound(_, let c), .dataCorrupted(let c):
                throw ServiceError("SerializationException", "Value at '\(c.codingPath.map(\.stringValue).joined(separator: "."))' is not of the expected type: \(c.debugDescription)")
            @unknown default:
                throw ServiceError("SerializationException", "\(error)")
            }
        } catch {
            throw ServiceError("SerializationException", "\(error)")
        }
    }

    func encode<T: AWSJSONWritable>(_ value: T) -> Data { Data(AWSWireJSON.stream(value)) }

    /// Decodes, runs `body` as a write (committed before the answer), encodes.
    func write<I: Decodable, O: AWSJSONWritable>(_ type: I.Type, _ body: (I) throws(ServiceError) -> O) throws(ServiceError) -> Data {
        let input = try decode(type)
        let output = try server.writing(requestId, caller: caller.arn, source: source, operation: operation) { () throws(ServiceError) -> O in
            try body(input)
        }
        return encode(output)
    }

    func read<I: Decodable, O: AWSJSONWritable>(_ type: I.Type, _ body: (I) throws(ServiceError) -> O) throws(ServiceError) -> Data {
        encode(try body(try decode(type)))
    }
}

typealias JSONOperation = @Sendable (JSONCall) throws(ServiceError) -> Data

/// A token bucket on the wall clock, for Identity Center's API rate (which a client meets in real time).
struct WallClockBucket {
    let perSecond: Int
    var tokens: Double
    var last: Date?
    init(perSecond: Int) { self.perSecond = perSecond; tokens = Double(perSecond) }
    mutating func take(at now: Date) -> Bool {
        if let last { tokens = min(Double(perSecond), tokens + now.timeIntervalSince(last) * Double(perSecond)) }
        last = now
        guard tokens >= 1 else { return false }
        tokens -= 1
        return true
    }
}

/// What a request's fixed costs are, measured in-process (`bench --only serve` prints them).
public enum ServeCosts {
    /// Mean microseconds of: verifying a SigV4 signature, decoding a small JSON request, encoding a small answer.
    public static func measure(_ served: ServedOrganization, _ request: ServeRequest, rounds: Int) -> [(String, Double)] {
        let clock = ContinuousClock()
        func time(_ body: () -> Void) -> Double {
            let t = clock.now
            for _ in 0..<rounds { body() }
            let d = clock.now - t
            return ((Double(d.components.seconds) * 1e6 + Double(d.components.attoseconds) / 1e12) / Double(rounds) * 10).rounded() / 10
        }
        var keys = SigV4.SigningKeys()
        let claim = (try? SigV4.claim(request).get())!
        let secret = served.credentials.secretAccessKey, now = served.configuration.wallClock()
        let ps = served.state.permissionSets.values.sorted { $0.permissionSetId < $1.permissionSetId }.first!
        let answer = AWS.SSOAdmin.DescribePermissionSetResponse(permissionSet: served.describe(ps))
        let users = Array(served.state.identityCenter.users.values.sorted { $0.userId < $1.userId }.prefix(10))
        let shaped = users.map(served.awsUser)
        return [
            ("sigv4 verify (key cached)", time { _ = SigV4.verify(request, claim: claim, secret: secret, now: now, keys: &keys) }),
            ("json decode request", time { _ = try? AWSWireJSON.decode(AWS.SSOAdmin.DescribePermissionSetRequest.self, from: request.bodyData) }),
            ("json encode answer", time { _ = AWSWireJSON.stream(answer) }),
            ("request id", time { _ = served.ids.uuid(kind: "http-request", name: "12345") }),
            ("authenticate", time { _ = try? served.authenticate(request, errors: .json) }),
            ("operation alone", time {
                let call = JSONCall(server: served, body: request.bodyData, caller: Caller(arn: "x"), requestId: "r", source: "s", operation: "DescribePermissionSet")
                _ = try? ServedOrganization.ssoAdminOperations["DescribePermissionSet"]!(call)
            }),
            ("permissionSet(arn:)", time { _ = try? served.permissionSet(arn: served.ids.permissionSetArn(ps.permissionSetId)) }),
            ("whole answer", time { _ = served.answer(request) }),
            ("ListUsers: shape 10 users", time { _ = users.map(served.awsUser) }),
            ("ListUsers: encode 10 users", time { _ = AWSWireJSON.stream(AWS.IdentityStore.ListUsersResponse(users: shaped)) }),
        ]
    }
}
