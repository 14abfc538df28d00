import Foundation
import Hummingbird
import Logging
import OPCCCore
import OPCCServices
import ServiceLifecycle

/// What the web application needs: the application services and where to listen.
public struct WebConfiguration: Sendable {
    public var commissioning: Commissioning
    public var hostname: String
    public var port: Int
    /// Marks the session cookie Secure: set it when the server is reached through TLS (a proxy in front).
    public var secureCookies: Bool
    public var logger: Logger
    /// How failed sign-ins slow the next attempt (per account, per address and account, per address).
    public var throttle: SignInThrottlePolicy
    /// When sessions end (idle, and absolute).
    public var sessions: SessionPolicy
    /// Peers whose `X-Forwarded-For` is believed (the TLS proxy in front): IP addresses, as `--trusted-proxy`.
    public var trustedProxies: [String]
    /// The address the public reaches the server at (`https://opcc.example`), for every absolute URL the server
    /// writes (calendar feeds' links). Nil: `http://HOSTNAME:PORT`, never the request's Host header.
    public var publicURL: String?
    /// Runs the deadline sweep once a day while serving (`opcc serve` sets it; the tests do not).
    public var dailySweep: Bool = false
    /// The product home, where the API reads VLI schemes (`opcc serve` sets it).
    public var home: ProductHome?
    /// A read-only copy (`opcc serve --read-only`): public pages and `/healthz` only, no sessions, no sweep; every
    /// other page, sign-in and API call is refused (see `ReadOnlyCopy`).
    public var readOnly: Bool = false
    /// Where a read-only copy sends people who want to sign in (`--main-site`), checked like `publicURL`.
    public var mainSiteURL: String?
    /// Delivers the outbox while serving (`opcc serve --smtp-url`); nil: nothing is sent, the mail stays in the outbox.
    public var delivery: MailDelivery?
    /// The demo without a relay (`opcc serve --demo` with no `--smtp-url`): /demo/outbox shows what would be sent.
    public var demoOutbox: Bool = false
    /// The largest document a person may upload (`opcc serve --document-limit-mb`, 25 MB by default); an upload's
    /// body may carry a little more, for the form's fields.
    public var documentLimitBytes: Int64 = DocumentRules.defaultSizeLimitBytes
    /// How long a public page is kept for the public (`opcc serve --public-cache-seconds`, `PublicPageCache`): a
    /// change made through this server shows at once, one made by another process within this many seconds; 0 keeps
    /// none.
    public var publicCacheSeconds: Double = 1

    public init(
        commissioning: Commissioning, hostname: String = "127.0.0.1", port: Int = 8080, secureCookies: Bool = false,
        logger: Logger = Logger(label: "opcc.web"), throttle: SignInThrottlePolicy = .init(),
        sessions: SessionPolicy = .init(), trustedProxies: [String] = [], publicURL: String? = nil
    ) {
        self.commissioning = commissioning
        self.hostname = hostname
        self.port = port
        self.secureCookies = secureCookies
        self.logger = logger
        self.throttle = throttle
        self.sessions = sessions
        self.trustedProxies = trustedProxies
        self.publicURL = publicURL
    }

    /// A `--public-url` as the server uses it: `http` or `https`, a host and perhaps a port, nothing else (the
    /// server answers at the root, so a path, a query, a fragment or a user name would make wrong links); without a
    /// trailing slash.
    public static func checkedPublicURL(_ text: String) throws -> String {
        let problem = { (why: String) in
            WebConfigurationError(
                message: "--public-url '\(text)' \(why), e.g. https://opcc.example or http://127.0.0.1:8080")
        }
        guard let parts = URLComponents(string: text), let scheme = parts.scheme?.lowercased(),
            scheme == "http" || scheme == "https"
        else { throw problem("must begin with http:// or https://") }
        guard let host = parts.percentEncodedHost, !host.isEmpty else { throw problem("has no host") }
        guard parts.user == nil, parts.password == nil else { throw problem("must not carry a user name or password") }
        guard parts.percentEncodedPath.isEmpty || parts.percentEncodedPath == "/" else {
            throw problem("must not have a path (the server answers at the root)")
        }
        guard parts.percentEncodedQuery == nil, parts.percentEncodedFragment == nil else {
            throw problem("must not have a query or a fragment")
        }
        let bracketed = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        return "\(scheme)://\(bracketed.lowercased())" + (parts.port.map { ":\($0)" } ?? "")
    }

