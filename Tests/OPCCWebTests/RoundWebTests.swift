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

/// Carried by an application's answer: it must reach no public page, export or feed, and no other organisation.
private let applicationTripwire = "Application tripwire 7731: our safeguarding lead is named here"

/// A Cumbria round on the tests' clock (2026-11-20 noon): open from 1 November, closing at noon on 30 November.
private func roundSpec(
    title: String = "Community Safety Fund small grants 2026", opens: String = "2026-11-01 09:00",
    closes: String = "2026-11-30 12:00", assessors: [String] = ["cumbria.chief-executive", "cumbria.finance"]
) throws -> GrantRoundSpec {
    GrantRoundSpec(
        title: title, strand: "ASB", year: FinancialYear(startYear: 2016), total: Money(pounds: 20_000)!,
        bands: try SizeBands([.init("small", upTo: Money(pounds: 5_000)!)]),
        eligibility: RoundEligibility(organisationKinds: [.charity, .company], areas: ["Barrow", "Copeland"]),
        criteria: [
            RoundCriterion(id: "need", title: "Evidence of need in the area", weight: 3),
            RoundCriterion(id: "delivery", title: "A realistic plan to deliver it", weight: 2),
        ],
        scale: ScoringScale(
            points: [(0, "No evidence"), (1, "Weak"), (2, "Adequate"), (3, "Good"), (4, "Excellent")].map {
                ScoringScale.Point(score: $0.0, descriptor: $0.1)
            }),
        questions: [
            RoundQuestion(id: "project", text: "What will the project do?", maxWords: 300),
            RoundQuestion(id: "need", text: "What need does it meet, and how do you know?"),
        ],
        opens: LondonTime(parsing: opens)!, closes: LondonTime(parsing: closes)!, assessors: assessors)
}

/// A published round of its own on `app`; returns its id.
private func publishedRound(
    _ app: Commissioning, title: String = "Community Safety Fund small grants 2026"
)
    async throws -> String
{
    let round = try await app.createRound(try roundSpec(title: title), office: "cumbria", by: "cumbria.officer")
    _ = try await app.publishRound(round.id, by: "cumbria.officer")
    return round.id
}

/// A partner signed up through `round` with the demo password (as if they had used the mailed link).
private func signedUpApplicant(
    _ app: Commissioning, name: String, orgID: String, organisation: String
) async throws {
    let answer = try await app.signUpApplicant(
        name: name, displayName: "Applicant \(name)", email: "\(name)@partners.example",
        organisation: PartnerOrganisation(orgID: orgID, name: organisation, kind: .charity), office: "cumbria",
        address: "192.0.2.10", throttle: concurrentTestsThrottle)
    guard case .linkSent = answer else {
        Issue.record("sign-up of \(name) was throttled")
        return
    }
    try await app.setPasswordHash(Passwords.hash(Passwords.demoPassword, cost: 4), of: name)
}

/// A complete application's form: its budget adds up to £4,000, for Barrow.
private func completeForm(title: String = "Friday night youth club", requested: String = "£4,000") -> [String: String] {
    [
        "title": title, "question-0": "A youth club at the community centre on Friday nights.",
        "question-1": "Anti-social behaviour peaks on Friday nights. \(applicationTripwire)",
        "line-0-description": "Youth workers", "line-0-amount": "£3,200", "line-1-description": "Hall hire",
        "line-1-amount": "£800", "line-2-description": "", "line-2-amount": "", "requested": requested,
        "area": "Barrow", "outcomes": "Fewer ASB reports\n30 young people weekly",
    ]
}

/// The application id a redirect to `/applications/ID?done=…` names.
private func applicationID(_ location: String?) -> String {
    String((location ?? "").dropFirst("/applications/".count).prefix { $0 != "?" })
}

/// An applicant signed in who has started and submitted a complete application to `round`; its id.
private func submittedApplication(
    _ client: any TestClientProtocol, applicant: String, round: String
) async throws -> String {
    var browser = Browser(client)
    _ = try await browser.signIn(applicant)
    _ = try await browser.get("/applications/new?round=\(round)")
    let started = try await browser.post("/applications/new?round=\(round)", completeForm())
    #expect(started.status == .seeOther, "\(started.body)")
    let id = applicationID(started.location)
    let submitted = try await browser.post("/applications/\(id)/submit", completeForm())
    #expect(submitted.status == .seeOther, "\(submitted.body)")
    return id
}

