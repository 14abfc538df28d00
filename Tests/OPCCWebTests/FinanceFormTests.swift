import Foundation
import Hummingbird
import HummingbirdTesting
import OPCCCore
import OPCCServices
import OPCCTestSupport
import Testing

@testable import OPCCWeb

/// A demo of its own for the forms that change money, pilot areas and priorities (before the Cumbria returns), so
/// that what they change reaches no other suite.
let formsApp = PerEngine { try await makeDemoApp($0, returns: false) }

/// An approved Cumbria decision for `amount` with nothing allocated under it yet; its record id.
func approvedCumbriaDecision(_ app: Commissioning, title: String, amount: String) async throws -> String {
    var draft = DecisionDraft()
    draft.title = title
    draft.executiveSummary = "Money for the neighbourhood ASB fund."
    draft.recommendation = "Approve \(amount)."
    draft.amount = amount
    let on = try Day(iso: "2016-05-03")
    let id = try await app.raiseDecision(office: "cumbria", draft: draft, by: "cumbria.officer", on: on).id
    _ = try await app.submitDecision(id, by: "cumbria.officer", on: on)
    _ = try await app.signDecision(id, position: "originating-officer", name: "A", by: "cumbria.officer", on: on)
    _ = try await app.signDecision(id, position: "chief-executive", name: "B", by: "cumbria.chief-executive", on: on)
    _ = try await app.referDecision(id, by: "cumbria.chief-executive", on: on)
    _ = try await app.decide(id, approve: true, interests: "none", by: "cumbria.pcc", on: on.adding(days: 1))
    return id
}

/// A strand's line (or a recipient's within it) of the reconciliation, as finance reads it.
func line(
    _ app: Commissioning, _ user: String, year: String, strand: String, recipient: String? = nil
) async throws -> Commissioning.ReconciliationRow? {
    try await app.financeOverview(as: user, year: try FinancialYear(parsing: year)).reconciliation.first {
        $0.strand == strand && $0.recipient == recipient
    }
}

@Suite(
    "Web: finance forms — budgets, virements, a single allocation, termination, carry-forwards at year end", .serialized
)
struct FinanceFormTests {
    @Test(
        "set a budget: finance adds a strand; a cut below what is allocated and bad input are refused, changing nothing",
        arguments: TestEngine.all
    )
    func setBudget(engine: TestEngine) async throws {
        let app = try await webApp(commissioning: formsApp(engine))
        try await app.test(.router) { client in
            var finance = Browser(client)
            _ = try await finance.signIn("cumbria.finance")
            let page = try await finance.get("/finance")
            #expect(page.body.contains("action=\"/finance/budget\""))
            #expect(page.body.contains("action=\"/finance/virement\""))

            let made = try await finance.post(
                "/finance/budget",
                ["form": "budget", "year": "2016/17", "strand": "VICTIMS", "name": "Victims", "amount": "£10,000"])
            #expect(made.status == .seeOther)
            #expect(made.location == "/finance?year=2016/17")
            let after = try await finance.get("/finance?year=2016/17")
            #expect(after.body.contains("VICTIMS: Victims"))
            await #expect(
                try line(formsApp(engine), "cumbria.finance", year: "2016/17", strand: "VICTIMS")?.budgetPence
                    == 1_000_000)

            // A strand that exists keeps its name when none is given.
            let renamed = try await finance.post(
                "/finance/budget", ["form": "budget", "year": "2016/17", "strand": "VICTIMS", "amount": "£12,000"])
            #expect(renamed.status == .seeOther)
            await #expect(
                try line(formsApp(engine), "cumbria.finance", year: "2016/17", strand: "VICTIMS")?.budgetPence
                    == 1_200_000)

