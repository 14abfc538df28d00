import Foundation
import Hummingbird
import HummingbirdTesting
import OPCCCore
import OPCCServices
import OPCCTestSupport
import Testing

@testable import OPCCWeb

@Suite("Web: public pages, sign-in, roles and the decision screens")
struct WebTests {
    @Test(arguments: TestEngine.all) func thePublicRegisterShowsPublishedDecisionsAndNoPart2(
        engine: TestEngine
    ) async throws {
        let app = try await webApp(engine: engine)
        try await app.test(.router) { client in
            var browser = Browser(client)
            let register = try await browser.get("/register")
            #expect(register.status == .ok)
            #expect(register.body.contains("014/2016"))
            #expect(register.body.contains("007/2020"))
            #expect(!register.body.contains(tripwire))
            let notice = try await browser.get("/register/\(try demoID(engine, "007/2020", office: "lincolnshire"))")
            #expect(notice.status == .ok)
            #expect(notice.body.contains("007/2020"))
            #expect(!notice.body.contains(tripwire))
            let css = try await browser.get("/assets/opcc.css")
            #expect(css.status == .ok)
            // Signed-in screens send the public to sign in.
            let home = try await browser.get("/home")
            #expect(home.status == .found)
            #expect(home.location == "/sign-in")
        }
    }

    @Test(arguments: TestEngine.all) func anUnpublishedRecordIsNotFoundToThePublic(engine: TestEngine) async throws {
        let draft = try await sharedApp(engine).raiseDecision(
            office: "cumbria", draft: webDraft("Unpublished"), by: "cumbria.officer")
        let app = try await webApp(engine: engine)
        try await app.test(.router) { client in
            var browser = Browser(client)
            let page = try await browser.get("/register/\(draft.id)")
            #expect(page.status == .notFound)
            #expect(!page.body.contains("Unpublished"))
        }
    }

    @Test(arguments: TestEngine.all) func aCorrectionIsOnThePublicDecisionPageAtOnce(engine: TestEngine) async throws {
        let commissioning = try await makeDemoApp(engine, returns: false)
        let id = try await commissioning.decisionID("014/2016", office: "cumbria")
        let app = try await webApp(commissioning: commissioning)
        try await app.test(.router) { client in
            var visitor = Browser(client)
            let before = try await visitor.get("/register/\(id)")
            #expect(before.status == .ok)
            #expect(!before.body.contains("Pilot as minuted"))
            var fix = DecisionDraft()
            fix.title = "Vulnerable Localities Index (VLI) Pilot as minuted"
            try await commissioning.correctDecision(
                id, draft: fix, reason: "title as minuted", by: "cumbria.officer", on: try Day(iso: "2016-04-01"))
            let after = try await visitor.get("/register/\(id)")
            #expect(after.status == .ok)
            #expect(after.body.contains("Vulnerable Localities Index (VLI) Pilot as minuted"))
        }
    }

