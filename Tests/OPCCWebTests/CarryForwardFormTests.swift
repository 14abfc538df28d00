import Foundation
import Hummingbird
import HummingbirdTesting
import OPCCCore
import OPCCServices
import OPCCTestSupport
import Testing

@testable import OPCCWeb

@Suite("Web: finance requests a carry-forward", .serialized)
struct CarryForwardFormTests {
    @Test(
        "a request's unreadable fields are each linked and shown beside their field, a forecast beyond what the recipient holds is refused at the forecast, and nothing changes until one is sent whole",
        arguments: TestEngine.all
    )
    func requestCarryForwardFieldByField(engine: TestEngine) async throws {
        let commissioning = try await makeDemoApp(engine, returns: false)
        let count: @Sendable () async throws -> Int = {
            try await commissioning.financeOverview(as: "cumbria.finance").carryForwards.count
        }
        let before = try await count()
        let head = try await commissioning.auditHead()
        let app = try await webApp(commissioning: commissioning)
        try await app.test(.router) { client in
            var finance = Browser(client)
            _ = try await finance.signIn("cumbria.finance")
            let form = try await finance.get("/finance/carry-forwards")
            #expect(form.body.contains("id=\"cf-forecast\""))

            let empty = try await finance.post(
                "/finance/carry-forwards",
                ["year": "2016/13", "strand": "", "recipient": "", "forecast": "lots", "reason": " "])
            #expect(empty.status == .unprocessableContent)
            for (field, message) in [
                ("cf-year", "Enter the year of the underspend, like 2016/17"),
                ("cf-strand", "Enter the strand code, like ASB"),
                ("cf-recipient", "Enter the recipient org-id, like GB-LAE-BAR"),
                ("cf-forecast", "Enter the forecast underspend in pounds, more than £0, like £38,000"),
                ("cf-reason", "Enter why there is an underspend"),
            ] {
                #expect(empty.body.contains("href=\"#\(field)\""), "the summary links to \(field)")
                #expect(empty.body.contains("id=\"\(field)-error\""), "\(field)'s error is beside it")
                #expect(empty.body.contains(message), "\(message)")
            }
            #expect(empty.body.contains("value=\"lots\""), "what was entered comes back")

            let expected = try await #require(
                refusalMessage {
                    try await commissioning.requestCarryForward(
                        office: "cumbria", from: try FinancialYear(parsing: "2016/17"), strand: "ASB",
                        recipient: "GB-LAE-BAR", forecast: try Money(parsing: "£9,000,000"), reason: "Slippage",
                        by: "cumbria.finance")
                })
            let tooMuch = try await finance.post(
                "/finance/carry-forwards",
                [
                    "year": "2016/17", "strand": "ASB", "recipient": "GB-LAE-BAR", "forecast": "£9,000,000",
                    "reason": "Slippage",
                ])
            #expect(tooMuch.status == .unprocessableContent)
            #expect(tooMuch.body.contains(expected))
            #expect(tooMuch.body.contains("href=\"#cf-forecast\""))
            #expect(tooMuch.body.contains("id=\"cf-forecast-error\""))
            await #expect(try count() == before)
            await #expect(try commissioning.auditHead() == head)

            let sent = try await finance.post(
                "/finance/carry-forwards",
                [
                    "year": "2016/17", "strand": "ASB", "recipient": "GB-LAE-BAR", "forecast": "£5,000",
                    "reason": "Slippage in the youth sessions",
                ])
            #expect(sent.status == .seeOther)
            await #expect(try count() == before + 1)
            let made = try await #require(try commissioning.financeOverview(as: "cumbria.finance").carryForwards.last)
            #expect(made.request.forecast == (try Money(parsing: "£5,000")))
            #expect(made.state == "requested")
        }
    }
}
