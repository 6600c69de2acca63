import AccessLabAWS
import Foundation

/// How records were read before `CloudTrailReader`: Foundation's `JSONSerialization`, then the objects
/// turned into records. Kept here only as the reference the reader is compared with.
enum FoundationCloudTrail {
    /// Every record of a delivery file or of a record-a-line file, or why each cannot be read.
    static func records(_ data: Data) -> [Result<CloudTrailRecord, CloudTrailRecord.ReadError>] {
        if let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] {
            if let list = object["Records"] as? [Any] { return list.map(record) }
            return [record(object)]
        }
        return data.split(separator: 0x0a).filter { !$0.allSatisfy { $0 == 0x20 || $0 == 0x0d || $0 == 0x09 } }.map { line in
            guard let any = try? JSONSerialization.jsonObject(with: Data(line)) else { return .failure(.init(description: "not valid JSON")) }
            return record(any)
        }
    }

    static func record(_ any: Any) -> Result<CloudTrailRecord, CloudTrailRecord.ReadError> {
        Result { () throws(CloudTrailRecord.ReadError) in
            guard let o = any as? [String: Any] else { throw CloudTrailRecord.ReadError(description: "not a JSON object") }
            func required(_ key: String) throws(CloudTrailRecord.ReadError) -> String {
                guard let v = o[key] as? String else { throw CloudTrailRecord.ReadError(description: "\(key): missing (every record has it)") }
                return v
            }
            var r = CloudTrailRecord(userIdentity: o["userIdentity"].map(json) ?? .null, eventTime: try required("eventTime"),
                                     eventSource: try required("eventSource"), eventName: try required("eventName"),
                                     awsRegion: o["awsRegion"] as? String ?? "", sourceIPAddress: o["sourceIPAddress"] as? String ?? "",
                                     userAgent: o["userAgent"] as? String, requestParameters: o["requestParameters"].map(json),
                                     responseElements: o["responseElements"].map(json), requestID: o["requestID"] as? String,
                                     eventID: try required("eventID"), readOnly: boolean(o["readOnly"]) ?? false,
                                     eventType: o["eventType"] as? String ?? "AwsApiCall", recipientAccountId: o["recipientAccountId"] as? String ?? "")
            r.eventVersion = o["eventVersion"] as? String ?? "1.0"
            r.errorCode = o["errorCode"] as? String
            r.errorMessage = o["errorMessage"] as? String
            r.additionalEventData = o["additionalEventData"].map(json)
            r.serviceEventDetails = o["serviceEventDetails"].map(json)
            r.resources = (o["resources"] as? [Any])?.map(json)
            r.managementEvent = boolean(o["managementEvent"]) ?? true
            r.eventCategory = o["eventCategory"] as? String ?? "Management"
            return r
        }
    }

    static func json(_ any: Any) -> CloudTrailJSON {
        switch any {
        case let o as [String: Any]: .object(o.keys.sorted().map { ($0, json(o[$0]!)) })
        case let a as [Any]: .array(a.map(json))
        case let s as String: .string(s)
        case let n as NSNumber: boolean(n).map(CloudTrailJSON.bool) ?? .number(n.int64Value)
        default: .null
        }
    }

    /// JSON booleans come back from Foundation as a boolean subclass of NSNumber.
    static func boolean(_ any: Any?) -> Bool? {
        guard let n = any as? NSNumber, String(describing: type(of: n)).contains("Boolean") else { return nil }
        return n.boolValue
    }
}
