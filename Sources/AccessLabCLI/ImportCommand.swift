import AccessLabEvents
import AccessLabImport
import AccessLabProjections
import AccessLabQuery
import AccessLabLog
import ArgumentParser
import Foundation

/// `accesslab import`: the outside world into a log.
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Bring events in: JSON Lines (the default) or a real organisation's AWS export.",
        subcommands: [ImportEventsCommand.self, ImportAWSCommand.self, ImportCloudTrailCommand.self],
        defaultSubcommand: ImportEventsCommand.self
    )
}

/// `accesslab import [events]`: appends JSON Lines events, all or nothing.
struct ImportEventsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events",
        abstract: "Append events written as JSON Lines (the form `log --json` prints); `import FILE` means this.",
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

/// `accesslab import aws DIR`: an organisation's Identity Center state, from the responses of read-only
/// AWS API calls, as the events that would have built it.
struct ImportAWSCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "aws",
        abstract: "Start a log from an AWS export: the organisation, permission sets, users, groups and assignments it shows.",
        discussion: """
        DIR holds export.json and one response file per API call, as `tools/export-aws-org.sh` writes from a \
        real organisation (or moto's server, or anything that answers the AWS API) and as \
        `accesslab snapshot --format aws` writes. Every response is decoded with the shapes of botocore's \
        models; a malformed file is named with the place in it, and nothing is written. The events all carry \
        the export's time (`--at`, or the `at` in export.json) and AWS's own ids; the log's metadata says it \
        is an export import. What the export contradicts (an assignment to a deleted group, a permission set \
        missing from an account's provisioned list) or cannot tell (customer managed policy documents, role \
        name suffixes) is reported. Ids and ARNs whose form differs from AWS's (moto's) are kept and listed.

        Examples:
          bash tools/export-aws-org.sh --profile management /tmp/org-export
          accesslab import aws /tmp/org-export --db /tmp/org
          accesslab access --db /tmp/org --at +0s --user alice@example.com
        """
    )

    @Argument(help: ArgumentHelp("The export directory (with export.json).", valueName: "dir")) var export: String
    @Option(name: .long, help: ArgumentHelp("The database directory to create (must be new or empty).", valueName: "dir")) var db: String
    @Option(help: ArgumentHelp("The export's time, ISO-8601 UTC, when export.json has none or it is wrong.", valueName: "time")) var at: String?
    @Flag(help: "Print the import report as JSON.") var json = false

    static func read(_ root: String, at: Instant?) -> Result<AWSExportImport, ImportError> {
        Result { () throws(ImportError) -> AWSExportImport in
            let reader = try AWSExport { path in
                guard !path.hasPrefix("/"), !path.split(separator: "/").contains("..") else { throw CLIError("the path leaves the export directory") }
                guard let data = FileManager.default.contents(atPath: root + "/" + path) else { throw CLIError("no such file") }
                return data
            }
            return try AWSExportImport.read(reader, at: at)
        }
    }

    func run() throws {
        let root = export
        guard FileManager.default.fileExists(atPath: root + "/export.json") else { throw CLIError("\(root): no export.json here; is this an export directory?") }
        var override: Instant?
        if let at {
            guard let t = ISO8601.parse(at) else { throw CLIError("--at '\(at)': expected an ISO-8601 UTC time (2026-03-02T09:00:00Z)") }
            override = t
        }
        let imported: AWSExportImport
        switch Self.read(root, at: override) {
        case .success(let i): imported = i
        case .failure(let error): throw CLIError("\(root)/\(error.description); nothing was imported")
        }
        let log: LMDBEventLog
        do { log = try LMDBEventLog(path: db, create: true) } catch let error as EventLogError { throw CLIError(error.description) }
        let head = try log.read { $0.head }
        guard head.lastSeq == 0 else { throw CLIError("\(db) already holds \(head.lastSeq) events; an export import starts a new log") }
        do {
            try log.setMetadata(LogMetadata(scenario: "import aws \(URL(fileURLWithPath: root).lastPathComponent)", seed: nil,
                                            parameters: AccessRules().parameters.merging([
                                                "import": "aws-export", "import_source": imported.report.source, "import_at": imported.report.at,
                                            ]) { a, _ in a }))
            _ = try log.append(imported.events)
        } catch let error as EventLogError {
            throw CLIError("\(error.description); nothing was imported")
        }
        let digest = try log.read { $0.head.digest }
        if json {
            Console.out(try JSONOutput.encode(imported.report))
            return
        }
        let r = imported.report
        Console.out("imported \(imported.events.count) events at \(r.at) from \(r.source); digest \(digest.hex)")
        for key in r.counts.keys.sorted() { Console.out("  \(key): \(r.counts[key]!)") }
        for (title, lines) in [("ids not in AWS's documented form (kept as given)", r.idDeviations), ("inconsistencies in the export", r.inconsistencies),
                               ("not known from an export", r.unknowns)] where !lines.isEmpty {
            Console.out("\(title): \(lines.count)")
            for line in lines.prefix(10) { Console.out("  \(line)") }
            if lines.count > 10 { Console.out("  ... and \(lines.count - 10) more (--json lists them all)") }
        }
    }
}

