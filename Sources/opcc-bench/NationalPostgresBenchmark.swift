import Foundation
import OPCCCore
import OPCCServices
import OPCCStore

/// What the national comparison measured on PostgreSQL, and the SQLite figures it is set against.
struct NationalPostgresFigures {
    var rowsCopied = 0
    var tablesCopied = 0
    var copySeconds = 0.0
    var megabytes = 0
    /// The first reconciliation after the copy, and whether autovacuum had analysed the ledger by then.
    var firstSeconds = 0.0
    var analysedBeforeFirst = false
    var checkSeconds = 0.0
    var verifySeconds = 0.0
    var analyzeSeconds = 0.0
    var events = 0
    var head = ""
    var rows = 0
    var sqliteTimes: [Double] = []
    var postgresTimes: [Double] = []
}

/// The national reconciliation on PostgreSQL against SQLite, on the same data: the SQLite database the national
/// benchmark generated (or reused) is copied into a new PostgreSQL database by `PostgresStore.copy(fromSQLite:)`
/// (what `opcc migrate` runs), both are checked, and the same `reconciliation(year:)` is timed on each in turn.
func nationalPostgresBenchmark(
    _ options: Options, home: ProductHome, server: PostgresServer, sqlitePath: String
) async throws -> (section: String, summary: [String]) {
    var f = NationalPostgresFigures()
    let url = try server.freshDatabase("national")
    defer { server.drop(url) }
    print("opcc-bench: copying \(sqlitePath) into \(PostgresStore.withoutPassword(url))")
    let target = try PostgresStore(url: url)
    let source = try SQLiteStore(path: sqlitePath)
    f.copySeconds = try await seconds {
        let counts = try await target.copy(fromSQLite: source)
        (f.tablesCopied, f.rowsCopied) = (counts.count, counts.map(\.rows).reduce(0, +))
    }
    target.close()
    let admin = try PGConnection(url: url)
    let year = FinancialYear(startYear: 2016 + options.years / 2)
    let sqlite = try Commissioning.open(home: home, databasePath: sqlitePath)
    let postgres = try Commissioning.open(home: home, databasePath: url)
    // The first call, as a user right after `opcc migrate` would make it: with whatever statistics autovacuum has
    // gathered by then (the copy itself runs no ANALYZE).
    f.analysedBeforeFirst = try analysed(admin)
    f.firstSeconds = try await seconds { _ = try await postgres.reconciliation(year: year) }
    var problems: [String] = []
    f.checkSeconds = try await seconds { problems = try await postgres.financeCheck() }
    precondition(problems.isEmpty, "finance check failed on PostgreSQL: \(problems.prefix(5))")
    var verified: Commissioning.AuditVerification?
    f.verifySeconds = try await seconds { verified = try await postgres.verifyAudit() }
    let sqliteVerified = try await sqlite.verifyAudit()
    precondition(verified!.isIntact, "audit verify failed on PostgreSQL: \(verified!.problems)")
    precondition(
        verified!.head == sqliteVerified.head && verified!.eventsChecked == sqliteVerified.eventsChecked,
        "PostgreSQL's audit head \(verified!.head) is not SQLite's \(sqliteVerified.head)")
    (f.events, f.head) = (verified!.eventsChecked, verified!.head.description)
    f.analyzeSeconds = try await seconds { try admin.execute("ANALYZE") }
    f.megabytes =
        Int(try admin.execute("SELECT pg_database_size(current_database())").rows[0][0] ?? "0")! / (1 << 20)
    // One untimed call each, then 7 of each in turn.
    var sqliteRows = try await sqlite.reconciliation(year: year)
    var postgresRows = try await postgres.reconciliation(year: year)
    for _ in 0..<7 {
        f.sqliteTimes.append(try await seconds { sqliteRows = try await sqlite.reconciliation(year: year) })
        f.postgresTimes.append(try await seconds { postgresRows = try await postgres.reconciliation(year: year) })
    }
    let encoder = JSONEncoder()
    encoder.outputFormatting = .sortedKeys
    let same = try encoder.encode(sqliteRows) == encoder.encode(postgresRows)
    precondition(same, "the reconciliation on PostgreSQL differs from SQLite's")
    f.rows = postgresRows.count
    return nationalPostgresReport(f, year: year, settings: (try? server.settings(of: url)) ?? "unknown")
}

/// Whether autovacuum (or anyone) has analysed the ledger's transfers since the copy.
private func analysed(_ admin: PGConnection) throws -> Bool {
    let result = try admin.execute(
        """
        SELECT coalesce(last_analyze, last_autoanalyze) IS NOT NULL FROM pg_stat_user_tables
        WHERE relname = 'ledger_transfer'
        """)
    return result.rows.first?.first == "t"
}

private func nationalPostgresReport(
    _ f: NationalPostgresFigures, year: FinancialYear, settings: String
) -> (section: String, summary: [String]) {
    let (sqliteMedian, postgresMedian) = (median(f.sqliteTimes), median(f.postgresTimes))
    let ms = { (times: [Double]) in times.map { format($0 * 1000, 1) }.joined(separator: ", ") }
    let section = """

        ## National reconciliation: PostgreSQL against SQLite, on the same data

        The national database above, copied into a PostgreSQL database created for the run by \
        `PostgresStore.copy(fromSQLite:)` (what `opcc migrate` runs: \(f.tablesCopied) tables, \(f.rowsCopied) rows \
        in one transaction, \(format(f.copySeconds, 1)) s; \(f.megabytes) MiB on the server). On PostgreSQL \
        `finance check` finds nothing (\(format(f.checkSeconds, 1)) s) and `audit verify` passes \
        (\(format(f.verifySeconds, 1)) s, \(f.events) events), ending at the same audit head as SQLite (\(f.head)). \
        The first reconciliation after the copy took \(format(f.firstSeconds, 3)) s, with the ledger \
        \(f.analysedBeforeFirst ? "already analysed by autovacuum" : "not yet analysed (no statistics)"); then \
        `ANALYZE` (\(format(f.analyzeSeconds, 1)) s). Timed: `Commissioning.reconciliation(year: \(year))` for every \
        office (\(f.rows) rows) on each engine, one untimed call each, then 7 calls each in turn (SQLite, \
        PostgreSQL); the medians are compared. Both give the same rows, figure for figure. PostgreSQL over TCP on \
        loopback; the server's settings \(settings) (the store's sessions set jit off).

        | engine | rows | median seconds | each call (ms) | ratio |
        |---|---:|---:|---|---:|
        | SQLite | \(f.rows) | \(format(sqliteMedian, 4)) | \(ms(f.sqliteTimes)) | 1.00 |
        | PostgreSQL | \(f.rows) | \(format(postgresMedian, 4)) | \(ms(f.postgresTimes)) | \(format(postgresMedian / sqliteMedian, 2)) |

        """
    return (
        section,
        [
            "| national reconciliation on PostgreSQL, one year, median ms | \(format(postgresMedian * 1000, 1)) | "
                + "\(format(sqliteMedian * 1000, 1)) (SQLite, same data) | \(format(postgresMedian / sqliteMedian, 2)) "
                + "| ≤ 200 ms | \(postgresMedian <= 0.2 ? "yes" : "no") |"
        ]
    )
}
