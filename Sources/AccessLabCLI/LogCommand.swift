import AccessLabEvents
import AccessLabProjections
import AccessLabQuery
import AccessLabLog
import ArgumentParser
import Foundation

/// `accesslab log`: the log read like a CloudTrail trail.
struct LogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "List events, one readable line each, or JSON Lines with --json.",
        discussion: """
        Filters combine: an event is listed when it is in the time range, of the type, and concerns \
        the user and the account given.

        Examples:
          accesslab log --db /tmp/demo --user u-alice
          accesslab log --db /tmp/org --user u00755@example.com --account shared-services --from 2026-01-09 --to end
          accesslab log --db /tmp/demo --from +8h --to +10h --type RoleCredentialsIssued
          accesslab log --db /tmp/demo --from @10 --json > tail.jsonl
        """
    )

    @OptionGroup var database: DatabaseOption
    @Option(help: "First point to list (2026-01-05T10:00Z, 2026-01-05, +3d4h, end-6h or @seq).") var from: String?
    @Option(help: "Last point to list (a time as for --from, or end).") var to: String?
    @Option(help: "Only events concerning this user (id, user name or email).") var user: String?
    @Option(help: "Only events concerning this account (id or name).") var account: String?
    @Option(help: ArgumentHelp("Only events of this type (e.g. CreateAccountAssignment).", valueName: "name")) var type: String?
    @Flag(help: "Print JSON Lines, the form `import` reads.") var json = false
    @Flag(help: ArgumentHelp("Print the records CloudTrail would hold for these events, as a trail delivers them ({\"Records\":[...]}).",
                             discussion: "SCIM bodies are hidden as AWS hides them; events AWS does not log (HR, the IdP's directory, expiries) have no record and are counted on standard error."))
    var cloudtrail = false
    @Flag(help: "With --cloudtrail: add what AWS hides (SCIM bodies) under additionalEventData[\"accesslab:body\"], AccessLab's extension.")
    var withBodies = false

    func run() throws {
        let fromSpec = try parseTime(from, option: "--from")
        let toSpec = try parseTime(to, option: "--to")
        var eventType: EventType?
        if let type {
            guard let found = EventType(name: type) else {
                let names = EventType.allCases.map(\.name).sorted().joined(separator: ", ")
                throw CLIError("--type: unknown event type '\(type)'; known types: \(names)")
            }
            eventType = found
        }
        if withBodies && !cloudtrail { throw CLIError("--with-bodies goes with --cloudtrail") }
        if cloudtrail && json { throw CLIError("--cloudtrail and --json are two output formats; choose one") }
        let log = try database.openExisting()
        if cloudtrail { return try writeCloudTrail(log, fromSpec, toSpec, eventType) }
        try log.read { reader in
            let lower = try fromSpec.map { try reader.firstSeq(from: $0) } ?? 1
            let upper = try toSpec.map { try reader.lastSeq(asOf: $0) } ?? reader.head.lastSeq
            guard lower <= upper else { return }
            let userId = try NameLookup.user(user, in: reader), accountId = try NameLookup.account(account, in: reader)
            let entities = [userId.map(EntityRef.user), accountId.map(EntityRef.account)].compactMap { $0 }
            let emit: (Event) throws -> Void = { event in
                if let eventType, event.type != eventType { return }
                Console.out(json ? try EventJSON.line(event) : EventLine.render(event))
            }
            if entities.isEmpty {
                try reader.forEachEvent(in: lower...upper) { try emit($0); return true }
            } else {
                var seqs = Set(try reader.seqs(touching: entities[0]))
                for entity in entities.dropFirst() { seqs.formIntersection(try reader.seqs(touching: entity)) }
                for seq in seqs.sorted() where seq >= lower && seq <= upper { try emit(try reader.event(seq)) }
            }
        }
    }
}

