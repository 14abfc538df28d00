import OPCCCore
import OPCCStore

/// What a load balancer's health check (`/healthz`) learns: whether the database answered a read transaction, and
/// whether it has applied exactly the named migrations this binary knows. `problem` names the failed check in the
/// operator's words, never an engine's message.
public struct DatabaseHealth: Hashable, Sendable {
    public enum Database: String, Sendable { case reachable, unreachable }
    /// `older`: the database lacks migrations this binary needs; `newer`: it has some this binary does not know;
    /// `unchecked`: the database could not be read, so they could not be compared.
    public enum Migrations: String, Sendable { case current, older, newer, unchecked }

    public let database: Database
    public let migrations: Migrations
    public let problem: String?

    public var isHealthy: Bool { database == .reachable && migrations == .current }
}

/// A database `opcc serve --read-only` will not serve: a read-only server runs no migration, so the schema it reads
/// must be exactly the one this binary knows.
public struct SchemaNotCurrent: Error, Hashable, Sendable, CustomStringConvertible {
    public let path: String
    public let status: MigrationStatus
    public var description: String {
        "cannot serve \(path) read-only: \(status.difference ?? "its migrations differ")"
    }
}

extension MigrationStatus {
    /// How the database's migrations differ from the binary's, naming them; nil when they are the same.
    public var difference: String? {
        if !missing.isEmpty {
            return
                "the database lacks \(Self.count(missing)) this version of opcc needs (\(missing.joined(separator: ", "))): "
                + "it was written by an older version. Open it once with this version on the primary (not read-only), "
                + "which brings it up to date"
        }
        if !unknown.isEmpty {
            return "the database has \(Self.count(unknown)) this version of opcc does not know "
                + "(\(unknown.joined(separator: ", "))): it was written by a newer version. Run that version here"
        }
        return nil
    }

    private static func count(_ names: [String]) -> String {
        names.count == 1 ? "1 migration" : "\(names.count) migrations"
    }
}

extension Commissioning {
    /// The health check: one read transaction that reads the applied migrations. It writes nothing.
    public func health() async -> DatabaseHealth {
        let status: MigrationStatus
        do {
            guard let statusStore = store as? any MigrationStatusStore else {
                return DatabaseHealth(
                    database: .unreachable, migrations: .unchecked,
                    problem: "this database cannot report its migrations")
            }
            status = try await statusStore.migrationStatus()
        } catch {
            return DatabaseHealth(
                database: .unreachable, migrations: .unchecked, problem: "the database cannot be read")
        }
        let migrations: DatabaseHealth.Migrations =
            !status.missing.isEmpty ? .older : !status.unknown.isEmpty ? .newer : .current
        return DatabaseHealth(database: .reachable, migrations: migrations, problem: status.difference)
    }

    /// Opens the product over its database read-only, for a standby or a public mirror: no migration runs, and a
    /// database whose migrations are not exactly this binary's is refused (`SchemaNotCurrent`).
    public static func openReadOnly(
        home: ProductHome, databasePath: String, clock: any Clock = SystemClock()
    ) async throws -> Commissioning {
        let catalog = try WorkflowCatalog.load(from: home, registry: .standard)
        let calendar = try WorkingDayCalendar.load(from: home)
        let store: any CommissioningStore & MigrationStatusStore
        let status: MigrationStatus
        do {
            // A PostgreSQL hot standby refuses every write itself; a SQLite file is opened read-only.
            store =
                isServerURL(databasePath)
                ? try PostgresStore(url: databasePath, readOnly: true)
                : try ReadOnlySQLiteStore(path: databasePath)
            status = try await store.migrationStatus()
        } catch let error as StoreError {
            throw StorageFailure(error)
        }
        guard status.difference == nil else {
            throw SchemaNotCurrent(path: databaseDisplayName(databasePath), status: status)
        }
        return try Commissioning(store: store, catalog: catalog, calendar: calendar, clock: clock)
    }
}

/// The health question passes the boundary too; a store that cannot answer it reports a read failure.
extension ServiceBoundaryStore: MigrationStatusStore {
    func migrationStatus() async throws -> MigrationStatus {
        guard let statusStore = base as? any MigrationStatusStore else {
            throw StorageFailure(StoreError.failed(resultCode: 1))
        }
        do { return try await statusStore.migrationStatus() } catch let error as StoreError {
            throw StorageFailure(error)
        }
    }
}
