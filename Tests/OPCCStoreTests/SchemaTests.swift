import Foundation
import GRDB
import OPCCCore
import OPCCTestSupport
import Testing

@testable import OPCCStore

/// The database is the last line of defence: each invariant the schema can hold is checked here against raw writes
/// that bypass the services.
@Suite("SQLite schema invariants")
struct SchemaTests {
    /// A SQLite store with an office, a person, a pinned definition and an instance, for the raw writes below.
    func store() async throws -> SQLiteStore {
        let store = try SQLiteStore()
        try await seed(store)
        return store
    }

    /// `store()` on `engine`.
    func store(_ engine: TestEngine) async throws -> TestStore {
        let store = try engine.makeStore()
        try await seed(store)
        return store
    }

    func seed(_ store: any CommissioningStore) async throws {
        try await store.write { tx in
            try tx.saveOffice(
                id: "cumbria", name: "Cumbria OPCC", orgID: nil, profileText: "id: cumbria", registeredAt: "t")
            try tx.addPerson(name: "officer", displayName: "Officer", office: "cumbria", addedAt: "t")
            try tx.pin(
                PinnedDefinition(
                    name: "w", version: 1, sha256: String(repeating: "a", count: 64), text: "name: w"), at: "t")
            try tx.insertInstance(
                WorkflowInstance(
                    id: "I-1", office: "cumbria", workflow: "w", workflowVersion: 1, state: "draft", version: 0,
                    recordRef: nil, lastEffectiveDay: nil), createdAt: "t")
        }
    }

    func rejects(_ store: SQLiteStore, _ sql: String) -> Bool {
        do {
            try store.writer.write { try $0.execute(sql: sql) }
            return false
        } catch { return true }
    }

    // SQLite only: it writes raw SQL through GRDB's writer.
    @Test func foreignKeysAreEnforced() async throws {
        let s = try await store()
        #expect(
            rejects(s, "INSERT INTO person (name, display_name, office_id, added_at) VALUES ('x', 'X', 'nowhere', 't')")
        )
        #expect(
            rejects(
                s,
                """
                INSERT INTO workflow_instance (id, office_id, workflow, workflow_version, state, version, created_at)
                VALUES ('I-2', 'cumbria', 'unpinned', 1, 'draft', 0, 't')
                """))
    }

    // SQLite only: it writes raw SQL through GRDB's writer.
    @Test func rolesAndDaysAreChecked() async throws {
        let s = try await store()
        #expect(rejects(s, "INSERT INTO role_grant (person_id, role) VALUES (1, 'superuser')"))
        #expect(!rejects(s, "INSERT INTO role_grant (person_id, role) VALUES (1, 'officer')"))
        #expect(rejects(s, "UPDATE workflow_instance SET last_effective_day = '7 March 2016' WHERE id = 'I-1'"))
        #expect(rejects(s, "UPDATE office SET id = 'Bad Id' WHERE id = 'cumbria'"))
    }

    @Test(arguments: TestEngine.all) func aPersonNameIsUnique(engine: TestEngine) async throws {
        let s = try await store(engine)
        let error = await #expect(throws: StoreError.self) {
            try await s.write {
                try $0.addPerson(name: "officer", displayName: "Again", office: "cumbria", addedAt: "t")
            }
        }
        #expect(error == .duplicate(what: "a person named 'officer'"))
    }

    @Test(arguments: TestEngine.all)
    func aConditionalUpdateAgainstAStaleVersionChangesNothing(engine: TestEngine) async throws {
        let s = try await store(engine)
        try await s.write {
            try $0.updateInstance(
                id: "I-1", state: "submitted", expectedVersion: 0, lastEffectiveDay: Day(year: 2016, month: 3, day: 7)!)
        }
        let error = await #expect(throws: StoreError.self) {
            try await s.write {
                try $0.updateInstance(
                    id: "I-1", state: "withdrawn", expectedVersion: 0,
                    lastEffectiveDay: Day(year: 2016, month: 3, day: 8)!)
            }
        }
        #expect(error == .staleVersion(instance: "I-1", expected: 0))
        let instance = try await s.read { try $0.instance(id: "I-1") }
        #expect(instance?.state == "submitted")
        #expect(instance?.version == 1)
    }

    @Test(arguments: TestEngine.all) func appendedEventsFormAChainFromTheGenesisHash(engine: TestEngine) async throws {
        let s = try await store(engine)
        let events = try await s.write { tx in
            try (1...3).map { i in
                try tx.append(
                    AuditEventDraft(
                        office: "cumbria", event: "note-\(i)", actor: "officer",
                        effectiveDay: Day(year: 2016, month: 3, day: i)!, recordedAt: "2016-03-0\(i)T12:00:00.000Z",
                        payload: ["n": "\(i)"]))
            }
        }
        #expect(events.map(\.sequence) == [1, 2, 3])
        #expect(events[0].previousHash == AuditEvent.genesisHash)
        #expect(events[1].previousHash == events[0].hash)
        #expect(events.allSatisfy { $0.hash == $0.computedHash })
        await #expect(try s.read { try $0.auditHead() } == AuditHead(sequence: 3, hash: events[2].hash))
        #expect(events[0].payload == #"{"n":"1"}"#)
    }

    // SQLite only: it writes raw SQL through GRDB's writer.
    @Test func theAuditLogRefusesUpdatesAndDeletes() async throws {
        let s = try await store()
        try await s.write {
            _ = try $0.append(
                AuditEventDraft(
                    office: "cumbria", event: "note", actor: "officer",
                    effectiveDay: Day(year: 2016, month: 3, day: 1)!,
                    recordedAt: "t"))
        }
        #expect(rejects(s, "UPDATE audit_event SET actor = 'someone else'"))
        #expect(rejects(s, "DELETE FROM audit_event"))
        await #expect(try s.read { try $0.auditEvents(instance: nil, office: nil) }.count == 1)
    }
}
