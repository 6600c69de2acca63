import AccessLabEvents
import AccessLabQuery
import ArgumentParser

/// `accesslab timeline`: one user's intervals of entitlement and credentials, with causes.
struct TimelineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "timeline",
        abstract: "Show when one user could sign in, and per account and permission set when they were entitled and could act, with causes.",
        discussion: """
        Entitled means Identity Center holds a provisioned assignment for the user, direct or through a group, \
        whatever the user's status (a disabled user's assignments still exist). Can sign in means active in \
        Identity Center. Can act means holding a live credential, or able to get one (a live or cached sign-in, \
        entitled) that no deny on the user cuts. A credential works from its issue until its expiry, or until \
        a deny on the user takes effect. Intervals run from <= t < to, as `access --at` answers.

        Example:
          accesslab timeline --db /tmp/tiny --user u00002
          accesslab timeline --db /tmp/tiny --user u00002@example.com --json
        """
    )

    @OptionGroup var database: DatabaseOption
    @Option(help: ArgumentHelp("The user: id, user name or email.", valueName: "user")) var user: String
    @Flag(help: "Print one JSON object.") var json = false

    /// The timeline's fields, and where an interrupted run stopped.
    struct Output: Encodable {
        var timeline: Timeline
        var runStoppedAt: Instant?
        func encode(to encoder: any Encoder) throws {
            try timeline.encode(to: encoder)
            enum Key: CodingKey { case runStoppedAt }
            var c = encoder.container(keyedBy: Key.self)
            try c.encodeIfPresent(runStoppedAt, forKey: .runStoppedAt)
        }
    }

    func run() throws {
        CloudTrailSources.annotateOutput(db: database.db, json: json)
        let log = try database.openExisting()
        let (timeline, metadata, name) = try log.read { reader in
            let userId = try NameLookup.user(user, in: reader) ?? user
            let timeline = try Timeline.build(reader, user: userId)
            let name = timeline.userName
            return (timeline, reader.metadata, name)
        }
        if timeline.milestones.isEmpty && timeline.targets.isEmpty { throw CLIError("no events concern user '\(user)' in this log") }
        if json { Console.out(try JSONOutput.encode(Output(timeline: timeline, runStoppedAt: metadata.runStoppedAt))); return }
        Console.out("Timeline of \(timeline.user)\(name.map { " (\($0))" } ?? "")")
        if let note = metadata.interruptionNote { Console.out("Note: \(note)") }
        for m in timeline.milestones { Console.out("  \(m.time)  @\(m.seq)  \(m.what)") }
        for i in timeline.signIn { Console.out("  can sign in  " + Self.describe(i, logEndsAt: timeline.logEndsAt)) }
        for t in timeline.targets {
            Console.out("\(t.accountName ?? "?") (\(t.accountId))  \(t.permissionSet)")
            for i in t.entitlement { Console.out("  entitled     " + Self.describe(i, logEndsAt: timeline.logEndsAt)) }
            for i in t.canAct { Console.out("  can act      " + Self.describe(i, logEndsAt: timeline.logEndsAt)) }
            for c in t.credentials {
                let tags = c.sessionTags.isEmpty ? "" : "  tags " + c.sessionTags.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
                Console.out("  credential   \(c.issuedAt)  (@\(c.issuedSeq) \(c.credentialId))  ->  \(c.endsAt)  \(c.endReason)\(tags)")
            }
        }
        Console.out("Sign-in " + (timeline.signInLostAt.map { "lost at \($0)" } ?? "not lost")
                    + "; last instant able to act: " + (timeline.lastCanActAt.map { "\($0)" } ?? "none"))
        if let end = timeline.logEndsAt { CloudTrailSources.printUnknowns(database.db, through: end, about: [timeline.user], json: json) }
    }

    /// `from (@seq Event)  ->  to (@seq Event: reason)`; an end with no event is time passing.
    static func describe(_ i: Timeline.Interval, logEndsAt: Instant?) -> String {
        let start = "\(i.from)  (@\(i.fromSeq) \(i.fromEvent))  ->  "
        guard let to = i.to else { return start + "end of log" }
        let cause = [i.toSeq.map { "@\($0) \(i.toEvent ?? "")" }, i.toReason].compactMap { $0 }.joined(separator: ": ")
        let beyond = logEndsAt.map { to > $0 } == true ? ", after the log's last event" : ""
        return start + "\(to)  (\(cause.isEmpty ? "time" : cause)\(beyond))"
    }
}
