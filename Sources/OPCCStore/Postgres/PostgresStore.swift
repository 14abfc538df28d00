import Foundation
import OPCCCore

/// The PostgreSQL engine behind `CommissioningStore`, for several web nodes over one database (docs/POSTGRES.md).
/// The repositories are the SQLite store's (`SQLTransaction`, over a `PGSession`); what differs is here.
///
/// Each transaction's body runs on a thread of the connection pool (never Swift's cooperative pool) holding one
/// libpq connection, while the calling task is suspended. A write transaction is SERIALIZABLE: it behaves as if the
/// writers ran one after another, as SQLite's single writer does, so every rule a service checks before it writes
/// still holds at the commit; when PostgreSQL cannot promise that (two acts of one office at once), one of them fails
/// with a serialisation failure, is rolled back whole and runs again from the start (`attempts` in all). Each office's
/// audit chain head is a row the append locks, so offices append in parallel and one office strictly in order.
public final class PostgresStore: CommissioningStore, MigrationStatusStore, PasswordStore {
    /// The server's URL without its password, for messages.
    public let displayURL: String
    let pool: PGConnectionPool
    /// The people, grants and profile hashes every act reads, kept between write transactions while the
    /// `act_cache_generation` row is unchanged (`ActReadCache`).
    let actCache = ActReadCache()
    /// The registers' totals, kept while the audit chain's head stands (`RegisterTotals`); read transactions only.
    let registerTotals = RegisterTotals.registerTotals()
    /// The offices' latest VLI runs, decoded (`VLIRunCache`); read transactions only.
    let vliRunCache = VLIRunCache()
    /// Opened read-only: no migration, no write transaction.
    public let readOnly: Bool
    /// How many times in all a transaction is tried while PostgreSQL answers with a serialisation failure or a
    /// deadlock (each time rolled back whole, so nothing of a failed attempt stays).
    let attempts: Int

    /// Connects to the database at `url` (`postgres://user@host:port/database`, or libpq's `key=value` form), brings
    /// its schema up to date (once, however many nodes start together), and keeps up to `connections` connections.
    /// `durable` makes every commit wait for the server's disk (`synchronous_commit = on`, the default). `readOnly`
    /// (a hot standby, or a public mirror) runs no migration and refuses every write transaction before it reaches
    /// the server, as PostgreSQL refuses writes on a standby (SQLSTATE 25006).
    public init(
        url: String, durable: Bool = true, connections: Int = 8, attempts: Int = 20, readOnly: Bool = false
    ) throws {
        self.displayURL = Self.withoutPassword(url)
        self.attempts = max(1, attempts)
        self.readOnly = readOnly
        let settings = [
            "SET synchronous_commit = \(durable ? "on" : "off")",
            // A lock held past this is a stuck writer: the act fails as busy instead of waiting for ever.
            "SET lock_timeout = '10s'",
            // A transaction left open by a crashed body never holds its locks for long.
            "SET idle_in_transaction_session_timeout = '60s'",
            // The planner overestimates the reconciliation's range joins on the account keys by hundreds of times, so
            // its cost passes jit_inline_above_cost and each call spends most of a second compiling
            // (docs/bench-issue23.md); no query of the store runs long enough for JIT to pay.
            "SET jit = off",
        ]
        self.pool = PGConnectionPool(url: url, size: max(1, connections)) { connection in
            for setting in settings { try connection.execute(setting) }
        }
        do {
            try pool.withConnectionBlocking { connection in
                if readOnly { _ = try connection.execute("SELECT 1") } else { try PGMigrations.migrate(connection) }
            }
        } catch let error as PGError {
            throw StoreError.cannotOpen(path: displayURL, reason: error.description)
        }
    }

    deinit { pool.close() }

    /// Closes every connection the store holds now (the same happens when it is released); a later transaction
    /// opens new ones. A test closes the store of its template database before cloning it.
    public func close() { pool.close() }

