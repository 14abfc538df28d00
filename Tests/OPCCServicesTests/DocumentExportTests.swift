import Foundation
import OPCCCore
import OPCCServices
import OPCCTestSupport
import Testing

/// The transparency exports link a published decision's current Part 1 documents, and nothing else: not a Part 2
/// annex (carrying the tripwire), not a withdrawn or superseded Part 1 document, not a document of a decision that
/// is not published. 014/2016 (published) approved Cumbria's two awarded grants, both over £10,000.
@Suite("Transparency exports: a published decision's Part 1 documents linked, nothing else")
struct DocumentExportTests {
    let documents = DocumentTests()
    static let base = "https://opcc.example.org"
    static let tripwire = "OPCC-TRIPWIRE-EXPORTS"

    /// Every document of the scenario; only `linked` may appear in an export.
    struct Scenario {
        let app: Commissioning
        let linked: StoredDocument
        let hidden: [StoredDocument]
    }

    func scenario(_ engine: TestEngine) async throws -> Scenario {
        let app = try await transparencyApp(engine)
        let file = { (data: Data, name: String) in try documents.file(data, named: name) }
        let draft = try await documents.attach(app, try file(DocumentTests.pdf, "Business case draft.pdf"))
        let current = try await documents.attach(
            app, try file(DocumentTests.pdf + Data("% v2\n".utf8), "Business case.pdf"), replacing: draft.id)
        let annex = try await documents.attach(
            app, try file(Data("Annex \(Self.tripwire)\n".utf8), "Confidential annex.txt"), part: .part2,
            kind: .backgroundPaper)
        let withdrawn = try await documents.attach(
            app, try file(Data("A paper with a home address in it\n".utf8), "Withdrawn paper.txt"),
            kind: .backgroundPaper)
        _ = try await app.withdrawDocument(withdrawn.id, reason: "holds a home address", by: "cumbria.officer")
        let unpublished = try await decisionReferred(app, title: "Not yet decided")
        let unpublishedDocument = try await app.attachDocument(
            to: unpublished, office: "cumbria",
            .init(file: try file(DocumentTests.pdf, "Unpublished case.pdf"), kind: .businessCase, part: .part1),
            by: "cumbria.officer")
        return Scenario(app: app, linked: current, hidden: [draft, annex, withdrawn, unpublishedDocument])
    }

    func expectOnlyTheLinked(_ text: String, _ s: Scenario, in what: String) {
        #expect(text.contains("\(Self.base)/documents/\(s.linked.id)"), "\(what)")
        #expect(text.contains("Business case.pdf"), "\(what)")
        for document in s.hidden {
            #expect(!text.contains("/documents/\(document.id)\""), "\(what): \(document.id)")
            #expect(!text.contains("/documents/\(document.id) "), "\(what): \(document.id)")
            #expect(!text.contains(document.name), "\(what): \(document.name)")
        }
        #expect(!text.contains(Self.tripwire) && !text.contains("Confidential annex"), "\(what)")
    }

    @Test(arguments: TestEngine.all)
    func theGrantsRegisterAndContractsLinkOnlyThePublishedDecisionsCurrentPart1Documents(
        _ engine: TestEngine
    ) async throws {
        let s = try await scenario(engine)
        let grants = try await s.app.transparencyGrants(office: "cumbria")
        #expect(grants.count == 2 && grants.allSatisfy { $0.decisionNumber == "014/2016" })
        #expect(grants.map(\.decisionDocuments.count) == [1, 1])
        let register = TransparencyTable.grantsRegister(grants, documentBase: Self.base)
        let contracts = TransparencyTable.contracts(
            try await s.app.contractsOver10000(office: "cumbria"), documentBase: Self.base)
        for (name, table) in [("grants register", register), ("contracts", contracts)] {
            let csv = table.csv()
            expectOnlyTheLinked(csv, s, in: "\(name) CSV")
            #expect(
                csv.contains(
                    "\(Self.base)/documents/\(s.linked.id) (Business case.pdf, application/pdf, "
                        + "\(s.linked.sizeBytes) bytes)"), "\(name) CSV")
            let json = table.json()
            expectOnlyTheLinked(json, s, in: "\(name) JSON")
            let parsed = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
            let item = try #require((parsed?["items"] as? [[String: Any]])?.first)
            let links = try #require(item["decisionDocuments"] as? [[String: Any]])
            #expect(links.count == 1)
            #expect(links.first?["url"] as? String == "\(Self.base)/documents/\(s.linked.id)")
            #expect(links.first?["name"] as? String == "Business case.pdf")
            #expect(links.first?["type"] as? String == "application/pdf")
            #expect(links.first?["sizeBytes"] as? Int == Int(s.linked.sizeBytes))
        }
        // Without the site's address, the link is the download's path (the cell quoted: it holds commas).
        #expect(TransparencyTable.grantsRegister(grants).csv().contains(",\"/documents/\(s.linked.id) (Business"))
    }

    @Test(arguments: TestEngine.all)
    func the360GivingPackageLinksThePart1DocumentsAsRelatedDocumentsOnlyWithTheSitesAddress(
        _ engine: TestEngine
    ) async throws {
        let s = try await scenario(engine)
        let package = String(
            decoding: try await s.app.threeSixtyGiving(office: "cumbria", documentBase: Self.base), as: UTF8.self)
        expectOnlyTheLinked(package, s, in: "360Giving")
        let parsed = try JSONSerialization.jsonObject(with: Data(package.utf8)) as? [String: Any]
        let grants = try #require(parsed?["grants"] as? [[String: Any]])
        for grant in grants {
            let related = try #require(grant["relatedDocument"] as? [[String: Any]])
            #expect(related.count == 1)
            #expect(related.first?["id"] as? String == s.linked.id)
            #expect(related.first?["url"] as? String == "\(Self.base)/documents/\(s.linked.id)")
            #expect(related.first?["title"] as? String == "Business case.pdf")
            #expect(related.first?["documentType"] as? String == "Business case")
        }
        // Its links must be absolute: without the address, no document is linked.
        let bare = String(decoding: try await s.app.threeSixtyGiving(office: "cumbria"), as: UTF8.self)
        #expect(!bare.contains("relatedDocument") && !bare.contains("/documents/"))
        let tool = ThreeSixtyGivingValidator.tool
        if tool.runs {
            try #require(tool.available, Comment(rawValue: tool.missingInCI))
            let result = try ThreeSixtyGivingValidator.validate(Data(package.utf8))
            #expect(result.status == 0 && result.output.contains("valid: 2 grants"), "\(result.output)")
        }
    }

    /// A decision not published links nothing anywhere, though its documents are Part 1 and current.
    @Test(arguments: TestEngine.all)
    func noExportLinksADocumentOfADecisionThatIsNotPublished(_ engine: TestEngine) async throws {
        let s = try await scenario(engine)
        let unpublished = try #require(s.hidden.last)
        let exports = [
            TransparencyTable.grantsRegister(try await s.app.transparencyGrants(), documentBase: Self.base).csv(),
            TransparencyTable.contracts(try await s.app.contractsOver10000(), documentBase: Self.base).json(),
            String(decoding: try await s.app.threeSixtyGiving(documentBase: Self.base), as: UTF8.self),
        ]
        for text in exports { #expect(!text.contains(unpublished.id) && !text.contains("Unpublished case")) }
    }
}
