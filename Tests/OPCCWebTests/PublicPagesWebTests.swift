import Foundation
import Hummingbird
import HummingbirdTesting
import OPCCCore
import OPCCServices
import OPCCTestSupport
import PropertyBased
import Testing

@testable import OPCCWeb

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// Whether `text` is well-formed XML.
func isWellFormedXML(_ text: String) -> Bool {
    XMLParser(data: Data(text.utf8)).parse()
}

/// A published Cumbria decision made through the services (raised, signed, decided by `maker`, published).
@discardableResult
func publishedCumbria(
    _ app: Commissioning, title: String, amount: String = "£20,000", publicInterest: Bool = false,
    part2: String? = nil, maker: String = "cumbria.pcc"
) async throws -> String {
    var draft = DecisionDraft()
    draft.title = title
    draft.executiveSummary = "A short summary."
    draft.recommendation = "Approve."
    draft.amount = amount
    draft.significantPublicInterest = publicInterest
    if let part2 { draft.part2 = .init(exists: true, reason: "Commercial", content: part2, complete: true) }
    let on = try Day(iso: "2016-06-01")
    let id = try await app.raiseDecision(office: "cumbria", draft: draft, by: "cumbria.officer", on: on).id
    try await app.submitDecision(id, by: "cumbria.officer", on: on)
    try await app.signDecision(id, position: "originating-officer", name: "A", by: "cumbria.officer", on: on)
    try await app.signDecision(id, position: "chief-executive", name: "B", by: "cumbria.chief-executive", on: on)
    try await app.referDecision(id, by: "cumbria.chief-executive", on: on)
    try await app.decide(id, approve: true, interests: "none", by: maker, on: on.adding(days: 1))
    try await app.perform(.publish, on: id, by: "cumbria.officer", on: on.adding(days: 2))
    return id
}

/// Cumbria's profile with a forward plan (above £50,000, or of significant public interest; 28 clear days).
func turnOnCumbriasForwardPlan(_ app: Commissioning) async throws {
    let text = try String(
        contentsOf: repositoryRoot.appendingPathComponent("fixtures/offices/cumbria.yaml"), encoding: .utf8)
    let planned =
        text + "\nforwardPlan:\n  keyDecisionAbove: \"£50,000\"\n  significantPublicInterest: true\n"
        + "  noticeClearDays: 28\n"
    let loaded = try Commissioning.loadProfile(text: planned, source: "cumbria.yaml")
    _ = try await app.editOffice("cumbria", with: loaded, by: "cumbria.chief-executive")
}

@Suite("Web: the public notice, the public registers and their feeds")
struct PublicRegisterWebTests {
    @Test(arguments: TestEngine.all) func theNoticeIsStyledByAFileWithTheOfficesNameAPrintStyleAndThePublicInterestFlag(
        engine: TestEngine
    ) async throws {
        let commissioning = try await makeDemoApp(engine, returns: false)
        let id = try await publishedCumbria(commissioning, title: "Flagged notice", publicInterest: true)
        let app = try await webApp(commissioning: commissioning)
        try await app.test(.router) { client in
            var visitor = Browser(client)
            let notice = try await visitor.get("/register/\(id)")
            #expect(notice.status == .ok)
            #expect(!notice.body.contains("<style"), "the CSP allows no inline style")
            #expect(notice.body.contains(#"<link rel="stylesheet" href="/assets/notice.css">"#))
            #expect(notice.body.contains("Office of the Police and Crime Commissioner for Cumbria"))
            #expect(notice.body.contains(#"<p class="flag"><strong>Significant public interest</strong></p>"#))
            #expect(notice.body.contains(#"<a href="/offices/cumbria/register">"#), "the site's header")
            let response = try await client.execute(uri: "/register/\(id)", method: .get)
            let csp = response.headers[.init("Content-Security-Policy")!] ?? ""
            #expect(csp.contains("default-src 'self'") && !csp.contains("unsafe-inline"))
            let css = try await visitor.get("/assets/notice.css")
            #expect(css.status == .ok)
            #expect(css.body.contains("@media print") && css.body.contains("@page"))
            #expect(css.body.contains("@media (max-width"))
            let unflagged = try await visitor.get(
                "/register/\(try await demoID(engine, "014/2016", office: "cumbria"))")
            #expect(!unflagged.body.contains(#"class="flag""#))
        }
    }

