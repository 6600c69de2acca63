import AccessLabEvents
import AccessLabQuery
import ArgumentParser

/// `accesslab timeline`: one user's intervals of entitlement and credentials, with causes.
struct TimelineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "timeline",
        abstract: "Show one user's entitlement and credential intervals per account and permission set, with causes.",
        discussion: """
        Entitled means active in Identity Center with a provisioned assignment (direct or through a group). \
        A credential works from its issue until its expiry, or until a deny on the user takes effect.

        Example:
          accesslab timeline --db /tmp/tiny --user u00002
        """
    )

    @OptionGroup var database: DatabaseOption
    @Option(help: ArgumentHelp("The user id.", valueName: "user")) var user: String
    @Flag(help: "Print one JSON object.") var json = false

    func run() throws {
        let log = try database.openExisting()
        let timeline = try log.read { reader in try Timeline.build(reader, user: user) }
        if timeline.milestones.isEmpty && timeline.targets.isEmpty { throw CLIError("no events concern user '\(user)' in this log") }
        if json { Console.out(try JSONOutput.encode(timeline)); return }
        Console.out("Timeline of \(user)")
        for m in timeline.milestones { Console.out("  \(m.time)  @\(m.seq)  \(m.what)") }
        for t in timeline.targets {
            Console.out("\(t.accountName ?? "?") (\(t.accountId))  \(t.permissionSet)")
            for i in t.entitlement {
                let end = i.to.map { "\($0)  (@\(i.toSeq ?? 0) \(i.toEvent ?? ""))" } ?? "end of log"
                Console.out("  entitled     \(i.from)  (@\(i.fromSeq) \(i.fromEvent))  ->  \(end)")
            }
            for c in t.credentials {
                let tags = c.sessionTags.isEmpty ? "" : "  tags " + c.sessionTags.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
                Console.out("  credential   \(c.issuedAt)  (@\(c.issuedSeq) \(c.credentialId))  ->  \(c.endsAt)  \(c.endReason)\(tags)")
            }
        }
    }
}
