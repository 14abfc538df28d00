import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import OPCCCore
import OPCCServices
import OPCCStore
import OPCCTestSupport
import Synchronization
import Testing

@testable import OPCCWeb

/// The demo's Part 2 tripwire: it must reach only people allowed to read Part 2.
let tripwire = "Part 2 test content: not for publication."

let repositoryRoot: URL = {
    var url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    while !FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
        url = url.deletingLastPathComponent()
    }
    return url
}()

/// One demo database per engine for the whole test run (loading the demo takes a while); each test raises its own
/// records.
let sharedApps = PerEngine { try await makeDemoApp($0) }
/// The shared demo database on `engine`, made on first use.
func sharedApp(_ engine: TestEngine) async throws -> Commissioning { try await sharedApps(engine) }

/// A demo database of its own on `engine` (SQLite on a file, or a PostgreSQL database cloned for it), every person
/// with the demo password.
func makeDemoApp(_ engine: TestEngine, returns: Bool = true) async throws -> Commissioning {
    guard engine != .sqlite else { return await makeDemoDatabase(returns: returns).app }
    let app = try commissioning(over: try await engine.makeStore())
    try await loadDemo(into: app, returns: returns)
    return app
}

/// `count` applications over one new demo database on `engine`, as that many server processes would open it.
func makeDemoApps(_ engine: TestEngine, _ count: Int, returns: Bool = true) async throws -> [Commissioning] {
    let apps = try await engine.makeStores(count).map(commissioning(over:))
    try await loadDemo(into: apps[0], returns: returns)
    return apps
}

/// An application over `store` as `opcc serve` opens one, its clock fixed on the tests' day.
func commissioning(over store: TestStore) throws -> Commissioning {
    let home = ProductHome(root: repositoryRoot)
    return try Commissioning(
        store: store, catalog: try WorkflowCatalog.load(from: home, registry: .standard),
        calendar: try WorkingDayCalendar.load(from: home), clock: FixedClock(day: try Day(iso: "2026-11-20")))
}

/// `makeDemoApp`, with the path of its database file (for a second connection to it).
func makeDemoDatabase(returns: Bool = true) async -> (app: Commissioning, path: String) {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("opcc-web-tests-\(UUID().uuidString)")
    try! FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let path = dir.appendingPathComponent("web.sqlite").path
    let app = try! Commissioning.open(
        home: ProductHome(root: repositoryRoot), databasePath: path, clock: FixedClock(day: try! Day(iso: "2026-11-20"))
    )
    try! await loadDemo(into: app, returns: returns)
    return (app, path)
}

/// Loads the demo into `app` and gives every person the demo password.
func loadDemo(into app: Commissioning, returns: Bool) async throws {
    _ = try await app.loadDemo(from: ProductHome(root: repositoryRoot), returns: returns)
    let hash = Passwords.hash(Passwords.demoPassword, cost: 4)
    for person in try await app.everyone() { try await app.setPasswordHash(hash, of: person.name) }
}

/// The sign-in throttle of the tests' servers unless a test names one. Many tests sign the same demo people in at
/// once on one database, each attempt counting as a failure until its password is checked, and the tests' clock stands
/// still, so a wait would never pass; the throttle's own tests pass `.init()` or a policy of their own.
let concurrentTestsThrottle = SignInThrottlePolicy(freeFailuresPerAccount: 10_000, freeFailuresPerAddress: 10_000)

/// A server over `commissioning`, or else over the shared demo database on `engine`.
func webApp(
    engine: TestEngine = .sqlite, throttle: SignInThrottlePolicy = concurrentTestsThrottle,
    commissioning: Commissioning? = nil,
    home: ProductHome? = nil,
    port: Int = 8080, trustedProxies: [String] = [], publicURL: String? = nil
) async throws -> some ApplicationProtocol {
    var logger = Logger(label: "opcc.web.tests")
    logger.logLevel = .warning
    let commissioning = if let commissioning { commissioning } else { try await sharedApp(engine) }
    var configuration = WebConfiguration(
        commissioning: commissioning, port: port, logger: logger, throttle: throttle, trustedProxies: trustedProxies,
        publicURL: publicURL)
    configuration.home = home
    return try await buildApplication(configuration: configuration)
}

/// Every response body of the run, with who received it; each is checked for the tripwire as it arrives.
let collected = Mutex<[(user: String?, body: String)]>([])

