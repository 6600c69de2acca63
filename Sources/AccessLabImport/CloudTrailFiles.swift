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
        /// When it happened: the AccessLab body's exact time, else `eventTime`.
        public var time: Instant
        /// The body's log position (0 without one): the order within a millisecond.
        var seq: Int64 = 0, part: Int64 = 0
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
                    take(result, name: name, place: place)
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

    private mutating func take(_ result: Result<CloudTrailRecord, CloudTrailRecord.ReadError>, name: String, place: CloudTrailReader.Place) {
        // A record of a delivery file is named by its index in Records, a record a line by its line.
        let index = place.index ?? place.line
        func skip(_ problem: String) {
            skipped.append(place.index.map { "\(name): Records[\($0)].\(problem)" } ?? "\(name):\(place.line): \(problem)")
        }
        let record: CloudTrailRecord
        switch result {
        case .success(let r): record = r
        case .failure(let error): skip(error.description); return
        }
        guard let eventTime = ISO8601.parse(record.eventTime) else {
            skip("eventTime '\(record.eventTime)' is not an ISO-8601 time")
            return
        }
        guard seen.insert(record.eventID).inserted else { duplicates += 1; return }
        let body = record.additionalEventData?["accesslab:body"]
        var located = Located(record: record, file: name, index: index, time: body?["time"]?.stringValue.flatMap(ISO8601.parse) ?? eventTime)
        if case .number(let n)? = body?["seq"] { located.seq = n }
        if case .number(let n)? = body?["part"] { located.part = n }
        records.append(located)
    }

    /// Records in time order. CloudTrail's times are whole seconds: within a second, records keep the order
    /// of their files (by name; delivery files are named by time) and their place in them, unless an
    /// AccessLab body gives the exact time and log position.
    public var ordered: [Located] {
        let fileNames = Set(records.map(\.file)).sorted()
        let fileRank = Dictionary(uniqueKeysWithValues: fileNames.enumerated().map { ($1, $0) })
        // Sorted as keys and positions, so that the records themselves are moved once.
        var keys = records.indices.map { i in
            let r = records[i]
            return (r.time.ms, r.seq, r.part, fileRank[r.file] ?? 0, r.index, i)
        }
        keys.sort { $0 < $1 }
        return keys.map { records[$0.5] }
    }
}
