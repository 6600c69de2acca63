import AccessLabEvents
import Crypto
import Foundation

/// Checks an AWS Signature Version 4 `Authorization` header the way AWS does: the canonical request
/// rebuilt from what arrived, signed with the secret of the key it names, compared with the signature
/// sent. `X-Amz-Date` must be within 15 minutes of the wall clock (not the virtual one).
struct SigV4 {
    /// What the header claims.
    struct Claim: Equatable {
        var accessKeyId: String
        var date: String
        var region: String
        var service: String
        var signedHeaders: [String]
        var signature: String
    }

    enum Failure: Error, Equatable {
        case missing
        case malformed(String)
        case unknownKey(String)
        case expired(String)
        case mismatch
    }

    static func claim(_ request: ServeRequest) -> Result<Claim, Failure> {
        guard let header = request.header("authorization") else { return .failure(.missing) }
        let prefix = "AWS4-HMAC-SHA256 "
        guard header.hasPrefix(prefix) else { return .failure(.malformed("only AWS4-HMAC-SHA256 is accepted")) }
        // `Credential=..., SignedHeaders=..., Signature=...`, split on bytes: this runs on every request.
        var credential: Substring?, signed: Substring?, signature: Substring?
        for part in header.utf8.dropFirst(prefix.utf8.count).split(separator: UInt8(ascii: ",")) {
            let field = part.drop { $0 == 32 }
            guard let eq = field.firstIndex(of: UInt8(ascii: "=")) else { continue }
            let name = Substring(field[..<eq]), value = Substring(field[field.index(after: eq)...])
            switch name {
            case "Credential": credential = value
            case "SignedHeaders": signed = value
            case "Signature": signature = value.prefix { $0 != " " }
            default: break
            }
        }
        guard let credential, let signed, let signature else {
            return .failure(.malformed("Authorization header requires 'Credential', 'SignedHeaders' and 'Signature'"))
        }
        let scope = credential.split(separator: "/").map(String.init)
        guard scope.count == 5, scope[4] == "aws4_request" else { return .failure(.malformed("Credential should be scoped to a valid region and service: \(credential)")) }
        return .success(Claim(accessKeyId: scope[0], date: scope[1], region: scope[2], service: scope[3],
                              signedHeaders: signed.split(separator: ";").map(String.init), signature: String(signature)))
    }

    /// Verifies `request` against `claim` with `secret`; `now` is the wall clock. `keys` keeps derived
    /// signing keys (one per secret, day, region and service) between requests.
    static func verify(_ request: ServeRequest, claim: Claim, secret: String, now: Date, keys: inout [String: SymmetricKey]) -> Failure? {
        guard let amzDate = request.header("x-amz-date"), let sent = parseAmzDate(amzDate) else {
            return .malformed("missing or malformed X-Amz-Date")
        }
        if abs(sent.timeIntervalSince(now)) > 15 * 60 {
            return .expired("Signature expired: \(amzDate) is now earlier or later than 15 minutes from the server's time")
        }
        let cacheKey = "\(secret)/\(claim.date)/\(claim.region)/\(claim.service)"
        let key = keys[cacheKey] ?? signingKey(secret: secret, claim: claim)
        if keys.count > 1000 { keys.removeAll() }
        keys[cacheKey] = key
        let expected = signature(request, claim: claim, key: key, amzDate: amzDate)
        return expected == claim.signature ? nil : .mismatch
    }

    static func signature(_ request: ServeRequest, claim: Claim, secret: String, amzDate: String) -> String {
        signature(request, claim: claim, key: signingKey(secret: secret, claim: claim), amzDate: amzDate)
    }

    static func signingKey(secret: String, claim: Claim) -> SymmetricKey {
        var key = SymmetricKey(data: Data(("AWS4" + secret).utf8))
        for part in [claim.date, claim.region, claim.service, "aws4_request"] {
            key = SymmetricKey(data: Data(HMAC<SHA256>.authenticationCode(for: Data(part.utf8), using: key)))
        }
        return key
    }

