import Foundation
import OPCCCore
import OPCCServices
import OPCCStore
import Testing

/// The act runner performs every typed effect a workflow asks for: one test per case of `WorkflowEffect`.
@Suite("Act runner: every effect is performed")
struct ActRunnerEffectTests {
    @Test func setDeadlineSetsTheDecisionsPart1DeadlineByTheOfficesWorkingDays() throws {
        let (app, _) = try demoApp()
        let id = try decisionReferred(app)
        let view = try app.decide(id, approve: true, interests: "none", by: "cumbria.pcc", on: day("2016-03-09"))
        let expected = DecisionRules.part1Deadline(
            decidedOn: day("2016-03-09"), profile: try app.profile(of: "cumbria"), calendar: app.engine.calendar)
        #expect(expected > day("2016-03-09"))
        #expect(view.record.part1Deadline == expected)
        let approve = try #require(try app.auditLog(instance: id).last)
        #expect(approve.payloadFields["effects"] == "set-deadline(day=\(expected.iso), kind=part1-publication)")
        #expect(approve.payloadFields["part1Deadline"] == expected.iso)
    }

    @Test func scheduleQuarterlyReturnsSchedulesAReturnForEveryQuarterOfTheActivatedAgreement() throws {
        let (app, store) = try demoApp()
        let activate = try #require(try app.auditLog(instance: "cumbria-GA-0001").last { $0.event == "activate" })
        #expect(activate.payloadFields["effects"] == "schedule-quarterly-returns")
        let scheduled = try store.read { try $0.returnRecords(office: "cumbria", agreement: "cumbria-GA-0001") }
        #expect(scheduled.count == 4)
        let named = activate.payloadFields["returns"]?.components(separatedBy: ", ") ?? []
        #expect(Set(named) == Set(scheduled.map(\.id)))
    }

    @Test func releasePaymentReleasesTheInstalmentAnAcceptedReturnMakesPayable() throws {
        let (app, store) = try demoApp()
        let id = try #require(
            try store.read { try $0.returnRecords(office: "cumbria", agreement: "cumbria-GA-0001") }.first {
                $0.quarter.description == "2016/17 Q1"
            }
        ).id
        let content = ReturnContent(
            spendInQuarter: money("£12,000"), spendToDate: money("£12,000"), narrative: "Group formed.",
            milestones: [.init(name: "Group meeting monthly", rag: .green)],
            indicators: [
                .init(name: "Incidents in Ormsgill", actual: "101"),
                .init(name: "IOM offenders in Ormsgill", actual: "10"),
            ])
        try app.saveReturn(id, content: content, by: "cumbria.barrow-board", on: day("2016-07-10"))
        try app.submitReturn(id, by: "cumbria.barrow-board", on: day("2016-07-10"))
        #expect(try app.agreement("cumbria-GA-0001").payments.first { $0.id == "I2" }?.paidOn == nil)
        try app.acceptReturn(id, by: "cumbria.officer", on: day("2016-07-11"))
        #expect(try app.agreement("cumbria-GA-0001").payments.first { $0.id == "I2" }?.paidOn == day("2016-07-11"))
        let accept = try #require(try app.auditLog(instance: id).last)
        #expect(accept.event == "accept")
        #expect(accept.payloadFields["effects"] == "release-payment")
        #expect(accept.payloadFields["released"] == "I2")
    }

    @Test func aRetiredEffectNameIsRecordedAndTheActDoesItsOwnWork() throws {
        let (app, _) = try demoApp()
        let id = try app.raiseDecision(office: "cumbria", draft: shortDraft(), by: "cumbria.officer").id
        let view = try app.submitDecision(id, by: "cumbria.officer")
        #expect(view.record.number != nil, "submitting allocates the number itself")
        let submit = try #require(try app.auditLog(instance: id).last)
        #expect(submit.payloadFields["effects"] == "allocate-decision-number")
    }
}

/// Definitions pinned in existing databases still name `allocate-decision-number` and `settle-carry-forward`: they
/// keep loading and running, after a newer version that no longer names them ships.
@Suite("Act runner: old pinned definitions")
struct OldDefinitionTests {
    func shipped(_ name: String) throws -> WorkflowDefinition {
        let url = repositoryRoot.appendingPathComponent("workflows/\(name).yaml")
        return try WorkflowDefinition.parse(yaml: String(contentsOf: url, encoding: .utf8), source: url.path)
    }

