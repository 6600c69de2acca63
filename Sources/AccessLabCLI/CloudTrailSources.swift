import AccessLabEvents
import AccessLabImport
import Foundation

/// Which CloudTrail record each imported event came from: `DIR/cloudtrail-sources.tsv`, one
/// `seq<TAB>eventID` line per event `import cloudtrail` appended. Answers on such a database name the
/// record of every event they cite (`@123 (CloudTrail 0f5e…)`), so a finding can be traced to the trail.
enum CloudTrailSources {
    static func file(_ db: String) -> String { db + "/cloudtrail-sources.tsv" }

    static func append(_ db: String, first seq: UInt64, eventIDs: [String]) throws {
        try appendLines(file(db), eventIDs.enumerated().map { "\(seq + UInt64($0.offset))\t\($0.element)\n" }.joined())
    }

    private static func appendLines(_ path: String, _ text: String) throws {
        if !FileManager.default.fileExists(atPath: path) { FileManager.default.createFile(atPath: path, contents: nil) }
        guard let handle = FileHandle(forWritingAtPath: path) else { throw CLIError("cannot write \(path)") }
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(text.utf8))
    }

    static func unknownsFile(_ db: String) -> String { db + "/cloudtrail-unknowns.tsv" }

    /// Appends what the trail could not decide (`time<TAB>eventID<TAB>text` lines).
    static func appendUnknowns(_ db: String, _ unknowns: [CloudTrailImport.Unknown]) throws {
        guard !unknowns.isEmpty else { return }
        try appendLines(unknownsFile(db), unknowns.map { "\($0.time)\t\($0.eventID)\t\($0.text)\n" }.joined())
    }

    /// What the trail could not decide up to `at`, about `about` (any text it must mention; nil: all).
    static func unknowns(_ db: String, through at: Instant, about: [String]? = nil) -> [String] {
        guard let data = FileManager.default.contents(atPath: unknownsFile(db)) else { return [] }
        return data.split(separator: 0x0a).compactMap { line -> String? in
            let parts = line.split(separator: 0x09, maxSplits: 2).map { String(decoding: $0, as: UTF8.self) }
            guard parts.count == 3, let t = ISO8601.parse(parts[0]), t <= at else { return nil }
            // A group change whose members AWS hid may concern anyone.
            if let about, !about.contains(where: { parts[2].contains($0) }), !parts[2].contains("PatchGroup") { return nil }
            return "\(parts[0]) (CloudTrail \(parts[1])): \(parts[2])"
        }
    }

    /// Printed after an answer on an imported trail: what it cannot know.
    static func printUnknowns(_ db: String, through at: Instant, about: [String]? = nil, json: Bool) {
        guard !json else { return }
        let lines = unknowns(db, through: at, about: about)
        guard !lines.isEmpty else { return }
        Console.out("Not known from the CloudTrail history (\(lines.count)); the answer above applies what the trail shows, not what these changed:")
        for line in lines.prefix(10) { Console.out("  " + line) }
        if lines.count > 10 { Console.out("  ... and \(lines.count - 10) more (\(unknownsFile(db)))") }
    }

    static func load(_ db: String) -> [UInt64: String] {
        guard let data = FileManager.default.contents(atPath: file(db)) else { return [:] }
        var out: [UInt64: String] = [:]
        for line in data.split(separator: 0x0a) {
            let parts = line.split(separator: 0x09)
            guard parts.count == 2, let seq = UInt64(String(decoding: parts[0], as: UTF8.self)) else { continue }
            out[seq] = String(decoding: parts[1], as: UTF8.self)
        }
        return out
    }

    /// Makes text output name the CloudTrail record after each `@seq` it cites (not for JSON output).
    static func annotateOutput(db: String, json: Bool) {
        guard !json else { return }
        let ids = load(db)
        guard !ids.isEmpty else { return }
        Console.annotate = { line in
            var out = "", rest = Substring(line)
            while let at = rest.firstIndex(of: "@") {
                // `@123` standing alone cites an event; `name@123corp.com` does not.
                let before = out.last ?? " "
                out += rest[...at]
                rest = rest[rest.index(after: at)...]
                let digits = rest.prefix { $0.isNumber }
                out += digits
                rest = rest.dropFirst(digits.count)
                let after = rest.first ?? " "
                if before == " " || before == "(" || before == "\t", !(after.isLetter || after == "." || after == "-"),
                   let seq = UInt64(digits), let id = ids[seq] {
                    out += " (CloudTrail \(id))"
                }
            }
            return out + rest
        }
    }
}
