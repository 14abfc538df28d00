import Foundation
import OPCCCore
import OPCCServices
import OPCCStore

/// The cost of four national operations at 1/16, 1/4 and the whole of the national data set (issue 27, item 6):
/// the deadline sweep, the national reconciliation for one year, the staff register search and `audit verify`. The
/// fractions are data sets of the same shape with fewer offices (43 → 3, 11, 43), generated beside the whole one
/// (`FILE.1of16.sqlite`, `FILE.1of4.sqlite`) and reused like it. With `--postgres`, each is copied into a PostgreSQL
/// database made for the run and measured there too.
func nationalGrowthBenchmark(
    _ options: Options, home: ProductHome, server: PostgresServer?, wholePath: String
) async throws -> (section: String, summary: [String]) {
    let fractions: [(label: String, offices: Int, path: String)] = [
        ("1/16", max(1, Int((Double(options.offices) / 16).rounded())), wholePath + ".1of16.sqlite"),
        ("1/4", max(1, Int((Double(options.offices) / 4).rounded())), wholePath + ".1of4.sqlite"),
        ("whole", options.offices, wholePath),
    ]
    var measured: [GrowthFigures] = []
    for fraction in fractions {
        let (reused, generation) = try await ensureNationalDatabase(
            options, offices: fraction.offices, path: fraction.path, home: home)
        let app = try Commissioning.open(home: home, databasePath: fraction.path)
        var f = try await measureGrowth(app, options: options, engine: "SQLite")
        (f.label, f.offices, f.generation) = (fraction.label, fraction.offices, reused ? nil : generation)
        measured.append(f)
        print("  growth \(fraction.label) SQLite: \(f)")
        if let server {
            let url = try server.freshDatabase("growth")
            defer { server.drop(url) }
            let target = try PostgresStore(url: url)
            _ = try await target.copy(fromSQLite: try SQLiteStore(path: fraction.path))
            target.close()
            try PGConnection(url: url).execute("ANALYZE")
            let postgres = try Commissioning.open(home: home, databasePath: url)
            var p = try await measureGrowth(postgres, options: options, engine: "PostgreSQL")
            (p.label, p.offices) = (fraction.label, fraction.offices)
            measured.append(p)
            print("  growth \(fraction.label) PostgreSQL: \(p)")
        }
    }
    return growthReport(measured, options: options)
}

struct GrowthFigures: CustomStringConvertible {
    var engine = ""
    var label = ""
    var offices = 0
    var generation: Double?
    var events = 0
    var decisions = 0
    var sweep = 0.0
    var reconciliation = 0.0
    var search = 0.0
    var searchRows = 0
    var verify = 0.0

    var description: String {
        "\(events) events, sweep \(format(sweep * 1000, 1)) ms, reconciliation \(format(reconciliation * 1000, 1)) ms, "
            + "search \(format(search * 1000, 1)) ms (\(searchRows) rows), verify \(format(verify, 2)) s"
    }
}

/// The four operations on one data set: each the median of 5 after one untimed call, `audit verify` once.
func measureGrowth(_ app: Commissioning, options: Options, engine: String) async throws -> GrowthFigures {
    var f = GrowthFigures(engine: engine)
    let year = FinancialYear(startYear: 2016 + options.years / 2)
    // The sweep for a day after everything generated: the first call records what is overdue (untimed), the timed
    // ones find it recorded and write nothing, as a sweep run every few minutes does.
    let sweepDay = Day(year: 2016 + options.years, month: 6, day: 1)!
    let staff = "\(Commissioning.nationalOfficeID(0).id).officer-1"
    var filter = DecisionFilter()
    filter.text = "domestic abuse"
    // At least 5 calls and half a second of them (up to 31), so that a call of a millisecond is not one sample of
    // the shared machine's noise.
    func median5(_ body: () async throws -> Void) async throws -> Double {
        try await body()
        var times: [Double] = []
        while times.count < 5 || (times.reduce(0, +) < 0.5 && times.count < 31) {
            times.append(try await seconds(body))
        }
        return median(times)
    }
    f.sweep = try await median5 { _ = try await app.sweepDeadlines(on: sweepDay) }
    f.reconciliation = try await median5 { _ = try await app.reconciliation(year: year) }
    f.search = try await median5 { f.searchRows = try await app.decisionRegister(filter, by: staff).count }
    var verification: Commissioning.AuditVerification?
    f.verify = try await seconds { verification = try await app.verifyAudit() }
    precondition(verification!.isIntact, "audit verify failed: \(verification!.problems)")
    f.events = verification!.eventsChecked
    return f
}

