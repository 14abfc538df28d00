import Foundation
import Hummingbird
import OPCCServices

/// The load balancer's health check.
let healthPath = "/healthz"

extension Web {
    /// `GET /healthz`: 200 when the database answers a read transaction and has applied exactly the migrations this
    /// binary knows; otherwise 503 with `Retry-After`, naming the check that failed. No sign-in and no session (the
    /// session loader skips it), never cached, and it writes nothing.
    func addHealthRoute(to router: some RouterMethods<WebContext>) {
        router.get(RouterPath(stringLiteral: healthPath)) { _, _ -> Response in
            let health = await app.health()
            let body = HealthBody(
                status: health.isHealthy ? "ok" : "unavailable", database: health.database.rawValue,
                migrations: health.migrations.rawValue, readOnly: readOnly, problem: health.problem)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            var headers: HTTPFields = [.contentType: "application/json", .cacheControl: "no-store"]
            // A database that cannot be read may come back (a restart, a failover); a schema mismatch needs an
            // operator, but the balancer's retry costs one small read.
            if !health.isHealthy { headers[.retryAfter] = "10" }
            return Response(
                status: health.isHealthy ? .ok : .serviceUnavailable, headers: headers,
                body: .init(byteBuffer: ByteBuffer(data: try encoder.encode(body))))
        }
    }

    /// A read-only copy's routes: the public pages as they are (the register, each published Part 1, the transparency
    /// publications, the calendar feeds, the stylesheet), and every staff page, sign-in and API call behind
    /// `ReadOnlyCopy`, which refuses them all. Requests for anything else are 404 as on the main site.
    func addReadOnlyRoutes(to router: Router<WebContext>) {
        addPublicRoutes(to: router)
        addCalendarRoutes(to: router)
        addTransparencyRoutes(to: router)
        addPublicRoundRoutes(to: router)
        let refused = router.group().add(middleware: ReadOnlyCopy(pages: pages, mainSiteURL: mainSiteURL))
        addRoundFormRoutes(to: refused)
        addSignInRoutes(to: refused)
        addAccountRoutes(to: refused)
        addSecondFactorRoutes(to: refused)
        addSetUpRoutes(to: refused)
        addStaffRoutes(to: refused)
        addAPIRoutes(to: refused)
    }
}

/// The health check's answer: `{"database":"reachable","migrations":"current","readOnly":false,"status":"ok"}`,
/// with `problem` naming the failed check when there is one.
struct HealthBody: Encodable {
    let status: String
    let database: String
    let migrations: String
    let readOnly: Bool
    let problem: String?
}

/// Refuses, on a read-only copy, every request that would sign in, read a staff page or change anything: 503, a page
/// (or an API problem) saying this server is a read-only copy and where the main site is. 503 rather than 405: the
/// method is allowed on the main site, so 405 and its `Allow` header would be untrue, and a GET of a staff page is no
/// wrong method; 503 says this server cannot serve it, which a proxy in front can act on (nginx's
/// `proxy_next_upstream http_503` sends it to the primary). No `Retry-After`: asking this server again will not help.
struct ReadOnlyCopy: RouterMiddleware {
    typealias Context = WebContext
    let pages: Pages
    let mainSiteURL: String?

    static let heading = "This is a read-only copy"

    var message: String {
        "This server is a read-only copy: it shows the published decisions and transparency publications only. "
            + "Sign in at the main site\(mainSiteURL.map { ", \($0)/sign-in" } ?? "") to do anything else."
    }

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard request.uri.path.hasPrefix("/api/") || request.uri.path == API.documentPath else {
            return pages.error(.serviceUnavailable, message: message, context: context, heading: Self.heading)
        }
        var response = APIProblem(.serviceUnavailable, rule: "read-only-copy", detail: message).response
        response.headers[.retryAfter] = nil
        return response
    }
}
