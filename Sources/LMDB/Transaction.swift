import CLMDB

/// The raw transaction handle; users see only `ReadTransaction` and `WriteTransaction`.
struct Transaction {
    let handle: OpaquePointer

    static func begin(in env: Environment, readOnly: Bool) throws(LMDBError) -> Transaction {
        var txn: OpaquePointer?
        try check(mdb_txn_begin(env.handle, nil, readOnly ? UInt32(MDB_RDONLY) : 0, &txn), "mdb_txn_begin")
        guard let txn else { throw LMDBError(code: Errno.invalidArgument, operation: "mdb_txn_begin") }
        return Transaction(handle: txn)
    }
}

/// A read-only view of the environment at the moment the transaction began.
/// Byte buffers handed to closures point into the memory map and are valid only inside the closure.
public struct ReadTransaction {
    let txn: Transaction
    init(_ txn: Transaction) { self.txn = txn }

    /// Calls `body` with the value stored under `key`, or returns nil when there is none.
    public func get<R>(_ db: Database, key: [UInt8], _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R? {
        try key.withUnsafeBytes { keyBytes in
            var k = MDB_val(mv_size: keyBytes.count, mv_data: UnsafeMutableRawPointer(mutating: keyBytes.baseAddress))
            var v = MDB_val()
            let rc = mdb_get(txn.handle, db.dbi, &k, &v)
            if rc == MDB_NOTFOUND { return nil }
            try check(rc, "mdb_get(\(db.name))")
            return try body(UnsafeRawBufferPointer(start: v.mv_data, count: v.mv_size))
        }
    }

    /// The value under `key` copied out, or nil.
    public func get(_ db: Database, key: [UInt8]) throws -> [UInt8]? {
        try get(db, key: key) { Array($0) }
    }

    /// Opens a cursor valid for this transaction's lifetime (closed when `body` returns).
    public func withCursor<R>(_ db: Database, _ body: (Cursor) throws -> R) throws -> R {
        let cursor = try Cursor(txn: txn, db: db)
        defer { mdb_cursor_close(cursor.handle) }
        return try body(cursor)
    }

    /// Number of entries in the database.
    public func count(_ db: Database) throws -> Int {
        var stat = MDB_stat()
        try check(mdb_stat(txn.handle, db.dbi, &stat), "mdb_stat(\(db.name))")
        return stat.ms_entries
    }
}

/// A write transaction; everything a read transaction can do, plus puts and deletes.
public struct WriteTransaction {
    let txn: Transaction
    public let reader: ReadTransaction
    init(_ txn: Transaction) {
        self.txn = txn
        self.reader = ReadTransaction(txn)
    }

    /// Stores `value` under `key`. With `append`, the key must sort after every existing key
    /// (LMDB's `MDB_APPEND`, which skips the search and fills pages completely).
    public func put(_ db: Database, key: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer, append: Bool = false) throws(LMDBError) {
        var k = MDB_val(mv_size: key.count, mv_data: UnsafeMutableRawPointer(mutating: key.baseAddress))
        var v = MDB_val(mv_size: value.count, mv_data: UnsafeMutableRawPointer(mutating: value.baseAddress))
        try check(mdb_put(txn.handle, db.dbi, &k, &v, append ? UInt32(MDB_APPEND) : 0), "mdb_put(\(db.name))")
    }

    /// Convenience over byte collections.
    public func put(_ db: Database, key: [UInt8], value: [UInt8], append: Bool = false) throws {
        try key.withUnsafeBytes { k in
            try value.withUnsafeBytes { v in try put(db, key: k, value: v, append: append) }
        }
    }

    /// Deletes the entry under `key`; returns false when there was none.
    @discardableResult
    public func delete(_ db: Database, key: [UInt8]) throws -> Bool {
        try key.withUnsafeBytes { keyBytes in
            var k = MDB_val(mv_size: keyBytes.count, mv_data: UnsafeMutableRawPointer(mutating: keyBytes.baseAddress))
            let rc = mdb_del(txn.handle, db.dbi, &k, nil)
            if rc == MDB_NOTFOUND { return false }
            try check(rc, "mdb_del(\(db.name))")
            return true
        }
    }

    /// Removes every entry of the database, keeping the database itself.
    public func clear(_ db: Database) throws(LMDBError) {
        try check(mdb_drop(txn.handle, db.dbi, 0), "mdb_drop(\(db.name))")
    }
}
