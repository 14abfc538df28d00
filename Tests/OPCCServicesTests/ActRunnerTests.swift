import Foundation
import OPCCCore
import OPCCServices
import OPCCStore
import OPCCTestSupport
import Testing

/// The act runner performs every typed effect a workflow asks for: one test per case of `WorkflowEffect`.
@Suite("Act runner: every effect is performed")
struct ActRunnerEffectTests {
    @Test(arguments: TestEngine.all) func setDeadlineSetsTheDecisionsPart1DeadlineByTheOfficesWorkingDays(
        engine: TestEngine
    ) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let id = try await decisionReferred(app)
        let view = try await app.decide(id, approve: true, interests: "none", by: "cumbria.pcc", on: day("2016-03-09"))
        let expected = await DecisionRules.part1Deadline(
            decidedOn: day("2016-03-09"), profile: try app.profile(of: "cumbria"), calendar: app.engine.calendar)
        #expect(expected > day("2016-03-09"))
        #expect(view.record.part1Deadline == expected)
        let approve = try await #require(try app.auditLog(instance: id).last)
        #expect(approve.payloadFields["effects"] == "set-deadline(day=\(expected.iso), kind=part1-publication)")
        #expect(approve.payloadFields["part1Deadline"] == expected.iso)
    }

    @Test(arguments: TestEngine.all)
    func scheduleQuarterlyReturnsSchedulesAReturnForEveryQuarterOfTheActivatedAgreement(engine: TestEngine) async throws
    {
        let (app, store) = try await demoApp(engine: engine)
        let activate = try await #require(try app.auditLog(instance: "cumbria-GA-0001").last { $0.event == "activate" })
        #expect(activate.payloadFields["effects"] == "schedule-quarterly-returns")
        let scheduled = try await store.read { try $0.returnRecords(office: "cumbria", agreement: "cumbria-GA-0001") }
        #expect(scheduled.count == 4)
        let named = activate.payloadFields["returns"]?.components(separatedBy: ", ") ?? []
        #expect(Set(named) == Set(scheduled.map(\.id)))
    }

    @Test(arguments: TestEngine.all) func releasePaymentReleasesTheInstalmentAnAcceptedReturnMakesPayable(
        engine: TestEngine
    ) async throws {
        let (app, store) = try await demoApp(engine: engine)
        let id = try await #require(
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
        try await app.saveReturn(id, content: content, by: "cumbria.barrow-board", on: day("2016-07-10"))
        try await app.submitReturn(id, by: "cumbria.barrow-board", on: day("2016-07-10"))
        await #expect(try app.agreement("cumbria-GA-0001").payments.first { $0.id == "I2" }?.paidOn == nil)
        try await app.acceptReturn(id, by: "cumbria.officer", on: day("2016-07-11"))
        await #expect(
            try app.agreement("cumbria-GA-0001").payments.first { $0.id == "I2" }?.paidOn == day("2016-07-11"))
        let accept = try await #require(try app.auditLog(instance: id).last)
        #expect(accept.event == "accept")
        #expect(accept.payloadFields["effects"] == "release-payment")
        #expect(accept.payloadFields["released"] == "I2")
    }

    @Test(arguments: TestEngine.all) func aRetiredEffectNameIsRecordedAndTheActDoesItsOwnWork(
        engine: TestEngine
    ) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let id = try await app.raiseDecision(office: "cumbria", draft: shortDraft(), by: "cumbria.officer").id
        let view = try await app.submitDecision(id, by: "cumbria.officer")
        #expect(view.record.number != nil, "submitting allocates the number itself")
        let submit = try await #require(try app.auditLog(instance: id).last)
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

    @Test(arguments: TestEngine.all) func aPinnedDefinitionNamingTheRetiredEffectsStillLoadsAndRuns(
        engine: TestEngine
    ) async throws {
        let (app, store) = try await demoApp(engine: engine)
        let request = try await app.requestCarryForward(
            office: "cumbria", from: fy("2016/17"), strand: "ASB", recipient: "GB-LAE-BAR", forecast: money("£5,000"),
            reason: "slippage", by: "cumbria.finance", on: day("2017-03-01"))
        try await app.decideCarryForward(request.id, approve: true, by: "cumbria.pcc", on: day("2017-03-02"))
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
        try await upgraded.confirmCarryForward(
            request.id, actual: money("£5,000"), by: "cumbria.finance", on: day("2017-04-30"))
        await #expect(try upgraded.instance(request.id)?.state == "confirmed")
        let confirm = try await #require(try upgraded.auditLog(instance: request.id).last)
        #expect(confirm.workflowVersion == 1)
        #expect(confirm.payloadFields["effects"] == "settle-carry-forward")
        await #expect(try upgraded.verifyAudit().isIntact)
    }

    @Test(arguments: TestEngine.all) func anEffectThatSetsADeadlineOnAKindWithoutDeadlinesIsRefusedAndChangesNothing(
        engine: TestEngine
    ) async throws {
        let (app, store) = try await demoApp(engine: engine)
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
        let head = try await app.auditHead()
        let refused = await #expect(throws: ServiceRefusal.self) {
            try await upgraded.requestCarryForward(
                office: "cumbria", from: fy("2016/17"), strand: "ASB", recipient: "GB-LAE-BAR",
                forecast: money("£5,000"), reason: "slippage", by: "cumbria.finance", on: day("2017-03-01"))
        }
        #expect(refused?.rule == "effect-fits-record")
        await #expect(try app.auditHead().sequence == head.sequence)
    }
}

