// opcc-bench: measured speed of the workflow engine through the SQLite store.
//
// Build and run in release mode:  swift run -c release opcc-bench [--transitions N] [--out BENCHMARKS.md]
// Every figure is measured in the same run, on a fresh database file in a temporary folder.
import CSV
import Foundation
import OPCCCore
import OPCCServices
import OPCCStore

struct Options {
    var transitions = 2_000
    var batch = 1_000
    var out: String?
    var home: String?
    /// A folder holding lsoa-police-force-2011.csv (and optionally lsoa-population-census-2011.csv): benchmark VLI
    /// scoring for every English LSOA.
    var vliData: String?
    /// Crash-safety writer: fire acts and postings on this database forever, printing each commit's audit head.
    var crashWriter: String?

    init(_ args: [String]) throws {
        var it = args.dropFirst().makeIterator()
        while let arg = it.next() {
            switch arg {
            case "--transitions": transitions = Int(it.next() ?? "") ?? transitions
            case "--batch": batch = Int(it.next() ?? "") ?? batch
            case "--out": out = it.next()
            case "--home": home = it.next()
            case "--vli": vliData = it.next()
            case "--crash-writer": crashWriter = it.next()
            case "-h", "--help":
                print("usage: opcc-bench [--transitions N] [--batch N] [--vli DATA_DIR] [--out FILE] [--home DIR]")
                exit(0)
            default:
                FileHandle.standardError.write(Data("opcc-bench: unknown argument \(arg)\n".utf8))
                exit(64)
            }
        }
    }
}

/// A fresh database with the demo offices, a project board member and `count` returns waiting in `submitted`.
func prepare(home: ProductHome, returns count: Int) throws -> (Commissioning, [String], String) {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("opcc-bench-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let path = dir.appendingPathComponent("bench.sqlite").path
    let app = try Commissioning.open(home: home, databasePath: path)
    _ = try app.loadDemo(from: home)
    try app.addPerson(
        name: "bench.board", office: "cumbria", grants: [RoleGrant(role: .projectBoardMember, scope: ["GA-BENCH"])],
        by: "cumbria.chief-executive")
    var ids: [String] = []
    for i in 0..<count {
        let id = "QR-BENCH-\(i)"
        try app.startInstance(
            id: id, office: "cumbria", workflow: "quarterly-return", recordRef: "GA-BENCH", by: "cumbria.finance",
            role: .finance)
        ids.append(id)
    }
    _ = try app.fireAll(ids.map { .init("start", on: $0, by: "bench.board") })
    _ = try app.fireAll(ids.map { .init("submit", on: $0, by: "bench.board", subject: benchReturn) })
    return (app, ids, path)
}

/// What the return guards see in the loop: a complete return submitted by the board (the services attach this
/// from the stored return; the benchmark attaches it directly so each act costs what the engine and store cost).
let benchReturn = ReturnSubject(
    dueDay: try! Day(iso: "2016-07-21"), quarter: Quarter(year: FinancialYear(startYear: 2016), number: 1)!,
    agreement: GrantAgreement(
        id: "GA-BENCH", office: "cumbria", decisionID: "bench", recipient: .init(orgID: "GB-LAE-BEN", name: "Bench"),
        purpose: "benchmark", period: .init(start: try! Day(iso: "2016-04-01"), end: try! Day(iso: "2017-03-31")),
        amount: .zero),
    content: ReturnContent(spendInQuarter: .zero, spendToDate: .zero, narrative: "On track."),
    previousSpendToDate: .zero, submittedBy: "bench.board")

/// The n-th act of the review loop: send back (finance, with a reason), then resubmit (the board).
func loopAct(_ n: Int, ids: [String]) -> Commissioning.FireRequest {
    let id = ids[n % ids.count]
    let round = n / ids.count
    return round % 2 == 0
        ? .init(
            "return-for-revision", on: id, by: "cumbria.finance", payload: ["reason": "figures missing"],
            subject: benchReturn)
        : .init("submit", on: id, by: "bench.board", subject: benchReturn)
}

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
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
    try crashWriter(path: path, home: home)
}
let n = options.transitions
let (app, ids, path) = try prepare(home: home, returns: 100)
print("opcc-bench: \(n) transitions on \(path)")

var offset = 0
let unbatched = try seconds {
    for i in 0..<n {
        let act = loopAct(offset + i, ids: ids)
        _ = try app.fire(act.event, on: act.instanceID, by: act.actorName, payload: act.payload, subject: act.subject)
    }
}
offset += n
// Round the batched run up to whole loops of the ids so each batch leaves every return in the same state.
let batches = max(1, n / options.batch)
let batched = try seconds {
    for b in 0..<batches {
        let requests = (0..<options.batch).map { loopAct(offset + b * options.batch + $0, ids: ids) }
        let results = try app.fireAll(requests)
        precondition(
            results.allSatisfy { if case .success = $0 { true } else { false } }, "a benchmark act was refused")
    }
}
let batchedCount = batches * options.batch
let verify = try app.verifyAudit()
precondition(verify.isIntact, "audit chain broken: \(verify.problems)")

