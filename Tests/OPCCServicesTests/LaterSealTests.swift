import Foundation
import GRDB
import OPCCCore
import OPCCServices
import OPCCStore
import Testing

/// A record of a kind sealed after decisions, agreements, returns, carry-forwards, people and offices, edited with
/// raw SQL behind the product's back (triggers that refuse the edit are dropped first, as an attacker with the file
/// would).
enum LaterDirectEdit: String, CaseIterable, Sendable {
    case priorityHarmScore, priorityBoardReason, allocationAmount, strandName, vliRunResult, vliSelectionNotes
    case variationProposal, indicatorValue

    /// The edit, of the first row of its table (by key).
    var sql: String {
        switch self {
        case .priorityHarmScore:
            "DROP TRIGGER priority_harm_score_changed_only_while_scoring; "
                + "UPDATE priority_harm_score SET sum_score = 24 WHERE rowid = (SELECT min(rowid) FROM priority_harm_score)"
        case .priorityBoardReason:
            "DROP TRIGGER priority_board_record_is_never_changed; "
                + "UPDATE priority_board_record SET reason = 'Edited' WHERE rowid = "
                + "(SELECT min(rowid) FROM priority_board_record)"
        case .allocationAmount:
            "UPDATE allocation SET amount_pence = amount_pence + 100 WHERE id = (SELECT min(id) FROM allocation)"
        case .strandName:
            "UPDATE budget_strand SET name = 'Edited' WHERE rowid = (SELECT min(rowid) FROM budget_strand)"
        case .vliRunResult:
            "DROP TRIGGER vli_run_is_never_changed; "
                + "UPDATE vli_run SET run_by = 'someone.else' WHERE id = (SELECT min(id) FROM vli_run)"
        case .vliSelectionNotes:
            "UPDATE vli_selection SET ward_name = 'Edited' WHERE rowid = (SELECT min(rowid) FROM vli_selection)"
        case .variationProposal:
            "DROP TRIGGER decided_proposal_is_never_changed; "
                + "UPDATE variation_proposal SET proposal_json = json_set(proposal_json, '$.reason', 'Edited') "
                + "WHERE id = (SELECT min(id) FROM variation_proposal)"
        case .indicatorValue:
            "UPDATE indicator_value SET value = value + 1 WHERE rowid = (SELECT min(rowid) FROM indicator_value)"
        }
    }

    /// The key of the record the edit changes, as `audit verify` names it.
    var edited: String {
        switch self {
        case .priorityHarmScore:
            "SELECT 'priority-assessment ' || assessment_id FROM priority_harm_score "
                + "WHERE rowid = (SELECT min(rowid) FROM priority_harm_score)"
        case .priorityBoardReason:
            "SELECT 'priority-assessment ' || assessment_id FROM priority_board_record "
                + "WHERE rowid = (SELECT min(rowid) FROM priority_board_record)"
        case .allocationAmount: "SELECT 'allocation ' || min(id) FROM allocation"
        case .strandName:
            "SELECT 'strand ' || office_id || '/' || year_start || '/' || strand FROM budget_strand "
                + "WHERE rowid = (SELECT min(rowid) FROM budget_strand)"
        case .vliRunResult: "SELECT 'vli-run ' || min(id) FROM vli_run"
        case .vliSelectionNotes:
            "SELECT 'vli-run ' || run_id FROM vli_selection WHERE rowid = (SELECT min(rowid) FROM vli_selection)"
        case .variationProposal: "SELECT 'variation ' || min(id) FROM variation_proposal"
        case .indicatorValue:
            "SELECT 'indicators ' || agreement_id FROM indicator_value "
                + "WHERE rowid = (SELECT min(rowid) FROM indicator_value)"
        }
    }
}

