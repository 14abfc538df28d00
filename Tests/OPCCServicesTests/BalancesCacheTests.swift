import Foundation
import GRDB
import OPCCCore
import OPCCServices
import OPCCStore
import OPCCTestSupport
import Testing

/// The balances cache (`account_balance`, migration `2026-12-10-account-balances`): kept in the same transaction as
/// the postings, equal to what the postings give after every kind of posting, untouched by a refused write, filled
/// by the migration from the postings already there, and proved by `finance check`, which names any row altered
/// behind the product's back.
@Suite("Finance: the balances cache")
struct BalancesCacheTests {
    /// Runs `sql` on the store's database directly (GRDB's writer on SQLite, a connection of its own on PostgreSQL),
    /// as an editor with access to the file or the tables' owner could.
    private func raw(_ store: TestStore, _ sql: String) async throws {
        if let sqlite = store as? SQLiteStore {
            try await sqlite.writer.write { try $0.execute(sql: sql) }
        } else {
            let url = try #require(store as? PostgresStore).displayURL
            try await offThePool { try PGConnection(url: url).executeScript(sql) }
        }
    }

    /// The rows of `sql`, each as text, read directly.
    private func rows(_ store: TestStore, _ sql: String) async throws -> [String] {
        if let sqlite = store as? SQLiteStore {
            return try await sqlite.writer.read { db in
                try Row.fetchAll(db, sql: sql).map { row in
                    row.databaseValues.map { "\($0)" }.joined(separator: "|")
                }
            }
        }
        let url = try #require(store as? PostgresStore).displayURL
        return try await offThePool {
            try PGConnection(url: url).execute(sql).rows.map { $0.map { $0 ?? "NULL" }.joined(separator: "|") }
        }
    }

    private static let everyRow =
        "SELECT account, counter_account, office_id, pence FROM account_balance ORDER BY account, counter_account"

    /// The cache against the postings: no difference, the ledger summing to zero, and the reconciliation of every
    /// year of the demo the same from the cache as from the postings.
    private func expectCacheEqualsPostings(
        _ app: Commissioning, after what: String, sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let check = try await app.store.read { try $0.checkBalanceCache() }
        #expect(check.differences == [], "after \(what)", sourceLocation: sourceLocation)
        #expect(check.total == 0, "after \(what)", sourceLocation: sourceLocation)
        #expect(!check.years.isEmpty, "after \(what)", sourceLocation: sourceLocation)
        for year in ["2015/16", "2016/17", "2017/18"].map(fy) {
            let (cached, posted) = try await app.store.read { tx in
                (
                    Reconciliation.lines(fromSums: try tx.transferSums(touching: year, office: nil)),
                    Reconciliation.lines(fromSums: try tx.transferSumsFromPostings(touching: year, office: nil))
                )
            }
            let inYear = { (lines: [ReconciliationLine: ReconciliationFigures]) in lines.filter { $0.key.year == year }
            }
            #expect(inYear(cached) == inYear(posted), "\(year) after \(what)", sourceLocation: sourceLocation)
        }
        await #expect(try app.financeCheck() == [], "after \(what)", sourceLocation: sourceLocation)
    }

