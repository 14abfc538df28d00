import Foundation
import OPCCCore
import OPCCServices
import OPCCStore
import OPCCTestSupport
import Testing

/// Runs a program to its end, off the cooperative pool (`runProgram`).
private func spawn(_ program: String, _ arguments: [String]) async throws -> (status: Int32, output: String) {
    try await runProgram(program, arguments)
}

/// The chunks a download delivered, in order.
private final class Bytes: @unchecked Sendable {
    private(set) var data = Data()
    func append(_ chunk: Data) { data.append(chunk) }
}

/// Documents travel with the database: `opcc backup` and `opcc restore` on SQLite (the files in the folder beside
/// the backup), `pg_dump` and `pg_restore` on PostgreSQL (the files in the database's blob tables); and a file
/// altered or deleted behind the product's back is named by `audit verify` and refused by a restore.
@Suite("Documents: backed up and restored with the database, and proven by audit verify", .serialized)
struct DocumentBackupTests {
    let documents = DocumentTests()
    static let annex = Data("Confidential annex: OPCC-TRIPWIRE-PART2 not for publication\n".utf8)

    /// The demo in a SQLite file with its documents in the folder beside it, as `opcc` opens it; a Part 1 business
    /// case and a Part 2 annex attached to 014/2016 (published).
    func officeWithDocuments() async throws -> (
        app: Commissioning, path: String, part1: StoredDocument, part2: StoredDocument
    ) {
        let path = temporaryDatabasePath()
        _ = try await demoApp(store: try SQLiteStore(path: path))
        let app = try Commissioning.open(home: home, databasePath: path, clock: FixedClock(day: day("2026-11-20")))
        #expect(
            (app.documentFiles as? FolderDocumentFiles)?.directory.path
                == Commissioning.defaultFilesDirectory(databasePath: path))
        let (part1, part2) = try await attachBoth(app)
        return (app, path, part1, part2)
    }

    func attachBoth(_ app: Commissioning) async throws -> (StoredDocument, StoredDocument) {
        let part1 = try await documents.attach(app, try documents.file(DocumentTests.pdf, named: "Business case.pdf"))
        let part2 = try await documents.attach(
            app, try documents.file(Self.annex, named: "Confidential annex.txt"), part: .part2, kind: .backgroundPaper)
        return (part1, part2)
    }

    /// Both documents read back: the Part 1 one as the public, the Part 2 one by the office's auditor (a Part 2
    /// reader), each byte for byte what was attached.
    func expectBothDownloadable(_ app: Commissioning, _ part1: StoredDocument, _ part2: StoredDocument) async throws {
        let first = Bytes()
        _ = try await app.downloadDocument(part1.id, by: nil) { first.append($0) }
        #expect(first.data == DocumentTests.pdf)
        let second = Bytes()
        _ = try await app.downloadDocument(part2.id, by: "cumbria.auditor") { second.append($0) }
        #expect(second.data == Self.annex)
    }

    func newPath(_ name: String) -> String {
        URL(fileURLWithPath: temporaryDatabasePath()).deletingLastPathComponent().appendingPathComponent(name).path
    }

    @Test func aBackupCarriesTheDocumentsFilesBesideItAndARestoredCopyVerifiesAndServesTheSameBytes() async throws {
        let (app, _, part1, part2) = try await officeWithDocuments()
        let backup = newPath("backup.sqlite")
        let verified = try await app.backup(to: backup, home: home)
        #expect(verified.problems == [])
        let backupFiles = FolderDocumentFiles(
            directory: URL(fileURLWithPath: Commissioning.defaultFilesDirectory(databasePath: backup)))
        for document in [part1, part2] {
            #expect(FileManager.default.fileExists(atPath: backupFiles.path(of: document.sha256).path))
        }
        // Restored to a new place, with nothing of the original beside it.
        let target = newPath("restored.sqlite")
        let (verification, aside) = try await Commissioning.restore(from: backup, to: target, home: home)
        #expect(verification.isIntact && aside == nil)
        let restored = try Commissioning.open(
            home: home, databasePath: target, clock: FixedClock(day: day("2026-11-20")))
        #expect(try await restored.verifyAudit().problems == [])
        try await expectBothDownloadable(restored, part1, part2)
    }

    @Test func aRestoreIntoAFilesFolderOfItsOwnPutsTheDocumentsThere() async throws {
        let (app, _, part1, part2) = try await officeWithDocuments()
        let backup = newPath("backup.sqlite")
        try await app.backup(to: backup, home: home)
        let target = newPath("restored.sqlite")
        let folder = newPath("elsewhere")
        _ = try await Commissioning.restore(from: backup, to: target, home: home, filesDirectory: folder)
        #expect(!FileManager.default.fileExists(atPath: Commissioning.defaultFilesDirectory(databasePath: target)))
        let restored = try Commissioning.open(
            home: home, databasePath: target, clock: FixedClock(day: day("2026-11-20")), filesDirectory: folder)
        #expect(try await restored.verifyAudit().problems == [])
        try await expectBothDownloadable(restored, part1, part2)
    }

    /// A backup's file altered, then deleted: each restore is refused naming the document, and nothing is restored.
    @Test func aRestoreWhoseBackedUpFileIsAlteredOrMissingIsRefusedNamingTheDocumentAndChangesNothing() async throws {
        let (app, _, part1, _) = try await officeWithDocuments()
        let backup = newPath("backup.sqlite")
        try await app.backup(to: backup, home: home)
        let stored = FolderDocumentFiles(
            directory: URL(fileURLWithPath: Commissioning.defaultFilesDirectory(databasePath: backup))
        ).path(of: part1.sha256)
        try Data("%PDF-1.4 replaced behind the product's back".utf8).write(to: stored)
        let target = newPath("restored.sqlite")
        let altered = await #expect(throws: ServiceRefusal.self) {
            try await Commissioning.restore(from: backup, to: target, home: home)
        }
        #expect(altered?.rule == "restore-needs-documents")
        #expect(altered?.message.contains("document \(part1.id): its stored file is not the one attached") == true)
        try FileManager.default.removeItem(at: stored)
        let missing = await #expect(throws: ServiceRefusal.self) {
            try await Commissioning.restore(from: backup, to: target, home: home)
        }
        #expect(missing?.rule == "restore-needs-documents")
        #expect(missing?.message.contains("document \(part1.id): its file is missing") == true)
        let left = try FileManager.default.contentsOfDirectory(
            atPath: URL(fileURLWithPath: target).deletingLastPathComponent().path)
        #expect(!left.contains { $0.hasPrefix("restored") }, "no database and no folder at the target: \(left)")
    }

    /// The folder beside the target already holds, under a document's hash, bytes that are not that document.
    @Test func aRestoreOverAFolderHoldingAnotherFileForADocumentIsRefusedAndTheDatabaseIsNotReplaced() async throws {
        let (app, _, part1, _) = try await officeWithDocuments()
        let backup = newPath("backup.sqlite")
        try await app.backup(to: backup, home: home)
        let target = newPath("restored.sqlite")
        let squatter = FolderDocumentFiles(
            directory: URL(fileURLWithPath: Commissioning.defaultFilesDirectory(databasePath: target))
        ).path(of: part1.sha256)
        try FileManager.default.createDirectory(
            at: squatter.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data("not the business case".utf8).write(to: squatter)
        let refused = await #expect(throws: ServiceRefusal.self) {
            try await Commissioning.restore(from: backup, to: target, home: home)
        }
        #expect(refused?.rule == "restore-needs-documents")
        #expect(refused?.message.contains("document \(part1.id)") == true)
        #expect(!FileManager.default.fileExists(atPath: target))
        #expect(try Data(contentsOf: squatter) == Data("not the business case".utf8), "the file there is kept")
    }

    @Test func aBackupNeverWritesIntoAnExistingFolderBesideIt() async throws {
        let (app, _, _, _) = try await officeWithDocuments()
        let backup = newPath("backup.sqlite")
        try FileManager.default.createDirectory(
            atPath: Commissioning.defaultFilesDirectory(databasePath: backup), withIntermediateDirectories: true)
        let refused = await #expect(throws: ServiceRefusal.self) { try await app.backup(to: backup, home: home) }
        #expect(refused?.rule == "backup-never-overwrites")
        #expect(refused?.message.contains("backup.files exists already") == true)
        #expect(!FileManager.default.fileExists(atPath: backup))
    }

    /// A file missing from the office's own folder when it is backed up: the backup is written, and its
    /// verification names the document (so `opcc backup` exits 1 saying so).
    @Test func aBackupOfAnOfficeWhoseFileIsMissingNamesTheDocumentInItsVerification() async throws {
        let (app, path, part1, _) = try await officeWithDocuments()
        try FileManager.default.removeItem(
            at: FolderDocumentFiles(
                directory: URL(fileURLWithPath: Commissioning.defaultFilesDirectory(databasePath: path))
            ).path(of: part1.sha256))
        let verification = try await app.backup(to: newPath("backup.sqlite"), home: home)
        #expect(verification.problems.count == 1)
        #expect(verification.problems.first?.hasPrefix("document \(part1.id): its file is missing") == true)
    }

    // MARK: PostgreSQL

    @Test(.enabled(if: OutsideTool.postgres.runs))
    func aPgDumpCarriesTheDocumentsBlobsAndTheRestoredDatabaseVerifiesAndServesTheSameBytes() async throws {
        let (app, store) = try await demoApp(engine: .postgres)
        let (part1, part2) = try await attachBoth(app)
        let url = try #require(store as? PostgresStore).displayURL
        let pgBin = ProcessInfo.processInfo.environment["OPCC_PG_BIN"] ?? "/usr/lib/postgresql/15/bin"
        let dump = newPath("opcc.dump")
        let dumped = try await spawn("\(pgBin)/pg_dump", ["--format=custom", "--file", dump, url])
        try #require(dumped.status == 0, "\(dumped.output)")
        let restoredDatabase = try PostgresTestDatabase.make()
        let restoring = try await spawn(
            "\(pgBin)/pg_restore", ["--no-owner", "--exit-on-error", "--dbname", restoredDatabase.url, dump])
        try #require(restoring.status == 0, "\(restoring.output)")
        let restored = try Commissioning.open(
            home: home, databasePath: restoredDatabase.url, clock: FixedClock(day: day("2026-11-20")))
        #expect(restored.documentFiles.location == "the database")
        #expect(try await restored.verifyAudit().problems == [])
        try await expectBothDownloadable(restored, part1, part2)
    }

    /// A file of three chunks: one chunk deleted, then the whole blob; each named by `audit verify`.
    @Test(.enabled(if: OutsideTool.postgres.runs))
    func auditVerifyNamesADocumentWhoseChunkOrWholeBlobWasDeletedInPostgreSQL() async throws {
        let (app, store) = try await demoApp(engine: .postgres)
        let text = Data(String(repeating: "Background paper line of plain text.\n", count: 70_000).utf8)
        #expect(text.count > 2 << 20, "more than two chunks of 1 MiB")
        let document = try await documents.attach(
            app, try documents.file(text, named: "background.txt"), kind: .backgroundPaper)
        #expect(try await app.verifyAudit().problems == [])
        let url = try #require(store as? PostgresStore).displayURL
        try await offThePool {
            _ = try PGConnection(url: url).execute(
                "DELETE FROM document_blob_chunk WHERE sha256 = $1 AND n = 1", [document.sha256])
        }
        let cut = try await app.verifyAudit().problems
        #expect(cut.count == 1 && cut[0].hasPrefix("document \(document.id): its stored file is not the one attached"))
        try await offThePool {
            _ = try PGConnection(url: url).execute("DELETE FROM document_blob WHERE sha256 = $1", [document.sha256])
        }
        #expect(
            try await app.verifyAudit().problems == ["document \(document.id): its file is missing from the database"])
    }
}
