import AccessLabEvents
import AccessLabProjections

/// The credentials and portal sessions of a CloudTrail replay, as far as the replay reads them: when each ends,
/// and each user's sessions with their starts. Kept apart from the replayed `AccessState` (nothing the import asks
/// of that state reads them), where each of these events, most of a trail's, hashed its ids several times over.
struct CredentialsAndSessions {
    /// When each credential ends, by id.
    private(set) var credentialEnds: [String: Instant]
    /// When each portal session began and ends, by id.
    private(set) var portalSessions: [String: (startedAt: Instant, expiresAt: Instant)]
    private(set) var portalSessionsByUser: [String: Set<String>]

    init(_ state: AccessState) {
        credentialEnds = state.credentials.mapValues(\.expiresAt)
        portalSessions = state.portalSessions.mapValues { ($0.startedAt, $0.expiresAt) }
        portalSessionsByUser = state.portalSessionsByUser
    }

    /// Ends credential `id` if it still ends at `t` (nothing ended it first), as `apply` folds its expiry: true if it
    /// did. One lookup of the id, where a check and then `apply` took two.
    mutating func endCredential(_ id: String, endingAt t: Instant) -> Bool {
        guard let i = credentialEnds.index(forKey: id), credentialEnds.values[i] == t else { return false }
        credentialEnds.remove(at: i)
        return true
    }

    /// Ends the user's portal session `id` if it still expires at `t`, as `apply` folds its end: true if it did.
    mutating func endPortalSession(_ id: String, ofUser user: String, expiringAt t: Instant) -> Bool {
        guard let i = portalSessions.index(forKey: id), portalSessions.values[i].expiresAt == t else { return false }
        portalSessions.remove(at: i)
        portalSessionsByUser.remove(id, ofOwner: user)
        return true
    }

    /// Folds in `body` as `AccessState.apply` folds it, at `t`; false if it is not one of these events.
    mutating func apply(_ body: EventBody, at t: Instant) -> Bool {
        switch body {
        case .roleCredentialsIssued(let p):
            credentialEnds[p.credentialId] = p.expiresAt
        case .roleCredentialsExpired(let p):
            credentialEnds[p.credentialId] = nil
        case .portalSignIn(let p):
            portalSessions[p.sessionId] = (t, p.expiresAt)
            portalSessionsByUser[p.userId, default: []].insert(p.sessionId)
        case .portalSessionEnded(let p):
            portalSessions[p.sessionId] = nil
            portalSessionsByUser.remove(p.sessionId, ofOwner: p.userId)
        default:
            return false
        }
        return true
    }
}