    @Test func aPinnedDefinitionNamingTheRetiredEffectsStillLoadsAndRuns() throws {
        let (app, store) = try demoApp()
        let request = try app.requestCarryForward(
            office: "cumbria", from: fy("2016/17"), strand: "ASB", recipient: "GB-LAE-BAR", forecast: money("£5,000"),
            reason: "slippage", by: "cumbria.finance", on: day("2017-03-01"))
        try app.decideCarryForward(request.id, approve: true, by: "cumbria.pcc", on: day("2017-03-02"))
        // Version 2 no longer names the retired effect; the running case stays on its pinned version 1.
        let v1 = try shipped("carry-forward")
        #expect(v1.sourceText.contains("settle-carry-forward"))
        let v2 = try WorkflowDefinition.parse(
            yaml: v1.sourceText.replacingOccurrences(of: "version: 1", with: "version: 2")
                .replacingOccurrences(of: ", effects: [settle-carry-forward]", with: ""),
            source: "carry-forward v2")
        let upgraded = try Commissioning(
            store: store,
            catalog: WorkflowCatalog(
                definitions: try shippedCatalog().all.filter { $0.name != "carry-forward" } + [v2]),
            clock: FixedClock(day: day("2026-11-20")))
        try upgraded.confirmCarryForward(
            request.id, actual: money("£5,000"), by: "cumbria.finance", on: day("2017-04-30"))
        #expect(try upgraded.instance(request.id)?.state == "confirmed")
        let confirm = try #require(try upgraded.auditLog(instance: request.id).last)
        #expect(confirm.workflowVersion == 1)
        #expect(confirm.payloadFields["effects"] == "settle-carry-forward")
        #expect(try upgraded.verifyAudit().isIntact)
    }

    @Test func anEffectThatSetsADeadlineOnAKindWithoutDeadlinesIsRefusedAndChangesNothing() throws {
        let (app, store) = try demoApp()
        let v1 = try shipped("carry-forward")
        let v2 = try WorkflowDefinition.parse(
            yaml: v1.sourceText.replacingOccurrences(of: "version: 1", with: "version: 2")
                .replacingOccurrences(
                    of: "event: request, to: requested, roles: [finance] }",
                    with: "event: request, to: requested, roles: [finance], effects: [start-publication-clock] }"),
            source: "carry-forward v2")
        let upgraded = try Commissioning(
            store: store,
            catalog: WorkflowCatalog(
                definitions: try shippedCatalog().all.filter { $0.name != "carry-forward" } + [v2]),
            clock: FixedClock(day: day("2026-11-20")))
        let head = try app.auditHead()
        let refused = #expect(throws: ServiceRefusal.self) {
            try upgraded.requestCarryForward(
                office: "cumbria", from: fy("2016/17"), strand: "ASB", recipient: "GB-LAE-BAR",
                forecast: money("£5,000"), reason: "slippage", by: "cumbria.finance", on: day("2017-03-01"))
        }
        #expect(refused?.rule == "effect-fits-record")
        #expect(try app.auditHead().sequence == head.sequence)
    }
}

/// How many equality impact assessments the agreement's audit log records.
private func recorded(_ app: Commissioning, _ id: String) throws -> Int {
    try app.auditLog(instance: id).filter { $0.event == "equality-impact-assessment-recorded" }.count
}

/// Versions on agreements, returns and carry-forwards: every act and edit bumps the record's version, and a change
/// prepared against an older version is refused with `current-version` (a conflict), changing nothing.
@Suite("Act runner: versions on every record kind")
struct RecordKindVersionTests {
    @Test func anAssessmentEditBumpsTheAgreementsVersionAndAStaleOneIsRefused() throws {
        let (app, _) = try demoApp()
        let id = "cumbria-GA-0001"
        let before = try app.version(of: id, by: "cumbria.finance")
        try app.recordAssessment(
            id, equality: true, reference: "EIA-2", by: "cumbria.finance", expectedVersion: before)
        #expect(try app.version(of: id, by: "cumbria.finance") == before + 1)
        let head = try app.auditHead()
        let stale = #expect(throws: ServiceRefusal.self) {
            try app.recordAssessment(
                id, equality: false, reference: "RA-9", by: "cumbria.finance", expectedVersion: before)
        }
        #expect(stale?.rule == "current-version")
        #expect(stale?.kind == .conflict)
        #expect(try app.auditHead().sequence == head.sequence)
        #expect(try app.agreement(id).riskAssessment?.reference != "RA-9")
    }

    @Test func tenRacingActsOnOneAgreementLeaveExactlyOneWinner() async throws {
        let (app, _) = try demoApp()
        let id = "cumbria-GA-0001"
        let opened = try app.version(of: id, by: "cumbria.finance")
        let recordedBefore = try recorded(app, id)
        let outcomes = await withTaskGroup(of: String.self) { group in
            for n in 0..<10 {
                group.addTask {
                    do {
                        try app.recordAssessment(
                            id, equality: true, reference: "EIA-\(n)", by: "cumbria.finance", expectedVersion: opened)
                        return "won"
                    } catch let refusal as ServiceRefusal {
                        return refusal.rule
                    } catch {
                        return "\(error)"
                    }
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(outcomes.filter { $0 == "won" }.count == 1)
        #expect(outcomes.filter { $0 == "current-version" }.count == 9)
        #expect(try app.version(of: id, by: "cumbria.finance") == opened + 1)
        #expect(try recorded(app, id) == recordedBefore + 1)
    }

    @Test func aStaleReturnSaveIsRefusedAndChangesNothing() throws {
        let (app, store) = try demoApp()
        let id = try #require(
            try store.read { try $0.returnRecords(office: "cumbria", agreement: "cumbria-GA-0001") }.first
        ).id
        let opened = try app.version(of: id, by: "cumbria.barrow-board")
        let content = ReturnContent(spendInQuarter: money("£1"), spendToDate: money("£1"), narrative: "First.")
        try app.saveReturn(id, content: content, by: "cumbria.barrow-board", expectedVersion: opened)
        let saved = try app.version(of: id, by: "cumbria.barrow-board")
        #expect(saved == opened + 2, "starting the return and saving its content are two changes")
        let head = try app.auditHead()
        var other = content
        other.narrative = "Second."
        let stale = #expect(throws: ServiceRefusal.self) {
            try app.saveReturn(id, content: other, by: "cumbria.barrow-board", expectedVersion: opened)
        }
        #expect(stale?.rule == "current-version")
        #expect(try app.auditHead().sequence == head.sequence)
        #expect(try app.quarterlyReturn(id, as: "cumbria.barrow-board").record.current?.content.narrative == "First.")
        try app.saveReturn(id, content: other, by: "cumbria.barrow-board", expectedVersion: saved)
        #expect(try app.version(of: id, by: "cumbria.barrow-board") == saved + 1)
    }

    @Test func aStaleCarryForwardDecisionIsRefusedAndChangesNothing() throws {
        let (app, _) = try demoApp()
        let request = try app.requestCarryForward(
            office: "cumbria", from: fy("2016/17"), strand: "ASB", recipient: "GB-LAE-BAR", forecast: money("£5,000"),
            reason: "slippage", by: "cumbria.finance", on: day("2017-03-01"))
        let opened = try app.version(of: request.id, by: "cumbria.pcc")
        let head = try app.auditHead()
        let stale = #expect(throws: ServiceRefusal.self) {
            try app.decideCarryForward(
                request.id, approve: true, by: "cumbria.pcc", on: day("2017-03-02"), expectedVersion: opened - 1)
        }
        #expect(stale?.rule == "current-version")
        #expect(try app.instance(request.id)?.state == "requested")
        #expect(try app.auditHead().sequence == head.sequence)
        try app.decideCarryForward(
            request.id, approve: true, by: "cumbria.pcc", on: day("2017-03-02"), expectedVersion: opened)
        #expect(try app.version(of: request.id, by: "cumbria.pcc") == opened + 1)
    }
}