            let asb = try await #require(
                try line(formsApp(engine), "cumbria.finance", year: "2016/17", strand: "ASB")?.budgetPence)
            let cut = ["form": "budget", "year": "2016/17", "strand": "ASB", "name": "Anti-social behaviour"]
            let expected = try #require(
                await refusalMessage {
                    try await formsApp(engine).setBudget(
                        office: "cumbria", year: try FinancialYear(parsing: "2016/17"), strand: "ASB",
                        name: "Anti-social behaviour", amount: try Money(parsing: "£50,000"), by: "cumbria.finance")
                })
            let refused = try await finance.post("/finance/budget", cut.merging(["amount": "£50,000"]) { _, b in b })
            #expect(refused.status == .unprocessableContent)
            #expect(refused.body.contains("There is a problem"))
            #expect(refused.body.contains(expected), "the rule's message: a budget cannot go below what is allocated")
            #expect(refused.body.contains("href=\"#budget-amount\""))
            #expect(refused.body.contains("value=\"£50,000\""), "what was entered is kept")
            await #expect(
                try line(formsApp(engine), "cumbria.finance", year: "2016/17", strand: "ASB")?.budgetPence == asb)

            let bad = try await finance.post(
                "/finance/budget", ["form": "budget", "year": "2016", "strand": "NEW", "amount": "lots"])
            #expect(bad.status == .unprocessableContent)
            #expect(bad.body.contains("href=\"#budget-year\""))
            #expect(bad.body.contains("href=\"#budget-amount\""))
            let unnamed = try await finance.post(
                "/finance/budget", ["form": "budget", "year": "2016/17", "strand": "NEW", "amount": "£1"])
            #expect(unnamed.body.contains("href=\"#budget-name\""), "a new strand needs its name")
            #expect(bad.body.contains("id=\"budget-amount-error\""), "the message is beside its field too")
            await #expect(try line(formsApp(engine), "cumbria.finance", year: "2016/17", strand: "NEW") == nil)

            var officer = Browser(client)
            _ = try await officer.signIn("cumbria.officer")
            #expect(!(try await officer.get("/finance").body.contains("action=\"/finance/budget\"")))
            let forbidden = try await officer.post(
                "/finance/budget",
                ["form": "budget", "year": "2016/17", "strand": "VICTIMS", "name": "Victims", "amount": "£1"])
            #expect(forbidden.status == .forbidden)
            #expect(
                try await finance.post(
                    "/finance/budget", ["year": "2016/17", "strand": "VICTIMS", "amount": "£1"], csrf: "forged"
                ).status == .forbidden)
            await #expect(
                try line(formsApp(engine), "cumbria.finance", year: "2016/17", strand: "VICTIMS")?.budgetPence
                    == 1_200_000)
        }
    }

    @Test(
        "a virement moves unallocated budget between strands; more than is unallocated is refused with the rule",
        arguments: TestEngine.all)
    func vire(engine: TestEngine) async throws {
        let year = try FinancialYear(parsing: "2016/17")
        try await formsApp(engine).setBudget(
            office: "cumbria", year: year, strand: "HUBS", name: "Community hubs", amount: try Money(parsing: "£1,000"),
            by: "cumbria.finance")
        let app = try await webApp(commissioning: formsApp(engine))
        try await app.test(.router) { client in
            var finance = Browser(client)
            _ = try await finance.signIn("cumbria.finance")
            let asb = try await #require(
                try line(formsApp(engine), "cumbria.finance", year: "2016/17", strand: "ASB")?.budgetPence)
            let moved = try await finance.post(
                "/finance/virement",
                [
                    "form": "vire", "year": "2016/17", "from": "ASB", "to": "HUBS", "amount": "£20,000",
                    "reason": "Hub demand",
                ])
            #expect(moved.status == .seeOther)
            await #expect(
                try line(formsApp(engine), "cumbria.finance", year: "2016/17", strand: "ASB")?.budgetPence == asb
                    - 2_000_000)
            await #expect(
                try line(formsApp(engine), "cumbria.finance", year: "2016/17", strand: "HUBS")?.budgetPence == 2_100_000
            )
            #expect(try await finance.get("/finance?year=2016/17").body.contains("£21,000.00"))

            let tooMuch = [
                "form": "vire", "year": "2016/17", "from": "ASB", "to": "HUBS", "amount": "£1,000,000",
                "reason": "Everything",
            ]
            let expected = try #require(
                await refusalMessage {
                    try await formsApp(engine).vire(
                        office: "cumbria", year: year, from: "ASB", to: "HUBS",
                        amount: try Money(parsing: "£1,000,000"), reason: "Everything", by: "cumbria.finance")
                })
            let refused = try await finance.post("/finance/virement", tooMuch)
            #expect(refused.status == .unprocessableContent)
            #expect(refused.body.contains(expected))
            #expect(refused.body.contains("href=\"#vire-amount\""))
            let same = try await finance.post(
                "/finance/virement", tooMuch.merging(["to": "ASB", "amount": "£1"]) { _, b in b })
            #expect(same.status == .unprocessableContent)
            #expect(same.body.contains("href=\"#vire-to\""), "a virement between two different strands")
            let noReason = try await finance.post(
                "/finance/virement", tooMuch.merging(["amount": "£1", "reason": " "]) { _, b in b })
            #expect(noReason.body.contains("href=\"#vire-reason\""))
            await #expect(
                try line(formsApp(engine), "cumbria.finance", year: "2016/17", strand: "ASB")?.budgetPence == asb
                    - 2_000_000)
            await #expect(
                try line(formsApp(engine), "cumbria.finance", year: "2016/17", strand: "HUBS")?.budgetPence == 2_100_000
            )
        }
    }

    @Test(
        "a single allocation under an approved decision; beyond the decision or an unknown decision is refused",
        arguments: TestEngine.all)
    func singleAllocation(engine: TestEngine) async throws {
        let decision = try await approvedCumbriaDecision(
            formsApp(engine), title: "Carlisle night-time economy", amount: "£5,000")
        let year = try FinancialYear(parsing: "2016/17")
        let count: @Sendable () async throws -> Int = {
            try await formsApp(engine).financeOverview(as: "cumbria.finance", year: year).allocations.count
        }
        let before = try await count()
        let app = try await webApp(commissioning: formsApp(engine))
        let fields = [
            "form": "single", "year": "2016/17", "strand": "ASB", "decision": "014/2016", "recipient": "GB-LAE-CAR",
            "recipientName": "Carlisle City Council", "purpose": "Night-time economy marshals", "amount": "£1",
        ]
        try await app.test(.router) { client in
            var finance = Browser(client)
            _ = try await finance.signIn("cumbria.finance")
            #expect(try await finance.get("/finance/allocations").body.contains("Allocate to one recipient"))
            let expected = try #require(
                await refusalMessage {
                    try await formsApp(engine).allocate(
                        [
                            .init(
                                office: "cumbria", year: year, strand: "ASB", recipientOrgID: "GB-LAE-CAR",
                                recipientName: "Carlisle City Council", purpose: "x", decision: "014/2016",
                                amount: try Money(parsing: "£1"))
                        ], by: "cumbria.finance")
                })
            let refused = try await finance.post("/finance/allocations/single", fields)
            #expect(refused.status == .unprocessableContent, "014/2016's £100,000 is already allocated")
            #expect(refused.body.contains(expected))
            #expect(refused.body.contains("href=\"#single-amount\""))
            #expect(refused.body.contains("value=\"Night-time economy marshals\""))
            let unknown = try await finance.post(
                "/finance/allocations/single", fields.merging(["decision": "999/2099"]) { _, b in b })
            #expect(unknown.status == .unprocessableContent, "an unknown decision is the form's error, not a 404")
            #expect(unknown.body.contains("href=\"#single-decision\""))
            let blank = try await finance.post("/finance/allocations/single", ["form": "single", "year": "2016/17"])
            #expect(blank.status == .unprocessableContent)
            #expect(blank.body.contains("href=\"#single-recipient\""))
            await #expect(try count() == before)

            let made = try await finance.post(
                "/finance/allocations/single",
                fields.merging(["decision": decision, "amount": "£5,000", "area": "Carlisle"]) { _, b in b })
            #expect(made.status == .seeOther)
            await #expect(try count() == before + 1)
            let page = try await finance.get("/finance/allocations?year=2016/17")
            #expect(page.body.contains("Carlisle City Council"))
            #expect(page.body.contains("£5,000.00"))

            var officer = Browser(client)
            _ = try await officer.signIn("cumbria.officer")
            #expect(!(try await officer.get("/finance/allocations").body.contains("Allocate to one recipient")))
            #expect(try await officer.post("/finance/allocations/single", fields).status == .forbidden)
        }
    }

    @Test(
        "a confirmed formula split allocates every share under a decision with approved money left",
        arguments: TestEngine.all)
    func confirmedSplit(engine: TestEngine) async throws {
        let decision = try await approvedCumbriaDecision(
            formsApp(engine), title: "Neighbourhood ASB fund", amount: "£10,000")
        let year = try FinancialYear(parsing: "2016/17")
        let before = try await formsApp(engine).financeOverview(as: "cumbria.finance", year: year).allocations
        let app = try await webApp(commissioning: formsApp(engine))
        let fields = [
            "year": "2016/17", "strand": "ASB", "decision": decision, "purpose": "Neighbourhood ASB fund",
            "total": "£10,000", "factor-0-name": "population", "factor-0-weight": "50", "factor-1-name": "incidents",
            "factor-1-weight": "50", "r-0-orgId": "GB-LAE-BAR", "r-0-name": "Barrow Borough Council",
            "r-0-area": "Barrow", "r-0-f0": "300", "r-0-f1": "100", "r-1-orgId": "GB-LAE-COP",
            "r-1-name": "Copeland Borough Council", "r-1-area": "Copeland", "r-1-f0": "100", "r-1-f1": "100",
        ]
        try await app.test(.router) { client in
            var finance = Browser(client)
            _ = try await finance.signIn("cumbria.finance")
            #expect(try await finance.post("/finance/allocations/preview", fields).status == .ok)
            let confirmed = try await finance.post("/finance/allocations/confirm", fields)
            #expect(confirmed.status == .seeOther)
            #expect(confirmed.location == "/finance/allocations?year=2016/17")
            let after = try await formsApp(engine).financeOverview(as: "cumbria.finance", year: year).allocations
            let new = after.filter { a in !before.contains { $0.id == a.id } }
            #expect(new.map(\.amount.pence).sorted() == [375_000, 625_000])
            #expect(new.allSatisfy { $0.method == .formula && $0.decisionID == decision })
            let page = try await finance.get("/finance/allocations?year=2016/17")
            #expect(page.body.contains("£6,250.00"))
            #expect(page.body.contains("£3,750.00"))
            // The decision is now fully allocated: the same split again is refused and allocates nothing.
            let again = try await finance.post("/finance/allocations/confirm", fields)
            #expect(again.status == .unprocessableContent)
            #expect(again.body.contains("href=\"#split-decision\""), "the refusal links to the decision it is about")
            await #expect(
                try formsApp(engine).financeOverview(as: "cumbria.finance", year: year).allocations.count == after.count
            )
        }
    }

    @Test(
        "an unpaid instalment shows finance its release button, never 'Paid' (an empty text is false in a section)",
        arguments: TestEngine.all)
    func unpaidInstalment(engine: TestEngine) async throws {
        let app = try await webApp(commissioning: formsApp(engine))
        try await app.test(.router) { client in
            var finance = Browser(client)
            _ = try await finance.signIn("cumbria.finance")
            let page = try await finance.get("/grants/cumbria-GA-0001")
            #expect(page.body.contains("Release I2"))
            #expect(page.body.contains("Paid 2016-04-13"))
            #expect(!page.body.contains("Paid </strong>"))
            var officer = Browser(client)
            _ = try await officer.signIn("cumbria.officer")
            let read = try await officer.get("/grants/cumbria-GA-0001")
            #expect(!read.body.contains("Release I2"))
            #expect(read.body.contains("Not paid"))
        }
    }

    @Test(
        "terminate an agreement: finance or the Commissioner, with a reason; without one it is refused",
        arguments: TestEngine.all)
    func terminate(engine: TestEngine) async throws {
        let id = "cumbria-GA-0002"
        let state: @Sendable () async throws -> String? = {
            try await formsApp(engine).agreements(office: "cumbria").first { $0.agreement.id == id }?.state
        }
        await #expect(try state() == "active")
        let app = try await webApp(commissioning: formsApp(engine))
        try await app.test(.router) { client in
            var officer = Browser(client)
            _ = try await officer.signIn("cumbria.officer")
            #expect(!(try await officer.get("/grants/\(id)").body.contains("Terminate the agreement")))
            #expect(
                try await officer.post("/grants/\(id)/terminate", ["terminateReason": "x"]).status == .forbidden)

            var pcc = Browser(client)
            _ = try await pcc.signIn("cumbria.pcc")
            #expect(try await pcc.get("/grants/\(id)").body.contains("Terminate the agreement"))
            let refused = try await pcc.post("/grants/\(id)/terminate", ["terminateReason": " "])
            #expect(refused.status == .unprocessableContent)
            #expect(refused.body.contains("Terminate needs a reason"))
            #expect(refused.body.contains("href=\"#terminate-reason\""))
            await #expect(try state() == "active")

            let ended = try await pcc.post(
                "/grants/\(id)/terminate", ["terminateReason": "The hub site was withdrawn"])
            #expect(ended.status == .seeOther)
            await #expect(try state() == "terminated")
            let page = try await pcc.get("/grants/\(id)")
            #expect(page.body.contains("tag-terminated"))
            #expect(!page.body.contains("Terminate the agreement"))
            #expect(
                page.body.contains("Terminated: The hub site was withdrawn"), "the variation that released the money")
            var finance = Browser(client)
            _ = try await finance.signIn("cumbria.finance")
            #expect(!(try await finance.get("/grants/\(id)").body.contains("action=\"/grants/\(id)/release\"")))
        }
    }

    @Test(
        "a carry-forward is confirmed at year end; an actual beyond what the recipient holds is refused",
        arguments: TestEngine.all)
    func confirmCarryForward(engine: TestEngine) async throws {
        let id = "west-midlands-CF-0001"
        let row: @Sendable () async throws -> Commissioning.CarryForwardRow? = {
            try await formsApp(engine).financeOverview(as: "wm.finance").carryForwards.first { $0.request.id == id }
        }
        await #expect(try row()?.state == "approved")
        let app = try await webApp(commissioning: formsApp(engine))
        try await app.test(.router) { client in
            var finance = Browser(client)
            _ = try await finance.signIn("wm.finance")
            #expect(try await finance.get("/finance/carry-forwards").body.contains("Confirm \(id) at year end"))
            let next = try await line(
                formsApp(engine), "wm.finance", year: "2017/18", strand: "CSF", recipient: "GB-LAE-WLV")
            let expected = try #require(
                await refusalMessage {
                    try await formsApp(engine).confirmCarryForward(
                        id, actual: try Money(parsing: "£1,000,000"), by: "wm.finance")
                })
            let refused = try await finance.post("/finance/carry-forwards/\(id)/confirm", ["actual": "£1,000,000"])
            #expect(refused.status == .unprocessableContent)
            #expect(refused.body.contains(expected))
            #expect(refused.body.contains("href=\"#confirm-\(id)-actual\""))
            #expect(refused.body.contains("value=\"£1,000,000\""))
            let bad = try await finance.post("/finance/carry-forwards/\(id)/confirm", ["actual": "most of it"])
            #expect(bad.status == .unprocessableContent)
            #expect(bad.body.contains("Enter the actual underspend at year end"))
            await #expect(try row()?.state == "approved")

            var pcc = Browser(client)
            _ = try await pcc.signIn("wm.pcc")
            #expect(!(try await pcc.get("/finance/carry-forwards").body.contains("Confirm \(id) at year end")))
            #expect(
                try await pcc.post("/finance/carry-forwards/\(id)/confirm", ["actual": "£36,500"]).status
                    == .forbidden)

            let confirmed = try await finance.post("/finance/carry-forwards/\(id)/confirm", ["actual": "£36,500"])
            #expect(confirmed.status == .seeOther)
            await #expect(try row()?.state == "confirmed")
            await #expect(try row()?.request.actual == (try Money(parsing: "£36,500")))
            // £1,500 less than the permitted £38,000 goes back to 2016/17.
            let after = try await line(
                formsApp(engine), "wm.finance", year: "2017/18", strand: "CSF", recipient: "GB-LAE-WLV")
            #expect(after?.availablePence == (next?.availablePence ?? 0) - 150_000)
            #expect(try await finance.get("/finance/carry-forwards").body.contains("Actual underspend £36,500.00"))
        }
    }

    @Test(
        "a refused carry-forward's clawback is settled once; settling it again is refused and changes nothing",
        arguments: TestEngine.all)
    func settleClawback(engine: TestEngine) async throws {
        let year = try FinancialYear(parsing: "2016/17")
        let request = try await formsApp(engine).requestCarryForward(
            office: "cumbria", from: year, strand: "ASB", recipient: "GB-LAE-BAR",
            forecast: try Money(parsing: "£5,000"), reason: "Slippage", by: "cumbria.finance")
        try await formsApp(engine).decideCarryForward(
            request.id, approve: false, reason: "The pilot ends", by: "cumbria.pcc")
        let id = request.id
        let state: @Sendable () async throws -> String? = {
            try await formsApp(engine).financeOverview(as: "cumbria.finance").carryForwards.first {
                $0.request.id == id
            }?.state
        }
        let app = try await webApp(commissioning: formsApp(engine))
        try await app.test(.router) { client in
            var finance = Browser(client)
            _ = try await finance.signIn("cumbria.finance")
            #expect(try await finance.get("/finance/carry-forwards").body.contains("Record £5,000.00 as returned"))
            let settled = try await finance.post("/finance/carry-forwards/\(id)/settle")
            #expect(settled.status == .seeOther)
            await #expect(try state() == "clawback-settled")
            let barrow = try await line(
                formsApp(engine), "cumbria.finance", year: "2016/17", strand: "ASB", recipient: "GB-LAE-BAR")
            #expect(barrow?.returnedPence == 500_000)
            #expect(barrow?.clawbackDuePence == 0)

            let again = try await finance.post("/finance/carry-forwards/\(id)/settle")
            #expect(again.status == .unprocessableContent)
            #expect(again.body.contains("There is a problem"))
            #expect(again.body.contains("href=\"#cf-\(id)\""), "the link goes to its row")
            await #expect(
                try line(formsApp(engine), "cumbria.finance", year: "2016/17", strand: "ASB", recipient: "GB-LAE-BAR")?
                    .returnedPence == 500_000)
            var pcc = Browser(client)
            _ = try await pcc.signIn("cumbria.pcc")
            #expect(try await pcc.post("/finance/carry-forwards/\(id)/settle").status == .forbidden)
        }
    }
}
