import AccessLabEvents
import AccessLabLog
import AccessLabProjections

/// What the meter needs besides the events to turn them into a report: how leavers behave, which
/// accounts a joiner of each team should reach, and the measured period. A run records it in the
/// log's metadata so that `report --db` measures a log exactly as the run did.
public struct MeasurementContext: Sendable, Equatable {
    public var leaverBehaviour: LeaverBehaviour
    public var teamAccounts: [String: Set<String>]
    public var start: Instant
    public var end: Instant

    public init(leaverBehaviour: LeaverBehaviour, teamAccounts: [String: Set<String>], start: Instant, end: Instant) {
        self.leaverBehaviour = leaverBehaviour; self.teamAccounts = teamAccounts; self.start = start; self.end = end
    }

    public init(scenario: Scenario, end: Instant) {
        var accounts: [String: Set<String>] = [:]
        for a in scenario.assignments { accounts[a.team, default: []].formUnion(a.accountIds) }
        self.init(leaverBehaviour: scenario.churn.leaverBehaviour, teamAccounts: accounts, start: scenario.start, end: end)
    }

    enum Name {
        static let leaverBehaviour = "leaver_behaviour"
        static let start = "simulated_start_ms"
        static let end = "simulated_end_ms"
        static let teamAccounts = "team_accounts."
    }

    /// The metadata parameters that record this context.
    public var parameters: [String: String] {
        var p = [Name.leaverBehaviour: leaverBehaviour.rawValue, Name.start: String(start.ms), Name.end: String(end.ms)]
        for (team, accounts) in teamAccounts { p[Name.teamAccounts + team] = accounts.sorted().joined(separator: ",") }
        return p
    }

    /// The context a log's metadata records; nil when the log was not written by `run` (an import, or an
    /// older AccessLab).
    public init?(parameters p: [String: String]) {
        guard let behaviour = p[Name.leaverBehaviour].flatMap(LeaverBehaviour.init(rawValue:)),
              let start = p[Name.start].flatMap(Int64.init), let end = p[Name.end].flatMap(Int64.init) else { return nil }
        var accounts: [String: Set<String>] = [:]
        for (key, value) in p where key.hasPrefix(Name.teamAccounts) {
            accounts[String(key.dropFirst(Name.teamAccounts.count))] = Set(value.split(separator: ",").map(String.init))
        }
        self.init(leaverBehaviour: behaviour, teamAccounts: accounts, start: Instant(ms: start), end: Instant(ms: end))
    }
}

extension RevocationMeter {
    /// Folds a whole log from its first event and measures it, as the run that wrote it did.
    /// `progress` gets the number of events folded so far, every 100,000.
    public static func measure(_ reader: some EventLogReader, rules: AccessRules, context: MeasurementContext,
                               progress: ((UInt64) -> Void)? = nil) throws -> RevocationReport {
        var fold = Fold(meter: RevocationMeter(rules: rules), checking: false)
        let last = reader.head.lastSeq
        if last > 0 {
            try reader.forEachEvent(in: 1...last) { event in
                fold.apply(event, rules: rules, permissionSets: [:])
                if event.seq % 100_000 == 0 { progress?(event.seq) }
                return true
            }
        }
        return fold.meter.report(state: fold.state, context: context)
    }
}
