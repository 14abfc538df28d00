import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import Logging
import OPCCCore
import OPCCServices
import OPCCStore
import Testing

@testable import OPCCWeb

/// A demo database of its own at a known path, and the app over it with a store that gives up quickly when another
/// writer holds the database (a short busy timeout, two attempts), as a busy server would after its ten seconds.
private func impatientDemo() async throws -> (app: Commissioning, path: String) {
    let path = await makeDemoDatabase(returns: false).path
    let home = ProductHome(root: repositoryRoot)
    let app = try Commissioning(
        store: try SQLiteStore(path: path, busyTimeout: 0.05, attempts: 2),
        catalog: try WorkflowCatalog.load(from: home, registry: .standard),
        calendar: try WorkingDayCalendar.load(from: home), clock: FixedClock(day: try Day(iso: "2026-11-20")))
    return (app, path)
}

@Suite("Web: a database kept busy by another writer", .serialized)
struct BusyPageTests {
    // SQLite only: it holds SQLite's write lock through a GRDB connection of its own.
    @Test(
        "a form sent while another writer holds the database past every attempt is a 503 try-again page that saved nothing; sent again it succeeds"
    )
    func busyDatabaseIsATryAgainPageThatSavedNothing() async throws {
        let (commissioning, path) = try await impatientDemo()
        let app = try await webApp(commissioning: commissioning)
        // Another process's connection, holding the write lock while the form is sent.
        let other = try DatabaseQueue(path: path)
        try await app.test(.router) { client in
            var finance = Browser(client)
            _ = try await finance.signIn("cumbria.finance")
            _ = try await finance.get("/finance")
            let csrf = try #require(finance.csrf)
            let cookie = try #require(finance.cookie)
            let form =
                "form=budget&year=2016%2F17&strand=VICTIMS&name=Victims&amount=%C2%A310%2C000&csrf=\(csrf)"
            let headers: HTTPFields = [
                .cookie: "opcc_session=\(cookie)", .contentType: "application/x-www-form-urlencoded",
            ]
            let before = try await commissioning.auditHead()

            let holding = DispatchSemaphore(value: 0)
            let release = DispatchSemaphore(value: 0)
            let held = DispatchSemaphore(value: 0)
            DispatchQueue.global().async {
                try? other.writeWithoutTransaction { db in
                    try db.inTransaction(.immediate) {
                        holding.signal()
                        release.wait()
                        return .rollback
                    }
                }
                held.signal()
            }
            holding.wait()
            let busy = try await client.execute(
                uri: "/finance/budget", method: .post, headers: headers, body: ByteBuffer(string: form))
            release.signal()
            held.wait()

            #expect(busy.status == .serviceUnavailable)
            #expect(busy.headers[.retryAfter] == "1")
            #expect(busy.headers[.contentType] == "text/html; charset=utf-8")
            let text = String(buffer: busy.body)
            #expect(text.contains("The service is busy"))
            #expect(text.contains("nothing was saved"))
            #expect(!text.lowercased().contains("database is locked"))
            await #expect(try commissioning.auditHead() == before)
            let year = try FinancialYear(parsing: "2016/17")
            let overview = try await commissioning.financeOverview(as: "cumbria.finance", year: year)
            #expect(!overview.reconciliation.contains { $0.strand == "VICTIMS" })

            let again = try await client.execute(
                uri: "/finance/budget", method: .post, headers: headers, body: ByteBuffer(string: form))
            #expect(again.status == .seeOther)
            let saved = try await commissioning.financeOverview(as: "cumbria.finance", year: year)
            #expect(
                saved.reconciliation.first { $0.strand == "VICTIMS" && $0.recipient == nil }?.budgetPence == 1_000_000)
        }
    }

    @Test("an unexpected error on a page is the service's own 500 page, not a bare error")
    func unexpectedErrorIsTheServicesOwnPage() async throws {
        let pages = try Pages()
        let middleware = ErrorPages(pages: pages)
        struct Unexpected: Error {}
        let router = Router(context: WebContext.self)
        router.add(middleware: middleware)
        router.get("/fails") { _, _ -> Response in throw Unexpected() }
        router.get("/api/fails") { _, _ -> Response in throw Unexpected() }
        try await Application(router: router).test(.router) { client in
            let page = try await client.execute(uri: "/fails", method: .get)
            #expect(page.status == .internalServerError)
            #expect(String(buffer: page.body).contains("Sorry, there is a problem"))
            #expect(page.headers[.contentType] == "text/html; charset=utf-8")
            let api = try await client.execute(uri: "/api/fails", method: .get)
            #expect(api.status == .internalServerError)
            #expect(!String(buffer: api.body).contains("Sorry, there is a problem"))
        }
    }
}
