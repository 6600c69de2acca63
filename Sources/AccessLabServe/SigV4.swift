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
        let bytes = Array(header.utf8)
        let prefix = Array("AWS4-HMAC-SHA256 ".utf8)
        guard bytes.starts(with: prefix) else { return .failure(.malformed("only AWS4-HMAC-SHA256 is accepted")) }
        // `Credential=..., SignedHeaders=..., Signature=...`, all on bytes: this runs on every request, and
        // String's Character-wise split (grapheme breaking) was a third of a read's cost.
        var credential: ArraySlice<UInt8>?, signed: ArraySlice<UInt8>?, signature: ArraySlice<UInt8>?
        for part in bytes[prefix.count...].split(separator: UInt8(ascii: ",")) {
            let field = part.drop { $0 == 32 }
            guard let eq = field.firstIndex(of: UInt8(ascii: "=")) else { continue }
            let name = field[..<eq], value = field[(eq + 1)...]
            if name.elementsEqual("Credential".utf8) {
                credential = value
            } else if name.elementsEqual("SignedHeaders".utf8) {
                signed = value
            } else if name.elementsEqual("Signature".utf8) {
                signature = value.prefix { $0 != 32 }
            }
        }
        guard let credential, let signed, let signature else {
            return .failure(.malformed("Authorization header requires 'Credential', 'SignedHeaders' and 'Signature'"))
        }
        func text(_ b: ArraySlice<UInt8>) -> String { String(decoding: b, as: UTF8.self) }
        let scope = credential.split(separator: UInt8(ascii: "/")).map(text)
        guard scope.count == 5, scope[4] == "aws4_request" else { return .failure(.malformed("Credential should be scoped to a valid region and service: \(text(credential))")) }
        return .success(Claim(accessKeyId: scope[0], date: scope[1], region: scope[2], service: scope[3],
                              signedHeaders: signed.split(separator: UInt8(ascii: ";")).map(text), signature: text(signature)))
    }

    /// The signing key of one secret, day, region and service, ready to sign (HMAC's key schedule done).
    struct KeyScope: Hashable {
        var secret: String, date: String, region: String, service: String
    }
    typealias SigningKeys = [KeyScope: HMAC<SHA256>]

    /// Verifies `request` against `claim` with `secret`; `now` is the wall clock. `keys` keeps derived
    /// signing keys between requests.
    static func verify(_ request: ServeRequest, claim: Claim, secret: String, now: Date, keys: inout SigningKeys) -> Failure? {
        guard let amzDate = request.header("x-amz-date"), let sent = parseAmzDate(amzDate) else {
            return .malformed("missing or malformed X-Amz-Date")
        }
        if abs(sent.timeIntervalSince(now)) > 15 * 60 {
            return .expired("Signature expired: \(amzDate) is now earlier or later than 15 minutes from the server's time")
        }
        let scope = KeyScope(secret: secret, date: claim.date, region: claim.region, service: claim.service)
        let key: HMAC<SHA256>
        if let known = keys[scope] {
            key = known
        } else {
            key = HMAC<SHA256>(key: signingKey(secret: secret, claim: claim))
            if keys.count > 1000 { keys.removeAll() }
            keys[scope] = key
        }
        let expected = signature(request, claim: claim, key: key, amzDate: amzDate)
        return expected == claim.signature ? nil : .mismatch
    }

    static func signature(_ request: ServeRequest, claim: Claim, secret: String, amzDate: String) -> String {
        signature(request, claim: claim, key: HMAC<SHA256>(key: signingKey(secret: secret, claim: claim)), amzDate: amzDate)
    }

    static func signingKey(secret: String, claim: Claim) -> SymmetricKey {
        var key = SymmetricKey(data: Data(("AWS4" + secret).utf8))
        for part in [claim.date, claim.region, claim.service, "aws4_request"] {
            key = SymmetricKey(data: Data(HMAC<SHA256>.authenticationCode(for: Data(part.utf8), using: key)))
        }
        return key
    }

    static func signature(_ request: ServeRequest, claim: Claim, key: HMAC<SHA256>, amzDate: String) -> String {
        let canonical = canonicalRequest(request, signedHeaders: claim.signedHeaders)
        var toSign: [UInt8] = []
        toSign.reserveCapacity(160)
        toSign += "AWS4-HMAC-SHA256\n".utf8
        toSign += amzDate.utf8
        toSign.append(10)
        for part in [claim.date, claim.region, claim.service] { toSign += part.utf8; toSign.append(UInt8(ascii: "/")) }
        toSign += "aws4_request\n".utf8
        toSign += hex(SHA256.hash(data: canonical)).utf8
        var mac = key
        mac.update(data: toSign)
        return hex(mac.finalize())
    }

    /// The canonical request as bytes (what is hashed), built without intermediate strings.
    static func canonicalRequest(_ request: ServeRequest, signedHeaders: [String]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(512)
        out += request.method.utf8
        out.append(10)
        // AWS (except S3) encodes the path once more, so `%2F` on the wire is `%252F` here.
        Form.percentEncode(request.path.isEmpty ? "/" : request.path, keepSlash: true, into: &out)
        out.append(10)
        if !request.query.isEmpty {
            let pairs = request.queryItems.map { (Form.percentEncode($0.0), Form.percentEncode($0.1)) }.sorted { ($0.0, $0.1) < ($1.0, $1.1) }
            for (i, pair) in pairs.enumerated() {
                if i > 0 { out.append(UInt8(ascii: "&")) }
                out += pair.0.utf8
                out.append(UInt8(ascii: "="))
                out += pair.1.utf8
            }
        }
        out.append(10)
        for name in signedHeaders {
            out += name.utf8
            out.append(UInt8(ascii: ":"))
            var first = true
            for header in request.headers where header.name == name {
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                out += Self.trimmed(header.value).utf8
            }
            out.append(10)
        }
        out.append(10)
        for (i, name) in signedHeaders.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ";")) }
            out += name.utf8
        }
        out.append(10)
        if let sent = request.header("x-amz-content-sha256") { out += sent.utf8 } else { out += hex(SHA256.hash(data: request.body)).utf8 }
        return out
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
        // 2026-01-05T10:00:00Z
        var iso: [UInt8] = []
        iso.reserveCapacity(20)
        for (i, b) in u.enumerated() {
            if i == 4 || i == 6 { iso.append(UInt8(ascii: "-")) }
            if i == 11 || i == 13 { iso.append(UInt8(ascii: ":")) }
            iso.append(b)
        }
        guard let instant = ISO8601.parse(String(decoding: iso, as: UTF8.self)) else { return nil }
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
