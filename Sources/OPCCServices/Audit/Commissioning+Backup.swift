import Foundation
import OPCCCore
import OPCCStore

/// Backups and restores: an online copy of the database, and a restore that refuses any copy whose audit log does
/// not verify (its chains, or a record's content against its last seal) or whose books fail the finance check. Nothing is overwritten or deleted: an existing file is never replaced by a backup, and a restore
/// moves the current database aside first.
extension Commissioning {
    /// Copies the database to `path` (which must not exist yet) while others may be writing, then verifies the copy.
    @discardableResult
    public func backup(to path: String, home: ProductHome) async throws -> AuditVerification {
        guard !FileManager.default.fileExists(atPath: path) else {
            throw ServiceRefusal(
                rule: .backupNeverOverwrites, message: "\(path) exists already: choose a new file for the backup")
        }
        guard let sqlite = (store as? ServiceBoundaryStore)?.base as? SQLiteStore else {
            throw ServiceRefusal(
                rule: .backupNeedsSqlite,
                message: "opcc backup copies a SQLite file: back up a PostgreSQL database with pg_dump and check "
                    + "the restored copy with opcc audit verify (README: PostgreSQL)")
        }
        try sqlite.backup(toPath: path)
        // The copy's documents are checked against this database's files (the backup does not copy them yet).
        let copy = try Commissioning(
            store: try SQLiteStore(path: path), catalog: catalog, clock: clock, documentFiles: documentFiles)
        return try await copy.verifyAudit()
    }

    /// Restores `backup` as the database at `target`: the backup is copied to a scratch file with SQLite's online
    /// backup through a read-only connection (so a backup that still has transactions in its write-ahead log is
    /// copied whole, and the backup itself is never changed) and opened there; its audit log must verify (chains and
    /// seals) and its books pass `financeCheck`, else nothing changes; the current database, if any, is moved aside (renamed with a timestamp) before the verified
    /// copy takes its place.
    public static func restore(
        from backup: String, to target: String, home: ProductHome, clock: any Clock = SystemClock()
    ) async throws -> (verification: AuditVerification, movedAside: String?) {
        let fm = FileManager.default
        guard fm.fileExists(atPath: backup) else {
            throw ServiceRefusal(rule: .backupExists, message: "no backup file at \(backup)")
        }
        let scratch = target + ".restoring-\(UUID().uuidString)"
        func discardScratch() {
            for suffix in ["", "-wal", "-shm"] { try? fm.removeItem(atPath: scratch + suffix) }
        }
        let verification: AuditVerification
        let books: [String]
        do {
            try SQLiteStore.copyDatabase(from: backup, to: scratch)
            let catalog = try WorkflowCatalog.load(from: home, registry: .standard)
            let store = try SQLiteStore(path: scratch)
            let files = FolderDocumentFiles(
                directory: URL(fileURLWithPath: defaultFilesDirectory(databasePath: target)))
            let copy = try Commissioning(store: store, catalog: catalog, clock: clock, documentFiles: files)
            verification = try await copy.verifyAudit()
            books = try await copy.financeCheck()
            try store.writer.close()
        } catch {
            discardScratch()
            // SQLite's reason alone: the store's own sentence would name the file a second time.
            let reason: String
            if case .cannotOpen(_, let why)? = error as? StoreError { reason = why } else { reason = "\(error)" }
            throw ServiceRefusal(
                rule: .backupReadable, message: "\(backup) cannot be opened as a database: \(reason)")
        }
        guard verification.isIntact else {
            discardScratch()
            throw ServiceRefusal(
                rule: .restoreNeedsVerifiedAudit,
                message: "the backup's audit chain does not verify, so it is not restored: "
                    + verification.problems.prefix(3).joined(separator: "; "))
        }
        guard books.isEmpty else {
            discardScratch()
            throw ServiceRefusal(
                rule: .restoreNeedsSoundBooks,
                message: "the backup's books fail the finance check, so it is not restored: "
                    + books.prefix(3).joined(separator: "; "))
        }
        var aside: String?
        if fm.fileExists(atPath: target) {
            let stamp = Int(Date().timeIntervalSince1970)
            for suffix in ["", "-wal", "-shm"] where fm.fileExists(atPath: target + suffix) {
                try fm.moveItem(atPath: target + suffix, toPath: "\(target).\(stamp).bak\(suffix)")
            }
            aside = "\(target).\(stamp).bak"
        }
        for suffix in ["", "-wal", "-shm"] where fm.fileExists(atPath: scratch + suffix) {
            try fm.moveItem(atPath: scratch + suffix, toPath: target + suffix)
        }
        return (verification, aside)
    }
}
