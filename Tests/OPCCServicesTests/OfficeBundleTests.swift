import Foundation
import GRDB
import OPCCCore
import OPCCServices
import OPCCStore
import OPCCTestSupport
import PropertyBased
import Testing

/// The rule id of what `body` threw, or nil when it succeeded.
private func refusalRule(_ body: () async throws -> Void) async -> String? {
    do {
        try await body()
        return nil
    } catch let refusal as ServiceRefusal {
        return refusal.rule
    } catch {
        return "unexpected: \(error)"
    }
}

/// The refusal `body` threw, or nil.
private func refusal(_ body: () async throws -> Void) async -> ServiceRefusal? {
    do {
        try await body()
        return nil
    } catch let refusal as ServiceRefusal {
        return refusal
    } catch {
        Issue.record("unexpected: \(error)")
        return nil
    }
}

/// The chunks a download delivered, in order.
private final class Received: @unchecked Sendable {
    private(set) var data = Data()
    func append(_ chunk: Data) { data.append(chunk) }
}

/// Leaving (issue 26, item 5): `opcc export office` writes one office as a bundle, `opcc import office` takes it into
/// an empty database of either engine with the same rows, the same audit events and the same chain head.
@Suite("Leaving: an office's export and re-import")
struct OfficeBundleTests {
    /// The demo on each engine with two documents attached to Cumbria's 014/2016 (one in Part 2), exported only.
    static let sources = PerEngine { engine -> Commissioning in
        let (app, _) = try await demoApp(engine: engine)
        let documents = DocumentTests()
        _ = try await documents.attach(app, try documents.file(DocumentTests.pdf, named: "Business case.pdf"))
        _ = try await documents.attach(
            app, try documents.file(DocumentBackupTests.annex, named: "Confidential annex.txt"), part: .part2,
            kind: .backgroundPaper)
        return app
    }

    /// A path for a new bundle, in a temporary folder of its own.
    func newBundlePath() -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("opcc-bundle-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder.appendingPathComponent("bundle").path
    }

    /// An application over a new, empty database of `engine`.
    func emptyApp(_ engine: TestEngine) async throws -> Commissioning {
        try Commissioning(
            store: try await engine.makeStore(), catalog: try shippedCatalog(),
            clock: FixedClock(day: day("2026-11-21")))
    }

    /// Cumbria exported from the shared demo of `engine`.
    func cumbriaBundle(_ engine: TestEngine) async throws -> (path: String, manifest: OfficeBundleManifest) {
        let path = newBundlePath()
        let export = try await Self.sources(engine).exportOffice("cumbria", to: path)
        return (path, export.manifest)
    }

    func isEmpty(_ app: Commissioning) async throws -> Bool {
        let offices = try await app.offices()
        let head = try await app.auditHead()
        return head.sequence == 0 && offices.isEmpty
    }

    func contents(_ bundle: String, _ file: String) throws -> Data {
        try Data(contentsOf: URL(fileURLWithPath: bundle).appendingPathComponent(file))
    }

    // MARK: What a bundle holds

