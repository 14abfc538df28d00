import Foundation
import GRDB
import Testing

@testable import OPCCStore

/// A page of the register reads only its rows: SQLite walks the index in the register's order
/// (`decision_record_register`) and stops after the page, sorting nothing, whatever the register's size. (The FROM
/// clause is `SQLTransaction.registerFrom` on SQLite; `registerFromIsTheOneChecked` holds the two together.)
@Suite("Register: a page is read from the index in order")
struct RegisterPlanTests {
    func plan(_ store: SQLiteStore, where condition: String, cursor: Bool) throws -> [String] {
        let keyset = cursor ? " AND (\(SQLTransaction.registerOrder)) > ('a', 'b', 'c', 'd')" : ""
        let from = "FROM decision_record r CROSS JOIN workflow_instance i ON i.id = r.instance_id"
        return try store.writer.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    EXPLAIN QUERY PLAN SELECT \(SQLTransaction.registerColumns) \(from)
                    WHERE \(condition)\(keyset) ORDER BY \(SQLTransaction.registerOrder) LIMIT 51 OFFSET 0
                    """
            ).map { $0["detail"] as String }
        }
    }

    @Test func registerFromIsTheOneChecked() throws {
        let store = try SQLiteStore()
        let from = try store.writer.read { db in
            SQLTransaction(sql: GRDBSession(db: db)).registerFrom
        }
        #expect(from == "FROM decision_record r CROSS JOIN workflow_instance i ON i.id = r.instance_id")
    }

    @Test(arguments: [
        "i.state = 'published'", "(i.state = 'published' OR r.office_id = 'cumbria')",
        "r.office_id = 'cumbria' AND (i.state = 'published' OR r.office_id = 'cumbria')",
    ])
    func theRegistersPageQueryWalksTheOrderIndexAndSortsNothing(condition: String) throws {
        let store = try SQLiteStore()
        for cursor in [false, true] {
            let steps = try plan(store, where: condition, cursor: cursor)
            #expect(steps.contains { $0.contains("decision_record_register") }, "\(condition): \(steps)")
            #expect(!steps.contains { $0.contains("TEMP B-TREE") }, "\(steps)")
        }
    }
}
