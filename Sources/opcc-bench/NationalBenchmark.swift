import Foundation
import GRDB
import OPCCCore
import OPCCServices
import OPCCStore

/// A full reconciliation for one year across a generated national database (offices × years × allocations, with
/// agreements and payments): generated, checked by `finance check` and `audit verify`, then timed (median of 7
/// after one untimed call). The figures are compared with the reconciliation computed the old way, from every
/// posting and every agreement's terms, which is timed once as the baseline.
func nationalBenchmark(_ options: Options, home: ProductHome) async throws -> (section: String, summary: [String]) {
    let path = try options.nationalDatabase ?? newNationalDatabasePath()
    let (reused, generation) = try await ensureNationalDatabase(
        options, offices: options.offices, path: path, home: home)
    let app = try Commissioning.open(home: home, databasePath: path)
    let generated = try nationalCounts(path: path)
    let counts = try nationalDataCounts(path: path)
    var problems: [String] = []
    let checkSeconds = try await seconds { problems = try await app.financeCheck() }
    precondition(problems.isEmpty, "finance check failed on the generated database: \(problems.prefix(5))")
    var verification: Commissioning.AuditVerification?
    let verifySeconds = try await seconds { verification = try await app.verifyAudit() }
    precondition(verification!.isIntact, "audit verify failed: \(verification!.problems)")
    let size = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
    let year = FinancialYear(startYear: 2016 + options.years / 2)
    var rows = try await app.reconciliation(year: year)
    var times: [Double] = []
    for _ in 0..<7 { times.append(try await seconds { rows = try await app.reconciliation(year: year) }) }
    let m = median(times)
    // The old way, as a baseline and a check.
    var oldLines: [ReconciliationLine: ReconciliationFigures] = [:]
    var oldCommitted: [ReconciliationLine: Int64] = [:]
    let oldSeconds = try await seconds {
        (oldLines, oldCommitted) = try await oldReconciliation(app)
    }
    let (expected, differing) = differingLines(rows, year: year, from: oldLines, committed: oldCommitted)
    precondition(differing == 0, "the reconciliation differs from the old computation on \(differing) lines")
    let section = """

        ## National reconciliation for one year

        Generated: \(generated.offices) offices × \(options.years) years × \(options.allocations) allocations a year \
        (\(generated.allocations) allocations, \(generated.agreements) grant agreements, \(generated.payments) \
        payments, \(generated.postings) postings, \(verification!.eventsChecked) audit events; \(size / (1 << 20)) MiB) \
        by \(options.decisions > 0 ? "`Commissioning.generateNationalData` (decisions, returns, people, VLI and sweeps through the services' public calls, one transaction per act; the finance year through the store's own calls, one transaction per office and year)" : "`Commissioning.generateNationalFinance` (through the store's own calls, one transaction per office and year)")\
        \(reused ? ", by an earlier run (`--national-db`)" : " in \(format(generation, 1)) s"). `finance check` finds nothing (\(format(checkSeconds, 1)) s) and \
        `audit verify` passes (\(format(verifySeconds, 1)) s). Timed: `Commissioning.reconciliation(year: \(year))` \
        for every office (\(rows.count) rows), the median of 7 after one untimed call. Baseline: the same figures \
        computed as the reconciliation did before, from every posting and every agreement's terms (one run); every \
        row agrees.

        | computation | rows | seconds | ratio |
        |---|---:|---:|---:|
        | every posting and agreement read and decoded (previous method) | \(expected) | \(format(oldSeconds)) | 1.00 |
        | `reconciliation(year:)`: the year's transfers summed in SQL through the account indexes | \(rows.count) | \(format(m, 4)) | \(format(m / oldSeconds, 3)) |
        \(nationalCountsTable(counts, generation: reused ? nil : generation))
        """
    return (
        section,
        [
            "| national reconciliation, one year, \(generated.offices) offices, median ms | \(format(m * 1000, 1)) | "
                + "\(format(oldSeconds * 1000, 0)) (every posting read) | \(format(m / oldSeconds, 3)) | ≤ 200 ms | "
                + "\(m <= 0.2 ? "yes" : "no") |"
        ]
    )
}

/// The reconciliation computed the old way, as a baseline and a check: every posting of every year and every
/// agreement's terms decoded (the agreements matched to allocations through a dictionary, not the old nested loop
/// over both).
func oldReconciliation(
    _ app: Commissioning
) async throws -> ([ReconciliationLine: ReconciliationFigures], [ReconciliationLine: Int64]) {
    try await app.store.read { tx in
        let oldLines = Reconciliation.compute(try tx.postings(office: nil).map(\.posting)).lines
        var oldCommitted: [ReconciliationLine: Int64] = [:]
        let allocations = Dictionary(
            uniqueKeysWithValues: try tx.allocations(office: nil).map { ($0.allocation.id, $0.allocation) })
        for agreement in try tx.agreements(office: nil)
        where ["signed", "active", "closed"].contains(try tx.instance(id: agreement.id)?.state ?? "") {
            for id in Set(agreement.allocationIDs) {
                guard let a = allocations[id] else { continue }
                for recipient in [a.recipientOrgID, nil] {
                    oldCommitted[
                        ReconciliationLine(office: a.office, year: a.year, strand: a.strand, recipient: recipient),
                        default: 0] += a.amount.pence
                }
            }
        }
        return (oldLines, oldCommitted)
    }
}

