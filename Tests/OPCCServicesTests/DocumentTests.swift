import Crypto
import Foundation
import OPCCCore
import OPCCServices
import OPCCStore
import OPCCTestSupport
import Testing
import ZIPFoundation

/// Documents attached to decision records, on both engines: SQLite with its files in a folder, PostgreSQL with them
/// in the database. 014/2016 is published in the demo; its record is `cumbria-DR-0001`.
@Suite("Documents: attached, sealed by hash, withdrawn, published only where Part 1 allows")
struct DocumentTests {
    static let pdf = Data("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n".utf8)

    /// The demo on `engine`; on SQLite its documents in a folder of their own (returned), on PostgreSQL in the database.
    func app(_ engine: TestEngine) async throws -> (app: Commissioning, store: TestStore, folder: URL?) {
        let (demo, store) = try await demoApp(engine: engine)
        guard engine == .sqlite else { return (demo, store, nil) }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("opcc-docs-\(UUID().uuidString)")
        let app = try Commissioning(
            store: store, catalog: try shippedCatalog(), clock: FixedClock(day: day("2026-11-20")),
            documentFiles: FolderDocumentFiles(directory: folder))
        return (app, store, folder)
    }

    /// A file holding `data`, named `name`, in a folder of its own.
    func file(_ data: Data, named name: String) throws -> URL { try uploadedFile(data, named: name) }

