import Foundation
import OPCCCore
import OPCCServices
import OPCCStore
import OPCCTestSupport
import Testing

/// Cumbria with a forward plan: decisions above £50,000, or of significant public interest, are key and need 28 clear
/// days' notice on the plan.
func cumbriaWithForwardPlan(_ app: Commissioning, clearDays: Int = 28) async throws {
    let text = try String(contentsOf: home.fixtures.appendingPathComponent("offices/cumbria.yaml"), encoding: .utf8)
    let planned =
        text
        + "\nforwardPlan:\n  keyDecisionAbove: \"£50,000\"\n  significantPublicInterest: true\n  noticeClearDays: \(clearDays)\n"
    let loaded = try Commissioning.loadProfile(text: planned, source: "cumbria.yaml")
    _ = try await app.editOffice("cumbria", with: loaded, by: "cumbria.chief-executive")
}

/// A Cumbria draft for `amount` raised on `raised`, listed on the plan on `listed` (when given), and referred on
/// `referred`; returns its id.
func plannedDecision(
    _ app: Commissioning, title: String = "Key programme", amount: String = "£100,000", raised: String = "2016-02-01",
    listed: String? = "2016-02-01", expected: String = "2016-03-09", referred: String = "2016-03-07",
    part2: String? = nil
) async throws -> String {
    var draft = shortDraft(title)
    draft.amount = amount
    if let part2 { draft.part2 = .init(exists: true, reason: "Commercial", content: part2, complete: true) }
    let id = try await app.raiseDecision(office: "cumbria", draft: draft, by: "cumbria.officer", on: day(raised)).id
    if let listed {
        try await app.listOnForwardPlan(id, expectedOn: day(expected), by: "cumbria.officer", on: day(listed))
    }
    let on = day(referred)
    try await app.submitDecision(id, by: "cumbria.officer", on: on)
    try await app.signDecision(id, position: "originating-officer", name: "A", by: "cumbria.officer", on: on)
    try await app.signDecision(id, position: "chief-executive", name: "B", by: "cumbria.chief-executive", on: on)
    try await app.referDecision(id, by: "cumbria.chief-executive", on: on)
    return id
}

@Suite("Forward plan: key decisions need the plan's notice, else a reason of urgency, and are flagged")
struct ForwardPlanTests {
    @Test func clearDaysAreTheDaysStrictlyBetweenListingAndDecision() {
        #expect(ForwardPlanPolicy.clearDays(from: day("2016-03-01"), to: day("2016-03-30")) == 28)
        #expect(ForwardPlanPolicy.clearDays(from: day("2016-03-01"), to: day("2016-03-02")) == 0)
        #expect(ForwardPlanPolicy.clearDays(from: day("2016-03-05"), to: day("2016-03-01")) == 0)
        let plan = ForwardPlanPolicy(
            keyDecisionAbove: Money(pounds: 50_000), significantPublicInterestIsKey: true, noticeClearDays: 28)
        #expect(plan.noticeGiven(listedOn: day("2016-03-01"), decidedOn: day("2016-03-30")))
        #expect(!plan.noticeGiven(listedOn: day("2016-03-01"), decidedOn: day("2016-03-29")))
        #expect(!plan.noticeGiven(listedOn: nil, decidedOn: day("2016-03-29")))
        #expect(plan.earliestDecisionDay(listedOn: day("2016-03-01")) == day("2016-03-30"))
        #expect(plan.keyReasons(amount: Money(pounds: 50_000), significantPublicInterest: false).isEmpty)
        #expect(plan.keyReasons(amount: Money(pounds: 50_001), significantPublicInterest: true).count == 2)
    }

