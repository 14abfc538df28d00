import Foundation
import Hummingbird
import HummingbirdTesting
import OPCCCore
import OPCCServices
import OPCCTestSupport
import Testing

@testable import OPCCWeb

/// Documents on the web: a published decision's Part 1 documents on its public notice and downloadable by anyone,
/// always as an attachment; a Part 2 document, carrying the tripwire, never reaching the public or a non-reader.
@Suite("Web: documents follow Part 1")
struct DocumentRouteTests {
    static let pdf = Data("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n".utf8)

    func upload(_ data: Data, named name: String) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("opcc-upload-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let url = folder.appendingPathComponent(name)
        try data.write(to: url)
        return url
    }

    @Test(arguments: TestEngine.all)
    func theProofOfPart1IsDownloadableByAnyoneAndTheConfidentialAnnexByItsReadersOnly(
        engine: TestEngine
    ) async throws {
        let commissioning = try await makeDemoApp(engine, returns: false)
        let attach = { (url: URL, kind: DocumentKind, part: DocumentPart) in
            try await commissioning.attachDocument(
                to: "007/2020", office: "lincolnshire", .init(file: url, kind: kind, part: part),
                by: "lincs.officer")
        }
        let caseDocument = try await attach(try upload(Self.pdf, named: "business-case.pdf"), .businessCase, .part1)
        let annex = try await attach(
            try upload(Data((tripwire + "\n").utf8), named: "confidential-annex.txt"), .other, .part2)
        let id = try await commissioning.decisionID("007/2020", office: "lincolnshire")
        let app = try await webApp(commissioning: commissioning)
        try await app.test(.router) { client in
            let notice = try await client.execute(uri: "/register/\(id)", method: .get)
            let page = String(buffer: notice.body)
            #expect(page.contains("/documents/\(caseDocument.id)") && page.contains("business-case.pdf"))
            #expect(page.contains("(PDF, \(Self.pdf.count) bytes)"))

            let download = try await client.execute(uri: "/documents/\(caseDocument.id)", method: .get)
            #expect(download.status == .ok)
            #expect(download.headers[.contentType] == "application/pdf")
            #expect(
                download.headers[.contentDisposition]?.hasPrefix("attachment; filename=\"business-case.pdf\"") == true)
            #expect(download.headers[values: .init("X-Content-Type-Options")!] == ["nosniff"])
            #expect(Data(buffer: download.body) == Self.pdf)

            // The tripwire: the annex's name and bytes reach no public place, nor a member of staff who is not a
            // Part 2 reader.
            let publicPlaces = [
                "/register", "/register/\(id)", "/documents/\(annex.id)", "/calendar/public.ics", "/transparency",
                "/transparency/grants.csv", "/transparency/spending.json", "/transparency/360giving.json",
                "/api/v1/decisions", "/api/v1/decisions/\(id)",
            ]
            for uri in publicPlaces {
                let response = try await client.execute(uri: uri, method: .get)
                let body = String(buffer: response.body)
                await record(body, user: nil)
                #expect(!body.contains("confidential-annex") && !body.contains(tripwire), "\(uri)")
                #expect(response.status.code < 500, "\(uri)")
            }
            #expect(try await client.execute(uri: "/documents/\(annex.id)", method: .get).status == .notFound)

            var finance = Browser(client)
            _ = try await finance.signIn("lincs.finance")
            let refused = try await finance.get("/documents/\(annex.id)")
            #expect(refused.status == .forbidden && !refused.body.contains(tripwire))

            var auditor = Browser(client)
            _ = try await auditor.signIn("lincs.auditor")
            let read = try await auditor.get("/documents/\(annex.id)")
            #expect(read.status == .ok && read.body == tripwire + "\n")
        }
        let last = try await commissioning.auditLog(instance: id).last
        #expect(last?.event == "document-read" && last?.actor == "lincs.auditor")
    }

    @Test func anAttachmentsFileNameIsOfferedInASCIIAndExactlyEncoded() {
        #expect(
            Web.attachmentDisposition("Évaluation \"2\".pdf")
                == "attachment; filename=\"_valuation _2_.pdf\"; filename*=UTF-8''%C3%89valuation%20%222%22%2Epdf")
    }
}