    /// A ZIP container with these entries (path → text).
    func zip(_ entries: [(String, String)], named name: String) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("opcc-upload-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let url = folder.appendingPathComponent(name)
        let archive = try Archive(url: url, accessMode: .create)
        for (path, text) in entries {
            let data = Data(text.utf8)
            try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(data.count)) { position, size in
                data.subdata(in: Int(position)..<Int(position) + size)
            }
        }
        return url
    }

    static func sha256(_ data: Data) -> String { SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined() }

    func attach(
        _ app: Commissioning, _ url: URL, part: DocumentPart = .part1, kind: DocumentKind = .businessCase,
        replacing: String? = nil, limit: Int64 = DocumentRules.defaultSizeLimitBytes,
        by actor: String = "cumbria.officer",
        name: String? = nil
    ) async throws -> StoredDocument {
        try await app.attachDocument(
            to: "014/2016", office: "cumbria",
            .init(file: url, name: name, kind: kind, part: part, replacing: replacing, sizeLimitBytes: limit),
            by: actor)
    }

    @Test(arguments: TestEngine.all)
    func anAttachedDocumentIsSealedByItsHashInItsEventAndVerifies(_ engine: TestEngine) async throws {
        let (app, _, _) = try await app(engine)
        let document = try await attach(app, try file(Self.pdf, named: "Business case.pdf"))
        #expect(document.type == .pdf && document.name == "Business case.pdf" && document.part == .part1)
        #expect(document.sha256 == Self.sha256(Self.pdf) && document.sizeBytes == Int64(Self.pdf.count))
        let event = try #require(try await app.auditLog(instance: "cumbria-DR-0001").last)
        #expect(event.event == "document-attached" && event.sealedRecord == "document:\(document.id)")
        #expect(event.payload.contains("\"sha256\":\"\(document.sha256)\""))
        #expect(event.payload.contains("\"sizeBytes\":\"\(Self.pdf.count)\""))
        #expect(try await app.documents(of: "014/2016", office: "cumbria", by: nil) == [document])
        let verified = try await app.verifyAudit()
        #expect(verified.problems == [])
        #expect(try await app.documentFiles.exists(sha256: document.sha256))
    }

    @Test(arguments: TestEngine.all)
    func aNewVersionSupersedesTheOldAndAReplacedOneCannotBeReplacedAgain(_ engine: TestEngine) async throws {
        let (app, _, _) = try await app(engine)
        let first = try await attach(app, try file(Self.pdf, named: "case.pdf"))
        let newer = Self.pdf + Data("% version 2\n".utf8)
        let second = try await attach(app, try file(newer, named: "case v2.pdf"), replacing: first.id)
        let all = try await app.documents(of: "014/2016", office: "cumbria", by: "cumbria.officer")
        #expect(all.map(\.supersededBy) == [second.id, nil])
        #expect(try await app.documents(of: "014/2016", office: "cumbria", by: nil).map(\.id) == [second.id])
        let refused = await #expect(throws: ServiceRefusal.self) {
            _ = try await attach(app, try file(newer, named: "again.pdf"), replacing: first.id)
        }
        #expect(refused?.rule == "document-current")
        #expect(try await app.verifyAudit().problems == [])
    }

    /// Each refusal, and that it changed nothing: no event, no document, no stored file.
    @Test(arguments: TestEngine.all)
    func aRefusedFileChangesNothingAndSaysWhy(_ engine: TestEngine) async throws {
        let (app, _, folder) = try await app(engine)
        let head = try await app.auditHead()
        let cases: [(URL, Int64, String, String)] = [
            (try file(Data(), named: "empty.pdf"), 1000, "cumbria.officer", "document-not-empty"),
            (try file(Self.pdf, named: "big.pdf"), 10, "cumbria.officer", "document-size-limit"),
            (
                try file(Data([0, 1, 2, 3, 0xFE, 0xFF]), named: "x.pdf"), 1000, "cumbria.officer",
                "document-type-allowed"
            ),
            (
                try file(Data("<html><script>alert(1)</script></html>".utf8), named: "disguised.pdf"), 1000,
                "cumbria.officer", "document-type-allowed"
            ),
            (
                try zip([("notes.txt", "hello")], named: "bundle.docx"), 100_000, "cumbria.officer",
                "document-type-allowed"
            ),
            (
                try zip(
                    [
                        ("[Content_Types].xml", "<Types/>"), ("word/document.xml", "<w:document/>"),
                        ("word/vbaProject.bin", "macro"),
                    ], named: "case.docx"), 100_000, "cumbria.officer", "document-without-macros"
            ),
            (
                try zip(
                    [
                        ("[Content_Types].xml", "application/vnd.ms-excel.sheet.macroEnabled.main+xml"),
                        ("xl/workbook.xml", "<workbook/>"),
                    ], named: "sheet.xlsx"), 100_000, "cumbria.officer", "document-without-macros"
            ),
            (
                try file(Data([0x50, 0x4B, 0x03, 0x04, 1, 2, 3]), named: "broken.docx"), 1000, "cumbria.officer",
                "document-type-allowed"
            ),
            (try file(Self.pdf, named: "%%% ..."), 1000, "cumbria.officer", "document-name"),
            (try file(Self.pdf, named: "case.pdf"), 1000, "cumbria.finance", "document-attachers"),
        ]
        for (url, limit, actor, rule) in cases {
            let refused = await #expect(throws: ServiceRefusal.self, "\(url.lastPathComponent)") {
                _ = try await attach(app, url, limit: limit, by: actor)
            }
            #expect(refused?.rule == rule, "\(url.lastPathComponent): \(refused?.message ?? "")")
            #expect(refused?.message.isEmpty == false)
        }
        #expect(try await app.auditHead() == head)
        #expect(try await app.documents(of: "014/2016", office: "cumbria", by: "cumbria.officer") == [])
        #expect(try await app.documentFiles.exists(sha256: Self.sha256(Self.pdf)) == false)
        if let folder {
            let stored = FileManager.default.enumerator(atPath: folder.path)?.compactMap { $0 as? String } ?? []
            #expect(stored.filter { !$0.hasPrefix("tmp") && $0.count > 10 } == [])
        }
    }

    @Test(arguments: TestEngine.all)
    func wordExcelAndOpenDocumentFilesAreKnownByTheirContentAndANameIsCleaned(_ engine: TestEngine) async throws {
        let (app, _, _) = try await app(engine)
        let docx = try zip(
            [("[Content_Types].xml", "<Types/>"), ("word/document.xml", "<w:document/>")], named: "upload.tmp")
        let odt = try zip([("mimetype", "application/vnd.oasis.opendocument.text")], named: "risk.bin")
        let csv = try file(Data("ward,score\nHindpool,91\n".utf8), named: "scores.csv")
        let eia = try await attach(app, docx, kind: .equalityImpactAssessment, name: "C:\\temp\\../EIA\u{7}<b>.docx")
        #expect(eia.type == .docx)
        #expect(try await attach(app, odt, kind: .riskAssessment).type == .odt)
        #expect(try await attach(app, csv, kind: .backgroundPaper).type == .csv)
        let names = try await app.documents(of: "014/2016", office: "cumbria", by: nil).map(\.name)
        #expect(names == ["EIA_b_.docx", "risk.bin", "scores.csv"])
    }

    @Test(arguments: TestEngine.all)
    func aWithdrawnDocumentLeavesThePublicAndAPurgeRemovesItsBytesButKeepsItsHash(_ engine: TestEngine) async throws {
        let (app, _, _) = try await app(engine)
        let document = try await attach(app, try file(Self.pdf, named: "case.pdf"))
        let noReason = await #expect(throws: ServiceRefusal.self) {
            _ = try await app.withdrawDocument(document.id, reason: "  ", by: "cumbria.officer")
        }
        #expect(noReason?.rule == "document-withdrawal-reason")
        let withdrawn = try await app.withdrawDocument(
            document.id, reason: "holds a home address", purge: true, by: "cumbria.chief-executive")
        #expect(withdrawn.purged && withdrawn.withdrawalReason == "holds a home address")
        #expect(withdrawn.sha256 == document.sha256)
        #expect(try await app.documents(of: "014/2016", office: "cumbria", by: nil) == [])
        #expect(try await app.documentFiles.exists(sha256: document.sha256) == false)
        let publicRead = await #expect(throws: ServiceRefusal.self) {
            _ = try await app.downloadDocument(document.id, by: nil) { _ in }
        }
        #expect(publicRead?.rule == "known-document")
        let again = await #expect(throws: ServiceRefusal.self) {
            _ = try await app.withdrawDocument(document.id, reason: "again", by: "cumbria.officer")
        }
        #expect(again?.rule == "document-current")
        let unknown = await #expect(throws: ServiceRefusal.self) {
            _ = try await app.withdrawDocument("cumbria-DR-0001-D9", reason: "no such", by: "cumbria.officer")
        }
        #expect(unknown?.rule == "known-document")
        #expect(try await app.auditLog(instance: "cumbria-DR-0001").last?.event == "document-withdrawn")
        #expect(try await app.verifyAudit().problems == [])
    }

    @Test(arguments: TestEngine.all)
    func onlyTheOfficesPart2ReadersPurgeOrReadAPart2DocumentAndEachReadIsAudited(_ engine: TestEngine) async throws {
        let (app, _, _) = try await app(engine)
        let url = repositoryRoot.appendingPathComponent("fixtures/offices/cumbria.yaml")
        let text =
            try String(contentsOf: url, encoding: .utf8) + "\npart2Readers: [chief-executive, commissioner, auditor]\n"
        try await app.registerOffice(
            LoadedProfile(profile: try OfficeProfile.parse(yaml: text, source: "test"), text: text, source: "test"))
        let annex = Data("Part 2 test content: not for publication.\n".utf8)
        let document = try await attach(app, try file(annex, named: "annex.txt"), part: .part2, kind: .other)
        #expect(try await app.documents(of: "014/2016", office: "cumbria", by: nil) == [])
        #expect(try await app.documents(of: "014/2016", office: "cumbria", by: "cumbria.officer") == [])
        let byPublic = await #expect(throws: ServiceRefusal.self) {
            _ = try await app.downloadDocument(document.id, by: nil) { _ in }
        }
        #expect(byPublic?.rule == "known-document")
        let byOfficer = await #expect(throws: ServiceRefusal.self) {
            _ = try await app.downloadDocument(document.id, by: "cumbria.officer") { _ in }
        }
        #expect(byOfficer?.rule == "document-part2-readers")
        let purge = await #expect(throws: ServiceRefusal.self) {
            _ = try await app.withdrawDocument(document.id, reason: "wrong file", purge: true, by: "cumbria.officer")
        }
        #expect(purge?.rule == "document-purge-by-part2-readers")
        let received = Received()
        _ = try await app.downloadDocument(document.id, by: "cumbria.auditor") { received.append($0) }
        #expect(received.data == annex)
        let read = try #require(try await app.auditLog(instance: "cumbria-DR-0001").last)
        #expect(read.event == "document-read" && read.actor == "cumbria.auditor")
        #expect(!read.payload.contains("not for publication") && !read.payload.contains("annex"))
    }

    @Test func auditVerifyNamesADocumentWhoseFileWasReplacedOrRemovedInTheFolder() async throws {
        let (app, _, folder) = try await app(.sqlite)
        let document = try await attach(app, try file(Self.pdf, named: "case.pdf"))
        let stored = FolderDocumentFiles(directory: try #require(folder)).path(of: document.sha256)
        try Data("%PDF-1.4 replaced behind the product's back".utf8).write(to: stored)
        let altered = try await app.verifyAudit().problems
        #expect(altered.count == 1 && altered[0].hasPrefix("document \(document.id): its stored file is not"))
        try FileManager.default.removeItem(at: stored)
        let missing = try await app.verifyAudit().problems
        #expect(missing == ["document \(document.id): its file is missing from \(folder!.path)"])
    }

    @Test(.enabled(if: OutsideTool.postgres.runs))
    func auditVerifyNamesADocumentWhoseBytesOrRowWereEditedInPostgreSQL() async throws {
        let (app, store, _) = try await app(.postgres)
        let document = try await attach(app, try file(Self.pdf, named: "case.pdf"))
        let url = try #require(store as? PostgresStore).displayURL
        try await offThePool {
            _ = try PGConnection(url: url).execute(
                "UPDATE document_blob_chunk SET data = $1 WHERE sha256 = $2",
                [Data("%PDF-1.4 edited".utf8).base64EncodedString(), document.sha256])
        }
        let altered = try await app.verifyAudit().problems
        #expect(altered.count == 1 && altered[0].hasPrefix("document \(document.id): its stored file is not"))
        try await offThePool {
            _ = try PGConnection(url: url).execute(
                "UPDATE document SET part = 2 WHERE id = $1", [document.id])
        }
        let problems = try await app.verifyAudit().problems
        #expect(problems.contains { $0.hasPrefix("document \(document.id): content differs from its last sealed") })
    }
}

/// The chunks a download delivered, in order.
private final class Received: @unchecked Sendable {
    private(set) var data = Data()
    func append(_ chunk: Data) { data.append(chunk) }
}
