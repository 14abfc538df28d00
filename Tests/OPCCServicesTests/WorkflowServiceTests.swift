import Foundation
import GRDB
import OPCCCore
@_spi(Bench) import OPCCServices
import OPCCStore
import OPCCTestSupport
import Testing

@Suite("Workflow service: acts, refusals, versions")
struct WorkflowServiceTests {
    @Test(arguments: TestEngine.all) func anAcceptedActMovesTheInstanceAndAppendsOneAuditEvent(
        engine: TestEngine
    ) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let before = try await app.auditHead()
        let id = try await decisionReferred(app)
        let instance = try await #require(try app.instance(id))
        #expect(instance.state == "with-decision-maker")
        #expect(instance.version == 4)
        let events = try await app.auditLog(instance: id)
        #expect(events.map(\.event) == ["create", "submit", "sign-off", "sign-off", "refer"])
        #expect(events.first?.sequence == before.sequence + 1)
        #expect(events[1].payloadFields["effects"] == "allocate-decision-number")
        // The demo imported 014/2016, so the 2016 sequence continues from it.
        #expect(events[1].payloadFields["number"] == "015/2016")
        #expect(events[2].fromState == events[2].toState)
    }

    @Test(arguments: TestEngine.all) func approvalStartsThePublicationClockOnTheOfficesWorkingDays(
        engine: TestEngine
    ) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let id = try await decisionReferred(app)
        let view = try await app.decide(id, approve: true, interests: "none", by: "cumbria.pcc", on: day("2016-03-09"))
        #expect(view.record.part1Deadline == day("2016-03-14"))
        #expect(view.status == "approved")
    }

    @Test(arguments: TestEngine.all) func aRefusedActChangesNothingAndIsKeptInTheRefusalLog(
        engine: TestEngine
    ) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let id = try await app.raiseDecision(
            office: "cumbria", draft: shortDraft(), by: "cumbria.officer", on: day("2016-03-01")
        )
        .id
        let head = try await app.auditHead()
        await #expect(throws: ActRefused.self) {
            try await app.fire("approve", on: id, by: "cumbria.officer", on: day("2016-03-02"))
        }
        let refusedWithdraw = await #expect(throws: ActRefused.self) {
            try await app.fire("withdraw", on: id, by: "cumbria.finance", on: day("2016-03-02"))
        }
        #expect(refusedWithdraw?.rules.sorted() == ["reason-given", "role-required"])
        await #expect(try app.auditHead() == head)
        await #expect(try app.instance(id)?.version == 0)
        await #expect(try app.instance(id)?.state == "draft")
        let refusals = try await app.refusals(instance: id)
        #expect(refusals.count == 2)
        #expect(refusals[0].actor == "cumbria.officer")
        #expect(refusals[0].reasons.first?.hasPrefix("event-not-allowed-in-state") == true)
    }

    @Test(arguments: TestEngine.all) func referralWaitsForEveryRequiredSignOff(engine: TestEngine) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let id = try await app.raiseDecision(
            office: "cumbria", draft: shortDraft(), by: "cumbria.officer", on: day("2016-03-01")
        )
        .id
        try await app.submitDecision(id, by: "cumbria.officer", on: day("2016-03-07"))
        try await app.signDecision(
            id, position: "originating-officer", name: "Vivian Stafford", by: "cumbria.officer", on: day("2016-03-07"))
        let refused = await #expect(throws: ActRefused.self) {
            try await app.referDecision(id, by: "cumbria.officer", on: day("2016-03-07"))
        }
        #expect(refused?.rules == ["all-required-sign-offs-in"])
        #expect(refused?.description.contains("Officer approval (Chief Executive or Deputy Chief Executive)") == true)
    }

    @Test(arguments: TestEngine.all) func datesAlongARecordNeverGoBackwardsNorIntoTheFuture(
        engine: TestEngine
    ) async throws {
        let (app, _) = try await demoApp(engine: engine, today: "2026-11-20")
        let id = try await app.raiseDecision(
            office: "cumbria", draft: shortDraft(), by: "cumbria.officer", on: day("2016-03-07")
        )
        .id
        let backwards = await #expect(throws: ActRefused.self) {
            try await app.submitDecision(id, by: "cumbria.officer", on: day("2016-03-06"))
        }
        #expect(backwards?.rules == ["effective-dates-never-go-backwards"])
        let future = await #expect(throws: ActRefused.self) {
            try await app.submitDecision(id, by: "cumbria.officer", on: day("2026-11-21"))
        }
        #expect(future?.rules == ["effective-date-not-in-future"])
        _ = try await app.submitDecision(id, by: "cumbria.officer", on: day("2016-03-07"))
        let late = try await #require(try app.auditLog(instance: id).last)
        #expect(late.effectiveDay == day("2016-03-07"))
        #expect(late.recordedAt.hasPrefix("2026-11-20"))
    }

    @Test(arguments: TestEngine.all) func aPersonFromAnotherOfficeCannotActOnARecord(engine: TestEngine) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let id = try await app.raiseDecision(
            office: "cumbria", draft: shortDraft(), by: "cumbria.officer", on: day("2016-03-01")
        )
        .id
        // Another office's record is not there for them: refused as a missing id is, before the engine runs.
        let refused = await #expect(throws: ServiceRefusal.self) {
            try await app.submitDecision(id, by: "lincs.officer", on: day("2016-03-02"))
        }
        #expect(refused?.rule == "known-decision")
        #expect(refused?.kind == .notFound)
        #expect(refused?.message == "no decision record '\(id)'")
        await #expect(try app.instance(id)?.state == "draft")
    }

    @Test(arguments: TestEngine.all) func aProjectBoardMemberActsOnlyOnItsOwnGrantsReturns(
        engine: TestEngine
    ) async throws {
        let (app, _) = try await demoApp(engine: engine)
        try await app.addPerson(
            name: "barrow.board", office: "cumbria",
            grants: [RoleGrant(role: .projectBoardMember, scope: ["GA-BARROW"])],
            by: "cumbria.chief-executive")
        try await app.startInstance(
            id: "QR-B1", office: "cumbria", workflow: "quarterly-return", recordRef: "GA-BARROW", by: "cumbria.finance",
            role: .finance, on: day("2016-03-01"))
        try await app.startInstance(
            id: "QR-C1", office: "cumbria", workflow: "quarterly-return", recordRef: "GA-COPELAND",
            by: "cumbria.finance", role: .finance, on: day("2016-03-01"))
        await #expect(
            try app.fire("start", on: "QR-B1", by: "barrow.board", on: day("2016-03-02")).instance.state == "draft")
        let refused = await #expect(throws: ActRefused.self) {
            try await app.fire("start", on: "QR-C1", by: "barrow.board", on: day("2016-03-02"))
        }
        #expect(refused?.rules == ["role-required"])
    }

    @Test(arguments: TestEngine.all) func actsThatChangeNoStateAreAllowedInTerminalStatesAndChained(
        engine: TestEngine
    ) async throws {
        let (app, _) = try await demoApp(engine: engine)
        try await app.startInstance(
            id: "DR-6", office: "cumbria", workflow: "decision-request", recordRef: "DR-6", by: "cumbria.officer",
            on: day("2016-03-01"))
        try await app.fire(
            "withdraw", on: "DR-6", by: "cumbria.officer", on: day("2016-03-02"), payload: ["reason": "duplicate"])
        let note = try await app.recordAct(
            "part2-read", on: "DR-6", by: "cumbria.auditor", role: .auditor, on: day("2016-03-03"))
        #expect(note.fromState == "withdrawn" && note.toState == "withdrawn")
        await #expect(try app.instance("DR-6")?.state == "withdrawn")
        await #expect(try app.verifyAudit().isIntact)
    }
}

