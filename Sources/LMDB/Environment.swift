import CLMDB
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An LMDB environment: one directory holding `data.mdb` and `lock.mdb`.
///
/// Not thread-safe for writers: one write transaction at a time, from the thread that opened it,
/// which is how the event log and the simulator use it. Read transactions may run beside a writer
/// in another process.
public final class Environment {
    let handle: OpaquePointer
    /// The current size of the memory map in bytes.
    public private(set) var mapSize: Int
    /// The absolute path of `data.mdb`, as /proc/self/maps names it.
    let dataPath: String

    /// Opens (creating the files if needed) the environment in the directory `path`, which must exist.
    public init(path: String, mapSize: Int = 64 << 20, maxDatabases: UInt32 = 16, readOnly: Bool = false) throws(LMDBError) {
        var env: OpaquePointer?
        try check(mdb_env_create(&env), "mdb_env_create")
        guard let env else { throw LMDBError(code: Errno.invalidArgument, operation: "mdb_env_create") }
        do {
            try check(mdb_env_set_maxdbs(env, MDB_dbi(maxDatabases)), "mdb_env_set_maxdbs")
            try check(mdb_env_set_mapsize(env, mapSize), "mdb_env_set_mapsize")
            // NOTLS: read transactions are owned by their Swift closure, not by the thread.
            let flags = UInt32(MDB_NOTLS) | (readOnly ? UInt32(MDB_RDONLY) : 0)
            try check(mdb_env_open(env, path, flags, 0o644), "mdb_env_open(\(path))")
        } catch {
            mdb_env_close(env)
            throw error
        }
        self.handle = env
        var resolved = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let absolute = realpath(path, &resolved).map { String(cString: $0) } ?? path
        self.dataPath = absolute + "/data.mdb"
        var info = MDB_envinfo()
        mdb_env_info(env, &info)
        // Another process may have grown the map; LMDB adopts the larger size on open.
        self.mapSize = max(mapSize, Int(info.me_mapsize))
    }

    deinit { mdb_env_close(handle) }

    /// Drops this process's mapping of the data file's pages (they stay in the kernel's page cache and
    /// fault back in on the next access). LMDB reads through a shared read-only map, so every page a
    /// B-tree insert has touched stays in the process's resident set; a long writer calls this now and
    /// then so that its memory follows its working set, not the size of the file.
    public func releaseMappedPages() {
        #if os(Linux)
        // LMDB does not expose its map address (`me_mapaddr` is set only for MDB_FIXEDMAP), so find
        // the mapping of this environment's data file in /proc/self/maps.
        guard let file = fopen("/proc/self/maps", "r") else { return }
        defer { fclose(file) }
        var buffer: UnsafeMutablePointer<CChar>? = nil
        var capacity = 0
        defer { free(buffer) }
        while getline(&buffer, &capacity, file) > 0, let raw = buffer {
            let line = String(cString: raw).trimmingTrailingNewline()
            guard line.hasSuffix(dataPath) else { continue }
            let range = line.prefix { $0 != " " }.split(separator: "-")
            guard range.count == 2, let start = UInt(range[0], radix: 16), let end = UInt(range[1], radix: 16), end > start,
                  let base = UnsafeMutableRawPointer(bitPattern: start) else { continue }
            _ = madvise(base, Int(end - start), MADV_DONTNEED)
        }
        #endif
    }
    /// Grows the memory map. Only valid while this process has no open transaction.
    public func setMapSize(_ bytes: Int) throws(LMDBError) {
        try check(mdb_env_set_mapsize(handle, bytes), "mdb_env_set_mapsize(\(bytes))")
        mapSize = bytes
    }

    /// Runs `body` in a read transaction: a consistent snapshot that writers do not disturb.
    public func read<R>(_ body: (ReadTransaction) throws -> R) throws -> R {
        let txn = try begin(readOnly: true)
        defer { mdb_txn_abort(txn.handle) }
        return try body(ReadTransaction(txn))
    }

    /// Runs `body` in a write transaction: it commits when `body` returns and aborts when it throws.
    ///
    /// When the map fills (`MDB_MAP_FULL`), the transaction is aborted, the map doubled, and `body`
    /// run again from the start, up to `maxMapSize`; `body` must therefore be repeatable.
    public func write<R>(maxMapSize: Int = 1 << 40, _ body: (WriteTransaction) throws -> R) throws -> R {
        while true {
            do {
                let txn = try begin(readOnly: false)
                let result: R
                do {
                    result = try body(WriteTransaction(txn))
                } catch {
                    mdb_txn_abort(txn.handle)
                    throw error
                }
                try check(mdb_txn_commit(txn.handle), "mdb_txn_commit")
                return result
            } catch let error as LMDBError where error.isMapFull && mapSize < maxMapSize {
                try setMapSize(min(mapSize * 2, maxMapSize))
            }
        }
    }

    private func begin(readOnly: Bool) throws(LMDBError) -> Transaction {
        do {
            return try Transaction.begin(in: self, readOnly: readOnly)
        } catch where error.code == MDB_MAP_RESIZED {
            // Another process grew the map; adopt its size (0 = the size now in the file) and retry once.
            try check(mdb_env_set_mapsize(handle, 0), "mdb_env_set_mapsize(0)")
            var info = MDB_envinfo()
            mdb_env_info(handle, &info)
            mapSize = Int(info.me_mapsize)
            return try Transaction.begin(in: self, readOnly: readOnly)
        }
    }

    /// Opens (creating when `create`) a named database. Named databases are opened once per environment.
    public func openDatabase(_ name: String, create: Bool) throws -> Database {
        try write { txn in
            var dbi = MDB_dbi()
            try check(mdb_dbi_open(txn.txn.handle, name, create ? UInt32(MDB_CREATE) : 0, &dbi), "mdb_dbi_open(\(name))")
            return Database(dbi: dbi, name: name)
        }
    }

    /// Flushes to disk (meaningful only if the environment was opened without sync).
    public func sync() throws(LMDBError) { try check(mdb_env_sync(handle, 1), "mdb_env_sync") }
}


/// A named database inside an environment.
public struct Database: Sendable {
    let dbi: MDB_dbi
    public let name: String
}

extension String {
    func trimmingTrailingNewline() -> Substring { last == "\n" ? dropLast() : self[...] }
}
