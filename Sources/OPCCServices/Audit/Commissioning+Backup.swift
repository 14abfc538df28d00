import Foundation
import OPCCCore
import OPCCStore

/// Backups and restores: an online copy of the database with its documents' files, and a restore that refuses any
/// copy whose audit log does not verify (its chains, or a record's content against its last seal), whose documents'
/// files are missing or not the ones attached, or whose books fail the finance check. Nothing is overwritten or
/// deleted: an existing file or folder is never replaced by a backup, and a restore moves the current database aside
/// first.
///
/// A backup is a database like any other: `opcc backup backups/opcc.sqlite` writes the database there and its
/// documents' files into the folder beside it that `opcc` opens with it (`backups/opcc.files/`), so the backup opens,
/// verifies and restores as it is.
extension Commissioning {
    /// Copies the database to `path` (which must not exist yet) while others may be writing, and the files of the
    /// documents the copy holds into the folder beside it (which must not exist either); then verifies the copy,
    /// documents included.
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
        // Files kept in the database's own tables travel inside the copy; a folder's files go to the copy's folder.
        let source = documentFiles as? FolderDocumentFiles
        let folder = Self.defaultFilesDirectory(databasePath: path)
        if source != nil, FileManager.default.fileExists(atPath: folder) {
            throw ServiceRefusal(
                rule: .backupNeverOverwrites,
                message: "\(folder) exists already (a backup's documents go in the folder beside it): choose a new "
                    + "file for the backup")
        }
        try sqlite.backup(toPath: path)
        let target = source.map { _ in FolderDocumentFiles(directory: URL(fileURLWithPath: folder)) }
        let copy = try Commissioning(
            store: try SQLiteStore(path: path), catalog: catalog, clock: clock, documentFiles: target)
        if let source, let target {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try await Self.copyDocumentFiles(listedIn: copy, from: source, to: target)
        }
        return try await copy.verifyAudit()
    }

    /// Copies into `target` the file of every document `copy` holds (purged ones have none), each checked against
    /// its hash as it is written. Files are never changed once written, so what was stored when the database was
    /// copied is all there; one missing or altered in `source` is left out, and the copy's verification names it.
    static func copyDocumentFiles(
        listedIn copy: Commissioning, from source: FolderDocumentFiles, to target: FolderDocumentFiles
    ) async throws {
        let documents = try await copy.store.read { try $0.documents(office: nil) }
        for document in documents where !document.purged {
            let file = source.path(of: document.sha256)
            guard FileManager.default.fileExists(atPath: file.path) else { continue }
            do {
                try await target.put(sha256: document.sha256, sizeBytes: document.sizeBytes, contentsOf: file)
            } catch DocumentFilesError.changedWhileCopying {
                continue
            }
        }
    }

    /// Restores `backup` as the database at `target`: the backup is copied to a scratch file with SQLite's online
    /// backup through a read-only connection (so a backup that still has transactions in its write-ahead log is
    /// copied whole, and the backup itself is never changed) and opened there; its audit log must verify (chains and
    /// seals), every document's file in the folder beside the backup must be the one attached, and its books must
    /// pass `financeCheck`, else nothing changes. The files are then copied into the target's folder
    /// (`filesDirectory`, else the one beside `target`), each checked against its hash; a file already there that is
    /// not the one attached refuses the restore. Last, the current database, if any, is moved aside (renamed with a
    /// timestamp) before the verified copy takes its place.
    public static func restore(
        from backup: String, to target: String, home: ProductHome, clock: any Clock = SystemClock(),
        filesDirectory: String? = nil
    ) async throws -> (verification: AuditVerification, movedAside: String?) {
        let fm = FileManager.default
        guard fm.fileExists(atPath: backup) else {
            throw ServiceRefusal(rule: .backupExists, message: "no backup file at \(backup)")
        }
        let scratch = target + ".restoring-\(UUID().uuidString)"
        func discardScratch() {
            for suffix in ["", "-wal", "-shm"] { try? fm.removeItem(atPath: scratch + suffix) }
        }
        let backupFiles = FolderDocumentFiles(
            directory: URL(fileURLWithPath: defaultFilesDirectory(databasePath: backup)))
        let targetFiles = FolderDocumentFiles(
            directory: URL(fileURLWithPath: filesDirectory ?? defaultFilesDirectory(databasePath: target)))
        let verification: AuditVerification
        do {
            verification = try await verifiedRestore(
                backup, scratch: scratch, home: home, clock: clock, from: backupFiles, to: targetFiles)
        } catch {
            discardScratch()
            throw error
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

    /// Copies the backup to `scratch` and checks it (chains and seals, documents' files, books), then copies the
    /// documents' files to `targetFiles` and checks them there; throws the refusal that names what differs.
    private static func verifiedRestore(
        _ backup: String, scratch: String, home: ProductHome, clock: any Clock,
        from backupFiles: FolderDocumentFiles, to targetFiles: FolderDocumentFiles
    ) async throws -> AuditVerification {
        let copy: Commissioning
        let store: SQLiteStore
        let tables: AuditVerification
        let files: [String]
        let books: [String]
        do {
            try SQLiteStore.copyDatabase(from: backup, to: scratch)
            let catalog = try WorkflowCatalog.load(from: home, registry: .standard)
            store = try SQLiteStore(path: scratch)
            copy = try Commissioning(store: store, catalog: catalog, clock: clock, documentFiles: backupFiles)
            tables = try await copy.verifyAuditTables(head: nil, office: nil)
            files = try await copy.documentFileProblems(office: nil)
            books = try await copy.financeCheck()
        } catch {
            // SQLite's reason alone: the store's own sentence would name the file a second time.
            let reason: String
            if case .cannotOpen(_, let why)? = error as? StoreError { reason = why } else { reason = "\(error)" }
            throw ServiceRefusal(
                rule: .backupReadable, message: "\(backup) cannot be opened as a database: \(reason)")
        }
        defer { try? store.writer.close() }
        guard tables.isIntact else {
            throw ServiceRefusal(
                rule: .restoreNeedsVerifiedAudit,
                message: "the backup's audit chain does not verify, so it is not restored: "
                    + tables.problems.prefix(3).joined(separator: "; "))
        }
        guard files.isEmpty else {
            throw ServiceRefusal(
                rule: .restoreNeedsDocuments,
                message: "the backup's documents are not the ones attached, so it is not restored: "
                    + files.prefix(3).joined(separator: "; "))
        }
        guard books.isEmpty else {
            throw ServiceRefusal(
                rule: .restoreNeedsSoundBooks,
                message: "the backup's books fail the finance check, so it is not restored: "
                    + books.prefix(3).joined(separator: "; "))
        }
        try FileManager.default.createDirectory(at: targetFiles.directory, withIntermediateDirectories: true)
        try await copyDocumentFiles(listedIn: copy, from: backupFiles, to: targetFiles)
        let restored = try Commissioning(store: store, catalog: copy.catalog, clock: clock, documentFiles: targetFiles)
        let placed = try await restored.documentFileProblems(office: nil)
        guard placed.isEmpty else {
            throw ServiceRefusal(
                rule: .restoreNeedsDocuments,
                message: "\(targetFiles.location) already holds files that are not the ones attached, so the backup "
                    + "is not restored (move them aside first): " + placed.prefix(3).joined(separator: "; "))
        }
        return AuditVerification(
            eventsChecked: tables.eventsChecked, instancesRebuilt: tables.instancesRebuilt,
            recordsSealed: tables.recordsSealed, head: tables.head, problems: [])
    }
}