    /// A `--main-site` as the server links to it: the same form as `--public-url`.
    public static func checkedMainSiteURL(_ text: String) throws -> String {
        do { return try checkedPublicURL(text) } catch let error as WebConfigurationError {
            throw WebConfigurationError(
                message: error.message.replacingOccurrences(of: "--public-url", with: "--main-site"))
        }
    }

    /// A `--trusted-proxy` as the server compares it: an IPv4 or IPv6 address in canonical form.
    public static func checkedTrustedProxy(_ text: String) throws -> String {
        guard let address = normalisedIPAddress(text.trimmingCharacters(in: .whitespaces)) else {
            throw WebConfigurationError(
                message: "--trusted-proxy '\(text)' is not an IP address: give the proxy's address, e.g. 127.0.0.1 "
                    + "or ::1 (one option per proxy)")
        }
        return address
    }

    /// The base of absolute URLs: `publicURL`, else where the server listens.
    var absoluteBase: String {
        if let publicURL { return publicURL }
        let host = hostname.contains(":") ? "[\(hostname)]" : hostname
        return "http://\(host):\(port)"
    }
}

/// A configuration the server cannot start with, and why.
public struct WebConfigurationError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}

/// The web application: used by `opcc serve` and by the tests. The routes only translate HTTP to the application
/// services, which hold every rule and every authorisation check.
public func buildApplication(configuration: WebConfiguration) async throws -> some ApplicationProtocol {
    let web = try await Web(configuration: configuration)
    let router = Router(context: WebContext.self)
    router.add(middleware: RequestLogMiddleware())
    router.add(middleware: SecurityHeaders())
    if !configuration.readOnly {
        router.add(middleware: SessionLoader(app: web.app, policy: web.sessionPolicy))
    }
    router.add(middleware: ErrorPages(pages: web.pages))
    router.add(middleware: APIErrors())
    let wakeUp = DeliveryWakeUp()
    if configuration.delivery != nil && !configuration.readOnly {
        router.add(middleware: DeliveryWakeMiddleware(wakeUp: wakeUp))
    }
    web.addRoutes(to: router)
    var services: [any Service] = []
    if configuration.dailySweep && !configuration.readOnly {
        services.append(DailySweep(app: configuration.commissioning, logger: configuration.logger))
    }
    if let delivery = configuration.delivery, !configuration.readOnly {
        services.append(
            DeliveryWorker(
                app: configuration.commissioning, delivery: delivery, wakeUp: wakeUp, logger: configuration.logger))
    }
    return Application(
        router: router,
        configuration: .init(
            address: .hostname(configuration.hostname, port: configuration.port), serverName: "opcc"),
        services: services, logger: configuration.logger)
}

/// The state the routes share: services, the sign-in policies and form signer, and the templates. Sessions and the
/// throttle's counters are in the database, so that several server processes on one database agree.
struct Web: Sendable {
    let app: Commissioning
    let throttle: SignInThrottlePolicy
    let sessionPolicy: SessionPolicy
    let signInForms: SignInFormTokens
    let trustedProxies: Set<String>
    /// The base of every absolute URL (`https://opcc.example`), never taken from a request.
    let publicURL: String
    let pages: Pages
    let secureCookies: Bool
    let home: ProductHome?
    let readOnly: Bool
    let mainSiteURL: String?
    let demoOutbox: Bool
    let documentLimitBytes: Int64
    let publicPages: PublicPageCache

