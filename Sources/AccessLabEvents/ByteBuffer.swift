/// Appends the compact binary primitives: LEB128 varints, zigzag for signed, length-prefixed UTF-8.
public struct ByteWriter: Sendable {
    public var bytes: [UInt8]
    public init(capacity: Int = 128) { bytes = []; bytes.reserveCapacity(capacity) }

    @inline(__always) public mutating func byte(_ b: UInt8) { bytes.append(b) }

    @inline(__always) public mutating func varint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    @inline(__always) public mutating func zigzag(_ value: Int64) {
        varint(UInt64(bitPattern: (value << 1) ^ (value >> 63)))
    }

    public mutating func string(_ s: String) {
        s.withUTF8Bytes { utf8 in
            varint(UInt64(utf8.count))
            bytes.append(contentsOf: utf8)
        }
    }

    public mutating func fixed64(_ v: UInt64) {
        for i in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: v >> (8 * UInt64(i)))) }
    }
}

/// Why bytes could not be read back. Carries the offset so a corrupted event can be located.
public struct ByteReaderError: Error, Equatable, Sendable, CustomStringConvertible {
    public let offset: Int
    public let problem: String
    public var description: String { "\(problem) at byte \(offset)" }
    public init(offset: Int, problem: String) { self.offset = offset; self.problem = problem }
}

/// Reads what `ByteWriter` wrote. Every read is bounds-checked: bad input throws, never traps.
public struct ByteReader {
    public let bytes: UnsafeRawBufferPointer
    public internal(set) var offset: Int = 0
    public init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    public var remaining: Int { bytes.count - offset }
    public var isAtEnd: Bool { offset == bytes.count }

    @usableFromInline func fail(_ problem: String) -> ByteReaderError { ByteReaderError(offset: offset, problem: problem) }

    @inline(__always) public mutating func byte() throws(ByteReaderError) -> UInt8 {
        guard offset < bytes.count else { throw fail("unexpected end of data") }
        defer { offset += 1 }
        return bytes[offset]
    }

    @inline(__always) public mutating func varint() throws(ByteReaderError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let b = try byte()
            guard shift < 64, shift != 63 || b <= 1 else { throw fail("varint too long") }
            result |= UInt64(b & 0x7f) << shift
            if b & 0x80 == 0 { return result }
            shift += 7
        }
    }

    @inline(__always) public mutating func zigzag() throws(ByteReaderError) -> Int64 {
        let v = try varint()
        return Int64(bitPattern: (v >> 1) ^ (0 &- (v & 1)))
    }

    /// A length that must fit in what is left (each counted item takes at least one byte).
    public mutating func length() throws(ByteReaderError) -> Int {
        let n = try varint()
        guard n <= UInt64(remaining) else { throw fail("length \(n) exceeds the \(remaining) bytes left") }
        return Int(n)
    }

    public mutating func string() throws(ByteReaderError) -> String {
        let n = try length()
        let slice = UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + n])
        // `String(validating:)` takes a generic path that was 40% of a replay; ids are ASCII, and
        // anything else is decoded and then checked byte for byte (decoding repairs invalid UTF-8,
        // which must be an error here, not a silent change).
        var ascii = true
        for b in slice where b >= 0x80 { ascii = false; break }
        let s = String(decoding: slice, as: UTF8.self)
        guard ascii || s.utf8.elementsEqual(slice) else { throw fail("invalid UTF-8") }
        offset += n
        return s
    }

    public mutating func fixed64() throws(ByteReaderError) -> UInt64 {
        guard remaining >= 8 else { throw fail("unexpected end of data") }
        var v: UInt64 = 0
        for i in 0..<8 { v |= UInt64(bytes[offset + i]) << (8 * UInt64(i)) }
        offset += 8
        return v
    }
}

// MARK: - Helpers for the generated payload decoders

extension ByteReader {
    /// A presence byte: true when an optional value follows.
    @inline(__always) public mutating func present() throws(ByteReaderError) -> Bool {
        switch try byte() {
        case 0: return false
        case 1: return true
        case let b: offset -= 1; throw fail("bad presence byte \(b)")
        }
    }

    @inline(__always) public mutating func bool() throws(ByteReaderError) -> Bool {
        let b = try byte()
        guard b <= 1 else { offset -= 1; throw fail("bad boolean \(b)") }
        return b == 1
    }

    @inline(__always) public mutating func int() throws(ByteReaderError) -> Int {
        let v = try zigzag()
        guard let i = Int(exactly: v) else { throw fail("integer out of range") }
        return i
    }

    // The two generic helpers are inlinable so that the decoders of other modules get them specialized:
    // otherwise every array read looks up its element's metadata at run time.
    @inlinable public mutating func raw<E: RawRepresentable>(_: E.Type) throws(ByteReaderError) -> E where E.RawValue == String {
        let s = try string()
        guard let e = E(rawValue: s) else { throw fail("'\(s)' is not a \(E.self)") }
        return e
    }

    @inlinable public mutating func array<T>(_ element: (inout ByteReader) throws(ByteReaderError) -> T) throws(ByteReaderError) -> [T] {
        let n = try length()
        var out: [T] = []
        out.reserveCapacity(n)
        for _ in 0..<n { out.append(try element(&self)) }
        return out
    }
}

extension String {
    /// Lends the string's UTF-8 to `body`: in place when the string is native, without the copy (and retain)
    /// that `withUTF8` makes, being mutating, of a string it is not allowed to change.
    @inlinable
    public func withUTF8Bytes<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        if let result = try utf8.withContiguousStorageIfAvailable(body) { return result }
        var copy = self
        return try copy.withUTF8(body)
    }
}
