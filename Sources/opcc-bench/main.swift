// opcc-bench: measured speed of the workflow engine through the SQLite store.
//
// Build and run in release mode:  swift run -c release opcc-bench [--transitions N] [--out BENCHMARKS.md]
// Every figure is measured in the same run, on a fresh database file in a temporary folder.
import CSV
import Foundation
import GRDB
import OPCCCore
import OPCCServices
import OPCCStore

struct Options {
    var transitions = 2_000
    var batch = 1_000
    /// Rounds of the engine and of the raw SQLite loop, taken in turn so that drift on a shared machine hits both.
    var rounds = 3
    /// Durable mode: concurrent callers, and acts per caller (0 skips the durable comparison).
    var callers = 16
    var durable = 0
    var out: String?
    var home: String?
    /// A folder holding lsoa-police-force-2011.csv (and optionally lsoa-population-census-2011.csv): benchmark VLI
    /// scoring for every English LSOA.
    var vliData: String?
    /// The NumPy baseline for the VLI (run with `python`): bench/vli_numpy.py.
    var numpy: String?
    var python = "python3"
    /// National reconciliation: offices × years × allocations a year (0 offices skips it).
    var offices = 0
    var years = 10
    var allocations = 1_000
    /// The national database file: generated there when missing, reused (not generated again) when present.
    var nationalDatabase: String?
    /// The realistic national data set (issue 27): decisions a year per office taken through their workflow (0: the
    /// finance-only generator of before), and the growth measures at 1/16, 1/4 and the whole of it.
    var decisions = 150
    var growth = false
    /// Continue a national database whose generation stopped part way (the offices not yet in it are generated).
    var resume = false
    /// Cold start: launches of `opcc` (0 skips it), and its path (default: next to opcc-bench).
    var launches = 0
    var opcc: String?
    /// The command recorded in the report (bench/run passes its own).
    var command: String?
    /// A PostgreSQL server (a URL whose role may CREATE DATABASE): the durable and national measures run on it too,
    /// each on a database created for the run, against SQLite in the same run.
    var postgres: String?
    /// Leave the PostgreSQL databases made for the run in place (for EXPLAIN and pg_stat_statements afterwards).
    var keepPostgres = false
    /// Crash-safety writer: fire acts and postings on this database forever, printing each commit's audit head.
    var crashWriter: String?
    /// Mail delivery: messages sent to the loopback SMTP sink in one batch (0 skips it; needs aiosmtpd).
    var mail = 0
    /// Crash-safety deliverer: deliver this database's outbox to the SMTP server on loopback at `smtpPort`, to be
    /// killed with SIGKILL at random (`.ci/crash-test-mail`).
    var crashDeliverer: String?
    var smtpPort = 0
    var notifications = 1_000
    var deliverBatch = 1
    var ids: String?
    /// Notifications (issue 24): decision journeys per round for the outbox's cost per act, and the outbox delivered
    /// to the loopback SMTP sink in batches of 1,000 (0 skips it; needs aiosmtpd).
    var notify = 0
    /// The balances cache (issue 27, item 3) on the national database named by `--national-db`.
    var balances = false
    /// `--balances`: the reconciliation's timed runs of each way, its year (default: the middle of `--years`), and
    /// whether to stop after it (no `finance check`, no `audit verify`: for a profiler).
    var reconcileRuns = 5
    var reconcileYear: Int?
    var reconcileOnly = false

    static let usage = """
        usage: opcc-bench [--transitions N] [--batch N] [--rounds N] [--durable N-PER-CALLER] [--callers N]
                          [--vli DATA_DIR [--numpy bench/vli_numpy.py] [--python python3]]
                          [--national OFFICES [--years N] [--allocations N-A-YEAR] [--national-db FILE]
                           [--decisions N-A-YEAR] [--growth] [--resume]]
                          [--cold-start N [--opcc PATH]] [--postgres URL [--keep-postgres]]
                          [--mail N-MESSAGES] [--notify N-JOURNEYS] [--command TEXT] [--out FILE] [--home DIR]
                          [--balances --national-db FILE [--reconcile-runs N] [--reconcile-year YYYY]
                           [--reconcile-only]]
               opcc-bench --crash-deliverer DB --smtp-port PORT [--notifications N] [--deliver-batch N] [--ids FILE]
        example (the national data set, generated once into national.sqlite and reused, with its growth figures):
               opcc-bench --transitions 0 --national 43 --years 10 --decisions 150 --national-db national.sqlite --growth
        example (continue that generation after it was stopped, on a copy; offices already there are left as they are):
               opcc-bench --transitions 0 --national 43 --years 10 --decisions 150 --national-db national.sqlite --resume
        example (the national reconciliation of 2021/22 on it, 20 timed runs of each way, nothing else):
               opcc-bench --transitions 0 --balances --national-db national.sqlite --reconcile-year 2021 \\
                   --reconcile-runs 20 --reconcile-only
        """

