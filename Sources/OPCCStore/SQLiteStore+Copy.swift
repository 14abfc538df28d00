import Foundation
import GRDB

extension SQLiteStore {
    /// Copies the database file at `source` to a new file at `destination` with SQLite's online backup, through a
    /// read-only connection: what the copy holds is one consistent state of the source, including transactions
    /// still in its write-ahead log (`source-wal`), which a copy of the main file alone would silently leave out. The
    /// source file is never written. A file that is not an SQLite database is refused with the engine's error.
    /// A failure is `StoreError.cannotOpen` with SQLite's reason, never the statement.
    public static func copyDatabase(from source: String, to destination: String) throws {
        var configuration = Configuration()
        configuration.readonly = true
        do {
            let from = try DatabaseQueue(path: source, configuration: configuration)
            defer { try? from.close() }
            // Reading the schema makes a file that is not a database fail here, before anything is copied.
            _ = try from.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM sqlite_master") }
            let to = try DatabaseQueue(path: destination)
            try from.backup(to: to)
            try to.close()
        } catch let error as DatabaseError {
            throw StoreError.cannotOpen(path: source, reason: error.reasonWithoutStatement)
        }
    }
}
