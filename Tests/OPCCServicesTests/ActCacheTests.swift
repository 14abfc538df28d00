import Foundation
import OPCCCore
import OPCCServices
import OPCCStore
import OPCCTestSupport
import Testing

/// The store keeps the person acting, their grants and the office's profile hash between write transactions
/// (`ActReadCache`), checked at the start of each by `PRAGMA data_version` (SQLite) or the generation row
/// (PostgreSQL). A change made through another store, as another process would make it, is seen by the very next act;
/// so is one made through the same application.
@Suite("Act cache: people, grants and profiles are never stale")
struct ActCacheTests {
    /// Two applications, as two processes would be, over one database.
    func twoApplications(_ engine: TestEngine) async throws -> (first: Commissioning, second: Commissioning) {
        let stores = try await engine.makeStores(2)
        let (first, _) = try await demoApp(engine: engine, store: stores[0])
        let second = try Commissioning(
            store: stores[1], catalog: try shippedCatalog(), clock: FixedClock(day: day("2026-11-20")))
        return (first, second)
    }

    static let board = "cache.board"
    static let returnID = "QR-CACHE-1"

    /// What the return guards read: a complete return submitted by the board member.
    static let subject = WorkflowSubject.quarterlyReturn(
        ReturnSubject(
            dueDay: try! Day(iso: "2016-07-21"), quarter: Quarter(year: FinancialYear(startYear: 2016), number: 1)!,
            agreement: GrantAgreement(
                id: "GA-CACHE", office: "cumbria", decisionID: "cache",
                recipient: .init(orgID: "GB-LAE-CAC", name: "Cache"), purpose: "cache test",
                period: .init(start: try! Day(iso: "2016-04-01"), end: try! Day(iso: "2017-03-31")), amount: .zero),
            content: ReturnContent(spendInQuarter: .zero, spendToDate: .zero, narrative: "On track."),
            previousSpendToDate: .zero, submittedBy: board))

    /// A board member of GA-CACHE and a return of it, submitted by them and sent back by finance, so that both
    /// people are in the first application's cache and the board member's next act is a resubmission.
    func returnSentBack(_ app: Commissioning) async throws {
        try await app.addPerson(
            name: Self.board, office: "cumbria",
            grants: [RoleGrant(role: .projectBoardMember, scope: ["GA-CACHE"])], by: "cumbria.chief-executive")
        try await app.startInstance(
            id: Self.returnID, office: "cumbria", workflow: "quarterly-return", recordRef: "GA-CACHE",
            by: "cumbria.finance", role: .finance)
        try await app.fire("start", on: Self.returnID, by: Self.board)
        try await app.fire("submit", on: Self.returnID, by: Self.board, subject: Self.subject)
        try await sendBack(app)
    }

    func sendBack(_ app: Commissioning) async throws {
        try await app.fire(
            "return-for-revision", on: Self.returnID, by: "cumbria.finance", payload: ["reason": "figures missing"],
            subject: Self.subject)
    }

    func resubmit(_ app: Commissioning) async throws {
        try await app.fire("submit", on: Self.returnID, by: Self.board, subject: Self.subject)
    }

    @Test(arguments: TestEngine.all)
    func aRoleEndedByAnotherProcessRefusesTheVeryNextAct(engine: TestEngine) async throws {
        let (first, second) = try await twoApplications(engine)
        try await returnSentBack(first)
        try await second.endRole(.projectBoardMember, scope: "GA-CACHE", of: Self.board, by: "cumbria.chief-executive")
        let refused = await #expect(throws: ActRefused.self) { try await resubmit(first) }
        #expect(refused?.kind == .forbidden)
        #expect(try await first.instance(Self.returnID)?.state == "returned-for-revision")
        // Granted again by the other process: the very next act is accepted.
        try await second.grantRole(
            RoleGrant(role: .projectBoardMember, scope: ["GA-CACHE"]), to: Self.board, by: "cumbria.chief-executive")
        try await resubmit(first)
        #expect(try await first.instance(Self.returnID)?.state == "submitted")
    }