    @Test(arguments: TestEngine.all) func theNationalAndEachOfficesRegisterShowNamesFiltersPagesAndFeeds(
        engine: TestEngine
    ) async throws {
        let commissioning = try await makeDemoApp(engine, returns: false)
        let delegated = try await publishedCumbria(
            commissioning, title: "=HYPERLINK(\"http://x\") delegated grant", maker: "cumbria.chief-executive")
        try await publishedCumbria(commissioning, title: "Large programme", amount: "£250,000")
        var draft = DecisionDraft()
        draft.title = "Never published draft"
        _ = try await commissioning.raiseDecision(office: "cumbria", draft: draft, by: "cumbria.officer")
        let app = try await webApp(commissioning: commissioning)
        try await app.test(.router) { client in
            var visitor = Browser(client)
            let national = try await visitor.get("/register")
            #expect(national.status == .ok)
            #expect(national.body.contains("Office of the Police and Crime Commissioner for Cumbria"))
            #expect(!national.body.contains(">cumbria<"), "office names, not ids")
            #expect(national.body.contains(#"class="nowrap""#))
            #expect(
                national.body.contains("href=\"/register.atom\"") && national.body.contains("href=\"/register.csv\""))
            #expect(!national.body.contains("Never published draft"))
            #expect(!national.body.contains("<style"))

            let office = try await visitor.get("/offices/cumbria/register?delegated=yes")
            #expect(office.status == .ok)
            #expect(office.body.contains("delegated grant"))
            #expect(!office.body.contains("Large programme"))
            #expect(!office.body.contains("Never published draft"))
            #expect(try await visitor.get("/offices/atlantis/register").status == .notFound)
            // An office there is not is a 404 whatever its query, a bad one included (the page is one read).
            #expect(try await visitor.get("/offices/atlantis/register?year=abc").status == .notFound)
            #expect(try await visitor.get("/offices/cumbria/register?year=abc").status == .unprocessableContent)

            let sorted = try await visitor.get("/offices/cumbria/register?sort=amount-highest")
            let large = try #require(sorted.body.range(of: "Large programme"))
            let small = try #require(sorted.body.range(of: "delegated grant"))
            #expect(large.lowerBound < small.lowerBound)

            let bad = try await visitor.get("/register?year=sixteen&min=lots&delegated=maybe&sort=random&status=x")
            #expect(bad.status == .unprocessableContent)
            for field in ["year", "min", "delegated", "sort", "status"] {
                #expect(bad.body.contains("href=\"#\(field)\""), "\(field)")
            }
            let reversed = try await visitor.get("/register?min=100000&max=10")
            #expect(reversed.status == .unprocessableContent)

            let atom = try await visitor.get("/offices/cumbria/register.atom?delegated=yes")
            #expect(atom.status == .ok)
            #expect(isWellFormedXML(atom.body), "\(atom.body)")
            #expect(atom.body.contains("<feed xmlns=\"http://www.w3.org/2005/Atom\""))
            for element in ["<id>", "<title>", "<updated>", "<author>", "<entry>", "<link rel=\"alternate\""] {
                #expect(atom.body.contains(element), "\(element)")
            }
            #expect(atom.body.contains("/register/\(delegated)"))
            #expect(!atom.body.contains("Large programme"))

            let csv = try await visitor.get("/offices/cumbria/register.csv?delegated=yes")
            #expect(csv.status == .ok)
            #expect(csv.body.hasPrefix("office,officeName,number,title,"))
            #expect(csv.body.contains("\r\n"))
            #expect(csv.body.contains("\"'=HYPERLINK(\"\"http://x\"\") delegated grant\""), "\(csv.body)")
            #expect(!csv.body.contains("Large programme"))
            let whole = try await visitor.get("/register.csv")
            #expect(!whole.body.contains("Never published draft"))
            #expect(try await visitor.get("/register.csv?year=x").status == .unprocessableContent)

            // Paging keeps the filters; a sort other than the register's own pages by number.
            let paged = try await visitor.get("/register?sort=newest&page=1")
            #expect(paged.status == .ok)
            #expect(paged.body.contains("Showing 1–"))
        }
    }

    @Test(arguments: TestEngine.all) func theForwardPlanIsPublishedAsAPageCSVAndICalendarWithoutPart2(
        engine: TestEngine
    ) async throws {
        let commissioning = try await makeDemoApp(engine, returns: false)
        try await turnOnCumbriasForwardPlan(commissioning)
        var draft = DecisionDraft()
        draft.title = "Key programme, with; commas \\ and a long title that folds across the iCalendar line limit"
        draft.amount = "£120,000"
        draft.part2 = .init(exists: true, reason: "Commercial", content: tripwire, complete: true)
        let id = try await commissioning.raiseDecision(office: "cumbria", draft: draft, by: "cumbria.officer").id
        try await commissioning.listOnForwardPlan(
            id, expectedOn: try Day(iso: "2027-01-05"), by: "cumbria.officer")
        let app = try await webApp(commissioning: commissioning)
        try await app.test(.router) { client in
            var visitor = Browser(client)
            let page = try await visitor.get("/offices/cumbria/forward-plan")
            #expect(page.status == .ok)
            #expect(page.body.contains("Key programme"))
            #expect(page.body.contains("5\u{A0}January\u{A0}2027"))
            #expect(page.body.contains("28 clear days"))
            let csv = try await visitor.get("/offices/cumbria/forward-plan.csv")
            #expect(csv.body.hasPrefix("office,officeName,number,title,amountPence,"))
            #expect(csv.body.contains("12000000"))
            let ics = try await visitor.get("/offices/cumbria/forward-plan.ics")
            #expect(ics.status == .ok)
            #expect(ics.body.hasPrefix("BEGIN:VCALENDAR\r\n"))
            #expect(ics.body.contains("UID:forward-plan-\(id)@"))
            #expect(ics.body.contains("DTSTAMP:"))
            #expect(ics.body.contains("DTSTART;VALUE=DATE:20270105"))
            #expect(ics.body.contains("with\\; commas \\\\ and"))
            for line in ics.body.components(separatedBy: "\r\n") {
                #expect(line.utf8.count <= 75, "\(line)")
                #expect(!line.contains("\n"))
            }
            for body in [page.body, csv.body, ics.body] { #expect(!body.contains(tripwire)) }
            #expect(try await visitor.get("/offices/lincolnshire/forward-plan").status == .notFound)
            #expect(try await visitor.get("/offices/atlantis/forward-plan.ics").status == .notFound)
            let register = try await visitor.get("/offices/cumbria/register")
            #expect(register.body.contains("href=\"/offices/cumbria/forward-plan\""))
        }
    }

    @Test(arguments: TestEngine.all) func thePanelReportIsAStaffPageWithCSVAndNeverPart2(
        engine: TestEngine
    ) async throws {
        let app = try await webApp(engine: engine)
        try await app.test(.router) { client in
            var visitor = Browser(client)
            let signedOut = try await visitor.get("/panel-report?from=2020-05-01")
            #expect(signedOut.status != .ok)
            // A Part 2 reader of Lincolnshire, whose 007/2020 holds the tripwire: the report still never shows it.
            var officer = Browser(client)
            _ = try await officer.signIn("lincs.officer")
            let empty = try await officer.get("/panel-report")
            #expect(empty.status == .ok)
            let report = try await officer.get("/panel-report?from=2020-05-01&to=2020-06-30")
            #expect(report.status == .ok)
            #expect(report.body.contains("007/2020"))
            #expect(report.body.contains("Decisions taken"))
            #expect(report.body.contains("Money allocated by strand"))
            #expect(!report.body.contains(tripwire))
            let csv = try await officer.get("/panel-report.csv?from=2020-05-01&to=2020-06-30")
            #expect(csv.status == .ok)
            #expect(csv.body.hasPrefix("section,number,title,"))
            #expect(csv.body.contains("decision-taken,007/2020"))
            #expect(!csv.body.contains(tripwire))
            let backwards = try await officer.get("/panel-report?from=2020-07-01&to=2020-06-30")
            #expect(backwards.status == .unprocessableContent)
            #expect(backwards.body.contains("href=\"#from\""))
            #expect(try await officer.get("/panel-report.csv?from=never").status == .unprocessableContent)
        }
    }

    /// Every search box and typed filter of the new pages and exports, each given arbitrary Unicode: an answer (a
    /// page, or a 422 naming the field), never a server error or SQL; a feed answered is well-formed XML.
    static let parameters: [(user: String?, path: String, names: [String])] = {
        let register = ["q", "year", "status", "min", "max", "delegated", "sort", "page", "after"]
        return [
            (nil, "/register", register), (nil, "/register.atom", register), (nil, "/register.csv", register),
            (nil, "/offices/cumbria/register", register), (nil, "/offices/cumbria/register.atom", register),
            (nil, "/offices/cumbria/register.csv", register),
            ("cumbria.officer", "/panel-report", ["from", "to"]),
            ("cumbria.officer", "/panel-report.csv", ["from", "to"]),
        ]
    }()

    @Test(arguments: TestEngine.all) func anyTextInAnyFilterOfThePublicPagesIsAnAnswerNeverAServerError(
        engine: TestEngine
    ) async throws {
        let app = try await webApp(engine: engine)
        try await app.test(.router) { client in
            var officer = Browser(client)
            _ = try await officer.signIn("cumbria.officer")
            var visitor = Browser(client)
            await propertyCheck(count: 15, input: HostileText.text) { text in
                let value = HostileText.encoded(text)
                for (user, path, names) in Self.parameters {
                    for name in names {
                        var browser = user == nil ? visitor : officer
                        let page = try await browser.get("\(path)?\(name)=\(value)")
                        if user == nil { visitor = browser } else { officer = browser }
                        #expect(
                            page.status == .ok || page.status == .unprocessableContent,
                            "\(path)?\(name)=\(text.debugDescription): \(page.status)")
                        for leak in storeLeaks { #expect(!page.body.contains(leak), "\(path)?\(name): \(leak)") }
                        #expect(!page.body.contains(tripwire))
                        if path.hasSuffix(".atom"), page.status == .ok {
                            #expect(isWellFormedXML(page.body), "\(path)?\(name)=\(text.debugDescription)")
                        }
                    }
                }
            }
        }
    }
}

@Suite("Core: the Atom feed is well formed whatever the text")
struct AtomFeedTests {
    @Test func anyTitleMakesAWellFormedFeedWithEveryRequiredElement() async {
        await propertyCheck(count: 200, input: HostileText.text) { text in
            let feed = AtomFeed(
                id: "https://opcc.example/register.atom?q=\(text)", title: text, updated: "2016-03-14T00:00:00Z",
                author: text, selfLink: "https://opcc.example/register.atom", alternateLink: "https://opcc.example/",
                entries: [
                    .init(
                        id: "https://opcc.example/register/x", title: text, updated: "2016-03-14T00:00:00Z",
                        link: "https://opcc.example/register/x", summary: text)
                ])
            #expect(isWellFormedXML(feed.xml), "\(text.debugDescription)")
        }
    }
}
