import Foundation
import Hummingbird
import HummingbirdTesting
import Mustache
import OPCCServices
import OPCCTestSupport
import Testing

@testable import OPCCWeb

/// A router that only lists the routes added to it (groups add theirs through it), so a test can see every page
/// route the web application has.
final class RouteRecorder: RouterMethods, @unchecked Sendable {
    typealias Context = WebContext
    private(set) var routes: [(method: HTTPRequest.Method, path: String)] = []

    @discardableResult func on<Responder: HTTPResponder>(
        _ path: RouterPath, method: HTTPRequest.Method, responder: Responder
    ) -> Self where Responder.Context == WebContext {
        routes.append((method, path.description))
        return self
    }

    func add(middleware: any MiddlewareProtocol<Request, Response, WebContext>) -> Self { self }
}

@Suite("Web: one sign-in requirement for every staff page")
struct StaffRouteTests {
    /// The pages anyone may reach signed out. Any other page route is a staff page.
    static let publicRoutes: Set<String> = [
        "GET /assets/opcc.css", "GET /", "GET /register", "GET /register/{id}", "GET /calendar/{file}",
        "GET /sign-in", "POST /sign-in", "POST /sign-out", "GET /transparency", "GET /transparency/360giving.json",
        "GET /transparency/grants", "GET /transparency/grants.csv", "GET /transparency/grants.json",
        "GET /transparency/spending", "GET /transparency/spending.csv", "GET /transparency/spending.json",
        "GET /transparency/contracts", "GET /transparency/contracts.csv", "GET /transparency/contracts.json",
        "GET /sign-in/forgot", "POST /sign-in/forgot", "GET /account/link/{token}", "POST /account/link/{token}",
        "GET /documents/{id}", "GET /setup/{token}", "POST /setup/{token}",
        // Issue 28: the notice's stylesheet, the registers' feeds, each office's register and forward plan.
        "GET /assets/notice.css", "GET /register.atom", "GET /register.csv", "GET /offices/{office}/register",
        "GET /offices/{office}/register.atom", "GET /offices/{office}/register.csv",
        "GET /offices/{office}/forward-plan",
        "GET /offices/{office}/forward-plan.csv", "GET /offices/{office}/forward-plan.ics",
        // Issue 29: the published rounds, and partners' sign-up (which the sign-in cookie's path holds under /sign-in).
        "GET /rounds", "GET /rounds/{id}", "GET /sign-up", "GET /sign-in/sign-up", "POST /sign-in/sign-up",
    ]

    /// Every page route as `METHOD /path`, read from the routes the application adds.
    static func pageRoutes() async throws -> [(method: HTTPRequest.Method, path: String)] {
        let recorder = RouteRecorder()
        try await Web(configuration: WebConfiguration(commissioning: sharedApp(.sqlite))).addPageRoutes(to: recorder)
        return recorder.routes
    }