/// How many equality impact assessments the agreement's audit log records.
private func recorded(_ app: Commissioning, _ id: String) async throws -> Int {
    try await app.auditLog(instance: id).filter { $0.event == "equality-impact-assessment-recorded" }.count
}

/// Versions on agreements, returns and carry-forwards: every act and edit bumps the record's version, and a change
/// prepared against an older version is refused with `current-version` (a conflict), changing nothing.
@Suite("Act runner: versions on every record kind")
struct RecordKindVersionTests {
    @Test(arguments: TestEngine.all) func anAssessmentEditBumpsTheAgreementsVersionAndAStaleOneIsRefused(
        engine: TestEngine
    ) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let id = "cumbria-GA-0001"
        let before = try await app.version(of: id, by: "cumbria.finance")
        try await app.recordAssessment(
            id, equality: true, reference: "EIA-2", by: "cumbria.finance", expectedVersion: before)
        await #expect(try app.version(of: id, by: "cumbria.finance") == before + 1)
        let head = try await app.auditHead()
        let stale = await #expect(throws: ServiceRefusal.self) {
            try await app.recordAssessment(
                id, equality: false, reference: "RA-9", by: "cumbria.finance", expectedVersion: before)
        }
        #expect(stale?.rule == "current-version")
        #expect(stale?.kind == .conflict)
        await #expect(try app.auditHead().sequence == head.sequence)
        await #expect(try app.agreement(id).riskAssessment?.reference != "RA-9")
    }

    @Test(arguments: TestEngine.all) func tenRacingActsOnOneAgreementLeaveExactlyOneWinner(
        engine: TestEngine
    ) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let id = "cumbria-GA-0001"
        let opened = try await app.version(of: id, by: "cumbria.finance")
        let recordedBefore = try await recorded(app, id)
        let outcomes = await withTaskGroup(of: String.self) { group in
            for n in 0..<10 {
                group.addTask {
                    do {
                        try await app.recordAssessment(
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
        await #expect(try app.version(of: id, by: "cumbria.finance") == opened + 1)
        await #expect(try recorded(app, id) == recordedBefore + 1)
    }

    @Test(arguments: TestEngine.all) func aStaleReturnSaveIsRefusedAndChangesNothing(engine: TestEngine) async throws {
        let (app, store) = try await demoApp(engine: engine)
        let id = try await #require(
            try store.read { try $0.returnRecords(office: "cumbria", agreement: "cumbria-GA-0001") }.first
        ).id
        let opened = try await app.version(of: id, by: "cumbria.barrow-board")
        let content = ReturnContent(spendInQuarter: money("£1"), spendToDate: money("£1"), narrative: "First.")
        try await app.saveReturn(id, content: content, by: "cumbria.barrow-board", expectedVersion: opened)
        let saved = try await app.version(of: id, by: "cumbria.barrow-board")
        #expect(saved == opened + 2, "starting the return and saving its content are two changes")
        let head = try await app.auditHead()
        var other = content
        other.narrative = "Second."
        let stale = await #expect(throws: ServiceRefusal.self) {
            try await app.saveReturn(id, content: other, by: "cumbria.barrow-board", expectedVersion: opened)
        }
        #expect(stale?.rule == "current-version")
        await #expect(try app.auditHead().sequence == head.sequence)
        await #expect(
            try app.quarterlyReturn(id, as: "cumbria.barrow-board").record.current?.content.narrative == "First.")
        try await app.saveReturn(id, content: other, by: "cumbria.barrow-board", expectedVersion: saved)
        await #expect(try app.version(of: id, by: "cumbria.barrow-board") == saved + 1)
    }

    @Test(arguments: TestEngine.all) func aStaleCarryForwardDecisionIsRefusedAndChangesNothing(
        engine: TestEngine
    ) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let request = try await app.requestCarryForward(
            office: "cumbria", from: fy("2016/17"), strand: "ASB", recipient: "GB-LAE-BAR", forecast: money("£5,000"),
            reason: "slippage", by: "cumbria.finance", on: day("2017-03-01"))
        let opened = try await app.version(of: request.id, by: "cumbria.pcc")
        let head = try await app.auditHead()
        let stale = await #expect(throws: ServiceRefusal.self) {
            try await app.decideCarryForward(
                request.id, approve: true, by: "cumbria.pcc", on: day("2017-03-02"), expectedVersion: opened - 1)
        }
        #expect(stale?.rule == "current-version")
        await #expect(try app.instance(request.id)?.state == "requested")
        await #expect(try app.auditHead().sequence == head.sequence)
        try await app.decideCarryForward(
            request.id, approve: true, by: "cumbria.pcc", on: day("2017-03-02"), expectedVersion: opened)
        await #expect(try app.version(of: request.id, by: "cumbria.pcc") == opened + 1)
    }
}