    @Test func aProfileWithAForwardPlanOnWhichNothingIsKeyIsRefusedNamingTheKey() throws {
        let base = try String(
            contentsOf: home.fixtures.appendingPathComponent("offices/cumbria.yaml"), encoding: .utf8)
        let error = #expect(throws: OfficeProfileError.self) {
            try OfficeProfile.parse(yaml: base + "\nforwardPlan:\n  noticeClearDays: 28\n", source: "c.yaml")
        }
        #expect(error?.field == "forwardPlan")
        let unknown = #expect(throws: OfficeProfileError.self) {
            try OfficeProfile.parse(
                yaml: base + "\nforwardPlan:\n  noticeClearDays: 28\n  noticeWorkingDays: 20\n", source: "c.yaml")
        }
        #expect(unknown?.field == "forwardPlan.noticeWorkingDays")
        #expect(unknown?.problem.contains("unknown key on line") == true)
        let planned = try OfficeProfile.parse(
            yaml: base + "\nforwardPlan:\n  keyDecisionAbove: \"£50,000\"\n  noticeClearDays: 28\n", source: "c.yaml")
        #expect(planned.forwardPlan?.noticeClearDays == 28)
        #expect(planned.forwardPlan?.significantPublicInterestIsKey == false)
    }

    @Test(arguments: TestEngine.all) func forwardPlanNotice(engine: TestEngine) async throws {
        // A key decision never listed: refused, and nothing changes.
        let (app, _) = try await demoApp(engine: engine)
        try await cumbriaWithForwardPlan(app)
        let id = try await plannedDecision(app, listed: nil)
        let before = try await app.showDecision(id, by: "cumbria.officer")
        let rule = await refusedRule {
            try await app.decide(id, approve: true, interests: "none", by: "cumbria.pcc", on: day("2016-03-09"))
        }
        #expect(rule == "forward-plan-notice")
        let after = try await app.showDecision(id, by: "cumbria.officer")
        #expect(after.status == "with-decision-maker" && after.version == before.version)
        #expect(after.record.exceptions.isEmpty)
    }

    @Test(arguments: TestEngine.all) func aKeyDecisionListedTooLateIsRefusedOneWithTheNoticeIsTakenUnflagged(
        engine: TestEngine
    ) async throws {
        let (app, _) = try await demoApp(engine: engine)
        try await cumbriaWithForwardPlan(app)
        // Listed on 1 February: 28 clear days end on 29 February 2016, so 1 March is the first day it may be taken.
        let late = try await plannedDecision(app, title: "Too soon", listed: "2016-02-02", referred: "2016-02-20")
        let early = await refusedRule {
            try await app.decide(late, approve: true, interests: "none", by: "cumbria.pcc", on: day("2016-03-01"))
        }
        #expect(early == "forward-plan-notice")
        let onTime = try await plannedDecision(app, title: "In time", listed: "2016-02-01")
        let view = try await app.decide(
            onTime, approve: true, interests: "none", by: "cumbria.pcc", on: day("2016-03-07"))
        #expect(view.status == "approved")
        #expect(view.record.exceptions.isEmpty)
        #expect(view.record.forwardPlan?.listedOn == day("2016-02-01"))
        // A decision that is not key needs no notice.
        let small = try await plannedDecision(app, title: "Small", amount: "£5,000", listed: nil)
        #expect(
            try await app.decide(small, approve: true, interests: "none", by: "cumbria.pcc", on: day("2016-03-08"))
                .status == "approved")
    }

    @Test(arguments: TestEngine.all) func aKeyDecisionWithAReasonOfUrgencyIsTakenFlaggedAndAudited(
        engine: TestEngine
    ) async throws {
        let (app, _) = try await demoApp(engine: engine)
        try await cumbriaWithForwardPlan(app)
        let id = try await plannedDecision(app, listed: nil)
        let view = try await app.decide(
            id, approve: true, interests: "none", urgency: "The pilot must start on 1 April", by: "cumbria.pcc",
            on: day("2016-03-09"))
        #expect(view.status == "approved")
        #expect(view.record.urgencyReason == "The pilot must start on 1 April")
        let flag = try #require(view.record.exceptions.first)
        #expect(flag.rule == "forward-plan-notice")
        #expect(flag.message.contains("never listed on the forward plan"))
        #expect(flag.message.contains("The pilot must start on 1 April"))
        let events = try await app.auditLog(instance: id, by: "cumbria.officer")
        #expect(events.last?.event == "approve")
        // Flagged like any other exception: the register counts it.
        var filter = DecisionFilter()
        filter.office = "cumbria"
        let row = try #require(try await app.decisionRegister(filter, by: "cumbria.officer").first { $0.id == id })
        #expect(row.exceptionCount == 1)
    }

    @Test(arguments: TestEngine.all) func listingOnAnOfficeWithoutAPlanIsRefusedForwardPlanOn(
        engine: TestEngine
    ) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let id = try await app.raiseDecision(office: "cumbria", draft: shortDraft(), by: "cumbria.officer").id
        let rule = await refusedRule {
            try await app.listOnForwardPlan(id, expectedOn: day("2026-12-30"), by: "cumbria.officer")
        }
        #expect(rule == "forward-plan-on")
        #expect(try await app.showDecision(id, by: "cumbria.officer").record.forwardPlan == nil)
    }

    @Test(arguments: TestEngine.all) func listingADecisionThatIsNotKeyIsRefusedForwardPlanKeyDecisionsOnly(
        engine: TestEngine
    ) async throws {
        let (app, _) = try await demoApp(engine: engine)
        try await cumbriaWithForwardPlan(app)
        var draft = shortDraft("Small")
        draft.amount = "£5,000"
        let id = try await app.raiseDecision(office: "cumbria", draft: draft, by: "cumbria.officer").id
        let rule = await refusedRule {
            try await app.listOnForwardPlan(id, expectedOn: day("2026-12-30"), by: "cumbria.officer")
        }
        #expect(rule == "forward-plan-key-decisions-only")
    }

    @Test(arguments: TestEngine.all)
    func listingADecidedRecordOrAnExpectedDayInThePastIsRefusedForwardPlanBeforeDecision(
        engine: TestEngine
    ) async throws {
        let (app, _) = try await demoApp(engine: engine)
        try await cumbriaWithForwardPlan(app)
        let decided = try await plannedDecision(app, title: "Decided")
        try await app.decide(decided, approve: true, interests: "none", by: "cumbria.pcc", on: day("2016-03-09"))
        let rule = await refusedRule {
            try await app.listOnForwardPlan(decided, expectedOn: day("2026-12-30"), by: "cumbria.officer")
        }
        #expect(rule == "forward-plan-before-decision")
        let draft = try await app.raiseDecision(office: "cumbria", draft: shortDraft(), by: "cumbria.officer").id
        let past = await refusedRule {
            try await app.listOnForwardPlan(draft, expectedOn: day("2026-11-19"), by: "cumbria.officer")
        }
        #expect(past == "forward-plan-before-decision")
        let role = await refusedRule {
            try await app.listOnForwardPlan(draft, expectedOn: day("2026-12-30"), by: "cumbria.finance")
        }
        #expect(role == "role-required")
    }

    @Test(arguments: TestEngine.all) func thePlanListsKeyDecisionsStillToBeTakenByExpectedDayWithoutPart2(
        engine: TestEngine
    ) async throws {
        let (app, _) = try await demoApp(engine: engine)
        try await cumbriaWithForwardPlan(app)
        #expect(try await app.forwardPlan(office: "lincolnshire") == nil)
        let secret = "Forward plan Part 2 tripwire"
        let first = try await app.raiseDecision(
            office: "cumbria", draft: shortDraft("Later one"), by: "cumbria.officer"
        ).id
        try await app.listOnForwardPlan(first, expectedOn: day("2027-02-01"), by: "cumbria.officer")
        var draft = shortDraft("Sooner one")
        draft.part2 = .init(exists: true, reason: "Commercial", content: secret, complete: true)
        let second = try await app.raiseDecision(office: "cumbria", draft: draft, by: "cumbria.officer").id
        try await app.listOnForwardPlan(second, expectedOn: day("2027-01-04"), by: "cumbria.officer")
        // Listed again: the expected day moves, the notice still counts from the first listing.
        try await app.listOnForwardPlan(second, expectedOn: day("2027-01-05"), by: "cumbria.officer")
        let plan = try #require(try await app.forwardPlan(office: "cumbria"))
        #expect(plan.items.map(\.title) == ["Sooner one", "Later one"])
        #expect(plan.items[0].expectedOn == day("2027-01-05"))
        #expect(plan.items[0].listedOn == day("2026-11-20"))
        #expect(plan.items[0].earliestOn == day("2026-12-19"))
        #expect(plan.items[0].keyBecause == ["above £50,000.00"])
        #expect(!"\(plan)".contains(secret))
        let events = try await app.auditLog(instance: second, by: "cumbria.officer")
        #expect(events.filter { $0.event == "forward-plan" }.count == 2)
        let unknown = await refusedRule { _ = try await app.forwardPlan(office: "atlantis") }
        #expect(unknown == "known-office")
    }
}

