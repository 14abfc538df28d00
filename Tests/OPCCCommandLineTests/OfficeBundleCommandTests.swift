import Foundation
import Testing

/// `opcc export office` and `opcc import office`, as a person runs them: a SQLite file with its documents folder out,
/// a new SQLite file in, and `opcc audit verify` on the copy reaching the head the export printed.
@Suite("opcc export office and import office")
struct OfficeBundleCommandTests {
    @Test func anOfficeExportedFromTheDemoImportsIntoANewFileAndVerifiesToTheExportedHead() async throws {
        let path = temporaryDatabase()
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        #expect(try await opcc(["demo", "--db", path]).status == 0)
        let file = folder.appendingPathComponent("case.pdf")
        try Data("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n".utf8).write(to: file)
        let attached = try await opcc([
            "decision", "attach", "014/2016", file.path, "--kind", "business-case", "--part", "1", "--office",
            "cumbria", "--as",
            "cumbria.officer", "--db", path,
        ])
        #expect(attached.status == 0, "\(attached.stderr)")
        let bundle = folder.appendingPathComponent("cumbria-bundle").path
        let exported = try await opcc(["export", "office", "cumbria", "--out", bundle, "--db", path])
        #expect(exported.status == 0, "\(exported.stderr)")
        let head = try #require(
            exported.stdout.split(separator: " ").last.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) })
        #expect(head.contains(":"), "\(exported.stdout)")
        let again = try await opcc(["export", "office", "cumbria", "--out", bundle, "--db", path])
        #expect(again.status == 1)
        #expect(again.stderr.contains("office-bundle-never-overwrites"), "\(again.stderr)")

        let target = folder.appendingPathComponent("new/cumbria.sqlite").path
        try FileManager.default.createDirectory(
            at: folder.appendingPathComponent("new"), withIntermediateDirectories: true)
        let imported = try await opcc(["import", "office", bundle, "--db", target])
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stdout.contains("needs a new password"), "\(imported.stdout)")
        let verified = try await opcc(["audit", "verify", "--office", "cumbria", "--head", head, "--db", target])
        #expect(verified.status == 0, "\(verified.stdout) \(verified.stderr)")
        let twice = try await opcc(["import", "office", bundle, "--db", target])
        #expect(twice.status == 1)
        #expect(twice.stderr.contains("office-import-into-empty-database"), "\(twice.stderr)")
        let help = try await opcc(["export", "office", "--help"])
        #expect(help.stdout.contains("Example: opcc export office"))
        #expect(try await opcc(["import", "--help"]).stdout.contains("'opcc import office BUNDLE'"))
        let importHelp = try await opcc(["import", "office", "--help"])
        #expect(importHelp.stdout.contains("Example: opcc import office"))
    }
}
