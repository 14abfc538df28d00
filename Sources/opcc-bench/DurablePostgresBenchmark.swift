import Foundation
import OPCCCore
import OPCCServices
import OPCCStore

/// One way of loading the store: how many callers at once, over how many of `benchOffices`.
struct CallerMix: Sendable {
    let callers: Int
    let offices: Int
    var label: String {
        callers == 1
            ? "1 caller" : "\(callers) callers, \(offices == 1 ? "one office" : "\(offices) offices")"
    }
}

/// One engine's database for the durable comparison, and what its runs measured (seconds per round, per mix).
struct DurableTarget {
    let engine: String
    let app: Commissioning
    var seconds: [[Double]]
    /// Acts that failed as busy and were fired again, per mix (all rounds).
    var busy: [Int]
}

/// Durable transitions, one transaction (one commit waiting for the disk) per act, on SQLite (synchronous=FULL) and
/// on PostgreSQL (synchronous_commit on, fsync on), in turn: for each mix of callers, SQLite then PostgreSQL, twice.
func durablePostgresBenchmark(
    _ options: Options, home: ProductHome, server: PostgresServer
) async throws -> (section: String, summary: [String]) {
    let c = options.callers
    let mixes = [
        CallerMix(callers: 1, offices: 1), CallerMix(callers: c, offices: 1),
        CallerMix(callers: c, offices: benchOffices.count),
    ]
    // Every measure makes the same number of acts, an even number per caller (each return ends where it began).
    let total = (options.durable + options.durable % 2) * c
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("opcc-bench-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let path = dir.appendingPathComponent("durable.sqlite").path
    let url = try server.freshDatabase("durable")
    defer { server.drop(url) }
    print("opcc-bench: durable, SQLite \(path) against PostgreSQL \(PostgresStore.withoutPassword(url))")
    var targets: [DurableTarget] = []
    for (engine, database) in [("SQLite", path), ("PostgreSQL", url)] {
        let prepared = try await seconds {
            targets.append(
                DurableTarget(
                    engine: engine, app: try await prepareOffices(home: home, database: database, perOffice: c),
                    seconds: Array(repeating: [], count: mixes.count), busy: Array(repeating: 0, count: mixes.count)))
        }
        print("  \(engine): demo and \(c * benchOffices.count) returns in \(format(prepared, 1)) s")
    }
    let events = try await targets.asyncMap { try await $0.app.verifyAudit().eventsChecked }
    // Warm-up, untimed: both acts once per caller, all callers at once (every pooled connection prepares its
    // statements).
    for target in targets {
        _ = try await run(target.app, CallerMix(callers: c, offices: benchOffices.count), acts: 2 * c)
    }
    let rounds = 2
    for round in 0..<rounds {
        for (m, mix) in mixes.enumerated() {
            for t in targets.indices {
                let (s, busy) = try await run(targets[t].app, mix, acts: total)
                targets[t].seconds[m].append(s)
                targets[t].busy[m] += busy
                print(
                    "  round \(round + 1), \(mix.label), \(targets[t].engine): \(Int(Double(total) / s))/s, "
                        + "\(busy) busy")
            }
        }
    }
    var verified: [Commissioning.AuditVerification] = []
    for (t, target) in targets.enumerated() {
        let verify = try await target.app.verifyAudit()
        precondition(verify.isIntact, "\(target.engine): audit chain broken: \(verify.problems)")
        // Every act was accepted and recorded: the warm-up's and each measure's, none lost.
        let expected = events[t] + 2 * c + rounds * mixes.count * total
        precondition(
            verify.eventsChecked == expected, "\(target.engine): \(verify.eventsChecked) events, not \(expected)")
        verified.append(verify)
    }
    let settings = (try? server.settings(of: url)) ?? "unknown"
    return durablePostgresReport(
        mixes: mixes, targets: targets, total: total, verified: verified, settings: settings)
}

/// `acts` acts spread evenly over the mix's callers, each caller on its own return, one transaction each: the
/// seconds, and how many times an act failed as busy (the store's retries spent; nothing changed), each time fired
/// again by its caller, as a person would press again.
private func run(_ app: Commissioning, _ mix: CallerMix, acts: Int) async throws -> (seconds: Double, busy: Int) {
    let perCaller = acts / mix.callers
    let busy = Counter()
    let s = try await concurrently(mix.callers) { caller in
        let office = caller % mix.offices
        let id = "QR-BENCH-\(benchOffices[office].office)-\(caller)"
        for i in 0..<perCaller {
            let r = officeAct(i, office: office, id: id)
            while true {
                do {
                    _ = try await app.fire(
                        r.event, on: r.instanceID, by: r.actorName, payload: r.payload, subject: r.subject)
                    break
                } catch let failure as StorageFailure where failure.kind == .busy {
                    busy.add()
                }
            }
        }
    }
    return (s, busy.value)
}

/// A count shared by concurrent callers.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func add() { lock.withLock { count += 1 } }
    var value: Int { lock.withLock { count } }
}

