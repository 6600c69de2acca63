import AccessLabEvents
import AccessLabLog
import AccessLabProjections
import AccessLabQuery
import ArgumentParser
import Foundation

/// Opens a log and reconstructs the access state at a time: what every time-travel command starts with.
struct StateAtTime {
    let log: LMDBEventLog
    let position: History.Position
    let state: AccessState
    let rules: AccessRules
    let metadata: LogMetadata

    init(db: DatabaseOption, at text: String, option: String = "--at", useSnapshots: Bool = true, backfillAbove: UInt64? = nil) throws {
        guard let spec = try parseTime(text, option: option) else { throw CLIError("\(option) is required") }
        log = try db.openExisting()
        if useSnapshots, let backfillAbove { try Self.backfillIfNeeded(log, path: db.db, above: backfillAbove) }
        (position, state, metadata) = try log.read { reader in
            do {
                let history = History(reader: reader)
                let position = try history.position(of: spec)
                return (position, try history.state(through: position.seq, useSnapshots: useSnapshots), reader.metadata)
            } catch let e as QueryError {
                throw CLIError(e.description)
            }
        }
        rules = AccessRules(parameters: metadata.parameters)
    }

    /// A large log with no stored snapshot would be replayed from its first event by every query: store
    /// them once now, and say so (and that a read-only database simply replays).
    static func backfillIfNeeded(_ log: LMDBEventLog, path: String, above: UInt64) throws {
        let (events, snapshots) = try log.read { ($0.head.lastSeq, try $0.snapshotSeqs().count) }
        guard snapshots == 0, events > above else { return }
        Console.err("note: \(path) has no stored snapshots, so every query would replay all \(events) events; "
                    + "storing one at the end of each day it covers now (once; `accesslab verify` checks them)")
        let clock = ContinuousClock(), began = clock.now
        do {
            let stored = try SnapshotBackfill.run(log)
            Console.err("note: stored \(stored) snapshots in \(RunCommand.seconds(clock.now - began)) s; later queries start from the nearest")
        } catch {
            Console.err("note: could not store snapshots (\(error)); this query replays the log")
        }
    }

    /// The user id a `--user` value names (id, user name or email), or a clear error.
    func userId(_ text: String?) throws -> String? {
        guard let text else { return nil }
        do { return try Names.userId(text, in: state) } catch { throw CLIError("--user: \(error.description) at \(position.time) (@\(position.seq))") }
    }

    /// The account id an `--account` value names (id or name), or a clear error.
    func accountId(_ text: String?) throws -> String? {
        guard let text else { return nil }
        do { return try Names.accountId(text, in: state) } catch { throw CLIError("--account: \(error.description) at \(position.time)") }
    }

    var header: String {
        var text = "As of \(position.time) (through event @\(position.seq))" + (position.note.map { "; \($0)" } ?? "")
        if let stopped = metadata.runStoppedAt, let note = metadata.interruptionNote {
            text += position.time > stopped ? "\nNote: \(note); this moment is after it" : "\nNote: \(note)"
        }
        return text
    }
}

