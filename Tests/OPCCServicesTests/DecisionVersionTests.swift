import Foundation
import OPCCCore
import OPCCServices
import OPCCStore
import OPCCTestSupport
import Testing

/// Versions on every change: every act and every edit of a decision record bumps its version, and a change made
/// against an older version is refused with `current-version`, changing nothing.
@Suite("Decision records: versions on every change")
struct DecisionVersionTests {
    @Test(arguments: TestEngine.all) func aDraftEditBumpsTheVersion(engine: TestEngine) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let id = try await app.raiseDecision(office: "cumbria", draft: shortDraft(), by: "cumbria.officer").id
        let before = try await app.showDecision(id, by: "cumbria.officer").version
        var change = DecisionDraft()
        change.title = "VLI pilot, two wards"
        try await app.editDecision(id, draft: change, by: "cumbria.officer", expectedVersion: before)
        await #expect(try app.showDecision(id, by: "cumbria.officer").version == before + 1)
        try await app.editDecision(id, draft: change, by: "cumbria.officer")
        await #expect(
            try app.showDecision(id, by: "cumbria.officer").version == before + 2, "an edit without a version too")
    }

    @Test(arguments: TestEngine.all) func aCorrectionBumpsTheVersionAndAnswersTheNewOne(engine: TestEngine) async throws
    {
        let (app, _) = try await demoApp(engine: engine)
        let id = try await approvedDecision(app, amount: "£1,000")
        let before = try await app.showDecision(id, by: "cumbria.officer").version
        var fix = DecisionDraft()
        fix.title = "Big programme, corrected"
        let view = try await app.correctDecision(
            id, draft: fix, reason: "Typing error.", by: "cumbria.officer", expectedVersion: before)
        #expect(view.version == before + 1)
        await #expect(try app.showDecision(id, by: "cumbria.officer").version == before + 1)
    }

    @Test(arguments: TestEngine.all) func aStaleDraftEditIsRefusedAndChangesNothing(engine: TestEngine) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let id = try await app.raiseDecision(office: "cumbria", draft: shortDraft(), by: "cumbria.officer").id
        let opened = try await app.showDecision(id, by: "cumbria.officer").version
        var first = DecisionDraft()
        first.title = "First writer's title"
        try await app.editDecision(id, draft: first, by: "cumbria.officer", expectedVersion: opened)
        let head = try await app.auditHead()
        var second = DecisionDraft()
        second.title = "Second writer's title"
        let error = await #expect(throws: ServiceRefusal.self) {
            try await app.editDecision(id, draft: second, by: "cumbria.officer", expectedVersion: opened)
        }
        #expect(error?.rule == "current-version")
        #expect(error?.message.contains("it is now at version \(opened + 1)") == true)
        #expect(error?.message.contains("edit by cumbria.officer") == true, "it says which edit and who made it")
        await #expect(try app.showDecision(id, by: "cumbria.officer").record.title == "First writer's title")
        await #expect(try app.auditHead().sequence == head.sequence)
    }

    @Test(arguments: TestEngine.all) func aStaleActIsRefusedWithCurrentVersionAndChangesNothing(
        engine: TestEngine
    ) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let id = try await app.raiseDecision(office: "cumbria", draft: shortDraft(), by: "cumbria.officer").id
        let opened = try await app.showDecision(id, by: "cumbria.officer").version
        var change = DecisionDraft()
        change.title = "Edited meanwhile"
        try await app.editDecision(id, draft: change, by: "cumbria.officer")
        let head = try await app.auditHead()
        let error = await #expect(throws: ServiceRefusal.self) {
            try await app.submitDecision(id, by: "cumbria.officer", expectedVersion: opened)
        }
        #expect(error?.rule == "current-version")
        await #expect(try app.showDecision(id, by: "cumbria.officer").status == "draft")
        await #expect(try app.auditHead().sequence == head.sequence)
        let view = try await app.submitDecision(id, by: "cumbria.officer", expectedVersion: opened + 1)
        #expect(view.version == opened + 2)
    }

    /// The reproduction: ten corrections of one decision, all opened at the same version, race; exactly one wins.
    @Test(arguments: TestEngine.all) func tenRacingCorrectionsOfOneDecisionLeaveExactlyOneWinner(
        engine: TestEngine
    ) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let id = try await approvedDecision(app, amount: "£1,000")
        let opened = try await app.showDecision(id, by: "cumbria.officer").version
        let outcomes = await withTaskGroup(of: String.self) { group in
            for n in 0..<10 {
                group.addTask {
                    var fix = DecisionDraft()
                    fix.title = "Corrected by writer \(n)"
                    do {
                        _ = try await app.correctDecision(
                            id, draft: fix, reason: "Writer \(n).", by: "cumbria.officer", expectedVersion: opened)
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
        await #expect(try app.auditLog(instance: id, by: "cumbria.officer").filter { $0.event == "correct" }.count == 1)
        await #expect(try app.showDecision(id, by: "cumbria.officer").version == opened + 1)
    }
}
