import AccessLabAWS
import AccessLabEvents
import AccessLabProjections
import Foundation

/// OIDC clients, device authorisations and tokens (`sso-oidc`), kept by the server: what the log keeps
/// of a sign-in is the portal session the user's approval opened.
struct OIDCState {
    struct Device {
        var clientId: String
        var userCode: String
        var expiresAt: Instant
        var sessionId: String?
        var redeemed = false
    }
    var clients: [String: String] = [:]
    var devices: [String: Device] = [:]
    /// Access and refresh tokens, each to its portal session and (access tokens) expiry.
    var accessTokens: [String: (sessionId: String, expiresAt: Instant)] = [:]
    var refreshTokens: [String: String] = [:]

    func deviceCode(forUserCode code: String) -> String? {
        devices.first { $0.value.userCode == code }?.key
    }
}

enum OIDCRoutes {
    static func handles(_ r: ServeRequest) -> Bool {
        r.method == "POST" && ["/client/register", "/device_authorization", "/token"].contains(r.path)
    }
}

enum PortalRoutes {
    static func handles(_ r: ServeRequest) -> Bool {
        ["/assignment/accounts", "/assignment/roles", "/federation/credentials", "/logout"].contains(r.path)
    }
}

extension ServedOrganization {
    typealias O = AWS.SSOOIDC
    typealias P = AWS.SSOPortal

    func decodeBody<T: Decodable>(_ type: T.Type, _ request: ServeRequest) throws(ServiceError) -> T {
        do { return try AWSWireJSON.decode(type, from: request.body.isEmpty ? Data("{}".utf8) : request.bodyData) } catch {
            throw ServiceError("InvalidRequestException", "the request body is not a valid \(T.self): \(error)")
        }
    }

    func restAnswer<T: AWSJSONWritable>(_ value: T) -> ServeResponse { ServeResponse.json(Data(AWSWireJSON.stream(value))) }

    func oidcRoute(_ request: ServeRequest, requestId: String) -> ServeResponse {
        do throws(ServiceError) {
            switch request.path {
            case "/client/register":
                let r = try decodeBody(O.RegisterClientRequest.self, request)
                guard r.clientType == "public" else { throw ServiceError("InvalidClientMetadataException", "clientType must be public") }
                let n = next("oidc-client")
                let id = ids.token(kind: "oidc-client", name: String(n), count: 22)
                let secret = ids.token(kind: "oidc-secret", name: String(n), count: 64)
                oidc.clients[id] = secret
                let issued = Int(clock.ms / 1000)
                return try restAnswer(O.RegisterClientResponse(clientId: id, clientSecret: secret, clientIdIssuedAt: issued, clientSecretExpiresAt: issued + 90 * 86_400))
            case "/device_authorization":
                let r = try decodeBody(O.StartDeviceAuthorizationRequest.self, request)
                try checkClient(r.clientId, r.clientSecret)
                let n = next("device")
                let code = ids.token(kind: "device-code", name: String(n), count: 40)
                let user = ids.token(kind: "user-code", name: String(n), count: 8).uppercased()
                let userCode = "\(user.prefix(4))-\(user.suffix(4))"
                oidc.devices[code] = OIDCState.Device(clientId: r.clientId, userCode: userCode, expiresAt: clock + .minutes(10))
                return try restAnswer(O.StartDeviceAuthorizationResponse(
                    deviceCode: code, userCode: userCode, verificationUri: "\(r.startUrl)#/device",
                    verificationUriComplete: "\(r.startUrl)#/device?user_code=\(userCode)", expiresIn: 600, interval: 1))
            default:
                return try createToken(try decodeBody(O.CreateTokenRequest.self, request), requestId: requestId, source: request.source)
            }
        } catch {
            return error.restJSON()
        }
    }

    func checkClient(_ id: String, _ secret: String) throws(ServiceError) {
        guard oidc.clients[id] == secret else { throw ServiceError("InvalidClientException", "Invalid client credentials", status: 401) }
    }

    /// CreateToken: the device-code grant once the user approved, and the refresh grant while the
    /// portal session lives and the user may still sign in (the sign-in cache is the rules' to judge).
    func createToken(_ r: O.CreateTokenRequest, requestId: String, source: String) throws(ServiceError) -> ServeResponse {
        try checkClient(r.clientId, r.clientSecret)
        let sessionId: String
        switch r.grantType {
        case "urn:ietf:params:oauth:grant-type:device_code":
            guard let code = r.deviceCode, let device = oidc.devices[code], device.clientId == r.clientId, !device.redeemed else {
                throw ServiceError("InvalidGrantException", "Invalid device code")
            }
            guard clock < device.expiresAt else { throw ServiceError("ExpiredTokenException", "The device code expired") }
            guard let s = device.sessionId else { throw ServiceError("AuthorizationPendingException", "The user has not approved the sign-in yet") }
            oidc.devices[code]?.redeemed = true
            sessionId = s
        case "refresh_token":
            guard let token = r.refreshToken, let s = oidc.refreshTokens[token] else { throw ServiceError("InvalidGrantException", "Invalid refresh token") }
            sessionId = s
        default:
            throw ServiceError("UnsupportedGrantTypeException", "grant type \(r.grantType) is not supported")
        }
        guard let session = state.portalSessions[sessionId] else { throw ServiceError("InvalidGrantException", "The session ended") }
        if case .failure(let refusal) = simulation.rules.mintSession(state, userId: session.userId, at: clock) {
            throw ServiceError("InvalidGrantException", "The session can no longer issue tokens: \(refusal.rawValue)")
        }
        let n = next("access-token")
        let access = ids.accessToken(sessionId: "\(sessionId)#\(n)")
        let expires = min(clock + simulation.rules.cliTokenLifetime, session.expiresAt)
        try writing(requestId, caller: ids.userId(session.userId), source: source, operation: "CreateToken") { () throws(ServiceError) in
            simulation.record(.createToken(CreateToken(userId: session.userId, sessionId: sessionId,
                                                       grant: r.grantType == "refresh_token" ? .refreshToken : .deviceCode, expiresAt: expires)), actor: .user)
        }
        oidc.accessTokens[access] = (sessionId, expires)
        let refresh = "aor" + ids.token(kind: "refresh-token", name: "\(sessionId)#\(n)", count: 60)
        oidc.refreshTokens[refresh] = sessionId
        return try restAnswer(O.CreateTokenResponse(accessToken: access, tokenType: "Bearer", expiresIn: Int((expires - clock).ms / 1000), refreshToken: refresh))
    }

