import Foundation
import Hummingbird
import HummingbirdTesting
import OPCCCore
import OPCCServices
import OPCCTestSupport
import Testing

@testable import OPCCWeb

@Suite("Web: the transparency publications, public and without sign-in")
struct TransparencyRouteTests {
    @Test(
        "transparency-public: every publication answers without sign-in, with its content type",
        arguments: TestEngine.all)
    func everyPublicationAnswersWithoutSignIn(engine: TestEngine) async throws {
        let app = try await webApp(engine: engine)
        try await app.test(.router) { client in
            var browser = Browser(client)
            let pages: [(String, String)] = [
                ("/transparency", "text/html; charset=utf-8"),
                ("/transparency/grants", "text/html; charset=utf-8"),
                ("/transparency/grants.csv", "text/csv; charset=utf-8"),
                ("/transparency/grants.json", "application/json"),
                ("/transparency/spending", "text/html; charset=utf-8"),
                ("/transparency/spending.csv", "text/csv; charset=utf-8"),
                ("/transparency/spending.json", "application/json"),
                ("/transparency/contracts", "text/html; charset=utf-8"),
                ("/transparency/contracts.csv", "text/csv; charset=utf-8"),
                ("/transparency/contracts.json", "application/json"),
                ("/transparency/360giving.json", "application/json"),
                ("/rounds", "text/html; charset=utf-8"),
            ]
            for (uri, type) in pages {
                let response = try await client.execute(uri: uri, method: .get)
                #expect(response.status == .ok, "\(uri)")
                #expect(response.headers[.contentType] == type, "\(uri)")
                let body = String(buffer: response.body)
                await record(body, user: nil)
                #expect(!body.contains(tripwire), "\(uri)")
            }
            let index = try await browser.get("/transparency")
            for link in ["/transparency/grants", "/transparency/spending.csv", "/transparency/360giving.json"] {
                #expect(index.body.contains("href=\"\(link)\""))
            }
            let register = try await browser.get("/register")
            #expect(register.body.contains("href=\"/transparency\""))
        }
    }

    @Test(
        "grants-register: the page is a captioned table of the awarded grants, amounts in pounds",
        arguments: TestEngine.all)
    func grantsPage(engine: TestEngine) async throws {
        let app = try await webApp(engine: engine)
        try await app.test(.router) { client in
            var browser = Browser(client)
            let page = try await browser.get("/transparency/grants?office=cumbria")
            #expect(page.status == .ok)
            #expect(page.body.contains("<h1>Grants register</h1>"))
            #expect(page.body.contains("<caption>Grants register, every month, cumbria</caption>"))
            #expect(page.body.contains("<label for=\"month\">Month</label>"))
            #expect(page.body.contains("Barrow Borough Council") && page.body.contains("£50,000.00"))
            #expect(page.body.contains("014/2016, 2016-03-09"))
            let csv = try await browser.get("/transparency/grants.csv?office=cumbria")
            #expect(csv.body.hasPrefix("office,grant,recipient,"))
            #expect(csv.body.split(separator: "\r\n").count == 3)
        }
    }

    @Test("spending-over-500: ?month= chooses the month's payments", arguments: TestEngine.all)
    func spendingByMonth(engine: TestEngine) async throws {
        let app = try await webApp(engine: engine)
        try await app.test(.router) { client in
            var browser = Browser(client)
            let april = try await browser.get("/transparency/spending.csv?month=2016-04")
            #expect(april.status == .ok)
            #expect(april.body.split(separator: "\r\n").count == 3)
            #expect(april.body.contains("2016-04-13,Barrow Borough Council"))
            let none = try await browser.get("/transparency/spending?month=2019-01")
            #expect(none.body.contains("Nothing is published for 2019-01."))
        }
    }

    @Test("month-parsing: a bad month is 400 with a message saying how to write it", arguments: TestEngine.all)
    func badMonthIs400(engine: TestEngine) async throws {
        let app = try await webApp(engine: engine)
        try await app.test(.router) { client in
            var browser = Browser(client)
            for uri in [
                "/transparency/spending?month=April", "/transparency/grants.csv?month=2016-13",
                "/transparency/contracts.json?month=2016-4",
            ] {
                let page = try await browser.get(uri)
                #expect(page.status == .badRequest, "\(uri)")
                #expect(page.body.contains("is not a month"), "\(uri)")
                #expect(page.body.contains("2016-04"), "\(uri)")
            }
            let unknown = try await browser.get("/transparency/grants?office=nowhere")
            #expect(unknown.status == .notFound)
        }
    }

    @Test(
        "three-sixty-giving-export: the package is served as JSON with the grants in pounds", arguments: TestEngine.all)
    func threeSixtyGiving(engine: TestEngine) async throws {
        let app = try await webApp(engine: engine)
        try await app.test(.router) { client in
            var browser = Browser(client)
            let page = try await browser.get("/transparency/360giving.json?office=cumbria")
            #expect(page.status == .ok)
            let package = try JSONSerialization.jsonObject(with: Data(page.body.utf8)) as? [String: Any]
            let grants = package?["grants"] as? [[String: Any]]
            #expect(grants?.count == 2)
            #expect((grants?.first?["amountAwarded"] as? NSNumber)?.int64Value == 50_000)
        }
    }

    @Test(
        "three-sixty-giving-year: ?year=2015 is the grants decided in 2015-16, streamed as the whole package is; a year that is not one is a 400 naming it",
        arguments: TestEngine.all)
    func threeSixtyGivingOfOneYear(engine: TestEngine) async throws {
        let app = try await webApp(engine: engine)
        try await app.test(.router) { client in
            var browser = Browser(client)
            let whole = try await browser.get("/transparency/360giving.json?office=cumbria")
            // Cumbria's two grants are under 014/2016, decided 2016-03-09: financial year 2015-16.
            let year = try await browser.get("/transparency/360giving.json?office=cumbria&year=2015")
            #expect(year.status == .ok)
            #expect(year.body == whole.body, "every grant of the office was decided in 2015-16")
            let other = try await browser.get("/transparency/360giving.json?office=cumbria&year=2016")
            let package = try JSONSerialization.jsonObject(with: Data(other.body.utf8)) as? [String: Any]
            #expect((package?["grants"] as? [Any])?.isEmpty == true)
            for bad in ["16", "2016-17", "abc", "99999"] {
                let refused = try await browser.get("/transparency/360giving.json?year=\(bad)")
                #expect(refused.status == .badRequest, "\(bad)")
                #expect(refused.body.contains("financial year starts in"), "\(bad)")
            }
        }
    }
}
