import Foundation
import Hummingbird
import HummingbirdTesting
import OPCCCore
import OPCCServices
import OPCCTestSupport
import Testing

@testable import OPCCWeb

/// The demo before the Cumbria returns were played: every 2016/17 return of both pilot grants is still to write.
let returnsApp = PerEngine { try await makeDemoApp($0, returns: false) }

/// A return of a Cumbria pilot grant for `quarter` ("2016/17 Q1").
private func returnID(_ engine: TestEngine, grant: String, quarter: String) async throws -> String {
    let rows = try await returnsApp(engine).returns(.init(office: "cumbria", grant: grant), as: "cumbria.finance")
    return try #require(rows.first { $0.quarter == quarter }).id
}

private func summaryLinks(_ body: String) -> [String] {
    guard let start = body.range(of: "class=\"error-summary\""),
        let end = body.range(of: "</div>", range: start.upperBound..<body.endIndex)
    else { return [] }
    return body[start.upperBound..<end.lowerBound].components(separatedBy: "href=\"#").dropFirst()
        .compactMap { $0.split(separator: "\"").first.map(String.init) }
}

@Suite("Web: quarterly returns, the board's form and the reviewer's queue")
struct ReturnScreenTests {
    /// The board's quarter: a bad figure saves nothing; an unexplained 20% underspend is saved as a draft but not
    /// submitted; explained, it is submitted; the reviewer sends it back with reasons, and accepts the next version,
    /// which releases the quarter's instalment.
    @Test(arguments: TestEngine.all) func boardSubmitsReviewerSendsBackThenAccepts(engine: TestEngine) async throws {
        let id = try await returnID(engine, grant: "cumbria-GA-0001", quarter: "2016/17 Q2")
        let app = try await webApp(commissioning: returnsApp(engine))
        try await app.test(.router) { client in
            var board = Browser(client)
            _ = try await board.signIn("cumbria.barrow-board")
            #expect(try await board.get("/home").body.contains(id), "the board's home lists the return to write")
            let list = try await board.get("/returns?status=overdue")
            #expect(list.body.contains(id))
            let page = try await board.get("/returns/\(id)")
            #expect(page.status == .ok)
            #expect(page.body.contains("Write the return"))
            #expect(page.body.contains("Incidents in Ormsgill"), "one field per indicator of the agreement")
            #expect(page.body.contains("Outcome indicators by quarter"))
            #expect(page.body.contains("aria-labelledby=\"trend-title-0 trend-desc-0\""), "each chart has its text")

            var fields = [
                "spendInQuarter": "twelve thousand", "spendToDate": "£10,000", "narrative": "Sessions running.",
                "milestone-0-name": "Youth diversion sessions", "milestone-0-rag": "amber", "milestone-0-reason": "",
                "indicator-0-name": "Incidents in Ormsgill", "indicator-0": "94 this quarter",
                "indicator-1-name": "IOM offenders in Ormsgill", "indicator-1": "9",
            ]
            let badMoney = try await board.post("/returns/\(id)/submit", fields)
            #expect(badMoney.status == .unprocessableContent)
            #expect(summaryLinks(badMoney.body) == ["spendInQuarter"])
            #expect(badMoney.body.contains("Sessions running."), "what was entered is kept")
            await #expect(try returnsApp(engine).quarterlyReturn(id, as: "cumbria.finance").record.versions.isEmpty)

            fields["spendInQuarter"] = "£10,000"
            let unexplained = try await board.post("/returns/\(id)/submit", fields)
            #expect(unexplained.status == .unprocessableContent)
            let links = summaryLinks(unexplained.body)
            #expect(links.contains("varianceExplanation"))
            #expect(links.contains("milestone-0-reason"))
            #expect(unexplained.body.contains("saved as a draft"))
            await #expect(try returnsApp(engine).quarterlyReturn(id, as: "cumbria.finance").state == "draft")
            let draft = try await board.get("/returns/\(id)")
            #expect(draft.body.contains("Needed"), "the saved underspend asks for an explanation")

            fields["varianceExplanation"] = "Sessions started three weeks late."
            fields["milestone-0-reason"] = "Venue booked late."
            #expect(try await board.post("/returns/\(id)/submit", fields).status == .seeOther)
            await #expect(try returnsApp(engine).quarterlyReturn(id, as: "cumbria.finance").state == "submitted")
            #expect(try await board.post("/returns/\(id)/accept").status == .forbidden)

            var other = Browser(client)
            _ = try await other.signIn("cumbria.copeland-board")
            #expect(try await other.get("/returns/\(id)").status == .notFound, "another board's return")
            #expect(!(try await other.get("/returns").body.contains(id)))

            var officer = Browser(client)
            _ = try await officer.signIn("cumbria.officer")
            #expect(try await officer.get("/home").body.contains(id), "the reviewer's home lists it awaiting review")
            let queue = try await officer.get("/returns?status=awaiting-review")
            #expect(queue.body.contains(id))
            let noReasons = try await officer.post("/returns/\(id)/send-back", ["reasons": ""])
            #expect(noReasons.status == .unprocessableContent)
            #expect(summaryLinks(noReasons.body) == ["reasons"])
            #expect(
                try await officer.post("/returns/\(id)/send-back", ["reasons": "Give the new start date."]).status
                    == .seeOther)
            await #expect(
                try returnsApp(engine).quarterlyReturn(id, as: "cumbria.finance").state == "returned-for-revision")

            let returned = try await board.get("/returns/\(id)")
            #expect(returned.body.contains("<td>2016/17 Q2</td><td>94 this quarter</td>"), "the trend table")
            #expect(returned.body.contains("Give the new start date."))
            fields["narrative"] = "Sessions running since 12 August."
            #expect(try await board.post("/returns/\(id)/submit", fields).status == .seeOther)

            var finance = Browser(client)
            _ = try await finance.signIn("cumbria.finance")
            #expect(try await finance.post("/returns/\(id)/accept", ["note": "Thank you."]).status == .seeOther)
            let (record, state) = try await returnsApp(engine).quarterlyReturn(id, as: "cumbria.finance")
            #expect(state == "accepted")
            #expect(record.versions.count == 2)
            #expect(record.current?.content.narrative == "Sessions running since 12 August.")
            let agreement = try await returnsApp(engine).agreement("cumbria-GA-0001")
            #expect(agreement.payments.contains { $0.paidOn != nil && "\($0.condition)".contains("Q2") })
        }
    }
}
