import CLMDB

/// A cursor over one database in one transaction. Keys and values passed to closures point into
/// the memory map and are valid only until the cursor moves.
public final class Cursor {
    let handle: OpaquePointer
    let db: Database

    init(txn: Transaction, db: Database) throws(LMDBError) {
        var cursor: OpaquePointer?
        try check(mdb_cursor_open(txn.handle, db.dbi, &cursor), "mdb_cursor_open(\(db.name))")
        guard let cursor else { throw LMDBError(code: Errno.invalidArgument, operation: "mdb_cursor_open") }
        self.handle = cursor
        self.db = db
    }

    /// One cursor entry, borrowed from the memory map.
    public struct Entry {
        public let key: UnsafeRawBufferPointer
        public let value: UnsafeRawBufferPointer
    }

    private func move(_ op: MDB_cursor_op, key: UnsafeRawBufferPointer? = nil) throws(LMDBError) -> Entry? {
        var k = MDB_val(mv_size: key?.count ?? 0, mv_data: UnsafeMutableRawPointer(mutating: key?.baseAddress))
        var v = MDB_val()
        let rc = mdb_cursor_get(handle, &k, &v, op)
        if rc == MDB_NOTFOUND { return nil }
        try check(rc, "mdb_cursor_get(\(db.name))")
        return Entry(key: UnsafeRawBufferPointer(start: k.mv_data, count: k.mv_size),
                     value: UnsafeRawBufferPointer(start: v.mv_data, count: v.mv_size))
    }

    public func first() throws(LMDBError) -> Entry? { try move(MDB_FIRST) }
    public func last() throws(LMDBError) -> Entry? { try move(MDB_LAST) }
    public func next() throws(LMDBError) -> Entry? { try move(MDB_NEXT) }
    public func previous() throws(LMDBError) -> Entry? { try move(MDB_PREV) }

    /// Positions at the first key greater than or equal to `key`.
    public func seek(atLeast key: [UInt8]) throws -> Entry? {
        try key.withUnsafeBytes { k throws(LMDBError) in try move(MDB_SET_RANGE, key: k) }
    }
}
