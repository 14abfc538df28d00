import Foundation
import Hummingbird
import HummingbirdTesting
import OPCCCore
import OPCCServices
import OPCCTestSupport
import Testing

@testable import OPCCWeb

/// A demo of its own for the finance screens' acts (before the Cumbria returns: the pilot grants active, one
/// instalment paid each), so that what they change does not reach the other suites.
let financeApp = PerEngine { try await makeDemoApp($0, returns: false) }

/// The text as a template shows it (Mustache escapes these five characters).
func html(_ text: String) -> String {
    text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
        .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
        .replacingOccurrences(of: "'", with: "&#39;")
}

/// A submitted form with these fields.
func form(_ fields: [String: String]) -> Form {
    var form = Form(urlEncoded: "")
    form.fields = fields
    return form
}

/// The message a service refusal gives, as the error summary shows it.
func refusalMessage(_ body: () async throws -> Void) async -> String? {
    do {
        try await body()
        return nil
    } catch {
        return Refusal.messages(of: error).first.map { html(sentence($0)) }
    }
}

@Suite("Web: finance — budgets, reconciliation, allocations, grant agreements, carry-forwards", .serialized)
struct FinanceScreenTests {
    @Test(
        "budgets and reconciliation: finance sees the demo's figures; the public and a board may not",
        arguments: TestEngine.all)
    func budgetsAndReconciliation(engine: TestEngine) async throws {
        let app = try await webApp(engine: engine)
        try await app.test(.router) { client in
            var visitor = Browser(client)
            let redirected = try await visitor.get("/finance")
            #expect(redirected.status == .found)
            #expect(redirected.location == "/sign-in")
            #expect(try await visitor.get("/finance/reconciliation.csv").status == .found)

            var finance = Browser(client)
            _ = try await finance.signIn("cumbria.finance")
            let page = try await finance.get("/finance")
            #expect(page.status == .ok)
            #expect(page.body.contains("Budgets and reconciliation, 2016/17"))
            #expect(page.body.contains("ASB: Anti-social behaviour"))
            #expect(page.body.contains("£250,000.00"), "the ASB budget")
            #expect(page.body.contains("£100,000.00"), "allocated under 014/2016")
            #expect(page.body.contains("£150,000.00"), "unallocated")
            #expect(page.body.contains("40%"), "allocated of budget")
            #expect(page.body.contains("Barrow Borough Council (GB-LAE-BAR)"))
            #expect(page.body.contains("aria-labelledby=\"bars-title-strands bars-desc-strands\""))
            #expect(page.body.contains("ASB: Budget £250,000.00, Allocated £100,000.00, Paid £100,000.00"))

            let csv = try await finance.get("/finance/reconciliation.csv?year=2016/17")
            #expect(csv.status == .ok)
            #expect(csv.body.hasPrefix("office,year,strand,recipient,budgetPence,allocatedPence"))
            #expect(csv.body.contains("cumbria,2016/17,ASB,(strand),25000000,10000000,"))
            #expect(csv.body.contains("cumbria,2016/17,ASB,GB-LAE-BAR,,5000000,"))

            var auditor = Browser(client)
            _ = try await auditor.signIn("cumbria.auditor")
            #expect(try await auditor.get("/finance").status == .ok, "auditors read the books")
            var board = Browser(client)
            _ = try await board.signIn("cumbria.barrow-board")
            #expect(try await board.get("/finance").status == .forbidden)
            #expect(try await board.get("/finance/reconciliation.csv").status == .forbidden)
            #expect(try await board.get("/grants").status == .forbidden)
            #expect(try await board.get("/finance/allocations").status == .forbidden)
        }
    }

