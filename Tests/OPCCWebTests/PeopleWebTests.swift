import Foundation
import Hummingbird
import HummingbirdTesting
import OPCCCore
import OPCCServices
import OPCCStore
import OPCCTestSupport
import PropertyBased
import Synchronization
import Testing

@testable import OPCCWeb

private func auditLength(_ app: Commissioning) async throws -> Int {
    try await app.auditLog(office: nil).count
}

@Suite("Web: the first-run set-up page and the people page")
struct PeopleWebTests {
    @Test(arguments: TestEngine.all) func theSetUpLinkCreatesTheOfficeOnceThenAnswersGone(
        engine: TestEngine
    ) async throws {
        let commissioning = try commissioning(over: try await engine.makeStore())
        let token = try #require(try await commissioning.issueSetUpLinkIfEmpty())
        let app = try await webApp(commissioning: commissioning)
        try await app.test(.router) { client async throws in
            var visitor = Browser(client)
            let shown = try await visitor.get("/setup/\(token)")
            #expect(shown.status == .ok && shown.body.contains("Set up your office"))
            #expect(shown.body.contains("044/2020"))
            let unknown = try await visitor.get("/setup/\(String(repeating: "b", count: 43))")
            #expect(unknown.status == .notFound)
            var fields = [
                "profile": "id: surrey\nname: Surrey\ncolour: blue\n", "name": "s.admin", "displayName": "Sam Admin",
                "email": "sam@surrey.example", "password": "a long passphrase", "confirm": "a long passphrase",
            ]
            let bad = try await visitor.post("/setup/\(token)", fields)
            #expect(bad.status == .unprocessableContent)
            #expect(bad.body.contains("colour"), "the loader's message is shown")
            #expect(try await commissioning.offices().isEmpty)
            fields["profile"] = ""
            fields["officeID"] = "surrey"
            fields["officeName"] = "OPCC for Surrey"
            fields["numbering"] = "{seq:3}/{year}"
            let done = try await visitor.post("/setup/\(token)", fields)
            #expect(done.status == .ok && done.body.contains("is set up"))
            #expect(try await commissioning.offices().map(\.id) == ["surrey"])
            let again = try await visitor.get("/setup/\(token)")
            #expect(again.status == .gone)
            let reposted = try await visitor.post("/setup/\(token)", fields)
            #expect(reposted.status == .gone)
            let signedIn = try await visitor.signIn("s.admin", password: "a long passphrase")
            #expect(signedIn.status == .seeOther)
            let people = try await visitor.get("/people")
            #expect(people.status == .ok && people.body.contains("Sam Admin"))
        }
        #expect(loggedPath("/setup/\(token)") == "/setup/(secret)")
    }

    @Test(arguments: TestEngine.all) func theChiefExecutiveAddsGrantsDisablesAndEnablesOnThePeoplePage(
        engine: TestEngine
    ) async throws {
        let commissioning = try await makeDemoApp(engine, returns: false)
        let app = try await webApp(commissioning: commissioning)
        try await app.test(.router) { client async throws in
            var chief = Browser(client)
            _ = try await chief.signIn("cumbria.chief-executive")
            let page = try await chief.get("/people")
            #expect(page.status == .ok && page.body.contains("cumbria.officer") && page.body.contains("Never"))
            // Every form of the page, each person's included, carries the session's token.
            #expect(!page.body.contains(#"name="csrf" value="""#))
            #expect(page.body.contains(#"action="/people/cumbria.officer/disable""#))
            let added = try await chief.post(
                "/people",
                ["name": "cumbria.new", "displayName": "Zoë New", "email": "new@cumbria.example", "role-officer": "1"])
            #expect(added.status == .seeOther, "\(added.body)")
            #expect(try await commissioning.person(named: "cumbria.new")?.displayName == "Zoë New")
            let granted = try await chief.post("/people/cumbria.new/grant", ["role": "finance", "scope": ""])
            #expect(granted.status == .seeOther)
            let ended = try await chief.post("/people/cumbria.new/end-role", ["role": "finance", "scope": ""])
            #expect(ended.status == .seeOther)
            let lacking = try await chief.post("/people/cumbria.new/end-role", ["role": "finance", "scope": ""])
            #expect(lacking.status == .unprocessableContent && lacking.body.contains("does not hold"))
            let disabled = try await chief.post("/people/cumbria.new/disable")
            #expect(disabled.status == .seeOther)
            #expect(try await chief.get("/people").body.contains("Disabled"))
            let enabled = try await chief.post("/people/cumbria.new/enable")
            #expect(enabled.status == .seeOther)
            let invited = try await chief.post("/people/cumbria.new/invite")
            #expect(invited.status == .seeOther)
            let forged = try await chief.post("/people/cumbria.new/disable", csrf: "forged")
            #expect(forged.status == .forbidden)
            let other = try await chief.post("/people/lincs.officer/disable")
            #expect(other.status == .forbidden)
            var officer = Browser(client)
            _ = try await officer.signIn("cumbria.officer")
            #expect(try await officer.get("/people").status == .forbidden)
            #expect(try await officer.post("/people/cumbria.new/disable").status == .forbidden)
        }
        let events = try await commissioning.auditLog(office: "cumbria").map(\.event)
        for event in ["person-added", "role-granted", "role-ended", "person-disabled", "person-enabled"] {
            #expect(events.contains(event), "\(event)")
        }
    }

    @Test(arguments: TestEngine.all) func anyDisplayNameTypedIsStoredAsTypedOrRefusedNeverACrash(
        engine: TestEngine
    ) async throws {
        let commissioning = try await makeDemoApp(engine, returns: false)
        let app = try await webApp(commissioning: commissioning)
        try await app.test(.router) { client async throws in
            var chief = Browser(client)
            _ = try await chief.signIn("cumbria.chief-executive")
            _ = try await chief.get("/people")
            let counter = Counter()
            await propertyCheck(count: 20, input: HostileText.text) { text in
                let name = "p\(counter.next())"
                let before = try await auditLength(commissioning)
                let posted = try await chief.post(
                    "/people", ["name": name, "displayName": text, "scope": text, "role-officer": "1"])
                #expect([.seeOther, .unprocessableContent].contains(posted.status), "\(text.debugDescription)")
                let stored = try await commissioning.person(named: name)
                let after = try await auditLength(commissioning)
                if posted.status == .seeOther {
                    #expect(stored != nil && after == before + 1)
                } else {
                    #expect(stored == nil && after == before)
                }
                let shown = try await chief.get("/people")
                #expect(shown.status == .ok)
            }
        }
    }
}

/// Numbers for made-up names, one after another.
private final class Counter: Sendable {
    private let value = Mutex(0)
    func next() -> Int {
        value.withLock {
            $0 += 1
            return $0
        }
    }
}
