import AccessLabEvents
import AccessLabQuery
import ArgumentParser

/// `accesslab diff`: what changed between two moments, and why.
struct DiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Show entitlements, user status, sessions and credentials gained and lost between two moments, with causes.",
        discussion: """
        Each change names the event that made it and that event's cause chain (newest first). Besides what \
        differs between the two states, it lists what came and went inside the window: credentials issued \
        and ended in it (credentialsIssuedAndEnded), and every deny on a user added (denyAdded) or taking \
        effect (denyEffective).

        Examples:
          accesslab diff --db /tmp/tiny --from 2026-01-06T09:00:00Z --to 2026-01-06T12:00:00Z
          accesslab diff --db /tmp/tiny 2026-01-06 2026-01-07 --user u00002@example.com
        """
    )

    @OptionGroup var database: DatabaseOption
    @Argument(help: ArgumentHelp("The two moments, as FROM TO (or --from and --to).", valueName: "time")) var moments: [String] = []
    @Option(help: ArgumentHelp("The earlier moment.", valueName: "time")) var from: String?
    @Option(help: ArgumentHelp("The later moment.", valueName: "time")) var to: String?

    func validate() throws {
        guard (moments.count == 2 && from == nil && to == nil) || (moments.isEmpty && from != nil && to != nil) else {
            throw ValidationError("give the two moments as FROM TO or as --from FROM --to TO")
        }
    }
    @Option(help: ArgumentHelp("Only changes for this user (id, user name or email).", valueName: "user")) var user: String?
    @Flag(help: "Print one JSON object.") var json = false

    func run() throws {
        CloudTrailSources.annotateOutput(db: database.db, json: json)
        let (fromText, toText) = moments.count == 2 ? (moments[0], moments[1]) : (from, to)
        guard let fromSpec = try parseTime(fromText, option: moments.isEmpty ? "--from" : "FROM"),
              let toSpec = try parseTime(toText, option: moments.isEmpty ? "--to" : "TO") else { return }
        let log = try database.openExisting()
        var userId: String?
        var diff = try log.read { reader -> AccessDiff in
            userId = try NameLookup.user(user, in: reader)
            do {
                let history = History(reader: reader)
                let a = try history.position(of: fromSpec), b = try history.position(of: toSpec)
                guard a.seq <= b.seq else { throw CLIError("--from (\(a.time)) is after --to (\(b.time))") }
                return try AccessDiff.between(reader, history: history, fromSeq: a.seq, toSeq: b.seq)
            } catch let e as QueryError { throw CLIError(e.description) }
        }
        if let userId { diff.changes = diff.changes.filter { $0.user == userId } }
        if json { Console.out(try JSONOutput.encode(diff)); return }
        Console.out("Changes after @\(diff.fromSeq) through @\(diff.toSeq): \(diff.changes.count)")
        for c in diff.changes {
            var line = "  \(c.kind.rawValue)  \(c.user)"
            if let a = c.accountId { line += "  \(a)" }
            if let p = c.permissionSet { line += " \(p)" }
            if let d = c.detail { line += "  \(d)" }
            Console.out(line)
            Console.out("      because " + c.because.joined(separator: " <- "))
        }
    }
}