    @Test(arguments: TestEngine.all)
    func everyTableOfTheSchemaIsExportedOrExcludedWithAReason(engine: TestEngine) async throws {
        let store = try await engine.makeStore()
        let tables = try await store.read { try $0.schemaTables() }
        let exported = Set(OfficeBundleTables.exported.map(\.name))
        #expect(tables.count > 40)
        for table in tables {
            #expect(
                exported.contains(table) || OfficeBundleTables.excluded[table] != nil,
                "table \(table) is neither exported nor excluded with a reason: add it to OfficeBundleTables.swift")
        }
        for table in exported { #expect(tables.contains(table), "exported table \(table) is not in the schema") }
        #expect(exported.isDisjoint(with: OfficeBundleTables.excluded.keys))
        for (table, reason) in OfficeBundleTables.excluded { #expect(!reason.isEmpty, "\(table)") }
    }

    @Test(arguments: TestEngine.all)
    func eachDemoOfficeReimportsIntoAnEmptyDatabaseOfEitherEngineWithTheSameRowsAndTheSameHead(
        source: TestEngine
    ) async throws {
        let app = try await Self.sources(source)
        let offices = try await app.offices().map(\.id)
        #expect(offices.count == 4)
        for office in offices {
            let path = newBundlePath()
            let export = try await app.exportOffice(office, to: path)
            let head = AuditHead(sequence: export.manifest.chain.headSequence, hash: export.manifest.chain.headHash)
            #expect(try await app.auditHead(office: office) == head)
            for target in TestEngine.all {
                let copy = try await emptyApp(target)
                let imported = try await copy.importOffice(from: path)
                #expect(
                    imported.verification.isIntact, "\(office) \(source)→\(target): \(imported.verification.problems)")
                #expect(imported.importEvent.previousHash == head.hash)
                #expect(imported.importEvent.officeSequence == export.manifest.chain.headOfficeSequence + 1)
                let whole = try await copy.verifyAudit(head: head)
                #expect(whole.isIntact, "\(office) \(source)→\(target): \(whole.problems)")
                // The same rows: the copy's own export is the same bytes, table by table, but for the one
                // office-imported event that follows the exported head.
                let again = try await copy.exportOffice(office, to: newBundlePath())
                for table in export.manifest.tables {
                    let before = try contents(path, table.file)
                    let after = try contents(again.path, table.file)
                    if table.name == "audit_event" {
                        #expect(after.starts(with: before), "\(office) \(source)→\(target): audit events differ")
                        #expect(again.manifest.tables.first { $0.name == table.name }?.rows == table.rows + 1)
                    } else {
                        #expect(before == after, "\(office) \(source)→\(target): table \(table.name) differs")
                    }
                }
                #expect(again.manifest.documents == export.manifest.documents)
            }
        }
    }

    /// The copy is a working office: its next act takes the numbers after the imported ones (the log's, the
    /// ledger's, the decisions'), and the chain goes on verifying.
    @Test(arguments: TestEngine.all)
    func anImportedOfficeGoesOnActingWithNewNumbersAndItsChainStillVerifies(engine: TestEngine) async throws {
        let (path, manifest) = try await cumbriaBundle(engine)
        for target in TestEngine.all {
            let copy = try await emptyApp(target)
            let imported = try await copy.importOffice(from: path)
            let before = try await copy.store.read { try $0.decisionCount(office: "cumbria") }
            let id = try await approvedDecision(copy, amount: "1500.00")
            #expect(try await copy.store.read { try $0.decisionCount(office: "cumbria") } == before + 1)
            #expect(try await copy.store.read { try $0.decision(id: id) } != nil)
            let event = try #require(try await copy.auditLog(office: "cumbria").last)
            #expect(event.sequence > imported.importEvent.sequence)
            let head = AuditHead(sequence: manifest.chain.headSequence, hash: manifest.chain.headHash)
            let verification = try await copy.verifyAudit(head: head)
            #expect(verification.isIntact, "\(engine)→\(target): \(verification.problems)")
            #expect(try await copy.financeCheck().isEmpty)
        }
    }

    @Test(arguments: TestEngine.all)
    func aBundleAsAZipArchiveImportsTheSameAndAChangedOneIsRefused(engine: TestEngine) async throws {
        let path = newBundlePath() + ".zip"
        let export = try await Self.sources(engine).exportOffice("lincolnshire", to: path)
        var isFolder: ObjCBool = true
        #expect(FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) && !isFolder.boolValue)
        let copy = try await emptyApp(engine)
        let imported = try await copy.importOffice(from: path)
        #expect(imported.verification.isIntact)
        #expect(imported.importEvent.previousHash == export.manifest.chain.headHash)
        let garbled = newBundlePath() + ".zip"
        try Data("not a zip".utf8).write(to: URL(fileURLWithPath: garbled))
        let other = try await emptyApp(engine)
        #expect(await refusalRule { _ = try await other.importOffice(from: garbled) } == "office-bundle-format")
        #expect(try await isEmpty(other))
    }

