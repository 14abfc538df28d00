import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import OPCCCore
import OPCCServices
import OPCCTestSupport
import Testing

@testable import OPCCWeb

/// The import page: choose a kind and a CSV file, see the preview with every error by row and column, confirm.
@Suite("Web: imports with a preview")
struct ImportWebTests {
    func server(_ engine: TestEngine) async throws -> (Commissioning, some ApplicationProtocol) {
        let commissioning = try await makeDemoApp(engine, returns: false)
        var logger = Logger(label: "opcc.web.tests")
        logger.logLevel = .warning
        let configuration = WebConfiguration(
            commissioning: commissioning, logger: logger, throttle: concurrentTestsThrottle)
        return (commissioning, try await buildApplication(configuration: configuration))
    }

    static let header = ImportRegisterGenerator.header

    @Test(arguments: TestEngine.all)
    func aPreviewShowsEveryErrorByRowAndColumnAndWritesNothing(engine: TestEngine) async throws {
        let (commissioning, app) = try await server(engine)
        try await app.test(.router) { client in
            var officer = Browser(client)
            _ = try await officer.signIn("cumbria.officer")
            let form = try await officer.get("/import")
            #expect(form.status == .ok)
            #expect(form.body.contains(#"enctype="multipart/form-data""#))
            #expect(form.body.contains("A historic decisions register"))
            let before = try await commissioning.auditHead()
            let csv =
                "\(Self.header)\n001/2019,01/02/2019,Fine,,,PCC,published,\n002/2019,01/03/2019,Bad,,\"12,x\",PCC,"
                + "published,\n"
            let preview = try await officer.upload(
                "/import", fields: [("kind", "decisions")], file: ("register.csv", Data(csv.utf8)))
            #expect(preview.status == .unprocessableContent)
            // The error by its row and column, in the errors table.
            let errors = try #require(preview.body.components(separatedBy: #"id="import-errors""#).last)
            #expect(errors.contains("<td>3</td><td>amount</td><td>"))
            #expect(errors.contains("12,x") && errors.contains("is not an amount in pounds"))
            #expect(preview.body.contains("decision 001/2019 (published): Fine"))
            // A valid row and an invalid one: the confirm imports only the valid rows.
            #expect(preview.body.contains("Import the 1 valid row(s) and skip the others"))
            #expect(try await commissioning.auditHead() == before)
            let token = try #require(
                preview.body.components(separatedBy: #"name="token" value=""#).last?.prefix(while: { $0 != "\"" }))
            let done = try await officer.post("/import/confirm", ["token": String(token), "skip": "1"])
            #expect(done.status == .ok)
            #expect(done.body.contains("imported 1 of 2 rows"))
            #expect(
                try await commissioning.showDecision("001/2019", office: "cumbria", by: "cumbria.officer").status
                    == "published")
            // The kept file is gone: confirming again imports nothing.
            let again = try await officer.post("/import/confirm", ["token": String(token)])
            #expect(again.status == .unprocessableContent && again.body.contains("The preview has expired"))
        }
    }

    @Test(arguments: TestEngine.all)
    func aValidFileIsImportedOnConfirmAndOnlyByWhoeverPreviewedIt(engine: TestEngine) async throws {
        let (commissioning, app) = try await server(engine)
        try await app.test(.router) { client in
            var officer = Browser(client)
            _ = try await officer.signIn("cumbria.officer")
            let csv = ImportRegisterGenerator.register(count: 12, firstYear: 2019)
            let preview = try await officer.upload(
                "/import", fields: [("kind", "decisions")], file: ("register.csv", Data(csv.utf8)))
            #expect(preview.status == .ok && preview.body.contains("Import 12 row(s)"))
            let token = try #require(
                preview.body.components(separatedBy: #"name="token" value=""#).last?.prefix(while: { $0 != "\"" }))
            var other = Browser(client)
            _ = try await other.signIn("cumbria.chief-executive")
            let stolen = try await other.post("/import/confirm", ["token": String(token)])
            #expect(stolen.status == .unprocessableContent)
            let done = try await officer.post("/import/confirm", ["token": String(token)])
            #expect(done.status == .ok && done.body.contains("imported 12 of 12 rows"))
            let register = try await commissioning.decisionRegister(DecisionFilter(), by: "cumbria.officer")
            #expect(register.filter { $0.number?.hasSuffix("/2019") == true }.count == 12)
        }
    }

    /// What an import makes reads like any other record: the register, a historic decision, an agreement, finance.
    @Test(arguments: TestEngine.all)
    func importedRecordsShowOnTheirPages(engine: TestEngine) async throws {
        let (commissioning, app) = try await server(engine)
        func fixture(_ name: String, _ kind: ImportKind) throws -> ImportTable {
            try ImportTable.read(
                [UInt8](try Data(contentsOf: repositoryRoot.appendingPathComponent("fixtures/import/\(name)"))),
                source: name, spec: kind.columns)
        }
        let register = try await commissioning.importDecisionRegister(
            try fixture("decisions-register.csv", .decisions), office: "cumbria", by: "cumbria.officer")
        let grants = try await commissioning.importGrants(
            try fixture("grants.csv", .grants), office: "cumbria", by: "cumbria.finance")
        #expect(register.written && grants.written)
        let agreement = try #require(
            try await commissioning.agreements(office: "cumbria").first {
                $0.agreement.recipient.orgID == "GB-CHC-1100001"
            })
        let decision = try await commissioning.decisionID("002/2022", office: "cumbria")
        try await app.test(.router) { client in
            var finance = Browser(client)
            _ = try await finance.signIn("cumbria.finance")
            for path in ["/decisions", "/decisions/\(decision)", "/grants/\(agreement.agreement.id)", "/finance"] {
                let page = try await finance.get(path)
                #expect(page.status == .ok, "\(path)")
            }
            let published = try await finance.get("/register")
            #expect(published.status == .ok && published.body.contains("002/2022"))
        }
    }

    @Test(arguments: TestEngine.all)
    func aFormWithoutItsTokenOrWithoutAFileChangesNothing(engine: TestEngine) async throws {
        let (_, app) = try await server(engine)
        try await app.test(.router) { client in
            var officer = Browser(client)
            _ = try await officer.signIn("cumbria.officer")
            let csv = Data("\(Self.header)\n001/2019,01/02/2019,Fine,,,PCC,published,\n".utf8)
            let foreign = try await officer.upload(
                "/import", fields: [("kind", "decisions")], file: ("r.csv", csv), csrf: "")
            #expect(foreign.status == .forbidden)
            let noFile = try await officer.upload("/import", fields: [("kind", "decisions")], file: nil)
            #expect(noFile.status == .unprocessableContent && noFile.body.contains("Choose the CSV file to import"))
            let unknownColumn = try await officer.upload(
                "/import", fields: [("kind", "decisions")], file: ("r.csv", Data("Number,Date,Title,Colour\n".utf8)))
            #expect(unknownColumn.status == .unprocessableContent && unknownColumn.body.contains("Colour"))
        }
    }
}
