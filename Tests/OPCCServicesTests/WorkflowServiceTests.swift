import Foundation
import GRDB
import OPCCCore
import OPCCServices
import OPCCStore
import Testing

@Suite("Workflow service: acts, refusals, versions")
struct WorkflowServiceTests {
    @Test func anAcceptedActMovesTheInstanceAndAppendsOneAuditEvent() throws {
        let (app, _) = try demoApp()
        let before = try app.auditHead()
        let id = try decisionReferred(app)
        let instance = try #require(try app.instance(id))
        #expect(instance.state == "with-decision-maker")
        #expect(instance.version == 4)
        let events = try app.auditLog(instance: id)
        #expect(events.map(\.event) == ["create", "submit", "sign-off", "sign-off", "refer"])
        #expect(events.first?.sequence == before.sequence + 1)
        #expect(events[1].payloadFields["effects"] == "allocate-decision-number")
        // The demo imported 014/2016, so the 2016 sequence continues from it.
        #expect(events[1].payloadFields["number"] == "015/2016")
        #expect(events[2].fromState == events[2].toState)
    }

    @Test func approvalStartsThePublicationClockOnTheOfficesWorkingDays() throws {
        let (app, _) = try demoApp()
        let id = try decisionReferred(app)
        let view = try app.decide(id, approve: true, interests: "none", by: "cumbria.pcc", on: day("2016-03-09"))
        #expect(view.record.part1Deadline == day("2016-03-14"))
        #expect(view.status == "approved")
    }

    @Test func aRefusedActChangesNothingAndIsKeptInTheRefusalLog() throws {
        let (app, _) = try demoApp()
        let id = try app.raiseDecision(
            office: "cumbria", draft: shortDraft(), by: "cumbria.officer", on: day("2016-03-01")
        )
        .id
        let head = try app.auditHead()
        #expect(throws: ActRefused.self) {
            try app.fire("approve", on: id, by: "cumbria.officer", on: day("2016-03-02"))
        }
        let refusedWithdraw = #expect(throws: ActRefused.self) {
            try app.fire("withdraw", on: id, by: "cumbria.finance", on: day("2016-03-02"))
        }
        #expect(refusedWithdraw?.rules.sorted() == ["reason-given", "role-required"])
        #expect(try app.auditHead() == head)
        #expect(try app.instance(id)?.version == 0)
        #expect(try app.instance(id)?.state == "draft")
        let refusals = try app.refusals(instance: id)
        #expect(refusals.count == 2)
        #expect(refusals[0].actor == "cumbria.officer")
        #expect(refusals[0].reasons.first?.hasPrefix("event-not-allowed-in-state") == true)
    }

    @Test func referralWaitsForEveryRequiredSignOff() throws {
        let (app, _) = try demoApp()
        let id = try app.raiseDecision(
            office: "cumbria", draft: shortDraft(), by: "cumbria.officer", on: day("2016-03-01")
        )
        .id
        try app.submitDecision(id, by: "cumbria.officer", on: day("2016-03-07"))
        try app.signDecision(
            id, position: "originating-officer", name: "Vivian Stafford", by: "cumbria.officer", on: day("2016-03-07"))
        let refused = #expect(throws: ActRefused.self) {
            try app.referDecision(id, by: "cumbria.officer", on: day("2016-03-07"))
        }
        #expect(refused?.rules == ["all-required-sign-offs-in"])
        #expect(refused?.description.contains("Officer approval (Chief Executive or Deputy Chief Executive)") == true)
    }

    @Test func datesAlongARecordNeverGoBackwardsNorIntoTheFuture() throws {
        let (app, _) = try demoApp(today: "2026-11-20")
        let id = try app.raiseDecision(
            office: "cumbria", draft: shortDraft(), by: "cumbria.officer", on: day("2016-03-07")
        )
        .id
        let backwards = #expect(throws: ActRefused.self) {
            try app.submitDecision(id, by: "cumbria.officer", on: day("2016-03-06"))
        }
        #expect(backwards?.rules == ["effective-dates-never-go-backwards"])
        let future = #expect(throws: ActRefused.self) {
            try app.submitDecision(id, by: "cumbria.officer", on: day("2026-11-21"))
        }
        #expect(future?.rules == ["effective-date-not-in-future"])
        _ = try app.submitDecision(id, by: "cumbria.officer", on: day("2016-03-07"))
        let late = try #require(try app.auditLog(instance: id).last)
        #expect(late.effectiveDay == day("2016-03-07"))
        #expect(late.recordedAt.hasPrefix("2026-11-20"))
    }

    @Test func aPersonFromAnotherOfficeCannotActOnARecord() throws {
        let (app, _) = try demoApp()
        let id = try app.raiseDecision(
            office: "cumbria", draft: shortDraft(), by: "cumbria.officer", on: day("2016-03-01")
        )
        .id
        // Another office's record is not there for them: refused as a missing id is, before the engine runs.
        let refused = #expect(throws: ServiceRefusal.self) {
            try app.submitDecision(id, by: "lincs.officer", on: day("2016-03-02"))
        }
        #expect(refused?.rule == "known-decision")
        #expect(refused?.kind == .notFound)
        #expect(refused?.message == "no decision record '\(id)'")
        #expect(try app.instance(id)?.state == "draft")
    }

    @Test func aProjectBoardMemberActsOnlyOnItsOwnGrantsReturns() throws {
        let (app, _) = try demoApp()
        try app.addPerson(
            name: "barrow.board", office: "cumbria",
            grants: [RoleGrant(role: .projectBoardMember, scope: ["GA-BARROW"])],
            by: "cumbria.chief-executive")
        try app.startInstance(
            id: "QR-B1", office: "cumbria", workflow: "quarterly-return", recordRef: "GA-BARROW", by: "cumbria.finance",
            role: .finance, on: day("2016-03-01"))
        try app.startInstance(
            id: "QR-C1", office: "cumbria", workflow: "quarterly-return", recordRef: "GA-COPELAND",
            by: "cumbria.finance", role: .finance, on: day("2016-03-01"))
        #expect(try app.fire("start", on: "QR-B1", by: "barrow.board", on: day("2016-03-02")).instance.state == "draft")
        let refused = #expect(throws: ActRefused.self) {
            try app.fire("start", on: "QR-C1", by: "barrow.board", on: day("2016-03-02"))
        }
        #expect(refused?.rules == ["role-required"])
    }

    @Test func actsThatChangeNoStateAreAllowedInTerminalStatesAndChained() throws {
        let (app, _) = try demoApp()
        try app.startInstance(
            id: "DR-6", office: "cumbria", workflow: "decision-request", recordRef: "DR-6", by: "cumbria.officer",
            on: day("2016-03-01"))
        try app.fire(
            "withdraw", on: "DR-6", by: "cumbria.officer", on: day("2016-03-02"), payload: ["reason": "duplicate"])
        let note = try app.recordAct(
            "part2-read", on: "DR-6", by: "cumbria.auditor", role: .auditor, on: day("2016-03-03"))
        #expect(note.fromState == "withdrawn" && note.toState == "withdrawn")
        #expect(try app.instance("DR-6")?.state == "withdrawn")
        #expect(try app.verifyAudit().isIntact)
    }
}