    @Test(arguments: TestEngine.all)
    func theDocumentsFilesTravelAndReadBackByteForByte(engine: TestEngine) async throws {
        let (path, manifest) = try await cumbriaBundle(engine)
        #expect(manifest.documents.count == 2)
        for target in TestEngine.all {
            let copy = try await emptyApp(target)
            _ = try await copy.importOffice(from: path)
            let documents = try await copy.documents(of: "014/2016", office: "cumbria", by: "cumbria.auditor")
            #expect(documents.count == 2)
            for document in documents {
                let bytes = Received()
                _ = try await copy.downloadDocument(document.id, by: "cumbria.auditor") { bytes.append($0) }
                #expect([DocumentTests.pdf, DocumentBackupTests.annex].contains(bytes.data))
            }
        }
    }

    @Test(arguments: TestEngine.all)
    func theManifestNamesTheOfficeItsCountsItsHeadAndEveryFilesHash(engine: TestEngine) async throws {
        let (path, manifest) = try await cumbriaBundle(engine)
        #expect(manifest.format == "opcc-office-bundle")
        #expect(manifest.formatVersion == 1)
        #expect(manifest.office == "cumbria")
        #expect(manifest.chain.anchor == AuditEvent.genesisHash)
        #expect(manifest.tables.map(\.name) == OfficeBundleTables.exported.map(\.name))
        #expect(manifest.tables.first { $0.name == "office" }?.rows == 1)
        #expect(manifest.tables.first { $0.name == "audit_event" }?.rows == manifest.chain.events)
        #expect(manifest.excluded.contains { $0.table == "person_password" })
        let listed = Set(manifest.files.map(\.path))
        #expect(listed == Set(manifest.tables.map(\.file) + manifest.documents.map(\.file)))
        let text = String(decoding: try contents(path, "manifest.json"), as: UTF8.self)
        #expect(text.contains("\"exported_at\""))
        #expect(!text.contains("$2"), "no password hash leaves")
    }

    // MARK: Refusals

    @Test(arguments: TestEngine.all)
    func aBundleWithAChangedEventIsRefusedNamingTheFileAndChangesNothing(engine: TestEngine) async throws {
        let (path, _) = try await cumbriaBundle(engine)
        let file = URL(fileURLWithPath: path).appendingPathComponent("tables/audit_event.jsonl")
        let text = String(decoding: try Data(contentsOf: file), as: UTF8.self)
        try Data(text.replacingOccurrences(of: "cumbria.officer", with: "cumbria.mallory").utf8).write(to: file)
        for target in TestEngine.all {
            let copy = try await emptyApp(target)
            let refused = await refusal { _ = try await copy.importOffice(from: path) }
            #expect(refused?.rule == "office-bundle-intact")
            #expect(refused?.message.contains("tables/audit_event.jsonl") == true, "\(String(describing: refused))")
            #expect(try await isEmpty(copy))
        }
    }

    @Test(arguments: TestEngine.all)
    func aBundleWithAChangedDocumentFileIsRefusedNamingTheFileAndChangesNothing(engine: TestEngine) async throws {
        let (path, manifest) = try await cumbriaBundle(engine)
        let document = try #require(manifest.documents.first)
        try Data("not the business case".utf8).write(
            to: URL(fileURLWithPath: path).appendingPathComponent(document.file))
        let copy = try await emptyApp(engine)
        let refused = await refusal { _ = try await copy.importOffice(from: path) }
        #expect(refused?.rule == "office-bundle-intact")
        #expect(refused?.message.contains(document.file) == true)
        #expect(try await isEmpty(copy))
        #expect(try await copy.documentFiles.exists(sha256: document.sha256) == false)
    }

