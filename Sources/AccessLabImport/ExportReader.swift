import AccessLabAWS
import AccessLabEvents
import Foundation

/// An export directory: `export.json` listing each AWS API call with its request and the file that
/// holds its response. `snapshot --format aws` and `tools/export-aws-org.sh` both write it.
public struct AWSExport {
    public struct Manifest: Decodable {
        public var at: String?
        public var source: String?
        public var calls: [Call]
    }
    public struct Call: Decodable {
        public var service: String
        public var operation: String
        public var request: [String: RequestValue]
        public var file: String

        /// A request member as text (the members the importer reads are all strings).
        public func string(_ member: String) -> String? {
            if case .string(let s) = request[member] { return s }
            return nil
        }
        var isFollowingPage: Bool { request["NextToken"] != nil || request["nextToken"] != nil }
    }
    public enum RequestValue: Decodable, Equatable {
        case string(String), other
        public init(from decoder: Decoder) throws {
            let c = try decoder.singleValueContainer()
            self = (try? c.decode(String.self)).map(RequestValue.string) ?? .other
        }
    }

    public let manifest: Manifest
    /// How many items lacked each member the model added later (see `addedLater`), across every response read.
    public var omitted: [String: Int] { omissions.counts }
    private let omissions = Omissions()
    let readFile: (String) throws -> Data

    /// Reads the manifest; `readFile` reads a file by its path relative to the export.
    public init(readFile: @escaping (String) throws -> Data) throws(ImportError) {
        self.readFile = readFile
        let data: Data
        do { data = try readFile("export.json") } catch { throw ImportError(file: "export.json", problem: "cannot read: \(error)") }
        do { manifest = try JSONDecoder().decode(Manifest.self, from: data) } catch {
            throw ImportError(file: "export.json", problem: ImportError.describe(error))
        }
    }

    public func calls(_ service: String, _ operation: String) -> [Call] {
        manifest.calls.filter { $0.service == service && $0.operation == operation }
    }

    /// One response, decoded into its generated shape.
    public func response<T: Decodable>(_ call: Call, as type: T.Type) throws(ImportError) -> T {
        let data: Data
        do { data = try readFile(call.file) } catch { throw ImportError(file: call.file, problem: "cannot read: \(error)") }
        // The AWS CLI prints nothing at all for an empty response (`{}`).
        let body = data.allSatisfy { $0 == 0x20 || $0 == 0x0a || $0 == 0x0d || $0 == 0x09 } ? Data("{}".utf8) : data
        var json = body
        // Each retry fills one member at one place in the shape, so the loop ends.
        while true {
            do { return try AWSWireJSON.decode(type, from: json) } catch DecodingError.keyNotFound(let key, let context) where Self.addedLater.contains(key.stringValue) {
                guard let tree = try? JSONSerialization.jsonObject(with: json) else { throw ImportError(file: call.file, problem: "not valid JSON") }
                var filled = 0
                let patched = Self.fill(key.stringValue, in: tree, at: context.codingPath[...], count: &filled)
                guard filled > 0, let data = try? JSONSerialization.data(withJSONObject: patched) else {
                    throw ImportError(file: call.file, problem: ImportError.describe(DecodingError.keyNotFound(key, context)))
                }
                omissions.counts[key.stringValue, default: 0] += filled
                json = data
            } catch {
                throw ImportError(file: call.file, problem: ImportError.describe(error))
            }
        }
    }

    /// Members botocore's identitystore model (1.44) made required after exports were written without
    /// them: moto's server and exports made with older AWS CLIs omit them. The importer reads none of
    /// them, so an item without one is accepted (and counted in the report) instead of refused.
    static let addedLater: Set<String> = ["UserArn", "GroupArn", "MembershipArn", "Revision"]

    /// Puts `member` (empty) into every object at `path` that lacks it, in every element of the arrays on the way.
    static func fill(_ member: String, in value: Any, at path: ArraySlice<any CodingKey>, count: inout Int) -> Any {
        guard let head = path.first else {
            guard var object = value as? [String: Any], object[member] == nil else { return value }
            object[member] = ""
            count += 1
            return object
        }
        if head.intValue != nil, let array = value as? [Any] {
            return array.map { fill(member, in: $0, at: path.dropFirst(), count: &count) }
        }
        guard var object = value as? [String: Any], let child = object[head.stringValue] else { return value }
        object[head.stringValue] = fill(member, in: child, at: path.dropFirst(), count: &count)
        return object
    }

    /// Every item of every page of an operation, grouped by the request member `key` (nil: one group).
    public func items<Page: Decodable, Item>(_ service: String, _ operation: String, as page: Page.Type, key: String? = nil,
                                             _ extract: (Page) -> [Item]) throws(ImportError) -> [String: [Item]] {
        var out: [String: [Item]] = [:]
        for call in calls(service, operation) {
            let group = key.flatMap { call.string($0) } ?? ""
            out[group, default: []] += extract(try response(call, as: page))
        }
        return out
    }
}

/// What is wrong with an export: the file and the place in it.
public struct ImportError: Error, CustomStringConvertible, Equatable {
    public var file: String
    public var problem: String
    public init(file: String, problem: String) { self.file = file; self.problem = problem }
    public var description: String { "\(file): \(problem)" }

    static func describe(_ error: Error) -> String {
        guard let e = error as? DecodingError else { return "\(error)" }
        func path(_ p: [CodingKey]) -> String {
            p.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().drop { $0 == "." }.description
        }
        switch e {
        case .keyNotFound(let key, let c): return "\(path(c.codingPath + [key])): missing (the model requires it)"
        case .typeMismatch(let t, let c): return "\(path(c.codingPath)): expected \(t)"
        case .valueNotFound(let t, let c): return "\(path(c.codingPath)): expected \(t), found null"
        case .dataCorrupted(let c): return (c.codingPath.isEmpty ? "" : path(c.codingPath) + ": ") + "not valid JSON or not a valid value (\(c.debugDescription))"
        @unknown default: return "\(error)"
        }
    }
}

/// Counts shared by the copies of one export.
private final class Omissions {
    var counts: [String: Int] = [:]
}
