import AccessLabEvents
import AccessLabLog
import AccessLabQuery
import ArgumentParser
import Foundation

/// `accesslab verify`: the log's integrity check.
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check contiguity, decoding, time order and the digest chain of a log, and its snapshots.",
        discussion: """
        Prints `ok <N> events digest <hex> (<K> snapshots)` and exits 0, or names the first bad seq and \
        exits 1. Every stored projection snapshot must equal a replay of the log to its point. With --json: \
        {"ok":true,"events":N,"digest":"...","snapshots":K} or {"ok":false,"seq":N,"problem":"..."}.

        Example:
          accesslab verify --db /tmp/demo
        """
    )

    @OptionGroup var database: DatabaseOption
    @Flag(help: "Print one JSON object instead of text.") var json = false

    struct Outcome: Encodable {
        var ok: Bool
        var events: UInt64?
        var digest: String?
        var snapshots: Int?
        var seq: UInt64?
        var problem: String?
        /// Where an interrupted run stopped: the log is whole, the run is not finished.
        var runStoppedAt: Instant?
    }

    func run() throws {
        let log = try database.openExisting()
        do {
            let report = try log.read { try LogVerifier.verify($0) }
            let snapshots: SnapshotVerifier.Report
            do {
                snapshots = try log.read { try SnapshotVerifier.verify($0) }
            } catch let error as QueryError {
                guard json else { throw CLIError("verify failed: \(error.description)") }
                try printJSON(Outcome(ok: false, problem: error.description))
                throw ExitCode.failure
            }
            if json {
                try printJSON(Outcome(ok: true, events: report.eventCount, digest: report.digest.hex, snapshots: snapshots.snapshotsChecked,
                                      runStoppedAt: try log.read { $0.metadata.runStoppedAt }))
            } else {
                let note = snapshots.snapshotsChecked > 0 ? " (\(snapshots.snapshotsChecked) snapshots)" : ""
                Console.out("ok \(report.eventCount) events digest \(report.digest.hex)\(note)")
                if let stopped = try log.read({ $0.metadata.interruptionNote }) { Console.err("note: \(stopped)") }
            }
        } catch let error as EventLogError {
            guard json else { throw CLIError("verify failed: \(error.description)") }
            try printJSON(Outcome(ok: false, seq: error.corruptSeq, problem: error.description))
            throw ExitCode.failure
        }
    }

    private func printJSON(_ outcome: Outcome) throws { Console.out(try JSONOutput.encode(outcome, pretty: false)) }
}

/// `accesslab digest`: the digest alone, for scripts comparing runs.
struct DigestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "digest",
        abstract: "Print the log's SHA-256 chain digest (same scenario and seed, same digest).",
        discussion: """
        Example:
          test "$(accesslab digest --db run1)" = "$(accesslab digest --db run2)" && echo identical
        """
    )

    @OptionGroup var database: DatabaseOption

    func run() throws {
        let log = try database.openExisting()
        Console.out(try log.read { $0.head.digest.hex })
    }
}