    init(configuration: WebConfiguration) async throws {
        app = configuration.commissioning
        throttle = configuration.throttle
        sessionPolicy = configuration.sessions
        readOnly = configuration.readOnly
        mainSiteURL = try configuration.mainSiteURL.map(WebConfiguration.checkedMainSiteURL)
        // A read-only copy signs no one in, and may not store the sign-in forms' key: an unused key of its own.
        signInForms = readOnly ? SignInFormTokens(keyHex: randomToken()) : try await app.signInFormTokens()
        trustedProxies = Set(try configuration.trustedProxies.map(WebConfiguration.checkedTrustedProxy))
        publicURL = try configuration.publicURL.map(WebConfiguration.checkedPublicURL) ?? configuration.absoluteBase
        pages = try Pages()
        secureCookies = configuration.secureCookies
        home = configuration.home
        demoOutbox = configuration.demoOutbox && !configuration.readOnly
        documentLimitBytes = configuration.documentLimitBytes
        publicPages = PublicPageCache(lifetimeSeconds: configuration.publicCacheSeconds, commits: app.commits)
    }

    func addRoutes(to router: Router<WebContext>) {
        addHealthRoute(to: router)
        guard !readOnly else { return addReadOnlyRoutes(to: router) }
        addPageRoutes(to: router)
        addAPIRoutes(to: router)
    }

    /// Every page: the public ones (the published register, the feeds, sign-in, transparency) as they are, and every
    /// staff page in one group behind `RequireSignIn`, so no staff page can be added without it.
    func addPageRoutes(to router: some RouterMethods<WebContext>) {
        addPublicRoutes(to: router)
        addDocumentRoutes(to: router)
        addCalendarRoutes(to: router)
        addSignInRoutes(to: router)
        addAccountRoutes(to: router)
        addSecondFactorRoutes(to: router)
        addSetUpRoutes(to: router)
        addTransparencyRoutes(to: router)
        addRoundRoutes(to: router)
        addStaffRoutes(to: router.group().add(middleware: RequireSignIn()))
    }

    /// The pages only a signed-in person sees.
    func addStaffRoutes(to staff: RouterGroup<WebContext>) {
        addDecisionRoutes(to: staff)
        addDocumentFormRoutes(to: staff)
        addReturnRoutes(to: staff)
        addFinanceRoutes(to: staff)
        addAreaRoutes(to: staff)
        addNotificationRoutes(to: staff)
        addSecondFactorAccountRoutes(to: staff)
        addPeopleRoutes(to: staff)
        addImportRoutes(to: staff)
        addPanelReportRoutes(to: staff)
    }
}

/// The sign-in every staff page requires, in one place. Signed out, a page (GET) redirects to the sign-in form and
/// a form (POST) is refused as one that did not come from this site (403), exactly as its CSRF check would refuse it.
struct RequireSignIn: RouterMiddleware {
    typealias Context = WebContext

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard context.user == nil else { return try await next(request, context) }
        if request.method == .get || request.method == .head { return .redirect(to: "/sign-in", type: .found) }
        throw Web.foreignForm
    }
}

/// The deadline sweep (returns and Part 1 publication) every 24 hours; stops on graceful shutdown.
struct DailySweep: Service {
    let app: Commissioning
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do { try await Task.sleep(for: .seconds(24 * 60 * 60)) } catch { return }
                do {
                    let entries = try await app.sweepDeadlines()
                    logger.info("deadline sweep", metadata: ["recorded": .stringConvertible(entries.count)])
                } catch {
                    logger.error(
                        "deadline sweep failed", metadata: ["error": .string(loggedError(error))])
                }
            }
        }
    }
}

/// One log line per request with its id, method, route and status: never a query string, a name or a body.
struct RequestLogMiddleware: RouterMiddleware {
    typealias Context = WebContext

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let start = ContinuousClock.now
        var metadata: Logger.Metadata = [
            "request_id": .string(context.id), "method": .string(request.method.rawValue),
            "path": .string(loggedPath(request.uri.path)),
        ]
        do {
            var response = try await next(request, context)
            response.headers[.init("X-Request-Id")!] = context.id
            metadata["status"] = .stringConvertible(response.status.code)
            metadata["ms"] = .stringConvertible((ContinuousClock.now - start).milliseconds)
            context.logger.info("request", metadata: metadata)
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status.code ?? 500
            metadata["status"] = .stringConvertible(status)
            metadata["ms"] = .stringConvertible((ContinuousClock.now - start).milliseconds)
            if status >= 500 {
                // The error's type only: its text may carry what a request held.
                metadata["error"] = .string(loggedError(error))
                context.logger.error("request failed", metadata: metadata)
            } else {
                context.logger.info("request", metadata: metadata)
            }
            throw error
        }
    }
}

