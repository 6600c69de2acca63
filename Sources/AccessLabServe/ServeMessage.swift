import Foundation

/// An HTTP request as the server received it: the path and query exactly as sent (SigV4 signs them
/// that way), header names in lower case.
public struct ServeRequest: Sendable {
    public var method: String
    public var path: String
    public var query: String
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]
    /// The peer's address, recorded beside the events the request caused.
    public var source: String

    public init(method: String, path: String, query: String = "", headers: [(name: String, value: String)], body: [UInt8] = [], source: String = "127.0.0.1") {
        self.method = method; self.path = path; self.query = query
        self.headers = headers.map { ($0.name.lowercased(), $0.value) }
        self.body = body; self.source = source
    }

    public func header(_ name: String) -> String? { headers.first { $0.name == name }?.value }

    /// The query's parameters, decoded, in the order sent.
    public var queryItems: [(String, String)] { Form.decode(query) }
    public func queryValue(_ name: String) -> String? { queryItems.first { $0.0 == name }?.1 }
    public var bodyData: Data { Data(body) }
}

/// What the server answers.
public struct ServeResponse: Sendable {
    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]
    /// The last event this request wrote: the answer may go out once the log holds it.
    public var durableThrough: UInt64?

    public init(status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.status = status; self.headers = headers; self.body = body
    }

    static func json(_ data: Data, status: Int = 200, contentType: String = "application/json") -> ServeResponse {
        ServeResponse(status: status, headers: [("content-type", contentType)], body: Array(data))
    }

    public var text: String { String(decoding: body, as: UTF8.self) }
}

/// `application/x-www-form-urlencoded` and query strings.
enum Form {
    static func decode(_ text: String) -> [(String, String)] {
        text.split(separator: "&").map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = percentDecode(String(parts[0]))
            return (key, parts.count > 1 ? percentDecode(String(parts[1])) : "")
        }
    }

    static func percentDecode(_ s: String) -> String {
        (s.replacingOccurrences(of: "+", with: " ").removingPercentEncoding) ?? s
    }

    /// RFC 3986 encoding of everything but unreserved characters, as SigV4 canonicalises.
    static func percentEncode(_ s: String, keepSlash: Bool = false) -> String {
        var out: [UInt8] = []
        percentEncode(s, keepSlash: keepSlash, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    static func percentEncode(_ s: String, keepSlash: Bool = false, into out: inout [UInt8]) {
        let hex: StaticString = "0123456789ABCDEF"
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
                out.append(b)
            case UInt8(ascii: "/") where keepSlash:
                out.append(b)
            default:
                hex.withUTF8Buffer { h in out += [UInt8(ascii: "%"), h[Int(b >> 4)], h[Int(b & 15)]] }
            }
        }
    }
}
