import Foundation
import GRDB
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

/// A server over `commissioning`, read-only or not, as `opcc serve` builds it (without its sweep).
private func server(
    _ commissioning: Commissioning, readOnly: Bool = false, mainSite: String? = nil,
    sessions: SessionPolicy = .init()
) async throws -> some ApplicationProtocol {
    var logger = Logger(label: "opcc.web.tests")
    logger.logLevel = .warning
    var configuration = WebConfiguration(commissioning: commissioning, logger: logger, sessions: sessions)
    configuration.readOnly = readOnly
    configuration.mainSiteURL = mainSite
    return try await buildApplication(configuration: configuration)
}

/// An empty, fully migrated database of its own, its path, and the app over it.
private func migratedDatabase() throws -> (app: Commissioning, path: String) {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("opcc-health-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let path = dir.appendingPathComponent("health.sqlite").path
    return (try Commissioning.open(home: ProductHome(root: repositoryRoot), databasePath: path), path)
}

/// The health check's body as a dictionary.
private func healthBody(_ response: TestResponse) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
}

/// Every web session row, as text, to compare before and after.
private func sessionRows(_ queue: DatabaseQueue) async throws -> [String] {
    try await queue.read { db in try Row.fetchAll(db, sql: "SELECT * FROM web_session").map(\.description) }
}

/// A store that answers until it is broken, then fails every read as a disk that cannot be read would.
private final class BreakableStore: CommissioningStore, MigrationStatusStore {
    let base: TestStore
    let broken = Mutex(false)
    init(_ base: TestStore) { self.base = base }

    private func check() throws { if broken.withLock({ $0 }) { throw StoreError.failed(resultCode: 10) } }
    func write<T: Sendable>(_ body: @Sendable (any StoreTransaction) throws -> T) async throws -> T {
        try check()
        return try await base.write(body)
    }
    func read<T: Sendable>(_ body: @Sendable (any StoreTransaction) throws -> T) async throws -> T {
        try check()
        return try await base.read(body)
    }
    func readWhileStarting<T>(_ body: (any StoreTransaction) throws -> T) throws -> T {
        try check()
        return try base.readWhileStarting(body)
    }
    func migrationStatus() async throws -> MigrationStatus {
        try check()
        return try await base.migrationStatus()
    }
}

@Suite("Web: the health check")
struct HealthCheckTests {
    @Test(
        "the health check is 200 ok when the database answers and every migration is applied, uncached and cookieless",
        arguments: TestEngine.all)
    func healthCheckIsOKWhenTheDatabaseAnswersAndEveryMigrationIsApplied(engine: TestEngine) async throws {
        let app = try await webApp(engine: engine)
        try await app.test(.router) { client in
            let response = try await client.execute(uri: "/healthz", method: .get)
            #expect(response.status == .ok)
            #expect(
                String(buffer: response.body)
                    == #"{"database":"reachable","migrations":"current","readOnly":false,"status":"ok"}"#)
            #expect(response.headers[.contentType] == "application/json")
            #expect(response.headers[.cacheControl] == "no-store")
            #expect(response.headers[.setCookie] == nil)
            #expect(response.headers[.retryAfter] == nil)
        }
    }

    // SQLite only: it reads the session rows through a GRDB connection to the SQLite file.
    @Test("the health check reads no session: a signed-in browser's probe does not count as a page view")
    func healthCheckReadsNoSession() async throws {
        let (commissioning, path) = await makeDemoDatabase(returns: false)
        let cookie = try await webApp(commissioning: commissioning).test(.router) { client in
            var browser = Browser(client)
            _ = try await browser.signIn("cumbria.officer")
            return try #require(browser.cookie)
        }
        let sessions = try DatabaseQueue(path: path)
        let before = try await sessionRows(sessions)
        #expect(before.count == 1)
        // A server where every session is idle at once: reading this one would delete it.
        let strict = try await server(commissioning, sessions: SessionPolicy(idleSeconds: 0, touchEverySeconds: 0))
        try await strict.test(.router) { client in
            let response = try await client.execute(
                uri: "/healthz", method: .get, headers: [.cookie: "opcc_session=\(cookie)"])
            #expect(response.status == .ok)
            #expect(response.headers[.setCookie] == nil)
        }
        #expect(try await sessionRows(sessions) == before)
    }

