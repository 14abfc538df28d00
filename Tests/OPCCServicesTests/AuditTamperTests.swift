import Foundation
import GRDB
import OPCCCore
import OPCCServices
import OPCCStore
import OPCCTestSupport
import Testing

/// Someone with raw SQL access edits the log. The triggers stop casual edits; a determined editor drops them first,
/// and `verifyAudit` must still name what was done.
@Suite("Audit log: tamper evidence")
struct AuditTamperTests {
    /// An application with a few records and acts, and direct SQL access to its database.
    func populated() async throws -> (Commissioning, SQLiteStore) {
        let (app, store) = try await demoApp()
        try await decisionReferred(app, title: "First")
        try await decisionReferred(app, title: "Second")
        return (app, store)
    }

    func tamper(_ store: SQLiteStore, _ sql: String) throws {
        try store.writer.write { db in
            try db.execute(sql: "DROP TRIGGER IF EXISTS audit_event_is_never_updated")
            try db.execute(sql: "DROP TRIGGER IF EXISTS audit_event_is_never_deleted")
            try db.execute(sql: sql)
        }
    }

    @Test(arguments: TestEngine.all) func anUntouchedLogVerifies(engine: TestEngine) async throws {
        let (app, _) = try await demoApp(engine: engine)
        try await decisionReferred(app, title: "First")
        try await decisionReferred(app, title: "Second")
        let result = try await app.verifyAudit(head: try app.auditHead())
        #expect(result.isIntact, "\(result.problems)")
        await #expect(result.instancesRebuilt == (try app.store.read { try $0.instances(office: nil) }.count))
        #expect(result.instancesRebuilt >= 2)
    }

    // SQLite only: it drops the triggers and edits the log through GRDB's writer.
    @Test func theTriggersRefuseToUpdateOrDeleteAnEvent() async throws {
        let (_, store) = try await populated()
        #expect(throws: DatabaseError.self) {
            try store.writer.write { try $0.execute(sql: "UPDATE audit_event SET actor = 'x' WHERE seq = 3") }
        }
        #expect(throws: DatabaseError.self) {
            try store.writer.write { try $0.execute(sql: "DELETE FROM audit_event WHERE seq = 3") }
        }
    }

    // SQLite only: it drops the triggers and edits the log through GRDB's writer.
    @Test func anEditedFieldIsNamed() async throws {
        let (app, store) = try await populated()
        try tamper(store, "UPDATE audit_event SET effective_day = '2016-03-08' WHERE seq = 25")
        let result = try await app.verifyAudit()
        #expect(result.problems == ["event 25: its contents do not match its hash (a field was edited)"])
    }

    // SQLite only: it drops the triggers and edits the log through GRDB's writer.
    @Test func aDeletedMiddleEventIsNamed() async throws {
        let (app, store) = try await populated()
        try tamper(store, "DELETE FROM audit_event WHERE seq = 25")
        let result = try await app.verifyAudit()
        // The office's chain breaks at the next event of that office (the log's own numbers may skip between
        // office-chain events: PostgreSQL draws them from a shared sequence).
        #expect(result.problems.first?.hasPrefix("event 26: it links to") == true, "\(result.problems)")
        #expect(result.problems.first?.hasSuffix("(an event was deleted, inserted or moved)") == true)
    }

    // SQLite only: it drops the triggers and edits the log through GRDB's writer.
    @Test func twoSwappedEventsAreNamed() async throws {
        let (app, store) = try await populated()
        // Swap the contents of events 25 and 26, keeping their sequence numbers.
        try tamper(
            store,
            """
            UPDATE audit_event SET seq = 1000000 WHERE seq = 25;
            UPDATE audit_event SET seq = 25 WHERE seq = 26;
            UPDATE audit_event SET seq = 26 WHERE seq = 1000000;
            """)
        let result = try await app.verifyAudit()
        #expect(result.problems.first?.hasPrefix("event 25: it links to") == true, "\(result.problems)")
    }

    // SQLite only: it drops the triggers and edits the log through GRDB's writer.
    @Test func aDeletedNewestEventIsCaughtOnlyWithTheMinutedHead() async throws {
        let (app, store) = try await populated()
        let minuted = try await app.auditHead()
        try tamper(store, "DELETE FROM audit_event WHERE seq = \(minuted.sequence)")
        // Without the head the chain itself looks whole; only the rebuild notices the record it moved.
        await #expect(
            try app.verifyAudit().problems == [
                "instance cumbria-DR-0003: stored state is 'with-decision-maker' but its events lead to 'awaiting-sign-offs'"
            ])
        let result = try await app.verifyAudit(head: minuted)
        #expect(
            result.problems.first
                == "the chain ends before the minuted head \(minuted) (newest events were deleted)")
    }

    /// Before seals, only the minuted head caught this: now the person the event added is no longer sealed.
    // SQLite only: it drops the triggers and edits the log through GRDB's writer.
    @Test func aDeletedNewestAdministrativeEventLeavesItsPersonUnsealed() async throws {
        let (app, store) = try await populated()
        try await app.addPerson(
            name: "extra.officer", office: "cumbria", grants: [RoleGrant(role: .officer)], by: "cumbria.chief-executive"
        )
        let minuted = try await app.auditHead()
        try tamper(store, "DELETE FROM audit_event WHERE seq = \(minuted.sequence)")
        await #expect(
            try app.verifyAudit().problems == [
                "person extra.officer: no audit event seals it (it was written behind the product's back)"
            ])
        await #expect(try app.verifyAudit(head: minuted).problems.first?.contains("chain ends before") == true)
    }

    // SQLite only: it drops the triggers and edits the log through GRDB's writer.
    @Test func anInstanceWhoseStateWasEditedIsCaughtByTheRebuild() async throws {
        let (app, store) = try await populated()
        try await store.writer.write { db in
            try db.execute(sql: "UPDATE workflow_instance SET state = 'approved' WHERE id = 'cumbria-DR-0002'")
        }
        let result = try await app.verifyAudit()
        #expect(
            result.problems == [
                "instance cumbria-DR-0002: stored state is 'approved' but its events lead to 'with-decision-maker'"
            ])
    }
}
