import AccessLabEvents
import AccessLabProjections
import AccessLabQuery
import Foundation

/// `/_accesslab/`: what stands in for the world outside AWS. The virtual clock, a user approving a
/// sign-in in the browser, and "may these credentials do this now?" answered by the policy evaluator.
extension ServedOrganization {
    func control(_ request: ServeRequest, requestId: String) -> ServeResponse {
        let route = String(request.path.dropFirst("/_accesslab/".count))
        do throws(ServiceError) {
            let body = request.body.isEmpty ? [:] : try object(request.bodyData)
            let answer: [String: Any]
            switch (request.method, route) {
            case ("GET", "clock"): answer = clockAnswer()
            case ("POST", "clock"): answer = try moveClock(body)
            case ("POST", "signin"):
                answer = try writing(requestId, caller: "accesslab-control", source: request.source, operation: "SignIn") { () throws(ServiceError) in
                    try signIn(body)
                }
            case ("POST", "authorize"): answer = try authorize(body)
            case ("GET", "health"): answer = ["ok": true, "seq": Int(state.seq)]
            default: throw ServiceError("NotFound", "no control call \(request.method) /_accesslab/\(route); there are GET clock, POST clock, POST signin, POST authorize", status: 404)
            }
            let data = (try? JSONSerialization.data(withJSONObject: answer, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
            return ServeResponse.json(data)
        } catch {
            return error.restJSON()
        }
    }

    func clockAnswer() -> [String: Any] {
        ["now": clock.description, "epochMillis": Int(clock.ms), "seq": Int(state.seq)]
    }

    func moveClock(_ body: [String: Any]) throws(ServiceError) -> [String: Any] {
        let target: Instant
        if let text = body["advance"] as? String {
            guard let d = Duration_ms(parsing: text), d.ms >= 0 else { throw ServiceError.validation("advance is a duration: 45m, 1h30m, 2d") }
            target = clock + d
        } else if let text = body["to"] as? String {
            guard let t = ISO8601.parseWritten(text) else { throw ServiceError.validation("to is an ISO-8601 time: 2026-01-05T10:00:00Z") }
            target = t
        } else {
            throw ServiceError.validation("POST clock takes {\"advance\": \"45m\"} or {\"to\": \"2026-01-05T10:00:00Z\"}")
        }
        let before = state.seq
        try advance(to: target)
        var answer = clockAnswer()
        answer["events"] = Int(state.seq - before)
        return answer
    }

    /// The user approves a sign-in (a device code, when given, is bound to the session).
    func signIn(_ body: [String: Any]) throws(ServiceError) -> [String: Any] {
        guard let who = (body["userName"] ?? body["userId"]) as? String else { throw ServiceError.validation("signin needs userName (or userId)") }
        let userId = names.user(who, state, ids: ids)
            ?? state.identityCenter.users.values.filter { $0.attributes.userName.lowercased() == who.lowercased() }.map(\.userId).sorted().last
        guard let userId else { throw ServiceError("UserNotFound", "no user \(who) in Identity Center", status: 404) }
        var device: String?
        if let code = body["userCode"] as? String {
            guard let d = oidc.deviceCode(forUserCode: code), oidc.devices[d]?.sessionId == nil else {
                throw ServiceError("InvalidUserCode", "no pending device authorization with user code \(code)", status: 400)
            }
            device = d
        }
        let outcome: Result<PortalSession, AccessRules.Refusal>
        do { outcome = try simulation.serveSignIn(userId: userId) } catch { throw ServiceError.internalFailure("\(error)") }
        switch outcome {
        case .failure(let refusal):
            throw ServiceError("SignInRefused", "Identity Center refused the sign-in: \(refusal.rawValue)", status: 403)
        case .success(let session):
            if let device { oidc.devices[device]?.sessionId = session.sessionId }
            return ["userId": ids.userId(userId), "sessionId": session.sessionId, "expiresAt": session.expiresAt.description]
        }
    }

    /// `{"accessKeyId": ..., "action": "s3:GetObject", "resource": "arn:..."}`: the evaluator's decision
    /// for the role session those credentials stand for, now, with the statements that decided it.
    func authorize(_ body: [String: Any]) throws(ServiceError) -> [String: Any] {
        guard let key = body["accessKeyId"] as? String, let action = body["action"] as? String else {
            throw ServiceError.validation("authorize needs accessKeyId and action (resource is optional)")
        }
        guard let credential = names.credential(forAccessKey: key, state, ids: ids) else {
            throw ServiceError("InvalidClientTokenId", "no role credentials with access key \(key)", status: 403)
        }
        let resource = body["resource"] as? String
        let context = (body["context"] as? [String: String]) ?? [:]
        let verdict = decide(credential, action: action, resource: resource, context: context)
        var answer: [String: Any] = ["decision": verdict.decision, "at": clock.description, "action": action, "resource": resource ?? "*",
                                     "accountId": ids.accountId(credential.target.accountId), "roleName": credential.roleName]
        if let reason = verdict.reason { answer["reason"] = reason }
        answer["statements"] = verdict.statements.map { ["source": $0.source, "policy": $0.policy, "index": $0.index, "sid": $0.sid ?? "", "effect": $0.effect] }
        return answer
    }

    struct Verdict {
        var decision: String
        var reason: String?
        var statements: [Explanation.StatementText]
    }

    /// The decision for a request made with `credential` now: expired credentials decide nothing.
    func decide(_ credential: RoleCredential, action: String, resource: String?, context: [String: String]) -> Verdict {
        guard isLive(credential) else {
            return Verdict(decision: "ExpiredToken", reason: "the credentials expired at \(credential.expiresAt)", statements: [])
        }
        let explanation = Explanation.build(state, rules: simulation.rules, at: clock, userId: credential.userId, accountId: credential.target.accountId,
                                            action: action, resource: resource, extraContext: context)
        guard let path = explanation.paths.first(where: { $0.permissionSetId == credential.target.permissionSetId }) else {
            return Verdict(decision: "ImplicitlyDenied", reason: "the role no longer exists in the account", statements: [])
        }
        return Verdict(decision: path.decision, reason: path.reason, statements: path.statements)
    }
}
