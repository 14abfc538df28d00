import Foundation
import Hummingbird
import HummingbirdTesting
import OPCCCore
import OPCCServices
import OPCCTestSupport
import Testing

@testable import OPCCWeb

/// The registers in the browser and the API's list of decisions are read a page at a time: 50 rows to a web page with
/// "Next page" (a keyset cursor) and "Previous page" links keeping the filters, and the API's `limit`/`offset` with a
/// `cursor` and a `next`. On a database of its own, with 60 more Cumbria drafts than the demo.
@Suite("Registers: pages, cursors and their links", .serialized)
struct RegisterPagingWebTests {
    static let app = PerEngine { engine in
        let app = try await makeDemoApp(engine, returns: false)
        for n in 0..<60 {
            var draft = DecisionDraft()
            draft.title = "Paged draft \(n)"
            try await app.raiseDecision(office: "cumbria", draft: draft, by: "cumbria.officer")
        }
        return app
    }

    func hrefs(_ body: String, rel: String) -> String? {
        guard let range = body.range(of: #"<a href="([^"]*)" rel="\#(rel)""#, options: .regularExpression) else {
            return nil
        }
        let tag = body[range]
        let start = tag.index(tag.startIndex, offsetBy: 9)
        return String(tag[start...].prefix { $0 != "\"" }).replacingOccurrences(of: "&amp;", with: "&")
    }

    func titles(_ body: String) -> [String] {
        body.components(separatedBy: ">Paged draft ").dropFirst().map { "Paged draft " + $0.prefix { $0 != "<" } }
    }

    @Test(arguments: TestEngine.all) func theStaffRegisterShowsFiftyToAPageWithLinksThatKeepTheFilters(
        engine: TestEngine
    ) async throws {
        let server = try await webApp(commissioning: Self.app(engine))
        try await server.test(.router) { client in
            var officer = Browser(client)
            _ = try await officer.signIn("cumbria.officer")
            let first = try await officer.get("/decisions?q=Paged&status=draft")
            #expect(first.status == .ok)
            #expect(titles(first.body).count == 50)
            #expect(first.body.contains("Showing 1–50 of 60 decisions (page 1 of 2)."))
            #expect(hrefs(first.body, rel: "prev") == nil)
            let next = try #require(hrefs(first.body, rel: "next"))
            #expect(next.hasPrefix("/decisions?q=Paged&status=draft&page=2&after="), "\(next)")
            let second = try await officer.get(next)
            #expect(titles(second.body).count == 10)
            #expect(Set(titles(second.body)).isDisjoint(with: titles(first.body)))
            #expect(second.body.contains("Showing 51–60 of 60 decisions (page 2 of 2)."))
            #expect(hrefs(second.body, rel: "next") == nil)
            #expect(hrefs(second.body, rel: "prev") == "/decisions?q=Paged&status=draft")
            // The same page by number.
            let numbered = try await officer.get("/decisions?q=Paged&status=draft&page=2")
            #expect(titles(numbered.body) == titles(second.body))
        }
    }

    @Test(arguments: TestEngine.all) func aBadPageNumberOrCursorIsA422NamingItsFieldNeverAServerError(
        engine: TestEngine
    ) async throws {
        let server = try await webApp(commissioning: Self.app(engine))
        try await server.test(.router) { client in
            var officer = Browser(client)
            _ = try await officer.signIn("cumbria.officer")
            for (query, field) in [
                ("page=0", "page"), ("page=x", "page"), ("page=-1", "page"), ("after=%00", "after"),
                ("after=notacursor%20at%20all", "after"), ("page=99999999999999999999", "page"),
            ] {
                for path in ["/decisions", "/register"] {
                    let page = try await officer.get("\(path)?\(query)")
                    #expect(page.status == .unprocessableContent, "\(path)?\(query)")
                    #expect(page.body.contains("href=\"#\(field)\""), "\(path)?\(query) names \(field)")
                }
            }
            let beyond = try await officer.get("/register?page=500")
            #expect(beyond.status == .ok)
            #expect(beyond.body.contains("No decisions on page 500"))
        }
    }

    @Test(arguments: TestEngine.all) func theReturnsListIsPagedAndABadPageIsA422NamingIt(
        engine: TestEngine
    )
        async throws
    {
        let total = try await Self.app(engine).returns(.init(), as: "cumbria.officer").count
        let server = try await webApp(commissioning: Self.app(engine))
        try await server.test(.router) { client in
            var officer = Browser(client)
            _ = try await officer.signIn("cumbria.officer")
            let first = try await officer.get("/returns")
            #expect(first.status == .ok)
            #expect(first.body.contains("of \(total) returns (page 1 of \(max(1, (total + 49) / 50)))."))
            for query in ["page=0", "page=x", "after=abc"] {
                let bad = try await officer.get("/returns?\(query)")
                #expect(bad.status == .unprocessableContent, "\(query)")
                #expect(bad.body.contains("href=\"#\(query.prefix { $0 != "=" })\""), "\(query)")
            }
        }
    }

    @Test(arguments: TestEngine.all) func theAPIListsAPageWithItsTotalAndANextCursorToWalkTheRest(
        engine: TestEngine
    ) async throws {
        let token = try await Self.app(engine).createAPIToken(
            label: "paging-\(UUID().uuidString)", by: "cumbria.officer"
        )
        .token
        let server = try await webApp(commissioning: Self.app(engine))
        try await server.test(.router) { client in
            func get(_ uri: String) async throws -> (HTTPResponse.Status, [String: Any]) {
                let response = try await client.execute(
                    uri: uri, method: .get, headers: [.authorization: "Bearer \(token)"])
                let json = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                return (response.status, json ?? [:])
            }
            var ids: [String] = []
            var uri = "/api/v1/decisions?office=cumbria&status=draft&limit=25"
            var pages = 0
            while true {
                let (status, page) = try await get(uri)
                #expect(status == .ok)
                #expect(page["total"] as? Int == 60)
                ids += (page["items"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
                pages += 1
                guard let next = page["next"] as? String, pages < 10 else { break }
                uri = "/api/v1/decisions?office=cumbria&status=draft&limit=25&cursor=\(next)"
            }
            #expect(pages == 3)
            #expect(ids.count == 60 && Set(ids).count == 60)
            let (_, byOffset) = try await get("/api/v1/decisions?office=cumbria&status=draft&limit=25&offset=50")
            #expect((byOffset["items"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == Array(ids[50...]))
            #expect(byOffset["next"] == nil)
            // Not in the cursor's form: 400; in its form (as schemathesis sent, `cursor=0`) but not one the register
            // made: 422. Each names the parameter.
            for (cursor, expected) in [
                ("not-a-cursor%21", HTTPResponse.Status.badRequest), ("0", .unprocessableContent),
                ("AAAA", .unprocessableContent), ("Y3VtYnJpYQ", .unprocessableContent),
            ] {
                let (status, problem) = try await get("/api/v1/decisions?cursor=\(cursor)")
                #expect(status == expected, "\(cursor)")
                #expect(problem["rule"] as? String == "valid-query")
                #expect((problem["detail"] as? String)?.hasPrefix("query.cursor:") == true)
            }
        }
    }
}