    @Test(arguments: TestEngine.all) func theCacheEqualsThePostingsAfterEveryKindOfPosting(
        engine: TestEngine
    ) async throws {
        // The demo posts budgets, allocations, agreements' payments and a carry-forward.
        let (app, _) = try await demoApp(engine: engine)
        try await expectCacheEqualsPostings(app, after: "the demo (budgets, allocations, payments, a carry-forward)")
        try await app.setBudget(
            office: "cumbria", year: fy("2016/17"), strand: "VICTIMS", name: "Victims", amount: money("£10,000"),
            by: "cumbria.finance", on: day("2016-05-01"))
        try await app.setBudget(
            office: "cumbria", year: fy("2016/17"), strand: "VICTIMS", name: "Victims", amount: money("£8,000"),
            by: "cumbria.finance", on: day("2016-05-01"))
        try await expectCacheEqualsPostings(app, after: "a budget set and lowered")
        try await app.vire(
            office: "cumbria", year: fy("2016/17"), from: "ASB", to: "VICTIMS", amount: money("£2,000"),
            reason: "victims' demand", by: "cumbria.finance", on: day("2016-05-02"))
        try await expectCacheEqualsPostings(app, after: "a virement")
        let decision = try await decisionReferred(app, title: "Small grant")
        try await app.decide(decision, approve: true, interests: "none", by: "cumbria.pcc", on: day("2016-03-09"))
        let made = try await app.allocate(
            [
                .init(
                    office: "cumbria", year: fy("2016/17"), strand: "VICTIMS", recipientOrgID: "GB-LAE-CAR",
                    recipientName: "Carlisle City Council", purpose: "small grant", decision: decision,
                    amount: money("£1,000"))
            ], by: "cumbria.finance", on: day("2016-05-03"))
        try await expectCacheEqualsPostings(app, after: "an allocation")
        let posting = try #require(
            try await app.store.read { try $0.allocations(office: "cumbria") }.first {
                $0.allocation.id == made[0].id
            }
        ).postingSequence
        try await app.reversePosting(posting, reason: "allocated twice", by: "cumbria.finance", on: day("2016-05-04"))
        try await expectCacheEqualsPostings(app, after: "a reversal")
        let request = try await app.requestCarryForward(
            office: "cumbria", from: fy("2016/17"), strand: "ASB", recipient: "GB-LAE-BAR", forecast: money("£5,000"),
            reason: "slippage", by: "cumbria.finance", on: day("2017-03-01"))
        try await app.decideCarryForward(
            request.id, approve: false, reason: "pilot ends", by: "cumbria.pcc", on: day("2017-03-02"))
        try await expectCacheEqualsPostings(app, after: "a refused carry-forward (clawback due)")
        try await app.writeOff(
            office: "cumbria", year: fy("2016/17"), strand: "ASB", recipient: "GB-LAE-BAR", amount: money("£1,000"),
            decision: decision, reason: "not worth recovering", by: "cumbria.finance", on: day("2017-03-03"))
        try await expectCacheEqualsPostings(app, after: "a write-off")
        try await app.confirmCarryForward(
            "west-midlands-CF-0001", actual: money("£30,000"), by: "wm.finance", on: day("2017-05-01"))
        try await expectCacheEqualsPostings(app, after: "a confirmed carry-forward below its forecast")
    }

    @Test(arguments: TestEngine.all) func aRefusedWriteChangesNothingInTheCache(engine: TestEngine) async throws {
        let (app, store) = try await demoApp(engine: engine)
        let before = try await rows(store, Self.everyRow)
        #expect(before.count > 10)
        let tooMuch = await #expect(throws: ServiceRefusal.self) {
            try await app.vire(
                office: "cumbria", year: fy("2016/17"), from: "ASB", to: "VICTIMS", amount: money("£150,000.01"),
                reason: "demand", by: "cumbria.finance", on: day("2016-05-02"))
        }
        #expect(tooMuch != nil)
        let belowAllocated = await #expect(throws: ServiceRefusal.self) {
            try await app.setBudget(
                office: "cumbria", year: fy("2016/17"), strand: "ASB", name: "ASB", amount: money("£99,999.99"),
                by: "cumbria.finance", on: day("2016-05-01"))
        }
        #expect(belowAllocated?.rule == "budget-covers-allocations")
        // Two requests in one transaction: the first would post, the second is refused, so neither does.
        let decision = try await approvedDecision(app, amount: "£1,000")
        func request(_ amount: String) -> Commissioning.AllocationRequest {
            .init(
                office: "cumbria", year: fy("2016/17"), strand: "ASB", recipientOrgID: "GB-LAE-CAR",
                recipientName: "Carlisle City Council", purpose: "grant", decision: decision, amount: money(amount))
        }
        let beyond = await #expect(throws: ServiceRefusal.self) {
            try await app.allocate([request("£600"), request("£600")], by: "cumbria.finance", on: day("2016-05-05"))
        }
        #expect(beyond?.rule == "allocation-within-decision")
        #expect(try await rows(store, Self.everyRow) == before)
        await #expect(try app.financeCheck() == [])
    }

    @Test(arguments: TestEngine.all) func theMigrationFillsTheCacheFromThePostingsAlreadyRecorded(
        engine: TestEngine
    ) async throws {
        // A database as the version before the cache left it: the demo's postings, no cache, the migration not
        // recorded. Opening it again runs the migration.
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("balances-\(UUID()).sqlite").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let (app, store) = try await demoApp(
            engine: engine, store: engine == .sqlite ? try SQLiteStore(path: path) : nil)
        let before = try await rows(store, Self.everyRow)
        #expect(before.count > 10)
        let ledger = engine == .sqlite ? "grdb_migrations" : "opcc_migration"
        try await raw(
            store,
            "DROP TABLE account_balance; DELETE FROM \(ledger) WHERE identifier = '2026-12-10-account-balances'")
        let reopened: TestStore
        if engine == .sqlite {
            reopened = try SQLiteStore(path: path)
        } else {
            let url = try #require(store as? PostgresStore).displayURL
            reopened = try await offThePool { try PostgresStore(url: url) }
        }
        #expect(try await rows(reopened, Self.everyRow) == before)
        let upgraded = try Commissioning(
            store: reopened, catalog: try shippedCatalog(), clock: FixedClock(day: day("2026-11-20")))
        try await expectCacheEqualsPostings(upgraded, after: "the migration")
        _ = app
    }

    @Test(arguments: TestEngine.all) func financeCheckNamesARowOfTheCacheAlteredBehindTheProductsBack(
        engine: TestEngine
    ) async throws {
        let (app, store) = try await demoApp(engine: engine)
        await #expect(try app.financeCheck() == [])
        let account = "allocation/cumbria/2016-17/ASB/GB-LAE-BAR"
        let counter = "budget/cumbria/2016-17/ASB"
        let kept = try #require(
            try await rows(
                store,
                "SELECT pence FROM account_balance WHERE account = '\(account)' AND counter_account = '\(counter)'"
            ).first.flatMap { Int64($0) })
        try await raw(
            store,
            """
            UPDATE account_balance SET pence = pence + 100 WHERE account = '\(account)' AND counter_account = '\(counter)';
            INSERT INTO account_balance (account, counter_account, office_id, pence)
                VALUES ('paid/cumbria/2016-17/ASB/GB-LAE-XYZ', '\(account)', 'cumbria', 500);
            """)
        let problems = try await app.financeCheck()
        #expect(
            problems.contains(
                "account \(account), year 2016-17: cached balance \(kept + 100) pence for the money moved with "
                    + "\(counter), recomputed from the postings \(kept) pence (the cache was altered behind the "
                    + "product's back: the postings are the books)"), "\(problems)")
        #expect(
            problems.contains {
                $0.hasPrefix("account paid/cumbria/2016-17/ASB/GB-LAE-XYZ, year 2016-17: cached balance 500 pence")
                    && $0.contains("recomputed from the postings none")
            }, "\(problems)")
        #expect(problems.count == 2, "\(problems)")
        // A row deleted is named too.
        try await raw(
            store, "DELETE FROM account_balance WHERE account = '\(counter)' AND counter_account = '\(account)'")
        #expect(
            try await app.financeCheck().contains {
                $0.hasPrefix(
                    "account \(counter), year 2016-17: cached balance none for the money moved with \(account)")
            })
    }
}
