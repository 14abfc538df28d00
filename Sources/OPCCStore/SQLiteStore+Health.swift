import Foundation
import GRDB
import OPCCCore

extension SQLiteStore: MigrationStatusStore {
    /// The migrations this binary registers and those recorded in the file, read in one read transaction.
    public func migrationStatus() async throws -> MigrationStatus {
        try await retryingWhileBusy {
            try await writer.read { db in try MigrationStatus.read(db) }
        }
    }
}

extension MigrationStatus {
    /// GRDB records each applied migration by name in `grdb_migrations`; a file no migration has touched has none.
    static func read(_ db: Database) throws -> MigrationStatus {
        let migrator = Migrations.migrator
        return MigrationStatus(known: migrator.migrations, applied: try migrator.appliedIdentifiers(db).sorted())
    }
}

/// An SQLite database opened read-only (`opcc serve --read-only`, for a standby or a public mirror): GRDB's
/// `readonly` configuration, so SQLite itself refuses every write on these connections, and no migration runs. The
/// caller decides whether a database not fully migrated may be served (`migrationStatus`). A write transaction is
/// refused before it begins, as SQLite would refuse it (result code 8, the database cannot be written).
public final class ReadOnlySQLiteStore: CommissioningStore, MigrationStatusStore {
    let reader: DatabasePool

    /// Opens the existing file at `path` read-only; a missing file is not created.
    public init(path: String, busyTimeout: TimeInterval = 10) throws {
        guard FileManager.default.fileExists(atPath: path) else {
            throw StoreError.cannotOpen(path: path, reason: "there is no database file here")
        }
        var configuration = SQLiteStore.configuration(busyTimeout: busyTimeout)
        configuration.readonly = true
        do {
            reader = try DatabasePool(path: path, configuration: configuration)
        } catch let error as DatabaseError {
            throw StoreError.cannotOpen(path: path, reason: error.reasonWithoutStatement)
        }
    }

    public func write<T: Sendable>(_ body: @Sendable (any StoreTransaction) throws -> T) async throws -> T {
        throw StoreError.failed(resultCode: ResultCode.SQLITE_READONLY.rawValue)
    }

    public func read<T: Sendable>(_ body: @Sendable (any StoreTransaction) throws -> T) async throws -> T {
        do {
            return try await reader.read { db in try body(SQLTransaction(sql: GRDBSession(db: db))) }
        } catch let error as DatabaseError {
            throw Self.storeError(error)
        }
    }

    public func readWhileStarting<T>(_ body: (any StoreTransaction) throws -> T) throws -> T {
        do {
            return try reader.read { db in try body(SQLTransaction(sql: GRDBSession(db: db))) }
        } catch let error as DatabaseError {
            throw Self.storeError(error)
        }
    }

    public func migrationStatus() async throws -> MigrationStatus {
        do {
            return try await reader.read { db in try MigrationStatus.read(db) }
        } catch let error as DatabaseError {
            throw Self.storeError(error)
        }
    }

    /// SQLite's error in the store's words: busy past the timeout (a reader waits only for a checkpoint's lock), or
    /// its result code alone, never GRDB's text with the statement.
    static func storeError(_ error: DatabaseError) -> StoreError {
        error.resultCode == .SQLITE_BUSY ? .busy : .failed(resultCode: error.resultCode.rawValue)
    }
}
