import AccessLabAWS
import AccessLabEvents
import Foundation

/// CloudTrail records as they are stored: S3 delivery files (`{"Records":[...]}`, gzipped or not) and
/// CloudTrail Lake or event-history exports (one record a line). Records are taken from every file in any
/// order, de-duplicated by `eventID` and ordered by `eventTime`; a record that cannot be read is named
/// with its file and index and skipped.
public struct CloudTrailFiles {
    public struct Located {
        public var record: CloudTrailRecord
        public var file: String
        public var index: Int
    }

    public private(set) var records: [Located] = []
    public private(set) var skipped: [String] = []
    public private(set) var duplicates = 0
    public private(set) var files = 0

    public init() {}

    /// Reads one file's bytes. `name` is how errors name it. A file that is not JSON adds nothing and is the
    /// error, with where the JSON breaks; a record that is JSON but not a usable record is skipped and named.
    public mutating func add(_ data: Data, name: String) throws(ImportError) {
        var bytes = data
        if Gzip.isGzip(data) {
            do { bytes = try Gzip.decompress(data) } catch {
                files += 1
                skipped.append("\(name): \(error.description); the whole file skipped")
                return
            }
        }
        let before = (records: records.count, skipped: skipped.count, duplicates: duplicates)
        let syntax = bytes.withUnsafeBytes { buffer in
            Result { () throws(CloudTrailReader.SyntaxError) in
                try CloudTrailReader.records(in: buffer) { result, place in
                    if let index = place.index {
                        take(result, place: name, name: name, index: index, at: "Records[\(index)]")
                    } else {
                        take(result, place: "\(name):\(place.line)", name: name, index: place.line, at: "")
                    }
                }
            }
        }
        guard case .failure(let error) = syntax else { files += 1; return }
        for located in records[before.records...] { seen.remove(located.record.eventID) }
        records.removeSubrange(before.records...)
        skipped.removeSubrange(before.skipped...)
        duplicates = before.duplicates
        throw ImportError(file: name, problem: error.description)
    }

    private var seen = Set<String>()

    private mutating func take(_ result: Result<CloudTrailRecord, CloudTrailRecord.ReadError>, place: String, name: String, index: Int, at: String) {
        let record: CloudTrailRecord
        switch result {
        case .success(let r): record = r
        case .failure(let error):
            skipped.append("\(place): \(at.isEmpty ? "" : at + ".")\(error.description)")
            return
        }
        guard ISO8601.parse(record.eventTime) != nil else {
            skipped.append("\(place): \(at.isEmpty ? "" : at + ".")eventTime '\(record.eventTime)' is not an ISO-8601 time")
            return
        }
        guard seen.insert(record.eventID).inserted else { duplicates += 1; return }
        records.append(Located(record: record, file: name, index: index))
    }

    /// Records in time order. CloudTrail's times are whole seconds: within a second, records keep the order
    /// of their files (by name; delivery files are named by time) and their place in them, unless an
    /// AccessLab body gives the exact time and log position.
    public var ordered: [Located] {
        records.map { located -> (Int64, Int64, Int64, Located) in
            let body = located.record.additionalEventData?["accesslab:body"]
            let time = body?["time"]?.stringValue.flatMap(ISO8601.parse) ?? ISO8601.parse(located.record.eventTime)!
            var seq: Int64 = 0, part: Int64 = 0
            if case .number(let n)? = body?["seq"] { seq = n }
            if case .number(let n)? = body?["part"] { part = n }
            return (time.ms, seq, part, located)
        }.sorted { a, b in
            (a.0, a.1, a.2, a.3.file, a.3.index) < (b.0, b.1, b.2, b.3.file, b.3.index)
        }.map(\.3)
    }
}
