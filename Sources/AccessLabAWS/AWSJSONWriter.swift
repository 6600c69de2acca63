/// A value that writes itself as AWS JSON. The generated shapes conform (tools/gen-aws-shapes.py writes
/// each one's members in the model's order), so an answer is written without Codable's containers,
/// boxes and casts per member: `serve` spent most of a `ListUsers` page in them.
public protocol AWSJSONWritable {
    func writeJSON(to w: inout AWSJSONWriter)
}

/// JSON written straight into bytes.
public struct AWSJSONWriter {
    public private(set) var bytes: [UInt8] = []

    public init() { bytes.reserveCapacity(512) }

    /// `"key":`, after a comma unless it is the object's first member.
    @inline(__always)
    public mutating func member<T: AWSJSONWritable>(_ key: StaticString, _ value: T, _ first: inout Bool) {
        if !first { bytes.append(UInt8(ascii: ",")) }
        first = false
        bytes.append(UInt8(ascii: "\""))
        key.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
        value.writeJSON(to: &self)
    }

    public mutating func raw(_ byte: UInt8) { bytes.append(byte) }

    public mutating func string(_ s: String) { Self.append(s, to: &bytes) }

    /// `s` as a JSON string, escaped as JSON requires, appended to `bytes`.
    static func append(_ s: String, to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "\""))
        var s = s
        s.withUTF8 { utf8 in
            // Most strings need no escaping: copy them whole.
            if !utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
                bytes.append(contentsOf: utf8)
                return
            }
            let hex: StaticString = "0123456789abcdef"
            for b in utf8 {
                switch b {
                case UInt8(ascii: "\""): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
                case UInt8(ascii: "\\"): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
                case 0x0a: bytes += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
                case 0x0d: bytes += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
                case 0x09: bytes += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
                case 0..<0x20:
                    hex.withUTF8Buffer { h in bytes += [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), h[Int(b >> 4)], h[Int(b & 15)]] }
                default: bytes.append(b)
                }
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    public mutating func integer(_ i: Int64) { bytes.append(contentsOf: String(i).utf8) }

    public mutating func number(_ d: Double) {
        if d.isFinite, d == d.rounded(), abs(d) < 1e15 { integer(Int64(d)) } else { bytes += Array(String(d).utf8) }
    }
}

extension String: AWSJSONWritable {
    public func writeJSON(to w: inout AWSJSONWriter) { w.string(self) }
}

extension Int: AWSJSONWritable {
    public func writeJSON(to w: inout AWSJSONWriter) { w.integer(Int64(self)) }
}

extension Double: AWSJSONWritable {
    public func writeJSON(to w: inout AWSJSONWriter) { w.number(self) }
}

extension Bool: AWSJSONWritable {
    public func writeJSON(to w: inout AWSJSONWriter) {
        for b in (self ? "true" : "false").utf8 { w.raw(b) }
    }
}

extension AWSTimestamp: AWSJSONWritable {
    public func writeJSON(to w: inout AWSJSONWriter) {
        if instant.ms % 1000 == 0 { w.integer(instant.ms / 1000) } else { w.number(Double(instant.ms) / 1000) }
    }
}

extension AWSDocument: AWSJSONWritable {
    public func writeJSON(to w: inout AWSJSONWriter) { w.string(json) }
}

extension AWSEmptyRequest: AWSJSONWritable {
    public func writeJSON(to w: inout AWSJSONWriter) { w.raw(UInt8(ascii: "{")); w.raw(UInt8(ascii: "}")) }
}

extension Array: AWSJSONWritable where Element: AWSJSONWritable {
    public func writeJSON(to w: inout AWSJSONWriter) {
        w.raw(UInt8(ascii: "["))
        for (i, e) in enumerated() {
            if i > 0 { w.raw(UInt8(ascii: ",")) }
            e.writeJSON(to: &w)
        }
        w.raw(UInt8(ascii: "]"))
    }
}

/// Maps are written in key order, so an answer is the same bytes every time.
extension Dictionary: AWSJSONWritable where Key == String, Value: AWSJSONWritable {
    public func writeJSON(to w: inout AWSJSONWriter) {
        w.raw(UInt8(ascii: "{"))
        for (i, entry) in sorted(by: { $0.key < $1.key }).enumerated() {
            if i > 0 { w.raw(UInt8(ascii: ",")) }
            w.string(entry.key)
            w.raw(UInt8(ascii: ":"))
            entry.value.writeJSON(to: &w)
        }
        w.raw(UInt8(ascii: "}"))
    }
}

extension AWSWireJSON {
    /// The server's encoding of answers: straight to bytes, members in the model's order (clients parse
    /// JSON; only exports need sorted, byte-stable text, which `encode` writes).
    public static func stream<T: AWSJSONWritable>(_ value: T) -> [UInt8] {
        var w = AWSJSONWriter()
        value.writeJSON(to: &w)
        return w.bytes
    }
}
