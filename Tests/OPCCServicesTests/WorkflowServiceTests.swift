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
        let instance = try decisionReferred(app)
        #expect(instance.state == "with-decision-maker")
        #expect(instance.version == 4)
        let events = try app.auditLog(instance: "DR-1")
        #expect(events.map(\.event) == ["create", "submit", "sign-off", "sign-off", "refer"])
        #expect(events.first?.sequence == before.sequence + 1)
        #expect(events[1].payloadFields["effects"] == "allocate-decision-number")
        #expect(events[2].fromState == events[2].toState)
    }

    @Test func approvalStartsThePublicationClockOnTheOfficesWorkingDays() throws {
        let (app, _) = try demoApp()
        _ = try decisionReferred(app)
        let fired = try app.fire("approve", on: "DR-1", by: "cumbria.pcc", on: day("2016-03-09"))
        #expect(
            fired.effects == [
                EffectRequest(name: "set-deadline", parameters: ["kind": "part1-publication", "day": "2016-03-14"])
            ])
    }

    @Test func aRefusedActChangesNothingAndIsKeptInTheRefusalLog() throws {
        let (app, _) = try demoApp()
        try app.startInstance(
            id: "DR-2", office: "cumbria", workflow: "decision-request", recordRef: "DR-2", by: "cumbria.officer",
            on: day("2016-03-01"))
        let head = try app.auditHead()
        #expect(throws: ActRefused.self) {
            try app.fire("approve", on: "DR-2", by: "cumbria.officer", on: day("2016-03-02"))
        }
        let refusedWithdraw = #expect(throws: ActRefused.self) {
            try app.fire("withdraw", on: "DR-2", by: "cumbria.finance", on: day("2016-03-02"))
        }
        #expect(refusedWithdraw?.rules.sorted() == ["reason-given", "role-required"])
        #expect(try app.auditHead() == head)
        #expect(try app.instance("DR-2")?.version == 0)
        #expect(try app.instance("DR-2")?.state == "draft")
        let refusals = try app.refusals(instance: "DR-2")
        #expect(refusals.count == 2)
        #expect(refusals[0].actor == "cumbria.officer")
        #expect(refusals[0].reasons.first?.hasPrefix("event-not-allowed-in-state") == true)
    }

    @Test func referralWaitsForEveryRequiredSignOff() throws {
        let (app, _) = try demoApp()
        try app.startInstance(
            id: "DR-3", office: "cumbria", workflow: "decision-request", recordRef: "DR-3", by: "cumbria.officer",
            on: day("2016-03-01"))
        try app.fire("submit", on: "DR-3", by: "cumbria.officer", on: day("2016-03-07"))
        let refused = #expect(throws: ActRefused.self) {
            try app.fire(
                "refer", on: "DR-3", by: "cumbria.chief-executive", on: day("2016-03-07"),
                subject: SignOffs(missingSignOffs: ["Officer approval (Chief Executive or Deputy Chief Executive)"]))
        }
        #expect(refused?.rules == ["all-required-sign-offs-in"])
        #expect(refused?.description.contains("Officer approval") == true)
    }

    @Test func datesAlongARecordNeverGoBackwardsNorIntoTheFuture() throws {
        let (app, _) = try demoApp(today: "2016-03-31")
        try app.startInstance(
            id: "DR-4", office: "cumbria", workflow: "decision-request", recordRef: "DR-4", by: "cumbria.officer",
            on: day("2016-03-07"))
        let backwards = #expect(throws: ActRefused.self) {
            try app.fire("submit", on: "DR-4", by: "cumbria.officer", on: day("2016-03-06"))
        }
        #expect(backwards?.rules == ["effective-dates-never-go-backwards"])
        let future = #expect(throws: ActRefused.self) {
            try app.fire("submit", on: "DR-4", by: "cumbria.officer", on: day("2016-04-01"))
        }
        #expect(future?.rules == ["effective-date-not-in-future"])
        let late = try app.fire("submit", on: "DR-4", by: "cumbria.officer", on: day("2016-03-07"))
        #expect(late.event.effectiveDay == day("2016-03-07"))
        #expect(late.event.recordedAt.hasPrefix("2016-03-31"))
    }

    @Test func aPersonFromAnotherOfficeCannotActOnARecord() throws {
        let (app, _) = try demoApp()
        try app.startInstance(
            id: "DR-5", office: "cumbria", workflow: "decision-request", recordRef: "DR-5", by: "cumbria.officer",
            on: day("2016-03-01"))
        let refused = #expect(throws: ActRefused.self) {
            try app.fire("submit", on: "DR-5", by: "lincs.officer", on: day("2016-03-02"))
        }
        #expect(refused?.rules == ["role-required"])
    }

    @Test func aProjectBoardMemberActsOnlyOnItsOwnGrantsReturns() throws {
        let (app, _) = try demoApp()
        try app.addPerson(
            name: "barrow.board", office: "cumbria",
            grants: [RoleGrant(role: .projectBoardMember, scope: ["GA-BARROW"])],
            by: "cumbria.chief-executive")
        try app.startInstance(
            id: "QR-B1", office: "cumbria", workflow: "quarterly-return", recordRef: "GA-BARROW", by: "cumbria.finance",
            on: day("2016-03-01"))
        try app.startInstance(
            id: "QR-C1", office: "cumbria", workflow: "quarterly-return", recordRef: "GA-COPELAND",
            by: "cumbria.finance", on: day("2016-03-01"))
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
            id: "DR-C", office: "cumbria", workflow: "decision-request", recordRef: "DR-C", by: "cumbria.officer",
            on: day("2016-03-01"))
        let second = try Commissioning(
            store: try SQLiteStore(path: path), catalog: try shippedCatalog(), clock: FixedClock(day: day("2016-03-31"))
        )
        let seenByFirst = try #require(try first.instance("DR-C"))
        let seenBySecond = try #require(try second.instance("DR-C"))
        #expect(seenByFirst.version == seenBySecond.version)
        let headBefore = try first.auditHead()

        try first.fire(
            "submit", on: "DR-C", by: "cumbria.officer", on: day("2016-03-02"), expectedVersion: seenByFirst.version)
        let refused = #expect(throws: ActRefused.self) {
            try second.fire(
                "submit", on: "DR-C", by: "cumbria.officer", on: day("2016-03-02"),
                expectedVersion: seenBySecond.version)
        }
        #expect(refused?.rules == ["stale-version"])
        #expect(try second.auditHead().sequence == headBefore.sequence + 1)
        #expect(try second.auditLog(instance: "DR-C").filter { $0.event == "submit" }.count == 1)
    }

    @Test func concurrentWritersFromManyThreadsNeverLoseOrDuplicateAnAct() async throws {
        let path = temporaryDatabasePath()
        let (app, _) = try demoApp(store: try SQLiteStore(path: path))
        try app.startInstance(
            id: "DR-T", office: "cumbria", workflow: "decision-request", recordRef: "DR-T", by: "cumbria.officer",
            on: day("2016-03-01"))
        let outcomes = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    let other = try? Commissioning(
                        store: try SQLiteStore(path: path), catalog: try shippedCatalog(),
                        clock: FixedClock(day: day("2016-03-31")))
                    return
                        (try? other?.fire(
                            "submit", on: "DR-T", by: "cumbria.officer", on: day("2016-03-02"), expectedVersion: 0))
                        != nil
                }
            }
            var all: [Bool] = []
            for await ok in group { all.append(ok) }
            return all
        }
        #expect(outcomes.filter { $0 }.count == 1)
        #expect(try app.auditLog(instance: "DR-T").filter { $0.event == "submit" }.count == 1)
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
