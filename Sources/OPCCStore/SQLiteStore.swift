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

    /// Opens (creating if needed) the database file at `path` and brings its schema up to date. `durable` makes
    /// every commit wait for the disk (`synchronous = FULL`: an fsync of the write-ahead log per commit) instead of
    /// the default `NORMAL` (durable at checkpoints; never corrupt).
    public init(path: String, durable: Bool = false, busyTimeout: TimeInterval = 10, attempts: Int = 3) throws {
        self.attempts = max(1, attempts)
        do {
            self.writer = try DatabasePool(
                path: path, configuration: Self.configuration(durable: durable, busyTimeout: busyTimeout))
        } catch let error as DatabaseError {
            // Opening runs the first statements: a file that is not a database, or cannot be read, fails here.
            throw StoreError.cannotOpen(path: path, reason: error.reasonWithoutStatement)
        }
        do {
            try Migrations.migrator.migrate(writer)
        } catch let error as DatabaseError {
            // A file that cannot be written, or a schema this version cannot bring up to date.
            throw StoreError.cannotOpen(path: path, reason: error.reasonWithoutStatement)
        }
    }

    /// A private in-memory database with the production configuration (for tests and dry runs).
    public init() throws {
        self.attempts = 1
        self.writer = try DatabaseQueue(configuration: Self.configuration())
        try Migrations.migrator.migrate(writer)
    }

    static func configuration(durable: Bool = false, busyTimeout: TimeInterval = 10) -> Configuration {
        var config = Configuration()
        config.foreignKeysEnabled = true
        config.busyMode = .timeout(busyTimeout)
        config.prepareDatabase { db in
            try db.execute(sql: durable ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL")
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
                do {
                    let transaction = SQLiteTransaction(db: db)
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
        try await retryingWhileBusy { try await writer.read { db in try body(SQLiteTransaction(db: db)) } }
    }

    /// The one synchronous read, for start-up only (`CommissioningStore.readWhileStarting`): it blocks the calling
    /// thread until a reader is free.
    public func readWhileStarting<T>(_ body: (any StoreTransaction) throws -> T) throws -> T {
        try retryingWhileBusy { try writer.read { db in try body(SQLiteTransaction(db: db)) } }
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

/// `StoreTransaction` over one GRDB `Database` connection, inside a transaction GRDB opened.
struct SQLiteTransaction: StoreTransaction {
    let db: Database
    /// The records written in this transaction since their last seal (see `sealRecordsWrittenAfterTheirEvent`).
    let writtenRecords = WrittenRecords()

    // Every statement is prepared once per connection and reused: parsing SQL dominated the cost of an act.
    func execute(sql: String, arguments: StatementArguments = []) throws {
        try db.cachedStatement(sql: sql).execute(arguments: arguments)
    }

    func savepoint<T>(_ body: () throws -> T, keep: (T) -> Bool) throws -> T {
        var result: T?
        try db.inSavepoint {
            let value = try body()
            result = value
            return keep(value) ? .commit : .rollback
        }
        return result!
    }

    func fetchOneRow(sql: String, arguments: StatementArguments = []) throws -> Row? {
        try Row.fetchOne(db.cachedStatement(sql: sql), arguments: arguments)
    }

    /// The first row, decoded in place by `decode` (no copy of the row is made, unlike `Row.fetchOne`): for the
    /// reads every act makes.
    func fetchFirst<T>(
        sql: String, arguments: StatementArguments = [], _ decode: (Row) throws -> T
    ) throws
        -> T?
    {
        let cursor = try Row.fetchCursor(db.cachedStatement(sql: sql), arguments: arguments)
        guard let row = try cursor.next() else { return nil }
        return try decode(row)
    }

    func fetchAllRows(sql: String, arguments: StatementArguments = []) throws -> [Row] {
        try Row.fetchAll(db.cachedStatement(sql: sql), arguments: arguments)
    }

    func fetchOneInt64(sql: String, arguments: StatementArguments = []) throws -> Int64? {
        try Int64.fetchOne(db.cachedStatement(sql: sql), arguments: arguments)
    }

    // MARK: Offices

    func saveOffice(id: String, name: String, orgID: String?, profileText: String, registeredAt: String) throws {
        try execute(
            sql: """
                INSERT INTO office (id, name, org_id, profile_text, profile_sha256, registered_at)
                VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT(id) DO UPDATE SET name = excluded.name, org_id = excluded.org_id,
                    profile_text = excluded.profile_text, profile_sha256 = excluded.profile_sha256
                """,
            arguments: [
                id, name, orgID, profileText, WorkflowDefinition.sha256Hex(of: profileText), registeredAt,
            ])
    }

    func office(id: String) throws -> StoredOffice? {
        try fetchOneRow(sql: "SELECT * FROM office WHERE id = ?", arguments: [id]).map(Self.office(from:))
    }

    func officeProfileSHA256(id: String) throws -> String? {
        try String.fetchOne(
            db.cachedStatement(sql: "SELECT profile_sha256 FROM office WHERE id = ?"), arguments: [id])
    }

    func offices() throws -> [StoredOffice] {
        try fetchAllRows(sql: "SELECT * FROM office ORDER BY id").map(Self.office(from:))
    }

    private static func office(from row: Row) -> StoredOffice {
        StoredOffice(
            id: row["id"], name: row["name"], orgID: row["org_id"], profileText: row["profile_text"],
            profileSHA256: row["profile_sha256"])
    }

    // MARK: People

    func addPerson(name: String, displayName: String, office: String, addedAt: String) throws {
        do {
            try execute(
                sql: "INSERT INTO person (name, display_name, office_id, added_at) VALUES (?, ?, ?, ?)",
                arguments: [name, displayName, office, addedAt])
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
            throw StoreError.duplicate(what: "a person named '\(name)'")
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_FOREIGNKEY {
            throw StoreError.notFound(what: "office '\(office)'")
        }
    }

    func addGrant(person: String, role: Role, scope: String?) throws {
        guard let id = try fetchOneInt64(sql: "SELECT id FROM person WHERE name = ?", arguments: [person])
        else { throw StoreError.notFound(what: "person '\(person)'") }
        try execute(
            sql: "INSERT OR IGNORE INTO role_grant (person_id, role, scope) VALUES (?, ?, ?)",
            arguments: [id, role.rawValue, scope ?? ""])
    }

    func person(named name: String) throws -> StoredPerson? {
        try people(sqlWhere: "p.name = ?", arguments: [name]).first
    }

    func people(office: String?) throws -> [StoredPerson] {
        if let office { return try people(sqlWhere: "p.office_id = ?", arguments: [office]) }
        return try people(sqlWhere: "1", arguments: [])
    }

    private func people(sqlWhere: String, arguments: StatementArguments) throws -> [StoredPerson] {
        // Read through a cursor, row by row, without copying each row (this runs on every act).
        let rows = try Row.fetchCursor(
            db.cachedStatement(
                sql: """
                    SELECT p.name, p.display_name, p.office_id, g.role, g.scope
                    FROM person p LEFT JOIN role_grant g ON g.person_id = p.id
                    WHERE \(sqlWhere) ORDER BY p.office_id, p.name, g.role, g.scope
                    """), arguments: arguments)
        var order: [String] = []
        var byName: [String: (display: String, office: String, scopes: [Role: [String]])] = [:]
        while let row = try rows.next() {
            // By position: name, display_name, office_id, role, scope.
            let name: String = row[0]
            if byName[name] == nil {
                order.append(name)
                byName[name] = (row[1], row[2], [:])
            }
            if let roleName: String = row[3] {
                guard let role = Role(rawValue: roleName) else { throw StoreError.invalidData(what: roleName) }
                byName[name]!.scopes[role, default: []].append(row[4])
            }
        }
        return order.map { name in
            let entry = byName[name]!
            let grants = entry.scopes.keys.sorted().map { role in
                let scopes = entry.scopes[role]!
                return RoleGrant(role: role, scope: scopes.contains("") ? [] : scopes)
            }
            return StoredPerson(name: name, displayName: entry.display, office: entry.office, grants: grants)
        }
    }

    // MARK: Definitions and instances

    func pinnedDefinition(name: String, version: Int) throws -> PinnedDefinition? {
        try fetchOneRow(
            sql: "SELECT * FROM workflow_definition WHERE name = ? AND version = ?",
            arguments: [name, version]
        ).map(Self.pinned(from:))
    }

    func pinnedDefinitions() throws -> [PinnedDefinition] {
        try fetchAllRows(sql: "SELECT * FROM workflow_definition ORDER BY name, version").map(Self.pinned(from:))
    }

    private static func pinned(from row: Row) -> PinnedDefinition {
        PinnedDefinition(name: row["name"], version: row["version"], sha256: row["sha256"], text: row["text"])
    }

    func pin(_ definition: PinnedDefinition, at: String) throws {
        try execute(
            sql: "INSERT INTO workflow_definition (name, version, sha256, text, pinned_at) VALUES (?, ?, ?, ?, ?)",
            arguments: [definition.name, definition.version, definition.sha256, definition.text, at])
    }

    func insertInstance(_ instance: WorkflowInstance, createdAt: String) throws {
        do {
            try execute(
                sql: """
                    INSERT INTO workflow_instance
                        (id, office_id, workflow, workflow_version, state, version, record_ref, last_effective_day,
                         created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    instance.id, instance.office, instance.workflow, instance.workflowVersion, instance.state,
                    instance.version, instance.recordRef, instance.lastEffectiveDay?.iso, createdAt,
                ])
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_PRIMARYKEY {
            throw StoreError.duplicate(what: "instance '\(instance.id)'")
        }
    }

    /// The columns `instance(from:)` reads, by position (reading a row by column name costs a case-insensitive
    /// search per value, on the hot path of every act).
    static let instanceColumns =
        "id, office_id, workflow, workflow_version, state, version, record_ref, last_effective_day"

    func instance(id: String) throws -> WorkflowInstance? {
        try fetchFirst(
            sql: "SELECT \(Self.instanceColumns) FROM workflow_instance WHERE id = ?", arguments: [id],
            Self.instance(from:))
    }

    func instances(office: String?) throws -> [WorkflowInstance] {
        if let office {
            return try fetchAllRows(
                sql: "SELECT \(Self.instanceColumns) FROM workflow_instance WHERE office_id = ? ORDER BY rowid",
                arguments: [office]
            ).map(Self.instance(from:))
        }
        return try fetchAllRows(sql: "SELECT \(Self.instanceColumns) FROM workflow_instance ORDER BY rowid")
            .map(Self.instance(from:))
    }

    private static func instance(from row: Row) throws -> WorkflowInstance {
        let day: String? = row[7]
        return WorkflowInstance(
            id: row[0], office: row[1], workflow: row[2], workflowVersion: row[3], state: row[4], version: row[5],
            recordRef: row[6], lastEffectiveDay: try day.map { try Day(iso: $0) })
    }

    func updateInstance(id: String, state: String, expectedVersion: Int, lastEffectiveDay: Day) throws {
        try execute(
            sql: """
                UPDATE workflow_instance SET state = ?, version = version + 1, last_effective_day = ?
                WHERE id = ? AND version = ?
                """,
            arguments: [state, lastEffectiveDay.iso, id, expectedVersion])
        guard db.changesCount == 1 else { throw StoreError.staleVersion(instance: id, expected: expectedVersion) }
    }

    func bumpInstanceVersion(id: String, expectedVersion: Int) throws {
        try execute(
            sql: "UPDATE workflow_instance SET version = version + 1 WHERE id = ? AND version = ?",
            arguments: [id, expectedVersion])
        guard db.changesCount == 1 else { throw StoreError.staleVersion(instance: id, expected: expectedVersion) }
    }
}

/// A JSON decoder for what the product stored itself: amounts above `Money.ceiling` that an older version accepted
/// still read, so that they can be seen and corrected.
func storedDataDecoder() -> JSONDecoder {
    let decoder = JSONDecoder()
    decoder.userInfo[.moneyReadsStoredData] = true
    return decoder
}
