import AccessLabEvents
import Crypto

/// A SHA-256 value of the log's chain.
public struct Digest: Hashable, Sendable, CustomStringConvertible {
    public var bytes: [UInt8]
    public init(bytes: [UInt8]) { self.bytes = bytes }

    /// The digest of the empty log.
    public static let genesis = Digest(bytes: [UInt8](repeating: 0, count: 32))

    public var hex: String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for b in bytes { out.append(digits[Int(b >> 4)]); out.append(digits[Int(b & 15)]) }
        return String(decoding: out, as: UTF8.self)
    }
    public var description: String { hex }
}

/// The chain over the log: `d(n) = SHA-256(d(n-1) || seq as 8 big-endian bytes || encoded event n)`.
/// It depends only on the sequence of events, never on how they were batched. Each stored record ends
/// with the first `tagSize` bytes of `d(n)`, so `verify` can name the exact event that was altered.
public enum DigestChain {
    public static let tagSize = 8

    public static func next(_ previous: Digest, seq: UInt64, encoded: UnsafeRawBufferPointer) -> Digest {
        var hasher = SHA256()
        hasher.update(data: previous.bytes)
        withUnsafeBytes(of: seq.bigEndian) { hasher.update(bufferPointer: $0) }
        hasher.update(bufferPointer: encoded)
        return Digest(bytes: Array(hasher.finalize()))
    }
}

/// Encodes events into stored records and advances the chain: the one write path both logs share.
struct RecordEncoder {
    private(set) var head: LogHead
    private var writer = ByteWriter(capacity: 256)

    init(head: LogHead) { self.head = head }

    /// Encodes `event` as the next record and hands its bytes to `store` (valid only during the call).
    mutating func append(_ event: NewEvent, index: Int, _ store: (UInt64, UnsafeRawBufferPointer) throws -> Void) throws {
        if let last = head.lastTime, event.time < last {
            throw EventLogError(kind: .timeWentBackwards(time: event.time, previous: last, index: index))
        }
        guard Instant.representable.contains(event.time) else {
            throw EventLogError(kind: .timeOutOfRange(time: event.time.ms, index: index))
        }
        let seq = head.lastSeq + 1
        writer.bytes.removeAll(keepingCapacity: true)
        try EventCodec.encode(event, into: &writer)
        let digest = writer.bytes.withUnsafeBytes { DigestChain.next(head.digest, seq: seq, encoded: $0) }
        writer.bytes.append(contentsOf: digest.bytes[0..<DigestChain.tagSize])
        try writer.bytes.withUnsafeBytes { try store(seq, $0) }
        head = LogHead(lastSeq: seq, lastTime: event.time, digest: digest)
    }
}
