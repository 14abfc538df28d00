import Foundation
import Hummingbird
import HummingbirdTesting
import OPCCCore
import OPCCServices
import OPCCTestSupport
import Testing

@testable import OPCCWeb

/// The finance page's reconciliation and the returns list read a page at a time (issue 27): a small year's finance
/// page is as it always was, with no pages offered; a next link's keyset cursor (`after`) starts a page after the
/// line or return it names; a cursor the page did not make is a 422 naming it.
@Suite("Web: the finance page's and the returns list's pages", .serialized)
struct PageReadsWebTests {
    func occurrences(_ text: String, in body: String) -> Int { body.components(separatedBy: text).count - 1 }

    @Test(arguments: TestEngine.all)
    func theReconciliationIsPagedByCursorAndASmallYearShowsNoPages(engine: TestEngine) async throws {
        let app = try await webApp(engine: engine)
        try await app.test(.router) { client in
            var finance = Browser(client)
            _ = try await finance.signIn("cumbria.finance")
            let whole = try await finance.get("/finance?year=2016/17")
            #expect(whole.status == .ok)
            #expect(!whole.body.contains("Pages of the reconciliation"))
            let strandRow = "<th scope=\"row\">ASB: Anti-social behaviour</th>"
            #expect(occurrences(strandRow, in: whole.body) == 2, "the strands' table and the reconciliation")
            #expect(whole.body.contains("Barrow Borough Council (GB-LAE-BAR)"))

            let after = ReconciliationCursor(strand: "ASB", recipient: "").text
            let rest = try await finance.get("/finance?year=2016/17&page=2&after=\(after)")
            #expect(rest.status == .ok)
            #expect(occurrences(strandRow, in: rest.body) == 1, "the strand's line was on the page before")
            #expect(rest.body.contains("Barrow Borough Council (GB-LAE-BAR)"))
            #expect(rest.body.contains("Pages of the reconciliation"))
            #expect(rest.body.contains("<a href=\"/finance?year=2016/17\" rel=\"prev\">"))

            let past = ReconciliationCursor(strand: "ZZZZ", recipient: "").text
            let none = try await finance.get("/finance?year=2016/17&after=\(past)")
            #expect(none.status == .ok && !none.body.contains("Barrow Borough Council (GB-LAE-BAR)"))

            for query in ["after=abc", "page=0", "page=x"] {
                let bad = try await finance.get("/finance?year=2016/17&\(query)")
                #expect(bad.status == .unprocessableContent, "\(query)")
                #expect(bad.body.contains("href=\"#\(query.prefix { $0 != "=" })\""), "\(query)")
            }
        }
    }

    @Test(arguments: TestEngine.all)
    func theReturnsListStartsAfterTheReturnItsCursorNames(engine: TestEngine) async throws {
        let commissioning = try await makeDemoApp(engine, returns: true)
        let lines = try await commissioning.returnListLines(.init(), limit: 500, as: "cumbria.officer")
        #expect(lines.rows.count >= 3)
        let server = try await webApp(commissioning: commissioning)
        try await server.test(.router) { client in
            var officer = Browser(client)
            _ = try await officer.signIn("cumbria.officer")
            let first = try await officer.get("/returns")
            #expect(first.status == .ok)
            for entry in lines.rows.prefix(50) { #expect(first.body.contains(">\(entry.line.id)</a>")) }
            let cursor = ReturnListCursor(after: lines.rows[0].line).text
            let rest = try await officer.get("/returns?after=\(cursor)")
            #expect(rest.status == .ok)
            #expect(!rest.body.contains(">\(lines.rows[0].line.id)</a>"))
            #expect(rest.body.contains(">\(lines.rows[1].line.id)</a>"))
            let last = ReturnListCursor(after: lines.rows[lines.rows.count - 1].line).text
            let none = try await officer.get("/returns?after=\(last)")
            #expect(none.status == .ok && none.body.contains("No returns match."))
        }
    }
}