private func growthReport(
    _ measured: [GrowthFigures], options: Options
) -> (section: String, summary: [String]) {
    var table = """
        | engine | data set | offices | audit events | sweep ms | reconciliation ms | register search ms (rows) | \
        audit verify s |
        |---|---|---:|---:|---:|---:|---:|---:|

        """
    for f in measured {
        table += """
            | \(f.engine) | \(f.label) | \(f.offices) | \(f.events) | \(format(f.sweep * 1000, 1)) | \
            \(format(f.reconciliation * 1000, 1)) | \(format(f.search * 1000, 1)) (\(f.searchRows)) | \
            \(format(f.verify, 2)) |

            """
    }
    var ratios = """
        | engine | step | data × | sweep × | reconciliation × | register search × | audit verify × |
        |---|---|---:|---:|---:|---:|---:|

        """
    var summary: [String] = []
    for engine in ["SQLite", "PostgreSQL"] {
        let rows = measured.filter { $0.engine == engine }
        guard rows.count == 3 else { continue }
        for (a, b) in [(rows[0], rows[1]), (rows[1], rows[2])] {
            let data = Double(b.events) / Double(max(a.events, 1))
            ratios += """
                | \(engine) | \(a.label) → \(b.label) | \(format(data, 2)) | \(format(b.sweep / a.sweep, 2)) | \
                \(format(b.reconciliation / a.reconciliation, 2)) | \(format(b.search / a.search, 2)) | \
                \(format(b.verify / a.verify, 2)) |

                """
        }
        // Per ×4 of data: the whole against 1/16 (×16 of offices), as the square root, so that one figure says
        // how each grows; linear is 4, better than linear is below.
        let (small, whole) = (rows[0], rows[2])
        let data = Double(whole.events) / Double(max(small.events, 1))
        // Below ×4 of data between the smallest and the whole, the noise of a shared machine says more than the
        // exponent: no summary line.
        guard data >= 4 else { continue }
        for (name, a, b) in [
            ("deadline sweep", small.sweep, whole.sweep),
            (
                "reconciliation, one year", small.reconciliation,
                whole.reconciliation
            ), ("register search", small.search, whole.search),
            ("audit verify", small.verify, whole.verify),
        ] {
            // The cost's growth per ×4 of data, from 1/16 to the whole: (b/a)^(log 4 / log data).
            let perFour = pow(b / a, log(4) / log(max(data, 1.0001)))
            summary.append(
                "| growth of \(name) per ×4 of data (\(engine), 1/16 → whole, \(small.events) → \(whole.events) "
                    + "events) | × \(format(perFour, 2)) | × 4 (linear) | \(format(perFour / 4, 2)) | ≤ × 4 (linear "
                    + "or better) | \(perFour <= 4.4 ? "yes" : "no") |")
        }
    }
    let generated = measured.compactMap { f in f.generation.map { "\(f.label) in \(format($0, 0)) s" } }
    let section = """

        ## Growth at national scale: 1/16, 1/4 and the whole national data set

        The national data set (\(options.offices) offices × \(options.years) years, \(options.decisions) decisions and \
        \(options.allocations) allocations a year per office) and two of the same shape with fewer offices, \
        generated by `Commissioning.generateNationalData`\(generated.isEmpty ? " in earlier runs (reused)" : " (" + generated.joined(separator: ", ") + ")"). \
        On each: the deadline sweep of every office for a day after the data (`sweepDeadlines(on:)`, after one \
        untimed call that records what is overdue), `reconciliation(year:)` for every office, the staff register \
        search `decisionRegister(text: "domestic abuse", by: an officer)` (what `/decisions?q=` runs), each the \
        median of at least 5 calls and half a second of them (up to 31) after one untimed call, and `audit verify` \
        once. PostgreSQL rows: the same SQLite file copied \
        into a database made for the run (`PostgresStore.copy(fromSQLite:)`, then `ANALYZE`).

        \(table)
        How each cost grows from one data set to the next (× of the audit events, × of each time; linear growth \
        is a time × equal to the data ×):

        \(ratios)
        """
    return (section, summary)
}
