import Foundation
import AccessLabEvents
import AccessLabLog
import ArgumentParser

/// `--db DIR` for commands that read an existing log.
struct DatabaseOption: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The AccessLab database directory.", valueName: "dir"))
    var db: String

    func openExisting() throws -> LMDBEventLog { try Self.openExisting(db) }

    static func openExisting(_ path: String) throws -> LMDBEventLog {
        do { return try LMDBEventLog(path: path) } catch let error as EventLogError { throw CLIError(error.description) }
    }
}

/// An error whose message is all the user needs; ArgumentParser prints it as `Error: <message>` and exits 1.
struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ message: String) { description = message }
}

/// Parses a time option with the full explanation on failure (ArgumentParser's own message is generic).
func parseTime(_ text: String?, option: String) throws -> TimeSpec? {
    guard let text else { return nil }
    do { return try TimeSpec(parsing: text) } catch { throw CLIError("\(option) \(error.description)") }
}

/// Writes to standard output and standard error; the only place output leaves the process.
enum Console {
    /// Set by a command for its text output (one command a process): e.g. CloudTrail event ids after `@seq`.
    nonisolated(unsafe) static var annotate: ((String) -> String)?
    static func out(_ line: String) { print(annotate.map { $0(line) } ?? line) }
    /// Text without a line end (for output streamed in pieces).
    static func write(_ text: String) { print(text, terminator: "") }
    /// This executable, for commands that run it again as a child process (bench, sweep).
    static var ownExecutable: URL { URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath() }
    static func err(_ line: String) {
        var stderr = StandardError()
        print(line, to: &stderr)
    }
}

struct StandardError: TextOutputStream {
    mutating func write(_ string: String) { FileHandle.standardError.write(Data(string.utf8)) }
}
