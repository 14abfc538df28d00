import Foundation
import GRDB
import OPCCCore
@_spi(Bench) import OPCCServices
import OPCCStore
import OPCCTestSupport
import Testing

/// `audit verify` in bounded memory: instances rebuilt and records' seals recomputed a chunk at a time. With chunks of
/// two (every kind's chunk edges crossed) it finds what it finds with the default chunks, in the same order: an edited
/// event, an edited record, a record deleted, an instance's state edited; on both engines.
@Suite("Audit verify: streamed in chunks")
struct AuditVerifyStreamingTests {
    /// Runs `sql` as an editor with raw access who turns the log's triggers off first.
    private func tamper(_ store: TestStore, _ sql: String) async throws {
        if let sqlite = store as? SQLiteStore {
            try await sqlite.writer.write { db in
                try db.execute(sql: "DROP TRIGGER IF EXISTS audit_event_is_never_updated")
                try db.execute(sql: "DROP TRIGGER IF EXISTS audit_event_is_never_deleted")
                try db.execute(sql: sql)
            }
        } else {
            let url = try #require(store as? PostgresStore).displayURL
            try await offThePool {
                let tables = ["audit_event"]
                try PGConnection(url: url).executeScript(
                    tables.map { "ALTER TABLE \($0) DISABLE TRIGGER USER;" }.joined() + sql + ";"
                        + tables.map { "ALTER TABLE \($0) ENABLE TRIGGER USER;" }.joined())
            }
        }
    }

    /// `audit verify` with chunks of two and with the default chunks: the same counts and the same problems.
    private func verifyBothWays(
        _ app: Commissioning, sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> Commissioning.AuditVerification {
        let small = try await app.verifyAudit(chunk: 2)
        let whole = try await app.verifyAudit()
        #expect(small.problems == whole.problems, sourceLocation: sourceLocation)
        #expect(small.eventsChecked == whole.eventsChecked, sourceLocation: sourceLocation)
        #expect(small.instancesRebuilt == whole.instancesRebuilt, sourceLocation: sourceLocation)
        #expect(small.recordsSealed == whole.recordsSealed, sourceLocation: sourceLocation)
        for office in ["cumbria", "west-midlands"] {
            let a = try await app.verifyAudit(office: office, chunk: 2)
            let b = try await app.verifyAudit(office: office)
            #expect(a.problems == b.problems, "\(office)", sourceLocation: sourceLocation)
            #expect(a.recordsSealed == b.recordsSealed, "\(office)", sourceLocation: sourceLocation)
            #expect(a.instancesRebuilt == b.instancesRebuilt, "\(office)", sourceLocation: sourceLocation)
        }
        return small
    }

    @Test(arguments: TestEngine.all) func anUntouchedDemoVerifiesInChunksAsWhole(engine: TestEngine) async throws {
        let (app, _) = try await demoApp(engine: engine, returns: true)
        let result = try await verifyBothWays(app)
        #expect(result.isIntact, "\(result.problems)")
        #expect(result.instancesRebuilt == (try await app.store.read { try $0.instances(office: nil) }.count))
        #expect(result.recordsSealed == (try await app.store.read { try $0.recordSeals(office: nil) }.count))
        #expect(result.recordsSealed > 20)
    }

    @Test(arguments: TestEngine.all) func aTamperedEventIsNamedInChunks(engine: TestEngine) async throws {
        let (app, store) = try await demoApp(engine: engine)
        let seq = try await app.store.read { tx in
            var last: Int64 = 0
            try tx.forEachAuditEvent(office: "cumbria") {
                last = $0.sequence; return true
            }
            return last
        }
        try await tamper(store, "UPDATE audit_event SET effective_day = '2016-03-08' WHERE seq = \(seq)")
        let result = try await verifyBothWays(app)
        #expect(result.problems == ["event \(seq): its contents do not match its hash (a field was edited)"])
    }

    @Test(arguments: TestEngine.all) func tamperedRecordSealsAreNamedInChunks(engine: TestEngine) async throws {
        let (app, store) = try await demoApp(engine: engine, returns: true)
        try await tamper(
            store,
            """
            UPDATE decision_record SET title = 'Edited behind its back' WHERE id = 'cumbria-DR-0001';
            UPDATE grant_agreement SET amount_pence = amount_pence + 1 WHERE id = 'cumbria-GA-0002';
            UPDATE allocation SET purpose = 'Edited' WHERE id = (SELECT max(id) FROM allocation);
            UPDATE quarterly_return SET due_on = '2030-01-01' WHERE id = (SELECT min(id) FROM quarterly_return)
            """)
        let result = try await verifyBothWays(app)
        let named = result.problems
        #expect(named.count == 4, "\(named)")
        #expect(
            named.first?.hasPrefix("decision cumbria-DR-0001 (014/2016): content differs from its last sealed event #")
                == true, "\(named)")
        #expect(
            named.contains { $0.hasPrefix("agreement cumbria-GA-0002") && $0.contains("content differs") },
            "\(named)")
    }

    @Test(arguments: TestEngine.all) func aDeletedRecordIsNamedInChunks(engine: TestEngine) async throws {
        let (app, store) = try await demoApp(engine: engine, returns: true)
        // A carry-forward request is a sealed record nothing else refers to.
        let sealed = try await app.store.read { try $0.recordSeals(office: nil) }.map(\.record)
        let request = try #require(
            sealed.compactMap { record -> String? in
                if case .carryForward(let id) = record { return id }
                return nil
            }.first)
        try await tamper(store, "DELETE FROM carry_forward WHERE id = '\(request)'")
        let result = try await verifyBothWays(app)
        #expect(result.problems.count == 1, "\(result.problems)")
        #expect(
            result.problems.first.map { $0.contains("sealed by event #") && $0.contains("missing from the tables") }
                == true, "\(result.problems)")
    }

    @Test(arguments: TestEngine.all) func anInstanceWhoseStateWasEditedIsNamedInChunks(engine: TestEngine) async throws
    {
        let (app, store) = try await demoApp(engine: engine)
        try await decisionReferred(app, title: "First")
        let id = try await decisionReferred(app, title: "Second")
        let instance = try #require(try await app.store.read { try $0.decisionInstanceID(recordID: id) })
        try await tamper(store, "UPDATE workflow_instance SET state = 'approved' WHERE id = '\(instance)'")
        let result = try await verifyBothWays(app)
        #expect(
            result.problems == [
                "instance \(instance): stored state is 'approved' but its events lead to 'with-decision-maker'"
            ])
    }
}
