/// The access portal's sessions as sign-ins, ends and admin deletions leave them.
struct PortalSessions {
    struct Session {
        var user: String
        var startedAt_ms: Int64
        var expiresAt_ms: Int64
        var deletedAt_ms: Int64?
    }

    /// Sessions not yet ended.
    private var sessions: [String: Session] = [:]
    /// Ended sessions by their user (a position in `users`): all a mint through one needs to be judged
    /// (a year of 100,000 users signs in millions of times, and whole records were most of the check's memory).
    private var ended: [String: UInt32] = [:]
    private var users: [String] = []
    private var userPositions: [String: UInt32] = [:]
    /// Sessions not yet ended, by user, for the admin's "delete active sessions".
    private var liveByUser: [String: Set<String>] = [:]

    mutating func signedIn(user: String, session id: String, at t: Int64, expiresAt_ms: Int64) {
        ended[id] = nil
        sessions[id] = Session(user: user, startedAt_ms: t, expiresAt_ms: expiresAt_ms)
        liveByUser[user, default: []].insert(id)
    }

    mutating func ended(session id: String) {
        guard let user = sessions.removeValue(forKey: id)?.user else { return }
        ended[id] = position(of: user)
        liveByUser[user]?.remove(id)
    }

    private mutating func position(of user: String) -> UInt32 {
        if let p = userPositions[user] { return p }
        users.append(user)
        userPositions[user] = UInt32(users.count - 1)
        return UInt32(users.count - 1)
    }

    mutating func deleteAll(of user: String, at t: Int64) {
        for id in liveByUser[user] ?? [] where sessions[id]?.deletedAt_ms == nil {
            sessions[id]?.deletedAt_ms = t
        }
    }

    /// Why the session could not mint credentials for `user` at `t`, nil when it could. After an admin deletes
    /// a session, the CLI's current access token still works until it expires, then the CLI cannot refresh it.
    func mintRefusal(session id: String, user: String, at t: Int64, cliTokenLifetime_ms: Int64) -> String? {
        if let owner = ended[id].map({ users[Int($0)] }) {
            return owner == user ? "portal session \(id) had ended" : "portal session \(id) belongs to \(owner)"
        }
        guard let s = sessions[id] else { return "portal session \(id) was never signed in" }
        guard s.user == user else { return "portal session \(id) belongs to \(s.user)" }
        if t > s.expiresAt_ms { return "portal session \(id) expired at \(Figure.instant(s.expiresAt_ms))" }
        if let x = s.deletedAt_ms {
            let tokens = (x - s.startedAt_ms) / cliTokenLifetime_ms + 1
            let cliEnd = s.startedAt_ms + tokens * cliTokenLifetime_ms
            if t > cliEnd {
                return "portal session \(id) was deleted at \(Figure.instant(x)) and its last CLI token expired at \(Figure.instant(cliEnd))"
            }
        }
        return nil
    }
}