    static func signature(_ request: ServeRequest, claim: Claim, key: SymmetricKey, amzDate: String) -> String {
        let canonical = canonicalRequest(request, signedHeaders: claim.signedHeaders)
        let scope = "\(claim.date)/\(claim.region)/\(claim.service)/aws4_request"
        let toSign = "AWS4-HMAC-SHA256\n\(amzDate)\n\(scope)\n\(hex(SHA256.hash(data: Data(canonical.utf8))))"
        return hex(HMAC<SHA256>.authenticationCode(for: Data(toSign.utf8), using: key))
    }

    static func canonicalRequest(_ request: ServeRequest, signedHeaders: [String]) -> String {
        // AWS (except S3) encodes the path once more, so `%2F` on the wire is `%252F` here.
        let uri = Form.percentEncode(request.path.isEmpty ? "/" : request.path, keepSlash: true)
        let query = request.query.isEmpty ? "" : request.queryItems
            .map { (Form.percentEncode($0.0), Form.percentEncode($0.1)) }
            .sorted { ($0.0, $0.1) < ($1.0, $1.1) }
            .map { "\($0.0)=\($0.1)" }.joined(separator: "&")
        var headers = ""
        for name in signedHeaders {
            let values = request.headers.filter { $0.name == name }.map { Self.trimmed($0.value) }
            headers += name + ":" + values.joined(separator: ",") + "\n"
        }
        let payload = request.header("x-amz-content-sha256") ?? hex(SHA256.hash(data: Data(request.body)))
        return [request.method, uri, query, headers, signedHeaders.joined(separator: ";"), payload].joined(separator: "\n")
    }

    /// A header value as SigV4 canonicalises it: trimmed, inner runs of spaces made one.
    static func trimmed(_ value: String) -> String {
        let bytes = value.utf8
        var previousSpace = true, clean = true
        for b in bytes {
            let space = b == 32 || b == 9
            if space && previousSpace { clean = false; break }
            previousSpace = space
        }
        if clean && !previousSpace { return value }
        return value.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    static func parseAmzDate(_ s: String) -> Date? {
        // 20260105T100000Z
        let u = Array(s.utf8)
        guard u.count == 16, u[8] == UInt8(ascii: "T"), u[15] == UInt8(ascii: "Z") else { return nil }
        let iso = "\(s.prefix(4))-\(s.dropFirst(4).prefix(2))-\(s.dropFirst(6).prefix(2))T\(s.dropFirst(9).prefix(2)):\(s.dropFirst(11).prefix(2)):\(s.dropFirst(13).prefix(2))Z"
        guard let instant = ISO8601.parse(iso) else { return nil }
        return Date(timeIntervalSince1970: Double(instant.ms) / 1000)
    }

    static func hex<D: Sequence>(_ digest: D) -> String where D.Element == UInt8 {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for b in digest { out.append(digits[Int(b >> 4)]); out.append(digits[Int(b & 15)]) }
        return String(decoding: out, as: UTF8.self)
    }
}

/// Signs a request as an AWS SDK does (every header signed), for clients of the server: the bench's
/// load and the tests.
public enum RequestSigner {
    public static func signed(_ request: ServeRequest, accessKeyId: String, secret: String, region: String, service: String, date: Date) -> ServeRequest {
        var r = request
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX"); f.timeZone = TimeZone(identifier: "UTC"); f.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        let amzDate = f.string(from: date)
        r.headers.append(("x-amz-date", amzDate))
        let names = r.headers.map(\.name).sorted()
        let claim = SigV4.Claim(accessKeyId: accessKeyId, date: String(amzDate.prefix(8)), region: region, service: service, signedHeaders: names, signature: "")
        let signature = SigV4.signature(r, claim: claim, secret: secret, amzDate: amzDate)
        r.headers.append(("authorization", "AWS4-HMAC-SHA256 Credential=\(accessKeyId)/\(claim.date)/\(region)/\(service)/aws4_request, SignedHeaders=\(names.joined(separator: ";")), Signature=\(signature)"))
        return r
    }

    /// The request as HTTP/1.1 bytes (keep-alive, with its length).
    public static func http(_ r: ServeRequest) -> [UInt8] {
        var head = "\(r.method) \(r.path)\(r.query.isEmpty ? "" : "?" + r.query) HTTP/1.1\r\n"
        for (name, value) in r.headers { head += "\(name): \(value)\r\n" }
        head += "content-length: \(r.body.count)\r\n\r\n"
        return Array(head.utf8) + r.body
    }
}