/// Priority assessments take versions too: a stale act is refused and changes nothing.
@Suite("Act runner: versions on priority assessments")
struct PriorityVersionTests {
    @Test(arguments: TestEngine.all) func aStaleActOnAPriorityAssessmentIsRefusedAndChangesNothing(
        engine: TestEngine
    ) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let id = "leicestershire-PA-0001"
        let state = try await app.instance(id)?.state
        let opened = try await app.version(of: id, by: "leics.officer")
        let head = try await app.auditHead()
        let stale = await #expect(throws: ServiceRefusal.self) {
            try await app.closeAssessment(id, reason: "Year over.", by: "leics.officer", expectedVersion: opened - 1)
        }
        #expect(stale?.rule == "current-version")
        #expect(stale?.kind == .conflict)
        await #expect(try app.instance(id)?.state == state)
        await #expect(try app.auditHead().sequence == head.sequence)
    }
}

/// Which acts a person may take on a record now, answered by the services from the definition.
@Suite("Act runner: permitted acts")
struct PermittedActServiceTests {
    @Test(arguments: TestEngine.all) func aDraftOffersItsOfficerSubmitAndWithdrawAndAnotherOfficeNothing(
        engine: TestEngine
    ) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let id = try await app.raiseDecision(office: "cumbria", draft: shortDraft(), by: "cumbria.officer").id
        await #expect(try app.permittedActs(record: id, by: "cumbria.officer").map(\.event) == ["submit", "withdraw"])
        await #expect(try app.permittedActs(record: id, by: "cumbria.auditor").isEmpty)
        let unseen = await #expect(throws: ServiceRefusal.self) {
            try await app.permittedActs(record: id, by: "lincs.officer")
        }
        #expect(unseen?.kind == .notFound)
        // Shown to another office (a published record is public), it offers that office nothing to do.
        await #expect(try app.permittedActs(shown: id, by: "lincs.officer").isEmpty)
    }
}

/// "Part 1 overdue" is one rule, in Core; the store's `overdue` filter is the same rule in SQL. They agree on the
/// days around a deadline.
@Suite("Part 1 overdue: one rule")
struct Part1OverdueAgreementTests {
    @Test(arguments: TestEngine.all) func theStoresOverdueFilterAgreesWithTheCoreRuleAroundTheDeadline(
        engine: TestEngine
    ) async throws {
        let (app, store) = try await demoApp(engine: engine)
        let id = try await approvedDecision(app, amount: "£1,000")
        let deadline = try await #require(try app.showDecision(id, by: "cumbria.officer").record.part1Deadline)
        for offset in -1...1 {
            let today = deadline.adding(days: offset)
            var filter = DecisionFilter()
            filter.office = "cumbria"
            filter.overdueOn = today
            let asked = filter
            let listed = try await store.read { try $0.decisionRegister(asked) }.contains { $0.id == id }
            let rule = DecisionRules.isPart1Overdue(
                state: "approved", part1Deadline: deadline, publishedOn: nil, today: today)
            #expect(listed == rule, "day \(today.iso)")
            #expect(rule == (offset > 0))
        }
    }
}