    // SQLite only: it deletes a row of GRDB's migration table in the SQLite file.
    @Test("the health check is 503 naming the missing migration when an older version wrote the database")
    func healthCheckNamesAMissingMigration() async throws {
        let (commissioning, path) = try migratedDatabase()
        let missing = try #require(try await SQLiteStore(path: path).migrationStatus().known.last)
        try await DatabaseQueue(path: path).write { db in
            try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = ?", arguments: [missing])
        }
        try await server(commissioning).test(.router) { client in
            let response = try await client.execute(uri: "/healthz", method: .get)
            #expect(response.status == .serviceUnavailable)
            #expect(response.headers[.retryAfter] == "10")
            #expect(response.headers[.cacheControl] == "no-store")
            let body = try healthBody(response)
            #expect(body["status"] as? String == "unavailable")
            #expect(body["database"] as? String == "reachable")
            #expect(body["migrations"] as? String == "older")
            let problem = try #require(body["problem"] as? String)
            #expect(problem.contains("lacks 1 migration this version of opcc needs (\(missing))"))
            #expect(problem.contains("written by an older version"))
        }
    }

    // SQLite only: it adds a row to GRDB's migration table in the SQLite file.
    @Test("the health check is 503 naming the unknown migration when a newer version wrote the database")
    func healthCheckNamesAnUnknownMigration() async throws {
        let (commissioning, path) = try migratedDatabase()
        try await DatabaseQueue(path: path).write { db in
            try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('2099-01-01-from-the-future')")
        }
        try await server(commissioning).test(.router) { client in
            let response = try await client.execute(uri: "/healthz", method: .get)
            #expect(response.status == .serviceUnavailable)
            let body = try healthBody(response)
            #expect(body["migrations"] as? String == "newer")
            let problem = try #require(body["problem"] as? String)
            #expect(problem.contains("does not know (2099-01-01-from-the-future)"))
            #expect(problem.contains("written by a newer version"))
        }
    }

    @Test(
        "the health check is 503 'database unreachable' when the database cannot be read, with no engine's message",
        arguments: TestEngine.all)
    func healthCheckIsUnavailableWhenTheDatabaseCannotBeRead(engine: TestEngine) async throws {
        let store = BreakableStore(try await engine.makeStore())
        let home = ProductHome(root: repositoryRoot)
        let commissioning = try Commissioning(
            store: store, catalog: try WorkflowCatalog.load(from: home, registry: .standard))
        try await server(commissioning).test(.router) { client in
            store.broken.withLock { $0 = true }
            let response = try await client.execute(uri: "/healthz", method: .get)
            #expect(response.status == .serviceUnavailable)
            #expect(response.headers[.retryAfter] == "10")
            let body = try healthBody(response)
            #expect(body["status"] as? String == "unavailable")
            #expect(body["database"] as? String == "unreachable")
            #expect(body["migrations"] as? String == "unchecked")
            #expect(body["problem"] as? String == "the database cannot be read")
            #expect(!String(buffer: response.body).contains("SQLite"))
        }
    }
}

/// Every page route the source declares with a literal path (`router.get("/…")`, `staff.post("/…")`), with its
/// method: read from the route files, so a route added later is toured too.
private func declaredRoutes() throws -> [(method: HTTPRequest.Method, path: String)] {
    let folder = repositoryRoot.appendingPathComponent("Sources/OPCCWeb")
    let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".swift") }
    let pattern = try Regex(#"\.(get|post)\("(/[^"]*)""#)
    var routes: [(HTTPRequest.Method, String)] = []
    for file in files.sorted() {
        let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
        for match in text.matches(of: pattern) {
            let method = match.output[1].substring.map(String.init) == "post" ? HTTPRequest.Method.post : .get
            let path = String(match.output[2].substring ?? "")
                .split(separator: "/", omittingEmptySubsequences: false)
                .map { $0.hasPrefix(":") ? "x" : String($0) }.joined(separator: "/")
            routes.append((method, path))
        }
    }
    return routes
}

