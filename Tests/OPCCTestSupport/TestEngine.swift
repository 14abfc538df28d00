import Foundation
import OPCCStore
import Testing

/// The store engine a test runs on. The store, service and API tests take one as their argument
/// (`@Test(arguments: TestEngine.all)`), so each runs once per engine.
public enum TestEngine: String, Sendable, CaseIterable, CustomTestStringConvertible {
    case sqlite
    case postgres

    /// The engines of this run: SQLite always; PostgreSQL when `OPCC_TEST_POSTGRES_URL` names a server, and always
    /// under `CI=true`, so a CI run without one fails instead of skipping (`OutsideTool.postgres`).
    public static let all: [TestEngine] = OutsideTool.postgres.runs ? [.sqlite, .postgres] : [.sqlite]

    public var testDescription: String {
        switch self {
        case .sqlite: "SQLite"
        case .postgres: "PostgreSQL"
        }
    }

    /// A new, empty, migrated store of its own: SQLite in memory, or a PostgreSQL database cloned from the template.
    public func makeStore() throws -> TestStore {
        switch self {
        case .sqlite: try SQLiteStore()
        case .postgres: try PostgresStore(url: PostgresTestDatabase.migrated().url)
        }
    }

    /// `count` stores on one new database, as that many processes would open it: SQLite on a temporary file (so
    /// each reads only what the others committed), PostgreSQL on one cloned database.
    public func makeStores(_ count: Int) throws -> [TestStore] {
        switch self {
        case .sqlite:
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
                "opcc-tests-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let path = folder.appendingPathComponent("test.sqlite").path
            return try (0..<count).map { _ in try SQLiteStore(path: path) }
        case .postgres:
            let url = try PostgresTestDatabase.migrated().url
            return try (0..<count).map { _ in try PostgresStore(url: url) }
        }
    }
}

/// A store as the tests hold one, whichever its engine.
public typealias TestStore = any CommissioningStore & MigrationStatusStore