/// Whether a person may read Part 2 of the Lincolnshire record that holds the tripwire (the same on every demo
/// database, so the SQLite one answers for all).
func mayReadTripwire(_ user: String?) async -> Bool {
    guard let user, let person = try? await sharedApp(.sqlite).person(named: user), person.office == "lincolnshire",
        let profile = try? await sharedApp(.sqlite).profile(of: "lincolnshire")
    else { return false }
    return !person.actor.roles(covering: nil).isDisjoint(with: profile.part2Readers)
}

func record(_ body: String, user: String?, sourceLocation: SourceLocation = #_sourceLocation) async {
    collected.withLock { $0.append((user, body)) }
    if body.contains(tripwire) {
        #expect(
            await mayReadTripwire(user), "Part 2 content reached \(user ?? "the public")",
            sourceLocation: sourceLocation)
    }
}

/// A browser: keeps the session cookie and the sign-in cookie, finds the form token, records every body.
struct Browser {
    let client: any TestClientProtocol
    var user: String?
    /// The session cookie's value.
    var cookie: String?
    /// The sign-in nonce cookie's value.
    var signInCookie: String?
    /// The banner cookie of the step just taken (`opcc_flash`), sent back once like a browser would.
    var flashCookie: String?
    var csrf: String?
    /// Headers sent with every request (`X-Forwarded-For` in the throttle's tests).
    var extraHeaders: HTTPFields = [:]

    init(_ client: any TestClientProtocol) { self.client = client }

    struct Page {
        let status: HTTPResponse.Status
        let body: String
        let location: String?
        let setCookie: String?
    }

    mutating func get(_ uri: String) async throws -> Page {
        try await send(uri, method: .get, body: nil)
    }

    /// Posts a form; the session's CSRF token is added unless `csrf` is given.
    mutating func post(_ uri: String, _ fields: [String: String] = [:], csrf: String? = nil) async throws -> Page {
        var all = fields
        all["csrf"] = csrf ?? self.csrf ?? ""
        let text = all.map { "\(escape($0.key))=\(escape($0.value))" }.joined(separator: "&")
        return try await send(uri, method: .post, body: text)
    }

    private func escape(_ s: String) -> String {
        s.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? s
    }

    private mutating func send(_ uri: String, method: HTTPRequest.Method, body: String?) async throws -> Page {
        var headers = extraHeaders
        let cookies = [
            cookie.map { "opcc_session=\($0)" }, signInCookie.map { "opcc_sign_in=\($0)" },
            flashCookie.map { "opcc_flash=\($0)" },
        ].compactMap { $0 }
        if !cookies.isEmpty { headers[.cookie] = cookies.joined(separator: "; ") }
        if body != nil { headers[.contentType] = "application/x-www-form-urlencoded" }
        let response = try await client.execute(
            uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) })
        let text = String(buffer: response.body)
        await record(text, user: user)
        let setCookies = response.headers[values: .setCookie]
        for setCookie in setCookies {
            if setCookie.hasPrefix("opcc_flash=") {
                // An expired banner cookie has an empty value, which the split below would drop.
                let value = setCookie.dropFirst("opcc_flash=".count).prefix { $0 != ";" }
                flashCookie = value.isEmpty ? nil : String(value)
                continue
            }
            let pair = setCookie.split(separator: ";").first?.split(separator: "=", maxSplits: 1) ?? []
            guard pair.count == 2 else { continue }
            let value = pair[1].isEmpty ? nil : String(pair[1])
            if pair[0] == "opcc_session" { cookie = value }
            if pair[0] == "opcc_sign_in" { signInCookie = value }
        }
        let setCookie = setCookies.first { $0.hasPrefix("opcc_session=") } ?? setCookies.first
        // The last form's token: on the sign-in page of a signed-in browser the header's sign-out form carries the
        // session's token and the sign-in form, after it, its own.
        let marker = #"name="csrf" value=""#
        if text.contains(marker), let last = text.components(separatedBy: marker).last?.prefix(while: { $0 != "\"" }),
            !last.isEmpty, last.allSatisfy(\.isHexDigit)
        {
            csrf = String(last)
        }
        #expect(response.status.code < 500, "\(method) \(uri) gave \(response.status)")
        return Page(status: response.status, body: text, location: response.headers[.location], setCookie: setCookie)
    }

    /// Signs in with the demo password.
    mutating func signIn(_ name: String, password: String = Passwords.demoPassword) async throws -> Page {
        _ = try await get("/sign-in")
        let page = try await post("/sign-in", ["username": name, "password": password])
        if page.status == .seeOther {
            user = name
            _ = try await get("/home")
        }
        return page
    }
}

/// The record id of a demo decision by number.
func demoID(_ engine: TestEngine, _ number: String, office: String) async throws -> String {
    try await sharedApp(engine).decisionID(number, office: office)
}
