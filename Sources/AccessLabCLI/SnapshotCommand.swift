import AccessLabEvents
import AccessLabLog
import AccessLabProjections
import AccessLabQuery
import ArgumentParser
import Foundation

/// `accesslab snapshot`: the state at a moment as a fixture file.
struct SnapshotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "snapshot",
        abstract: "Write the access state at a moment as a fixture: AccessLab's canonical JSON or the AWS API response shapes.",
        discussion: """
        `accesslab` format: canonical JSON (sorted keys, sorted collections, no floating point), so two \
        snapshots of the same point are byte-identical. `aws` format: identitystore ListUsers / ListGroups / \
        ListGroupMemberships, sso-admin ListPermissionSets / DescribePermissionSet / ListAccountAssignments / \
        ListPermissionSetsProvisionedToAccount and Organizations ListAccounts responses, keyed by operation.

        Examples:
          accesslab snapshot --db /tmp/tiny --at +2d --out tiny-day2.json
          accesslab snapshot --db /tmp/tiny --at +2d --format aws
        """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case accesslab, aws }

    @OptionGroup var database: DatabaseOption
    @Option(help: ArgumentHelp("The moment: ISO-8601 UTC, +offset from the first event, or @seq.", valueName: "time")) var at: String
    @Option(help: ArgumentHelp("Write to this file instead of standard output.", valueName: "file")) var out: String?
    @Option(help: "accesslab (canonical) or aws (API response shapes).") var format: Format = .accesslab

    struct Canonical: Encodable {
        var accesslab_snapshot_format = StateSnapshot.currentFormat
        var scenario: String?
        var seed: UInt64?
        var at: Instant
        var seq: UInt64
        var log_digest: String
        var state: StateSnapshot
    }

    func run() throws {
        let s = try StateAtTime(db: database, at: at)
        let text: String
        switch format {
        case .accesslab:
            let digest = try s.log.read { try History(reader: $0).digest(through: s.position.seq) }
            text = try JSONOutput.encode(Canonical(scenario: s.metadata.scenario, seed: s.metadata.seed, at: s.position.time,
                                                   seq: s.position.seq, log_digest: digest.hex, state: s.state.snapshot))
        case .aws:
            text = try JSONOutput.encode(AWSShapes.document(s.state))
        }
        if let out {
            guard FileManager.default.createFile(atPath: out, contents: Data((text + "\n").utf8)) else { throw CLIError("cannot write \(out)") }
        } else {
            Console.out(text)
        }
    }
}
