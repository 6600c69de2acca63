import AccessLabEvents
import AccessLabLog
import ArgumentParser
import Foundation

/// `accesslab import`: appends JSON Lines events, all or nothing.
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Append events written as JSON Lines (the form `log --json` prints).",
        discussion: """
        The whole file is validated before anything is written: on any error nothing is appended and \
        the message names the line and the field. `seq` may be omitted; when present it must be the \
        position the event lands at, so a dump re-imports exactly and a double import is refused. \
        The database is created when missing.

        Example:
          accesslab log --db /tmp/demo --json > events.jsonl
          accesslab import --db /tmp/copy events.jsonl
          accesslab digest --db /tmp/copy     # same digest as /tmp/demo
        """
    )

    @Option(name: .long, help: ArgumentHelp("The database directory (created when missing).", valueName: "dir"))
    var db: String

    @Argument(help: ArgumentHelp("The JSON Lines file, or - for standard input.", valueName: "file.jsonl"))
    var file: String

    func run() throws {
        let text = try readInput(file)
        let log: LMDBEventLog
        do { log = try LMDBEventLog(path: db, create: true) } catch let error as EventLogError { throw CLIError(error.description) }
        let head = try log.read { $0.head }
        let events: [NewEvent]
        do {
            events = try JSONLinesImport.validate(text, after: head)
        } catch {
            throw CLIError("\(file):\(error.description); nothing was imported")
        }
        do {
            let range = try log.append(events)
            let digest = try log.read { $0.head.digest }
            if let range {
                Console.out("imported \(events.count) events (seq \(range.lowerBound)...\(range.upperBound)) digest \(digest.hex)")
            } else {
                Console.out("imported 0 events")
            }
        } catch let error as EventLogError {
            throw CLIError("\(error.description); nothing was imported")
        }
    }
}

/// Reads a whole file, or standard input for `-`, as UTF-8.
func readInput(_ path: String) throws -> String {
    let data: Data
    if path == "-" {
        data = FileHandle.standardInput.readDataToEndOfFile()
    } else {
        guard FileManager.default.fileExists(atPath: path) else { throw CLIError("\(path): no such file") }
        guard let read = FileManager.default.contents(atPath: path) else { throw CLIError("\(path): cannot be read") }
        data = read
    }
    guard let text = String(data: data, encoding: .utf8) else { throw CLIError("\(path): not UTF-8 text") }
    return text
}

/// Validation of a JSON Lines import against the log it will be appended to.
enum JSONLinesImport {
    struct LineError: Error, CustomStringConvertible {
        let line: Int
        let problem: String
        var description: String { "line \(line): \(problem)" }
    }

    /// Parses every line and checks seq, cause and time order; returns the events to append.
    static func validate(_ text: String, after head: LogHead) throws(LineError) -> [NewEvent] {
        var events: [NewEvent] = []
        var lastTime = head.lastTime
        var lineNumber = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            if line.allSatisfy(\.isWhitespace) { continue }
            let parsed: JSONEvent
            do { parsed = try EventJSON.parse(line) } catch { throw LineError(line: lineNumber, problem: error.problem) }
            let seq = head.lastSeq + UInt64(events.count) + 1
            if let given = parsed.seq, given != seq {
                throw LineError(line: lineNumber, problem: "field seq: \(given), but this event would be \(seq) (omit seq to append anywhere)")
            }
            if let cause = parsed.event.cause, cause == 0 || cause >= seq {
                throw LineError(line: lineNumber, problem: "field cause: \(cause) must name an earlier event (1...\(seq - 1))")
            }
            if let lastTime, parsed.event.time < lastTime {
                throw LineError(line: lineNumber, problem: "field time: \(parsed.event.time) is before the previous event's \(lastTime); time never decreases")
            }
            if let limit = ServiceLimits.violation(parsed.event.body) { throw LineError(line: lineNumber, problem: limit) }
            lastTime = parsed.event.time
            events.append(parsed.event)
        }
        return events
    }
}
