import Foundation
import GRDB
import OPCCCore
@_spi(Bench) import OPCCServices
import OPCCStore
import OPCCTestSupport
import Testing

/// `finance check` on two read transactions at once (the ledger's checks on one, the agreements' and allocations' on
/// the other) names exactly what one read names, in the same order, on both engines.
@Suite("Finance check: two reads at once")
struct FinanceCheckTwoReadsTests {
    /// Runs `sql` as an editor with raw access who turns the ledger's triggers off first.
    private func tamper(_ store: TestStore, _ sql: String) async throws {
        if let sqlite = store as? SQLiteStore {
            try await sqlite.writer.write { db in
                try db.execute(sql: "DROP TRIGGER IF EXISTS ledger_transfer_is_never_updated")
                try db.execute(sql: sql)
            }
        } else {
            let url = try #require(store as? PostgresStore).displayURL
            try await offThePool {
                try PGConnection(url: url).executeScript(
                    "ALTER TABLE ledger_transfer DISABLE TRIGGER USER;" + sql
                        + ";ALTER TABLE ledger_transfer ENABLE TRIGGER USER;")
            }
        }
    }

    /// The check on two reads and on one: the same problems in the same order.
    private func bothWays(
        _ app: Commissioning, sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> [String] {
        let two = try await app.financeCheck(twoReads: true)
        let one = try await app.financeCheck(twoReads: false)
        #expect(two == one, sourceLocation: sourceLocation)
        return two
    }

    @Test(arguments: TestEngine.all) func twoReadsNameWhatOneReadNames(engine: TestEngine) async throws {
        // SQLite on a file, so that the two reads run on two connections at once.
        let store: TestStore? = engine == .sqlite ? try await engine.makeStores(1)[0] : nil
        let (app, made) = try await demoApp(engine: engine, store: store)
        #expect(try await bothWays(app) == [])
        let account = "allocation/cumbria/2016-17/ASB/GB-LAE-BAR"
        let counter = "budget/cumbria/2016-17/ASB"
        try await tamper(
            made,
            """
            UPDATE account_balance SET pence = pence + 100 WHERE account = '\(account)' AND counter_account = '\(counter)';
            UPDATE agreement_commitment SET pence = pence + 100
                WHERE agreement_id = (SELECT min(agreement_id) FROM agreement_commitment);
            UPDATE ledger_transfer SET amount_pence = amount_pence + 7
                WHERE posting_seq = (SELECT max(posting_seq) FROM ledger_transfer)
            """)
        let problems = try await bothWays(app)
        #expect(problems.contains { $0.hasPrefix("account \(account), year 2016-17: cached balance") }, "\(problems)")
        #expect(problems.contains { $0.contains("cached commitment") }, "\(problems)")
        #expect(problems.contains { $0.contains("its transfers differ from those its audit event") }, "\(problems)")
    }
}