/// The pages a read-only copy serves (`Web.addReadOnlyRoutes`); every other declared route is refused.
private let publicRoutes: Set<String> = [
    "/", "/register", "/register/x", "/calendar/x", "/transparency", "/transparency/360giving.json",
    "/assets/opcc.css", "/documents/x",
    // Issue 28: the notice's stylesheet, the registers' feeds, each office's register and forward plan.
    "/assets/notice.css", "/register.atom", "/register.csv", "/offices/x/register", "/offices/x/register.atom",
    "/offices/x/register.csv", "/offices/x/forward-plan", "/offices/x/forward-plan.csv", "/offices/x/forward-plan.ics",
    // Issue 29: the published rounds.
    "/rounds", "/rounds/x",
]

@Suite("Web: a read-only copy (opcc serve --read-only)", .serialized)
struct ReadOnlyServerTests {
    /// The bytes of a database file and its write-ahead log (empty when there is none).
    private func bytes(_ path: String) throws -> (database: Data, wal: Data) {
        let wal = path + "-wal"
        return (
            try Data(contentsOf: URL(fileURLWithPath: path)),
            FileManager.default.fileExists(atPath: wal) ? try Data(contentsOf: URL(fileURLWithPath: wal)) : Data()
        )
    }

    // SQLite only: it opens the SQLite file read-only by its path and compares it and its WAL byte for byte.
    @Test(
        "a read-only server serves every public page, refuses every staff page, sign-in, form and API call with 503, and leaves the database file and its WAL byte for byte as they were"
    )
    func readOnlyServerNeverWrites() async throws {
        // The writer stays open (as the primary would), so its WAL stays; nothing else touches the file meanwhile.
        let (writer, path) = await makeDemoDatabase(returns: true)
        let published = try #require(try await writer.decisionRegister(DecisionFilter(), by: nil).first)
        let before = try bytes(path)
        let home = ProductHome(root: repositoryRoot)
        let copy = try await Commissioning.openReadOnly(
            home: home, databasePath: path, clock: FixedClock(day: try Day(iso: "2026-11-20")))
        let routes = try declaredRoutes()
        #expect(routes.count > 30, "the route files declare the staff pages")
        try await server(copy, readOnly: true, mainSite: "https://opcc.example").test(.router) { client in
            var served = ["/", "/register", "/register/\(published.id)", "/transparency", "/assets/opcc.css"]
            served += ["/transparency/360giving.json", "/calendar/public.ics"]
            served += [
                "/assets/notice.css", "/register.atom", "/register.csv", "/offices/cumbria/register",
                "/offices/cumbria/register.atom", "/offices/cumbria/register.csv", "/rounds",
            ]
            for publication in Web.Publication.allCases {
                served += [publication.path, publication.path + ".csv", publication.path + ".json"]
            }
            for uri in served {
                let response = try await client.execute(uri: uri, method: .get)
                #expect(response.status == (uri == "/" ? .found : .ok), "\(uri)")
                #expect(response.headers[.setCookie] == nil, "\(uri)")
            }
            let health = try await client.execute(uri: "/healthz", method: .get)
            #expect(health.status == .ok)
            #expect(try healthBody(health)["readOnly"] as? Bool == true)
            let form: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
            for route in routes where !publicRoutes.contains(route.path) {
                let response = try await client.execute(
                    uri: route.path, method: route.method, headers: form, body: ByteBuffer(string: "csrf=x&name=y"))
                #expect(response.status == .serviceUnavailable, "\(route.method) \(route.path)")
                let text = String(buffer: response.body)
                #expect(text.contains("This is a read-only copy"), "\(route.method) \(route.path)")
                #expect(text.contains("Sign in at the main site, https://opcc.example/sign-in"))
                #expect(response.headers[.setCookie] == nil, "\(route.method) \(route.path)")
                #expect(response.headers[.retryAfter] == nil)
            }
            for operation in API.operations {
                let uri = operation.routerPath.split(separator: "/", omittingEmptySubsequences: false)
                    .map { $0.hasPrefix(":") ? "x" : String($0) }.joined(separator: "/")
                let method: HTTPRequest.Method =
                    switch operation.method {
                    case .get: .get
                    case .post: .post
                    case .put: .put
                    case .patch: .patch
                    }
                let response = try await client.execute(
                    uri: uri, method: method,
                    headers: [.authorization: "Bearer opcc_x", .contentType: "application/json"],
                    body: ByteBuffer(string: "{}"))
                #expect(response.status == .serviceUnavailable, "\(method) \(uri)")
                #expect(response.headers[.contentType] == "application/problem+json")
                #expect(String(buffer: response.body).contains("read-only-copy"))
            }
        }
        let after = try bytes(path)
        #expect(after.database == before.database, "the database file is unchanged")
        #expect(after.wal == before.wal, "its write-ahead log is unchanged")
        withExtendedLifetime(writer) {}
    }

