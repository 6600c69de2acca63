import AccessLabLog
import ArgumentParser

/// `accesslab verify`: the log's integrity check.
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check contiguity, decoding, time order and the digest chain of a log.",
        discussion: """
        Prints `ok <N> events digest <hex>` and exits 0, or names the first bad seq and exits 1.

        Example:
          accesslab verify --db /tmp/demo
        """
    )

    @OptionGroup var database: DatabaseOption

    func run() throws {
        let log = try database.openExisting()
        do {
            let report = try log.read { try LogVerifier.verify($0) }
            Console.out("ok \(report.eventCount) events digest \(report.digest.hex)")
        } catch let error as EventLogError {
            throw CLIError("verify failed: \(error.description)")
        }
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