/// `accesslab access`: effective access at a moment.
struct AccessCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "access",
        abstract: "Show who could do what at a moment: entitlements, sign-in, new credentials, credentials held.",
        discussion: """
        With --user or --account (or --all), one line per (user, account, permission set) that is entitled or \
        holds credentials at the time. With neither, a summary: users who can act, accounts, permission sets, \
        portal sessions and credentials live, then per account (--by team or --by permission-set for others). \
        Can act: holds a live credential, or can get new ones (a live or cached sign-in, entitled) that no deny \
        on the user cuts. Entitled: a provisioned assignment names the user or a group of theirs, whatever the \
        user's status, so a disabled user stays entitled while unable to sign in. \
        Users are named by id, user name or email; accounts by id or name. \
        The state comes from the nearest stored snapshot at or before the time plus a replay of the rest.

        Examples:
          accesslab access --db /tmp/tiny --at 2026-01-06T12:00:00Z --user u00002@example.com
          accesslab access --db /tmp/tiny --at +2d --account payments-dev --json
          accesslab access --db /tmp/org --at end --by team
          accesslab access --db /tmp/abac --at +10d --tag team
        """
    )

    @OptionGroup var database: DatabaseOption
    @Option(help: ArgumentHelp("The moment: 2026-01-05T10:00:00Z, 2026-01-05T11:00+01:00, 2026-01-05, +3d4h, end, end-6h or @seq.", valueName: "time")) var at: String
    @Option(help: ArgumentHelp("Only this user (id, user name or email).", valueName: "user")) var user: String?
    @Option(help: ArgumentHelp("Only this account (id or name).", valueName: "account")) var account: String?
    @Option(help: ArgumentHelp("Also list which live credentials reach resources tagged with this key's value (ABAC).", valueName: "key"))
    var tag: String?
    @Flag(help: "List every row, not the summary, when no --user or --account is given.") var all = false
    @Option(help: ArgumentHelp("Group the summary by account, team or permission-set.", valueName: "grouping"))
    var by: AccessSummary.Grouping = .account
    @Option(help: ArgumentHelp("Groups shown in the summary.", valueName: "n")) var top: Int = 15
    @Flag(help: "Print one JSON object (the summary and every row).") var json = false
    @Option(help: .hidden) var backfillAbove: UInt64 = SnapshotBackfill.worthAbove

    struct Output: Encodable {
        var at: Instant
        var seq: UInt64
        var note: String?
        var runStoppedAt: Instant?
        var summary: AccessSummary?
        var rows: [AccessRow]
        var tagReach: [TagReach]?
    }

    func run() throws {
        CloudTrailSources.annotateOutput(db: database.db, json: json)
        let s = try StateAtTime(db: database, at: at, backfillAbove: backfillAbove)
        let userId = try s.userId(user), accountId = try s.accountId(account)
        let rows = AccessView.rows(s.state, rules: s.rules, at: s.position.time, user: userId, account: accountId)
        let reach = tag.map { key in AccessView.tagReach(s.state, key: key, at: s.position.time).filter { userId == nil || $0.user == userId } }
        let filtered = userId != nil || accountId != nil
        let summary = filtered ? nil : AccessSummary(rows: rows, state: s.state, at: s.position.time, by: by)
        if json {
            Console.out(try JSONOutput.encode(Output(at: s.position.time, seq: s.position.seq, note: s.position.note,
                                                     runStoppedAt: s.metadata.runStoppedAt, summary: summary, rows: rows, tagReach: reach)))
            return
        }
        Console.out(s.header)
        if let summary, !all {
            for line in Self.render(summary, top: top) { Console.out(line) }
        } else {
            if rows.isEmpty { Console.out("  nobody is entitled or holds credentials here") }
            for r in rows { for line in Self.render(r) { Console.out(line) } }
        }
        if let reach {
            Console.out("Reach through tag '\(tag ?? "")': \(reach.count) (credential, resource) pairs")
            for r in reach {
                let stale = r.principalTagValue != r.sessionTagValue ? "  (principal tag is now \(r.principalTagValue ?? "none"))" : ""
                Console.out("  \(r.user) \(r.credentialId) -> \(r.resource) [\(r.sessionTagValue)] until \(r.expiresAt)\(stale)")
            }
        }
        CloudTrailSources.printUnknowns(database.db, through: s.position.time, about: userId.map { [$0] }, json: json)
    }

    static func render(_ r: AccessRow) -> [String] {
        var line = "  \(r.user)\(r.userName.map { " <\($0)>" } ?? "")  \(r.accountName ?? "?") (\(r.accountId))  \(r.permissionSet ?? r.permissionSetId)  "
        line += "can act: " + (r.canAct ? (r.liveCredential ? "YES (live credential)" : "YES (new credentials)") : "no")
        line += "  entitled: " + (r.entitled ? "yes via \(r.via.joined(separator: ", "))" : "no")
        line += "  sign-in: " + (r.signInRefusal.map { "no (\($0))" } ?? "yes")
        line += "  new credentials: " + (r.credentialRefusal.map { "no (\($0))" } ?? (r.canSignIn ? "yes" : "yes (cached sign-in)"))
        if r.denyInEffect { line += "  [deny on identitystore:UserId in effect]" }
        if r.provisioningStatus == "LATEST_PERMISSION_SET_NOT_PROVISIONED" { line += "  [drift: latest permission set not provisioned]" }
        if !r.pendingSync.isEmpty { line += "  [waiting for sync: \(r.pendingSync.joined(separator: "; "))]" }
        var lines = [line]
        for c in r.credentials {
            var held = "      holds \(c.credentialId) issued \(c.issuedAt) until \(c.expiresAt)"
            if let d = c.deniedFrom { held += c.usable ? ", denied from \(d)" : ", denied since \(d) (not usable)" }
            if !c.sessionTags.isEmpty { held += "  tags " + c.sessionTags.map { "\($0.key)=\($0.value)" }.joined(separator: ",") }
            lines.append(held)
        }
        return lines
    }

    /// The summary in a screen: totals, then the `top` largest groups in aligned columns.
    static func render(_ s: AccessSummary, top: Int) -> [String] {
        var lines = [
            "  users            \(s.usersCanAct) can act, \(s.usersEntitled) entitled, \(s.usersWithLiveCredentials) hold live credentials",
            "  accounts         \(s.accountsWithAccess) of \(s.accounts) reachable by someone",
            "  permission sets  \(s.permissionSets) assigned or held",
            "  live now         \(s.portalSessionsLive) portal sessions, \(s.liveCredentials) credentials",
        ]
        let title = ["account": "By account", "team": "By team", "permission-set": "By permission set"][s.grouping.rawValue] ?? "By"
        let shown = s.groups.prefix(max(top, 0))
        let width = max(title.count, shown.map { $0.name.count + 2 }.max() ?? 0)
        lines.append(title.padding(width) + "  can act  entitled  live credentials")
        for g in shown {
            lines.append(("  " + g.name).padding(width) + "  " + String(g.usersCanAct).leftPadded(7) + "  " + String(g.usersEntitled).leftPadded(8)
                         + "  " + String(g.liveCredentials).leftPadded(16))
        }
        if s.groups.count > shown.count { lines.append("  ... \(s.groups.count - shown.count) more (--top \(s.groups.count) shows them all)") }
        lines.append("\(s.rows) (user, account, permission set) rows: --all lists them, --json gives them with this summary; --user or --account narrows")
        return lines
    }
}

extension AccessSummary.Grouping: ExpressibleByArgument {}

extension String {
    func leftPadded(_ width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }
}
