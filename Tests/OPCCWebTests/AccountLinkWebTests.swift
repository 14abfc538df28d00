import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import OPCCCore
import OPCCServices
import OPCCStore
import OPCCTestSupport
import PropertyBased
import Synchronization
import Testing

@testable import OPCCWeb

/// The token of the newest account-link mail queued for `person`, read from the outbox.
private func newestLinkToken(_ app: Commissioning, to person: String) async throws -> String? {
    try await app.store.read { try $0.notifications(recipient: person, offset: 0, limit: 100) }
        .first { $0.path.hasPrefix("/account/link/") }
        .map { String($0.path.dropFirst("/account/link/".count)) }
}

/// What a request may have changed: the audit log's length and every queued mail.
private func footprint(_ app: Commissioning) async throws -> Int {
    try await app.auditLog(office: nil).count
}

/// Every line the server logs, with its metadata, kept for a test to read.
private final class LogLines: Sendable {
    let lines = Mutex<[String]>([])
    var text: String { lines.withLock { $0.joined(separator: "\n") } }
}

private struct CapturingLogHandler: LogHandler {
    let sink: LogLines
    var logLevel: Logger.Level = .trace
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let all = metadata.merging(event.metadata ?? [:]) { $1 }
        sink.lines.withLock { $0.append("\(event.message) \(all)") }
    }
}