    @Test(arguments: TestEngine.all)
    func aBundleWithAMissingOrAnUnlistedFileIsRefusedNamingTheFile(engine: TestEngine) async throws {
        let (path, _) = try await cumbriaBundle(engine)
        let root = URL(fileURLWithPath: path)
        try FileManager.default.removeItem(at: root.appendingPathComponent("tables/decision_record.jsonl"))
        let copy = try await emptyApp(engine)
        let missing = await refusal { _ = try await copy.importOffice(from: path) }
        #expect(missing?.rule == "office-bundle-intact")
        #expect(missing?.message.contains("tables/decision_record.jsonl is missing") == true)
        let (other, _) = try await cumbriaBundle(engine)
        try Data("extra".utf8).write(to: URL(fileURLWithPath: other).appendingPathComponent("files/extra.txt"))
        let unlisted = await refusal { _ = try await copy.importOffice(from: other) }
        #expect(unlisted?.rule == "office-bundle-intact")
        #expect(unlisted?.message.contains("files/extra.txt") == true)
        let (linked, manifest) = try await cumbriaBundle(engine)
        let office = URL(fileURLWithPath: linked).appendingPathComponent("tables/office.jsonl")
        let outside = URL(fileURLWithPath: linked).deletingLastPathComponent().appendingPathComponent("office.jsonl")
        try FileManager.default.moveItem(at: office, to: outside)
        try FileManager.default.createSymbolicLink(at: office, withDestinationURL: outside)
        #expect(manifest.files.contains { $0.path == "tables/office.jsonl" })
        let link = await refusal { _ = try await copy.importOffice(from: linked) }
        #expect(link?.rule == "office-bundle-intact")
        #expect(link?.message.contains("tables/office.jsonl is a symbolic link") == true)
        #expect(try await isEmpty(copy))
    }

