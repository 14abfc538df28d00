import Foundation
import OPCCCore
import OPCCStore

/// Group commit: many concurrent callers share one write transaction, so that a durable database pays one fsync
/// per batch instead of one per act.
///
/// Each caller's work runs in its own savepoint inside the shared transaction: a refused act, or work that throws,
/// is rolled back alone and the others in the batch are kept. No caller returns before the shared COMMIT has
/// returned: an accepted act is on disk (as durable as the store's setting makes it) when `fire` returns, and if
/// the COMMIT fails every caller in the batch gets the error. Whoever finds no batch in flight commits the pending
/// ones (their own included), taking in those that arrive while it works, up to `maxBatch`; the others wait for
/// it, so no extra thread is needed.
public final class GroupCommit: Sendable {
    public let app: Commissioning
    /// The most requests one transaction takes.
    public let maxBatch: Int
    private let state = Shared()

    public init(app: Commissioning, maxBatch: Int = 256) {
        self.app = app
        self.maxBatch = max(1, maxBatch)
    }

    /// Runs one act through the act runner, in a savepoint of the next shared transaction; returns once that
    /// transaction has committed. A refusal changes nothing, is written to the refusal log and thrown, as
    /// `Commissioning.fire` does: group commit is a way of running the runner's one path, not a second one.
    @discardableResult
    public func fire(_ request: Commissioning.ActRequest) throws -> Commissioning.Fired {
        let today = app.clock.today()
        let app = self.app
        let result = try perform(
            { tx in try app.run(request, on: app.bareInstance, in: tx, today: today).map { $0.fired } },
            keep: { if case .success = $0 { true } else { false } })
        switch result {
        case .success(let fired): return fired
        case .failure(let refused):
            try app.logRefusals([(request, refused)])
            throw refused
        }
    }

    /// Runs `work` in a savepoint of the next shared transaction and returns its result once that transaction has
    /// committed. When `keep` rejects the result, or `work` throws, what it wrote is rolled back alone.
    public func perform<T: Sendable>(
        _ work: @escaping @Sendable (any StoreTransaction) throws -> T,
        keep: @escaping @Sendable (T) -> Bool = { _ in true }
    ) throws -> T {
        let slot = Slot()
        let pending = Pending(
            run: { tx in
                do {
                    let value = try tx.savepoint({ try work(tx) }, keep: keep)
                    slot.staged = .success(value)
                } catch {
                    slot.staged = .failure(error)
                }
            }, slot: slot)
        state.condition.lock()
        state.queue.append(pending)
        while slot.outcome == nil {
            if state.committing {
                state.condition.wait()
                continue
            }
            // Nobody is committing: this caller commits everything pending, its own request included, and what
            // arrives while it works (up to `maxBatch`), then COMMITs.
            state.committing = true
            state.condition.unlock()
            var batch: [Pending] = []
            let outcome: Result<Void, any Error>
            do {
                try app.store.write { tx in
                    // The store tries a transaction SQLite answered busy again from the start: what this batch had
                    // taken was rolled back with it, so it runs again before anything new is taken.
                    for p in batch { p.run(tx) }
                    while batch.count < maxBatch {
                        let next = state.take(maxBatch - batch.count)
                        if next.isEmpty { break }
                        for p in next { p.run(tx) }
                        batch += next
                    }
                }
                outcome = .success(())
            } catch {
                // BEGIN or COMMIT failed: every request taken into the transaction gets the error.
                outcome = .failure(error)
            }
            state.condition.lock()
            // Only now, after COMMIT returned (or failed), are the callers of the batch told.
            for p in batch {
                switch outcome {
                case .success: p.slot.outcome = p.slot.staged
                case .failure(let error): p.slot.outcome = .failure(error)
                }
            }
            state.batches += 1
            state.committing = false
            state.condition.broadcast()
        }
        let outcome = slot.outcome!
        state.condition.unlock()
        switch outcome {
        case .success(let value): return value as! T
        case .failure(let error): throw error
        }
    }

    /// How many requests are waiting for the next shared transaction.
    public var pending: Int {
        state.condition.lock()
        defer { state.condition.unlock() }
        return state.queue.count
    }

    /// How many shared transactions have committed (or failed) so far.
    public var batches: Int {
        state.condition.lock()
        defer { state.condition.unlock() }
        return state.batches
    }

    /// One caller's result: `staged` is set inside the transaction, `outcome` only after it committed.
    private final class Slot: @unchecked Sendable {
        var staged: Result<any Sendable, any Error>?
        var outcome: Result<any Sendable, any Error>?
    }

    private struct Pending: @unchecked Sendable {
        let run: (any StoreTransaction) -> Void
        let slot: Slot
    }

    /// The queue and the flag, guarded by `condition`'s lock (every field is read and written only while holding
    /// it, except `Slot.staged`, which only the committing caller touches, before it takes the lock again).
    private final class Shared: @unchecked Sendable {
        let condition = NSCondition()
        var queue: [Pending] = []
        var committing = false
        var batches = 0

        /// Takes up to `count` pending requests off the queue.
        func take(_ count: Int) -> [Pending] {
            condition.lock()
            defer { condition.unlock() }
            let taken = Array(queue.prefix(count))
            queue.removeFirst(taken.count)
            return taken
        }
    }
}
