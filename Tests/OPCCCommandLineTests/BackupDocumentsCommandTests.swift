import Foundation
import Testing

/// `opcc backup` and `opcc restore` carry a SQLite file's documents; `opcc export --public-url` links them.
@Suite("opcc backup and restore: the documents travel with the database")
struct BackupDocumentsCommandTests {
    static let pdf = Data("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n".utf8)
    static let annex = Data("Confidential annex OPCC-TRIPWIRE-CLI\n".utf8)

    @Test func aBackupRestoredIntoAFilesFolderVerifiesAndGivesBackTheSameBytes() async throws {
        let path = temporaryDatabase()
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        #expect(try await opcc(["demo", "--db", path]).status == 0)
        for (name, data, part) in [("case.pdf", Self.pdf, "1"), ("annex.txt", Self.annex, "2")] {
            let file = folder.appendingPathComponent(name)
            try data.write(to: file)
            let attached = try await opcc([
                "decision", "attach", "014/2016", file.path, "--kind", "business-case", "--part", part, "--office",
                "cumbria", "--as", "cumbria.officer", "--db", path,
            ])
            #expect(attached.status == 0, "\(attached.stderr)")
        }
        let backup = folder.appendingPathComponent("backups/opcc.sqlite").path
        try FileManager.default.createDirectory(
            at: folder.appendingPathComponent("backups"), withIntermediateDirectories: true)
        let backedUp = try await opcc(["backup", backup, "--db", path])
        #expect(backedUp.status == 0, "\(backedUp.stderr)")
        #expect(backedUp.stdout.contains("(documents in \(folder.path)/backups/opcc.files)"), "\(backedUp.stdout)")
        #expect(try await opcc(["audit", "verify", "--db", backup]).status == 0, "the backup verifies as it is")

        let target = folder.appendingPathComponent("restored/opcc.sqlite").path
        let files = folder.appendingPathComponent("restored/documents").path
        try FileManager.default.createDirectory(
            at: folder.appendingPathComponent("restored"), withIntermediateDirectories: true)
        let restored = try await opcc(["restore", backup, "--db", target, "--files", files])
        #expect(restored.status == 0, "\(restored.stderr)")
        #expect(try await opcc(["audit", "verify", "--db", target, "--files", files]).status == 0)
        let out = folder.appendingPathComponent("out.pdf").path
        let read = try await opcc([
            "decision", "document", "cumbria-DR-0001-D1", "--out", out, "--db", target, "--files", files,
        ])
        #expect(read.status == 0, "\(read.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: out)) == Self.pdf)

        let export = try await opcc([
            "export", "grants-register", "--office", "cumbria", "--public-url", "https://opcc.example.org", "--db",
            target, "--files", files,
        ])
        #expect(export.stdout.contains("https://opcc.example.org/documents/cumbria-DR-0001-D1 (case.pdf"))
        #expect(!export.stdout.contains("cumbria-DR-0001-D2") && !export.stdout.contains("annex"))
    }

    @Test func anExportGivenAPublicURLThatIsNotOneIsRefusedSayingHowToWriteIt() async throws {
        let path = temporaryDatabase()
        #expect(try await opcc(["demo", "--db", path]).status == 0)
        let refused = try await opcc(["export", "grants-register", "--public-url", "opcc.example.org", "--db", path])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("--public-url 'opcc.example.org'"), "\(refused.stderr)")
        #expect(refused.stdout.isEmpty)
    }
}
