import Foundation
import Hummingbird
import HummingbirdTesting
import OPCCCore
import OPCCServices
import OPCCTestSupport
import Testing

@testable import OPCCWeb

/// The staff pages of an agreement, a return and the carry-forwards list their documents with download links;
/// `GET /documents/ID` serves them to the record's readers only and is 404 to the public and to other offices.
@Suite("Web: agreements', returns' and carry-forwards' documents on their staff pages")
struct RecordDocumentRouteTests {
    static let pdf = Data("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n".utf8)

    func upload(_ name: String) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("opcc-upload-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let url = folder.appendingPathComponent(name)
        try (Self.pdf + Data("% \(name)\n".utf8)).write(to: url)
        return url
    }

    @Test(arguments: TestEngine.all)
    func eachRecordsPageListsItsDocumentsAndOnlyItsReadersDownloadThem(engine: TestEngine) async throws {
        let commissioning = try await makeDemoApp(engine, returns: false)
        let attach = { (kind: DocumentRecordKind, id: String, documentKind: DocumentKind, name: String, by: String) in
            try await commissioning.attachDocument(
                to: .init(kind, id), .init(file: try upload(name), kind: documentKind, part: .part2), by: by)
        }
        let signed = try await attach(
            .agreement, "cumbria-GA-0001", .signedAgreement, "signed-agreement.pdf", "cumbria.finance")
        let evidence = try await attach(
            .quarterlyReturn, "cumbria-QR-0001", .evidence, "q1-evidence.pdf", "cumbria.barrow-board")
        let paper = try await attach(
            .carryForward, "west-midlands-CF-0001", .backgroundPaper, "dhr-savings.pdf", "wm.finance")
        let app = try await webApp(commissioning: commissioning)
        try await app.test(.router) { client in
            let pages = [
                ("cumbria.finance", "/grants/cumbria-GA-0001", signed),
                ("cumbria.barrow-board", "/returns/cumbria-QR-0001", evidence),
                ("wm.finance", "/finance/carry-forwards", paper),
            ]
            for (user, page, document) in pages {
                var staff = Browser(client)
                _ = try await staff.signIn(user)
                let body = try await staff.get(page).body
                #expect(body.contains("href=\"/documents/\(document.id)\"") && body.contains(document.name), "\(page)")
                let download = try await staff.get("/documents/\(document.id)")
                #expect(download.status == .ok, "\(user) \(document.id)")
                #expect(download.body.hasPrefix("%PDF-1.4"))
            }
            for document in [signed, evidence, paper] {
                let byPublic = try await client.execute(uri: "/documents/\(document.id)", method: .get)
                #expect(byPublic.status == .notFound, "\(document.id)")
                var lincs = Browser(client)
                _ = try await lincs.signIn("lincs.finance")
                #expect(try await lincs.get("/documents/\(document.id)").status == .notFound, "\(document.id)")
            }
            // The grant's page is the board's too, but an agreement's documents are staff-only.
            var board = Browser(client)
            _ = try await board.signIn("cumbria.barrow-board")
            let grant = try await board.get("/grants/cumbria-GA-0001")
            #expect(grant.status == .ok && !grant.body.contains(signed.id))
            #expect(try await board.get("/documents/\(signed.id)").status == .notFound)
            var otherBoard = Browser(client)
            _ = try await otherBoard.signIn("cumbria.copeland-board")
            #expect(try await otherBoard.get("/documents/\(evidence.id)").status == .notFound)
        }
    }
}
