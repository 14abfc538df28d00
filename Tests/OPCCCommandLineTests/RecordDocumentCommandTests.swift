import Foundation
import Testing

/// `opcc finance agreement|return|finance carry-forward attach|documents|document|withdraw-document` on a SQLite
/// file: the same options and output as `opcc decision attach`, on each record's own command group.
@Suite("opcc … attach: documents on agreements, returns and carry-forwards by the command line")
struct RecordDocumentCommandTests {
    static let pdf = Data("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n".utf8)

    @Test func eachRecordsGroupAttachesListsSavesAndWithdrawsItsDocumentsAndTheLogVerifies() async throws {
        let path = temporaryDatabase()
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        #expect(try await opcc(["demo", "--db", path, "--without-returns"]).status == 0)
        let file = folder.appendingPathComponent("paper.pdf")
        try Self.pdf.write(to: file)
        let groups: [([String], String, String, String)] = [
            (["finance", "agreement"], "cumbria-GA-0001", "eia", "cumbria.finance"),
            (["return"], "cumbria-QR-0001", "evidence", "cumbria.barrow-board"),
            (["finance", "carry-forward"], "west-midlands-CF-0001", "background-paper", "wm.finance"),
        ]
        for (group, id, kind, actor) in groups {
            let attached = try await opcc(
                group + ["attach", id, file.path, "--kind", kind, "--as", actor, "--db", path])
            #expect(attached.status == 0, "\(group) \(attached.stderr)")
            #expect(attached.stdout.hasPrefix("attached \(id)-D1: paper.pdf (PDF"), "\(attached.stdout)")
            let listed = try await opcc(group + ["documents", id, "--as", actor, "--db", path])
            #expect(listed.stdout.contains("\(id)-D1  Part 2  "), "\(listed.stdout)")
            let out = folder.appendingPathComponent("\(id).pdf").path
            let saved = try await opcc(group + ["document", "\(id)-D1", "--out", out, "--as", actor, "--db", path])
            #expect(saved.status == 0 && (try? Data(contentsOf: URL(fileURLWithPath: out))) == Self.pdf)
            let publicly = try await opcc(group + ["documents", id, "--db", path])
            #expect(publicly.status == 1 && publicly.stdout.isEmpty, "staff-only: \(publicly.stderr)")
            let withdrawn = try await opcc(
                group + ["withdraw-document", "\(id)-D1", "--reason", "the wrong file", "--as", actor, "--db", path])
            #expect(withdrawn.stdout.contains("withdrew \(id)-D1"), "\(withdrawn.stderr)")
        }
        let wrongKind = try await opcc([
            "finance", "agreement", "attach", "cumbria-GA-0001", file.path, "--kind", "evidence", "--as",
            "cumbria.finance", "--db", path,
        ])
        #expect(wrongKind.status == 1 && wrongKind.stderr.contains("document-kind-for-record"), "\(wrongKind.stderr)")
        #expect(try await opcc(["audit", "verify", "--db", path]).status == 0)
        let office = try await opcc(["office", "show", "leicestershire", "--db", path])
        #expect(office.stdout.contains("assessment documents required: no"), "off by default: \(office.stdout)")
    }
}
