import AccessLabEvents

/// AWS-style paging: a list cut into pages of at most `size`, each but the last answered with an
/// opaque `NextToken`. The token is base64 text (every service's token pattern admits it) naming the
/// operation and the offset, so a server can take it back and refuse one minted for another call.
public enum AWSPages {
    public static func token(operation: String, offset: Int) -> String {
        base64(Array("\(operation):\(offset)".utf8))
    }

    /// The offset a token stands for, or nil when it is not one of ours for this operation.
    public static func offset(token: String, operation: String) -> Int? {
        guard let bytes = unbase64(token), let text = String(validating: bytes, as: UTF8.self) else { return nil }
        let parts = text.split(separator: ":")
        guard parts.count == 2, parts[0] == operation, let offset = Int(parts[1]), offset >= 0 else { return nil }
        return offset
    }

    /// The pages of `items`: each with its elements, the token that asks for it (nil for the first) and
    /// the token of the next page (nil for the last). An empty list is one empty page, as AWS answers.
    public static func split<T>(_ items: [T], size: Int, operation: String) -> [(items: [T], token: String?, next: String?)] {
        let size = max(1, size)
        var pages: [(items: [T], token: String?, next: String?)] = []
        var offset = 0
        repeat {
            let end = min(items.count, offset + size)
            pages.append((Array(items[offset..<end]), offset == 0 ? nil : token(operation: operation, offset: offset),
                          end < items.count ? token(operation: operation, offset: end) : nil))
            offset = end
        } while offset < items.count
        return pages
    }

    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    static func base64(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        var i = 0
        while i < bytes.count {
            let n = min(3, bytes.count - i)
            var v = UInt32(bytes[i]) << 16
            if n > 1 { v |= UInt32(bytes[i + 1]) << 8 }
            if n > 2 { v |= UInt32(bytes[i + 2]) }
            for k in 0..<4 { out.append(k <= n ? alphabet[Int(v >> (18 - 6 * UInt32(k)) & 63)] : UInt8(ascii: "=")) }
            i += 3
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func unbase64(_ text: String) -> [UInt8]? {
        var values: [UInt8] = []
        for byte in text.utf8 where byte != UInt8(ascii: "=") {
            guard let index = alphabet.firstIndex(of: byte) else { return nil }
            values.append(UInt8(index))
        }
        var out: [UInt8] = []
        var i = 0
        while i + 1 < values.count {
            let chunk = values[i..<min(i + 4, values.count)].map(UInt32.init)
            var v: UInt32 = 0
            for (k, c) in chunk.enumerated() { v |= c << (18 - 6 * UInt32(k)) }
            out.append(UInt8(v >> 16 & 255))
            if chunk.count > 2 { out.append(UInt8(v >> 8 & 255)) }
            if chunk.count > 3 { out.append(UInt8(v & 255)) }
            i += 4
        }
        return out
    }
}