    /// Someone who changes a record and rewrites the manifest's hash to match gets past the file check, but not
    /// the record's seal: the import checks what it wrote before it commits, and keeps nothing.
    @Test(arguments: TestEngine.all)
    func aChangedRecordWhoseManifestWasRewrittenToMatchIsRefusedByItsSealAndNothingIsKept(
        engine: TestEngine
    ) async throws {
        let (path, manifest) = try await cumbriaBundle(engine)
        let root = URL(fileURLWithPath: path)
        let name = "tables/decision_record.jsonl"
        let text = String(decoding: try Data(contentsOf: root.appendingPathComponent(name)), as: UTF8.self)
        let changedText = text.replacingOccurrences(of: "\"title\":\"", with: "\"title\":\"Not ")
        let changed = Data(changedText.utf8)
        #expect(changed.count > text.utf8.count)
        try changed.write(to: root.appendingPathComponent(name))
        var rewritten = manifest
        rewritten.files = manifest.files.map {
            $0.path == name ? .init(path: name, sha256: SHA256Hex.of(changedText)) : $0
        }
        let encoder = JSONEncoder()
        try encoder.encode(rewritten).write(to: root.appendingPathComponent("manifest.json"))
        for target in TestEngine.all {
            let copy = try await emptyApp(target)
            let refused = await refusal { _ = try await copy.importOffice(from: path) }
            #expect(refused?.rule == "office-import-verifies", "\(String(describing: refused))")
            #expect(refused?.message.contains("content differs") == true, "\(String(describing: refused))")
            #expect(try await isEmpty(copy))
            for document in manifest.documents {
                #expect(
                    try await copy.documentFiles.exists(sha256: document.sha256) == false, "files stored are removed")
            }
        }
    }

    @Test(arguments: TestEngine.all)
    func importingIntoADatabaseThatHoldsAnOfficeIsRefused(engine: TestEngine) async throws {
        let (path, _) = try await cumbriaBundle(engine)
        let source = try await Self.sources(engine)
        let before = try await source.auditHead()
        #expect(
            await refusalRule { _ = try await source.importOffice(from: path) } == "office-import-into-empty-database")
        #expect(try await source.auditHead() == before)
        let copy = try await emptyApp(engine)
        _ = try await copy.importOffice(from: path)
        let head = try await copy.auditHead()
        #expect(
            await refusalRule { _ = try await copy.importOffice(from: path) } == "office-import-into-empty-database")
        #expect(try await copy.auditHead() == head)
    }

    @Test(arguments: TestEngine.all)
    func anExportNeverWritesOverAnExistingPath(engine: TestEngine) async throws {
        let (path, _) = try await cumbriaBundle(engine)
        let manifest = try contents(path, "manifest.json")
        let app = try await Self.sources(engine)
        #expect(
            await refusalRule { _ = try await app.exportOffice("lancashire", to: path) }
                == "office-bundle-never-overwrites")
        #expect(try contents(path, "manifest.json") == manifest)
    }

    @Test(arguments: TestEngine.all)
    func aFolderThatIsNotABundleIsRefused(engine: TestEngine) async throws {
        let path = newBundlePath()
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        let copy = try await emptyApp(engine)
        #expect(await refusalRule { _ = try await copy.importOffice(from: path) } == "office-bundle-format")
        try Data("{\"format\": \"something else\"}".utf8).write(
            to: URL(fileURLWithPath: path).appendingPathComponent("manifest.json"))
        #expect(await refusalRule { _ = try await copy.importOffice(from: path) } == "office-bundle-format")
        #expect(try await isEmpty(copy))
    }

    @Test func anOfficeThatDoesNotVerifyIsNotExported() async throws {
        let (app, store) = try await demoApp()
        try await store.writer.write { db in
            try db.execute(
                sql: "UPDATE decision_record SET title = 'Edited behind its back' WHERE id = 'cumbria-DR-0001'")
        }
        let path = newBundlePath()
        #expect(await refusalRule { _ = try await app.exportOffice("cumbria", to: path) } == "office-export-verifies")
        #expect(!FileManager.default.fileExists(atPath: path))
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: (path as NSString).deletingLastPathComponent).isEmpty)
    }

    /// SQLite only: the fixture is a SQLite file as the code before the per-office chains wrote it. Its offices'
    /// chains start from the global chain's last hash and their older events are in that chain, which a bundle of
    /// one office cannot carry: export says so rather than write a bundle that would not verify elsewhere.
    @Test func anOfficeWhoseChainBeginsInTheOlderGlobalChainIsNotExported() async throws {
        let path = temporaryDatabasePath()
        let dump = try String(
            contentsOf: repositoryRoot.appendingPathComponent(
                "Tests/OPCCServicesTests/Fixtures/global-chain-2026-12-06.sql"), encoding: .utf8)
        let legacy = try DatabaseQueue(path: path)
        try await legacy.writeWithoutTransaction { try $0.execute(sql: dump) }
        try legacy.close()
        let app = try Commissioning(
            store: try SQLiteStore(path: path), catalog: try shippedCatalog(), clock: FixedClock(day: day("2026-12-06"))
        )
        #expect(try await app.verifyAudit(office: "cumbria").isIntact)
        let bundle = newBundlePath()
        let refused = await refusal { _ = try await app.exportOffice("cumbria", to: bundle) }
        #expect(refused?.rule == "office-export-verifies")
        #expect(refused?.message.contains("older global chain") == true)
        #expect(!FileManager.default.fileExists(atPath: bundle))
    }

    @Test(arguments: TestEngine.all)
    func anOfficeThatDoesNotVerifyOnPostgreSQLIsNotExportedEither(engine: TestEngine) async throws {
        guard engine == .postgres else { return }
        let (app, store) = try await demoApp(engine: engine)
        let url = try #require(store as? PostgresStore).displayURL
        try await offThePool {
            try PGConnection(url: url).executeScript(
                "ALTER TABLE decision_record DISABLE TRIGGER USER; "
                    + "UPDATE decision_record SET title = 'Edited' WHERE id = 'cumbria-DR-0001'; "
                    + "ALTER TABLE decision_record ENABLE TRIGGER USER;")
        }
        #expect(
            await refusalRule { _ = try await app.exportOffice("cumbria", to: newBundlePath()) }
                == "office-export-verifies")
    }

    // MARK: Text

    /// Whatever text a person typed into a record, a table file carries it and reads it back unchanged.
    @Test func arbitraryTextAndNumbersReadBackFromATableFileUnchanged() async throws {
        let text = Gen<UInt32>.value(in: 0...0x10_FFFF).map { String(Unicode.Scalar($0) ?? "\u{FFFD}") }
            .array(of: 0...40).map { $0.joined() }
        await propertyCheck(count: 200, input: text) { text in
            let values: [OfficeBundleValue] = [
                .text(text), .integer(Int64(text.unicodeScalars.count) - 1 << 40), .null,
                .real(Double(text.utf8.count) / 7), .text("\n" + text + "\r\n"),
            ]
            let table = OfficeBundleTableRows(table: "t", columns: ["a", "b", "c", "d", "e"], rows: [values, values])
            let data = try OfficeBundleLines.encode(table)
            let rows = try OfficeBundleLines.decode(data, columns: table.columns, file: "t")
            #expect(rows.map { row in table.columns.map { row[$0] } } == [values, values])
        }
    }
}