@Suite("Seals on priority assessments, allocations, strands, VLI runs, variations and indicator values", .serialized)
struct LaterSealTests {
    /// The demo with its returns, and an indicator series imported for a grant (the demo imports none).
    func demoWithIndicators() async throws -> (Commissioning, SQLiteStore) {
        let (app, store) = try await demoApp(returns: true)
        let csv = try String(
            contentsOf: repositoryRoot.appendingPathComponent("fixtures/indicators/cumbria-recorded-crime-2017-18.csv"),
            encoding: .utf8)
        try await app.importIndicatorSeries(
            agreement: "cumbria-GA-0001", indicator: "Cumbria recorded crime", source: "slice.csv",
            values: try IndicatorCSV.parse(csv, source: "slice.csv", area: "Cumbria", mapping: .init()),
            by: "cumbria.barrow-board")
        return (app, store)
    }

    // SQLite only: it counts the rows of the SQLite tables through GRDB's writer.
    @Test func anUntouchedDemoSealsEveryRecordOfTheLaterKinds() async throws {
        let (app, store) = try await demoWithIndicators()
        let result = try await app.verifyAudit()
        #expect(result.isIntact, "\(result.problems)")
        let counts = try await store.writer.read { db in
            try [
                "priority_assessment", "allocation", "budget_strand", "vli_run", "variation_proposal",
            ].map { ($0, try Int.fetchOne(db, sql: "SELECT count(*) FROM \($0)") ?? 0) }
                + [
                    (
                        "indicators",
                        try Int.fetchOne(db, sql: "SELECT count(DISTINCT agreement_id) FROM indicator_value") ?? 0
                    )
                ]
        }
        // Every table has rows in the demo, so each edit below changes a real record.
        for (table, count) in counts { #expect(count > 0, "the demo has no \(table)") }
        let sealedKeys = Set(try await app.auditLog().compactMap(\.sealedRecord))
        for kind in ["priority-assessment", "allocation", "strand", "vli-run", "variation", "indicators"] {
            #expect(sealedKeys.contains { $0.hasPrefix(kind + ":") }, "no event seals a \(kind)")
        }
        await #expect(try app.financeCheck().isEmpty)
    }

    // SQLite only: it edits the SQLite tables through GRDB's writer.
    @Test(arguments: LaterDirectEdit.allCases)
    func eachDirectEditOfALaterKindIsNamedByAuditVerify(_ edit: LaterDirectEdit) async throws {
        let (app, store) = try await demoWithIndicators()
        await #expect(try app.verifyAudit().isIntact)
        let named = try await #require(try store.writer.read { try String.fetchOne($0, sql: edit.edited) })
        try await store.writer.write { try $0.execute(sql: edit.sql) }
        let result = try await app.verifyAudit()
        #expect(!result.isIntact)
        #expect(
            result.problems.contains { $0.hasPrefix("\(named): content differs from its last sealed event #") },
            "\(named): \(result.problems)")
    }

    // SQLite only: it builds a SQLite file as an older version wrote it.
    @Test func aDatabaseWrittenBeforeTheSealsGetsTheLaterKindsSealedByTheSecondMigrationAndVerifies() async throws {
        let (app, store) = try OfficeChainMigrationTests().migratedLegacyDatabase()
        let result = try await app.verifyAudit()
        #expect(result.isIntact, "\(result.problems)")
        let log = try await app.auditLog()
        let laterSeals = log.filter { event in
            event.event == "sealed"
                && ["priority-assessment:", "allocation:", "strand:"].contains {
                    event.sealedRecord?.hasPrefix($0) == true
                }
        }
        #expect(!laterSeals.isEmpty)
        // The second migration comes after the first: each office's later seals follow all of its first ones.
        let lastFirstKind = try #require(
            log.lastIndex {
                $0.sealedRecord?.hasPrefix("person:") == true || $0.sealedRecord?.hasPrefix("office:") == true
            })
        #expect(laterSeals.allSatisfy { $0.sequence > log[lastFirstKind].sequence })
        try await store.writer.write { try $0.execute(sql: LaterDirectEdit.allocationAmount.sql) }
        await #expect(try app.verifyAudit().problems.contains { $0.hasPrefix("allocation ") })
    }
}
