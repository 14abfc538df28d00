import Foundation
import Hummingbird
import HummingbirdTesting
import OPCCCore
import OPCCServices
import OPCCStore
import OPCCTestSupport
import Testing

@testable import OPCCWeb

/// Carried by an application's document: it must reach no public page, export or feed, and no other organisation.
private let documentTripwire = "Application document tripwire 5519: the safeguarding log"

/// A Cumbria round open on the tests' clock (2026-11-20 noon), with an assessor from outside the office.
private func openRound(_ app: Commissioning) async throws -> String {
    let spec = GrantRoundSpec(
        title: "Small grants with documents", strand: "ASB", year: FinancialYear(startYear: 2016),
        total: Money(pounds: 20_000)!, bands: try SizeBands([.init("small", upTo: Money(pounds: 5_000)!)]),
        eligibility: RoundEligibility(organisationKinds: [.charity], areas: ["Barrow"]),
        criteria: [RoundCriterion(id: "need", title: "Evidence of need", weight: 1)],
        scale: ScoringScale(points: [.init(score: 0, descriptor: "None"), .init(score: 1, descriptor: "Some")]),
        questions: [RoundQuestion(id: "project", text: "What will the project do?")],
        opens: LondonTime(parsing: "2026-11-01 09:00")!, closes: LondonTime(parsing: "2026-11-30 12:00")!,
        assessors: [])
    let round = try await app.createRound(spec, office: "cumbria", by: "cumbria.officer")
    try await app.addAssessor(
        "outside.assessor", to: round.id, displayName: "Outside assessor", email: "assessor@cvs.example",
        by: "cumbria.officer")
    try await app.setPasswordHash(Passwords.hash(Passwords.demoPassword, cost: 4), of: "outside.assessor")
    _ = try await app.publishRound(round.id, by: "cumbria.officer")
    return round.id
}

private func applicant(_ app: Commissioning, _ name: String, orgID: String) async throws {
    let answer = try await app.signUpApplicant(
        name: name, displayName: "Applicant \(name)", email: "\(name)@partners.example",
        organisation: PartnerOrganisation(orgID: orgID, name: "Charity \(name)", kind: .charity), office: "cumbria",
        address: "192.0.2.20", throttle: concurrentTestsThrottle)
    guard case .linkSent = answer else {
        Issue.record("sign-up of \(name) was throttled")
        return
    }
    try await app.setPasswordHash(Passwords.hash(Passwords.demoPassword, cost: 4), of: name)
}

/// The staff's header links: none of them may be offered to a partner.
private let staffLinks = [
    "href=\"/home\"", "href=\"/decisions\"", "href=\"/decisions/new\"", "href=\"/returns\"", "href=\"/finance\"",
    "href=\"/vli\"", "href=\"/priorities\"", "href=\"/import\"", "href=\"/panel-report\"",
]

