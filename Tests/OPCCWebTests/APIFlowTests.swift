import Foundation
import Hummingbird
import HummingbirdTesting
import OPCCCore
import OPCCServices
import OPCCTestSupport
import Testing

@testable import OPCCWeb

/// The jobs of finance, project boards and reviewers done through the JSON API, on a database of their own (the demo
/// before the Cumbria returns were played), with the same rules as the CLI and the web.
@Suite("JSON API: finance, returns, carry-forwards and priorities", .serialized)
struct APIFlowTests {
    static let app = PerEngine { try await makeDemoApp($0, returns: false) }

    @Test(arguments: TestEngine.all) func aBudgetSetThroughTheAPIShowsInTheBudgetsAndAVirementMovesItsMoney(
        engine: TestEngine
    ) async throws {
        let server = try await webApp(commissioning: Self.app(engine))
        try await server.test(.router) { client in
            let finance = try await APIClient(client, as: "cumbria.finance", app: Self.app(engine))
            let set = try await finance.call(
                .put, "/api/v1/budgets",
                #"{"year": "2017/18", "strand": "APIA", "name": "API strand A", "amount": "£20,000"}"#)
            #expect(set.status == .ok)
            _ = try await finance.call(
                .put, "/api/v1/budgets",
                #"{"year": "2017/18", "strand": "APIB", "name": "API strand B", "amount": "£0"}"#)
            let moved = try await finance.post(
                "/api/v1/virements",
                #"{"year": "2017/18", "from": "APIA", "to": "APIB", "amount": "£5,000", "reason": "Demand moved."}"#)
            #expect(moved.status == .created)
            let budgets = try await finance.get("/api/v1/budgets?year=2017/18").items
            #expect(budgets.first { $0["strand"] as? String == "APIA" }?["amountPence"] as? Int == 1_500_000)
            #expect(budgets.first { $0["strand"] as? String == "APIB" }?["amountPence"] as? Int == 500_000)

            let board = try await APIClient(client, as: "cumbria.barrow-board", app: Self.app(engine))
            let refused = try await board.call(
                .put, "/api/v1/budgets", #"{"year": "2017/18", "strand": "APIA", "name": "x", "amount": "£1"}"#)
            #expect(refused.status == .forbidden)
            let after = try await finance.get("/api/v1/budgets?year=2017/18").items
            #expect(after.first { $0["strand"] as? String == "APIA" }?["amountPence"] as? Int == 1_500_000)
        }
    }

    @Test(arguments: TestEngine.all) func aBoardSubmitsAReturnAReviewerSendsItBackAndFinanceAcceptsTheNextVersion(
        engine: TestEngine
    ) async throws {
        let rows = try await Self.app(engine).returns(
            .init(office: "cumbria", grant: "cumbria-GA-0001"), as: "cumbria.finance")
        let id = try #require(rows.first { $0.quarter == "2016/17 Q1" }).id
        let content = #"""
            {"spendInQuarter": "£12,000", "spendToDate": "£12,000", "narrative": "Sessions running.",
             "varianceExplanation": "Sessions started late.",
             "milestones": [{"name": "Youth diversion sessions", "rag": "amber", "reason": "Venue booked late."}],
             "indicators": [{"name": "Incidents in Ormsgill", "actual": "94 this quarter"},
                            {"name": "IOM offenders in Ormsgill", "actual": "9"}]}
            """#
        let server = try await webApp(commissioning: Self.app(engine))
        try await server.test(.router) { client in
            let board = try await APIClient(client, as: "cumbria.barrow-board", app: Self.app(engine))
            let other = try await APIClient(client, as: "cumbria.copeland-board", app: Self.app(engine))
            #expect(try await other.get("/api/v1/returns/\(id)").status == .notFound, "another board's return")
            #expect(try await other.call(.put, "/api/v1/returns/\(id)/content", content).status == .notFound)

            let saved = try await board.call(.put, "/api/v1/returns/\(id)/content", content)
            #expect(saved.status == .ok)
            #expect(saved.object["state"] as? String == "draft")
            #expect(try await board.get("/api/v1/returns/\(id)/problems").json as? [Any] != nil)
            #expect(try await board.post("/api/v1/returns/\(id)/submission").object["state"] as? String == "submitted")
            #expect(try await board.post("/api/v1/returns/\(id)/acceptance", "{}").status == .forbidden)

            let officer = try await APIClient(client, as: "cumbria.officer", app: Self.app(engine))
            let blank = try await officer.post("/api/v1/returns/\(id)/send-back", #"{"reasons": ""}"#)
            #expect(blank.status == .unprocessableContent)
            await #expect(try Self.app(engine).quarterlyReturn(id, as: "cumbria.finance").state == "submitted")
            let sent = try await officer.post(
                "/api/v1/returns/\(id)/send-back", #"{"reasons": "Give the start date."}"#)
            #expect(sent.status == .ok)
            #expect(sent.object["state"] as? String == "returned-for-revision")

            _ = try await board.call(.put, "/api/v1/returns/\(id)/content", content)
            #expect(try await board.post("/api/v1/returns/\(id)/submission").status == .ok)
            let finance = try await APIClient(client, as: "cumbria.finance", app: Self.app(engine))
            let accepted = try await finance.post("/api/v1/returns/\(id)/acceptance", #"{"note": "Thank you."}"#)
            #expect(accepted.object["state"] as? String == "accepted")
            #expect((accepted.object["versions"] as? [Any])?.count == 2)
        }
    }

    @Test(arguments: TestEngine.all) func financeRequestsACarryForwardAndOnlyTheCommissionerDecidesIt(
        engine: TestEngine
    ) async throws {
        let server = try await webApp(commissioning: Self.app(engine))
        try await server.test(.router) { client in
            let finance = try await APIClient(client, as: "wm.finance", app: Self.app(engine))
            let blank = try await finance.post(
                "/api/v1/carry-forwards",
                #"{"year": "2017/18", "strand": "CSF", "recipient": "GB-LAE-WLV", "forecast": "£5,000", "reason": " "}"#
            )
            #expect(blank.status == .unprocessableContent)
            let made = try await finance.post(
                "/api/v1/carry-forwards",
                #"{"year": "2017/18", "strand": "CSF", "recipient": "GB-LAE-WLV", "forecast": "£5,000", "reason": "Posts vacant in Q4"}"#
            )
            #expect(made.status == .created)
            #expect(made.object["state"] as? String == "requested")
            #expect(made.object["forecastPence"] as? Int == 500_000)
            let id = try #require(made.object["id"] as? String)
            #expect(
                try await finance.post("/api/v1/carry-forwards/\(id)/decision", #"{"approve": true}"#).status
                    == .forbidden)
            let pcc = try await APIClient(client, as: "wm.pcc", app: Self.app(engine))
            let decided = try await pcc.post("/api/v1/carry-forwards/\(id)/decision", #"{"approve": true}"#)
            #expect(decided.status == .ok)
            #expect(decided.object["state"] as? String == "approved")
            let listed = try await finance.get("/api/v1/carry-forwards").items
            #expect(listed.contains { $0["id"] as? String == id && $0["state"] as? String == "approved" })
        }
    }

    @Test(arguments: TestEngine.all) func anAdoptedSelectionRefusesANewPriorityAndStaysAsItWas(
        engine: TestEngine
    ) async throws {
        let server = try await webApp(commissioning: Self.app(engine))
        try await server.test(.router) { client in
            let officer = try await APIClient(client, as: "leics.officer", app: Self.app(engine))
            let before = try await officer.get("/api/v1/priorities/leicestershire-PA-0001")
            #expect(before.object["state"] as? String == "adopted")
            let refused = try await officer.post(
                "/api/v1/priorities/leicestershire-PA-0001/priorities",
                #"{"code": "P9", "title": "Something new", "threats": ["Violent Crime"]}"#)
            #expect(refused.status == .unprocessableContent || refused.status == .forbidden)
            #expect(!(refused.object["detail"] as? String ?? "").isEmpty)
            let after = try await officer.get("/api/v1/priorities/leicestershire-PA-0001")
            #expect((after.object["priorities"] as? [Any])?.count == (before.object["priorities"] as? [Any])?.count)
            let spend = try await officer.get("/api/v1/priorities/leicestershire-PA-0001/spend")
            #expect(spend.status == .ok)
            #expect(!((spend.object["priorities"] as? [Any]) ?? []).isEmpty)
        }
    }
}
