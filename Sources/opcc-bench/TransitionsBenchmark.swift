import Foundation
import GRDB
import OPCCCore
import OPCCServices
import OPCCStore

/// Transitions through the engine and the store, one transaction each, against the raw SQLite loop doing the same
/// SQL and the minimal loop (the same without the person and office reads), rounds in turn, with the engine's act
/// cache and without it; then 1,000 per transaction through the engine.
func transitionsBenchmark(_ options: Options, home: ProductHome) async throws -> (section: String, summary: [String]) {
    let n = options.transitions
    let (app, ids, path) = try await prepare(home: home, returns: 100)
    // The same database through a second store that reads the person, their grants and the profile hash in every
    // transaction, as every act did before the cache: what the cache saves, in the same run.
    let uncached = try Commissioning(
        store: SQLiteStore(path: path, cachesActReads: false), catalog: app.catalog,
        calendar: try WorkingDayCalendar.load(from: home))
    print("opcc-bench: \(n) transitions × \(options.rounds) rounds on \(path)")
    var offset = 0
    func engine(_ count: Int, on app: Commissioning) async throws {
        for i in 0..<count {
            let act = loopAct(offset + i, ids: ids)
            _ = try await app.fire(
                act.event, on: act.instanceID, by: act.actorName, payload: act.payload, subject: act.subject)
        }
        offset += count
    }
    // Warm both up (statement caches, parsed definitions), untimed; then learn what the engine records for each
    // event (its role and canonical payload), which the raw loop writes in turn.
    try await engine(2 * ids.count, on: app)
    try await engine(2 * ids.count, on: uncached)
    let recorded = try recordedRolesAndPayloads(path: path)
    let raw = try RawLoop(path: path)
    let clock = SystemClock()
    func rawLoop(_ count: Int, minimal: Bool = false) async throws {
        for i in 0..<count {
            let act = loopAct(offset + i, ids: ids)
            let (role, payload) = recorded[act.event]!
            try raw.transition(
                instanceID: act.instanceID, event: act.event,
                to: act.event == "submit" ? "submitted" : "returned-for-revision", actor: act.actorName, role: role,
                payload: payload, day: clock.today().iso, recordedAt: clock.timestamp(), minimal: minimal)
        }
        offset += count
    }
    try await rawLoop(2 * ids.count)
    try await rawLoop(2 * ids.count, minimal: true)
    // The cached engine once more, untimed: the writes of the others (other connections) emptied its cache.
    try await engine(2 * ids.count, on: app)
    var figures = TransitionFigures(perRound: n, rounds: options.rounds, batch: options.batch)
    for _ in 0..<options.rounds {
        figures.engineRounds.append(try await seconds { try await engine(n, on: app) })
        figures.rawRounds.append(try await seconds { try await rawLoop(n) })
        figures.minimalRounds.append(try await seconds { try await rawLoop(n, minimal: true) })
        figures.uncachedRounds.append(try await seconds { try await engine(n, on: uncached) })
    }
    // Round the batched run up to whole loops of the ids so each batch leaves every return in the same state.
    let batches = max(1, n / options.batch)
    figures.batchedSeconds = try await seconds {
        for b in 0..<batches {
            let requests = (0..<options.batch).map { loopAct(offset + b * options.batch + $0, ids: ids) }
            let results = try await app.fireAll(requests)
            precondition(
                results.allSatisfy { if case .success = $0 { true } else { false } }, "a benchmark act was refused")
        }
    }
    figures.batchedCount = batches * options.batch
    let verify = try await app.verifyAudit()
    precondition(verify.isIntact, "audit chain broken: \(verify.problems)")
    return transitionsReport(figures, verify: verify)
}

/// What the engine records for each event of the loop (its role and canonical payload), which the raw loop writes.
func recordedRolesAndPayloads(path: String) throws -> [String: (role: String, payload: String)] {
    var recorded: [String: (role: String, payload: String)] = [:]
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
    return recorded
}

/// The transitions benchmark's timings: seconds per round for each mode, and the batched run.
struct TransitionFigures {
    var perRound: Int
    var rounds: Int
    var batch: Int
    var engineRounds: [Double] = []
    var rawRounds: [Double] = []
    var minimalRounds: [Double] = []
    var uncachedRounds: [Double] = []
    var batchedCount = 0
    var batchedSeconds = 0.0
}

