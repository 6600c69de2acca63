import CZlib
import Foundation

/// gzip (RFC 1952) decompression with zlib, for CloudTrail's `.json.gz` delivery files.
enum Gzip {
    struct Failure: Error, CustomStringConvertible { var description: String }

    static func isGzip(_ data: Data) -> Bool { data.count >= 2 && data[data.startIndex] == 0x1f && data[data.startIndex + 1] == 0x8b }

    static func decompress(_ data: Data) throws(Failure) -> Data {
        var stream = z_stream()
        // 16 + MAX_WBITS: expect a gzip header and trailer.
        guard inflateInit2_(&stream, 16 + MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw Failure(description: "cannot start zlib")
        }
        defer { inflateEnd(&stream) }
        var out = Data()
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        var input = [UInt8](data)
        var status: Int32 = Z_OK
        input.withUnsafeMutableBufferPointer { inBuf in
            stream.next_in = inBuf.baseAddress
            stream.avail_in = uInt(inBuf.count)
            repeat {
                chunk.withUnsafeMutableBufferPointer { outBuf in
                    stream.next_out = outBuf.baseAddress
                    stream.avail_out = uInt(outBuf.count)
                    status = inflate(&stream, Z_NO_FLUSH)
                    out.append(outBuf.baseAddress!, count: outBuf.count - Int(stream.avail_out))
                }
                // Concatenated gzip members (what `cat a.gz b.gz` makes) are read one after another.
                if status == Z_STREAM_END && stream.avail_in > 0 { status = inflateReset(&stream) }
            } while status == Z_OK
        }
        guard status == Z_STREAM_END else { throw Failure(description: "not a complete gzip stream (zlib status \(status))") }
        return out
    }
}