/// How many lines the old computation expects for the year, and how many of the reconciliation's rows differ from it.
func differingLines(
    _ rows: [Commissioning.ReconciliationRow], year: FinancialYear,
    from oldLines: [ReconciliationLine: ReconciliationFigures], committed oldCommitted: [ReconciliationLine: Int64]
) -> (expected: Int, differing: Int) {
    let expected = oldLines.keys.filter { $0.year == year && $0.strand != nil }
    var differing = expected.count == rows.count ? 0 : abs(expected.count - rows.count)
    for row in rows {
        let line = ReconciliationLine(office: row.office, year: year, strand: row.strand, recipient: row.recipient)
        let f = oldLines[line] ?? ReconciliationFigures()
        if row.allocatedPence != f.allocatedPence || row.paidPence != f.paidPence
            || row.availablePence != f.availablePence || row.returnedPence != f.returnedPence
            || row.committedPence != oldCommitted[line] ?? 0
            || (row.recipient == nil && row.budgetPence != f.budgetPence)
        {
            differing += 1
        }
    }
    return (expected.count, differing)
}

/// Generates the national database at `path` unless it is there (then it is reused: `--national-db`): the
/// realistic data set (`generateNationalData`) when `--decisions` is above 0, else the finance-only one of before.
/// Returns whether it was reused, and the seconds the generation took.
func ensureNationalDatabase(
    _ options: Options, offices: Int, path: String, home: ProductHome
) async throws -> (reused: Bool, seconds: Double) {
    let exists = FileManager.default.fileExists(atPath: path)
    if exists, !(options.resume && options.decisions > 0) {
        print("opcc-bench: reusing the national database \(path)")
        return (true, 0)
    }
    let app = try Commissioning.open(home: home, databasePath: path)
    print(
        "opcc-bench: \(exists ? "continuing (--resume)" : "generating") \(offices) offices × \(options.years) years × \(options.decisions) decisions and "
            + "\(options.allocations) allocations a year on \(path)")
    let generation = try await seconds {
        if options.decisions > 0 {
            var o = Commissioning.NationalDataOptions()
            (o.offices, o.years, o.decisionsPerYear, o.allocationsPerYear) =
                (offices, options.years, options.decisions, options.allocations)
            o.recipientsPerYear = max(1, min(60, options.allocations / 3))
            o.resume = exists
            let start = DispatchTime.now().uptimeNanoseconds
            _ = try await app.generateNationalData(from: home, o) { line in
                let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
                print("  [\(format(elapsed, 0)) s] \(line)")
            }
        } else {
            _ = try await app.generateNationalFinance(
                from: home, offices: offices, years: options.years, allocationsPerYear: options.allocations,
                progress: { print("  \($0)") })
        }
    }
    return (false, generation)
}

/// Everything a national database holds, counted by kind (and workflow records by state), for the report.
func nationalDataCounts(path: String) throws -> [(String, Int)] {
    let db = try DatabaseQueue(path: path)
    defer { try? db.close() }
    return try db.read { db in
        func count(_ sql: String) throws -> Int { try Int.fetchOne(db, sql: sql) ?? 0 }
        var rows: [(String, Int)] = [
            ("offices", try count("SELECT count(*) FROM office")),
            ("people", try count("SELECT count(*) FROM person")),
            ("role grants", try count("SELECT count(*) FROM role_grant")),
        ]
        for (workflow, label) in [
            ("decision-request", "decisions"), ("grant-agreement", "grant agreements"),
            ("quarterly-return", "quarterly returns"),
        ] {
            let states = try Row.fetchAll(
                db,
                sql:
                    "SELECT state, count(*) AS n FROM workflow_instance WHERE workflow = ? GROUP BY state ORDER BY state",
                arguments: [workflow])
            let total = states.reduce(0) { $0 + ($1["n"] as Int) }
            rows.append((label, total))
            for row in states { rows.append(("  \(label) \(row["state"] as String)", row["n"])) }
        }
        rows += [
            ("return versions", try count("SELECT count(*) FROM return_version")),
            ("allocations", try count("SELECT count(*) FROM allocation")),
            ("ledger postings", try count("SELECT count(*) FROM ledger_posting")),
            ("payments", try count("SELECT count(*) FROM ledger_posting WHERE cause_kind = 'payment'")),
            ("deadline notices (sweep)", try count("SELECT count(*) FROM deadline_notice")),
            ("VLI runs", try count("SELECT count(*) FROM vli_run")),
            ("notifications queued", try count("SELECT count(*) FROM notification")),
            ("audit events", try count("SELECT count(*) FROM audit_event")),
        ]
        return rows
    }
}

/// The counts as a markdown table.
func nationalCountsTable(_ counts: [(String, Int)], generation: Double?) -> String {
    var text = "\nWhat the national database holds"
    text += generation.map { " (generated in \(format($0, 1)) s, \(format($0 / 60, 1)) min)" } ?? " (reused)"
    text += ":\n\n| kind | count |\n|---|---:|\n"
    for (kind, n) in counts { text += "| \(kind.hasPrefix("  ") ? "… " + kind.dropFirst(2) : kind) | \(n) |\n" }
    return text
}

/// What a national database holds, counted (for a database generated by an earlier run).
func nationalCounts(path: String) throws -> Commissioning.NationalFinanceSummary {
    let db = try DatabaseQueue(path: path)
    defer { try? db.close() }
    return try db.read { db in
        var summary = Commissioning.NationalFinanceSummary()
        func count(_ sql: String) throws -> Int { try Int.fetchOne(db, sql: sql) ?? 0 }
        summary.offices = try count("SELECT count(*) FROM office")
        summary.allocations = try count("SELECT count(*) FROM allocation")
        summary.agreements = try count("SELECT count(*) FROM grant_agreement")
        summary.payments = try count("SELECT count(*) FROM ledger_posting WHERE cause_kind = 'payment'")
        summary.postings = try count("SELECT count(*) FROM ledger_posting")
        return summary
    }
}

/// A path for a new national database, in a new folder of the temporary folder.
func newNationalDatabasePath() throws -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("opcc-bench-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir.appendingPathComponent("national.sqlite").path
}
