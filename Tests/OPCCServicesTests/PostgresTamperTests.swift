import Foundation
import OPCCCore
import OPCCServices
import OPCCStore
import OPCCTestSupport
import Testing

/// The PostgreSQL twins of the SQLite tamper tests (AuditTamperTests, RecordSealTests), which edit the file through
/// GRDB: here the editor is the tables' owner with raw SQL, who turns the triggers off first. `audit verify` must name
/// what was done on this engine too.
@Suite("Audit and seals on PostgreSQL: edits behind the product's back", .enabled(if: OutsideTool.postgres.runs))
struct PostgresTamperTests {
    /// The demo with two more referred decisions, and its database's URL (the tests' server URLs hold no password).
    private func populated() async throws -> (Commissioning, String) {
        let (app, store) = try await demoApp(engine: .postgres)
        try await decisionReferred(app, title: "First")
        try await decisionReferred(app, title: "Second")
        let url = try #require(store as? PostgresStore).displayURL
        return (app, url)
    }

    /// Runs `sql` as the owner with every table's triggers off (as an editor with the owner's password could).
    private func tamper(_ url: String, _ sql: String) async throws {
        try await offThePool {
            let connection = try PGConnection(url: url)
            let tables = ["audit_event", "decision_record", "decision_part2", "person", "role_grant"]
            try connection.executeScript(
                tables.map { "ALTER TABLE \($0) DISABLE TRIGGER USER;" }.joined() + sql + ";"
                    + tables.map { "ALTER TABLE \($0) ENABLE TRIGGER USER;" }.joined())
        }
    }

    private func value(_ url: String, _ sql: String) async throws -> Int64 {
        try await offThePool {
            let row = try PGConnection(url: url).execute(sql).rows.first?.first ?? nil
            return Int64(row ?? "") ?? 0
        }
    }

    @Test func theTriggersRefuseAnEditWhileTheyAreOn() async throws {
        let (_, url) = try await populated()
        let connection = try PGConnection(url: url)
        let refused = #expect(throws: PGError.self) {
            try connection.execute(
                "UPDATE audit_event SET actor = 'Mallory' WHERE seq = (SELECT max(seq) FROM audit_event)")
        }
        #expect(refused?.sqlState == "23000")
    }

    @Test func anEditedEventIsNamed() async throws {
        let (app, url) = try await populated()
        let seq = try await value(url, "SELECT max(seq) FROM audit_event WHERE office_id = 'cumbria'")
        try await tamper(url, "UPDATE audit_event SET effective_day = '2016-03-08' WHERE seq = \(seq)")
        let result = try await app.verifyAudit()
        #expect(result.problems == ["event \(seq): its contents do not match its hash (a field was edited)"])
    }

    @Test func aDeletedEventBreaksItsOfficesChainAtTheNextEvent() async throws {
        let (app, url) = try await populated()
        let deleted = try await value(url, "SELECT seq FROM audit_event WHERE office_id = 'cumbria' AND office_seq = 3")
        let next = try await value(url, "SELECT seq FROM audit_event WHERE office_id = 'cumbria' AND office_seq = 4")
        try await tamper(url, "DELETE FROM audit_event WHERE seq = \(deleted)")
        let result = try await app.verifyAudit()
        #expect(result.problems.first?.hasPrefix("event \(next): it links to") == true, "\(result.problems)")
    }

    /// Each of the SQLite test's direct edits, in PostgreSQL's SQL.
    static let edits: [(sql: String, named: String)] = [
        (
            "UPDATE decision_record SET title = 'Edited behind its back' WHERE id = 'cumbria-DR-0001'",
            "decision cumbria-DR-0001 (014/2016): content differs from its last sealed event #"
        ),
        (
            "UPDATE decision_record SET amount_pence = 99999999 WHERE id = 'cumbria-DR-0001'",
            "decision cumbria-DR-0001 (014/2016): content differs from its last sealed event #"
        ),
        (
            """
            UPDATE decision_record SET part1_json = jsonb_set(part1_json::jsonb, '{executiveSummary}', '"Edited."')::json
            WHERE id = 'cumbria-DR-0001'
            """,
            "decision cumbria-DR-0001 (014/2016): content differs from its last sealed event #"
        ),
        (
            "UPDATE decision_part2 SET content = 'Edited Part 2' WHERE record_id = 'lincolnshire-DR-0001'",
            "decision lincolnshire-DR-0001 (007/2020): content differs from its last sealed event #"
        ),
        (
            "INSERT INTO role_grant (person_id, role, scope) SELECT id, 'officer', '' FROM person "
                + "WHERE name = 'cumbria.barrow-board'",
            "person cumbria.barrow-board: content differs from its last sealed event #"
        ),
        (
            "UPDATE person SET office_id = 'west-midlands' WHERE name = 'cumbria.officer'",
            "person cumbria.officer: content differs from its last sealed event #"
        ),
    ]

    @Test(arguments: 0..<6) func eachDirectEditIsNamedByAuditVerify(_ index: Int) async throws {
        let edit = Self.edits[index]
        let (app, store) = try await demoApp(engine: .postgres)
        let url = try #require(store as? PostgresStore).displayURL
        await #expect(try app.verifyAudit().isIntact)
        try await tamper(url, edit.sql)
        let result = try await app.verifyAudit()
        #expect(!result.isIntact)
        #expect(result.problems.contains { $0.hasPrefix(edit.named) }, "\(result.problems)")
    }
}
