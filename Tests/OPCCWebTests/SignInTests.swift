import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import OPCCCore
import OPCCServices
import OPCCTestSupport
import Testing

@testable import OPCCWeb

/// Rows of a table in the database file at `path`, read by a connection of the test's own.
private func rows(in table: String, of path: String) throws -> Int {
    let queue = try DatabaseQueue(path: path)
    defer { try? queue.close() }
    return try queue.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM \(table)") ?? 0 }
}

@Suite("Web: sign-in throttling, sessions in the database, response headers and absolute URLs")
struct SignInTests {
    // MARK: Throttling (issue 21, item 7)

    @Test(arguments: TestEngine.all)
    func twentyFailuresWithMadeUpNamesFromOneAddressDoNotLockARealAccountFromThatAddress(
        engine: TestEngine
    ) async throws {
        let app = try await webApp(throttle: .init(), commissioning: makeDemoApp(engine, returns: false))
        try await app.test(.router) { client async throws in
            var browser = Browser(client)
            for n in 0..<20 {
                let madeUp = "made-up-\(n)"
                #expect(try await browser.signIn(madeUp, password: "guess").status == .unauthorized)
            }
            #expect(try await browser.signIn("cumbria.officer").status == .seeOther)
        }
    }

    @Test(arguments: TestEngine.all) func afterTheFreeFailuresAnAccountWaitsAndIsToldHowLong(
        engine: TestEngine
    ) async throws {
        let app = try await webApp(throttle: .init(), commissioning: makeDemoApp(engine, returns: false))
        try await app.test(.router) { client async throws in
            var browser = Browser(client)
            for _ in 0..<5 {
                #expect(try await browser.signIn("cumbria.auditor", password: "wrong").status == .unauthorized)
            }
            // The clock stands still in the tests: the first wait (1 s) has not passed, so even the right password
            // is not checked.
            let waiting = try await browser.signIn("cumbria.auditor")
            #expect(waiting.status == .tooManyRequests)
            #expect(waiting.body.contains("Too many failed sign-in attempts. Wait 1 second and try again."))
            // Another account from the same address is not held up.
            #expect(try await browser.signIn("cumbria.officer").status == .seeOther)
        }
    }

    @Test(arguments: TestEngine.all) func xForwardedForIsIgnoredFromAnUntrustedPeerAndBelievedFromATrustedProxy(
        engine: TestEngine
    ) async throws {
        let commissioning = try await makeDemoApp(engine, returns: false)
        let policy = SignInThrottlePolicy(freeFailuresPerAccount: 100, freeFailuresPerAddress: 3)
        // Behind a trusted proxy (the test's own connections come from 127.0.0.1): each client is counted apart.
        let proxied = try await webApp(
            throttle: policy, commissioning: commissioning, port: 0, trustedProxies: ["127.0.0.1"])
        try await proxied.test(.live) { client async throws in
            var guesser = Browser(client)
            guesser.extraHeaders[.init("X-Forwarded-For")!] = "203.0.113.50"
            for n in 0..<3 {
                let madeUp = "made-up-\(n)"
                #expect(try await guesser.signIn(madeUp, password: "guess").status == .unauthorized)
            }
            #expect(try await guesser.signIn("cumbria.officer").status == .tooManyRequests)
            // What the client wrote to the left of the proxy's entry is not believed.
            guesser.extraHeaders[.init("X-Forwarded-For")!] = "198.51.100.10, 203.0.113.50"
            #expect(try await guesser.signIn("cumbria.officer").status == .tooManyRequests)
            var colleague = Browser(client)
            colleague.extraHeaders[.init("X-Forwarded-For")!] = "198.51.100.10"
            #expect(try await colleague.signIn("cumbria.officer").status == .seeOther)
        }
        // Without it, the header is the sender's word: every attempt counts against the connection's address.
        let direct = try await webApp(throttle: policy, commissioning: commissioning, port: 0)
        try await direct.test(.live) { client async throws in
            for n in 0..<3 {
                var guesser = Browser(client)
                guesser.extraHeaders[.init("X-Forwarded-For")!] = "192.0.2.\(n)"
                let madeUp = "made-up-direct-\(n)"
                #expect(try await guesser.signIn(madeUp, password: "guess").status == .unauthorized)
            }
            var other = Browser(client)
            other.extraHeaders[.init("X-Forwarded-For")!] = "198.51.100.77"
            #expect(try await other.signIn("cumbria.finance").status == .tooManyRequests)
        }
    }

