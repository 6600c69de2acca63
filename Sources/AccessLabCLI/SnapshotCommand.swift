import AccessLabAWS
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
        snapshots of the same point are byte-identical.

        `aws` format (`--out DIR` required): the responses of the AWS API calls that return that state, one \
        file per call and page (identitystore ListUsers / ListGroups / ListGroupMemberships; sso-admin \
        ListInstances, ListPermissionSets, DescribePermissionSet and the policies of each, \
        ListPermissionSetsProvisionedToAccount, ListAccountAssignments per account and permission set; \
        organizations DescribeOrganization, ListRoots, ListAccounts, the OU tree, SCPs and their targets; the \
        portal's ListAccounts / ListAccountRoles for signed-in users and GetRoleCredentials for live \
        credentials), in the shapes of botocore's service models, with AWS-format ids and ARNs derived from \
        the scenario's names. DIR/export.json lists every call with its request. DIR is written whole or \
        not at all; an existing DIR is replaced only if it holds such a snapshot.

        Examples:
          accesslab snapshot --db /tmp/tiny --at +2d --out tiny-day2.json
          accesslab snapshot --db /tmp/tiny --at +2d --format aws --out tiny-day2-aws
        """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case accesslab, aws }

    @OptionGroup var database: DatabaseOption
    @Option(help: ArgumentHelp("The moment: ISO-8601 UTC, +offset from the first event, or @seq.", valueName: "time")) var at: String
    @Option(help: ArgumentHelp("Write to this file instead of standard output (a directory, required, for --format aws).", valueName: "path")) var out: String?
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
            guard let out else { throw CLIError("--format aws writes a directory of files, one per API call: give it with --out DIR") }
            let revisions = try IdentityStoreRevisions.read(from: s.log, through: s.position.seq)
            let calls = try AWSStateExport.calls(s.state, at: s.position.time, region: s.rules.identityCenterRegion, revisions: revisions)
            let digest = try s.log.read { try History(reader: $0).digest(through: s.position.seq) }
            try AWSExportDirectory.write(calls, to: out, manifest: .init(
                at: s.position.time.description, seq: s.position.seq, log_digest: digest.hex, scenario: s.metadata.scenario, seed: s.metadata.seed))
            Console.out("wrote \(calls.count) API responses to \(out) (export.json lists them)")
            return
        }
        if let out {
            guard FileManager.default.createFile(atPath: out, contents: Data((text + "\n").utf8)) else { throw CLIError("cannot write \(out)") }
        } else {
            Console.out(text)
        }
    }
}

/// A directory of AWS API responses with its manifest, written beside the target and renamed into place.
enum AWSExportDirectory {
    struct Manifest: Encodable {
        var accesslab_aws_export_format = 1
        var source = "accesslab snapshot --format aws"
        var botocore = AWS.botocoreVersion
        var at: String
        var seq: UInt64
        var log_digest: String
        var scenario: String?
        var seed: UInt64?
        var calls: [Entry] = []
    }
    struct Entry: Encodable {
        var service: String
        var operation: String
        var request: AWSRequest
        var file: String
    }

    static func write(_ calls: [AWSStateExport.Call], to out: String, manifest: Manifest) throws {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        if fm.fileExists(atPath: out, isDirectory: &isDirectory) {
            guard isDirectory.boolValue, fm.fileExists(atPath: out + "/export.json") else {
                throw CLIError("\(out) exists and is not an AWS-format snapshot; give a new directory")
            }
        }
        let staging = out + ".partial-\(getpid())"
        try? fm.removeItem(atPath: staging)
        do {
            var manifest = manifest
            for call in calls {
                let path = staging + "/" + call.file
                try fm.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                guard fm.createFile(atPath: path, contents: call.response + Data("\n".utf8)) else { throw CLIError("cannot write \(path)") }
                manifest.calls.append(Entry(service: call.service, operation: call.operation, request: call.request, file: call.file))
            }
            guard fm.createFile(atPath: staging + "/export.json", contents: Data((try JSONOutput.encode(manifest) + "\n").utf8)) else {
                throw CLIError("cannot write \(staging)/export.json")
            }
            if fm.fileExists(atPath: out) { try fm.removeItem(atPath: out) }
            try fm.moveItem(atPath: staging, toPath: out)
        } catch {
            try? fm.removeItem(atPath: staging)
            throw error
        }
    }
}

