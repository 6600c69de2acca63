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

    init(db: DatabaseOption, at text: String, option: String = "--at", useSnapshots: Bool = true) throws {
        guard let spec = try parseTime(text, option: option) else { throw CLIError("\(option) is required") }
        log = try db.openExisting()
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

    /// Fails with a clear message when the user is unknown to the log at this point.
    func requireUser(_ user: String?) throws {
        guard let user else { return }
        if state.identityCenter.users[user] == nil && state.idp.users[user] == nil && state.credentialsByUser[user] == nil {
            throw CLIError("no user '\(user)' in Identity Center or the IdP at \(position.time) (@\(position.seq))")
        }
    }

    var header: String {
        "As of \(position.time) (through event @\(position.seq))" + (position.note.map { "; \($0)" } ?? "")
    }
}

/// `accesslab access`: effective access at a moment.
struct AccessCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "access",
        abstract: "Show who could do what at a moment: entitlements, sign-in, new credentials, credentials held.",
        discussion: """
        One line per (user, account, permission set) that is entitled or holds credentials at the time. \
        Can act: holds a live credential, or can get new ones (a live or cached sign-in, entitled) that no deny \
        on the user cuts. Entitled: a provisioned assignment names the user or a group of theirs, whatever the \
        user's status, so a disabled user stays entitled while unable to sign in. \
        The state comes from the nearest stored snapshot at or before the time plus a replay of the rest.

        Examples:
          accesslab access --db /tmp/tiny --at 2026-01-06T12:00:00Z --user u00002
          accesslab access --db /tmp/tiny --at +2d --account payments-dev --json
          accesslab access --db /tmp/abac --at +10d --tag team
        """
    )

    @OptionGroup var database: DatabaseOption
    @Option(help: ArgumentHelp("The moment: ISO-8601 UTC, +offset from the first event, or @seq.", valueName: "time")) var at: String
    @Option(help: ArgumentHelp("Only this user id.", valueName: "user")) var user: String?
    @Option(help: ArgumentHelp("Only this account (id or name).", valueName: "account")) var account: String?
    @Option(help: ArgumentHelp("Also list which live credentials reach resources tagged with this key's value (ABAC).", valueName: "key"))
    var tag: String?
    @Flag(help: "Print one JSON object.") var json = false

    struct Output: Encodable {
        var at: Instant
        var seq: UInt64
        var note: String?
        var rows: [AccessRow]
        var tagReach: [TagReach]?
    }

    func run() throws {
        let s = try StateAtTime(db: database, at: at)
        try s.requireUser(user)
        let rows = AccessView.rows(s.state, rules: s.rules, at: s.position.time, user: user, account: account)
        let reach = tag.map { key in AccessView.tagReach(s.state, key: key, at: s.position.time).filter { user == nil || $0.user == user } }
        if json {
            Console.out(try JSONOutput.encode(Output(at: s.position.time, seq: s.position.seq, note: s.position.note, rows: rows, tagReach: reach)))
            return
        }
        Console.out(s.header)
        if rows.isEmpty { Console.out("  nobody is entitled or holds credentials here") }
        for r in rows {
            var line = "  \(r.user)  \(r.accountName ?? "?") (\(r.accountId))  \(r.permissionSet ?? r.permissionSetId)  "
            line += "can act: " + (r.canAct ? (r.liveCredential ? "YES (live credential)" : "YES (new credentials)") : "no")
            line += "  entitled: " + (r.entitled ? "yes via \(r.via.joined(separator: ", "))" : "no")
            line += "  sign-in: " + (r.signInRefusal.map { "no (\($0))" } ?? "yes")
            line += "  new credentials: " + (r.credentialRefusal.map { "no (\($0))" } ?? (r.canSignIn ? "yes" : "yes (cached sign-in)"))
            if r.denyInEffect { line += "  [deny on identitystore:UserId in effect]" }
            if r.provisioningStatus == "LATEST_PERMISSION_SET_NOT_PROVISIONED" { line += "  [drift: latest permission set not provisioned]" }
            if !r.pendingSync.isEmpty { line += "  [waiting for sync: \(r.pendingSync.joined(separator: "; "))]" }
            Console.out(line)
            for c in r.credentials {
                var held = "      holds \(c.credentialId) issued \(c.issuedAt) until \(c.expiresAt)"
                if let d = c.deniedFrom { held += c.usable ? ", denied from \(d)" : ", denied since \(d) (not usable)" }
                if !c.sessionTags.isEmpty { held += "  tags " + c.sessionTags.map { "\($0.key)=\($0.value)" }.joined(separator: ",") }
                Console.out(held)
            }
        }
        if let reach {
            Console.out("Reach through tag '\(tag ?? "")': \(reach.count) (credential, resource) pairs")
            for r in reach {
                let stale = r.principalTagValue != r.sessionTagValue ? "  (principal tag is now \(r.principalTagValue ?? "none"))" : ""
                Console.out("  \(r.user) \(r.credentialId) -> \(r.resource) [\(r.sessionTagValue)] until \(r.expiresAt)\(stale)")
            }
        }
    }
}
