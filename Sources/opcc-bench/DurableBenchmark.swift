import Foundation
import OPCCCore
import OPCCServices
import OPCCStore

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
    // The ceiling group commit aims at: the same acts through the engine batched, `--batch` to a transaction (one
    // fsync each), on a durable database of its own, in the same run.
    let (batched, batchedIDs, batchedPath) = try await prepare(home: home, returns: callers, durable: true)
    let batchSize = max(1, min(options.batch, callers * perCaller))
    print("opcc-bench: durable, \(callers * perCaller) acts, \(batchSize) per transaction, on \(batchedPath)")
    let requests = (0..<perCaller).flatMap { i in (0..<callers).map { c in act(i, batchedIDs[c]) } }
    let batchedSeconds = try await seconds {
        for start in stride(from: 0, to: requests.count, by: batchSize) {
            let results = try await batched.fireAll(Array(requests[start..<min(start + batchSize, requests.count)]))
            precondition(
                results.allSatisfy { if case .success = $0 { true } else { false } }, "a benchmark act was refused")
        }
    }
    for app in [single, grouped, batched] {
        let verify = try await app.verifyAudit()
        precondition(verify.isIntact, "audit chain broken: \(verify.problems)")
    }
    let total = callers * perCaller
    let singleRate = Double(total) / singleSeconds
    let groupedRate = Double(total) / groupedSeconds
    let batchedRate = Double(total) / batchedSeconds
    let section = """

        ## Durable transitions under concurrent callers: one fsync each against group commit

        synchronous=FULL (every commit waits for an fsync of the write-ahead log), on a file in the temporary \
        folder; \(callers) threads at once, each firing \(perCaller) acts (return for revision, resubmit) on its own \
        return. One transaction each: `Commissioning.fire`, one commit and one fsync per act. Group commit: \
        `GroupCommit.fire`, each act in its own savepoint inside a transaction shared with whoever else is waiting \
        (a refused act is rolled back alone); no caller returns before the shared COMMIT has returned. \
        \(committer.batches) shared transactions, \(format(Double(total) / Double(committer.batches), 1)) acts each \
        on average; a transaction with fewer requests than the last one took waits up to \
        \(committer.gather.components.attoseconds / 1_000_000_000_000) µs for the callers of the last batch to come \
        back. Batched: the same acts, in the same order, through `Commissioning.fireAll`, \(batchSize) to a \
        transaction, by one caller: what group commit would reach if it lost nothing to waiting for its callers. The \
        three audit chains verify afterwards.

        | mode | transitions | seconds | transitions/s | ratio to one fsync per act | ratio to batched |
        |---|---:|---:|---:|---:|---:|
        | one transaction (one fsync) per act | \(total) | \(format(singleSeconds)) | \(Int(singleRate)) | 1.00 | \(format(singleRate / batchedRate, 2)) |
        | group commit | \(total) | \(format(groupedSeconds)) | \(Int(groupedRate)) | \(format(groupedRate / singleRate, 2)) | \(format(groupedRate / batchedRate, 2)) |
        | batched, \(batchSize) per transaction | \(total) | \(format(batchedSeconds)) | \(Int(batchedRate)) | \(format(batchedRate / singleRate, 2)) | 1.00 |

        """
    return (
        section,
        [
            "| durable transitions/s, group commit, \(callers) callers | \(Int(groupedRate)) | \(Int(singleRate)) "
                + "(one fsync per act) | \(format(groupedRate / singleRate, 2)) | well above 1 | "
                + "\(groupedRate > 2 * singleRate ? "yes" : "no") |",
            "| durable transitions/s, group commit, \(callers) callers, against batched | \(Int(groupedRate)) | "
                + "\(Int(batchedRate)) (durable, \(batchSize) per transaction) | "
                + "\(format(groupedRate / batchedRate, 2)) | ≥ 0.8 × batched | "
                + "\(groupedRate >= 0.8 * batchedRate ? "yes" : "no") |",
        ]
    )
}
