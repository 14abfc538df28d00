import Foundation
import Hummingbird
import HummingbirdTesting
import OPCCCore
import OPCCServices
import OPCCTestSupport
import Testing

@testable import OPCCWeb

/// The web's transparency exports link a published decision's current Part 1 documents from the server's public
/// URL, and never its Part 2 annex or a withdrawn document. 014/2016 (published) approved Cumbria's two grants.
@Suite("Web: the transparency exports link Part 1 documents")
struct DocumentExportRouteTests {
    @Test(arguments: TestEngine.all)
    func eachExportLinksThePart1DocumentFromThePublicURLAndNeverThePart2OrAWithdrawnOne(
        engine: TestEngine
    ) async throws {
        let commissioning = try await makeDemoApp(engine, returns: true)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("opcc-upload-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let attach = { (name: String, data: Data, part: DocumentPart) in
            let url = folder.appendingPathComponent(name)
            try data.write(to: url)
            return try await commissioning.attachDocument(
                to: "014/2016", office: "cumbria", .init(file: url, kind: .businessCase, part: part),
                by: "cumbria.officer")
        }
        let linked = try await attach("Business case.pdf", DocumentRouteTests.pdf, .part1)
        let annex = try await attach("Confidential annex.txt", Data("Annex OPCC-TRIPWIRE-ROUTES\n".utf8), .part2)
        let withdrawn = try await attach("Withdrawn paper.txt", Data("A home address\n".utf8), .part1)
        _ = try await commissioning.withdrawDocument(withdrawn.id, reason: "personal data", by: "cumbria.officer")
        let app = try await webApp(commissioning: commissioning, publicURL: "https://opcc.example.org")
        try await app.test(.router) { client in
            for uri in [
                "/transparency/grants.csv", "/transparency/grants.json", "/transparency/contracts.csv",
                "/transparency/contracts.json", "/transparency/360giving.json?office=cumbria",
            ] {
                let response = try await client.execute(uri: uri, method: .get)
                let body = String(buffer: response.body)
                #expect(response.status == .ok, "\(uri)")
                #expect(body.contains("https://opcc.example.org/documents/\(linked.id)"), "\(uri)")
                #expect(body.contains("Business case.pdf"), "\(uri)")
                for hidden in [annex, withdrawn] {
                    #expect(!body.contains(hidden.name), "\(uri): \(hidden.name)")
                    #expect(!body.contains("/documents/\(hidden.id)"), "\(uri): \(hidden.id)")
                }
                #expect(!body.contains("OPCC-TRIPWIRE-ROUTES"), "\(uri)")
            }
        }
    }
}
