import Foundation
import Hummingbird
import HummingbirdTesting
import OPCCCore
import OPCCServices
import OPCCTestSupport
import Testing

@testable import OPCCWeb

/// What follows `marker` in `body` up to the next `<` or `"`.
private func text(after marker: String, in body: String) throws -> String {
    let rest = try #require(body.components(separatedBy: marker).dropFirst().first, "no \(marker) in the page")
    return String(rest.prefix { $0 != "<" && $0 != "\"" })
}

/// The code the app holding the page's secret shows, `steps` steps after the (fixed) clock's.
private func code(secret: String, _ app: Commissioning, steps: Int64 = 0) throws -> String {
    let bytes = try #require(Base32.decode(secret))
    return TOTP.code(secret: bytes, step: TOTP.step(at: Int64(app.clock.now().timeIntervalSince1970)) + steps)
}

@Suite("Web: the second factor's pages")
struct SecondFactorWebTests {
    @Test(arguments: TestEngine.all)
    func aPersonTurnsOnASecondFactorAndThenSignsInWithACode(engine: TestEngine) async throws {
        let commissioning = try await makeDemoApp(engine, returns: false)
        let app = try await webApp(commissioning: commissioning)
        try await app.test(.router) { client async throws in
            var officer = Browser(client)
            #expect(try await officer.signIn("cumbria.officer").status == .seeOther)
            let home = try await officer.get("/home")
            #expect(home.body.contains(#"href="/account/second-factor""#))
            let status = try await officer.get("/account/second-factor")
            #expect(status.status == .ok && status.body.contains("Off: you sign in with your password alone"))
            let setUp = try await officer.post("/account/second-factor/set-up")
            #expect(setUp.status == .ok && setUp.body.contains("otpauth://totp/"))
            let secret = try text(after: #"<code id="secret" class="secret">"#, in: setUp.body)
            let wrong = try await officer.post(
                "/account/second-factor/confirm", ["code": try code(secret: secret, commissioning, steps: 4)])
            #expect(wrong.status == .unprocessableContent && wrong.body.contains("code is not right"))
            #expect(wrong.body.contains(secret), "the same key is shown again")
            let done = try await officer.post(
                "/account/second-factor/confirm", ["code": try code(secret: secret, commissioning)])
            #expect(done.status == .ok && done.body.contains("Your recovery codes"))
            #expect(done.body.components(separatedBy: "<li><code>").count - 1 == 10)
            let recovery = try text(after: "<li><code>", in: done.body)
            #expect(try await officer.get("/account/second-factor").body.contains("10 recovery code(s) left"))

            var again = Browser(client)
            _ = try await again.get("/sign-in")
            let asked = try await again.post(
                "/sign-in", ["username": "cumbria.officer", "password": Passwords.demoPassword])
            #expect(asked.status == .ok && asked.body.contains("Enter your code"), "a password alone is not enough")
            #expect(again.cookie == nil)
            let challenge = try text(after: #"name="challenge" value=""#, in: asked.body)
            let reused = try await again.post(
                "/sign-in/code", ["challenge": challenge, "code": try code(secret: secret, commissioning)])
            #expect(reused.status == .unauthorized && reused.body.contains("code is not right"))
            let signedIn = try await again.post(
                "/sign-in/code", ["challenge": challenge, "code": try code(secret: secret, commissioning, steps: 1)])
            #expect(signedIn.status == .seeOther && signedIn.location == "/home" && again.cookie != nil)
            #expect(try await again.get("/home").status == .ok)

            var third = Browser(client)
            _ = try await third.get("/sign-in")
            let next = try await third.post(
                "/sign-in", ["username": "cumbria.officer", "password": Passwords.demoPassword])
            let nextChallenge = try text(after: #"name="challenge" value=""#, in: next.body)
            let byRecovery = try await third.post("/sign-in/code", ["challenge": nextChallenge, "code": recovery])
            #expect(byRecovery.status == .seeOther)
            let stale = try await third.post("/sign-in/code", ["challenge": nextChallenge, "code": recovery])
            #expect(stale.status == .unauthorized && stale.body.contains("sign in again"))

            let off = try await again.post("/account/second-factor/remove")
            #expect(off.status == .seeOther && off.location == "/sign-in")
            #expect(try await again.get("/home").status == .found, "turning it off signs out everywhere")
            var plain = Browser(client)
            #expect(try await plain.signIn("cumbria.officer").status == .seeOther)
        }
    }

    @Test(arguments: TestEngine.all)
    func anOfficeThatRequiresAFactorSetsItUpBeforeAnyPageOpens(engine: TestEngine) async throws {
        let commissioning = try await makeDemoApp(engine, returns: false)
        let file = ProductHome(root: repositoryRoot).fixtures.appendingPathComponent("offices/cumbria.yaml")
        let yaml = try String(contentsOf: file, encoding: .utf8) + "secondFactorRequiredFor: [finance]\n"
        try await commissioning.registerOffice(
            LoadedProfile(
                profile: try OfficeProfile.parse(yaml: yaml, source: "cumbria.yaml"), text: yaml,
                source: "cumbria.yaml"))
        let app = try await webApp(commissioning: commissioning)
        try await app.test(.router) { client async throws in
            var finance = Browser(client)
            _ = try await finance.get("/sign-in")
            let setUp = try await finance.post(
                "/sign-in", ["username": "cumbria.finance", "password": Passwords.demoPassword])
            #expect(setUp.status == .ok && setUp.body.contains("Your office asks everyone in your role"))
            #expect(finance.cookie == nil)
            #expect(try await finance.get("/home").status == .found)
            let secret = try text(after: #"<code id="secret" class="secret">"#, in: setUp.body)
            let challenge = try text(after: #"name="challenge" value=""#, in: setUp.body)
            let wrong = try await finance.post("/sign-in/set-up", ["challenge": challenge, "code": "000000"])
            #expect(wrong.status == .unprocessableContent && wrong.body.contains(secret))
            let done = try await finance.post(
                "/sign-in/set-up", ["challenge": challenge, "code": try code(secret: secret, commissioning)])
            #expect(done.status == .ok && done.body.contains("Your recovery codes") && finance.cookie != nil)
            #expect(try await finance.get("/home").status == .ok)
            let page = try await finance.get("/account/second-factor")
            #expect(page.body.contains("Your office requires it for your role") && !page.body.contains(#"id="remove""#))
            let refused = try await finance.post("/account/second-factor/remove")
            #expect(refused.status == .forbidden && refused.body.contains("ask the chief executive"))
        }
    }
}
