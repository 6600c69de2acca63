import AccessLabEvents
import AccessLabLog
import ArgumentParser
import Foundation

/// A hidden writer for the crash test: appends batches forever (or N of them), reporting each commit.
struct AppendStressCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "append-stress",
        abstract: "Append synthetic batches, printing `committed <seq>` after each (for crash tests).",
        shouldDisplay: false
    )

    @Option(help: "Database directory.") var db: String
    @Option(help: "Events per batch.") var batchSize = 1000
    @Option(help: "Number of batches (0 = until killed).") var batches = 0

    func run() throws {
        let log: LMDBEventLog
        do { log = try LMDBEventLog(path: db, create: true) } catch let error as EventLogError { throw CLIError(error.description) }
        var head = try log.read { $0.head }
        var batch = 0
        while batches == 0 || batch < batches {
            let start = head.lastTime ?? Instant(ms: 1_772_409_600_000)
            let events = (0..<batchSize).map { i in
                let n = head.lastSeq + UInt64(i) + 1
                return NewEvent(time: start + Duration_ms(Int64(i)), actor: .scim,
                                body: .patchUser(.init(userId: "u-\(n % 997)", operations: [PatchOperation(op: .replace, path: "title", value: "title \(n)")])))
            }
            try log.append(events)
            head = try log.read { $0.head }
            FileHandle.standardOutput.write(Data("committed \(head.lastSeq)\n".utf8))
            batch += 1
        }
    }
}
