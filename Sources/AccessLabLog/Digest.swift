import AccessLabEvents
import CLibcrypto

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
        var raw = RawDigest(previous)
        raw.advance(seq: seq, encoded: encoded)
        return raw.digest
    }
}

/// A digest kept inline (no heap allocation), for the per-event chain on the write and verify paths.
struct RawDigest {
    private var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)

    init(_ digest: Digest) {
        digest.bytes.withUnsafeBytes { src in
            withUnsafeMutableBytes(of: &words) { $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: src.prefix(32))) }
        }
    }

    /// d(n) = SHA-256(d(n-1) || seq big-endian || encoded).
    @inline(__always) mutating func advance(seq: UInt64, encoded: UnsafeRawBufferPointer) {
        var context = SHA256_CTX()
        SHA256_Init(&context)
        withUnsafeBytes(of: &words) { _ = SHA256_Update(&context, $0.baseAddress, $0.count) }
        withUnsafeBytes(of: seq.bigEndian) { _ = SHA256_Update(&context, $0.baseAddress, $0.count) }
        SHA256_Update(&context, encoded.baseAddress, encoded.count)
        finalize(&context)
    }

    /// SHA256_Init/Update/Final cannot fail on a valid context and buffer (they return 1), so their results are not checked.
    @inline(__always) private mutating func finalize(_ context: inout SHA256_CTX) {
        withUnsafeMutableBytes(of: &words) { raw in
            _ = raw.withMemoryRebound(to: UInt8.self) { SHA256_Final($0.baseAddress, &context) }
        }
    }

    /// The bytes `advance` hashes before the event: d(n-1) then `seq` big-endian (40 bytes).
    func appendPrefix(seq: UInt64, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: words) { bytes.append(contentsOf: $0) }
        withUnsafeBytes(of: seq.bigEndian) { bytes.append(contentsOf: $0) }
    }

    /// The same as `advance(seq:encoded:)` when `prefixed` is `appendPrefix`'s 40 bytes followed by the
    /// encoded event: one call into SHA-256 instead of three.
    @inline(__always) mutating func advance(prefixed: UnsafeRawBufferPointer) {
        var context = SHA256_CTX()
        SHA256_Init(&context)
        SHA256_Update(&context, prefixed.baseAddress, prefixed.count)
        finalize(&context)
    }

    static let prefixSize = 40

    /// The first `DigestChain.tagSize` bytes, appended to each stored record.
    func appendTag(to bytes: inout [UInt8]) {
        withUnsafeBytes(of: words) { bytes.append(contentsOf: $0.prefix(DigestChain.tagSize)) }
    }

    func tagMatches(_ tag: UnsafeRawBufferPointer) -> Bool {
        withUnsafeBytes(of: words) { w in tag.count == DigestChain.tagSize && zip(w.prefix(DigestChain.tagSize), tag).allSatisfy { $0 == $1 } }
    }

    var digest: Digest { withUnsafeBytes(of: words) { Digest(bytes: Array($0)) } }
}

/// Encodes events into stored records and advances the chain: the one write path both logs share.
struct RecordEncoder {
    private var lastSeq: UInt64
    private var lastTime: Instant?
    private var chain: RawDigest
    private var writer = ByteWriter(capacity: 256)

    init(head: LogHead) { lastSeq = head.lastSeq; lastTime = head.lastTime; chain = RawDigest(head.digest) }

    var head: LogHead { LogHead(lastSeq: lastSeq, lastTime: lastTime, digest: chain.digest) }

    /// Encodes `event` as the next record and hands its bytes to `store` (valid only during the call).
    mutating func append(_ event: NewEvent, index: Int, _ store: (UInt64, UnsafeRawBufferPointer) throws -> Void) throws {
        if let last = lastTime, event.time < last {
            throw EventLogError(kind: .timeWentBackwards(time: event.time, previous: last, index: index))
        }
        guard Instant.representable.contains(event.time) else {
            throw EventLogError(kind: .timeOutOfRange(time: event.time.ms, index: index))
        }
        let seq = lastSeq + 1
        // The chain's input is built in place ahead of the record, so it is hashed in one call.
        writer.bytes.removeAll(keepingCapacity: true)
        chain.appendPrefix(seq: seq, to: &writer.bytes)
        try EventCodec.encode(event, into: &writer)
        var next = chain
        writer.bytes.withUnsafeBytes { next.advance(prefixed: $0) }
        next.appendTag(to: &writer.bytes)
        try writer.bytes.withUnsafeBytes { try store(seq, UnsafeRawBufferPointer(rebasing: $0[RawDigest.prefixSize...])) }
        chain = next
        lastSeq = seq
        lastTime = event.time
    }
}