    /// A write is first tried optimistically, in parallel with every other. One that fails to serialise (or finds a
    /// key another writer took meanwhile: a number made from a count) is tried again holding a lock per office it
    /// appended to, taken before BEGIN (a lock taken inside would come after the snapshot it should precede), so the
    /// writers that keep colliding on one office queue instead of racing, and offices stay independent.
    public func write<T: Sendable>(_ body: @Sendable (any StoreTransaction) throws -> T) async throws -> T {
        if readOnly { throw StoreError.serverFailed(sqlState: "25006") }
        let attempt = WriteAttempt()
        return try await retrying(attempt) {
            try await withConnection { connection in
                let locks = attempt.officesToLock.sorted()
                for office in locks {
                    try connection.execute("SELECT pg_advisory_lock(hashtext($1))", ["office " + office])
                }
                defer {
                    for office in locks {
                        _ = try? connection.execute("SELECT pg_advisory_unlock(hashtext($1))", ["office " + office])
                    }
                }
                return try Self.transaction(
                    on: connection, begin: "BEGIN ISOLATION LEVEL SERIALIZABLE", writes: true, attempt: attempt,
                    actCache: actCache
                ) { try body($0) }
            }
        }
    }

    /// A read sees one snapshot (REPEATABLE READ), and never waits for writers.
    public func read<T: Sendable>(_ body: @Sendable (any StoreTransaction) throws -> T) async throws -> T {
        try await retrying {
            try await withConnection { connection in
                try Self.transaction(
                    on: connection, begin: "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", writes: false,
                    registerTotals: registerTotals, vliRunCache: vliRunCache
                ) { try body($0) }
            }
        }
    }

    public func readWhileStarting<T>(_ body: (any StoreTransaction) throws -> T) throws -> T {
        do {
            return try pool.withConnectionBlocking { connection in
                try Self.transaction(
                    on: connection, begin: "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", writes: false,
                    registerTotals: registerTotals, vliRunCache: vliRunCache
                ) { try body($0) }
            }
        } catch {
            throw Self.storeError(error)
        }
    }

    public func migrationStatus() async throws -> MigrationStatus {
        do {
            let applied = try await withConnection { try PGMigrations.applied($0) }
            return MigrationStatus(known: PGMigrations.known, applied: applied)
        } catch {
            throw Self.storeError(error)
        }
    }

    public func passwordHash(person: String) async throws -> String? {
        try await retrying {
            try await withConnection { connection in
                try Self.transaction(
                    on: connection, begin: "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", writes: false
                ) { try $0.passwordHash(person: person) }
            }
        }
    }

    public func setPasswordHash(_ hash: String, person: String, at: String) async throws {
        try await write { try $0.savePasswordHash(hash, person: person, at: at) }
    }

    /// A connection of the pool for `body`, once the process-wide gate lets the body run (`PGBodyGate`).
    func withConnection<T: Sendable>(_ body: @Sendable (PGConnection) throws -> T) async throws -> T {
        try await PGBodyGate.shared.run { try await pool.withConnection(body) }
    }

    /// BEGIN, the body, the seals it left to make, COMMIT; ROLLBACK on any error (a failed COMMIT has rolled back).
    private static func transaction<T>(
        on connection: PGConnection, begin: String, writes: Bool, attempt: WriteAttempt? = nil,
        actCache: ActReadCache? = nil, registerTotals: RegisterTotals? = nil, vliRunCache: VLIRunCache? = nil,
        _ body: (SQLTransaction) throws -> T
    ) throws -> T {
        try connection.execute(begin)
        // A write transaction reads the people, grants and profile hashes through the store's cache, valid while the
        // generation row (bumped with every change to those tables) holds the value they were read under.
        let cache = actCache.map { cache in
            ActCacheSession(cache: cache) {
                guard let text = try connection.executePrepared(Self.readGeneration).rows.first?.first ?? nil,
                    let generation = Int64(text)
                else { throw StoreError.invalidData(what: "act_cache_generation") }
                return generation
            }
        }
        defer { cache?.finish() }
        var transaction = SQLTransaction(sql: PGSession(connection: connection, actCache: cache))
        transaction.actCache = cache
        transaction.registerTotals = registerTotals
        transaction.vliRunCache = vliRunCache
        defer { attempt?.touched(transaction.writtenRecords.offices) }
        do {
            let result = try body(transaction)
            if writes { try transaction.sealRecordsWrittenAfterTheirEvent() }
            // The triggers bump the generation too; this covers a change made while they were disabled (an office
            // bundle's import), so another node's cache never outlives a change to the tables it keeps.
            if let cache, cache.wroteCachedTables { try connection.executePrepared(Self.bumpGeneration) }
            try connection.execute("COMMIT")
            return result
        } catch {
            if connection.isOpen { _ = try? connection.execute("ROLLBACK") }
            throw error
        }
    }