/// Numbers for made-up names, one after another.
private final class RoundCounter: Sendable {
    private let value = Mutex(0)
    func next() -> Int {
        value.withLock {
            $0 += 1
            return $0
        }
    }
}

@Suite("Web: grant rounds — the public pages, sign-up, applications, eligibility, assessment and moderation")
struct RoundWebTests {
    @Test(arguments: TestEngine.all) func theRoundsPagesPublishTheRoundAndNeverAnApplicationOrAScore(
        engine: TestEngine
    ) async throws {
        let commissioning = try await makeDemoApp(engine, returns: false)
        let round = try await publishedRound(commissioning)
        let draft = try await commissioning.createRound(
            try roundSpec(title: "A round still being set up"), office: "cumbria", by: "cumbria.officer")
        try await signedUpApplicant(
            commissioning, name: "p.one", orgID: "GB-CHC-1045678", organisation: "Ormsgill Trust")
        let app = try await webApp(commissioning: commissioning)
        try await app.test(.router) { client in
            _ = try await submittedApplication(client, applicant: "p.one", round: round)
            var visitor = Browser(client)
            let list = try await visitor.get("/rounds")
            #expect(list.status == .ok && list.body.contains("Community Safety Fund small grants 2026"))
            #expect(list.body.contains("Open rounds") && list.body.contains("href=\"/rounds/\(round)\""))
            #expect(!list.body.contains("A round still being set up"), "a draft round is not published")
            let page = try await visitor.get("/rounds/\(round)")
            #expect(page.status == .ok)
            for published in [
                "Evidence of need in the area", "Excellent", "What will the project do?",
                "30\u{A0}November\u{A0}2026 at 12:00",
                "£20,000.00", "£5,000.00", "registered charities", "Barrow", "at most 300 words",
                "href=\"/applications/new?round=\(round)\"",
            ] {
                #expect(page.body.contains(published), "\(published)")
            }
            // Every published round's page, the demo's decided one with its awards included: no application text.
            for link in list.body.components(separatedBy: "href=\"/rounds/").dropFirst() {
                let path = "/rounds/" + link.prefix { $0 != "\"" }
                let shown = try await visitor.get(path)
                #expect(shown.status == .ok, "\(path)")
                #expect(!shown.body.contains(applicationTripwire) && !shown.body.contains(tripwire), "\(path)")
            }
            #expect(try await visitor.get("/rounds/\(draft.id)").status == .notFound)
            #expect(try await visitor.get("/rounds/R-1999-999").status == .notFound)
            // The public, and any other signed-in person, never meets the application on a public page or export.
            var officer = Browser(client)
            _ = try await officer.signIn("cumbria.officer")
            for path in [
                "/rounds", "/rounds/\(round)", "/register", "/transparency", "/transparency/grants",
                "/transparency/grants.csv", "/transparency/360giving.json", "/calendar/public.ics",
            ] {
                let body = try await visitor.get(path).body
                #expect(!body.contains(applicationTripwire) && !body.contains("Friday night youth club"), "\(path)")
                #expect(!body.contains(tripwire), "\(path)")
                #expect(!(try await officer.get(path)).body.contains(applicationTripwire), "\(path)")
            }
            // The staff pages and the application itself ask the public to sign in.
            for path in ["/applications", "/rounds/\(round)/applications", "/rounds/\(round)/assess"] {
                let page = try await visitor.get(path)
                #expect(page.status == .found && page.location == "/sign-in", "\(path)")
            }
            let css = try await visitor.get("/assets/opcc.css")
            #expect(css.body.contains(".budget-line"), "the rounds' styles are in the stylesheet file")
            #expect(!page.body.contains("<style") && !page.body.contains("<script") && !page.body.contains("style=\""))
        }
    }

