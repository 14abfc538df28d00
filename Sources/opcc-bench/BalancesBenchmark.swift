import Foundation
import OPCCCore
@_spi(Bench) import OPCCServices
import OPCCStore

/// The balances cache on a national database made by an earlier run (`--balances --national-db FILE`): opening it
/// (which, for a database of a version before the cache, runs the migration that fills the cache from the postings),
/// the national reconciliation of one year from the cache against the same reconciliation summed from the postings
/// (as before the cache) in the same run, taken in turn, then `finance check` and `audit verify` once each, with the
/// process's peak resident memory during each.
func balancesBenchmark(
    _ options: Options, home: ProductHome
) async throws -> (
    section: String, summary: [String]
) {
    guard let path = options.nationalDatabase, FileManager.default.fileExists(atPath: path) else {
        throw BalancesBenchmarkError(
            description: "--balances needs --national-db FILE, a national database made before")
    }
    let counts = try nationalCounts(path: path)
    resetPeakMemory()
    var opened: Commissioning?
    let openSeconds = try await seconds { opened = try Commissioning.open(home: home, databasePath: path) }
    let app = opened!
    let openPeak = peakMemoryMiB()
    let year = FinancialYear(startYear: options.reconcileYear ?? 2016 + options.years / 2)
    // One untimed call each, then in turn.
    var cached = try await app.reconciliation(year: year)
    var perPair = try await app.reconciliation(year: year, from: .cachesPerPair)
    var posted = try await app.reconciliation(year: year, fromPostings: true)
    let encoder = JSONEncoder()
    encoder.outputFormatting = .sortedKeys
    // Compared row by row (reported, not a stop: the figures are measured either way).
    var differing: [String] = []
    for (name, rows) in [("the caches", cached), ("the caches per pair", perPair)] {
        if rows.count != posted.count {
            differing.append("\(rows.count) rows from \(name), \(posted.count) from the postings")
        }
        for (a, b) in zip(rows, posted) where try encoder.encode(a) != encoder.encode(b) {
            differing.append(
                String(decoding: try encoder.encode(a), as: UTF8.self) + " ≠ "
                    + String(decoding: try encoder.encode(b), as: UTF8.self))
        }
    }
    print("opcc-bench: rows differing between the caches (streamed, per pair) and the postings: \(differing.count)")
    for line in differing.prefix(5) { print("  \(line)") }
    var cachedTimes: [Double] = []
    var perPairTimes: [Double] = []
    var postedTimes: [Double] = []
    for _ in 0..<options.reconcileRuns {
        cachedTimes.append(try await seconds { cached = try await app.reconciliation(year: year) })
        perPairTimes.append(
            try await seconds { perPair = try await app.reconciliation(year: year, from: .cachesPerPair) })
        postedTimes.append(try await seconds { posted = try await app.reconciliation(year: year, fromPostings: true) })
    }
    let cachedMedian = median(cachedTimes)
    let perPairMedian = median(perPairTimes)
    let postedMedian = median(postedTimes)
    print(
        "opcc-bench: reconciliation of \(year), \(cached.count) rows, median of \(options.reconcileRuns) ms: "
            + "caches streamed \(format(cachedMedian * 1000, 2)), caches per pair (before) "
            + "\(format(perPairMedian * 1000, 2)), postings \(format(postedMedian * 1000, 2))")
    if options.reconcileOnly { exit(0) }
    resetPeakMemory()
    var problems: [String] = []
    let checkSeconds = try await seconds { problems = try await app.financeCheck() }
    let checkPeak = peakMemoryMiB()
    precondition(problems.isEmpty, "finance check found: \(problems.prefix(5))")
    resetPeakMemory()
    var verification: Commissioning.AuditVerification?
    let verifySeconds = try await seconds { verification = try await app.verifyAudit() }
    let verifyPeak = peakMemoryMiB()
    precondition(verification!.isIntact, "audit verify failed: \(verification!.problems.prefix(5))")
    let section = """

        ## The balances cache on the national data set (issue 27, item 3)

        Database: \(counts.offices) offices (\(counts.allocations) allocations, \(counts.agreements) agreements, \
        \(counts.postings) postings, \(verification!.eventsChecked) audit events, \(verification!.recordsSealed) \
        record seals), made by an earlier run and opened here (\(format(openSeconds, 1)) s, which includes the \
        migrations `2026-12-10-account-balances` and `2026-12-11-committed-cache` filling the caches when the \
        database predates them; peak resident memory \(openPeak) MiB). Reconciliation of \(year) for every office \
        (\(cached.count) rows) from the balances and committed caches and from the postings and the agreements' terms \
        (as before the caches), the median of \(options.reconcileRuns) each, taken in turn after one untimed call each; `finance check` and \
        `audit verify` once each, with the process's peak resident memory during each (Linux `VmHWM`, reset before \
        each). Rows differing from the postings' reconciliation (streamed and per pair): \(differing.count).

        | measure | seconds | peak MiB |
        |---|---:|---:|
        | `reconciliation(year:)` from the postings and the agreements' terms (before the caches), median | \(format(postedMedian, 4)) | |
        | `reconciliation(year:)` from the caches, sums per pair first (before `ReconciliationYear`), median | \(format(perPairMedian, 4)) | |
        | `reconciliation(year:)` from the caches, lines built as the rows stream (`ReconciliationYear`), median | \(format(cachedMedian, 4)) | |
        | `finance check` (nothing found) | \(format(checkSeconds, 2)) | \(checkPeak) |
        | `audit verify` (intact, seals included) | \(format(verifySeconds, 2)) | \(verifyPeak) |

        """
    _ = (posted, perPair)
    return (
        section,
        [
            "| national reconciliation, one year, from the caches, median ms | \(format(cachedMedian * 1000, 1)) "
                + "| \(format(postedMedian * 1000, 1)) (from the postings and terms) | \(format(cachedMedian / postedMedian, 3)) "
                + "| ≤ 50 ms | \(cachedMedian <= 0.05 ? "yes" : "no") |",
            "| `finance check`, national, s | \(format(checkSeconds, 2)) | | | ≤ 5 s | \(checkSeconds <= 5 ? "yes" : "no") |",
            "| `audit verify`, national, s | \(format(verifySeconds, 2)) | | | ≤ 5 s | \(verifySeconds <= 5 ? "yes" : "no") |",
        ]
    )
}

struct BalancesBenchmarkError: Error, CustomStringConvertible {
    let description: String
}

/// Resets the process's peak resident memory (Linux: `5` written to /proc/self/clear_refs).
func resetPeakMemory() {
    try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)
}

/// The process's peak resident memory since the last reset, in MiB (Linux `VmHWM`); 0 where it cannot be read.
func peakMemoryMiB() -> Int {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
        let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
        let kib = Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
    else { return 0 }
    return kib / 1024
}
