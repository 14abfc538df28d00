import Foundation
import GRDB
import OPCCCore
import OPCCTestSupport
import Testing

@testable import OPCCStore

/// A statement SQLite fails for a reason that is not the caller's leaves the store as `StoreError.failed`: a plain
/// sentence with SQLite's result code, never GRDB's text, which quotes the statement (and SQLite's, the data).
@Suite("Store failures: a plain sentence, never SQL")
struct StoreFailureTests {
    @Test(arguments: [
        (Int32(1), "the database could not answer (SQLite result code 1), so nothing was changed"),
        (8, "the database file cannot be written (SQLite result code 8), so nothing was changed"),
        (10, "the disk could not be read or written (SQLite result code 10), so nothing was changed"),
        (11, "the database file is damaged (SQLite result code 11), so nothing was changed"),
        (13, "the disk is full (SQLite result code 13), so nothing was changed"),
        (19, "the database refused a change its rules forbid (SQLite result code 19), so nothing was changed"),
        (26, "the database file is damaged (SQLite result code 26), so nothing was changed"),
    ])
    func eachFailureSaysWhatHappenedAndThatNothingChanged(code: Int32, sentence: String) {
        #expect(StoreError.failed(resultCode: code).description == sentence)
    }

    // SQLite only: it drops SQLite's search table through GRDB's writer, and the failure carries SQLite's result code.
    @Test func aFailedStatementInATransactionIsAStoreFailureWithoutTheStatement() async throws {
        let store = try SQLiteStore()
        try await store.writer.write { try $0.execute(sql: "DROP TABLE decision_fts") }
        var filter = DecisionFilter()
        filter.text = "Mirehouse"
        let error = await #expect(throws: StoreError.self) {
            try await store.read { [filter] in try $0.decisionRegister(filter) }
        }
        #expect(error == .failed(resultCode: 1))
        let written = await #expect(throws: StoreError.self) {
            try await store.write { tx in
                try tx.saveOffice(id: "cumbria", name: "Cumbria", orgID: nil, profileText: "", registeredAt: "t")
                try tx.saveOffice(id: "", name: "No id", orgID: nil, profileText: "", registeredAt: "t")
            }
        }
        #expect(written == .failed(resultCode: 19), "a CHECK constraint refused the empty id")
        await #expect(try store.read { try $0.offices() }.isEmpty, "the failed transaction left nothing behind")
    }
}
