import Foundation
import OPCCCore
import OPCCServices
import OPCCStore
import OPCCTestSupport
import Testing

/// Quarterly returns waiting in `scheduled`, on a database file (so that reads use their own connection and see
/// only what has been committed), with a board member allowed to start them.
private func scheduledReturns(_ engine: TestEngine, _ count: Int) async throws -> (Commissioning, [String]) {
    let (app, _) = try await demoApp(engine: engine, store: try engine.makeStores(1)[0])
    try await app.addPerson(
        name: "group.board", office: "cumbria", grants: [RoleGrant(role: .projectBoardMember, scope: ["GA-GROUP"])],
        by: "cumbria.chief-executive")
    let ids = (0..<count).map { "QR-GROUP-\($0)" }
    for id in ids {
        try await app.startInstance(
            id: id, office: "cumbria", workflow: "quarterly-return", recordRef: "GA-GROUP", by: "cumbria.finance",
            role: .finance)
    }
    return (app, ids)
}

/// Runs `body` in its own task; `wait()` returns once it has finished.
private struct Caller: Sendable {
    let task: Task<String, any Error>

    init(_ body: @escaping @Sendable () async throws -> String) {
        task = Task { try await body() }
    }

    func wait() async -> Result<String, any Error> {
        await task.result
    }
}

/// Waits for a semaphore off the cooperative pool (a test must not block one of its few threads).
private func waitOffThePool(_ semaphore: DispatchSemaphore) async {
    await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
        DispatchQueue.global().async {
            semaphore.wait()
            done.resume()
        }
    }
}

private struct Deliberate: Error {}

@Suite("Group commit: one shared transaction, a savepoint per request")
struct GroupCommitTests {
    @Test(arguments: TestEngine.all) func aRefusedRequestInABatchLeavesNoTraceWhileTheOthersInItCommit(
        engine: TestEngine
    ) async throws {
        let (app, ids) = try await scheduledReturns(engine, 3)
        let committer = GroupCommit(app: app)
        let entered = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        // The first caller's work holds the shared transaction open while the next three queue up; its caller then
        // takes them into the same transaction before the COMMIT.
        let first = Caller {
            try await committer.perform { _ in
                entered.signal()
                release.wait()
            }
            return "held"
        }
        await waitOffThePool(entered)
        let headBefore = try await app.auditHead()
        let refused = Caller {
            try await committer.fire(.init("accept", on: ids[1], by: "cumbria.finance"))
            return "accepted"
        }
        let accepted = Caller {
            let fired = try await committer.fire(.init("start", on: ids[0], by: "group.board"))
            // Told only after COMMIT: a reader on its own connection already sees the act.
            return try await app.instance(ids[0])!.state + " " + fired.instance.state
        }
        let throwing = Caller {
            try await committer.perform { tx in
                try tx.append(
                    AuditEventDraft(
                        office: "cumbria", instanceID: nil, workflow: nil, workflowVersion: nil,
                        event: "written-then-thrown", fromState: nil, toState: nil, actor: "cumbria.finance",
                        role: nil, effectiveDay: day("2026-11-20"), recordedAt: "2026-11-20T12:00:00.000Z",
                        payload: [:]))
                throw Deliberate()
            }
            return "kept"
        }
        while committer.pending < 3 { try await Task.sleep(for: .milliseconds(1)) }
        release.signal()
        #expect(try await first.wait().get() == "held")
        #expect(try await accepted.wait().get() == "draft draft")
        await #expect(throws: ActRefused.self) { try await refused.wait().get() }
        await #expect(throws: Deliberate.self) { try await throwing.wait().get() }
        #expect(committer.batches == 1)
        // The refused act and the work that threw left nothing: one event only, the accepted start, right after
        // the head as it was; the chain and every record's state still verify.
        let events = try await app.auditLog(instance: nil).filter { $0.sequence > headBefore.sequence }
        #expect(events.map(\.event) == ["start"])
        #expect(events.first?.sequence == headBefore.sequence + 1)
        await #expect(try app.instance(ids[1])?.state == "scheduled")
        await #expect(try app.instance(ids[1])?.version == 0)
        await #expect(try app.refusals(instance: ids[1]).count == 1)
        await #expect(try app.verifyAudit().isIntact)
    }

    @Test(arguments: TestEngine.all) func everyCallerReturnsOnlyAfterTheSharedCommitWithItsActVisible(
        engine: TestEngine
    ) async throws {
        let (app, ids) = try await scheduledReturns(engine, 8)
        let committer = GroupCommit(app: app)
        let callers = ids.map { id in
            Caller {
                _ = try await committer.fire(.init("start", on: id, by: "group.board"))
                _ = try await committer.fire(
                    .init("waive", on: id, by: "cumbria.finance", payload: ["reason": "no grant this quarter"]))
                // Read back on a reader connection, which sees only committed transactions.
                return try await app.instance(id)!.state
            }
        }
        for caller in callers { #expect(try await caller.wait().get() == "waived") }
        #expect(committer.batches <= 16)
        await #expect(try app.auditLog(instance: nil).filter { ["start", "waive"].contains($0.event) }.count == 16)
        await #expect(try app.verifyAudit().isIntact)
    }
}