    @Test(arguments: TestEngine.all)
    func aRoleGrantedByAnotherProcessAllowsTheVeryNextAct(engine: TestEngine) async throws {
        let (first, second) = try await twoApplications(engine)
        try await returnSentBack(first)
        // Finance holds no board role: refused, with finance in the first application's cache.
        let refused = await #expect(throws: ActRefused.self) {
            try await first.fire("submit", on: Self.returnID, by: "cumbria.finance", subject: Self.subject)
        }
        #expect(refused?.kind == .forbidden)
        try await second.grantRole(
            RoleGrant(role: .projectBoardMember, scope: ["GA-CACHE"]), to: "cumbria.finance",
            by: "cumbria.chief-executive")
        try await first.fire("submit", on: Self.returnID, by: "cumbria.finance", subject: Self.subject)
        #expect(try await first.instance(Self.returnID)?.state == "submitted")
    }

    @Test(arguments: TestEngine.all)
    func aPersonDisabledByAnotherProcessIsRefusedPersonActiveAtTheVeryNextAct(engine: TestEngine) async throws {
        let (first, second) = try await twoApplications(engine)
        try await returnSentBack(first)
        try await resubmit(first)
        try await second.disablePerson("cumbria.finance", by: "cumbria.chief-executive")
        #expect(await refusedRule { try await sendBack(first) } == "person-active")
        #expect(try await first.instance(Self.returnID)?.state == "submitted")
        try await second.enablePerson("cumbria.finance", by: "cumbria.chief-executive")
        try await sendBack(first)
        #expect(try await first.instance(Self.returnID)?.state == "returned-for-revision")
    }

    @Test(arguments: TestEngine.all)
    func aChangeThroughTheSameApplicationIsSeenByTheVeryNextAct(engine: TestEngine) async throws {
        let (app, _) = try await demoApp(engine: engine)
        try await returnSentBack(app)
        try await app.endRole(.projectBoardMember, scope: "GA-CACHE", of: Self.board, by: "cumbria.chief-executive")
        await #expect(throws: ActRefused.self) { try await resubmit(app) }
        try await app.grantRole(
            RoleGrant(role: .projectBoardMember, scope: ["GA-CACHE"]), to: Self.board, by: "cumbria.chief-executive")
        try await resubmit(app)
        try await app.disablePerson("cumbria.finance", by: "cumbria.chief-executive")
        #expect(await refusedRule { try await sendBack(app) } == "person-active")
    }

    @Test(arguments: TestEngine.all)
    func aChangeRolledBackLeavesNothingInTheCache(engine: TestEngine) async throws {
        let (app, store) = try await demoApp(engine: engine)
        try await returnSentBack(app)
        struct Abandon: Error {}
        // A transaction grants finance the board role, reads finance with it, and rolls back.
        do {
            try await store.write { tx in
                try tx.addGrant(person: "cumbria.finance", role: .projectBoardMember, scope: "GA-CACHE")
                let held = try tx.person(named: "cumbria.finance")?.grants.contains { $0.role == .projectBoardMember }
                #expect(held == true)
                throw Abandon()
            }
            Issue.record("the transaction was not abandoned")
        } catch is Abandon {}
        let after = try await store.write { tx in try tx.person(named: "cumbria.finance") }
        #expect(after?.grants.contains { $0.role == .projectBoardMember } == false)
        // And the same in a savepoint rolled back alone inside a transaction that commits.
        try await store.write { tx in
            _ = try tx.person(named: "cumbria.finance")
            _ = try? tx.savepoint(
                {
                    try tx.addGrant(person: "cumbria.finance", role: .projectBoardMember, scope: "GA-CACHE")
                    _ = try tx.person(named: "cumbria.finance")
                }, keep: { _ in false })
        }
        let again = try await store.write { tx in try tx.person(named: "cumbria.finance") }
        #expect(again?.grants.contains { $0.role == .projectBoardMember } == false)
        await #expect(throws: ActRefused.self) {
            try await app.fire("submit", on: Self.returnID, by: "cumbria.finance", subject: Self.subject)
        }
    }

    @Test(arguments: TestEngine.all)
    func anOfficeProfileChangedByAnotherProcessIsReadByTheVeryNextAct(engine: TestEngine) async throws {
        let (first, second) = try await twoApplications(engine)
        try await returnSentBack(first)
        let hash = { (app: Commissioning) in
            try await app.store.write { tx in try tx.officeProfileSHA256(id: "cumbria") }
        }
        let before = try await hash(first)
        let url = repositoryRoot.appendingPathComponent("fixtures/offices/cumbria.yaml")
        let text = try String(contentsOf: url, encoding: .utf8).replacingOccurrences(
            of: "executiveSummaryWordLimit: 100", with: "executiveSummaryWordLimit: 130")
        try await second.registerOffice(
            LoadedProfile(profile: try OfficeProfile.parse(yaml: text, source: "test"), text: text, source: "test"))
        let after = try await hash(first)
        #expect(after != before)
        #expect(after == WorkflowDefinition.sha256Hex(of: text))
        try await resubmit(first)
    }
}
