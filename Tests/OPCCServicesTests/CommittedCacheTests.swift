import Foundation
import GRDB
import OPCCCore
@_spi(Bench) import OPCCServices
import OPCCStore
import OPCCTestSupport
import Testing

/// The committed cache (`agreement_commitment`, migration `2026-12-11-committed-cache`): each allocation an agreement
/// in a committed state names, kept in the same transaction as the agreement's terms and state, read by the
/// reconciliation instead of every agreement's terms; the figures the same with and without it after every kind of
/// change, filled by the migration from the agreements already there, and proved by `finance check`, which names any
/// row altered behind the product's back.
@Suite("Finance: the committed cache")
struct CommittedCacheTests {
    /// Runs `sql` on the store's database directly (GRDB's writer on SQLite, a connection of its own on PostgreSQL).
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
                    row.databaseValues.map { value in
                        String.fromDatabaseValue(value) ?? Int64.fromDatabaseValue(value).map(String.init) ?? "NULL"
                    }.joined(separator: "|")
                }
            }
        }
        let url = try #require(store as? PostgresStore).displayURL
        return try await offThePool {
            try PGConnection(url: url).execute(sql).rows.map { $0.map { $0 ?? "NULL" }.joined(separator: "|") }
        }
    }

    private static let everyRow = """
        SELECT agreement_id, allocation_id, agreement_office_id, office_id, year_start, strand, recipient_org_id, pence
        FROM agreement_commitment ORDER BY agreement_id, allocation_id
        """

    /// The reconciliation of every year of the demo, of every office and of Cumbria (whole, one strand, one
    /// recipient), as text.
    private func figures(_ app: Commissioning, from source: Commissioning.ReconciliationSource) async throws -> [String]
    {
        var lines: [String] = []
        for year in ["2015/16", "2016/17", "2017/18"].map(fy) {
            for office in [nil, "cumbria"] {
                lines += try await app.reconciliation(year: year, office: office, from: source).map {
                    "\(office ?? "all") \($0)"
                }
            }
            lines += try await app.reconciliation(
                year: year, office: "cumbria", strand: "ASB", recipient: "GB-LAE-BAR", from: source
            ).map { "cumbria ASB GB-LAE-BAR \($0)" }
        }
        return lines
    }

    /// The cache against the agreements (read in chunks of two agreements, so that the chunks' edges are crossed),
    /// and the reconciliation with the caches the same as without them.
    private func expectCacheEqualsAgreements(
        _ app: Commissioning, after what: String, sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let differences = try await app.store.read { try $0.checkCommitmentCache(chunk: 2) }
        #expect(differences == [], "after \(what)", sourceLocation: sourceLocation)
        let cached = try await figures(app, from: .caches)
        let uncached = try await figures(app, from: .postings)
        #expect(cached == uncached, "after \(what)", sourceLocation: sourceLocation)
        // The lines built as the cache's rows stream are those built from its sums per pair (as before).
        #expect(
            cached == (try await figures(app, from: .cachesPerPair)), "after \(what)", sourceLocation: sourceLocation)
        #expect(
            cached.contains { !$0.contains("committedPence: 0,") }, "some money is committed",
            sourceLocation: sourceLocation)
        await #expect(try app.financeCheck() == [], "after \(what)", sourceLocation: sourceLocation)
    }

    /// Cumbria's committed figure for `recipient`'s line of the ASB strand in 2016/17.
    private func committed(_ app: Commissioning, _ recipient: String) async throws -> Int64 {
        try await app.reconciliation(year: fy("2016/17"), office: "cumbria", strand: "ASB", recipient: recipient)
            .first { $0.recipient == recipient }?.committedPence ?? 0
    }

    @Test(arguments: TestEngine.all) func theReconciliationIsTheSameWithAndWithoutTheCacheAfterEveryKindOfChange(
        engine: TestEngine
    ) async throws {
        let (app, _) = try await demoApp(engine: engine)
        try await expectCacheEqualsAgreements(app, after: "the demo (agreements active, closed and in draft)")
        let decision = try await approvedDecision(app, amount: "£1,000")
        let made = try await app.allocate(
            [
                .init(
                    office: "cumbria", year: fy("2016/17"), strand: "ASB", recipientOrgID: "GB-LAE-CAR",
                    recipientName: "Carlisle City Council", purpose: "grant", decision: decision,
                    amount: money("£1,000"))
            ], by: "cumbria.finance", on: day("2016-05-05"))
        let before = try await committed(app, "GB-LAE-CAR")
        let agreement = try await app.draftAgreement(
            LedgerRun.terms(over: made[0].id, decisionID: decision, recipient: "GB-LAE-CAR", pence: 100_000),
            by: "cumbria.finance", on: day("2016-05-05"))
        try await expectCacheEqualsAgreements(app, after: "an agreement drafted")
        #expect(try await committed(app, "GB-LAE-CAR") == before, "a draft commits nothing")
        for equality in [true, false] {
            try await app.recordAssessment(
                agreement.id, equality: equality, reference: "REF", by: "cumbria.finance", on: day("2016-05-05"))
        }
        try await app.confirmAgreementConditions(agreement.id, by: "cumbria.finance", on: day("2016-05-05"))
        for party in [GrantAgreement.Party.opcc, .recipient] {
            try await app.recordAgreementSignature(
                agreement.id, party: party, name: "Signatory", by: "cumbria.finance", on: day("2016-05-05"))
        }
        try await expectCacheEqualsAgreements(app, after: "conditions met and both signatures")
        try await app.signAgreement(agreement.id, by: "cumbria.finance", on: day("2016-05-06"))
        try await expectCacheEqualsAgreements(app, after: "the agreement signed")
        #expect(try await committed(app, "GB-LAE-CAR") == before + 100_000, "signed, it commits its allocation")
        try await app.activateAgreement(agreement.id, by: "cumbria.finance", on: day("2016-05-07"))
        try await expectCacheEqualsAgreements(app, after: "the agreement activated")
        try await app.terminateAgreement(
            "cumbria-GA-0002", reason: "The hub site was withdrawn", by: "cumbria.pcc", on: day("2016-09-01"))
        try await expectCacheEqualsAgreements(app, after: "an agreement terminated (its terms cut to what was paid)")
        try await app.releasePayment(agreement.id, instalment: "I1", by: "cumbria.finance", on: day("2016-05-08"))
        try await expectCacheEqualsAgreements(app, after: "an instalment paid")
        #expect(try await committed(app, "GB-LAE-CAR") == before + 100_000, "paying changes nothing committed")
        try await app.terminateAgreement(
            agreement.id, reason: "Not needed", by: "cumbria.pcc", on: day("2016-09-02"))
        try await expectCacheEqualsAgreements(app, after: "a half-paid agreement terminated")
        #expect(
            try await committed(app, "GB-LAE-CAR") == before,
            "terminated, it commits nothing: it is no longer signed, active or closed")
    }

    @Test(arguments: TestEngine.all) func aRefusedActChangesNothingInTheCache(engine: TestEngine) async throws {
        let (app, store) = try await demoApp(engine: engine)
        let before = try await rows(store, Self.everyRow)
        #expect(before.count >= 2)
        let refused = await #expect(throws: ActRefused.self) {
            try await app.terminateAgreement(
                "cumbria-GA-0002", reason: " ", by: "cumbria.finance", on: day("2016-09-01"))
        }
        #expect(refused?.rules == ["reason-given"])
        #expect(try await rows(store, Self.everyRow) == before)
    }

    @Test(arguments: TestEngine.all) func theMigrationFillsTheCacheFromTheAgreementsAlreadyRecorded(
        engine: TestEngine
    ) async throws {
        // A database as the version before the cache left it: the demo's agreements, no cache, the migration not
        // recorded. Opening it again runs the migration.
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("committed-\(UUID()).sqlite").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let (_, store) = try await demoApp(
            engine: engine, store: engine == .sqlite ? try SQLiteStore(path: path) : nil)
        let before = try await rows(store, Self.everyRow)
        #expect(before.count >= 2)
        let ledger = engine == .sqlite ? "grdb_migrations" : "opcc_migration"
        try await raw(
            store,
            "DROP TABLE agreement_commitment; DELETE FROM \(ledger) WHERE identifier = '2026-12-11-committed-cache'")
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
        try await expectCacheEqualsAgreements(upgraded, after: "the migration")
    }

    @Test(arguments: TestEngine.all) func financeCheckNamesARowOfTheCommittedCacheAlteredBehindTheProductsBack(
        engine: TestEngine
    ) async throws {
        let (app, store) = try await demoApp(engine: engine)
        await #expect(try app.financeCheck() == [])
        let kept = try await rows(
            store,
            """
            SELECT allocation_id, pence, office_id, year_start, strand, recipient_org_id FROM agreement_commitment
            WHERE agreement_id = 'cumbria-GA-0002' ORDER BY allocation_id
            """)
        let fields = try #require(kept.first).split(separator: "|").map(String.init)
        let (allocation, pence) = (fields[0], try #require(Int64(fields[1])))
        let where_ = "\(fields[2]) \(fields[3]) \(fields[4]) \(fields[5])"
        try await raw(
            store,
            """
            UPDATE agreement_commitment SET pence = pence + 100
                WHERE agreement_id = 'cumbria-GA-0002' AND allocation_id = '\(allocation)';
            INSERT INTO agreement_commitment (agreement_id, allocation_id, agreement_office_id, office_id, year_start,
                strand, recipient_org_id, pence)
                VALUES ('cumbria-GA-0999', 'cumbria-AL-0999', 'cumbria', 'cumbria', 2016, 'ASB', 'GB-LAE-XYZ', 500);
            """)
        let problems = try await app.financeCheck()
        #expect(
            problems.contains(
                "agreement cumbria-GA-0002, allocation \(allocation): cached commitment \(pence + 100) pence "
                    + "(\(where_)), recomputed from the agreement's terms and state \(pence) pence (\(where_)) (the "
                    + "cache was altered behind the product's back: the agreements are the books)"), "\(problems)")
        #expect(
            problems.contains(
                "agreement cumbria-GA-0999, allocation cumbria-AL-0999: cached commitment 500 pence (cumbria 2016 ASB "
                    + "GB-LAE-XYZ), recomputed from the agreement's terms and state none (the cache was altered "
                    + "behind the product's back: the agreements are the books)"), "\(problems)")
        #expect(problems.count == 2, "\(problems)")
        // A row deleted is named too.
        try await raw(
            store,
            "DELETE FROM agreement_commitment WHERE agreement_id = 'cumbria-GA-0002' AND allocation_id = '\(allocation)'"
        )
        #expect(
            try await app.financeCheck().contains {
                $0.hasPrefix("agreement cumbria-GA-0002, allocation \(allocation): cached commitment none, ")
                    && $0.contains("recomputed from the agreement's terms and state \(pence) pence")
            })
    }
}