    static let readGeneration = "SELECT generation FROM act_cache_generation WHERE id = 1"
    static let bumpGeneration = "UPDATE act_cache_generation SET generation = generation + 1 WHERE id = 1"

    /// Runs a whole transaction again after a serialisation failure (40001) or a deadlock (40P01): PostgreSQL rolled
    /// it back, and the body only works through the transaction. Other server errors become `StoreError`.
    private func retrying<T>(_ attempt: WriteAttempt? = nil, _ transaction: () async throws -> T) async throws -> T {
        var tried = 0
        var duplicates = 0
        while true {
            do {
                return try await transaction()
            } catch let error as PGError where error.sqlState == "40001" || error.sqlState == "40P01" {
                tried += 1
                if tried >= attempts { throw StoreError.busy }
                attempt?.lockTouchedOffices()
                // A little wait, growing, so that the writers that collided do not collide again at once.
                try await Task.sleep(for: .milliseconds(Int.random(in: 1...(2 * min(tried, 10)))))
            } catch let error as StoreError where attempt != nil && duplicates < 3 && Self.isDuplicate(error) {
                // A key made from a count (the office's next record number) that a writer committed meanwhile: the
                // same act, tried again under its offices' locks (the count marked the office), counts again. A
                // writer still on its first, unlocked attempt may take the number once more, hence a few tries; a
                // true duplicate fails every time.
                duplicates += 1
                attempt?.lockTouchedOffices()
            } catch {
                throw Self.storeError(error)
            }
        }
    }

    private static func isDuplicate(_ error: StoreError) -> Bool {
        if case .duplicate = error { return true }
        return false
    }

    /// An error leaving a transaction, in the store's words: what the repositories did not already turn into one.
    static func storeError(_ error: any Error) -> any Error {
        switch error {
        case let failure as SQLFailure: return failure.storeError
        case let error as PGError:
            switch error.sqlState {
            case "55P03", "40001", "40P01": return StoreError.busy
            case .some(let state): return StoreError.serverFailed(sqlState: state)
            // No SQLSTATE: the connection failed, possibly during COMMIT, so the outcome is not known.
            case .none: return StoreError.connectionLost(reason: error.message)
            }
        default: return error
        }
    }

    /// `postgres://user:secret@host/db` without `:secret`, and libpq's `password=…` left out.
    public static func withoutPassword(_ url: String) -> String {
        if let scheme = url.range(of: "://"), let at = url[scheme.upperBound...].firstIndex(of: "@") {
            let credentials = url[scheme.upperBound..<at]
            if let colon = credentials.firstIndex(of: ":") {
                return String(url[..<colon]) + String(url[at...])
            }
            return url
        }
        return url.split(separator: " ").filter { !$0.hasPrefix("password=") }.joined(separator: " ")
    }
}

/// What one `write` learnt from its attempts: the offices it appended to, which a retry locks first. Used by one
/// attempt at a time (each attempt ends before the next begins), hence `@unchecked Sendable`.
final class WriteAttempt: @unchecked Sendable {
    private var touchedOffices: Set<String> = []
    private(set) var officesToLock: Set<String> = []

    func touched(_ offices: Set<String>) { touchedOffices.formUnion(offices) }
    func lockTouchedOffices() { officesToLock = touchedOffices }
}
