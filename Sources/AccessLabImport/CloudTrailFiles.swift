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

    /// Reads one file's bytes. `name` is how errors name it.
    public mutating func add(_ data: Data, name: String) {
        files += 1
        var bytes = data
        if Gzip.isGzip(data) {
            do { bytes = try Gzip.decompress(data) } catch {
                skipped.append("\(name): \(error.description); the whole file skipped")
                return
            }
        }
        let text = bytes.drop { $0 == 0x20 || $0 == 0x0a || $0 == 0x0d || $0 == 0x09 }
        // A delivery file is parsed once (JSONSerialization is several times faster here than JSONDecoder,
        // whose failed type probes build coding paths) and each record read on its own. Text that is not
        // one JSON object is read a line at a time.
        if text.first == UInt8(ascii: "{"), let object = try? JSONSerialization.jsonObject(with: Data(text)) as? [String: Any] {
            if let list = object["Records"] as? [Any] {
                for (i, item) in list.enumerated() { take(Self.record(item), place: name, name: name, index: i, at: "Records[\(i)]") }
            } else if object["eventID"] != nil {
                take(Self.record(object), place: name, name: name, index: 0, at: "")
            } else {
                skipped.append("\(name): a JSON object without Records; not a CloudTrail file")
            }
            return
        }
        // One record a line.
        var index = 0
        for line in bytes.split(separator: 0x0a, omittingEmptySubsequences: false) {
            defer { index += 1 }
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x0d || $0 == 0x09 }) { continue }
            let result = (try? JSONSerialization.jsonObject(with: Data(line))).map(Self.record)
                ?? .failure(CloudTrailRecord.ReadError(description: "not valid JSON"))
            take(result, place: "\(name):\(index + 1)", name: name, index: index, at: "")
        }
    }

    static func record(_ any: Any) -> Result<CloudTrailRecord, Error> {
        Result { () throws(CloudTrailRecord.ReadError) in try CloudTrailRecord(json: any) }.mapError { $0 as Error }
    }

    private var seen = Set<String>()

    private mutating func take(_ result: Result<CloudTrailRecord, Error>, place: String, name: String, index: Int, at: String) {
        let record: CloudTrailRecord
        switch result {
        case .success(let r): record = r
        case .failure(let error):
            skipped.append("\(place): \(at.isEmpty ? "" : at + ".")\(ImportError.describe(error))")
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