    @Test(arguments: TestEngine.all) func aPartnerSignsUpAndIsMailedALinkEachBadFieldRefusedBesideIt(
        engine: TestEngine
    ) async throws {
        let commissioning = try await makeDemoApp(engine, returns: false)
        let round = try await publishedRound(commissioning)
        let app = try await webApp(commissioning: commissioning)
        try await app.test(.router) { client in
            var partner = Browser(client)
            let moved = try await partner.get("/sign-up?round=\(round)")
            #expect(moved.status == .found && moved.location == "/sign-in/sign-up?round=\(round)")
            let form = try await partner.get(moved.location ?? "")
            #expect(form.status == .ok && form.body.contains("Sign up your organisation"))
            #expect(form.body.contains("<option value=\"\(round)\" selected>"))
            var fields = [
                "organisation": "Ormsgill Youth Trust", "kind": "charity", "number": "12",
                "displayName": "Jo Bidwriter", "email": "jo@ormsgill.example", "name": "jo.bidwriter", "round": round,
            ]
            let badNumber = try await partner.post("/sign-in/sign-up", fields)
            #expect(badNumber.status == .unprocessableContent && badNumber.body.contains("href=\"#signup-number\""))
            #expect(badNumber.body.contains("Ormsgill Youth Trust"), "what was entered comes back")
            fields["number"] = "1045678"
            fields["kind"] = ""
            let noKind = try await partner.post("/sign-in/sign-up", fields)
            #expect(noKind.status == .unprocessableContent && noKind.body.contains("href=\"#signup-kind\""))
            fields["kind"] = "charity"
            fields["email"] = "not an address"
            let badEmail = try await partner.post("/sign-in/sign-up", fields)
            #expect(badEmail.status == .unprocessableContent && badEmail.body.contains("href=\"#signup-email\""))
            fields["email"] = "jo@ormsgill.example"
            let forged = try await partner.post("/sign-in/sign-up", fields, csrf: "forged")
            #expect(forged.status == .forbidden)
            #expect(try await commissioning.person(named: "jo.bidwriter") == nil, "nothing was recorded")
            let done = try await partner.post("/sign-in/sign-up", fields)
            #expect(done.status == .ok && done.body.contains("Check your email"), "\(done.body)")
            let person = try #require(try await commissioning.person(named: "jo.bidwriter"))
            #expect(person.grants.contains { $0.role == .applicant && $0.scope == ["GB-CHC-1045678"] })
            _ = try await partner.get("/sign-in/sign-up")
            let taken = try await partner.post("/sign-in/sign-up", fields)
            #expect(taken.status == .unprocessableContent && taken.body.contains("href=\"#signup-name\""))
        }
    }

    @Test(arguments: TestEngine.all) func signUpIsThrottledLikeSignIn(engine: TestEngine) async throws {
        let commissioning = try await makeDemoApp(engine, returns: false)
        let round = try await publishedRound(commissioning)
        let app = try await webApp(throttle: .init(), commissioning: commissioning)
        try await app.test(.router) { client in
            var partner = Browser(client)
            _ = try await partner.get("/sign-in/sign-up")
            var throttled: Browser.Page?
            for attempt in 0..<40 {
                let page = try await partner.post(
                    "/sign-in/sign-up",
                    [
                        "organisation": "Trust \(attempt)", "kind": "charity", "number": "10456\(10 + attempt)",
                        "displayName": "Someone", "email": "s\(attempt)@example.org", "name": "flood.one",
                        "round": round,
                    ])
                if page.status == .tooManyRequests {
                    throttled = page
                    break
                }
            }
            let page = try #require(throttled, "forty sign-ups from one address were never throttled")
            #expect(page.body.contains("Too many sign-ups. Wait"))
        }
    }

