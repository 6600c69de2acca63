import AccessLabEvents

/// CloudTrail's record format (CloudTrail User Guide, "CloudTrail record contents"; event version 1.11),
/// as a trail delivers it to S3: `{"Records":[...]}`. Members AWS writes as `null` (request parameters and
/// response elements of calls without them) are written as `null`, not left out.
public struct CloudTrailRecord: Encodable, Sendable, Equatable {
    public static let currentVersion = "1.11"

    public var eventVersion = CloudTrailRecord.currentVersion
    public var userIdentity: CloudTrailJSON
    /// UTC to the second, as CloudTrail writes it.
    public var eventTime: String
    public var eventSource: String
    public var eventName: String
    public var awsRegion: String
    public var sourceIPAddress: String
    public var userAgent: String?
    public var errorCode: String?
    public var errorMessage: String?
    public var requestParameters: CloudTrailJSON?
    public var responseElements: CloudTrailJSON?
    public var additionalEventData: CloudTrailJSON?
    public var serviceEventDetails: CloudTrailJSON?
    public var requestID: String?
    public var eventID: String
    public var readOnly: Bool
    public var resources: [CloudTrailJSON]?
    /// `AwsApiCall`, or `AwsServiceEvent` for what no public API request caused (sign-ins, portal events).
    public var eventType: String
    public var managementEvent = true
    public var recipientAccountId: String
    public var eventCategory = "Management"

    /// A record as read, its time as written.
    public init(userIdentity: CloudTrailJSON, eventTime: String, eventSource: String, eventName: String, awsRegion: String,
                sourceIPAddress: String, userAgent: String?, requestParameters: CloudTrailJSON?, responseElements: CloudTrailJSON?,
                requestID: String?, eventID: String, readOnly: Bool, eventType: String, recipientAccountId: String) {
        self.userIdentity = userIdentity; self.eventTime = eventTime
        self.eventSource = eventSource; self.eventName = eventName; self.awsRegion = awsRegion
        self.sourceIPAddress = sourceIPAddress; self.userAgent = userAgent
        self.requestParameters = requestParameters; self.responseElements = responseElements
        self.requestID = requestID; self.eventID = eventID; self.readOnly = readOnly; self.eventType = eventType
        self.recipientAccountId = recipientAccountId
    }

    public init(userIdentity: CloudTrailJSON, eventTime: Instant, eventSource: String, eventName: String, awsRegion: String,
                sourceIPAddress: String, userAgent: String?, requestParameters: CloudTrailJSON?, responseElements: CloudTrailJSON?,
                requestID: String?, eventID: String, readOnly: Bool, eventType: String, recipientAccountId: String) {
        self.userIdentity = userIdentity
        self.eventTime = ISO8601.format(Instant(ms: eventTime.ms - ((eventTime.ms % 1000) + 1000) % 1000))
        self.eventSource = eventSource; self.eventName = eventName; self.awsRegion = awsRegion
        self.sourceIPAddress = sourceIPAddress; self.userAgent = userAgent
        self.requestParameters = requestParameters; self.responseElements = responseElements
        self.requestID = requestID; self.eventID = eventID; self.readOnly = readOnly; self.eventType = eventType
        self.recipientAccountId = recipientAccountId
    }

    enum CodingKeys: String, CodingKey {
        case eventVersion, userIdentity, eventTime, eventSource, eventName, awsRegion, sourceIPAddress, userAgent, errorCode, errorMessage
        case requestParameters, responseElements, additionalEventData, serviceEventDetails, requestID, eventID, readOnly, resources
        case eventType, managementEvent, recipientAccountId, eventCategory
    }

