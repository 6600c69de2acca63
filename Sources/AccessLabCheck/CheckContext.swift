/// What the checker takes from the log's metadata besides the events: the run's period, how its leavers
/// behave, the Identity Center timings a credential issue is judged by, and where each team's joiners should reach.
struct CheckContext: Equatable, Sendable {
    var leaversPersist: Bool
    var start_ms: Int64
    var end_ms: Int64
    var signinCache_ms: Int64
    var cliTokenLifetime_ms: Int64
    /// Team name to the accounts its joiners should reach, sorted.
    var teamAccounts: [String: [String]]

    static let defaultSigninCache_ms: Int64 = 3_600_000
    static let defaultCliTokenLifetime_ms: Int64 = 3_600_000
    static let teamAccountsPrefix = "team_accounts."

    init(leaversPersist: Bool, start_ms: Int64, end_ms: Int64, signinCache_ms: Int64 = defaultSigninCache_ms,
         cliTokenLifetime_ms: Int64 = defaultCliTokenLifetime_ms, teamAccounts: [String: [String]] = [:]) {
        self.leaversPersist = leaversPersist; self.start_ms = start_ms; self.end_ms = end_ms
        self.signinCache_ms = signinCache_ms; self.cliTokenLifetime_ms = cliTokenLifetime_ms; self.teamAccounts = teamAccounts
    }

    init(parameters p: [String: String]) throws(CheckError) {
        let behaviour = try Self.required("leaver_behaviour", in: p)
        switch behaviour {
        case "persisting": leaversPersist = true
        case "benign": leaversPersist = false
        default: throw CheckError(kind: .badParameter(name: "leaver_behaviour", value: behaviour, expected: "persisting or benign"))
        }
        start_ms = try Self.milliseconds("simulated_start_ms", in: p, default: nil)
        end_ms = try Self.milliseconds("simulated_end_ms", in: p, default: nil)
        signinCache_ms = try Self.milliseconds("signin_cache_ms", in: p, default: Self.defaultSigninCache_ms)
        cliTokenLifetime_ms = try Self.milliseconds("cli_token_lifetime_ms", in: p, default: Self.defaultCliTokenLifetime_ms)
        guard cliTokenLifetime_ms > 0 else {
            throw CheckError(kind: .badParameter(name: "cli_token_lifetime_ms", value: String(cliTokenLifetime_ms), expected: "a positive number of milliseconds"))
        }
        var accounts: [String: [String]] = [:]
        for (key, value) in p where key.hasPrefix(Self.teamAccountsPrefix) {
            let team = String(key.dropFirst(Self.teamAccountsPrefix.count))
            accounts[team] = Set(value.split(separator: ",").map(String.init)).sorted()
        }
        teamAccounts = accounts
    }

    private static func required(_ name: String, in p: [String: String]) throws(CheckError) -> String {
        guard let value = p[name] else { throw CheckError(kind: .missingParameter(name)) }
        return value
    }

    private static func milliseconds(_ name: String, in p: [String: String], default fallback: Int64?) throws(CheckError) -> Int64 {
        guard let text = p[name] else {
            if let fallback { return fallback }
            throw CheckError(kind: .missingParameter(name))
        }
        guard let value = Int64(text) else {
            throw CheckError(kind: .badParameter(name: name, value: text, expected: "an integer number of milliseconds"))
        }
        return value
    }
}