@Suite("Web: forgotten passwords and the pages one-time links open")
struct AccountLinkWebTests {
    @Test(arguments: TestEngine.all) func aForgottenPasswordIsResetThroughTheSiteEndToEnd(
        engine: TestEngine
    ) async throws {
        let commissioning = try await makeDemoApp(engine, returns: false)
        let logs = LogLines()
        let app = try await buildApplication(
            configuration: WebConfiguration(
                commissioning: commissioning,
                logger: Logger(label: "opcc.web.tests") { _ in
                    CapturingLogHandler(sink: logs)
                }, throttle: concurrentTestsThrottle, publicURL: "https://opcc.example"))
        let linkToken = Mutex("")
        try await app.test(.router) { client async throws in
            var visitor = Browser(client)
            let signIn = try await visitor.get("/sign-in")
            #expect(signIn.body.contains(#"<a href="/sign-in/forgot">Forgot your password?</a>"#))
            let form = try await visitor.get("/sign-in/forgot")
            #expect(form.status == .ok && form.body.contains("Sign-in name or email address"))
            let asked = try await visitor.post("/sign-in/forgot", ["username": "cumbria.officer"])
            #expect(asked.status == .ok)
            #expect(asked.body.contains("If we know that name, a link is on its way"))
            let token = try #require(try await newestLinkToken(commissioning, to: "cumbria.officer"))
            linkToken.withLock { $0 = token }

            let page = try await client.execute(uri: "/account/link/\(token)", method: .get)
            #expect(page.status == .ok)
            #expect(page.headers[.init("Referrer-Policy")!] == "no-referrer")
            #expect(page.headers[.cacheControl] == "no-store")
            let text = String(buffer: page.body)
            #expect(
                text.contains("Choose a new password") && text.contains(Commissioning.passwordRulesHelp))
            #expect(text.contains(#"name="viewport""#))

            let mismatch = try await visitor.post(
                "/account/link/\(token)", ["password": "a new passphrase", "confirm": "a new passphrase!"])
            #expect(mismatch.status == .unprocessableContent && mismatch.body.contains("not the same"))
            let short = try await visitor.post(
                "/account/link/\(token)", ["password": "short", "confirm": "short"])
            #expect(short.status == .unprocessableContent && short.body.contains("at least 8 characters"))
            let done = try await visitor.post(
                "/account/link/\(token)", ["password": "a new passphrase", "confirm": "a new passphrase"])
            #expect(done.status == .ok && done.body.contains("Your password is set"))
            #expect(done.body.contains(#"href="/sign-in""#))

            var officer = Browser(client)
            #expect(try await officer.signIn("cumbria.officer").status == .unauthorized)
            #expect(
                try await officer.signIn("cumbria.officer", password: "a new passphrase").status
                    == .seeOther)
            for again in [
                try await visitor.get("/account/link/\(token)"),
                try await visitor.post(
                    "/account/link/\(token)",
                    ["password": "another passphrase", "confirm": "another passphrase"]),
            ] {
                #expect(again.status == .notFound && again.body.contains("This link no longer works"))
                #expect(again.body.contains("Forgot your password?"))
            }
        }
        // The log has every request, and a refusal's reason, but never a token or a password.
        #expect(
            logs.text.contains("/account/link/(secret)") && logs.text.contains("account-link-unused"))
        let token = linkToken.withLock { $0 }
        #expect(!token.isEmpty && !logs.text.contains(token))
        #expect(!logs.text.contains("a new passphrase") && !logs.text.contains("another passphrase"))
    }

    @Test(arguments: TestEngine.all) func anInvitationsPageAsksTheNewcomerToChooseTheirPassword(
        engine: TestEngine
    ) async throws {
        let commissioning = try await makeDemoApp(engine, returns: false)
        try await commissioning.addPerson(
            name: "cumbria.newcomer", displayName: "Nina Newcomer", office: "cumbria",
            grants: [RoleGrant(role: .officer)], by: "cumbria.chief-executive")
        _ = try await commissioning.inviteByMail("cumbria.newcomer", by: "cumbria.chief-executive")
        let token = try #require(try await newestLinkToken(commissioning, to: "cumbria.newcomer"))
        let app = try await webApp(commissioning: commissioning)
        try await app.test(.router) { client async throws in
            var newcomer = Browser(client)
            let page = try await newcomer.get("/account/link/\(token)")
            #expect(page.status == .ok && page.body.contains("Choose your password"))
            #expect(page.body.contains("Welcome, Nina Newcomer"))
            let done = try await newcomer.post(
                "/account/link/\(token)",
                ["password": "my first passphrase", "confirm": "my first passphrase"])
            #expect(done.status == .ok)
            #expect(
                try await newcomer.signIn("cumbria.newcomer", password: "my first passphrase").status
                    == .seeOther)
        }
    }

    @Test(arguments: TestEngine.all) func theRequestFormAnswersAlikeForKnownAndUnknownNames(
        engine: TestEngine
    ) async throws {
        let commissioning = try await makeDemoApp(engine, returns: false)
        let app = try await webApp(commissioning: commissioning)
        try await app.test(.router) { client async throws in
            var answers: [String: (HTTPResponse.Status, String)] = [:]
            for name in ["cumbria.officer", "no.such.person", "someone@example.org"] {
                var visitor = Browser(client)
                _ = try await visitor.get("/sign-in/forgot")
                let page = try await visitor.post("/sign-in/forgot", ["username": name])
                answers[name] = (page.status, page.body)
            }
            #expect(Set(answers.values.map(\.0)) == [.ok])
            #expect(Set(answers.values.map(\.1)).count == 1)
        }
        #expect(try await newestLinkToken(commissioning, to: "cumbria.officer") != nil)
    }

    @Test(arguments: TestEngine.all) func theRequestFormIsThrottledAndNeedsItsSignedToken(
        engine: TestEngine
    ) async throws {
        let commissioning = try await makeDemoApp(engine, returns: false)
        let app = try await webApp(throttle: .init(), commissioning: commissioning)
        try await app.test(.router) { client async throws in
            var visitor = Browser(client)
            _ = try await visitor.get("/sign-in/forgot")
            for _ in 0..<5 {
                #expect(
                    try await visitor.post("/sign-in/forgot", ["username": "cumbria.auditor"]).status == .ok)
            }
            let waiting = try await visitor.post("/sign-in/forgot", ["username": "cumbria.auditor"])
            #expect(waiting.status == .tooManyRequests)
            #expect(waiting.body.contains("Too many requests. Wait 1 second and try again."))
            let forged = try await visitor.post(
                "/sign-in/forgot", ["username": "cumbria.auditor"], csrf: "forged")
            #expect(forged.status == .forbidden)
            let blank = try await visitor.post("/sign-in/forgot", ["username": "  "])
            #expect(blank.status == .unprocessableContent)
        }
    }

    @Test(arguments: [
        (StorageFailure.Kind.failed(resultCode: 11), "StorageFailure.failed(resultCode: 11)"),
        (.serverFailed(sqlState: "22021"), "StorageFailure.serverFailed(sqlState: 22021)"),
        (.connectionLost, "StorageFailure.connectionLost"), (.unreadable, "StorageFailure.unreadable"),
        (.cannotOpen(reason: "secret path"), "StorageFailure.cannotOpen"), (.busy, "StorageFailure.busy"),
        (.duplicate, "StorageFailure.duplicate"), (.notFound, "StorageFailure.notFound"),
        (.staleVersion, "StorageFailure.staleVersion"),
    ])
    func aStoreFailureIsLoggedByItsKindAndNeverItsSentence(kind: StorageFailure.Kind, logged: String) {
        let failure = StorageFailure(kind: kind, description: "what a request held: 'cumbria.officer'")
        #expect(loggedError(failure) == logged)
    }

    @Test func aLinksTokenIsNeverLogged() {
        #expect(loggedPath("/account/link/abcDEF_-123") == "/account/link/(secret)")
    }

    @Test(arguments: TestEngine.all)
    func arbitraryTextInTheRequestFormOrTheTokenPathNeverCrashesAndChangesNothing(
        engine: TestEngine
    ) async throws {
        let commissioning = try await makeDemoApp(engine, returns: false)
        let before = try await footprint(commissioning)
        let app = try await webApp(commissioning: commissioning)
        try await app.test(.router) { client async throws in
            var visitor = Browser(client)
            _ = try await visitor.get("/sign-in/forgot")
            await propertyCheck(count: 25, input: HostileText.text) { text in
                let asked = try await visitor.post("/sign-in/forgot", ["username": text])
                #expect([.ok, .unprocessableContent].contains(asked.status), "\(text.debugDescription)")
                let path = "/account/link/\(HostileText.encoded(text))"
                let shown = try await visitor.get(path)
                #expect([.notFound].contains(shown.status), "\(text.debugDescription)")
                let posted = try await visitor.post(
                    path, ["password": "long enough", "confirm": "long enough"])
                #expect(posted.status == .notFound, "\(text.debugDescription)")
            }
        }
        #expect(try await footprint(commissioning) == before)
    }
}
