import Foundation
import GRDB
import OPCCCore
import OPCCServices
import OPCCStore

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
    let recorded = try recordedRolesAndPayloads(path: path)
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
    var figures = TransitionFigures(perRound: n, rounds: options.rounds, batch: options.batch)
    for _ in 0..<options.rounds {
        let e = try await seconds { try await engine(n) }
        let r = try await seconds { try await rawLoop(n) }
        figures.engineRounds.append(e)
        figures.rawRounds.append(r)
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
    let engineRounds = f.engineRounds.map { Double(f.perRound) / $0 }
    let rawRounds = f.rawRounds.map { Double(f.perRound) / $0 }
    let section = """

        ## Workflow transitions: the engine and store against a raw SQLite loop

        Each transition, one transaction each: load the instance, the actor and their grants, the office's \
        profile hash (the parsed profile is cached by that hash; its text is read only when the hash is new), run \
        the guards, conditional UPDATE on the version, read the audit head, append the hash-chained \
        audit event (SHA-256). WAL, synchronous=NORMAL, a file in the temporary folder. The raw loop \
        (`Sources/opcc-bench/RawLoop.swift`) runs the same statements the store runs, prepared once, through the \
        SQLite C API, computing the same SHA-256 chain, with no engine, guards or GRDB; it writes into the same \
        database in turn with the engine (\(f.rounds) rounds of \(f.perRound) each), and the audit chain verifies \
        afterwards: \(verify.eventsChecked) events, \(verify.instancesRebuilt) records rebuilt.

        | mode | transitions | seconds | transitions/s | per round (transitions/s) | ratio |
        |---|---:|---:|---:|---|---:|
        | raw SQLite C-API loop, one transaction each | \(total) | \(format(rawSeconds)) | \(Int(rawRate)) | \(rawRounds.map { String(Int($0)) }.joined(separator: ", ")) | 1.00 |
        | engine + store, one transaction each | \(total) | \(format(engineSeconds)) | \(Int(engineRate)) | \(engineRounds.map { String(Int($0)) }.joined(separator: ", ")) | \(format(engineRate / rawRate, 2)) |
        | engine + store, \(f.batch) per transaction | \(f.batchedCount) | \(format(f.batchedSeconds)) | \(Int(batchedRate)) | | \(format(batchedRate / rawRate, 2)) |

        """
    return (
        section,
        [
            "| transitions/s, engine, one transaction each | \(Int(engineRate)) | \(Int(rawRate)) (raw C-API loop) "
                + "| \(format(engineRate / rawRate, 2)) | ≥ 0.5 × raw and ≥ 20,000/s | "
                + "\(engineRate >= 0.5 * rawRate && engineRate >= 20_000 ? "yes" : "no") |",
            "| transitions/s, engine, \(f.batch) per transaction | \(Int(batchedRate)) | \(Int(rawRate)) "
                + "(raw, one each) | \(format(batchedRate / rawRate, 2)) | | |",
        ]
    )
}
