import Foundation
import OPCCCore

/// The PostgreSQL engine behind `CommissioningStore` (issue 23): libpq connections in a pool, each transaction's body
/// run on a thread the store owns, never Swift's cooperative pool. Being built: until it is, opening one says so.
public final class PostgresStore: CommissioningStore, MigrationStatusStore {
    /// The server's URL without its password, for messages.
    public let displayURL: String

    /// Connects to the database at `url` (`postgres://user@host:port/database`), brings its schema up to date, and
    /// keeps up to `connections` connections open. `durable` makes every commit wait for the server's disk
    /// (`synchronous_commit = on`).
    public init(url: String, durable: Bool = true, connections: Int = 8) throws {
        self.displayURL = url
        throw StoreError.cannotOpen(path: url, reason: "the PostgreSQL store is not built yet")
    }

    /// Closes every connection the store holds now (the same happens when it is released); a later transaction
    /// opens new ones. A test closes the store of its template database before cloning it.
    public func close() {}

    public func write<T: Sendable>(_ body: @Sendable (any StoreTransaction) throws -> T) async throws -> T {
        throw StoreError.cannotOpen(path: displayURL, reason: "the PostgreSQL store is not built yet")
    }

    public func read<T: Sendable>(_ body: @Sendable (any StoreTransaction) throws -> T) async throws -> T {
        throw StoreError.cannotOpen(path: displayURL, reason: "the PostgreSQL store is not built yet")
    }

    public func readWhileStarting<T>(_ body: (any StoreTransaction) throws -> T) throws -> T {
        throw StoreError.cannotOpen(path: displayURL, reason: "the PostgreSQL store is not built yet")
    }

    public func migrationStatus() async throws -> MigrationStatus {
        throw StoreError.cannotOpen(path: displayURL, reason: "the PostgreSQL store is not built yet")
    }
}
