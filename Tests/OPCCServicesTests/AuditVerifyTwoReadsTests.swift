import Foundation
import GRDB
import OPCCCore
@_spi(Bench) import OPCCServices
import OPCCStore
import OPCCTestSupport
import Testing

/// `audit verify` on two read transactions at once (the chains on one, the instances and records on the other)
/// finds exactly what one read finds, and only combines two reads that see the same log.
@Suite("Audit verify: two reads at once")
struct AuditVerifyTwoReadsTests {
    /// The demo on `engine`, SQLite on a file (so that its two reads run on two connections at once).
    private func demo(_ engine: TestEngine) async throws -> (Commissioning, TestStore) {
        let store: TestStore? = engine == .sqlite ? try await engine.makeStores(1)[0] : nil
        return try await demoApp(engine: engine, store: store, returns: true)
    }

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
                try PGConnection(url: url).executeScript(
                    "ALTER TABLE audit_event DISABLE TRIGGER USER;" + sql
                        + ";ALTER TABLE audit_event ENABLE TRIGGER USER;")
            }
        }
    }

    /// Verifies on two reads and on one, whole and for one office: the same counts and the same problems.
    private func bothWays(
        _ app: Commissioning, sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> [String] {
        for office in [nil, "cumbria"] as [String?] {
            let two = try await app.verifyAuditTablesOnTwoReads(head: nil, office: office, chunk: 3)
            let one = try await app.verifyAuditTablesOnTwoReads(head: nil, office: office, chunk: 3, twoReads: false)
            #expect(two.problems == one.problems, "\(office ?? "all")", sourceLocation: sourceLocation)
            #expect(two.eventsChecked == one.eventsChecked, sourceLocation: sourceLocation)
            #expect(two.instancesRebuilt == one.instancesRebuilt, sourceLocation: sourceLocation)
            #expect(two.recordsSealed == one.recordsSealed, sourceLocation: sourceLocation)
            #expect(two.head == one.head, sourceLocation: sourceLocation)
        }
        return try await app.verifyAuditTablesOnTwoReads(head: nil, office: nil, chunk: 1_000).problems
    }

    @Test(arguments: TestEngine.all) func twoReadsNameWhatOneReadNames(engine: TestEngine) async throws {
        let (app, store) = try await demo(engine)
        #expect(try await bothWays(app) == [])
        // A record edited and another deleted: each named.
        let request = try #require(
            try await app.store.read { try $0.recordSeals(office: nil) }.compactMap { seal -> String? in
                if case .carryForward(let id) = seal.record { return id }
                return nil
            }.first)
        try await tamper(
            store,
            "UPDATE grant_agreement SET amount_pence = amount_pence + 1 WHERE id = 'cumbria-GA-0002';"
                + "DELETE FROM carry_forward WHERE id = '\(request)'")
        let records = try await bothWays(app)
        #expect(records.count == 2, "\(records)")
        #expect(records.contains { $0.hasPrefix("agreement cumbria-GA-0002") && $0.contains("content differs") })
        #expect(records.contains { $0.contains("sealed by event #") && $0.contains("missing from the tables") })
        // An instance's state edited: the rebuild names it (and, as with one read, the seals are not named then).
        let instance = try #require(
            try await app.store.read { try $0.instances(office: "cumbria") }.first { $0.workflow == "grant-agreement" })
        try await tamper(store, "UPDATE workflow_instance SET state = 'no-such-state' WHERE id = '\(instance.id)'")
        let rebuilt = try await bothWays(app)
        #expect(rebuilt.count == 1 && rebuilt[0].hasPrefix("instance \(instance.id): "), "\(rebuilt)")
        // An event edited: the chain names it, and only it.
        let seq = try await app.store.read { try $0.auditHead(office: "cumbria")!.sequence }
        try await tamper(store, "UPDATE audit_event SET effective_day = '2016-03-08' WHERE seq = \(seq)")
        #expect(try await bothWays(app) == ["event \(seq): its contents do not match its hash (a field was edited)"])
    }

    @Test(arguments: TestEngine.all) func aWriteBetweenTheTwoReadsChangesTheirMark(engine: TestEngine) async throws {
        let (app, _) = try await demo(engine)
        let before = try await app.store.read { try $0.auditSnapshotMark() }
        #expect(before == (try await app.store.read { try $0.auditSnapshotMark() }))
        try await decisionReferred(app, title: "Written between the reads")
        let after = try await app.store.read { try $0.auditSnapshotMark() }
        #expect(before != after)
    }
}
