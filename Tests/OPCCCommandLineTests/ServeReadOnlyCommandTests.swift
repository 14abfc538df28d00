import Foundation
import GRDB
import Testing

@Suite("opcc serve --read-only: what it refuses before it serves")
struct ServeReadOnlyCommandTests {
    private func folder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("opcc-ro-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    @Test func aReadOnlyServerCannotLoadTheDemoAndAMainSiteGoesOnlyWithReadOnly() async throws {
        let path = try folder().appendingPathComponent("opcc.sqlite").path
        let demo = try await opcc(["serve", "--read-only", "--demo", "--db", path])
        #expect(demo.status == 64)
        #expect(demo.stderr.contains("--read-only serves a database as it is: it cannot load the demo (--demo)"))
        let mainSite = try await opcc(["serve", "--main-site", "https://opcc.example", "--db", path])
        #expect(mainSite.status == 64)
        #expect(mainSite.stderr.contains("--main-site goes with --read-only"))
        let badSite = try await opcc(["serve", "--read-only", "--main-site", "opcc.example/x", "--db", path])
        #expect(badSite.status == 64)
        #expect(badSite.stderr.contains("--main-site 'opcc.example/x' must begin with http:// or https://"))
        #expect(!FileManager.default.fileExists(atPath: path), "nothing was created")
    }

    @Test func aReadOnlyServerRefusesAMissingFileAndADatabaseAnOlderVersionWrote() async throws {
        let dir = try folder()
        let missing = dir.appendingPathComponent("none.sqlite").path
        let none = try await opcc(["serve", "--read-only", "--db", missing])
        #expect(none.status == 1)
        #expect(none.stderr.contains("cannot open the database \(missing)"))
        #expect(none.stderr.contains("there is no database file here"))
        #expect(!FileManager.default.fileExists(atPath: missing))

        let path = dir.appendingPathComponent("older.sqlite").path
        #expect(try await opcc(["user", "list", "--db", path]).status == 0)
        let queue = try DatabaseQueue(path: path)
        let last = try #require(
            try await queue.write { db in
                let last = try String.fetchOne(db, sql: "SELECT max(identifier) FROM grdb_migrations")
                try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = ?", arguments: [last])
                return last
            })
        try queue.close()
        let older = try await opcc(["serve", "--read-only", "--db", path])
        #expect(older.status == 1)
        #expect(older.stderr.contains("cannot serve \(path) read-only: the database lacks 1 migration"))
        #expect(older.stderr.contains("(\(last)): it was written by an older version"))
        #expect(!older.stdout.contains("serving"))
    }
}