/// `accesslab import cloudtrail`: a CloudTrail history replayed into a log.
struct ImportCloudTrailCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cloudtrail",
        abstract: "Replay a CloudTrail history: on top of an imported export (the state at its start) or from nothing.",
        discussion: """
        Reads S3 delivery files ({"Records":[...]}, gzipped or not, any tree such as AWSLogs/…/CloudTrail/…) and \
        CloudTrail Lake or event-history exports (one record a line), in any order; records are de-duplicated by \
        eventID and ordered by eventTime. Understood: organizations (OUs, accounts, SCPs and RCPs), sso.amazonaws.com \
        (permission sets, assignments, provisioning, ABAC configuration, the portal's GetRoleCredentials with the \
        member account's AssumeRoleWithSAML), identitystore and identitystore-scim, and signin UserAuthentication, \
        in both userIdentity shapes (before and after July 2025). Failed calls are kept out. A record that cannot be \
        read is named with its file and index and skipped; a file that is not JSON stops the import (nothing is \
        imported) with the line, column and byte where it breaks. What a record cannot tell (a SCIM change whose values AWS \
        hides, a credential whose expiry is not in the trail) is listed with the bound used. Records at or before \
        the end of what DIR already holds are taken as already in its state.

        Examples:
          accesslab import aws /tmp/org-export --db /tmp/org
          accesslab import cloudtrail /data/trail/AWSLogs --db /tmp/org
          accesslab log --db /tmp/sim --cloudtrail --with-bodies > trail.json && accesslab import cloudtrail trail.json --db /tmp/replayed
        """
    )

    @Argument(help: ArgumentHelp("CloudTrail files or directories (searched recursively for .json, .json.gz, .jsonl).", valueName: "file-or-dir"))
    var paths: [String]
    @Option(name: .long, help: ArgumentHelp("The database: created when missing; an existing one is the state the history starts from.", valueName: "dir"))
    var db: String
    @Flag(help: "Print the import report as JSON.") var json = false

    func run() throws {
        var files = CloudTrailFiles()
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { throw CLIError("\(path): no such file or directory") }
            let names: [String]
            if isDirectory.boolValue {
                let found = (FileManager.default.enumerator(atPath: path)?.allObjects as? [String]) ?? []
                names = found.filter { $0.hasSuffix(".json") || $0.hasSuffix(".json.gz") || $0.hasSuffix(".jsonl") || $0.hasSuffix(".gz") }.sorted().map { path + "/" + $0 }
            } else {
                names = [path]
            }
            for name in names {
                guard let data = FileManager.default.contents(atPath: name) else { throw CLIError("\(name): cannot be read") }
                do { try files.add(data, name: name) } catch { throw CLIError("\(error.description); nothing was imported") }
            }
        }
        let log: LMDBEventLog
        do { log = try LMDBEventLog(path: db, create: true) } catch let error as EventLogError { throw CLIError(error.description) }
        let head = try log.read { $0.head }
        let start = head.lastSeq == 0 ? AccessState() : try log.read { try History(reader: $0).state(through: head.lastSeq, useSnapshots: true) }
        let replay = CloudTrailImport.replay(files, onto: start)
        do {
            if head.lastSeq == 0 {
                try log.setMetadata(.cloudTrailImport)
            }
            if !replay.events.isEmpty, let range = try log.append(replay.events) {
                try CloudTrailSources.append(db, first: range.lowerBound, eventIDs: replay.eventIDs)
            }
            try CloudTrailSources.appendUnknowns(db, replay.unknownsAt)
        } catch let error as EventLogError {
            throw CLIError("\(error.description); nothing was imported")
        }
        if json { Console.out(try JSONOutput.encode(replay.report)); return }
        let r = replay.report
        let digest = try log.read { $0.head.digest }
        Console.out("imported \(replay.events.count) events from \(r.records) records in \(r.files) files (\(r.duplicates) duplicates dropped); digest \(digest.hex)")
        func list(_ title: String, _ counts: [String: Int]) {
            guard !counts.isEmpty else { return }
            Console.out("\(title): \(counts.values.reduce(0, +))")
            for key in counts.keys.sorted() { Console.out("  \(key): \(counts[key]!)") }
        }
        list("applied", r.applied)
        list("failed calls, not applied", r.failed)
        list("not modelled", r.notModelled)
        if r.beforeStart > 0 { Console.out("at or before the database's state, taken as in it: \(r.beforeStart)") }
        list("assumed", r.assumptions)
        for (title, lines) in [("skipped records", r.skipped), ("unknown", r.unknowns)] where !lines.isEmpty {
            Console.out("\(title): \(lines.count)")
            for line in lines.prefix(10) { Console.out("  \(line)") }
            if lines.count > 10 { Console.out("  ... and \(lines.count - 10) more (--json lists them all)") }
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