    @Test(arguments: TestEngine.all) func anApplicantSavesADraftAndSubmitsItBeforeTheClose(
        engine: TestEngine
    ) async throws {
        let commissioning = try await makeDemoApp(engine, returns: false)
        let round = try await publishedRound(commissioning)
        try await signedUpApplicant(commissioning, name: "p.two", orgID: "GB-CHC-1045679", organisation: "Barrow Aid")
        let app = try await webApp(commissioning: commissioning)
        try await app.test(.router) { client in
            var applicant = Browser(client)
            _ = try await applicant.signIn("p.two")
            let list = try await applicant.get("/applications")
            #expect(list.status == .ok && list.body.contains("href=\"/applications/new?round=\(round)\""))
            let blank = try await applicant.get("/applications/new?round=\(round)")
            #expect(blank.status == .ok && blank.body.contains("What need does it meet, and how do you know?"))
            let started = try await applicant.post(
                "/applications/new?round=\(round)", ["title": "Friday night youth club"])
            #expect(started.status == .seeOther && started.location?.hasSuffix("?done=saved") == true)
            let id = applicationID(started.location)
            let saved = try await applicant.get(started.location ?? "")
            #expect(
                saved.body.contains("Your draft is saved") && saved.body.contains("class=\"notice notice-success\""))
            // A cost that is no amount is refused beside its field, before anything is saved.
            var form = completeForm()
            form["line-1-amount"] = "eight hundred"
            let badLine = try await applicant.post("/applications/\(id)", form)
            #expect(badLine.status == .unprocessableContent && badLine.body.contains("href=\"#line-1-amount\""))
            #expect(badLine.body.contains("id=\"line-1-amount-error\""))
            let submitted = try await applicant.post("/applications/\(id)/submit", completeForm())
            #expect(submitted.status == .seeOther && submitted.location?.hasSuffix("?done=submitted") == true)
            let page = try await applicant.get(submitted.location ?? "")
            #expect(page.body.contains("Your application is submitted") && page.body.contains(">Submitted<"))
            #expect(!page.body.contains("id=\"application\""), "a submitted application is no longer a form")
            #expect(try await commissioning.application(id, by: "p.two").state == .submitted)
            let again = try await applicant.post("/applications/\(id)", completeForm(title: "Changed"))
            #expect(again.status == .unprocessableContent || again.status == .conflict)
        }
    }

    @Test(arguments: TestEngine.all) func budgetLinesAddUp(engine: TestEngine) async throws {
        var form = completeForm()
        form["requested"] = "£4,500"
        try await refusedSubmission(engine, form: form, field: "application-requested")
    }

    @Test(arguments: TestEngine.all) func applicationWithinBands(engine: TestEngine) async throws {
        var form = completeForm()
        form["line-0-amount"] = "£5,200"
        form["requested"] = "£6,000"
        try await refusedSubmission(engine, form: form, field: "application-requested")
    }

    @Test(arguments: TestEngine.all) func applicationAreaInRound(engine: TestEngine) async throws {
        var form = completeForm()
        form["area"] = "Leeds"
        try await refusedSubmission(engine, form: form, field: "application-area")
    }

    @Test(arguments: TestEngine.all) func applicationAnswersComplete(engine: TestEngine) async throws {
        var form = completeForm()
        form["question-0"] = ""
        try await refusedSubmission(engine, form: form, field: "question-0")
    }

    /// A submission refused by a rule: the form comes back (422) with the message at `field`, what was entered kept,
    /// the draft saved and said so, and the application still a draft.
    private func refusedSubmission(
        _ engine: TestEngine, form: [String: String], field: String
    ) async throws {
        let commissioning = try await makeDemoApp(engine, returns: false)
        let round = try await publishedRound(commissioning)
        try await signedUpApplicant(
            commissioning, name: "p.three", orgID: "GB-CHC-1045680", organisation: "Copeland Aid")
        let app = try await webApp(commissioning: commissioning)
        try await app.test(.router) { client in
            var applicant = Browser(client)
            _ = try await applicant.signIn("p.three")
            _ = try await applicant.get("/applications/new?round=\(round)")
            let started = try await applicant.post("/applications/new?round=\(round)", ["title": "A project"])
            let id = applicationID(started.location)
            let refused = try await applicant.post("/applications/\(id)/submit", form)
            #expect(refused.status == .unprocessableContent, "\(refused.body)")
            #expect(refused.body.contains("href=\"#\(field)\""), "\(field)")
            #expect(refused.body.contains("is saved, but it is not submitted"))
            #expect(try await commissioning.application(id, by: "p.three").state == .draft)
        }
    }

    @Test(arguments: TestEngine.all) func submissionBeforeClose(engine: TestEngine) async throws {
        // Two servers on one database: the applicant starts while the round is open and submits after its close.
        let stores = try await engine.makeStores(2)
        let open = try commissioning(over: stores[0])
        try await loadDemo(into: open, returns: false)
        let home = ProductHome(root: repositoryRoot)
        let late = try Commissioning(
            store: stores[1], catalog: try WorkflowCatalog.load(from: home, registry: .standard),
            calendar: try WorkingDayCalendar.load(from: home), clock: FixedClock(day: try Day(iso: "2026-12-01")))
        let round = try await publishedRound(open)
        try await signedUpApplicant(open, name: "p.late", orgID: "GB-CHC-1045681", organisation: "Late Trust")
        let id = try await webApp(commissioning: open).test(.router) { client in
            var applicant = Browser(client)
            _ = try await applicant.signIn("p.late")
            _ = try await applicant.get("/applications/new?round=\(round)")
            let started = try await applicant.post("/applications/new?round=\(round)", completeForm())
            return applicationID(started.location)
        }
        try await webApp(commissioning: late).test(.router) { client in
            var applicant = Browser(client)
            _ = try await applicant.signIn("p.late")
            _ = try await applicant.get("/applications/\(id)")
            let refused = try await applicant.post("/applications/\(id)/submit", completeForm())
            #expect(refused.status == .unprocessableContent || refused.status == .conflict, "\(refused.status)")
            #expect(refused.body.contains("There is a problem") && refused.body.contains("30\u{A0}November\u{A0}2026"))
            #expect(try await late.application(id, by: "p.late").state == .draft)
            var visitor = Browser(client)
            let list = try await visitor.get("/rounds")
            #expect(list.body.contains("Past rounds") && !list.body.contains("No round has closed yet"))
        }
    }

    @Test(arguments: TestEngine.all) func applicantSeesOwnOrganisation(engine: TestEngine) async throws {
        let commissioning = try await makeDemoApp(engine, returns: false)
        let round = try await publishedRound(commissioning)
        try await signedUpApplicant(commissioning, name: "p.mine", orgID: "GB-CHC-1045682", organisation: "Mine Trust")
        try await signedUpApplicant(commissioning, name: "p.other", orgID: "GB-COH-01234567", organisation: "Other Ltd")
        let app = try await webApp(commissioning: commissioning)
        try await app.test(.router) { client in
            let id = try await submittedApplication(client, applicant: "p.mine", round: round)
            var other = Browser(client)
            _ = try await other.signIn("p.other")
            let page = try await other.get("/applications/\(id)")
            #expect(page.status == .notFound || page.status == .forbidden, "\(page.status)")
            #expect(!page.body.contains(applicationTripwire) && !page.body.contains("Friday night youth club"))
            let list = try await other.get("/applications")
            #expect(list.status == .ok && !list.body.contains(id) && !list.body.contains("Friday night youth club"))
            let write = try await other.post("/applications/\(id)", completeForm(title: "Hijacked"))
            #expect(write.status == .notFound || write.status == .forbidden)
            // Nor may an applicant open the officers' or the assessors' pages.
            #expect(
                [HTTPResponse.Status.forbidden, .notFound].contains(
                    try await other.get("/rounds/\(round)/applications").status))
            let assess = try await other.get("/rounds/\(round)/assess")
            #expect(!assess.body.contains(applicationTripwire))
            #expect(try await commissioning.application(id, by: "p.mine").draft.title == "Friday night youth club")
        }
    }

    @Test(arguments: TestEngine.all) func othersScoresAfterOwn(engine: TestEngine) async throws {
        let commissioning = try await makeDemoApp(engine, returns: false)
        let round = try await publishedRound(commissioning)
        try await signedUpApplicant(commissioning, name: "p.four", orgID: "GB-CHC-1045683", organisation: "Four Trust")
        let app = try await webApp(commissioning: commissioning)
        try await app.test(.router) { client in
            let id = try await submittedApplication(client, applicant: "p.four", round: round)
            var officer = Browser(client)
            _ = try await officer.signIn("cumbria.officer")
            let manage = try await officer.get("/rounds/\(round)/applications")
            #expect(manage.status == .ok && manage.body.contains("eligibility-\(id)"))
            let noReason = try await officer.post(
                "/rounds/\(round)/applications/\(id)/eligibility", ["eligible": "yes", "reason": ""])
            #expect(noReason.status == .unprocessableContent && noReason.body.contains("#eligibility-\(id)-reason"))
            let marked = try await officer.post(
                "/rounds/\(round)/applications/\(id)/eligibility", ["eligible": "yes", "reason": "A charity in Barrow"])
            #expect(marked.status == .seeOther)
            #expect(try await officer.get(marked.location ?? "").body.contains("The eligibility is recorded"))

            var first = Browser(client)
            _ = try await first.signIn("cumbria.chief-executive")
            let before = try await first.get("/rounds/\(round)/assess")
            #expect(before.status == .ok && before.body.contains("id=\"conflict-\(id)\""))
            let early = try await first.post(
                "/rounds/\(round)/assess/\(id)/score",
                ["score-0": "3", "score-1": "4", "comment-0": "a", "comment-1": "b"])
            #expect(early.status == .unprocessableContent || early.status == .conflict, "scoring before declaring")
            #expect(
                try await first.post("/rounds/\(round)/assess/\(id)/conflict", ["conflicted": "no"]).status == .seeOther
            )
            let offScale = try await first.post(
                "/rounds/\(round)/assess/\(id)/score",
                ["score-0": "9", "score-1": "4", "comment-0": "Strong", "comment-1": "Clear"])
            #expect(offScale.status == .unprocessableContent && offScale.body.contains("There is a problem"))
            let scored = try await first.post(
                "/rounds/\(round)/assess/\(id)/score",
                ["score-0": "3", "score-1": "4", "comment-0": "First assessor: strong need", "comment-1": "Clear plan"])
            #expect(scored.status == .seeOther)
            let after = try await first.get(scored.location ?? "")
            #expect(after.body.contains("Your scores are submitted") && after.body.contains("85.00%"))

            var second = Browser(client)
            _ = try await second.signIn("cumbria.finance")
            let hidden = try await second.get("/rounds/\(round)/assess")
            #expect(hidden.status == .ok)
            #expect(!hidden.body.contains("First assessor: strong need"), "the others' scores before one's own")
            #expect(hidden.body.contains("hidden until you submit yours"))
            #expect(
                try await second.post("/rounds/\(round)/assess/\(id)/conflict", ["conflicted": "no"]).status
                    == .seeOther)
            _ = try await second.post(
                "/rounds/\(round)/assess/\(id)/score",
                ["score-0": "1", "score-1": "1", "comment-0": "Second assessor: thin", "comment-1": "Vague"])
            let shown = try await second.get("/rounds/\(round)/assess")
            #expect(shown.body.contains("First assessor: strong need"), "shown once one's own are submitted")
        }
    }

    @Test(arguments: TestEngine.all) func conflictedAssessorCannotScore(engine: TestEngine) async throws {
        let commissioning = try await makeDemoApp(engine, returns: false)
        let round = try await publishedRound(commissioning)
        try await signedUpApplicant(commissioning, name: "p.five", orgID: "GB-CHC-1045684", organisation: "Five Trust")
        let app = try await webApp(commissioning: commissioning)
        try await app.test(.router) { client in
            let id = try await submittedApplication(client, applicant: "p.five", round: round)
            try await commissioning.markEligibility(id, eligible: true, reason: "Fine", by: "cumbria.officer")
            var assessor = Browser(client)
            _ = try await assessor.signIn("cumbria.chief-executive")
            _ = try await assessor.get("/rounds/\(round)/assess")
            let declared = try await assessor.post(
                "/rounds/\(round)/assess/\(id)/conflict", ["conflicted": "yes", "note": "I am a trustee"])
            #expect(declared.status == .seeOther)
            let page = try await assessor.get("/rounds/\(round)/assess")
            #expect(page.body.contains("Conflict declared") && !page.body.contains("id=\"score-\(id)\""))
            let refused = try await assessor.post(
                "/rounds/\(round)/assess/\(id)/score",
                ["score-0": "3", "score-1": "3", "comment-0": "x", "comment-1": "y"])
            #expect(
                [HTTPResponse.Status.unprocessableContent, .conflict, .forbidden].contains(refused.status),
                "\(refused.status)")
        }
    }

    @Test(arguments: TestEngine.all) func moderationRecordsTheRecommendationsAndRaisesTheDecision(
        engine: TestEngine
    ) async throws {
        let stores = try await engine.makeStores(2)
        let open = try commissioning(over: stores[0])
        try await loadDemo(into: open, returns: false)
        let home = ProductHome(root: repositoryRoot)
        let closed = try Commissioning(
            store: stores[1], catalog: try WorkflowCatalog.load(from: home, registry: .standard),
            calendar: try WorkingDayCalendar.load(from: home), clock: FixedClock(day: try Day(iso: "2026-12-01")))
        let round = try await publishedRound(open)
        try await signedUpApplicant(open, name: "p.six", orgID: "GB-CHC-1045685", organisation: "Six Trust")
        let id = try await webApp(commissioning: open).test(.router) { client in
            try await submittedApplication(client, applicant: "p.six", round: round)
        }
        try await open.markEligibility(id, eligible: true, reason: "Fine", by: "cumbria.officer")
        for (assessor, need, delivery) in [("cumbria.chief-executive", 4, 4), ("cumbria.finance", 1, 1)] {
            try await open.declareConflict(id, conflicted: false, note: "", by: assessor)
            _ = try await open.submitScores(
                id,
                scores: [
                    CriterionScore(criterion: "need", score: need, comment: "c"),
                    CriterionScore(criterion: "delivery", score: delivery, comment: "c"),
                ], by: assessor)
        }
        try await webApp(commissioning: closed).test(.router) { client in
            var officer = Browser(client)
            _ = try await officer.signIn("cumbria.officer")
            let open = try await officer.get("/rounds/\(round)/moderation")
            #expect(open.body.contains("id=\"round-close\""), "the close passed: the officer may close the round")
            let closing = try await officer.post("/rounds/\(round)/close")
            #expect(closing.status == .seeOther, "\(closing.body)")
            let page = try await officer.get(closing.location ?? "")
            #expect(page.body.contains("The round is closed to applications"))
            #expect(page.status == .ok && page.body.contains("Spread flag"), "100% and 25% differ by more than 20")
            #expect(page.body.contains("62.50%"), "the mean of 100% and 25%")
            let badScore = try await officer.post(
                "/rounds/\(round)/moderation/\(id)", ["score": "150", "recommendation": "award", "reason": "Good"])
            #expect(badScore.status == .unprocessableContent && badScore.body.contains("#moderate-\(id)-score"))
            let noReason = try await officer.post(
                "/rounds/\(round)/moderation/\(id)", ["score": "70", "recommendation": "award", "reason": ""])
            #expect(noReason.status == .unprocessableContent, "recommendationComplete: reasons are required")
            let recorded = try await officer.post(
                "/rounds/\(round)/moderation/\(id)",
                ["score": "70", "recommendation": "award-reduced", "amount": "£3,500", "reason": "Fund the club only"])
            #expect(recorded.status == .seeOther, "\(recorded.body)")
            let after = try await officer.get(recorded.location ?? "")
            #expect(after.body.contains("recommendation is recorded") && after.body.contains("£3,500.00"))
            #expect(after.body.contains("id=\"round-decision\""))
            let raised = try await officer.post("/rounds/\(round)/decision")
            #expect(raised.status == .seeOther && raised.location?.hasPrefix("/decisions/") == true, "\(raised.body)")
            var assessor = Browser(client)
            _ = try await assessor.signIn("cumbria.finance")
            #expect(try await assessor.post("/rounds/\(round)/decision").status == .forbidden)
        }
    }

    /// Every text a person types on the rounds' pages, given arbitrary Unicode: a page or a refusal naming the field
    /// (or a throttle's wait), never a server error, and never the text unescaped.
    @Test(arguments: TestEngine.all) func anyTextTypedInAnyFieldIsAnAnswerNeverAServerError(
        engine: TestEngine
    ) async throws {
        let commissioning = try await makeDemoApp(engine, returns: false)
        let round = try await publishedRound(commissioning)
        try await signedUpApplicant(commissioning, name: "p.fuzz", orgID: "GB-CHC-1045686", organisation: "Fuzz Trust")
        let app = try await webApp(commissioning: commissioning)
        let counter = RoundCounter()
        try await app.test(.router) { client in
            let submitted = try await submittedApplication(client, applicant: "p.fuzz", round: round)
            var applicant = Browser(client)
            _ = try await applicant.signIn("p.fuzz")
            _ = try await applicant.get("/applications/new?round=\(round)")
            let draft = applicationID(
                try await applicant.post("/applications/new?round=\(round)", ["title": "Fuzzed"]).location)
            var officer = Browser(client)
            _ = try await officer.signIn("cumbria.officer")
            _ = try await officer.get("/rounds/\(round)/applications")
            var assessor = Browser(client)
            _ = try await assessor.signIn("cumbria.chief-executive")
            _ = try await assessor.get("/rounds/\(round)/assess")
            var visitor = Browser(client)
            _ = try await visitor.get("/sign-in/sign-up")
            let allowed: Set<Int> = [200, 303, 403, 404, 409, 422, 429]
            await propertyCheck(count: 12, input: HostileText.text) { text in
                let n = counter.next()
                for name in ["organisation", "number", "displayName", "email", "name"] {
                    var fields = [
                        "organisation": "Trust", "kind": "charity", "number": "10999\(n % 90 + 10)",
                        "displayName": "Someone", "email": "f\(n)@example.org", "name": "fuzz.\(n).\(name)",
                        "round": round,
                    ]
                    fields[name] = text
                    let page = try await visitor.post("/sign-in/sign-up", fields)
                    #expect(allowed.contains(page.status.code), "sign-up \(name)=\(text.debugDescription)")
                    #expect(!page.body.contains("<b>") || !text.contains("<b>"), "escaped")
                }
                for name in [
                    "title", "question-0", "question-1", "line-0-description", "line-0-amount", "requested", "area",
                    "outcomes",
                ] {
                    var fields = completeForm()
                    fields[name] = text
                    let page = try await applicant.post("/applications/\(draft)", fields)
                    #expect(allowed.contains(page.status.code), "application \(name)=\(text.debugDescription)")
                    if page.status == .seeOther {
                        let shown = try await applicant.get("/applications/\(draft)")
                        #expect(shown.status == .ok)
                        #expect(!text.contains("<b>") || !shown.body.contains("<b>"), "escaped")
                    }
                }
                let reason = try await officer.post(
                    "/rounds/\(round)/applications/\(submitted)/eligibility", ["eligible": "no", "reason": text])
                #expect(allowed.contains(reason.status.code), "eligibility reason \(text.debugDescription)")
                let note = try await assessor.post(
                    "/rounds/\(round)/assess/\(submitted)/conflict", ["conflicted": "yes", "note": text])
                #expect(allowed.contains(note.status.code), "conflict note \(text.debugDescription)")
                let comment = try await assessor.post(
                    "/rounds/\(round)/assess/\(submitted)/score",
                    ["score-0": text, "score-1": "2", "comment-0": text, "comment-1": text])
                #expect(allowed.contains(comment.status.code), "score \(text.debugDescription)")
                let moderated = try await officer.post(
                    "/rounds/\(round)/moderation/\(submitted)",
                    ["score": text, "recommendation": text, "amount": text, "reason": text])
                #expect(allowed.contains(moderated.status.code), "moderation \(text.debugDescription)")
                #expect(Web.basisPoints(text) == nil || Web.basisPoints(text)! <= 10_000)
            }
        }
    }

    @Test(arguments: TestEngine.all) func theDemosDecidedRoundIsPublishedWithoutItsApplicationsOrScores(
        engine: TestEngine
    ) async throws {
        let commissioning = try await makeDemoApp(engine, returns: false)
        try await commissioning.loadDemoRound(from: ProductHome(root: repositoryRoot))
        let round = try #require(try await commissioning.rounds(office: "cumbria", by: nil).first)
        let applications = try await commissioning.applications(round: round.id, by: "cumbria.officer")
        #expect(!applications.isEmpty)
        let awards = try await commissioning.publishedAwards(of: round.id)
        let app = try await webApp(commissioning: commissioning)
        try await app.test(.router) { client in
            var visitor = Browser(client)
            let list = try await visitor.get("/rounds")
            #expect(list.body.contains(round.spec.title) && list.body.contains("Past rounds"))
            let page = try await visitor.get("/rounds/\(round.id)")
            #expect(page.status == .ok && page.body.contains(">Decided<"))
            for application in applications {
                #expect(!page.body.contains(application.draft.title), "\(application.id)")
                for answer in application.draft.answers.values where answer.count > 20 {
                    #expect(!page.body.contains(answer), "\(application.id)")
                }
            }
            #expect(!page.body.contains("%"), "no score is published")
            // Awards show once the decision's Part 1 is published, as in the grants register.
            #expect(page.body.contains("<h2>Awards</h2>") == !awards.isEmpty)
            for award in awards { #expect(page.body.contains(award.amount.formatted)) }
        }
    }

    @Test func aModeratedScoreIsReadAsAPercentageWithAtMostTwoDecimals() {
        let cases: [(String, Int?)] = [
            ("72.5", 7250), ("72.50", 7250), ("0", 0), ("100", 10_000), ("100.00", 10_000), ("100.01", nil),
            ("101", nil), ("-1", nil), ("7.255", nil), ("", nil), (".5", nil), ("5.", nil), ("٣", nil), ("1e2", nil),
        ]
        for (text, expected) in cases { #expect(Web.basisPoints(text) == expected, "\(text)") }
    }
}
