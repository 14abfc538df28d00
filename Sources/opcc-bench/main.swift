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
    /// Cold start: launches of `opcc` (0 skips it), and its path (default: next to opcc-bench).
    var launches = 0
    var opcc: String?
    /// The command recorded in the report (bench/run passes its own).
    var command: String?
    /// Crash-safety writer: fire acts and postings on this database forever, printing each commit's audit head.
    var crashWriter: String?

    static let usage = """
        usage: opcc-bench [--transitions N] [--batch N] [--rounds N] [--durable N-PER-CALLER] [--callers N]
                          [--vli DATA_DIR [--numpy bench/vli_numpy.py] [--python python3]]
                          [--national OFFICES [--years N] [--allocations N-A-YEAR] [--national-db FILE]]
                          [--cold-start N [--opcc PATH]]
                          [--command TEXT] [--out FILE] [--home DIR]
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
            case "--cold-start": launches = int(launches)
            case "--opcc": opcc = it.next()
            case "--command": command = it.next()
            case "--crash-writer": crashWriter = it.next()
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

/// A fresh database with the demo offices, a project board member and `count` returns waiting in `submitted`.
func prepare(
    home: ProductHome, returns count: Int, durable: Bool = false
) async throws -> (Commissioning, [String], String) {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("opcc-bench-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let path = dir.appendingPathComponent("bench.sqlite").path
    let app = try Commissioning.open(home: home, databasePath: path, durable: durable)
    _ = try await app.loadDemo(from: home)
    try await app.addPerson(
        name: "bench.board", office: "cumbria", grants: [RoleGrant(role: .projectBoardMember, scope: ["GA-BENCH"])],
        by: "cumbria.chief-executive")
    var ids: [String] = []
    for i in 0..<count {
        let id = "QR-BENCH-\(i)"
        try await app.startInstance(
            id: id, office: "cumbria", workflow: "quarterly-return", recordRef: "GA-BENCH", by: "cumbria.finance",
            role: .finance)
        ids.append(id)
    }
    _ = try await app.fireAll(ids.map { .init("start", on: $0, by: "bench.board") })
    _ = try await app.fireAll(ids.map { .init("submit", on: $0, by: "bench.board", subject: benchReturn) })
    return (app, ids, path)
}

/// What the return guards see in the loop: a complete return submitted by the board (the services attach this
/// from the stored return; the benchmark attaches it directly so each act costs what the engine and store cost).
let benchReturn = WorkflowSubject.quarterlyReturn(
    ReturnSubject(
        dueDay: try! Day(iso: "2016-07-21"), quarter: Quarter(year: FinancialYear(startYear: 2016), number: 1)!,
        agreement: GrantAgreement(
            id: "GA-BENCH", office: "cumbria", decisionID: "bench",
            recipient: .init(orgID: "GB-LAE-BEN", name: "Bench"),
            purpose: "benchmark", period: .init(start: try! Day(iso: "2016-04-01"), end: try! Day(iso: "2017-03-31")),
            amount: .zero),
        content: ReturnContent(spendInQuarter: .zero, spendToDate: .zero, narrative: "On track."),
        previousSpendToDate: .zero, submittedBy: "bench.board"))

/// The n-th act of the review loop: send back (finance, with a reason), then resubmit (the board).
func loopAct(_ n: Int, ids: [String]) -> Commissioning.ActRequest {
    let id = ids[n % ids.count]
    let round = n / ids.count
    return round % 2 == 0
        ? .init(
            "return-for-revision", on: id, by: "cumbria.finance", payload: ["reason": "figures missing"],
            subject: benchReturn)
        : .init("submit", on: id, by: "bench.board", subject: benchReturn)
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

let options = try Options(CommandLine.arguments)
let home = try ProductHome.locate(explicit: options.home)
if let path = options.crashWriter {
    try await crashWriter(path: path, home: home)
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
add(try await transitionsBenchmark(options, home: home))
if options.durable > 0 { add(try await durableBenchmark(options, home: home)) }
if let data = options.vliData {
    await add(try vliBenchmark(data: data, home: home, numpy: options.numpy, python: options.python))
}
if options.offices > 0 { add(try await nationalBenchmark(options, home: home)) }
if options.launches > 0 { await add(try coldStartBenchmark(options, home: home)) }
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

/// Transitions through the engine and the store, one transaction each, against the raw SQLite loop doing the same
/// SQL (rounds in turn), then 1,000 per transaction through the engine.
func transitionsBenchmark(_ options: Options, home: ProductHome) async throws -> (section: String, summary: [String]) {
    let n = options.transitions
    let (app, ids, path) = try await prepare(home: home, returns: 100)
    print("opcc-bench: \(n) transitions × \(options.rounds) rounds on \(path)")
    var offset = 0
    func engine(_ count: Int) async throws {
        for i in 0..<count {
            let act = loopAct(offset + i, ids: ids)
            _ = try await app.fire(
                act.event, on: act.instanceID, by: act.actorName, payload: act.payload, subject: act.subject)
        }
        offset += count
    }
    // Warm both up (statement caches, parsed definitions), untimed; then learn what the engine records for each
    // event (its role and canonical payload), which the raw loop writes in turn.
    try await engine(2 * ids.count)
    var recorded: [String: (role: String, payload: String)] = [:]
    do {
        let db = try DatabaseQueue(path: path)
        for event in ["submit", "return-for-revision"] {
            let row = try db.read {
                try Row.fetchOne(
                    $0, sql: "SELECT role, payload FROM audit_event WHERE event = ? ORDER BY seq DESC LIMIT 1",
                    arguments: [event])
            }!
            recorded[event] = (row["role"], row["payload"])
        }
        try db.close()
    }
    let raw = try RawLoop(path: path)
    let clock = SystemClock()
    func rawLoop(_ count: Int) async throws {
        for i in 0..<count {
            let act = loopAct(offset + i, ids: ids)
            let (role, payload) = recorded[act.event]!
            try raw.transition(
                instanceID: act.instanceID, event: act.event,
                to: act.event == "submit" ? "submitted" : "returned-for-revision", actor: act.actorName, role: role,
                payload: payload, day: clock.today().iso, recordedAt: clock.timestamp())
        }
        offset += count
    }
    try await rawLoop(2 * ids.count)
    var engineSeconds = 0.0
    var rawSeconds = 0.0
    var engineRounds: [Double] = []
    var rawRounds: [Double] = []
    for _ in 0..<options.rounds {
        let e = try await seconds { try await engine(n) }
        let r = try await seconds { try await rawLoop(n) }
        engineSeconds += e
        rawSeconds += r
        engineRounds.append(Double(n) / e)
        rawRounds.append(Double(n) / r)
    }
    // Round the batched run up to whole loops of the ids so each batch leaves every return in the same state.
    let batches = max(1, n / options.batch)
    let batched = try await seconds {
        for b in 0..<batches {
            let requests = (0..<options.batch).map { loopAct(offset + b * options.batch + $0, ids: ids) }
            let results = try await app.fireAll(requests)
            precondition(
                results.allSatisfy { if case .success = $0 { true } else { false } }, "a benchmark act was refused")
        }
    }
    let batchedCount = batches * options.batch
    let verify = try await app.verifyAudit()
    precondition(verify.isIntact, "audit chain broken: \(verify.problems)")
    let total = n * options.rounds
    let engineRate = Double(total) / engineSeconds
    let rawRate = Double(total) / rawSeconds
    let batchedRate = Double(batchedCount) / batched
    let section = """

        ## Workflow transitions: the engine and store against a raw SQLite loop

        Each transition, one transaction each: load the instance, the actor and their grants, the office's \
        profile hash (the parsed profile is cached by that hash; its text is read only when the hash is new), run \
        the guards, conditional UPDATE on the version, read the audit head, append the hash-chained \
        audit event (SHA-256). WAL, synchronous=NORMAL, a file in the temporary folder. The raw loop \
        (`Sources/opcc-bench/RawLoop.swift`) runs the same statements the store runs, prepared once, through the \
        SQLite C API, computing the same SHA-256 chain, with no engine, guards or GRDB; it writes into the same \
        database in turn with the engine (\(options.rounds) rounds of \(n) each), and the audit chain verifies \
        afterwards: \(verify.eventsChecked) events, \(verify.instancesRebuilt) records rebuilt.

        | mode | transitions | seconds | transitions/s | per round (transitions/s) | ratio |
        |---|---:|---:|---:|---|---:|
        | raw SQLite C-API loop, one transaction each | \(total) | \(format(rawSeconds)) | \(Int(rawRate)) | \(rawRounds.map { String(Int($0)) }.joined(separator: ", ")) | 1.00 |
        | engine + store, one transaction each | \(total) | \(format(engineSeconds)) | \(Int(engineRate)) | \(engineRounds.map { String(Int($0)) }.joined(separator: ", ")) | \(format(engineRate / rawRate, 2)) |
        | engine + store, \(options.batch) per transaction | \(batchedCount) | \(format(batched)) | \(Int(batchedRate)) | | \(format(batchedRate / rawRate, 2)) |

        """
    return (
        section,
        [
            "| transitions/s, engine, one transaction each | \(Int(engineRate)) | \(Int(rawRate)) (raw C-API loop) "
                + "| \(format(engineRate / rawRate, 2)) | ≥ 0.5 × raw and ≥ 20,000/s | "
                + "\(engineRate >= 0.5 * rawRate && engineRate >= 20_000 ? "yes" : "no") |",
            "| transitions/s, engine, \(options.batch) per transaction | \(Int(batchedRate)) | \(Int(rawRate)) "
                + "(raw, one each) | \(format(batchedRate / rawRate, 2)) | | |",
        ]
    )
}

/// Runs `body(caller)` as `count` tasks at once; the wall time until all have finished.
func concurrently(_ count: Int, _ body: @escaping @Sendable (Int) async throws -> Void) async throws -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try await withThrowingTaskGroup(of: Void.self) { group in
        for caller in 0..<count { group.addTask { try await body(caller) } }
        try await group.waitForAll()
    }
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

/// Durable mode (synchronous=FULL): concurrent callers each firing acts on their own return, one transaction (one
/// fsync) per act, against group commit (a savepoint per act inside a shared transaction, one fsync per batch).
func durableBenchmark(_ options: Options, home: ProductHome) async throws -> (section: String, summary: [String]) {
    let callers = options.callers
    let perCaller = options.durable
    @Sendable func act(_ i: Int, _ id: String) -> Commissioning.ActRequest {
        i % 2 == 0
            ? .init(
                "return-for-revision", on: id, by: "cumbria.finance", payload: ["reason": "figures missing"],
                subject: benchReturn)
            : .init("submit", on: id, by: "bench.board", subject: benchReturn)
    }
    let (single, singleIDs, singlePath) = try await prepare(home: home, returns: callers, durable: true)
    print("opcc-bench: durable, \(callers) callers × \(perCaller) acts, one transaction each, on \(singlePath)")
    let singleSeconds = try await concurrently(callers) { c in
        for i in 0..<perCaller {
            let r = act(i, singleIDs[c])
            _ = try await single.fire(
                r.event, on: r.instanceID, by: r.actorName, payload: r.payload, subject: r.subject)
        }
    }
    let (grouped, groupedIDs, groupedPath) = try await prepare(home: home, returns: callers, durable: true)
    print("opcc-bench: durable, \(callers) callers × \(perCaller) acts, group commit, on \(groupedPath)")
    let committer = GroupCommit(app: grouped)
    let groupedSeconds = try await concurrently(callers) { c in
        for i in 0..<perCaller { _ = try await committer.fire(act(i, groupedIDs[c])) }
    }
    for app in [single, grouped] {
        let verify = try await app.verifyAudit()
        precondition(verify.isIntact, "audit chain broken: \(verify.problems)")
    }
    let total = callers * perCaller
    let singleRate = Double(total) / singleSeconds
    let groupedRate = Double(total) / groupedSeconds
    let section = """

        ## Durable transitions under concurrent callers: one fsync each against group commit

        synchronous=FULL (every commit waits for an fsync of the write-ahead log), on a file in the temporary \
        folder; \(callers) threads at once, each firing \(perCaller) acts (return for revision, resubmit) on its own \
        return. One transaction each: `Commissioning.fire`, one commit and one fsync per act. Group commit: \
        `GroupCommit.fire`, each act in its own savepoint inside a transaction shared with whoever else is waiting \
        (a refused act is rolled back alone); no caller returns before the shared COMMIT has returned. \
        \(committer.batches) shared transactions, \(format(Double(total) / Double(committer.batches), 1)) acts each \
        on average. Both audit chains verify afterwards.

        | mode | transitions | seconds | transitions/s | ratio |
        |---|---:|---:|---:|---:|
        | one transaction (one fsync) per act | \(total) | \(format(singleSeconds)) | \(Int(singleRate)) | 1.00 |
        | group commit | \(total) | \(format(groupedSeconds)) | \(Int(groupedRate)) | \(format(groupedRate / singleRate, 2)) |

        """
    return (
        section,
        [
            "| durable transitions/s, group commit, \(callers) callers | \(Int(groupedRate)) | \(Int(singleRate)) "
                + "(one fsync per act) | \(format(groupedRate / singleRate, 2)) | well above 1 | "
                + "\(groupedRate > 2 * singleRate ? "yes" : "no") |"
        ]
    )
}

/// `opcc` cold start: the median wall time of launching the release binary, for `--help` (no database) and for
/// `audit head` on a demo database.
func coldStartBenchmark(_ options: Options, home: ProductHome) async throws -> (section: String, summary: [String]) {
    let executable =
        options.opcc
        ?? URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("opcc")
        .path
    guard FileManager.default.isExecutableFile(atPath: executable) else {
        return ("\n## opcc cold start\n\nNot measured: no executable at `\(executable)`.\n", [])
    }
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("opcc-bench-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let db = dir.appendingPathComponent("demo.sqlite").path
    func launch(_ arguments: [String]) async throws -> Double {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments + ["--db", db]
        process.currentDirectoryURL = home.root
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        let time = try await seconds {
            try process.run()
            process.waitUntilExit()
        }
        guard process.terminationStatus == 0 else {
            throw CocoaError(.executableLoad, userInfo: [NSLocalizedDescriptionKey: "\(arguments) failed"])
        }
        return time
    }
    _ = try await launch(["demo"])
    var rows: [String] = []
    var summary: [String] = []
    for arguments in [["audit", "head"], ["finance", "check"]] {
        _ = try await launch(arguments)
        var times: [Double] = []
        for _ in 0..<options.launches { times.append(try await launch(arguments)) }
        let m = median(times)
        rows.append(
            "| `opcc \(arguments.joined(separator: " ")) --db demo.sqlite` | \(options.launches) | "
                + "\(format(m * 1000, 1)) | \(format(times.min()! * 1000, 1)) | \(format(times.max()! * 1000, 1)) |")
        summary.append(
            "| cold start, `opcc \(arguments.joined(separator: " "))`, median ms | \(format(m * 1000, 1)) | | | | |")
    }
    let section = """

        ## opcc cold start

        The release `opcc` launched as a new process each time, on the demo database (`opcc demo`), after one \
        untimed launch; wall time from spawn to exit. `audit head` opens the database, loads the workflow catalog \
        and the calendar, and reads the head; `finance check` also recomputes every balance.

        | command | launches | median ms | min ms | max ms |
        |---|---:|---:|---:|---:|
        \(rows.joined(separator: "\n"))

        """
    return (section, summary)
}

/// Writes seeded synthetic VLI inputs for every LSOA of the geography file (households and population from the
/// census file when present), then times scoring and aggregation (wards = MSOAs here, and local authorities).
func vliBenchmark(
    data: String, home: ProductHome, numpy: String?, python: String
) async throws -> (section: String, summary: [String]) {
    let folder = URL(fileURLWithPath: data)
    let geography = try CSVReader(
        string: try String(contentsOf: folder.appendingPathComponent("lsoa-police-force-2011.csv"), encoding: .utf8),
        hasHeaderRow: true)
    var rows: [(lsoa: String, name: String, msoa: String, msoaName: String, la: String, laName: String)] = []
    while let r = geography.next() { rows.append((r[7], r[8], r[5], r[6], r[3], r[4])) }
    var sizes: [String: (households: Int, population: Int)] = [:]
    let censusURL = folder.appendingPathComponent("lsoa-population-census-2011.csv")
    if let census = try? String(contentsOf: censusURL, encoding: .utf8) {
        let reader = try CSVReader(string: census, hasHeaderRow: true)
        while let r = reader.next() {
            guard r.count >= 15 else { continue }
            sizes[r[6]] = (
                Int(r[14].replacingOccurrences(of: ",", with: "")) ?? 0,
                Int(r[9].replacingOccurrences(of: ",", with: "")) ?? 0
            )
        }
    }
    // A SplitMix64 generator: the same inputs on every machine.
    var state: UInt64 = 0x0142_016
    func next() -> Double {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return Double((z ^ (z >> 31)) >> 11) / Double(1 << 53)
    }
    var csv = "lsoa,households,population," + VLIScheme.Variable.allCases.map(\.rawValue).joined(separator: ",") + "\n"
    for row in rows {
        let (households, population) = sizes[row.lsoa] ?? (600, 1500)
        let m = next() < 0.05 ? 3.0 : 0.6 + next() * 0.6
        let values = [
            (8 * Double(households) / 1000 * m).rounded(), (15 * Double(households) / 1000 * m).rounded(),
            0.12 * m, 0.10 * m, (Double(population) * 0.11 * m).rounded(), 20 * m,
        ]
        csv += "\(row.lsoa),\(households),\(population)," + values.map { String($0) }.joined(separator: ",") + "\n"
    }
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("vli-national-synthetic.csv")
    try csv.write(to: file, atomically: true, encoding: .utf8)
    // Read the generated file back (not timed), as `opcc vli import generic` would.
    let reader = try CSVReader(string: try String(contentsOf: file, encoding: .utf8), hasHeaderRow: true)
    var areas: [VLIArea] = []
    while let r = reader.next() {
        var values: [VLIScheme.Variable: Double] = [:]
        for (i, variable) in VLIScheme.Variable.allCases.enumerated() { values[variable] = Double(r[3 + i]) ?? 0 }
        areas.append(
            VLIArea(code: r[0], name: r[0], households: Int(r[1]) ?? 0, population: Int(r[2]) ?? 0, values: values))
    }
    let schemeURL = home.workflows.appendingPathComponent("vli/vli-default.yaml")
    let scheme = try VLIScheme.parse(
        yaml: try String(contentsOf: schemeURL, encoding: .utf8), source: "vli-default.yaml")
    var msoas: [String: (code: String, name: String)] = [:]
    var las: [String: (code: String, name: String)] = [:]
    for row in rows {
        msoas[row.lsoa] = (row.msoa, row.msoaName)
        las[row.lsoa] = (row.la, row.laName)
    }
    var times: [Double] = []
    var over = 0
    var scores: [VLIAreaScore] = []
    var groups: [(level: String, rows: [VLIScoring.GroupSummary])] = []
    for _ in 0..<5 {
        times.append(
            try await seconds {
                scores = try VLIScoring.score(areas, scheme: scheme)
                over = scores.filter(\.overThreshold).count
                groups = [
                    ("msoa", VLIScoring.aggregate(scores, groupOf: msoas)),
                    ("la", VLIScoring.aggregate(scores, groupOf: las)),
                ]
            })
    }
    let laCount = groups[1].rows.count
    let swiftMedian = median(times)
    // What Swift computed, for the NumPy baseline to compare (shortest round-trip decimal for every double).
    let scoresFile = FileManager.default.temporaryDirectory.appendingPathComponent("vli-swift-scores.csv")
    let groupsFile = FileManager.default.temporaryDirectory.appendingPathComponent("vli-swift-groups.csv")
    try scores.map { "\($0.code),\($0.composite),\($0.overThreshold ? 1 : 0)" }.joined(separator: "\n")
        .appending("\n").write(to: scoresFile, atomically: true, encoding: .utf8)
    try groups.flatMap { level, rows in
        rows.enumerated().map { rank, g in
            "\(level),\(rank),\(g.code),\(g.areas),\(g.overThreshold),\(g.meanVLI),\(g.maxVLI),\(g.population)"
        }
    }.joined(separator: "\n").appending("\n").write(to: groupsFile, atomically: true, encoding: .utf8)
    var tableRows = [
        "| Swift (OPCCCore `VLIScoring`) | \(areas.count) | \(over) | \(laCount) | \(format(swiftMedian)) | "
            + "\(Int(Double(areas.count) / swiftMedian)) | 1.00 |"
    ]
    var summary: [String] = []
    var comparison = "NumPy baseline not run (no `--numpy SCRIPT`)."
    if let numpy {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            python, numpy, "--inputs", file.path, "--geography",
            folder.appendingPathComponent("lsoa-police-force-2011.csv").path, "--scheme", schemeURL.path,
            "--swift-scores", scoresFile.path, "--swift-groups", groupsFile.path, "--runs", "5",
        ]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard let line = String(decoding: output, as: UTF8.self).split(separator: "\n").last,
            let result = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
            let numpySeconds = result["median_seconds"] as? Double
        else {
            throw CocoaError(
                .fileReadCorruptFile,
                userInfo: [NSLocalizedDescriptionKey: "\(numpy) printed no result (exit \(process.terminationStatus))"])
        }
        let identical = result["identical_to_1e-9"] as? Bool ?? false
        let worst = max(
            result["max_abs_difference_composite"] as? Double ?? .infinity,
            result["max_abs_difference_groups"] as? Double ?? .infinity)
        tableRows.append(
            "| NumPy \(result["numpy"] ?? "?") (Python \(result["python"] ?? "?"), `\(numpy)`) | "
                + "\(result["areas"] ?? "?") | \(result["over"] ?? "?") | \(result["local_authorities"] ?? "?") | "
                + "\(format(numpySeconds)) | \(Int(Double(areas.count) / numpySeconds)) | "
                + "\(format(numpySeconds / swiftMedian, 2)) |")
        comparison =
            "Results compared area by area and group by group: the largest absolute difference in a composite, "
            + "a group mean or a group maximum is \(String(format: "%.3g", worst)); threshold flags differing: "
            + "\(result["threshold_flags_differing"] ?? "?"); group rows (code, areas, over, population, rank) "
            + "differing: \(result["group_rows_differing"] ?? "?"). "
            + (identical ? "**Identical to 1e-9.**" : "**NOT identical to 1e-9.**")
        summary.append(
            "| VLI, all \(areas.count) LSOAs, Swift median seconds | \(format(swiftMedian)) | "
                + "\(format(numpySeconds)) (NumPy) | \(format(swiftMedian / numpySeconds, 2)) (time, Swift ÷ NumPy) | "
                + "identical to 1e-9 | \(identical ? "yes" : "no") |")
    }
    let section = """

        ## VLI scoring and aggregation for every English LSOA: Swift against NumPy

        Inputs: the geography from `\(data)/lsoa-police-force-2011.csv`, households and population from the 2011 \
        Census file; the six variables synthetic and seeded, written to `\(file.lastPathComponent)` and read back \
        before timing, by Swift and by the NumPy script alike. Scheme: vli-default v1 (`workflows/vli`). Timed, \
        computation only, median of 5 runs each: normalise, index (÷ the national mean × 100), domains, composite, \
        threshold; then aggregate to MSOAs and to local authorities (areas, over 200, mean, max, population, \
        ranked). The ratio is time ÷ Swift's time (below 1: faster than Swift).

        | implementation | LSOAs | over 200 | local authorities | median seconds | LSOAs/s | time ratio |
        |---|---:|---:|---:|---:|---:|---:|
        \(tableRows.joined(separator: "\n"))

        \(comparison)

        """
    return (section, summary)
}

/// Fires, forever, one act or ledger posting per transaction on the database at `path` (preparing it on first use),
/// printing `COMMIT SEQ:HASH` (the audit head) after each commit returns; meant to be killed with SIGKILL at random.
/// Every head it printed must still be reachable after the kill (`opcc audit verify --head SEQ:HASH`).
func crashWriter(path: String, home: ProductHome) async throws -> Never {
    func say(_ line: String) { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }
    let app = try Commissioning.open(home: home, databasePath: path)
    if try await app.instance("QR-CRASH-0") == nil {
        _ = try await app.loadDemo(from: home, returns: false)
        try await app.addPerson(
            name: "crash.board", office: "cumbria",
            grants: [RoleGrant(role: .projectBoardMember, scope: ["GA-CRASH"])], by: "cumbria.chief-executive")
        for i in 0..<10 {
            try await app.startInstance(
                id: "QR-CRASH-\(i)", office: "cumbria", workflow: "quarterly-return", recordRef: "GA-CRASH",
                by: "cumbria.finance", role: .finance)
            _ = try await app.fire("start", on: "QR-CRASH-\(i)", by: "crash.board")
        }
    }
    say("READY")
    var n = 0
    while true {
        n += 1
        let id = "QR-CRASH-\(n % 10)"
        if n % 3 == 0 {
            // A ledger posting: the strand's budget moves by a pound either way.
            try await app.setBudget(
                office: "cumbria", year: FinancialYear(startYear: 2016), strand: "ASB", name: "Anti-social behaviour",
                amount: Money(pence: 25_000_000 + Int64(n % 2) * 100)!, by: "cumbria.finance")
        } else if try await app.instance(id)?.state == "submitted" {
            _ = try await app.fire(
                "return-for-revision", on: id, by: "cumbria.finance", payload: ["reason": "figures missing"],
                subject: benchReturn)
        } else {
            _ = try await app.fire("submit", on: id, by: "crash.board", subject: benchReturn)
        }
        say("COMMIT \(try await app.auditHead())")
    }
}

/// A full reconciliation for one year across a generated national database (offices × years × allocations, with
/// agreements and payments): generated, checked by `finance check` and `audit verify`, then timed (median of 7
/// after one untimed call). The figures are compared with the reconciliation computed the old way, from every
/// posting and every agreement's terms, which is timed once as the baseline.
func nationalBenchmark(_ options: Options, home: ProductHome) async throws -> (section: String, summary: [String]) {
    let path: String
    if let given = options.nationalDatabase {
        path = given
    } else {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("opcc-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        path = dir.appendingPathComponent("national.sqlite").path
    }
    let reused = FileManager.default.fileExists(atPath: path)
    let app = try Commissioning.open(home: home, databasePath: path)
    var generated = Commissioning.NationalFinanceSummary()
    var generation = 0.0
    if reused {
        // Generated by an earlier run (`--national-db`): counted, not generated again.
        print("opcc-bench: reusing the national database \(path)")
        generated = try nationalCounts(path: path)
    } else {
        print(
            "opcc-bench: generating \(options.offices) offices × \(options.years) years × \(options.allocations) on "
                + path)
        generation = try await seconds {
            generated = try await app.generateNationalFinance(
                from: home, offices: options.offices, years: options.years, allocationsPerYear: options.allocations,
                progress: { print("  \($0)") })
        }
    }
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
    // The old way, as a baseline and a check: every posting of every year and every agreement's terms decoded
    // (the agreements matched to allocations through a dictionary, not the old nested loop over both).
    var oldLines: [ReconciliationLine: ReconciliationFigures] = [:]
    var oldCommitted: [ReconciliationLine: Int64] = [:]
    let oldSeconds = try await seconds {
        (oldLines, oldCommitted) = try await app.store.read { tx in
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
    precondition(differing == 0, "the reconciliation differs from the old computation on \(differing) lines")
    let section = """

        ## National reconciliation for one year

        Generated: \(generated.offices) offices × \(options.years) years × \(options.allocations) allocations a year \
        (\(generated.allocations) allocations, \(generated.agreements) grant agreements, \(generated.payments) \
        payments, \(generated.postings) postings, \(verification!.eventsChecked) audit events; \(size / (1 << 20)) MiB) \
        by `Commissioning.generateNationalFinance` (through the store's own calls, one transaction per office and \
        year)\(reused ? ", by an earlier run (`--national-db`)" : " in \(format(generation, 1)) s"). `finance check` finds nothing (\(format(checkSeconds, 1)) s) and \
        `audit verify` passes (\(format(verifySeconds, 1)) s). Timed: `Commissioning.reconciliation(year: \(year))` \
        for every office (\(rows.count) rows), the median of 7 after one untimed call. Baseline: the same figures \
        computed as the reconciliation did before, from every posting and every agreement's terms (one run); every \
        row agrees.

        | computation | rows | seconds | ratio |
        |---|---:|---:|---:|
        | every posting and agreement read and decoded (previous method) | \(expected.count) | \(format(oldSeconds)) | 1.00 |
        | `reconciliation(year:)`: the year's transfers summed in SQL through the account indexes | \(rows.count) | \(format(m, 4)) | \(format(m / oldSeconds, 3)) |

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