    @Test(arguments: TestEngine.all) func aDecisionGoesFromDraftToPublishedInTheBrowser(engine: TestEngine) async throws
    {
        let app = try await webApp(engine: engine)
        try await app.test(.router) { client in
            var officer = Browser(client)
            #expect(try await officer.signIn("cumbria.officer").status == .seeOther)
            let raised = try await officer.post(
                "/decisions",
                [
                    "title": "Web pilot", "executiveSummary": "Pilot in two wards.", "recommendation": "Approve.",
                    "amount": "£1,000",
                ])
            #expect(raised.status == .seeOther)
            let path = try #require(raised.location)
            let id = String(path.dropFirst("/decisions/".count))
            #expect(try await officer.get(path).body.contains("Submit for sign-off"))

            // The wrong people are refused with 403, the record unchanged.
            var pcc = Browser(client)
            _ = try await pcc.signIn("cumbria.pcc")
            #expect(try await pcc.post("\(path)/submit").status == .forbidden)
            var board = Browser(client)
            _ = try await board.signIn("cumbria.barrow-board")
            #expect(try await board.get(path).status == .notFound, "a draft is not there for a project board")
            #expect(try await board.post("/decisions", ["title": "Board draft"]).status == .forbidden)

            #expect(try await officer.post("\(path)/submit").status == .seeOther)
            // Referring before the sign-offs: the rule's message at the top of the page, 422.
            let early = try await officer.post("\(path)/refer")
            #expect(early.status == .unprocessableContent)
            #expect(early.body.contains("There is a problem"))
            #expect(
                try await officer.post(
                    "\(path)/sign", ["position": "originating-officer", "name": "Vivian Stafford"]
                ).status == .seeOther)
            var chief = Browser(client)
            _ = try await chief.signIn("cumbria.chief-executive")
            #expect(
                try await chief.post("\(path)/sign", ["position": "chief-executive", "name": "Stuart Edwards"]).status
                    == .seeOther)
            #expect(try await chief.post("\(path)/refer").status == .seeOther)
            var finance = Browser(client)
            _ = try await finance.signIn("cumbria.finance")
            #expect(
                try await finance.post("\(path)/decide", ["approve": "yes", "interests": "none"]).status == .forbidden)
            #expect(
                try await officer.post("\(path)/decide", ["approve": "yes", "interests": "none"]).status == .forbidden)
            #expect(try await pcc.get("/home").body.contains("Web pilot"))
            #expect(try await pcc.post("\(path)/decide", ["approve": "yes", "interests": "None."]).status == .seeOther)
            #expect(try await pcc.post("\(path)/publish").status == .forbidden)
            #expect(try await officer.post("\(path)/publish").status == .seeOther)

            var visitor = Browser(client)
            let register = try await visitor.get("/register")
            #expect(register.body.contains("Web pilot"))
            #expect(try await visitor.get("/register/\(id)").status == .ok)
            let page = try await officer.get(path)
            #expect(page.body.contains("Published"))
            #expect(page.body.contains("Stuart Edwards"))
        }
    }

    @Test(arguments: TestEngine.all) func part2IsShownOnlyToItsReadersAndTheReadIsRecorded(
        engine: TestEngine
    ) async throws {
        let id = try await demoID(engine, "007/2020", office: "lincolnshire")
        let app = try await webApp(engine: engine)
        try await app.test(.router) { client in
            var reader = Browser(client)
            _ = try await reader.signIn("lincs.officer")
            let page = try await reader.get("/decisions/\(id)")
            #expect(page.body.contains("Read Part 2"))
            #expect(!page.body.contains(tripwire))
            let before = try await sharedApp(engine).auditLog(instance: id).filter { $0.event == "part2-read" }.count
            let read = try await reader.post("/decisions/\(id)/part2")
            #expect(read.status == .ok)
            #expect(read.body.contains(tripwire))
            await #expect(
                try sharedApp(engine).auditLog(instance: id).filter { $0.event == "part2-read" }.count == before + 1)

            var finance = Browser(client)
            _ = try await finance.signIn("lincs.finance")
            #expect(!(try await finance.get("/decisions/\(id)").body.contains("Read Part 2")))
            #expect(try await finance.post("/decisions/\(id)/part2").status == .forbidden)
            var outsider = Browser(client)
            _ = try await outsider.signIn("cumbria.officer")
            #expect(try await outsider.post("/decisions/\(id)/part2").status == .notFound, "another office's Part 2")
        }
    }

    @Test(arguments: TestEngine.all) func formsWithoutTheSessionsTokenAreRefused(engine: TestEngine) async throws {
        let app = try await webApp(engine: engine)
        try await app.test(.router) { client in
            var anonymous = Browser(client)
            let noSession = try await anonymous.post("/sign-in", ["username": "cumbria.officer", "password": "x"])
            #expect(noSession.status == .forbidden)
            var officer = Browser(client)
            _ = try await officer.signIn("cumbria.officer")
            #expect(try await officer.post("/decisions", ["title": "No token"], csrf: "").status == .forbidden)
            #expect(
                try await officer.post("/decisions", ["title": "Wrong token"], csrf: String(repeating: "0", count: 64))
                    .status == .forbidden)
            #expect(try await officer.post("/decisions", ["title": "Right token"]).status == .seeOther)
        }
    }

    @Test(arguments: TestEngine.all) func signInIsThrottledPerAccountAndPerAddress(engine: TestEngine) async throws {
        // A database of its own: the throttle's counters are in the database, and other tests sign in these people.
        let app = try await webApp(
            throttle: SignInThrottlePolicy(freeFailuresPerAccount: 3, freeFailuresPerAddress: 6),
            commissioning: makeDemoApp(engine, returns: false))
        try await app.test(.router) { client in
            var browser = Browser(client)
            for _ in 0..<3 {
                #expect(try await browser.signIn("cumbria.auditor", password: "wrong").status == .unauthorized)
            }
            // Held back now (the tests' clock stands still, so the wait never passes), even with the right password.
            let blocked = try await browser.signIn("cumbria.auditor")
            #expect(blocked.status == .tooManyRequests)
            #expect(blocked.body.contains("Too many failed sign-in attempts"))
            // Another account from the same address: three more failures reach the address's limit.
            for _ in 0..<3 {
                #expect(try await browser.signIn("lincs.auditor", password: "wrong").status == .unauthorized)
            }
            #expect(try await browser.signIn("wm.officer").status == .tooManyRequests)
        }
    }

    @Test(arguments: TestEngine.all) func signInSetsAFreshHttpOnlySameSiteCookieAndSignOutEndsIt(
        engine: TestEngine
    ) async throws {
        let app = try await webApp(engine: engine)
        try await app.test(.router) { client in
            var browser = Browser(client)
            _ = try await browser.get("/sign-in")
            let before = browser.cookie
            let signedIn = try await browser.signIn("cumbria.officer")
            let cookie = try #require(signedIn.setCookie)
            #expect(cookie.contains("HttpOnly"))
            #expect(cookie.contains("SameSite=Lax"))
            #expect(browser.cookie != before)
            #expect(try await browser.get("/home").status == .ok)
            #expect(try await browser.post("/sign-out").status == .seeOther)
            #expect(try await browser.get("/home").status == .found)
        }
    }

    @Test(arguments: TestEngine.all) func aPasswordSetThroughTheServicesIsTheOneThatSignsIn(
        engine: TestEngine
    ) async throws {
        // A database of its own: the other tests sign in with the demo password.
        let own = try await makeDemoApp(engine)
        try await own.setPasswordHash(Passwords.hash("a long passphrase", cost: 4), of: "leics.finance")
        await #expect(try own.passwordHash(of: "leics.finance")?.hasPrefix("$2") == true)
        await #expect(throws: ServiceRefusal.self) { try await own.setPasswordHash("$2b$04$x", of: "nobody.at.all") }
        let app = try await webApp(commissioning: own)
        try await app.test(.router) { client in
            var browser = Browser(client)
            let wrong = try await browser.signIn("leics.finance")
            #expect(wrong.status == .unauthorized)
            #expect(try await browser.signIn("leics.finance", password: "a long passphrase").status == .seeOther)
            #expect(try await browser.signIn("nobody.at.all").status == .unauthorized)
        }
    }

    /// Every demo person, through every screen they can reach, and the public: the tripwire is checked in each body
    /// as it arrives (see `record`), and must have reached at least one allowed reader.
    @Test(arguments: TestEngine.all) func theTripwireReachesOnlyPart2Readers(engine: TestEngine) async throws {
        let app = try await webApp(engine: engine)
        let lincsIDs = try await sharedApp(engine).decisionRegister(.init(), by: "lincs.officer").map(\.id)
        let ids = try await lincsIDs + sharedApp(engine).decisionRegister(.init(), by: "cumbria.officer").map(\.id)
        let lincs = try await demoID(engine, "007/2020", office: "lincolnshire")
        let wards = try await sharedApp(engine).vliOverview(as: "cumbria.officer").wards.prefix(3).map {
            "/vli/wards/\($0.code)"
        }
        let grants = try await sharedApp(engine).agreements(office: nil).map { "/grants/\($0.agreement.id)" }
        let assessments = try await sharedApp(engine).priorityAssessments(as: "leics.officer").map {
            "/priorities/\($0.id)"
        }
        let areaPages =
            [
                "/finance", "/finance?year=2015/16", "/finance/reconciliation.csv", "/finance/allocations", "/grants",
                "/finance/carry-forwards", "/vli", "/priorities",
            ] + grants + assessments + wards
        try await app.test(.router) { client in
            var visitor = Browser(client)
            for path in areaPages { _ = try await visitor.get(path) }
            _ = try await visitor.get("/register")
            for id in ids { _ = try await visitor.get("/register/\(id)") }
            for person in try await sharedApp(engine).everyone() {
                var browser = Browser(client)
                #expect(try await browser.signIn(person.name).status == .seeOther)
                _ = try await browser.get("/decisions")
                _ = try await browser.get("/decisions?q=funding&status=published&year=2016")
                for id in ids { _ = try await browser.get("/decisions/\(id)") }
                _ = try await browser.post("/decisions/\(lincs)/part2")
                // The finance, pilot-area and priorities screens (issue 11) too.
                for path in areaPages { _ = try await browser.get(path) }
            }
        }
        let reached = collected.withLock { $0.filter { $0.body.contains(tripwire) }.compactMap(\.user) }
        #expect(!reached.isEmpty)
        for user in reached { #expect(await mayReadTripwire(user)) }
    }
}

func webDraft(_ title: String) -> DecisionDraft {
    var draft = DecisionDraft()
    draft.title = title
    draft.executiveSummary = "A short summary."
    draft.recommendation = "Approve."
    return draft
}