/// The section and summary lines of the durable comparison.
private func durablePostgresReport(
    mixes: [CallerMix], targets: [DurableTarget], total: Int, verified: [Commissioning.AuditVerification],
    settings: String
) -> (section: String, summary: [String]) {
    var rows: [String] = []
    var summary: [String] = []
    for (m, mix) in mixes.enumerated() {
        let rates = targets.map { Double(total * $0.seconds[m].count) / $0.seconds[m].reduce(0, +) }
        for (t, target) in targets.enumerated() {
            let perRound = target.seconds[m].map { String(Int(Double(total) / $0)) }.joined(separator: ", ")
            rows.append(
                "| \(mix.label) | \(target.engine) | \(total * target.seconds[m].count) | "
                    + "\(format(target.seconds[m].reduce(0, +))) | \(Int(rates[t])) | \(perRound) | "
                    + "\(target.busy[m]) | \(format(rates[t] / rates[0], 2)) |")
        }
        summary.append(
            "| durable transitions/s, PostgreSQL, one transaction each, \(mix.label) | \(Int(rates[1])) | "
                + "\(Int(rates[0])) (SQLite, synchronous=FULL) | \(format(rates[1] / rates[0], 2)) | measured | |")
    }
    let events = verified.map { "\($0.eventsChecked)" }.joined(separator: " and ")
    let section = """

        ## Durable transitions: PostgreSQL on loopback against SQLite

        One transaction per act (`Commissioning.fire`: return for revision, resubmit), every commit waiting for the \
        disk: SQLite with synchronous=FULL on a file in the temporary folder; PostgreSQL (`PostgresStore`, 8 \
        pooled connections, SERIALIZABLE writes retried on a serialisation failure) on a database created for the \
        run, reached over TCP on loopback, the server's settings \(settings) (the store's sessions set synchronous_commit on and jit off). Each engine holds the demo and, in each \
        of \(benchOffices.count) demo offices, \(mixes[1].callers) returns in \
        `submitted`; each caller acts on its own return. Every measure is \(total) acts, split evenly over its \
        callers; the engines run in turn (SQLite, PostgreSQL, for each mix, then all again), after one untimed \
        warm-up pair of acts per caller. An act that fails as busy (the store's \
        own retries spent, nothing changed) is fired again by its caller and counted. Both audit chains verify afterwards (\(events) events), every act recorded once.

        | callers | engine | transitions | seconds | transitions/s | per round (transitions/s) | busy, fired again | ratio to SQLite |
        |---|---|---:|---:|---:|---|---:|---:|
        \(rows.joined(separator: "\n"))

        """
    return (section, summary)
}

extension Array {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var result: [T] = []
        for element in self { result.append(try await transform(element)) }
        return result
    }
}
