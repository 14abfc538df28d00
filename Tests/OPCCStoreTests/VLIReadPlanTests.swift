import Foundation
import GRDB
import Testing

@testable import OPCCStore

/// A ward's page reads its office's latest run and its ward's areas by seeking an index
/// (`2026-12-15-vli-reads`), never by walking every run of the nation or the office's whole ward lookup.
@Suite("VLI: a ward's page seeks its rows through the indexes")
struct VLIReadPlanTests {
    func plan(_ sql: String, _ arguments: StatementArguments) throws -> [String] {
        let store = try SQLiteStore()
        return try store.writer.read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: arguments).map { $0["detail"] as String }
        }
    }

    @Test func anOfficesLatestRunIsOneSeekOfItsOfficeIndex() throws {
        let steps = try plan(SQLTransaction.latestVLIRunSQL, ["cumbria"])
        #expect(steps.count == 1 && steps[0].hasPrefix("SEARCH vli_run USING INDEX vli_run_office"), "\(steps)")
        #expect(!steps.contains { $0.contains("TEMP B-TREE") }, "\(steps)")
    }

    @Test func aWardsAreasAreReadThroughTheirCode() throws {
        let steps = try plan(SQLTransaction.vliGroupMembersSQL, ["cumbria", "ward", "E05000001"])
        #expect(steps.count == 1 && steps[0].contains("vli_group_code"), "\(steps)")
        #expect(steps[0].contains("code=?"), "\(steps)")
    }
}
