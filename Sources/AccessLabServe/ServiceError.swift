import Foundation

/// An error answer, by the code AWS's SDKs parse into `ClientError` (or SCIM's `scimType`).
public struct ServiceError: Error, Sendable, Equatable {
    public var code: String
    public var message: String
    public var status: Int

    public init(_ code: String, _ message: String, status: Int = 400) {
        self.code = code; self.message = message; self.status = status
    }

    static func validation(_ message: String) -> ServiceError { ServiceError("ValidationException", message) }
    static func notFound(_ message: String) -> ServiceError { ServiceError("ResourceNotFoundException", message) }
    static func conflict(_ message: String) -> ServiceError { ServiceError("ConflictException", message) }
    static func internalFailure(_ message: String) -> ServiceError { ServiceError("InternalServerException", message, status: 500) }

    /// AWS JSON 1.1: `{"__type": code, "message": ...}`.
    func json11() -> ServeResponse {
        let body = (try? JSONSerialization.data(withJSONObject: ["__type": code, "message": message], options: [.sortedKeys])) ?? Data()
        return ServeResponse(status: status, headers: [("content-type", "application/x-amz-json-1.1"), ("x-amzn-errortype", code)], body: Array(body))
    }

    /// REST JSON: the code in `x-amzn-ErrorType`, the message in the body.
    func restJSON() -> ServeResponse {
        let body = (try? JSONSerialization.data(withJSONObject: ["message": message, "error": code], options: [.sortedKeys])) ?? Data()
        return ServeResponse(status: status, headers: [("content-type", "application/json"), ("x-amzn-errortype", code)], body: Array(body))
    }

    /// The query protocol's XML error document.
    func queryXML(requestId: String) -> ServeResponse {
        var xml = XMLText()
        xml.open("ErrorResponse", attributes: [("xmlns", "https://sts.amazonaws.com/doc/2011-06-15/")])
        xml.open("Error")
        xml.element("Type", status >= 500 ? "Receiver" : "Sender")
        xml.element("Code", code)
        xml.element("Message", message)
        xml.close("Error")
        xml.element("RequestId", requestId)
        xml.close("ErrorResponse")
        return ServeResponse(status: status, headers: [("content-type", "text/xml")], body: Array(xml.text.utf8))
    }

    /// SCIM 2.0's error schema (RFC 7644 §3.12).
    func scim() -> ServeResponse {
        var object: [String: Any] = ["schemas": ["urn:ietf:params:scim:api:messages:2.0:Error"], "status": String(status), "detail": message]
        if !code.isEmpty { object["scimType"] = code }
        let body = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return ServeResponse(status: status, headers: [("content-type", "application/scim+json")], body: Array(body))
    }
}

/// A small XML writer for the query protocol's answers.
struct XMLText {
    private(set) var text = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"

    mutating func open(_ name: String, attributes: [(String, String)] = []) {
        text += "<\(name)" + attributes.map { " \($0.0)=\"\(Self.escape($0.1))\"" }.joined() + ">"
    }
    mutating func close(_ name: String) { text += "</\(name)>" }
    mutating func element(_ name: String, _ value: String) { text += "<\(name)>\(Self.escape(value))</\(name)>" }

    static func escape(_ s: String) -> String {
        var out = ""
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default: out.append(c)
            }
        }
        return out
    }
}