    init(_ args: [String]) throws {
        var it = args.dropFirst().makeIterator()
        func int(_ fallback: Int) -> Int { Int(it.next() ?? "") ?? fallback }
        while let arg = it.next() {
            switch arg {
            case "--transitions": transitions = int(transitions)
            case "--batch": batch = int(batch)
            case "--rounds": rounds = max(1, int(rounds))
            case "--durable": durable = int(durable)
            case "--callers": callers = max(1, int(callers))
            case "--out": out = it.next()
            case "--home": home = it.next()
            case "--vli": vliData = it.next()
            case "--numpy": numpy = it.next()
            case "--python": python = it.next() ?? python
            case "--national": offices = int(offices)
            case "--years": years = int(years)
            case "--allocations": allocations = int(allocations)
            case "--national-db": nationalDatabase = it.next()
            case "--decisions": decisions = int(decisions)
            case "--growth": growth = true
            case "--resume": resume = true
            case "--cold-start": launches = int(launches)
            case "--opcc": opcc = it.next()
            case "--command": command = it.next()
            case "--crash-writer": crashWriter = it.next()
            case "--postgres": postgres = it.next()
            case "--keep-postgres": keepPostgres = true
            case "--mail": mail = int(mail)
            case "--crash-deliverer": crashDeliverer = it.next()
            case "--smtp-port": smtpPort = int(smtpPort)
            case "--notifications": notifications = max(1, int(notifications))
            case "--deliver-batch": deliverBatch = max(1, int(deliverBatch))
            case "--ids": ids = it.next()
            case "--notify": notify = int(notify)
            case "--balances": balances = true
            case "--reconcile-runs": reconcileRuns = max(1, int(reconcileRuns))
            case "--reconcile-year": reconcileYear = int(2021)
            case "--reconcile-only": reconcileOnly = true
            case "-h", "--help":
                print(Self.usage)
                exit(0)
            default:
                FileHandle.standardError.write(Data("opcc-bench: unknown argument \(arg)\n\(Self.usage)\n".utf8))
                exit(64)
            }
        }
    }
}

func seconds(_ body: () async throws -> Void) async rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try await body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

func machine() -> String {
    let cores = ProcessInfo.processInfo.activeProcessorCount
    let memory = ProcessInfo.processInfo.physicalMemory / (1 << 30)
    var model = "unknown CPU"
    if let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
        let line = info.split(separator: "\n").first(where: { $0.hasPrefix("model name") })
    {
        model = line.split(separator: ":", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespaces) } ?? model
    }
    return "\(model), \(cores) cores, \(memory) GiB"
}

var options = try Options(CommandLine.arguments)
// The PostgreSQL comparison copies the national database, and the growth measures generate its fractions beside it:
// they need its path (a new file when none is named).
if options.postgres != nil || options.growth, options.offices > 0, options.nationalDatabase == nil {
    options.nationalDatabase = try newNationalDatabasePath()
}
let server = options.postgres.map { PostgresServer(url: $0, keep: options.keepPostgres) }
let home = try ProductHome.locate(explicit: options.home)
if let path = options.crashWriter {
    try await crashWriter(path: path, home: home)
}
if let path = options.crashDeliverer {
    let job = CrashDelivery(
        database: path, port: options.smtpPort, count: options.notifications, batch: options.deliverBatch)
    try await crashDeliverer(job, ids: options.ids ?? path + ".ids", home: home)
}
let command =
    options.command
    ?? "swift run -c release opcc-bench " + CommandLine.arguments.dropFirst().joined(separator: " ")
var report = """
    # Benchmarks

    Command: `\(command)`
    Machine: \(machine()), \(osName())
    Run: \(SystemClock().timestamp()); load average at the start \(loadAverage()) (the machine is shared: every \
    baseline below was measured in the same run, in turn with the figure it is compared with, so that the ratios \
    hold where the absolute figures move).

    """
var summary: [String] = []
@MainActor func add(_ part: (section: String, summary: [String])) {
    report += part.section
    summary += part.summary
    print(part.section)
}
if options.transitions > 0 { add(try await transitionsBenchmark(options, home: home)) }
if options.durable > 0 { add(try await durableBenchmark(options, home: home)) }
if options.durable > 0, let server { add(try await durablePostgresBenchmark(options, home: home, server: server)) }
if let data = options.vliData {
    await add(try vliBenchmark(data: data, home: home, numpy: options.numpy, python: options.python))
}
// After the national data set's generation when both are asked for (`--balances` measures the database it made).
if options.balances, options.offices == 0 { add(try await balancesBenchmark(options, home: home)) }
if options.offices > 0 { add(try await nationalBenchmark(options, home: home)) }
if options.balances, options.offices > 0 { add(try await balancesBenchmark(options, home: home)) }
if options.offices > 0, let server, let path = options.nationalDatabase {
    add(try await nationalPostgresBenchmark(options, home: home, server: server, sqlitePath: path))
}
if options.offices > 0, options.growth, let path = options.nationalDatabase {
    add(try await nationalGrowthBenchmark(options, home: home, server: server, wholePath: path))
}
if options.launches > 0 { await add(try coldStartBenchmark(options, home: home)) }
if options.mail > 0 { add(try await mailBenchmark(options, home: home)) }
if options.notify > 0 { add(try await notificationBenchmark(options, home: home)) }
report += """

    ## Summary

    | measure | figure | baseline in the same run | ratio | target | met |
    |---|---:|---:|---:|---|---|
    \(summary.joined(separator: "\n"))

    Load average at the end: \(loadAverage()).

    """
print(report.suffix(from: report.range(of: "## Summary")!.lowerBound))
if let out = options.out {
    try report.write(toFile: out, atomically: true, encoding: .utf8)
    print("written to \(out)")
}

func format(_ value: Double, _ digits: Int = 3) -> String { String(format: "%.\(digits)f", value) }

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.count % 2 == 1
        ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}

/// The 1-, 5- and 15-minute load averages from /proc/loadavg.
func loadAverage() -> String {
    guard let text = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8) else { return "unknown" }
    return text.split(separator: " ").prefix(3).joined(separator: " ")
}

func osName() -> String {
    guard let text = try? String(contentsOfFile: "/etc/os-release", encoding: .utf8),
        let line = text.split(separator: "\n").first(where: { $0.hasPrefix("PRETTY_NAME=") })
    else { return ProcessInfo.processInfo.operatingSystemVersionString }
    return line.dropFirst("PRETTY_NAME=".count).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
}