    @Test(
        "grant agreements: the list, and a grant's page with its chart, allocations and instalments",
        arguments: TestEngine.all)
    func grantPages(engine: TestEngine) async throws {
        let app = try await webApp(engine: engine)
        try await app.test(.router) { client in
            var visitor = Browser(client)
            #expect(try await visitor.get("/grants/cumbria-GA-0001").status == .found)
            var finance = Browser(client)
            _ = try await finance.signIn("cumbria.finance")
            let list = try await finance.get("/grants")
            #expect(list.status == .ok)
            #expect(list.body.contains("href=\"/grants/cumbria-GA-0001\""))
            #expect(list.body.contains("Copeland Borough Council"))
            let page = try await finance.get("/grants/cumbria-GA-0001")
            #expect(page.status == .ok)
            #expect(page.body.contains("Targeted community interventions in Ormsgill ward (VLI pilot)"))
            #expect(page.body.contains("014/2016"))
            #expect(page.body.contains("Spend against profile"))
            #expect(page.body.contains("aria-labelledby=\"bars-title-spend bars-desc-spend\""))
            #expect(page.body.contains("2016/17 Q1: Profiled £12,500.00, Reported"))
            #expect(page.body.contains("Paid 2016-04-13"), "the first instalment, released on activation")
            #expect(page.body.contains("EIA-VLI-BARROW"))
            #expect(page.body.contains("Vary the agreement"), "finance may vary an active agreement")

            var board = Browser(client)
            _ = try await board.signIn("cumbria.barrow-board")
            let own = try await board.get("/grants/cumbria-GA-0001")
            #expect(own.status == .ok, "a board sees its own grant")
            #expect(!own.body.contains("Vary the agreement"))
            #expect(try await board.get("/grants/cumbria-GA-0002").status == .notFound, "another board's grant")
            #expect(try await board.post("/grants/cumbria-GA-0001/close").status == .forbidden)
            var officer = Browser(client)
            _ = try await officer.signIn("cumbria.officer")
            #expect(try await officer.get("/grants/nobody-GA-9").status == .notFound)
        }
    }

