import Foundation
import GRDB
import OPCCCore

/// The SQLite engine behind `CommissioningStore`: GRDB on the system libsqlite3, WAL, foreign keys on, a busy
/// timeout, one writer at a time. The only module that speaks SQL.
///
/// Other processes (the CLI, the server, a backup) may write the same file at once. Every write transaction begins
/// IMMEDIATE (GRDB's default for a write), so it takes the write lock before its first read and never fails on
/// upgrading a read to a write; a connection waiting for the lock waits up to `busyTimeout`. A transaction that
/// SQLite still answers busy was rolled back whole (nothing of it committed), so it is tried again from the start,
/// up to `attempts` times in all, before `StoreError.busy` reaches the caller.
public final class SQLiteStore: CommissioningStore {
    public let writer: any DatabaseWriter
    /// How many times in all a transaction is tried while SQLite answers busy.
    let attempts: Int
    /// The people, grants and profile hashes every act reads, kept between write transactions while
    /// `PRAGMA data_version` on the writing connection says no other connection has committed (`ActReadCache`).
    let actCache: ActReadCache?
    /// The registers' totals, kept while the audit chain's head stands (`RegisterTotals`); read transactions only.
    let registerTotals = RegisterTotals.registerTotals()
    /// The offices' latest VLI runs, decoded (`VLIRunCache`); read transactions only.
    let vliRunCache = VLIRunCache()

    /// Opens (creating if needed) the database file at `path` and brings its schema up to date. `durable` makes
    /// every commit wait for the disk (`synchronous = FULL`: an fsync of the write-ahead log per commit) instead of
    /// the default `NORMAL` (durable at checkpoints; never corrupt).
    ///
    /// `cachesActReads: false` reads the person acting, their grants and the office's profile hash from the database
    /// in every transaction (the benchmark measures what the cache saves against it).
    public init(
        path: String, durable: Bool = false, busyTimeout: TimeInterval = 10, attempts: Int = 3,
        cachesActReads: Bool = true
    ) throws {
        self.attempts = max(1, attempts)
        self.actCache = cachesActReads ? ActReadCache() : nil
        do {
            self.writer = try DatabasePool(
                path: path, configuration: Self.configuration(durable: durable, busyTimeout: busyTimeout))
        } catch let error as DatabaseError {
            // Opening runs the first statements: a file that is not a database, or cannot be read, fails here.
            throw StoreError.cannotOpen(path: path, reason: error.reasonWithoutStatement)
        }
        do {
            // GRDB's DatabasePool turns WAL on after `prepareDatabase` has run, and sets `synchronous = NORMAL` on its
            // writer as it does (GRDB 7, Database.setUpWALMode), so FULL is set again here, on the one connection
            // that commits.
            if durable { try writer.writeWithoutTransaction { try $0.execute(sql: "PRAGMA synchronous = FULL") } }
            try Migrations.migrator.migrate(writer)
        } catch let error as DatabaseError {
            // A file that cannot be written, or a schema this version cannot bring up to date.
            throw StoreError.cannotOpen(path: path, reason: error.reasonWithoutStatement)
        }
    }

    /// A private in-memory database with the production configuration (for tests and dry runs).
    public init() throws {
        self.attempts = 1
        self.actCache = ActReadCache()
        self.writer = try DatabaseQueue(configuration: Self.configuration())
        try Migrations.migrator.migrate(writer)
    }

    /// Each connection's page cache, in KiB.
    static let pageCacheKiB = 16 * 1024