let unbatchedRate = Double(n) / unbatched
let batchedRate = Double(batchedCount) / batched
let table = """
    ## Workflow transitions through the engine and the SQLite store

    Command: `swift run -c release opcc-bench --transitions \(n) --batch \(options.batch)\(options.vliData.map { " --vli \($0)" } ?? "") --out BENCHMARKS.md`
    Machine: \(machine())
    Each transition: load the instance, its pinned definition and the actor, run the guards, conditional UPDATE on \
    the version, append the hash-chained audit event. WAL, synchronous=NORMAL.

    | mode | transitions | seconds | transitions/s | ratio to unbatched |
    |---|---:|---:|---:|---:|
    | one transaction each | \(n) | \(String(format: "%.3f", unbatched)) | \(Int(unbatchedRate)) | 1.00 |
    | \(options.batch) per transaction | \(batchedCount) | \(String(format: "%.3f", batched)) | \(Int(batchedRate)) | \(String(format: "%.2f", batchedRate / unbatchedRate)) |

    Audit chain verified after the run: \(verify.eventsChecked) events, \(verify.instancesRebuilt) records rebuilt.

    """
var report = table
if let data = options.vliData {
    report += try vliBenchmark(data: data, home: home)
}
print(report)
if let out = options.out {
    try report.write(toFile: out, atomically: true, encoding: .utf8)
    print("written to \(out)")
}

/// Writes seeded synthetic VLI inputs for every LSOA of the geography file (households and population from the
/// census file when present), then times scoring and aggregation (wards = MSOAs here, and local authorities).
func vliBenchmark(data: String, home: ProductHome) throws -> String {
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
    var laCount = 0
    for _ in 0..<5 {
        times.append(
            try seconds {
                let scores = try VLIScoring.score(areas, scheme: scheme)
                over = scores.filter(\.overThreshold).count
                _ = VLIScoring.aggregate(scores, groupOf: msoas)
                laCount = VLIScoring.aggregate(scores, groupOf: las).count
            })
    }
    let median = times.sorted()[times.count / 2]
    return """

        ## VLI scoring and aggregation for every English LSOA

        Inputs: the geography from `\(data)/lsoa-police-force-2011.csv`, households and population from the 2011 Census \
        file; the six variables synthetic and seeded, written to `\(file.lastPathComponent)` and read back before timing.
        Scheme: vli-default v1. Timed: scoring every LSOA, then aggregating to MSOAs and to local authorities; the \
        median of 5 runs.

        | LSOAs | over 200 | local authorities | median seconds | LSOAs/s |
        |---:|---:|---:|---:|---:|
        | \(areas.count) | \(over) | \(laCount) | \(String(format: "%.3f", median)) | \(Int(Double(areas.count) / median)) |

        """
}

/// Fires, forever, one act or ledger posting per transaction on the database at `path` (preparing it on first use),
/// printing `COMMIT SEQ:HASH` (the audit head) after each commit returns; meant to be killed with SIGKILL at random.
/// Every head it printed must still be reachable after the kill (`opcc audit verify --head SEQ:HASH`).
func crashWriter(path: String, home: ProductHome) throws -> Never {
    func say(_ line: String) { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }
    let app = try Commissioning.open(home: home, databasePath: path)
    if try app.instance("QR-CRASH-0") == nil {
        _ = try app.loadDemo(from: home, returns: false)
        try app.addPerson(
            name: "crash.board", office: "cumbria",
            grants: [RoleGrant(role: .projectBoardMember, scope: ["GA-CRASH"])], by: "cumbria.chief-executive")
        for i in 0..<10 {
            try app.startInstance(
                id: "QR-CRASH-\(i)", office: "cumbria", workflow: "quarterly-return", recordRef: "GA-CRASH",
                by: "cumbria.finance", role: .finance)
            _ = try app.fire("start", on: "QR-CRASH-\(i)", by: "crash.board")
        }
    }
    say("READY")
    var n = 0
    while true {
        n += 1
        let id = "QR-CRASH-\(n % 10)"
        if n % 3 == 0 {
            // A ledger posting: the strand's budget moves by a pound either way.
            try app.setBudget(
                office: "cumbria", year: FinancialYear(startYear: 2016), strand: "ASB", name: "Anti-social behaviour",
                amount: Money(pence: 25_000_000 + Int64(n % 2) * 100)!, by: "cumbria.finance")
        } else if try app.instance(id)?.state == "submitted" {
            _ = try app.fire(
                "return-for-revision", on: id, by: "cumbria.finance", payload: ["reason": "figures missing"],
                subject: benchReturn)
        } else {
            _ = try app.fire("submit", on: id, by: "crash.board", subject: benchReturn)
        }
        say("COMMIT \(try app.auditHead())")
    }
}