extension LogCommand {
    /// Every event is folded from the first (the records name things as they were then); only those in
    /// the window and the filters are written.
    func writeCloudTrail(_ log: LMDBEventLog, _ fromSpec: TimeSpec?, _ toSpec: TimeSpec?, _ eventType: EventType?) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var unrecorded: [String: Int] = [:], written = 0
        try log.read { reader in
            let lower = try fromSpec.map { try reader.firstSeq(from: $0) } ?? 1
            let upper = try toSpec.map { try reader.lastSeq(asOf: $0) } ?? reader.head.lastSeq
            let final = try History(reader: reader).state(through: reader.head.lastSeq, useSnapshots: true)
            var writer = CloudTrailWriter(final: final, region: AccessRules(parameters: reader.metadata.parameters).identityCenterRegion,
                                          withBodies: withBodies)
            writer.requests = ServedRequests.load(database.db)
            let userId = try NameLookup.user(user, in: reader), accountId = try NameLookup.account(account, in: reader)
            Console.write("{\"Records\":[")
            guard upper >= 1 else { Console.out("]}"); return }
            try reader.forEachEvent(in: 1...upper) { event in
                let records = writer.records(event)
                guard event.seq >= lower, eventType == nil || event.type == eventType else { return true }
                let touching = Set(event.body.payload.entities)
                if let u = userId, !touching.contains(.user(u)) { return true }
                if let a = accountId, !touching.contains(.account(a)) { return true }
                for r in records {
                    Console.write((written == 0 ? "\n" : ",\n") + String(decoding: try encoder.encode(r), as: UTF8.self))
                    written += 1
                }
                return true
            }
            unrecorded = writer.unrecorded
            Console.out("\n]}")
        }
        let skipped = unrecorded.keys.sorted().map { "\($0) \(unrecorded[$0]!)" }.joined(separator: ", ")
        Console.err("\(written) CloudTrail records" + (skipped.isEmpty ? "" : "; events AWS does not log (no record): \(skipped)"))
    }
}

/// One readable line per event: `seq  time  actor  type  field=value ...`.
enum EventLine {
    static func render(_ event: Event) -> String {
        let cause = event.cause.map { " cause=@\($0)" } ?? ""
        return "@\(event.seq)  \(event.time)  \(event.actor.rawValue.padding(6))  \(event.type.name)  \(fields(event.body.payload))\(cause)"
    }

    /// The payload's fields flattened to `key=value`, in the payload's JSON key order (sorted).
    static func fields(_ payload: any EventPayload) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard let data = try? encoder.encode(payload),
              let object = try? JSONSerialization.jsonObject(with: data) else { return "" }
        var parts: [String] = []
        flatten(object, prefix: "", into: &parts)
        return parts.joined(separator: " ")
    }

    private static func flatten(_ value: Any, prefix: String, into parts: inout [String]) {
        switch value {
        case let dict as [String: Any]:
            for key in dict.keys.sorted() {
                flatten(dict[key] as Any, prefix: prefix.isEmpty ? key : "\(prefix).\(key)", into: &parts)
            }
        case let array as [Any]:
            let items = array.map { item -> String in
                if let d = item as? [String: Any] {
                    var inner: [String] = []
                    flatten(d, prefix: "", into: &inner)
                    return "{" + inner.joined(separator: " ") + "}"
                }
                return scalar(item)
            }
            parts.append("\(prefix)=[\(items.joined(separator: ","))]")
        default:
            let text = scalar(value)
            parts.append("\(prefix)=\(text.count > 80 ? String(text.prefix(77)) + "..." : text)")
        }
    }

    private static func scalar(_ value: Any) -> String {
        switch value {
        case let s as String: s.contains(" ") ? "\"\(s)\"" : s
        // Foundation hands JSON booleans back as a boolean subclass of NSNumber.
        case let n as NSNumber where String(describing: type(of: n)).contains("Boolean"): n.boolValue ? "true" : "false"
        case let n as NSNumber: n.stringValue
        default: "\(value)"
        }
    }
}

extension String {
    func padding(_ width: Int) -> String { count >= width ? self : self + String(repeating: " ", count: width - count) }
}

/// `DIR/serve-requests.tsv`, written by `serve`: `seq, request id, caller, source, operation` per event.
enum ServedRequests {
    static func load(_ db: String) -> [UInt64: CloudTrailWriter.ServedRequest] {
        guard let data = FileManager.default.contents(atPath: db + "/serve-requests.tsv") else { return [:] }
        var out: [UInt64: CloudTrailWriter.ServedRequest] = [:]
        for line in data.split(separator: 0x0a) {
            let parts = line.split(separator: 0x09, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
            guard parts.count >= 4, let seq = UInt64(parts[0]) else { continue }
            out[seq] = CloudTrailWriter.ServedRequest(requestId: parts[1], caller: parts[2], source: parts[3])
        }
        return out
    }
}
