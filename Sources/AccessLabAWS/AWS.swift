import AccessLabEvents

/// AWS's wire formats, in one place: the request and response shapes of the services AccessLab speaks
/// (generated from botocore's service models into `Generated/`), ids and ARNs as AWS writes them,
/// pagination tokens, and the JSON encoding of each protocol. Everything that reads or writes what an
/// AWS client sees (`snapshot --format aws`, the server, the importers, CloudTrail) goes through here.
public enum AWS {}

/// How a service's requests and responses travel.
public enum AWSProtocol: String, Sendable {
    /// AWS JSON 1.1: `POST /`, `X-Amz-Target: <prefix>.<operation>`, JSON bodies, epoch-second timestamps.
    case json
    /// REST JSON: the route names the operation; members travel in the path, query, headers and body.
    case restJSON
    /// The query protocol: form-encoded `Action=...` requests, XML responses.
    case query
}

/// One service's description from its botocore model.
public struct AWSService: Sendable {
    public var name: String
    public var apiVersion: String
    public var `protocol`: AWSProtocol
    /// The `X-Amz-Target` prefix of JSON 1.1 services.
    public var targetPrefix: String?
    /// The service name in a SigV4 credential scope.
    public var signingName: String
    public var endpointPrefix: String
    public var operations: [AWSOperation]

    public init(name: String, apiVersion: String, protocol: AWSProtocol, targetPrefix: String?, signingName: String,
                endpointPrefix: String, operations: [AWSOperation]) {
        self.name = name; self.apiVersion = apiVersion; self.protocol = `protocol`; self.targetPrefix = targetPrefix
        self.signingName = signingName; self.endpointPrefix = endpointPrefix; self.operations = operations
    }

    public func operation(_ name: String) -> AWSOperation? { operations.first { $0.name == name } }
}

/// One operation: its route and shapes, the errors it may answer with, and how it pages.
public struct AWSOperation: Sendable {
    public var name: String
    public var httpMethod: String
    public var requestURI: String
    public var input: String?
    public var output: String?
    public var errors: [String]
    public var paginator: AWSPaginator?

    public init(name: String, httpMethod: String, requestURI: String, input: String?, output: String?, errors: [String],
                paginator: AWSPaginator?) {
        self.name = name; self.httpMethod = httpMethod; self.requestURI = requestURI; self.input = input
        self.output = output; self.errors = errors; self.paginator = paginator
    }
}

/// botocore's paginator for an operation, with the largest page the model allows for its limit key.
public struct AWSPaginator: Sendable {
    public var inputToken: String
    public var outputToken: String
    public var limitKey: String?
    public var resultKey: String
    public var largestPage: Int?

    public init(inputToken: String, outputToken: String, limitKey: String?, resultKey: String, largestPage: Int?) {
        self.inputToken = inputToken; self.outputToken = outputToken; self.limitKey = limitKey
        self.resultKey = resultKey; self.largestPage = largestPage
    }
}

/// A timestamp member. JSON protocols carry epoch seconds (with milliseconds); decoding also takes the
/// ISO-8601 text the AWS CLI v2 prints, so exports read back whichever CLI wrote them.
public struct AWSTimestamp: Codable, Sendable, Equatable, Comparable {
    public var instant: Instant
    public init(_ instant: Instant) { self.instant = instant }

    public static func < (a: AWSTimestamp, b: AWSTimestamp) -> Bool { a.instant < b.instant }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        if instant.ms % 1000 == 0 { try c.encode(instant.ms / 1000) } else { try c.encode(Double(instant.ms) / 1000) }
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let seconds = try? c.decode(Double.self) {
            instant = Instant(ms: Int64((seconds * 1000).rounded()))
        } else {
            let text = try c.decode(String.self)
            guard let parsed = ISO8601.parse(text) else {
                throw DecodingError.dataCorruptedError(in: c, debugDescription: "not a timestamp: \(text)")
            }
            instant = parsed
        }
    }
}

/// A `document` member: any JSON value, kept as its text.
public struct AWSDocument: Codable, Sendable, Equatable {
    public var json: String
    public init(json: String) { self.json = json }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(json)
    }
    public init(from decoder: Decoder) throws { json = try decoder.singleValueContainer().decode(String.self) }
}

/// The body of an operation that takes no input (`organizations:DescribeOrganization`): `{}`.
public struct AWSEmptyRequest: Codable, Sendable, Equatable {
    public init() {}
}

/// A request of any operation, with the page token a paginated call adds under the operation's own
/// token member (`NextToken`, or `nextToken` in the portal's API).
public struct AWSRequest: Encodable, Sendable {
    public let body: any Encodable & Sendable
    public let pageToken: (member: String, value: String)?

    public init(_ body: any Encodable & Sendable, pageToken: (member: String, value: String)? = nil) {
        self.body = body; self.pageToken = pageToken
    }

    public func encode(to encoder: Encoder) throws {
        try body.encode(to: encoder)
        if let pageToken {
            var c = encoder.container(keyedBy: AWSMemberKey.self)
            try c.encode(pageToken.value, forKey: AWSMemberKey(pageToken.member))
        }
    }
}

/// A JSON member named at run time (page tokens, CloudTrail's free-form objects).
struct AWSMemberKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ name: String) { stringValue = name }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

/// Session durations as sso-admin writes and reads them: ISO-8601 durations of hours, minutes and
/// seconds (`PT12H`, `PT1H30M`).
public enum AWSDuration {
    public static func text(_ d: Duration_ms) -> String {
        let total = d.ms / 1000
        let h = total / 3600, m = total / 60 % 60, s = total % 60
        return "PT" + (h > 0 ? "\(h)H" : "") + (m > 0 ? "\(m)M" : "") + (s > 0 || total == 0 ? "\(s)S" : "")
    }

    /// Seconds of such a duration, or nil when the text is not one.
    public static func seconds(_ text: String) -> Int64? {
        guard let m = text.wholeMatch(of: /PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?/), text != "PT" else { return nil }
        let h = m.1.flatMap { Int64($0) } ?? 0, mi = m.2.flatMap { Int64($0) } ?? 0, s = m.3.flatMap { Int64($0) } ?? 0
        return h * 3600 + mi * 60 + s
    }
}