/// Priority assessments take versions too: a stale act is refused and changes nothing.
@Suite("Act runner: versions on priority assessments")
struct PriorityVersionTests {
    @Test func aStaleActOnAPriorityAssessmentIsRefusedAndChangesNothing() throws {
        let (app, _) = try demoApp()
        let id = "leicestershire-PA-0001"
        let state = try app.instance(id)?.state
        let opened = try app.version(of: id, by: "leics.officer")
        let head = try app.auditHead()
        let stale = #expect(throws: ServiceRefusal.self) {
            try app.closeAssessment(id, reason: "Year over.", by: "leics.officer", expectedVersion: opened - 1)
        }
        #expect(stale?.rule == "current-version")
        #expect(stale?.kind == .conflict)
        #expect(try app.instance(id)?.state == state)
        #expect(try app.auditHead().sequence == head.sequence)
    }
}

/// Which acts a person may take on a record now, answered by the services from the definition.
@Suite("Act runner: permitted acts")
struct PermittedActServiceTests {
    @Test func aDraftOffersItsOfficerSubmitAndWithdrawAndAnotherOfficeNothing() throws {
        let (app, _) = try demoApp()
        let id = try app.raiseDecision(office: "cumbria", draft: shortDraft(), by: "cumbria.officer").id
        #expect(try app.permittedActs(record: id, by: "cumbria.officer").map(\.event) == ["submit", "withdraw"])
        #expect(try app.permittedActs(record: id, by: "cumbria.auditor").isEmpty)
        let unseen = #expect(throws: ServiceRefusal.self) { try app.permittedActs(record: id, by: "lincs.officer") }
        #expect(unseen?.kind == .notFound)
        // Shown to another office (a published record is public), it offers that office nothing to do.
        #expect(try app.permittedActs(shown: id, by: "lincs.officer").isEmpty)
    }
}

/// "Part 1 overdue" is one rule, in Core; the store's `overdue` filter is the same rule in SQL. They agree on the
/// days around a deadline.
@Suite("Part 1 overdue: one rule")
struct Part1OverdueAgreementTests {
    @Test func theStoresOverdueFilterAgreesWithTheCoreRuleAroundTheDeadline() throws {
        let (app, store) = try demoApp()
        let id = try approvedDecision(app, amount: "£1,000")
        let deadline = try #require(try app.showDecision(id, by: "cumbria.officer").record.part1Deadline)
        for offset in -1...1 {
            let today = deadline.adding(days: offset)
            var filter = DecisionFilter()
            filter.office = "cumbria"
            filter.overdueOn = today
            let listed = try store.read { try $0.decisionRegister(filter) }.contains { $0.id == id }
            let rule = DecisionRules.isPart1Overdue(
                state: "approved", part1Deadline: deadline, publishedOn: nil, today: today)
            #expect(listed == rule, "day \(today.iso)")
            #expect(rule == (offset > 0))
        }
    }
}
