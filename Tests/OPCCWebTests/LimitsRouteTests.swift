import Foundation
import Hummingbird
import HummingbirdTesting
import OPCCCore
import OPCCStore
import OPCCTestSupport
import Testing

@testable import OPCCServices
@testable import OPCCWeb

/// A Lincolnshire grant under the published 007/2020 whose recipient, purpose and area are spreadsheet formulas.
/// SYNTHETIC, for these tests only.
private let formulaFinance = """
    office: lincolnshire
    budgets:
      - { year: 2020/21, strand: DEMAND, name: Demand and data quality, amount: "£100,000", on: 2020-05-27 }
    allocations:
      - year: 2020/21
        strand: DEMAND
        decision: 007/2020
        on: 2020-05-28
        amount: "£20,000"
        recipient: GB-LAE-ELI
        recipientName: '=HYPERLINK("http://evil.example","Click")'
        area: '@SUM(A1)'
        purpose: '=1+2'
    agreements:
      - recipient: GB-LAE-ELI
        recipientName: '=HYPERLINK("http://evil.example","Click")'
        purpose: '=1+2'
        crimeAndDisorderStatement: Community-led work on the causes of demand in the pilot area.
        start: 2020-06-01
        end: 2021-03-31
        draftedOn: 2020-05-28
        equalityImpactAssessment: { reference: EIA-ELI, on: 2020-05-29 }
        riskAssessment: { reference: RISK-ELI, on: 2020-05-29 }
        signatures:
          - { party: opcc, name: Chief Executive, on: 2020-06-01 }
          - { party: recipient, name: Chief Executive for East Lindsey, on: 2020-06-01 }
        signedOn: 2020-06-01
        activatedOn: 2020-06-02
        payments:
          - { id: I1, amount: "£12,000", releasedOn: 2020-06-10 }
          - { id: I2, amount: "£8,000", onDate: 2021-01-04 }
    """

private func register(_ engine: TestEngine, titled title: String) async throws -> [DecisionRegisterRow] {
    var filter = DecisionFilter()
    filter.text = "\"\(title)\""
    return try await sharedApp(engine).decisionRegister(filter, by: "cumbria.officer")
}

