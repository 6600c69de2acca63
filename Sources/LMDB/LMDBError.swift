import CLMDB

/// An error from an LMDB call: the C return code, LMDB's own message, and what we were doing.
public struct LMDBError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The return code of the failing call (an LMDB code such as `MDB_MAP_FULL`, or an `errno`).
    public let code: Int32
    /// `mdb_strerror` for the code.
    public let message: String
    /// The operation that failed, e.g. `mdb_env_open`.
    public let operation: String

    public init(code: Int32, operation: String) {
        self.code = code
        self.operation = operation
        if let text = mdb_strerror(code) {
            self.message = String(cString: text)
        } else {
            self.message = "LMDB error \(code)"
        }
    }

    public var description: String { "\(operation): \(message) (code \(code))" }

    public var isMapFull: Bool { code == MDB_MAP_FULL }
    public var isNotFound: Bool { code == MDB_NOTFOUND }
    /// The files are not an LMDB environment, or are corrupted, or of another LMDB version.
    public var isInvalidEnvironment: Bool { code == MDB_INVALID || code == MDB_VERSION_MISMATCH || code == MDB_CORRUPTED }
    /// The disk (not the memory map) is full.
    public var isDiskFull: Bool { code == Errno.noSpace }
    /// A failed or short write; LMDB reports a write cut short by a full disk this way too.
    public var isIOError: Bool { code == Errno.io }
    public var isPermissionDenied: Bool { code == Errno.accessDenied }
}

/// The POSIX error numbers LMDB passes through (Linux values).
enum Errno {
    static let io: Int32 = 5
    static let accessDenied: Int32 = 13
    static let invalidArgument: Int32 = 22
    static let noSpace: Int32 = 28
}

/// Turns a C return code into a thrown `LMDBError` unless it is `MDB_SUCCESS`.
@inline(__always)
func check(_ code: Int32, _ operation: @autoclosure () -> String) throws(LMDBError) {
    guard code == MDB_SUCCESS else { throw LMDBError(code: code, operation: operation()) }
}
