import AccessLabEvents
import AccessLabProjections
import AccessLabQuery
import AccessLabScenario
import ArgumentParser
import Foundation

/// `accesslab whatif`: proposed admin changes tried on the state at a moment, never written.
struct WhatIfCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "whatif",
        abstract: "Try proposed admin changes on the state at a moment and list the access that would change.",
        discussion: """
        The changes (assignments added or removed; a permission set's session duration, inline policy or \\
        managed policies; an SCP attached or detached; the ABAC attribute mapping) are applied in order to \\
        the state at --at, in memory: nothing is written. Every active user's decision for each action, on \\
        `*` and on each tagged resource of each account they are entitled to before or after, is evaluated \\
        with the policy evaluator as if they held fresh credentials, before and after. An empty result means \\
        the change is access-equivalent for those actions. Users, groups, accounts and permission sets may be \\
        named by id or by name.

        Change file:
          changes:
            - add_assignment: {account: payments-dev, permission_set: ReadOnly, group: payments}
            - remove_assignment: {account: shared, permission_set: ReadOnly, user: u00005@example.com}
            - permission_set: {name: Developer, session_duration: 4h, inline_policy: policies/dev.json}
            - attach_scp: {name: deny-deletes, policy: policies/deny.json, target: workloads}
            - access_control_attributes: {team: "${path:enterprise.department}"}

        Examples:
          accesslab whatif --db /tmp/tiny change.yaml --at +3d
          accesslab whatif --db /tmp/tiny change.yaml --actions s3:GetObject,s3:PutObject --json
        """
    )

    @OptionGroup var database: DatabaseOption
    @Argument(help: ArgumentHelp("The change file (YAML).", valueName: "change.yaml")) var changes: String
    @Option(help: ArgumentHelp("The moment: a time as the AWS CLI takes it, +offset from the first event, end, or @seq.", valueName: "time"))
    var at = "end"
    @Option(help: ArgumentHelp("The actions that matter, comma-separated (default: \(WhatIf.defaultActions.count) common reads, writes, deletes and escalation paths).",
                               valueName: "actions"))
    var actions: String?
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        let proposed: [ProposedChange]
        do { proposed = try ScenarioLoader.files.loadChanges(path: changes) } catch { throw CLIError(error.description) }
        let s = try StateAtTime(db: database, at: at)
        let after: AccessState
        do { after = try WhatIf.apply(proposed, to: s.state, at: s.position.time) } catch { throw CLIError("\(changes): \(error.description)") }
        let list = actions.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } } ?? WhatIf.defaultActions
        guard !list.isEmpty else { throw CLIError("--actions: name at least one action") }
        let result = WhatIf.compare(before: s.state, after: after, rules: s.rules, at: s.position.time, actions: list)
        if json { Console.out(try JSONOutput.encode(result)); return }
        Console.out("What if, at \(result.at) (@\(s.position.seq)): \(proposed.count) changes, \(result.users) active users, \(list.count) actions, \(result.probes) decisions compared")
        if result.gained.isEmpty && result.lost.isEmpty {
            Console.out("No access changes: the change is access-equivalent for these actions.")
            return
        }
        for (title, rows) in [("gained", result.gained), ("lost", result.lost)] where !rows.isEmpty {
            Console.out("\(title): \(rows.count)")
            for c in rows {
                let account = c.accountName.map { "\($0) (\(c.accountId))" } ?? c.accountId
                Console.out("  \(title == "gained" ? "+" : "-") \(c.userName)  \(account)  \(c.action)  \(c.resource)  \(c.before) -> \(c.after)\(c.via.isEmpty ? "" : "  via " + c.via.joined(separator: ", "))")
            }
        }
    }
}