@Suite("Concurrency: optimistic versions")
struct ConcurrencyTests {
    @Test(arguments: TestEngine.all) func twoConnectionsFiringOnTheSameVersionCommitExactlyOnce(
        engine: TestEngine
    ) async throws {
        let stores = try await engine.makeStores(2)
        let (first, _) = try await demoApp(engine: engine, store: stores[0])
        try await first.startInstance(
            id: "CF-C", office: "west-midlands", workflow: "carry-forward", recordRef: "CF-C", by: "wm.finance",
            on: day("2016-03-01"))
        let second = try Commissioning(
            store: stores[1], catalog: try shippedCatalog(), clock: FixedClock(day: day("2026-11-20")))
        let seenByFirst = try await #require(try first.instance("CF-C"))
        let seenBySecond = try await #require(try second.instance("CF-C"))
        #expect(seenByFirst.version == seenBySecond.version)
        let headBefore = try await first.auditHead()

        try await first.fire(
            "request", on: "CF-C", by: "wm.finance", on: day("2016-03-02"), expectedVersion: seenByFirst.version)
        let refused = await #expect(throws: ServiceRefusal.self) {
            try await second.fire(
                "request", on: "CF-C", by: "wm.finance", on: day("2016-03-02"),
                expectedVersion: seenBySecond.version)
        }
        #expect(refused?.rule == "current-version")
        #expect(refused?.kind == .conflict)
        await #expect(try second.auditHead().sequence == headBefore.sequence + 1)
        await #expect(try second.auditLog(instance: "CF-C").filter { $0.event == "request" }.count == 1)
    }

    @Test(arguments: TestEngine.all) func concurrentWritersFromManyThreadsNeverLoseOrDuplicateAnAct(
        engine: TestEngine
    ) async throws {
        let stores = try await engine.makeStores(9)
        let (app, _) = try await demoApp(engine: engine, store: stores[0])
        try await app.startInstance(
            id: "CF-T", office: "west-midlands", workflow: "carry-forward", recordRef: "CF-T", by: "wm.finance",
            on: day("2016-03-01"))
        let outcomes = await withTaskGroup(of: Bool.self) { group in
            for store in stores.dropFirst() {
                group.addTask {
                    let other = try? Commissioning(
                        store: store, catalog: try shippedCatalog(),
                        clock: FixedClock(day: day("2026-11-20")))
                    return
                        await
                        (try? other?.fire(
                            "request", on: "CF-T", by: "wm.finance", on: day("2016-03-02"), expectedVersion: 0))
                        != nil
                }
            }
            var all: [Bool] = []
            for await ok in group { all.append(ok) }
            return all
        }
        #expect(outcomes.filter { $0 }.count == 1)
        await #expect(try app.auditLog(instance: "CF-T").filter { $0.event == "request" }.count == 1)
        await #expect(try app.verifyAudit().isIntact)
    }

    /// Forty officers raise records in one office at once, through eight connections: each gets its own id (the
    /// next of the office's count), none is refused, and the chain holds. (CI once saw PostgreSQL refuse one raise as
    /// "instance 'cumbria-DR-0014' already exists": the retry after a taken id did not lock the office it counted.)
    @Test(arguments: TestEngine.all) func raisesAtOnceInOneOfficeEachGetTheirOwnID(engine: TestEngine) async throws {
        let stores = try await engine.makeStores(8)
        let (app, _) = try await demoApp(engine: engine, store: stores[0])
        let before = try await stores[0].read { try $0.decisionCount(office: "cumbria") }
        let apps = try stores.map {
            try Commissioning(store: $0, catalog: try shippedCatalog(), clock: FixedClock(day: day("2026-11-20")))
        }
        let ids = try await withThrowingTaskGroup(of: String.self) { group in
            for n in 0..<40 {
                group.addTask {
                    var draft = DecisionDraft()
                    draft.title = "Raised at once \(n)"
                    return try await apps[n % apps.count].raiseDecision(
                        office: "cumbria", draft: draft, by: "cumbria.officer"
                    ).id
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(Set(ids).count == 40)
        let expected = (before + 1...before + 40).map {
            Commissioning.recordID(office: "cumbria", kind: "DR", existing: $0 - 1)
        }
        #expect(Set(ids) == Set(expected))
        await #expect(try app.verifyAudit().isIntact)
    }
}

@Suite("Clock")
struct ClockTests {
    @Test func recordedAtIsISO8601UTCWithMilliseconds() {
        #expect(FixedClock(Date(timeIntervalSince1970: 0)).timestamp() == "1970-01-01T00:00:00.000Z")
        #expect(FixedClock(Date(timeIntervalSince1970: 1_457_524_800.25)).timestamp() == "2016-03-09T12:00:00.250Z")
        #expect(FixedClock(Date(timeIntervalSince1970: -0.5)).timestamp() == "1969-12-31T23:59:59.500Z")
    }

    @Test func todayIsTheDayInLondonNotUTC() {
        // 23:30 UTC on 30 June 2016 is 00:30 on 1 July in London (BST).
        #expect(FixedClock(Date(timeIntervalSince1970: 1_467_329_400)).today() == day("2016-07-01"))
    }
}