    // SQLite only: it opens the SQLite file read-only by its path and reads its session rows through GRDB.
    @Test("a GET of a staff page on a read-only server, with or without a session cookie, makes and touches no session")
    func staffPageOnAReadOnlyServerMakesNoSession() async throws {
        let (writer, path) = await makeDemoDatabase(returns: false)
        let copy = try await Commissioning.openReadOnly(home: ProductHome(root: repositoryRoot), databasePath: path)
        // A session signed in on the primary: its cookie sent to the copy reads nothing and extends nothing.
        let signedIn = try await webApp(commissioning: writer)
        let cookie = try await signedIn.test(.router) { client in
            var browser = Browser(client)
            _ = try await browser.signIn("cumbria.officer")
            return try #require(browser.cookie)
        }
        let sessions = try DatabaseQueue(path: path)
        let before = try await sessionRows(sessions)
        try await server(copy, readOnly: true).test(.router) { client in
            for headers: HTTPFields in [[:], [.cookie: "opcc_session=\(cookie)"]] {
                let response = try await client.execute(uri: "/home", method: .get, headers: headers)
                #expect(response.status == .serviceUnavailable)
                #expect(response.headers[.setCookie] == nil)
                #expect(String(buffer: response.body).contains("Sign in at the main site to do anything else"))
                let signIn = try await client.execute(uri: "/sign-in", method: .get, headers: headers)
                #expect(signIn.status == .serviceUnavailable)
                #expect(signIn.headers[.setCookie] == nil)
            }
        }
        #expect(try await sessionRows(sessions) == before)
    }

    // SQLite only: it deletes a row of GRDB's migration table, then opens the SQLite file read-only by its path.
    @Test("a read-only server refuses at start a database an older version wrote, naming the missing migration")
    func readOnlyRefusesADatabaseNotFullyMigrated() async throws {
        let (_, path) = try migratedDatabase()
        let missing = try #require(try await SQLiteStore(path: path).migrationStatus().known.last)
        try await DatabaseQueue(path: path).write { db in
            try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = ?", arguments: [missing])
        }
        let before = try bytes(path)
        await #expect {
            _ = try await Commissioning.openReadOnly(home: ProductHome(root: repositoryRoot), databasePath: path)
        } throws: { error in
            let text = String(describing: error)
            return error is SchemaNotCurrent && text.contains("cannot serve \(path) read-only")
                && text.contains("lacks 1 migration this version of opcc needs (\(missing))")
        }
        #expect(try bytes(path).database == before.database, "no migration ran")
    }

    // SQLite only: the read-only server opens a SQLite file by its path.
    @Test("a read-only server refuses at start a database file that is not there, and does not create it")
    func readOnlyRefusesAMissingFile() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("opcc-none-\(UUID()).sqlite").path
        await #expect {
            _ = try await Commissioning.openReadOnly(home: ProductHome(root: repositoryRoot), databasePath: path)
        } throws: { error in
            String(describing: error) == "cannot open the database \(path): there is no database file here"
        }
        #expect(!FileManager.default.fileExists(atPath: path))
    }
}
