import Foundation
import Testing

/// `opcc decision attach|documents|document|withdraw-document` on a SQLite file, its documents in the folder beside it.
@Suite("opcc decision attach: documents by the command line")
struct DocumentCommandTests {
    static let pdf = Data("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n".utf8)

    @Test func anAttachedFileIsStoredBesideTheDatabaseListedVerifiedAndNamedWhenItsBytesAreReplaced() async throws {
        let path = temporaryDatabase()
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        #expect(try await opcc(["demo", "--db", path]).status == 0)
        let file = folder.appendingPathComponent("Equality impact.pdf")
        try Self.pdf.write(to: file)
        let attached = try await opcc([
            "decision", "attach", "014/2016", file.path, "--kind", "eia", "--part", "1", "--office", "cumbria",
            "--as", "cumbria.officer", "--db", path,
        ])
        #expect(attached.status == 0, "\(attached.stderr)")
        #expect(attached.stdout.hasPrefix("attached cumbria-DR-0001-D1: Equality impact.pdf (PDF"))
        let sha = String(attached.stdout.split(separator: " ").last ?? "").trimmingCharacters(
            in: .whitespacesAndNewlines)
        #expect(sha.count == 64)
        let stored = folder.appendingPathComponent("cli.files/\(sha.prefix(2))/\(sha.dropFirst(2).prefix(2))/\(sha)")
        #expect(try Data(contentsOf: stored) == Self.pdf)

        let listed = try await opcc(["decision", "documents", "014/2016", "--office", "cumbria", "--db", path])
        #expect(listed.stdout.contains("cumbria-DR-0001-D1  Part 1  equality-impact-assessment  Equality impact.pdf"))
        let out = folder.appendingPathComponent("downloaded.pdf").path
        let downloaded = try await opcc(["decision", "document", "cumbria-DR-0001-D1", "--out", out, "--db", path])
        #expect(downloaded.status == 0, "\(downloaded.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: out)) == Self.pdf)
        #expect(try await opcc(["audit", "verify", "--db", path]).status == 0)

        let html = folder.appendingPathComponent("notes.pdf")
        try Data("<html><body>not a PDF</body></html>".utf8).write(to: html)
        let refused = try await opcc([
            "decision", "attach", "014/2016", html.path, "--kind", "other", "--part", "1", "--office", "cumbria",
            "--as", "cumbria.officer", "--db", path,
        ])
        #expect(refused.status == 1 && refused.stderr.contains("document-type-allowed"), "\(refused.stderr)")

        try Data("%PDF-1.4 replaced behind its back".utf8).write(to: stored)
        let verify = try await opcc(["audit", "verify", "--db", path])
        #expect(verify.status == 1)
        #expect((verify.stdout + verify.stderr).contains("document cumbria-DR-0001-D1: its stored file is not"))
    }
}
