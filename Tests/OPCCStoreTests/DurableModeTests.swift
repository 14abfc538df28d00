import Foundation
import GRDB
import OPCCStore
import Testing

@Suite("Durable mode on SQLite")
struct DurableModeTests {
    /// The writer's `PRAGMA synchronous`: 1 is NORMAL, 2 is FULL.
    func synchronous(durable: Bool) throws -> Int? {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("opcc-durable-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let store = try SQLiteStore(path: folder.appendingPathComponent("db.sqlite").path, durable: durable)
        return try store.writer.write { try Int.fetchOne($0, sql: "PRAGMA synchronous") }
    }

    // SQLite only: `synchronous` is SQLite's; on PostgreSQL every commit waits for the server's disk
    // (synchronous_commit on), which PostgresStore sets for each of its sessions.
    @Test func aDurableStoreCommitsWithSynchronousFullOnTheConnectionThatWrites() throws {
        #expect(try synchronous(durable: true) == 2)
    }

    @Test func aStoreThatIsNotDurableCommitsWithSynchronousNormal() throws {
        #expect(try synchronous(durable: false) == 1)
    }
}