    @Test func theClientAddressIsTheRightmostHopThatIsNotATrustedProxy() {
        let trusted: Set<String> = ["10.0.0.1", "10.0.0.2"]
        let table: [(peer: String?, header: [String], client: String)] = [
            ("192.0.2.7", ["203.0.113.5"], "192.0.2.7"),  // an untrusted peer's header is ignored
            ("10.0.0.1", ["203.0.113.5"], "203.0.113.5"),
            ("10.0.0.1", ["6.6.6.6, 203.0.113.5"], "203.0.113.5"),  // the spoofed left entry is ignored
            ("10.0.0.1", ["203.0.113.5, 10.0.0.2"], "203.0.113.5"),  // through two trusted proxies
            ("10.0.0.1", ["6.6.6.6", "203.0.113.5"], "203.0.113.5"),  // several header lines read as one list
            ("10.0.0.1", ["10.0.0.2"], "10.0.0.2"),  // only trusted hops: the leftmost
            ("10.0.0.1", [], "10.0.0.1"),
            ("10.0.0.1", ["not-an-address"], "10.0.0.1"),
            ("10.0.0.1", ["2001:DB8::1"], "2001:db8::1"),
            (nil, ["203.0.113.5"], "unknown"),
        ]
        for row in table {
            #expect(
                clientAddress(peer: row.peer, forwardedFor: row.header, trustedProxies: trusted) == row.client,
                "\(row.peer ?? "nil") \(row.header)")
        }
    }

    // MARK: Sessions (item 8)

    // SQLite only: it counts the session rows through a GRDB connection to the SQLite file.
    @Test func showingTheSignInFormToBrowsersWithoutACookieStoresNoSession() async throws {
        let (commissioning, path) = await makeDemoDatabase(returns: false)
        let app = try await webApp(commissioning: commissioning)
        let before = try rows(in: "web_session", of: path)
        try await app.test(.router) { client async throws in
            for _ in 0..<2000 {
                let page = try await client.execute(uri: "/sign-in", method: .get)
                #expect(page.status == .ok)
                #expect(!page.headers[values: .setCookie].contains { $0.hasPrefix("opcc_session=") })
            }
        }
        #expect(try rows(in: "web_session", of: path) == before)
    }

    @Test(arguments: TestEngine.all) func aSignInFormPostedWithoutItsSignInCookieOrWithAForgedTokenIsRefused(
        engine: TestEngine
    ) async throws {
        let app = try await webApp(commissioning: makeDemoApp(engine, returns: false))
        try await app.test(.router) { client async throws in
            var browser = Browser(client)
            _ = try await browser.get("/sign-in")
            let token = try #require(browser.csrf)
            var elsewhere = Browser(client)
            // Another site's page posting a token it fetched itself: its visitor's browser has another nonce.
            _ = try await elsewhere.get("/sign-in")
            let crossSite = try await elsewhere.post(
                "/sign-in", ["username": "cumbria.officer", "password": Passwords.demoPassword], csrf: token)
            #expect(crossSite.status == .forbidden)
            var cookieless = Browser(client)
            #expect(
                try await cookieless.post(
                    "/sign-in", ["username": "cumbria.officer", "password": Passwords.demoPassword], csrf: token
                ).status == .forbidden)
            let forged = String(repeating: "f", count: 80)
            #expect(
                try await browser.post(
                    "/sign-in", ["username": "cumbria.officer", "password": Passwords.demoPassword], csrf: forged
                ).status == .forbidden)
            #expect(try await browser.signIn("cumbria.officer").status == .seeOther)
        }
    }

    @Test(arguments: TestEngine.all) func twoServerProcessesOnOneDatabaseShareSignIns(engine: TestEngine) async throws {
        let apps = try await makeDemoApps(engine, 2, returns: false)
        let (first, second) = (apps[0], apps[1])
        let one = try await webApp(commissioning: first)
        let two = try await webApp(commissioning: second)
        let cookie = try await one.test(.router) { client async throws -> String? in
            var officer = Browser(client)
            #expect(try await officer.signIn("cumbria.officer").status == .seeOther)
            return officer.cookie
        }
        try await two.test(.router) { client async throws in
            var officer = Browser(client)
            officer.cookie = cookie
            officer.user = "cumbria.officer"
            let home = try await officer.get("/home")
            #expect(home.status == .ok)
            #expect(home.body.contains("cumbria.officer"))
            // Signing out on one ends it on both.
            #expect(try await officer.post("/sign-out").status == .seeOther)
        }
        let form = try await one.test(.router) { client async throws -> (cookie: String?, token: String?) in
            var officer = Browser(client)
            officer.cookie = cookie
            #expect(try await officer.get("/home").status == .found)
            var visitor = Browser(client)
            _ = try await visitor.get("/sign-in")
            return (visitor.signInCookie, visitor.csrf)
        }
        // A sign-in form shown by one process is accepted by the other.
        try await two.test(.router) { client async throws in
            var visitor = Browser(client)
            visitor.signInCookie = form.cookie
            visitor.csrf = form.token
            let posted = try await visitor.post(
                "/sign-in", ["username": "cumbria.finance", "password": Passwords.demoPassword])
            #expect(posted.status == .seeOther)
        }
    }

    @Test(arguments: TestEngine.all) func aPasswordChangeEndsThePersonsOtherSessionsAndIsRecorded(
        engine: TestEngine
    ) async throws {
        let commissioning = try await makeDemoApp(engine, returns: false)
        let app = try await webApp(commissioning: commissioning)
        try await app.test(.router) { client async throws in
            var laptop = Browser(client)
            var phone = Browser(client)
            #expect(try await laptop.signIn("cumbria.officer").status == .seeOther)
            #expect(try await phone.signIn("cumbria.officer").status == .seeOther)
            let before = try await commissioning.auditLog(office: "cumbria").count
            try await commissioning.changePassword(
                of: "cumbria.officer", toHash: Passwords.hash("a long passphrase", cost: 4), by: "cumbria.officer",
                keepingSession: laptop.cookie)
            #expect(try await laptop.get("/home").status == .ok)
            #expect(try await phone.get("/home").status == .found)
            let event = try await #require(commissioning.auditLog(office: "cumbria").dropFirst(before).first)
            #expect(event.event == "password-changed")
            #expect(try await phone.signIn("cumbria.officer").status == .unauthorized)
            #expect(try await phone.signIn("cumbria.officer", password: "a long passphrase").status == .seeOther)
        }
    }

    // MARK: Headers and URLs (item 9)

    @Test(arguments: TestEngine.all) func apiAnswersAndFeedsAreNoStoreAndNoSniff(engine: TestEngine) async throws {
        let app = try await webApp(engine: engine)
        let token = try await sharedApp(engine).createAPIToken(
            label: "headers-\(UUID().uuidString)", by: "lincs.officer"
        ).token
        let part2 = "/api/v1/decisions/\(try await demoID(engine, "007/2020", office: "lincolnshire"))/part2-readings"
        try await app.test(.router) { client async throws in
            let bearer: HTTPFields = [.authorization: "Bearer \(token)"]
            let answers = [
                try await client.execute(uri: "/api/v1/decisions", method: .get, headers: bearer),
                try await client.execute(uri: part2, method: .post, headers: bearer),
                try await client.execute(uri: "/api/v1/decisions", method: .get),
                try await client.execute(uri: "/api/v1/no-such-thing", method: .get, headers: bearer),
                try await client.execute(uri: "/calendar/public.ics", method: .get),
                try await client.execute(uri: "/register", method: .get),
                try await client.execute(uri: "/no-such-page", method: .get),
            ]
            #expect(answers[1].status == .ok)
            #expect(String(buffer: answers[1].body).contains(tripwire))
            for answer in answers {
                #expect(answer.headers[.init("X-Content-Type-Options")!] == "nosniff")
                #expect(answer.headers[.cacheControl] == "no-store")
            }
            // What is the same for everyone may be kept.
            let css = try await client.execute(uri: "/assets/opcc.css", method: .get)
            #expect(css.headers[.cacheControl] == "max-age=3600")
            #expect(css.headers[.init("X-Content-Type-Options")!] == "nosniff")
        }
    }

    @Test(arguments: TestEngine.all) func aFeedsLinksComeFromThePublicURLAndNeverFromTheHostHeader(
        engine: TestEngine
    ) async throws {
        let configured = try await webApp(engine: engine, port: 0, publicURL: "https://opcc.example/")
        try await configured.test(.live) { client async throws in
            let port = try #require(client.port)
            let answer = try rawHTTP(
                port: port,
                "GET /calendar/public.ics HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n")
            #expect(answer.hasPrefix("HTTP/1.1 200"))
            #expect(!answer.contains("evil.example"))
            #expect(answer.contains("URL:https://opcc.example/register/"))
        }
        // Without --public-url: where the server listens, not the Host the request named.
        let listening = try await webApp(engine: engine, port: 0)
        try await listening.test(.live) { client async throws in
            let port = try #require(client.port)
            let answer = try rawHTTP(
                port: port,
                "GET /calendar/public.ics HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n")
            #expect(answer.hasPrefix("HTTP/1.1 200"))
            #expect(!answer.contains("evil.example"))
            #expect(answer.contains("URL:http://127.0.0.1:0/register/"))
        }
        let unconfigured = try await webApp(engine: engine)
        try await unconfigured.test(.router) { client async throws in
            let feed = String(buffer: try await client.execute(uri: "/calendar/public.ics", method: .get).body)
            #expect(!feed.contains("localhost"))
            #expect(feed.contains("URL:http://127.0.0.1:8080/register/"))
        }
    }

    @Test func aPublicURLIsSchemeHostAndPortOnly() async throws {
        let good: [(String, String)] = [
            ("https://opcc.example", "https://opcc.example"), ("https://opcc.example/", "https://opcc.example"),
            ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
            ("HTTPS://OPCC.Example:8443/", "https://opcc.example:8443"),
            ("http://[::1]:8080", "http://[::1]:8080"),
        ]
        for (text, url) in good { #expect(try WebConfiguration.checkedPublicURL(text) == url, "\(text)") }
        let bad: [(String, String)] = [
            ("ftp://opcc.example", "must begin with http:// or https://"), ("opcc.example", "must begin with http"),
            ("", "must begin with http"), ("https://", "has no host"),
            ("https://opcc.example/decisions", "must not have a path"),
            ("https://opcc.example/?a=1", "must not have a query"),
            ("https://opcc.example/#top", "must not have a query"),
            ("https://user:pw@opcc.example", "must not carry a user name"),
        ]
        for (text, why) in bad {
            do {
                _ = try WebConfiguration.checkedPublicURL(text)
                Issue.record("\(text) was accepted")
            } catch {
                #expect(error is WebConfigurationError)
                #expect("\(error)".contains(why), "\(text): \(error)")
            }
        }
        #expect(try WebConfiguration.checkedTrustedProxy("::1") == "::1")
        for text in ["proxy.internal", "10.0.0.0/8", "", "1.2.3"] {
            #expect(throws: WebConfigurationError.self, "\(text)") { try WebConfiguration.checkedTrustedProxy(text) }
        }
    }
}