@Suite("Police and Crime Panel report: Part 1 of the period's decisions, never Part 2")
struct PanelReportTests {
    @Test(arguments: TestEngine.all) func theReportListsTheDecisionsLateDeferredAndUrgentOnesAndMoneyByStrand(
        engine: TestEngine
    ) async throws {
        let (app, _) = try await demoApp(engine: engine)
        try await cumbriaWithForwardPlan(app)
        let urgent = try await plannedDecision(app, title: "Urgent one", listed: nil, part2: "Panel Part 2 tripwire")
        try await app.decide(
            urgent, approve: true, interests: "none", urgency: "Grant window closes", by: "cumbria.pcc",
            on: day("2016-03-09"))
        // Published after its deadline (3 working days from 9 March 2016: 14 March).
        try await app.perform(.publish, on: urgent, by: "cumbria.officer", on: day("2016-03-21"))
        let deferred = try await plannedDecision(app, title: "Deferred one", amount: "£5,000", listed: nil)
        try await app.decide(deferred, approve: true, interests: "none", by: "cumbria.pcc", on: day("2016-03-10"))
        try await app.perform(
            .deferPublication(reason: "Procurement under way", until: day("2016-06-01")), on: deferred,
            by: "cumbria.officer", on: day("2016-03-10"))
        let report = try await app.panelReport(
            office: "cumbria", from: day("2016-03-01"), to: day("2016-03-31"), by: "cumbria.chief-executive")
        #expect(report.officeName.contains("Cumbria"))
        let taken = report.decisions.map(\.title)
        #expect(taken.contains("Urgent one") && taken.contains("Deferred one"))
        #expect(report.decisions.allSatisfy { ($0.decidedOn ?? day("1900-01-01")) >= day("2016-03-01") })
        #expect(report.latePublications.map(\.title).contains("Urgent one"))
        let deferredLine = try #require(report.deferred.first { $0.title == "Deferred one" })
        #expect(deferredLine.reason == "Procurement under way" && deferredLine.until == day("2016-06-01"))
        let withoutNotice = try #require(report.withoutNotice.first)
        #expect(withoutNotice.title == "Urgent one" && withoutNotice.reason == "Grant window closes")
        #expect(report.delegated.isEmpty)
        #expect(!"\(report)".contains("Panel Part 2 tripwire"))
        // The demo's VLI allocations (2016) are money by strand.
        let year = try await app.panelReport(
            office: "cumbria", from: day("2016-01-01"), to: day("2016-12-31"), by: "cumbria.finance")
        #expect(!year.strands.isEmpty)
        #expect(year.allocatedPence == year.strands.map(\.amount.pence).reduce(0, +))
    }

    @Test(arguments: TestEngine.all) func aReportWhoseFirstDayIsAfterItsLastIsRefusedReportPeriodInOrder(
        engine: TestEngine
    ) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let rule = await refusedRule {
            _ = try await app.panelReport(
                office: "cumbria", from: day("2016-04-01"), to: day("2016-03-01"), by: "cumbria.officer")
        }
        #expect(rule == "report-period-in-order")
        let other = await refusedRule {
            _ = try await app.panelReport(
                office: "cumbria", from: day("2016-03-01"), to: day("2016-04-01"), by: "wm.finance")
        }
        #expect(other == "own-office")
    }
}