    /// An expiry as the client's own clock must read it: SDKs compare credential expiries with the wall
    /// clock, so the remaining virtual lifetime is added to the wall clock's now. The log keeps virtual time.
    func clientExpiry(_ expiresAt: Instant) -> Int {
        Int((configuration.wallClock().timeIntervalSince1970 * 1000).rounded()) + Int((expiresAt - clock).ms)
    }

    /// The portal session behind a bearer token, if it may still be used now.
    func portalUser(_ request: ServeRequest) throws(ServiceError) -> (userId: String, sessionId: String) {
        guard let token = request.header("x-amz-sso_bearer_token"), let entry = oidc.accessTokens[token], clock < entry.expiresAt,
              let session = state.portalSessions[entry.sessionId] else {
            throw ServiceError("UnauthorizedException", "Session token not found or invalid", status: 401)
        }
        if case .failure = simulation.rules.mintSession(state, userId: session.userId, at: clock) {
            throw ServiceError("UnauthorizedException", "Session token not found or invalid", status: 401)
        }
        return (session.userId, entry.sessionId)
    }

    func portalRoute(_ request: ServeRequest, requestId: String) -> ServeResponse {
        do throws(ServiceError) {
            let (userId, sessionId) = try portalUser(request)
            let maxResults = request.queryValue("max_result").flatMap(Int.init)
            let token = request.queryValue("next_token")
            let entitled = state.identityCenter.users[userId]?.status == .active ? state.entitledTargets(ofUser: userId) : []
            switch request.path {
            case "/assignment/accounts":
                let accounts = Array(Set(entitled.map(\.accountId))).sorted().map { a in
                    P.AccountInfo(accountId: ids.accountId(a), accountName: state.organization.accounts[a]?.name,
                                  emailAddress: "aws+\(state.organization.accounts[a]?.name ?? a)@example.com")
                }
                let p = try page(accounts, token: token, max: maxResults, operation: "ListAccounts")
                return try restAnswer(P.ListAccountsResponse(nextToken: p.next, accountList: p.items))
            case "/assignment/roles":
                let account = try self.account(request.queryValue("account_id") ?? "")
                let roles = entitled.filter { $0.accountId == account }.compactMap { state.permissionSets[$0.permissionSetId]?.name }.sorted()
                    .map { P.RoleInfo(roleName: $0, accountId: ids.accountId(account)) }
                let p = try page(roles, token: token, max: maxResults, operation: "ListAccountRoles")
                return try restAnswer(P.ListAccountRolesResponse(nextToken: p.next, roleList: p.items))
            case "/federation/credentials":
                guard let roleName = request.queryValue("role_name"), let accountText = request.queryValue("account_id") else {
                    throw ServiceError("InvalidRequestException", "role_name and account_id are required")
                }
                let account = try self.account(accountText)
                guard let ps = state.permissionSets.values.sorted(by: { $0.permissionSetId < $1.permissionSetId }).first(where: { $0.name == roleName }) else {
                    throw ServiceError("ForbiddenException", "No access", status: 403)
                }
                let credential = try writing(requestId, caller: ids.userId(userId), source: request.source, operation: "GetRoleCredentials") { () throws(ServiceError) -> RoleCredential in
                    let outcome: Result<RoleCredential, AccessRules.Refusal>
                    do { outcome = try simulation.serveRoleCredentials(userId: userId, target: AccountPermissionSet(account, ps.permissionSetId)) } catch {
                        throw ServiceError.internalFailure("\(error)")
                    }
                    switch outcome {
                    case .success(let c): return c
                    case .failure(.notEntitled): throw ServiceError("ForbiddenException", "No access", status: 403)
                    case .failure: throw ServiceError("UnauthorizedException", "Session token not found or invalid", status: 401)
                    }
                }
                return try restAnswer(P.GetRoleCredentialsResponse(roleCredentials: P.RoleCredentials(
                    accessKeyId: ids.accessKeyId(credentialId: credential.credentialId), secretAccessKey: ids.secretAccessKey(credentialId: credential.credentialId),
                    sessionToken: ids.sessionToken(credentialId: credential.credentialId), expiration: clientExpiry(credential.expiresAt))))
            default:
                _ = try writing(requestId, caller: ids.userId(userId), source: request.source, operation: "Logout") { () throws(ServiceError) in
                    simulation.serveLogout(sessionId: sessionId)
                }
                oidc.accessTokens = oidc.accessTokens.filter { $0.value.sessionId != sessionId }
                return ServeResponse(status: 200)
            }
        } catch {
            return error.restJSON()
        }
    }
}