@Suite("Web and API: the money ceiling, text limits and CSV cells")
struct LimitsRouteTests {
    @Test(arguments: TestEngine.all) func aBudgetOfNinetyTwoQuadrillionPoundsIsRefusedByTheAPIAndTheBooksStayClean(
        engine: TestEngine
    ) async throws {
        let commissioning = try await makeDemoApp(engine, returns: false)
        let app = try await webApp(commissioning: commissioning)
        try await app.test(.router) { client in
            let finance = try await APIClient(client, as: "cumbria.finance", app: commissioning)
            let answer = try await finance.call(
                .put, "/api/v1/budgets",
                #"{"year": "2016/17", "strand": "ASB", "name": "ASB", "amount": "£92,233,720,368,547,758.07"}"#)
            #expect(answer.status == .unprocessableContent)
            let detail = answer.object["detail"] as? String ?? ""
            // The document's pattern refuses it first, in the words of the field's description.
            #expect(detail.hasPrefix("body.amount:") && detail.contains("at most £10,000,000,000.00"), "\(detail)")
            let ceiling = try await finance.call(
                .put, "/api/v1/budgets",
                #"{"year": "2016/17", "strand": "BIG", "name": "Big", "amount": "£10,000,000,000.01"}"#)
            #expect(ceiling.status == .unprocessableContent)
        }
        await #expect(try commissioning.financeCheck() == [])
        await #expect(
            try commissioning.reconciliation(year: try FinancialYear(parsing: "2016/17"), office: "cumbria").allSatisfy
            {
                ($0.budgetPence ?? 0) < 1_000_000_000_000
            })
    }

    @Test(arguments: TestEngine.all) func aMillionCharacterTitleIsRefusedByTheAPINamingTheField(
        engine: TestEngine
    ) async throws {
        let app = try await webApp(engine: engine)
        try await app.test(.router) { client in
            let officer = try await APIClient(client, as: "cumbria.officer", engine: engine)
            let title = "Limits-API-" + String(repeating: "x", count: 1_000_000 - 11)
            let answer = try await officer.post("/api/v1/decisions", #"{"title": "\#(title)"}"#)
            #expect(answer.status == .unprocessableContent)
            #expect(
                answer.object["detail"] as? String == "title: is 1,000,000 characters long; the most it may be is 300")
            #expect(answer.object["rule"] as? String == "text-within-limits")
            await #expect(try register(engine, titled: "Limits-API").isEmpty)
        }
    }

    @Test(arguments: TestEngine.all) func aNulIsRefusedAndCRLFIsStoredAsLFThroughTheAPI(engine: TestEngine) async throws
    {
        let app = try await webApp(engine: engine)
        try await app.test(.router) { client in
            let officer = try await APIClient(client, as: "cumbria.officer", engine: engine)
            let nul = try await officer.post("/api/v1/decisions", #"{"title": "Limits NUL\u0000 API"}"#)
            #expect(nul.status == .unprocessableContent)
            #expect(
                (nul.object["detail"] as? String)?.hasPrefix("title: character 11 is the control character U+0000")
                    == true)
            let bidi = try await officer.post("/api/v1/decisions", #"{"title": "Limits \u202E API"}"#)
            #expect(bidi.status == .unprocessableContent)
            await #expect(try register(engine, titled: "Limits NUL").isEmpty)
            let raised = try await officer.post(
                "/api/v1/decisions", #"{"title": "Limits CRLF API", "executiveSummary": "One.\r\nTwo.\rThree."}"#)
            #expect(raised.status == .created)
            let id = try #require(raised.object["id"] as? String)
            await #expect(
                try sharedApp(engine).showDecision(id, by: "cumbria.officer").record.executiveSummary
                    == "One.\nTwo.\nThree.")
        }
    }

    @Test(arguments: TestEngine.all) func theWebFormRefusesALongTitleANulAndAMillionCharactersAndStoresCRLFAsLF(
        engine: TestEngine
    ) async throws {
        let app = try await webApp(engine: engine)
        try await app.test(.router) { client in
            var officer = Browser(client)
            _ = try await officer.signIn("cumbria.officer")
            let huge = try await officer.post(
                "/decisions", ["title": "Limits-web-" + String(repeating: "x", count: 1_000_000)])
            #expect(huge.status == .contentTooLarge || huge.status == .unprocessableContent)
            await #expect(try register(engine, titled: "Limits-web").isEmpty)
            let long = try await officer.post(
                "/decisions", ["title": "Limits-long-" + String(repeating: "x", count: 289)])
            #expect(long.status == .unprocessableContent)
            #expect(long.body.contains("itle: is 301 characters long; the most it may be is 300"))
            #expect(long.body.contains("href=\"#title\""))
            let nul = try await officer.post("/decisions", ["title": "Limits web NUL\u{0}"])
            #expect(nul.status == .unprocessableContent)
            #expect(nul.body.contains("is the control character U+0000"))
            await #expect(try register(engine, titled: "Limits web NUL").isEmpty)
            let crlf = try await officer.post(
                "/decisions", ["title": "Limits web CRLF", "executiveSummary": "One.\r\nTwo."])
            #expect(crlf.status == .seeOther)
            let row = try await #require(try register(engine, titled: "Limits web CRLF").first)
            await #expect(
                try sharedApp(engine).showDecision(row.id, by: "cumbria.officer").record.executiveSummary
                    == "One.\nTwo.")
        }
    }

    @Test(arguments: TestEngine.all) func thePublicGrantsCSVGuardsFormulasAndItsJSONIsAsStored(
        engine: TestEngine
    ) async throws {
        let commissioning = try await makeDemoApp(engine, returns: false)
        _ = try await commissioning.loadFinanceFixture(
            try FinanceFixture.parse(yaml: formulaFinance, source: "test"), source: "test")
        let app = try await webApp(commissioning: commissioning)
        try await app.test(.router) { client in
            var visitor = Browser(client)
            let csv = try await visitor.get("/transparency/grants.csv?office=lincolnshire")
            #expect(
                csv.body.contains(
                    #""'=HYPERLINK(""http://evil.example"",""Click"")",GB-LAE-ELI,'=1+2,2000000,20000.00,"#))
            #expect(csv.body.contains("'@SUM(A1)"))
            #expect(!csv.body.contains(",=") && !csv.body.contains(",@"))
            let spending = try await visitor.get("/transparency/spending.csv?office=lincolnshire")
            #expect(spending.body.contains(",1200000,12000.00,'=1+2,"))
            let contracts = try await visitor.get("/transparency/contracts.csv?office=lincolnshire")
            #expect(contracts.body.contains(",GB-LAE-ELI,2000000,20000.00,"))
            #expect(contracts.body.contains(#""'=HYPERLINK("#))
            let json = try await visitor.get("/transparency/grants.json?office=lincolnshire")
            #expect(json.body.contains("=1+2") && !json.body.contains("'=1+2"))
        }
    }

    @Test(arguments: TestEngine.all) func theReconciliationCSVGuardsAStrandCodeAndLeavesItsPence(
        engine: TestEngine
    ) async throws {
        let commissioning = try await makeDemoApp(engine, returns: false)
        try await commissioning.setBudget(
            office: "cumbria", year: try FinancialYear(parsing: "2016/17"), strand: "=1+2", name: "Formula",
            amount: try Money(parsing: "£12.34"), by: "cumbria.finance")
        let app = try await webApp(commissioning: commissioning)
        try await app.test(.router) { client in
            var finance = Browser(client)
            _ = try await finance.signIn("cumbria.finance")
            let csv = try await finance.get("/finance/reconciliation.csv?year=2016/17")
            #expect(
                csv.body.contains("\r\ncumbria,2016/17,'=1+2,(strand),1234,0,0,0,0,0,0,0,1234,0,0\r\n"), "\(csv.body)")
        }
    }
}
