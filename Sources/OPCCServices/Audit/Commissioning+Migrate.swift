import Foundation
import OPCCCore
import OPCCStore

/// Moving an office's database from its SQLite file to a PostgreSQL server (`opcc migrate`).
extension Commissioning {
    /// What a migration copied and found at both ends.
    public struct Migration: Sendable {
        /// Rows copied per table, in the order copied.
        public let tables: [(table: String, rows: Int)]
        public let source: AuditVerification
        public let target: AuditVerification
        /// `finance check` on the copy: empty when its books balance.
        public let targetBooks: [String]
    }

    /// Copies the SQLite database at `sqlitePath` into the empty PostgreSQL database at `url`, after checking that the
    /// file's audit log verifies; then verifies the copy (its chains, every record against its seal, its books). Both
    /// ends must reach the same audit head. The file is not changed beyond bringing its schema up to date. Documents'
    /// bytes are copied from the file's folder (`filesDirectory`, else the one beside it) into the database.
    public static func migrate(
        from sqlitePath: String, to url: String, home: ProductHome, clock: any Clock = SystemClock(),
        filesDirectory: String? = nil, progress: @escaping @Sendable (String) -> Void = { _ in }
    ) async throws -> Migration {
        guard FileManager.default.fileExists(atPath: sqlitePath) else {
            throw ServiceRefusal(rule: .migrateSourceExists, message: "no SQLite database at \(sqlitePath)")
        }
        guard isServerURL(url) else {
            throw ServiceRefusal(
                rule: .migrateTargetIsServer, message: "--to must be a postgres:// URL, not \(url)")
        }
        let catalog = try WorkflowCatalog.load(from: home, registry: .standard)
        let sqlite: SQLiteStore
        let postgres: PostgresStore
        do {
            sqlite = try SQLiteStore(path: sqlitePath)
            postgres = try PostgresStore(url: url)
        } catch let error as StoreError {
            throw StorageFailure(error)
        }
        defer { postgres.close() }
        let folder = FolderDocumentFiles(
            directory: URL(fileURLWithPath: filesDirectory ?? defaultFilesDirectory(databasePath: sqlitePath)))
        let source = try await Commissioning(store: sqlite, catalog: catalog, clock: clock, documentFiles: folder)
            .verifyAudit()
        guard source.isIntact else {
            throw ServiceRefusal(
                rule: .migrateSourceVerifies,
                message: "\(sqlitePath) does not verify, so it is not copied: "
                    + source.problems.joined(separator: "; "))
        }
        let tables: [(table: String, rows: Int)]
        do {
            tables = try await postgres.copy(fromSQLite: sqlite, progress: progress)
        } catch let refused as CopyRefused {
            throw ServiceRefusal(rule: .migrateTargetEmpty, message: refused.description)
        } catch let error as StoreError {
            throw StorageFailure(error)
        }
        let copy = try Commissioning(store: postgres, catalog: catalog, clock: clock)
        // The documents' bytes follow into the database, each checked against its hash as it is copied.
        for document in try await copy.store.read({ try $0.documents(office: nil) }) where !document.purged {
            try await copy.documentFiles.put(
                sha256: document.sha256, sizeBytes: document.sizeBytes,
                contentsOf: folder.path(of: document.sha256))
        }
        return Migration(
            tables: tables, source: source, target: try await copy.verifyAudit(),
            targetBooks: try await copy.financeCheck())
    }
}
