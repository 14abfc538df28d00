// opcc-bench: measured speed of the workflow engine through the SQLite store.
//
// Build and run in release mode:  swift run -c release opcc-bench [--transitions N] [--out BENCHMARKS.md]
// Every figure is measured in the same run, on a fresh database file in a temporary folder.
import Foundation
import OPCCCore
import OPCCServices
import OPCCStore

struct Options {
    var transitions = 2_000
    var batch = 1_000
    var out: String?
    var home: String?

    init(_ args: [String]) throws {
        var it = args.dropFirst().makeIterator()
        while let arg = it.next() {
            switch arg {
            case "--transitions": transitions = Int(it.next() ?? "") ?? transitions
            case "--batch": batch = Int(it.next() ?? "") ?? batch
            case "--out": out = it.next()
            case "--home": home = it.next()
            case "-h", "--help":
                print("usage: opcc-bench [--transitions N] [--batch N] [--out FILE] [--home DIR]")
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
    _ = try app.fireAll(ids.map { .init("submit", on: $0, by: "bench.board") })
    return (app, ids, path)
}

/// The n-th act of the review loop: send back (finance, with a reason), then resubmit (the board).
func loopAct(_ n: Int, ids: [String]) -> Commissioning.FireRequest {
    let id = ids[n % ids.count]
    let round = n / ids.count
    return round % 2 == 0
        ? .init("return-for-revision", on: id, by: "cumbria.finance", payload: ["reason": "figures missing"])
        : .init("submit", on: id, by: "bench.board")
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
let n = options.transitions
let (app, ids, path) = try prepare(home: home, returns: 100)
print("opcc-bench: \(n) transitions on \(path)")

var offset = 0
let unbatched = try seconds {
    for i in 0..<n {
        let act = loopAct(offset + i, ids: ids)
        _ = try app.fire(act.event, on: act.instanceID, by: act.actorName, payload: act.payload)
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

    Command: `swift run -c release opcc-bench --transitions \(n) --batch \(options.batch)`
    Machine: \(machine())
    Each transition: load the instance, its pinned definition and the actor, run the guards, conditional UPDATE on \
    the version, append the hash-chained audit event. WAL, synchronous=NORMAL.

    | mode | transitions | seconds | transitions/s | ratio to unbatched |
    |---|---:|---:|---:|---:|
    | one transaction each | \(n) | \(String(format: "%.3f", unbatched)) | \(Int(unbatchedRate)) | 1.00 |
    | \(options.batch) per transaction | \(batchedCount) | \(String(format: "%.3f", batched)) | \(Int(batchedRate)) | \(String(format: "%.2f", batchedRate / unbatchedRate)) |

    Audit chain verified after the run: \(verify.eventsChecked) events, \(verify.instancesRebuilt) records rebuilt.

    """
print(table)
if let out = options.out {
    try table.write(toFile: out, atomically: true, encoding: .utf8)
    print("written to \(out)")
}