@Suite("Web: grant rounds — a partner's header, and an application's documents")
struct RoundWebFinishTests {
    @Test(arguments: TestEngine.all) func applicantsAndAssessorsOfNoOfficeSeeOnlyTheirOwnLinksInTheHeader(
        engine: TestEngine
    ) async throws {
        let commissioning = try await makeDemoApp(engine, returns: false)
        let round = try await openRound(commissioning)
        try await applicant(commissioning, "hdr.applicant", orgID: "GB-CHC-1077001")
        let app = try await webApp(commissioning: commissioning)
        try await app.test(.router) { client in
            var partner = Browser(client)
            _ = try await partner.signIn("hdr.applicant")
            for path in ["/applications", "/applications/new?round=\(round)", "/rounds", "/rounds/\(round)"] {
                let page = try await partner.get(path)
                #expect(page.status == .ok, "\(path)")
                #expect(page.body.contains("<a href=\"/applications\">Your applications</a>"), "\(path)")
                #expect(page.body.contains("Sign out hdr.applicant"), "\(path)")
                for link in staffLinks { #expect(!page.body.contains(link), "\(path): \(link)") }
            }
            var assessor = Browser(client)
            _ = try await assessor.signIn("outside.assessor")
            for path in ["/rounds/\(round)/assess", "/rounds", "/rounds/\(round)"] {
                let page = try await assessor.get(path)
                #expect(page.status == .ok, "\(path)")
                #expect(page.body.contains("<a href=\"/rounds/\(round)/assess\">Assess</a>"), "\(path)")
                #expect(!page.body.contains("Your applications"), "\(path)")
                for link in staffLinks { #expect(!page.body.contains(link), "\(path): \(link)") }
            }
            // The office's staff keep theirs, on the same pages.
            var officer = Browser(client)
            _ = try await officer.signIn("cumbria.officer")
            for path in ["/rounds", "/rounds/\(round)", "/rounds/\(round)/assess"] {
                let page = try await officer.get(path)
                for link in staffLinks { #expect(page.body.contains(link), "\(path): \(link)") }
            }
        }
    }

    @Test(arguments: TestEngine.all) func anApplicantAttachesADocumentOnTheWebAndNoOneElseMeetsIt(
        engine: TestEngine
    ) async throws {
        let commissioning = try await makeDemoApp(engine, returns: false)
        let round = try await openRound(commissioning)
        try await applicant(commissioning, "doc.applicant", orgID: "GB-CHC-1077002")
        try await applicant(commissioning, "doc.other", orgID: "GB-CHC-1077003")
        let started = try await commissioning.startApplication(
            round: round,
            draft: ApplicationDraft(
                title: "Friday club", answers: ["project": "A club"], amountRequested: Money(pounds: 1_000)!,
                budget: [BudgetLine(item: "Hall", amount: Money(pounds: 1_000)!)], area: "Barrow",
                outcomes: ["Fewer ASB reports"]), by: "doc.applicant")
        let app = try await webApp(commissioning: commissioning)
        let bytes = Data(documentTripwire.utf8)
        try await app.test(.router) { client in
            var partner = Browser(client)
            _ = try await partner.signIn("doc.applicant")
            let form = try await partner.get("/applications/\(started.id)")
            #expect(form.body.contains("href=\"/applications/\(started.id)/documents\""))
            let page = try await partner.get("/applications/\(started.id)/documents")
            #expect(page.status == .ok && page.body.contains(#"enctype="multipart/form-data""#))
            #expect(!page.body.contains("name=\"part\""), "an application's documents are never published")
            let refused = try await partner.upload(
                "/applications/\(started.id)/documents", fields: [("kind", "signed-agreement")],
                file: ("notes.txt", bytes))
            #expect(refused.status == .unprocessableContent)
            #expect(refused.body.contains("takes documents of the kinds"))
            let attached = try await partner.upload(
                "/applications/\(started.id)/documents", fields: [("kind", "background-paper")],
                file: ("Safeguarding.txt", bytes))
            #expect(attached.status == .seeOther && attached.location == "/applications/\(started.id)/documents")
            let document = try #require(
                try await commissioning.documents(
                    of: Commissioning.DocumentRecordRef(.application, started.id), by: "doc.applicant"
                ).first)
            #expect(try await partner.get("/documents/\(document.id)").body == documentTripwire)
            // Another organisation, the public and staff who are not officers meet nothing.
            var other = Browser(client)
            _ = try await other.signIn("doc.other")
            #expect(try await other.get("/applications/\(started.id)/documents").status == .notFound)
            #expect(try await other.get("/documents/\(document.id)").status == .notFound)
            var visitor = Browser(client)
            #expect(try await visitor.get("/documents/\(document.id)").status == .notFound)
            var finance = Browser(client)
            _ = try await finance.signIn("cumbria.finance")
            #expect(try await finance.get("/documents/\(document.id)").status == .notFound)
            // The round's officer reads it; the Part 2 tripwire's public pages and exports never carry it.
            var officer = Browser(client)
            _ = try await officer.signIn("cumbria.officer")
            let listed = try await officer.get("/applications/\(started.id)/documents")
            #expect(listed.status == .ok && listed.body.contains("Safeguarding.txt"))
            #expect(!listed.body.contains("enctype=\"multipart/form-data\""), "officers read, applicants attach")
            for path in [
                "/rounds", "/rounds/\(round)", "/register", "/transparency", "/transparency/grants",
                "/transparency/grants.csv", "/transparency/360giving.json", "/calendar/public.ics",
            ] {
                #expect(!(try await visitor.get(path)).body.contains(documentTripwire), "\(path)")
                #expect(!(try await visitor.get(path)).body.contains("Safeguarding.txt"), "\(path)")
            }
        }
    }
}
