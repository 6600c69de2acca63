import AccessLabLog
import ArgumentParser
import Foundation

/// `accesslab verify`: the log's integrity check.
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check contiguity, decoding, time order and the digest chain of a log.",
        discussion: """
        Prints `ok <N> events digest <hex>` and exits 0, or names the first bad seq and exits 1. \
        With --json: {"ok":true,"events":N,"digest":"..."} or {"ok":false,"seq":N,"problem":"..."}.

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
        var seq: UInt64?
        var problem: String?
    }

    func run() throws {
        let log = try database.openExisting()
        do {
            let report = try log.read { try LogVerifier.verify($0) }
            if json {
                try printJSON(Outcome(ok: true, events: report.eventCount, digest: report.digest.hex))
            } else {
                Console.out("ok \(report.eventCount) events digest \(report.digest.hex)")
            }
        } catch let error as EventLogError {
            guard json else { throw CLIError("verify failed: \(error.description)") }
            try printJSON(Outcome(ok: false, seq: error.corruptSeq, problem: error.description))
            throw ExitCode.failure
        }
    }

    private func printJSON(_ outcome: Outcome) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        Console.out(String(decoding: try encoder.encode(outcome), as: UTF8.self))
    }
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