/// The report's section and summary lines for the transitions benchmark.
func transitionsReport(
    _ f: TransitionFigures, verify: Commissioning.AuditVerification
) -> (section: String, summary: [String]) {
    let total = f.perRound * f.rounds
    let (engineSeconds, rawSeconds) = (f.engineRounds.reduce(0, +), f.rawRounds.reduce(0, +))
    let engineRate = Double(total) / engineSeconds
    let rawRate = Double(total) / rawSeconds
    let batchedRate = Double(f.batchedCount) / f.batchedSeconds
    let (minimalSeconds, uncachedSeconds) = (f.minimalRounds.reduce(0, +), f.uncachedRounds.reduce(0, +))
    let minimalRate = Double(total) / minimalSeconds
    let uncachedRate = Double(total) / uncachedSeconds
    func perRound(_ rounds: [Double]) -> String {
        rounds.map { String(Int(Double(f.perRound) / $0)) }.joined(separator: ", ")
    }
    let section = """

        ## Workflow transitions: the engine and store against a raw SQLite loop and the minimal loop

        Each transition, one transaction each: load the instance, the actor and their grants and the office's \
        profile hash (from the store's act cache while `PRAGMA data_version` says no other connection has committed; \
        the parsed profile is cached by that hash), run the guards, conditional UPDATE on the version, read what the \
        event seals and the audit head, append the hash-chained audit event (SHA-256). WAL, synchronous=NORMAL, a \
        file in the temporary folder. The raw loop (`Sources/opcc-bench/RawLoop.swift`) runs the same statements the \
        store runs without its cache (the person with their grants and the office's hash read every time), prepared \
        once, through the SQLite C API with the store's connection settings, computing the same SHA-256 chain, with \
        no engine, guards or GRDB. The minimal loop is the same without the person and office reads: read the \
        instance, update it on its version, read what the event seals (the quarterly return's versions and row, as \
        the store does), the next sequence number and the office's chain head, append the event. The engine without \
        its cache is a second store on the same file with `cachesActReads: false`. All four write into the same \
        database in turn (\(f.rounds) rounds of \(f.perRound) each), and the audit chain verifies afterwards: \
        \(verify.eventsChecked) events, \(verify.instancesRebuilt) records rebuilt.

        | mode | transitions | seconds | transitions/s | per round (transitions/s) | ratio to minimal | ratio to raw |
        |---|---:|---:|---:|---|---:|---:|
        | minimal loop (C API: instance, update, seal reads, chain head, append) | \(total) | \(format(minimalSeconds)) | \(Int(minimalRate)) | \(perRound(f.minimalRounds)) | 1.00 | \(format(minimalRate / rawRate, 2)) |
        | raw SQLite C-API loop (the store's SQL, person and office read), one transaction each | \(total) | \(format(rawSeconds)) | \(Int(rawRate)) | \(perRound(f.rawRounds)) | \(format(rawRate / minimalRate, 2)) | 1.00 |
        | engine + store, one transaction each | \(total) | \(format(engineSeconds)) | \(Int(engineRate)) | \(perRound(f.engineRounds)) | \(format(engineRate / minimalRate, 2)) | \(format(engineRate / rawRate, 2)) |
        | engine + store without the act cache, one transaction each | \(total) | \(format(uncachedSeconds)) | \(Int(uncachedRate)) | \(perRound(f.uncachedRounds)) | \(format(uncachedRate / minimalRate, 2)) | \(format(uncachedRate / rawRate, 2)) |
        | engine + store, \(f.batch) per transaction | \(f.batchedCount) | \(format(f.batchedSeconds)) | \(Int(batchedRate)) | | \(format(batchedRate / minimalRate, 2)) | \(format(batchedRate / rawRate, 2)) |

        """
    return (
        section,
        [
            "| transitions/s, engine, one transaction each | \(Int(engineRate)) | \(Int(rawRate)) (raw C-API loop) "
                + "| \(format(engineRate / rawRate, 2)) | ≥ 0.5 × raw and ≥ 20,000/s | "
                + "\(engineRate >= 0.5 * rawRate && engineRate >= 20_000 ? "yes" : "no") |",
            "| transitions/s, engine, \(f.batch) per transaction | \(Int(batchedRate)) | \(Int(rawRate)) "
                + "(raw, one each) | \(format(batchedRate / rawRate, 2)) | | |",
            "| transitions/s, engine, one transaction each, against the minimal loop | \(Int(engineRate)) | "
                + "\(Int(minimalRate)) (minimal loop) | \(format(engineRate / minimalRate, 2)) | ≥ 0.7 × minimal | "
                + "\(engineRate >= 0.7 * minimalRate ? "yes" : "no") |",
            "| transitions/s, engine without the act cache, one transaction each | \(Int(uncachedRate)) | "
                + "\(Int(engineRate)) (engine with it) | \(format(uncachedRate / engineRate, 2)) | | |",
        ]
    )
}