/// An error as logged: its type, and for a store failure its kind with SQLite's result code or PostgreSQL's SQLSTATE;
/// never its text, which may carry what a request held (and a database error's, the statement).
func loggedError(_ error: any Error) -> String {
    if let failure = error as? StorageFailure {
        switch failure.kind {
        case .failed(let code): return "StorageFailure.failed(resultCode: \(code))"
        case .serverFailed(let state): return "StorageFailure.serverFailed(sqlState: \(state))"
        case .cannotOpen: return "StorageFailure.cannotOpen"
        case .duplicate: return "StorageFailure.duplicate"
        case .notFound: return "StorageFailure.notFound"
        case .staleVersion: return "StorageFailure.staleVersion"
        case .unreadable: return "StorageFailure.unreadable"
        case .busy: return "StorageFailure.busy"
        case .connectionLost: return "StorageFailure.connectionLost"
        }
    }
    return String(describing: type(of: error))
}

/// The path as logged: a personal calendar feed's secret, and a one-time link's token, are never written to a log.
func loggedPath(_ path: String) -> String {
    if path.hasPrefix("/account/link/") { return "/account/link/(secret)" }
    if path.hasPrefix("/setup/") { return "/setup/(secret)" }
    guard path.hasPrefix("/calendar/"), path != "/calendar/public.ics" else { return path }
    return "/calendar/(secret)"
}

extension Duration {
    var milliseconds: Int64 { components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000 }
}

/// Errors the routes throw, as the service's own error page, for browsers; the JSON API under /api/ answers in its
/// own format. An HTTP error (no such page, a form without its token) keeps its status. A database other writers
/// kept busy past every attempt is a 503 "try again" page with `Retry-After`: the transaction was rolled back whole,
/// so nothing was saved and sending the form again is safe. Anything else is the 500 page, and its type is logged.
struct ErrorPages: RouterMiddleware {
    typealias Context = WebContext
    let pages: Pages

    static let busyMessage =
        "The service was busy with other changes and nothing was saved. Wait a moment, then go back and try again."

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard !request.uri.path.hasPrefix("/api/") else { return try await next(request, context) }
        do {
            return try await next(request, context)
        } catch let error as HTTPError {
            let message =
                error.body
                ?? (error.status == .notFound
                    ? "If you typed the web address, check it is correct." : "Sorry, there is a problem.")
            var response = pages.error(error.status, message: message, context: context)
            for header in error.headers { response.headers.append(header) }
            return response
        } catch let error as any HTTPResponseError {
            // Other errors that carry their own status (a body over the limit is 413): as they are.
            throw error
        } catch let error where Refusal.status(of: error) != nil {
            // A refusal no form took back: the status follows from its kind (403 when the person may not, 404 when
            // the record is not there for them), the page says why.
            return pages.error(Refusal.status(of: error)!, message: Refusal.message(of: error), context: context)
        } catch let failure as StorageFailure where failure.kind == .busy {
            context.logger.warning("database busy", metadata: ["request_id": .string(context.id)])
            var response = pages.error(.serviceUnavailable, message: Self.busyMessage, context: context)
            response.headers[.retryAfter] = "1"
            return response
        } catch {
            // The error's type only: its text may carry what a request held.
            context.logger.error(
                "request failed",
                metadata: [
                    "request_id": .string(context.id), "error": .string(loggedError(error)),
                ])
            return pages.error(.internalServerError, message: "Sorry, there is a problem.", context: context)
        }
    }
}