    @Test(arguments: TestEngine.all) func everyStaffPageRedirectsASignedOutVisitorToSignInAndRefusesASignedOutForm(
        engine: TestEngine
    ) async throws {
        let routes = try await Self.pageRoutes()
        let staff = routes.filter { !Self.publicRoutes.contains("\($0.method) \($0.path)") }
        // The staff pages are most of the routes: the list is read from the router, not typed in here.
        #expect(staff.count >= 30)
        #expect(staff.contains { $0.method == .get && $0.path == "/decisions/{id}" })
        #expect(staff.contains { $0.method == .post && $0.path == "/finance/carry-forwards/{id}/decide" })
        let app = try await webApp(engine: engine)
        try await app.test(.router) { client async throws in
            for route in staff {
                // Each parameter as a made-up id: signed out, the record is never looked up.
                let uri = route.path.replacingOccurrences(of: #"\{[^}]*\}"#, with: "x", options: .regularExpression)
                var browser = Browser(client)
                if route.method == .get {
                    let page = try await browser.get(uri)
                    #expect(page.status == .found, "GET \(route.path)")
                    #expect(page.location == "/sign-in", "GET \(route.path)")
                } else {
                    let page = try await browser.post(uri, ["title": "signed out"], csrf: "made-up")
                    #expect(page.status == .forbidden, "\(route.method) \(route.path)")
                    #expect(page.body.contains("The form has expired or did not come from this site."))
                }
            }
        }
    }

    @Test(arguments: TestEngine.all) func thePublicPagesStayOpenToASignedOutVisitor(engine: TestEngine) async throws {
        let routes = try await Self.pageRoutes().map { "\($0.method) \($0.path)" }
        #expect(Set(routes).isSuperset(of: Self.publicRoutes))
        let app = try await webApp(engine: engine)
        try await app.test(.router) { client async throws in
            var browser = Browser(client)
            for uri in ["/register", "/sign-in", "/transparency", "/transparency/grants"] {
                #expect(try await browser.get(uri).status == .ok, "GET \(uri)")
            }
        }
    }

    @Test func aRouteAddedToTheStaffGroupIsGuardedWithoutAGuardOfItsOwn() async throws {
        let router = Router(context: WebContext.self)
        router.add(middleware: ErrorPages(pages: try Pages()))
        let staff = router.group().add(middleware: RequireSignIn())
        staff.get("/new-page") { _, _ in "reached" }
        staff.post("/new-page") { _, _ in "reached" }
        try await Application(router: router).test(.router) { client async throws in
            let page = try await client.execute(uri: "/new-page", method: .get)
            #expect(page.status == .found)
            #expect(page.headers[.location] == "/sign-in")
            let form = try await client.execute(uri: "/new-page", method: .post)
            #expect(form.status == .forbidden)
            #expect(!String(buffer: form.body).contains("reached"))
        }
    }
}

@Suite("Web: page models as the templates read them")
struct PageModelTests {
    struct Row: Encodable {
        var name: String
        var note: String?
    }

    struct Model: Encodable {
        var title: String
        var empty: String
        var missing: String?
        var count: Int
        var pence: Int64
        var shown: Bool
        var hidden: Bool
        var rows: [Row]
        var none: [Row]
        var fields: [String: String]
        var note: String
    }

    static let model = Model(
        title: "A <b>title</b>", empty: "", missing: nil, count: 0, pence: -1250, shown: true, hidden: false,
        rows: [.init(name: "first", note: "own"), .init(name: "second")], none: [], fields: ["a_b": "x"],
        note: "outer")

    func render(_ template: String) throws -> String {
        let library = MustacheLibrary(templates: ["t": try MustacheTemplate(string: template)])
        return library.render(try TemplateValue(encoding: Self.model), withTemplate: "t") ?? "(nothing)"
    }

    @Test func textIsEscapedAndAnEmptyTextIsFalseInASection() async throws {
        #expect(try render("{{title}}") == "A &lt;b&gt;title&lt;/b&gt;")
        #expect(try render("[{{empty}}]{{#empty}}shown{{/empty}}{{^empty}}blank{{/empty}}") == "[]blank")
    }

    @Test func aNilOptionalIsNotThereSoTheEnclosingValueIsRead() async throws {
        #expect(try render("[{{missing}}]{{^missing}}absent{{/missing}}") == "[]absent")
        // The second row has no note of its own: the template reads the page's, as it would for a missing key.
        #expect(try render("{{#rows}}{{name}}:{{note}} {{/rows}}") == "first:own second:outer ")
    }

    @Test func numbersAreTextAndFlagsAreSectionConditions() async throws {
        #expect(try render("{{count}} {{pence}}") == "0 -1250")
        #expect(try render("{{#count}}zero is a value{{/count}}") == "zero is a value")
        #expect(
            try render("{{#shown}}yes{{/shown}}{{#hidden}}no{{/hidden}}{{^hidden}}not hidden{{/hidden}}")
                == "yesnot hidden")
    }

    @Test func arraysRepeatAndFirstTellsWhetherThereAreAny() async throws {
        #expect(try render("{{#first(rows)}}<table>{{/first(rows)}}") == "<table>")
        #expect(try render("{{#first(none)}}<table>{{/first(none)}}{{^none}}none{{/none}}") == "none")
    }

    @Test func dictionariesAndNestedStructsAreObjectsTheTemplateNames() async throws {
        #expect(try render("{{fields.a_b}}{{#fields.a_c}}no{{/fields.a_c}}") == "x")
    }
}