@Suite("Concurrency: optimistic versions")
struct ConcurrencyTests {
    @Test func twoConnectionsFiringOnTheSameVersionCommitExactlyOnce() throws {
        let path = temporaryDatabasePath()
        let (first, _) = try demoApp(store: try SQLiteStore(path: path))
        try first.startInstance(
            id: "CF-C", office: "west-midlands", workflow: "carry-forward", recordRef: "CF-C", by: "wm.finance",
            on: day("2016-03-01"))
        let second = try Commissioning(
            store: try SQLiteStore(path: path), catalog: try shippedCatalog(), clock: FixedClock(day: day("2026-11-20"))
        )
        let seenByFirst = try #require(try first.instance("CF-C"))
        let seenBySecond = try #require(try second.instance("CF-C"))
        #expect(seenByFirst.version == seenBySecond.version)
        let headBefore = try first.auditHead()

        try first.fire(
            "request", on: "CF-C", by: "wm.finance", on: day("2016-03-02"), expectedVersion: seenByFirst.version)
        let refused = #expect(throws: ServiceRefusal.self) {
            try second.fire(
                "request", on: "CF-C", by: "wm.finance", on: day("2016-03-02"),
                expectedVersion: seenBySecond.version)
        }
        #expect(refused?.rule == "current-version")
        #expect(refused?.kind == .conflict)
        #expect(try second.auditHead().sequence == headBefore.sequence + 1)
        #expect(try second.auditLog(instance: "CF-C").filter { $0.event == "request" }.count == 1)
    }

    @Test func concurrentWritersFromManyThreadsNeverLoseOrDuplicateAnAct() async throws {
        let path = temporaryDatabasePath()
        let (app, _) = try demoApp(store: try SQLiteStore(path: path))
        try app.startInstance(
            id: "CF-T", office: "west-midlands", workflow: "carry-forward", recordRef: "CF-T", by: "wm.finance",
            on: day("2016-03-01"))
        let outcomes = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    let other = try? Commissioning(
                        store: try SQLiteStore(path: path), catalog: try shippedCatalog(),
                        clock: FixedClock(day: day("2026-11-20")))
                    return
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
        #expect(try app.auditLog(instance: "CF-T").filter { $0.event == "request" }.count == 1)
        #expect(try app.verifyAudit().isIntact)
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
