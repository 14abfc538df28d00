import Foundation
import OPCCStore
import Testing

/// A database of its own for one test on the server `OPCC_TEST_POSTGRES_URL` names (`CREATE DATABASE … TEMPLATE`,
/// about a tenth of a second). Left in place when the test ends: dropping forces a checkpoint per database, far slower
/// than throwing the whole throwaway cluster away (docs/POSTGRES-DESIGN.md).
public struct PostgresTestDatabase: Sendable {
    public let url: String

    /// An empty database (a clone of `template0`), for tests of the connection and of the migrations themselves; a CI
    /// run without a server fails here, saying how to start one.
    public static func make(sourceLocation: SourceLocation = #_sourceLocation) throws -> PostgresTestDatabase {
        let template = try #require(
            OutsideTool.postgresURL, Comment(rawValue: OutsideTool.postgres.missingInCI), sourceLocation: sourceLocation
        )
        return try clone(of: "template0", on: template)
    }

    /// A database with the whole schema: a clone of the server's template database (`opcc_template`), which the first
    /// call in each test process migrates by opening a `PostgresStore` on it.
    public static func migrated() throws -> PostgresTestDatabase {
        guard let template = OutsideTool.postgresURL, !template.isEmpty else {
            throw MissingServer()
        }
        try migratedTemplate.get()
        return try clone(of: databaseName(of: template), on: template)
    }

    /// The error of a test that needs the server when none is named (only under `CI=true`, where it never skips).
    public struct MissingServer: Error, CustomStringConvertible {
        public var description: String { OutsideTool.postgres.missingInCI }
    }

    /// The advisory lock (on the `postgres` database, which every process reaches) that orders the template's
    /// migration, held alone, before its clones, held shared: a template must have no other session while it is cloned.
    static let templateLock = "7382737265"

    /// Migrates the template once per test process; other processes wait for the lock and find it current.
    static let migratedTemplate: Result<Void, any Error> = Result {
        guard let template = OutsideTool.postgresURL else { throw MissingServer() }
        let admin = try PGConnection(url: replacingDatabase(of: template, with: "postgres"))
        try admin.execute("SELECT pg_advisory_lock($1)", [templateLock])
        defer { _ = try? admin.execute("SELECT pg_advisory_unlock($1)", [templateLock]) }
        let store = try PostgresStore(url: template, connections: 1)
        store.close()
    }

    static func clone(of source: String, on server: String) throws -> PostgresTestDatabase {
        let name = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        // Cloning needs a connection to another database than the template (which must have no other session).
        let admin = try PGConnection(url: replacingDatabase(of: server, with: "postgres"))
        try admin.execute("SELECT pg_advisory_lock_shared($1)", [templateLock])
        defer { _ = try? admin.execute("SELECT pg_advisory_unlock_shared($1)", [templateLock]) }
        try admin.execute("CREATE DATABASE \(name) TEMPLATE \(source)")
        return PostgresTestDatabase(url: replacingDatabase(of: server, with: name))
    }

    public static func databaseName(of url: String) -> String {
        String(url.split(separator: "/").last?.split(separator: "?").first ?? "opcc_template")
    }

    public static func replacingDatabase(of url: String, with name: String) -> String {
        guard let slash = url.lastIndex(of: "/") else { return url }
        let query = url[slash...].firstIndex(of: "?").map { String(url[$0...]) } ?? ""
        return String(url[..<slash]) + "/" + name + query
    }
}