    @Test(
        "grant acts: a refused release and a refused variation say why and change nothing; a dates variation",
        arguments: TestEngine.all)
    func grantActs(engine: TestEngine) async throws {
        let id = "cumbria-GA-0001"
        let before = try await financeApp(engine).agreement(id)
        let app = try await webApp(commissioning: financeApp(engine))
        try await app.test(.router) { client in
            var finance = Browser(client)
            _ = try await finance.signIn("cumbria.finance")
            _ = try await finance.get("/grants/\(id)")
            // I2 is paid only on acceptance of the Q1 return, which is not accepted in this demo.
            let expected = try await #require(
                refusalMessage {
                    try await financeApp(engine).releasePayment(id, instalment: "I2", by: "cumbria.finance")
                })
            let release = try await finance.post("/grants/\(id)/release", ["instalment": "I2"])
            #expect(release.status == .unprocessableContent)
            #expect(release.body.contains("There is a problem"))
            #expect(release.body.contains(expected))
            await #expect(try financeApp(engine).agreement(id).payments == before.payments)

            // A change of amount the decision does not cover (014/2016 is fully allocated).
            let vary = try await finance.post(
                "/grants/\(id)/vary", ["kind": "amount", "change": "£5,000", "reason": "More sessions"])
            #expect(vary.status == .unprocessableContent)
            #expect(vary.body.contains("href=\"#vary\""))
            #expect(vary.body.contains("More sessions"), "what was entered is kept")
            await #expect(try financeApp(engine).agreement(id).amount == before.amount)
            await #expect(try financeApp(engine).agreement(id).variations.count == before.variations.count)

            var officer = Browser(client)
            _ = try await officer.signIn("cumbria.officer")
            #expect(
                try await officer.post(
                    "/grants/\(id)/vary", ["kind": "dates", "end": "2017-06-30", "reason": "Late start"]
                ).status == .forbidden, "only finance varies an agreement")
            #expect(
                try await officer.post("/grants/\(id)/vary", ["kind": "dates", "end": "2017-06-30"], csrf: "forged")
                    .status == .forbidden)

            let dates = try await finance.post(
                "/grants/\(id)/vary", ["kind": "dates", "end": "2017-06-30", "reason": "Late start of the hub"])
            #expect(dates.status == .seeOther)
            let varied = try await financeApp(engine).agreement(id)
            #expect(varied.period.end == (try Day(iso: "2017-06-30")))
            #expect(varied.variations.count == before.variations.count + 1)
            #expect(try await finance.get("/grants/\(id)").body.contains("Late start of the hub"))
        }
    }

    @Test(
        "a draft agreement: an assessment is recorded; confirming without both is refused with the rule",
        arguments: TestEngine.all)
    func draftAgreement(engine: TestEngine) async throws {
        let draft = try await #require(
            try financeApp(engine).agreements(office: "leicestershire").first { $0.state == "draft" }?.agreement.id)
        let app = try await webApp(commissioning: financeApp(engine))
        try await app.test(.router) { client in
            var finance = Browser(client)
            _ = try await finance.signIn("leics.finance")
            let page = try await finance.get("/grants/\(draft)")
            #expect(page.status == .ok)
            #expect(page.body.contains("Record an assessment"))
            let expected = try await #require(
                refusalMessage { try await financeApp(engine).confirmAgreementConditions(draft, by: "leics.finance") })
            let refused = try await finance.post("/grants/\(draft)/confirm-conditions")
            #expect(refused.status == .unprocessableContent)
            #expect(refused.body.contains(expected))
            await #expect(
                try financeApp(engine).agreements(office: "leicestershire").first { $0.agreement.id == draft }?.state
                    == "draft"
            )
            let recorded = try await finance.post(
                "/grants/\(draft)/assessment", ["which": "equality", "reference": "EIA-CS-2015"])
            #expect(recorded.status == .seeOther)
            await #expect(try financeApp(engine).agreement(draft).equalityImpactAssessment?.reference == "EIA-CS-2015")
            #expect(try await finance.get("/grants/\(draft)").body.contains("Equality impact: EIA-CS-2015"))
            var cumbria = Browser(client)
            _ = try await cumbria.signIn("cumbria.finance")
            #expect(try await cumbria.get("/grants/\(draft)").status == .notFound, "another office's grant")
        }
    }

    @Test(
        "the formula split is previewed per area, then confirming it meets the decision's rule",
        arguments: TestEngine.all)
    func formulaSplit(engine: TestEngine) async throws {
        let before = try await financeApp(engine).financeOverview(
            as: "cumbria.finance", year: try FinancialYear(parsing: "2016/17"))
        let app = try await webApp(commissioning: financeApp(engine))
        let fields = [
            "year": "2016/17", "strand": "ASB", "decision": "014/2016", "purpose": "Neighbourhood ASB fund",
            "total": "£10,000", "factor-0-name": "population", "factor-0-weight": "50", "factor-1-name": "incidents",
            "factor-1-weight": "50", "r-0-orgId": "GB-LAE-BAR", "r-0-name": "Barrow Borough Council",
            "r-0-area": "Barrow", "r-0-f0": "300", "r-0-f1": "100", "r-1-orgId": "GB-LAE-COP",
            "r-1-name": "Copeland Borough Council", "r-1-area": "Copeland", "r-1-f0": "100", "r-1-f1": "100",
        ]
        try await app.test(.router) { client in
            var finance = Browser(client)
            _ = try await finance.signIn("cumbria.finance")
            let formPage = try await finance.get("/finance/allocations")
            #expect(formPage.status == .ok)
            #expect(formPage.body.contains("Allocate by formula"))
            #expect(formPage.body.contains("cumbria-AL-0001"))
            let missing = try await finance.post("/finance/allocations/preview", ["year": "2016/17"])
            #expect(missing.status == .unprocessableContent)
            #expect(missing.body.contains("href=\"#split-total\""))

            let preview = try await finance.post("/finance/allocations/preview", fields)
            #expect(preview.status == .ok)
            #expect(preview.body.contains("Check the split before you confirm it"))
            // Barrow: 50% × 300/400 + 50% × 100/200 = 62.5% of £10,000; Copeland 37.5%.
            #expect(preview.body.contains("£6,250.00"))
            #expect(preview.body.contains("£3,750.00"))
            #expect(preview.body.contains("£10,000.00"))
            #expect(preview.body.contains("action=\"/finance/allocations/confirm\""))
            await #expect(
                try financeApp(engine).financeOverview(as: "cumbria.finance", year: before.year).allocations.count
                    == before.allocations.count, "a preview allocates nothing")

            let expected = try #require(
                await refusalMessage {
                    try await financeApp(engine).allocateSplit(
                        Web.splitFile(from: form(fields)).0!, office: "cumbria", by: "cumbria.finance")
                })
            let confirm = try await finance.post("/finance/allocations/confirm", fields)
            #expect(confirm.status == .unprocessableContent, "014/2016's £100,000 is already allocated")
            #expect(confirm.body.contains(expected))
            await #expect(
                try financeApp(engine).financeOverview(as: "cumbria.finance", year: before.year).allocations.count
                    == before.allocations.count)

            var officer = Browser(client)
            _ = try await officer.signIn("cumbria.officer")
            #expect(!(try await officer.get("/finance/allocations").body.contains("Allocate by formula")))
            #expect(try await officer.post("/finance/allocations/preview", fields).status == .forbidden)
        }
    }

    @Test(
        "carry-forwards: finance requests one, the Commissioner decides; a refusal without a reason is 422",
        arguments: TestEngine.all)
    func carryForwards(engine: TestEngine) async throws {
        let app = try await webApp(commissioning: financeApp(engine))
        try await app.test(.router) { client in
            var finance = Browser(client)
            _ = try await finance.signIn("wm.finance")
            let list = try await finance.get("/finance/carry-forwards")
            #expect(list.status == .ok)
            #expect(list.body.contains("west-midlands-CF-0001"))
            #expect(list.body.contains("£38,000.00"))
            #expect(list.body.contains("WMPCC 004/2017"))
            #expect(list.body.contains("Request a carry-forward"))

            let blank = try await finance.post(
                "/finance/carry-forwards",
                ["year": "2017/18", "strand": "CSF", "recipient": "GB-LAE-WLV", "forecast": "£5,000", "reason": ""])
            #expect(blank.status == .unprocessableContent)
            #expect(blank.body.contains("Enter why there is an underspend"))
            #expect(blank.body.contains("href=\"#cf-reason\""))
            let count = try await financeApp(engine).financeOverview(as: "wm.finance").carryForwards.count
            let made = try await finance.post(
                "/finance/carry-forwards",
                [
                    "year": "2017/18", "strand": "CSF", "recipient": "GB-LAE-WLV", "forecast": "£5,000",
                    "reason": "Posts vacant in Q4",
                ])
            #expect(made.status == .seeOther)
            let rows = try await financeApp(engine).financeOverview(as: "wm.finance").carryForwards
            #expect(rows.count == count + 1)
            let id = try #require(rows.last?.request.id)
            #expect(rows.last?.state == "requested")

            #expect(
                try await finance.post("/finance/carry-forwards/\(id)/decide", ["outcome": "approve"]).status
                    == .forbidden)
            var pcc = Browser(client)
            _ = try await pcc.signIn("wm.pcc")
            #expect(try await pcc.get("/finance/carry-forwards").body.contains("Decide \(id)"))
            #expect(
                try await pcc.post(
                    "/finance/carry-forwards",
                    [
                        "year": "2017/18", "strand": "CSF", "recipient": "GB-LAE-WLV", "forecast": "£1,000",
                        "reason": "x",
                    ]
                ).status == .forbidden, "only finance requests a carry-forward")
            let decided = try await pcc.post("/finance/carry-forwards/\(id)/decide", ["outcome": "approve"])
            #expect(decided.status == .seeOther)
            await #expect(
                try financeApp(engine).financeOverview(as: "wm.finance").carryForwards.last?.state == "approved")

            // Refusing needs a reason: without one the answer is 422, linked to this request's reason field and
            // shown beside it, with the choice kept; nothing changes.
            _ = try await finance.post(
                "/finance/carry-forwards",
                [
                    "year": "2017/18", "strand": "CSF", "recipient": "GB-LAE-WLV", "forecast": "£2,000",
                    "reason": "Slippage",
                ])
            let second = try await #require(
                try financeApp(engine).financeOverview(as: "wm.finance").carryForwards.last?.request.id)
            #expect(second != id)
            let unexplained = try await pcc.post(
                "/finance/carry-forwards/\(second)/decide", ["outcome": "refuse", "decideReason": ""])
            #expect(unexplained.status == .unprocessableContent)
            #expect(unexplained.body.contains("href=\"#\(second)-reason\""))
            #expect(unexplained.body.contains("id=\"\(second)-reason-error\""))
            #expect(unexplained.body.contains("value=\"refuse\" checked"))
            await #expect(
                try financeApp(engine).financeOverview(as: "wm.finance").carryForwards.last?.state == "requested")
            let refused = try await pcc.post(
                "/finance/carry-forwards/\(second)/decide", ["outcome": "refuse", "decideReason": "The pilot ends"])
            #expect(refused.status == .seeOther)
            await #expect(
                try financeApp(engine).financeOverview(as: "wm.finance").carryForwards.last?.state == "refused")
        }
    }
}
