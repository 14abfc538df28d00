import Foundation
import GRDB
import OPCCCore
import OPCCServices
import OPCCStore
import Testing

@Suite("Restore: a backup is restored whole or not at all", .serialized)
struct RestoreTests {
    /// A copy of a database file taken together with its write-ahead log (a file-level snapshot of a database in
    /// use): its newest transactions are only in `-wal`.
    // SQLite only: it holds transactions in a SQLite file's write-ahead log, then backs up and restores the file.
    @Test(
        "a backup whose newest transactions are still in its write-ahead log is restored with them, and the backup is not changed"
    )
    func restoreKeepsTransactionsStillInTheBackupsWriteAheadLog() async throws {
        let path = temporaryDatabasePath()
        let (app, store) = try await demoApp(store: try SQLiteStore(path: path))
        try await store.writer.writeWithoutTransaction { try $0.execute(sql: "PRAGMA wal_autocheckpoint = 0") }
        try await app.startInstance(
            id: "CF-WAL", office: "west-midlands", workflow: "carry-forward", recordRef: "CF-WAL", by: "wm.finance",
            on: day("2016-03-01"))
        try await app.fire("request", on: "CF-WAL", by: "wm.finance", on: day("2016-03-02"))
        let head = try await app.auditHead()

        let folder = URL(fileURLWithPath: temporaryDatabasePath()).deletingLastPathComponent()
        let snapshot = folder.appendingPathComponent("snapshot.sqlite").path
        try FileManager.default.copyItem(atPath: path, toPath: snapshot)
        try FileManager.default.copyItem(atPath: path + "-wal", toPath: snapshot + "-wal")
        let walSize = try #require(
            try FileManager.default.attributesOfItem(atPath: snapshot + "-wal")[.size] as? Int)
        #expect(walSize > 0, "the snapshot's newest transactions are in its write-ahead log")
        let snapshotBytes = try Data(contentsOf: URL(fileURLWithPath: snapshot))

        let target = folder.appendingPathComponent("restored.sqlite").path
        let (verification, aside) = try await Commissioning.restore(from: snapshot, to: target, home: home)
        #expect(aside == nil)
        #expect(verification.isIntact)
        #expect(verification.head == head)

        let restored = try Commissioning(
            store: try SQLiteStore(path: target), catalog: try shippedCatalog(),
            clock: FixedClock(day: day("2026-11-20"))
        )
        await #expect(try restored.auditHead() == head)
        await #expect(try restored.instance("CF-WAL")?.state == "requested")
        #expect(try Data(contentsOf: URL(fileURLWithPath: snapshot)) == snapshotBytes)
        #expect(!FileManager.default.fileExists(atPath: target + ".restoring"))
    }
}