    /// What is wrong with a record that cannot be read (`CloudTrailReader` reads records of any 1.x version:
    /// the time, source, name and id are required; what older records lack takes its default).
    public struct ReadError: Error, CustomStringConvertible {
        public var description: String
        public init(description: String) { self.description = description }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(eventVersion, forKey: .eventVersion)
        try c.encode(userIdentity, forKey: .userIdentity)
        try c.encode(eventTime, forKey: .eventTime)
        try c.encode(eventSource, forKey: .eventSource)
        try c.encode(eventName, forKey: .eventName)
        try c.encode(awsRegion, forKey: .awsRegion)
        try c.encode(sourceIPAddress, forKey: .sourceIPAddress)
        try c.encodeIfPresent(userAgent, forKey: .userAgent)
        try c.encodeIfPresent(errorCode, forKey: .errorCode)
        try c.encodeIfPresent(errorMessage, forKey: .errorMessage)
        try c.encode(requestParameters ?? .null, forKey: .requestParameters)
        try c.encode(responseElements ?? .null, forKey: .responseElements)
        try c.encodeIfPresent(additionalEventData, forKey: .additionalEventData)
        try c.encodeIfPresent(serviceEventDetails, forKey: .serviceEventDetails)
        try c.encodeIfPresent(requestID, forKey: .requestID)
        try c.encode(eventID, forKey: .eventID)
        try c.encode(readOnly, forKey: .readOnly)
        try c.encodeIfPresent(resources, forKey: .resources)
        try c.encode(eventType, forKey: .eventType)
        try c.encode(managementEvent, forKey: .managementEvent)
        try c.encode(recipientAccountId, forKey: .recipientAccountId)
        try c.encode(eventCategory, forKey: .eventCategory)
    }
}

/// The S3 delivery file: `{"Records":[...]}`.
public struct CloudTrailLogFile: Encodable, Sendable, Equatable {
    public var Records: [CloudTrailRecord]
    public init(records: [CloudTrailRecord]) { Records = records }
}

/// A JSON value inside a record (request parameters, identities, details). Objects keep the order they
/// were built in; encoders with sorted keys sort them.
public enum CloudTrailJSON: Encodable, Sendable, Equatable, ExpressibleByStringLiteral, ExpressibleByDictionaryLiteral,
    ExpressibleByArrayLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral {
    case object([(String, CloudTrailJSON)])
    case array([CloudTrailJSON])
    case string(String)
    case number(Int64)
    case bool(Bool)
    case null

    /// What CloudTrail writes in place of a value it does not show.
    public static let hidden = CloudTrailJSON.string("HIDDEN_DUE_TO_SECURITY_REASONS")

    public init(stringLiteral value: String) { self = .string(value) }
    public init(dictionaryLiteral elements: (String, CloudTrailJSON)...) { self = .object(elements) }
    public init(arrayLiteral elements: CloudTrailJSON...) { self = .array(elements) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int64) { self = .number(value) }

    public static func == (a: CloudTrailJSON, b: CloudTrailJSON) -> Bool {
        switch (a, b) {
        case (.object(let x), .object(let y)): x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        case (.array(let x), .array(let y)): x == y
        case (.string(let x), .string(let y)): x == y
        case (.number(let x), .number(let y)): x == y
        case (.bool(let x), .bool(let y)): x == y
        case (.null, .null): true
        default: false
        }
    }

    /// The member `key` of an object.
    public subscript(key: String) -> CloudTrailJSON? {
        if case .object(let members) = self { return members.first { $0.0 == key }?.1 }
        return nil
    }
    public var stringValue: String? { if case .string(let s) = self { s } else { nil } }

    public func encode(to encoder: Encoder) throws {
        switch self {
        case .object(let members):
            var c = encoder.container(keyedBy: AWSMemberKey.self)
            for (k, v) in members { try c.encode(v, forKey: AWSMemberKey(k)) }
        case .array(let items):
            var c = encoder.unkeyedContainer()
            for v in items { try c.encode(v) }
        case .string(let s): var c = encoder.singleValueContainer(); try c.encode(s)
        case .number(let n): var c = encoder.singleValueContainer(); try c.encode(n)
        case .bool(let b): var c = encoder.singleValueContainer(); try c.encode(b)
        case .null: var c = encoder.singleValueContainer(); try c.encodeNil()
        }
    }
}
