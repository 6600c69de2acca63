import AccessLabAWS
import AccessLabEvents
import Foundation

/// CloudTrail records as they are stored: S3 delivery files (`{"Records":[...]}`, gzipped or not) and
/// CloudTrail Lake or event-history exports (one record a line). Records are taken from every file in any
/// order, de-duplicated by `eventID` and ordered by `eventTime`; a record that cannot be read is named
/// with its file and index and skipped.
public struct CloudTrailFiles {
    public struct Located {
        /// Its members, their places in `CloudTrailFiles.bytes`.
        public var record: CloudTrailRecordSpans
        /// Its file, by position in `fileNames`.
        public var file: Int
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
    /// The names of the files records were read from.
    public private(set) var fileNames: [String] = []
    /// Every file read, one after another: the records' objects are read from here, when asked.
    public private(set) var bytes: [UInt8] = []

    public init() {}

    /// Reads one file's bytes. `name` is how errors name it. A file that is not JSON adds nothing and is the
    /// error, with where the JSON breaks; a record that is JSON but not a usable record is skipped and named.
    public mutating func add(_ data: Data, name: String) throws(ImportError) {
        var data = data
        if Gzip.isGzip(data) {
            do { data = try Gzip.decompress(data) } catch {
                files += 1
                skipped.append("\(name): \(error.description); the whole file skipped")
                return
            }
        }
        let before = (records: records.count, skipped: skipped.count, duplicates: duplicates)
        let offset = bytes.count, file = fileNames.count
        // Room for the file's records at a guess of 512 bytes each (CloudTrail's are 1-2 KB): growing the set
        // rehashes every id already in it. At least doubled, so that many small files do not grow it one by one.
        let expected = data.count / 512
        if seen.count + expected > seen.capacity { seen.reserveCapacity(max(seen.count + expected, 2 * seen.capacity)) }
        if records.count + expected > records.capacity { records.reserveCapacity(max(records.count + expected, 2 * records.capacity)) }
        let syntax = data.withUnsafeBytes { buffer in
            Result { () throws(CloudTrailReader.SyntaxError) in
                try CloudTrailReader.recordSpans(in: buffer) { result, place in
                    take(result, in: buffer.assumingMemoryBound(to: UInt8.self), offset: offset, name: name, file: file, place: place)
                }
            }
        }
        guard case .failure(let error) = syntax else {
            files += 1
            fileNames.append(name)
            bytes.append(contentsOf: data)
            return
        }
        for located in records[before.records...] { seen.remove(located.record.eventID) }
        records.removeSubrange(before.records...)
        skipped.removeSubrange(before.skipped...)
        duplicates = before.duplicates
        throw ImportError(file: name, problem: error.description)
    }

    private var seen = Set<String>()
    private var lastTime: (text: String, instant: Instant)?

    private mutating func take(_ result: Result<CloudTrailRecordSpans, CloudTrailRecord.ReadError>, in buffer: UnsafeBufferPointer<UInt8>,
                               offset: Int, name: String, file: Int, place: CloudTrailReader.Place) {
        // A record of a delivery file is named by its index in Records, a record a line by its line.
        let index = place.index ?? place.line
        func skip(_ problem: String) {
            skipped.append(place.index.map { "\(name): Records[\($0)].\(problem)" } ?? "\(name):\(place.line): \(problem)")
        }
        var record: CloudTrailRecordSpans
        switch result {
        case .success(let r): record = r
        case .failure(let error): skip(error.description); return
        }
        // Records of the same second share their time's string, and it is parsed once.
        let eventTime: Instant
        if let last = lastTime, last.text == record.eventTime {
            eventTime = last.instant
        } else {
            guard let parsed = ISO8601.parse(record.eventTime) else {
                skip("eventTime '\(record.eventTime)' is not an ISO-8601 time")
                return
            }
            eventTime = parsed
            lastTime = (record.eventTime, parsed)
        }
        guard seen.insert(record.eventID).inserted else { duplicates += 1; return }
        // Read from this file's bytes before the record's places are made `bytes`'.
        let body = withUnsafePointer(to: record) { CloudTrailRecordView($0, in: buffer).body }
        record.shift(by: offset)
        // Moved, not copied, on its way into `records` (a copy retains each of its strings; the optimizer kept two).
        var located = Located(record: consume record, file: file, index: index, time: eventTime)
        if let body {
            if let time = body["time"]?.stringValue.flatMap(ISO8601.parse) { located.time = time }
            if let n = body["seq"]?.numberValue { located.seq = n }
            if let n = body["part"]?.numberValue { located.part = n }
        }
        records.append(consume located)
    }

    /// Records in time order. CloudTrail's times are whole seconds: within a second, records keep the order
    /// of their files (by name; delivery files are named by time) and their place in them, unless an
    /// AccessLab body gives the exact time and log position.
    public var ordered: [Located] { order.map { records[$0] } }

    /// The positions in `records` of `ordered`'s records.
    public var order: [Int] {
        // A name read twice ranks as one file, as it did when records carried their file's name.
        let names = Array(Set(fileNames)).sorted()
        let rankOfName = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })
        let fileRank = fileNames.map { rankOfName[$0] ?? 0 }
        // Sorted as keys and positions, so that the records themselves are moved once.
        var keys = records.indices.map { i in
            let r = records[i]
            return (r.time.ms, r.seq, r.part, fileRank[r.file], r.index, i)
        }
        keys.sort { $0 < $1 }
        return keys.map(\.5)
    }
}