    static func configuration(durable: Bool = false, busyTimeout: TimeInterval = 10) -> Configuration {
        var config = Configuration()
        config.foreignKeysEnabled = true
        config.busyMode = .timeout(busyTimeout)
        config.prepareDatabase { db in
            try db.execute(sql: durable ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL")
            // Each connection's page cache: SQLite's default is 2 MiB, so at national scale a page's reads went to
            // the kernel (`pread` was a tenth of a register search under load). 16 MiB each, an upper bound
            // reached only by pages read: six connections at most (GRDB's writer and five readers).
            try db.execute(sql: "PRAGMA cache_size = -\(Self.pageCacheKiB)")
        }
        return config
    }

    /// Copies the whole database to a new file at `path` with SQLite's online backup (safe while others write).
    /// Synchronous on purpose, like opening and migrating: only `opcc backup` calls it, once, outside any request, and
    /// SQLite's online backup has no asynchronous form in GRDB.
    public func backup(toPath path: String) throws {
        do {
            let destination = try DatabaseQueue(path: path)
            try writer.backup(to: destination)
            try destination.close()
        } catch let error as DatabaseError {
            throw StoreError.cannotOpen(path: path, reason: error.reasonWithoutStatement)
        }
    }

    /// The transaction runs on GRDB's writer queue (its async `writeWithoutTransaction`): the calling task is
    /// suspended while it waits for the write lock, up to `busyTimeout` per attempt, so no thread of Swift's
    /// cooperative pool is blocked by a busy database.
    public func write<T: Sendable>(_ body: @Sendable (any StoreTransaction) throws -> T) async throws -> T {
        try await retryingWhileBusy {
            try await writer.writeWithoutTransaction { db in
                // What `DatabaseWriter.write` does (BEGIN IMMEDIATE, the body, COMMIT; ROLLBACK on any error), with
                // BEGIN and COMMIT prepared once per connection: GRDB parses them again for every transaction, which
                // cost about a tenth of an unbatched act.
                try db.cachedStatement(sql: "BEGIN IMMEDIATE TRANSACTION").execute()
                // `data_version` changes when another connection (of this process or another) commits, and never for
                // this connection's own commits, whose writes to the cached tables the session notes itself.
                let cache = actCache.map { cache in
                    ActCacheSession(cache: cache) {
                        try Int64.fetchOne(db.cachedStatement(sql: "PRAGMA data_version")) ?? 0
                    }
                }
                defer { cache?.finish() }
                do {
                    var transaction = SQLTransaction(sql: GRDBSession(db: db, actCache: cache))
                    transaction.actCache = cache
                    let result = try body(transaction)
                    try transaction.sealRecordsWrittenAfterTheirEvent()
                    try db.cachedStatement(sql: "COMMIT TRANSACTION").execute()
                    return result
                } catch {
                    // A failed COMMIT (or an error SQLite already rolled back) leaves nothing committed.
                    try? db.rollback()
                    throw error
                }
            }
        }
    }

    /// The snapshot is read on one of GRDB's reader queues (its async `read`), the calling task suspended meanwhile.
    public func read<T: Sendable>(_ body: @Sendable (any StoreTransaction) throws -> T) async throws -> T {
        try await retryingWhileBusy {
            try await writer.read { db in
                var transaction = SQLTransaction(sql: GRDBSession(db: db))
                transaction.registerTotals = registerTotals
                transaction.vliRunCache = vliRunCache
                return try body(transaction)
            }
        }
    }

    /// The one synchronous read, for start-up only (`CommissioningStore.readWhileStarting`): it blocks the calling
    /// thread until a reader is free.
    public func readWhileStarting<T>(_ body: (any StoreTransaction) throws -> T) throws -> T {
        try retryingWhileBusy { try writer.read { db in try body(SQLTransaction(sql: GRDBSession(db: db))) } }
    }

    /// Runs a whole transaction again while SQLite answers busy after its timeout. Safe: a busy answer means the
    /// transaction did not commit (SQLite or GRDB rolled it back), and the body only works through the transaction.
    func retryingWhileBusy<T>(_ transaction: () async throws -> T) async throws -> T {
        var tried = 0
        while true {
            do {
                return try await transaction()
            } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY {
                tried += 1
                if tried >= attempts { throw StoreError.busy }
            } catch let error as DatabaseError {
                // Whatever the store did not turn into a StoreError itself: GRDB's text quotes the statement (and
                // SQLite's message may quote the data), which no front end may show.
                throw StoreError.failed(resultCode: error.resultCode.rawValue)
            } catch let failure as SQLFailure {
                throw failure.storeError
            }
        }
    }

    /// `retryingWhileBusy` for the synchronous start-up path.
    func retryingWhileBusy<T>(_ transaction: () throws -> T) throws -> T {
        var tried = 0
        while true {
            do {
                return try transaction()
            } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY {
                tried += 1
                if tried >= attempts { throw StoreError.busy }
            } catch let error as DatabaseError {
                throw StoreError.failed(resultCode: error.resultCode.rawValue)
            } catch let failure as SQLFailure {
                throw failure.storeError
            }
        }
    }
}

extension DatabaseError {
    /// SQLite's result code and message, without the statement GRDB appends to its description.
    var reasonWithoutStatement: String {
        "SQLite error \(resultCode.rawValue)" + (message.map { ": \($0)" } ?? "")
    }
}

/// A JSON decoder for what the product stored itself: amounts above `Money.ceiling` that an older version accepted
/// still read, so that they can be seen and corrected.
func storedDataDecoder() -> JSONDecoder {
    let decoder = JSONDecoder()
    decoder.userInfo[.moneyReadsStoredData] = true
    return decoder
}
