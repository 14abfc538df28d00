import Foundation
import OPCCCore
import OPCCStore
import Synchronization

/// Group commit: many concurrent callers share one write transaction, so that a durable database pays one fsync
/// per batch instead of one per act.
///
/// Each caller's work runs in its own savepoint inside the shared transaction: a refused act, or work that throws,
/// is rolled back alone and the others in the batch are kept. No caller returns before the shared COMMIT has
/// returned: an accepted act is on disk (as durable as the store's setting makes it) when `fire` returns, and if
/// the COMMIT fails every caller in the batch gets the error. Whoever finds no batch in flight starts a committing
/// task, which commits the pending ones, taking in those that arrive while it works, up to `maxBatch`, until none is
/// pending; the callers wait for it (suspended, not blocking a thread). A transaction that has taken fewer than the
/// last one did waits a little (`gather`) for the callers of the last batch to come back with their next act.
public final class GroupCommit: Sendable {
    public let app: Commissioning
    /// The most requests one transaction takes.
    public let maxBatch: Int
    private let state = Mutex(Queue())
    /// Signalled when a request arrives while the committing caller waits for the callers of the last batch.
    private let arrival = DispatchSemaphore(value: 0)
    /// How long, at most, a transaction waits with an empty queue for callers of the last batch to come back.
    public let gather: Duration

    public init(app: Commissioning, maxBatch: Int = 256, gather: Duration = .microseconds(500)) {
        self.app = app
        self.maxBatch = max(1, maxBatch)
        self.gather = gather
    }

    /// Runs one act through the act runner, in a savepoint of the next shared transaction; returns once that
    /// transaction has committed. A refusal changes nothing, is written to the refusal log and thrown, as
    /// `Commissioning.fire` does: group commit is a way of running the runner's one path, not a second one.
    @discardableResult
    public func fire(_ request: Commissioning.ActRequest) async throws -> Commissioning.Fired {
        let today = app.clock.today()
        let app = self.app
        let result = try await perform(
            { tx in try app.run(request, on: app.bareInstance, in: tx, today: today).map { $0.fired } },
            keep: { if case .success = $0 { true } else { false } })
        switch result {
        case .success(let fired): return fired
        case .failure(let refused):
            try await app.logRefusals([(request, refused)])
            throw refused
        }
    }

    /// Runs `work` in a savepoint of the next shared transaction and returns its result once that transaction has
    /// committed. When `keep` rejects the result, or `work` throws, what it wrote is rolled back alone.
    public func perform<T: Sendable>(
        _ work: @escaping @Sendable (any StoreTransaction) throws -> T,
        keep: @escaping @Sendable (T) -> Bool = { _ in true }
    ) async throws -> T {
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
        let (commits, wakes) = state.withLock { state in
            state.queue.append(pending)
            let wakes = state.gathering
            state.gathering = false
            if state.committing { return (false, wakes) }
            state.committing = true
            return (true, wakes)
        }
        if wakes { arrival.signal() }
        // Nobody is committing: a task of its own commits everything pending, this request included, and what
        // arrives while it works (up to `maxBatch` a transaction), until the queue is empty; every caller, this one
        // too, awaits its slot, so it can come back with its next act while the committer goes on.
        if commits { Task.detached { await self.commitWhilePending() } }
        switch try await slot.outcome() {
        case .success(let value): return value as! T
        case .failure(let error): throw error
        }
    }

    /// Commits batches until no request is pending; each caller of a batch is told only after its COMMIT returned.
    private func commitWhilePending() async {
        while true {
            let batch = Batch()
            let outcome: Result<Void, any Error>
            do {
                try await app.store.write { [self] tx in
                    // The store tries a transaction SQLite answered busy again from the start: what this batch had
                    // taken was rolled back with it, so it runs again before anything new is taken.
                    for p in batch.taken { p.run(tx) }
                    let deadline = ContinuousClock.now + gather
                    while batch.taken.count < self.maxBatch {
                        let next = self.state.withLock { $0.take(self.maxBatch - batch.taken.count) }
                        if next.isEmpty {
                            if self.awaitCallersOfTheLastBatch(taken: batch.taken.count, until: deadline) { continue }
                            break
                        }
                        for p in next { p.run(tx) }
                        batch.taken += next
                    }
                }
                outcome = .success(())
            } catch {
                // BEGIN or COMMIT failed: every request taken into the transaction gets the error.
                outcome = .failure(error)
            }
            // Only now, after COMMIT returned (or failed), are the callers of the batch told.
            for p in batch.taken {
                switch outcome {
                case .success: p.slot.finish(p.slot.staged ?? .failure(CancellationError()))
                case .failure(let error): p.slot.finish(.failure(error))
                }
            }
            let more = state.withLock { state in
                state.batches += 1
                state.lastBatch = batch.taken.count
                if state.queue.isEmpty { state.committing = false }
                return state.committing
            }
            if !more { return }
        }
    }

    /// With the queue empty and fewer requests taken than the last batch held, waits (until `deadline` at most) for
    /// one to arrive: the callers just told of the last commit are on their way back with their next act, and a
    /// batch that commits without them makes them pay a commit (an fsync) of their own. True when one arrived.
    /// Called on the store's writing thread, never on Swift's cooperative pool, which the callers need to arrive.
    private func awaitCallersOfTheLastBatch(taken: Int, until deadline: ContinuousClock.Instant) -> Bool {
        enum Next { case take, wait, commit }
        let next = state.withLock { state -> Next in
            if !state.queue.isEmpty { return .take }
            guard taken < state.lastBatch else { return .commit }
            state.gathering = true
            return .wait
        }
        guard next == .wait else { return next == .take }
        let left = deadline - ContinuousClock.now
        let nanoseconds = left.components.seconds * 1_000_000_000 + left.components.attoseconds / 1_000_000_000
        if nanoseconds > 0 { _ = arrival.wait(timeout: .now() + .nanoseconds(Int(nanoseconds))) }
        return state.withLock { state in
            state.gathering = false
            return !state.queue.isEmpty
        }
    }

    /// How many requests are waiting for the next shared transaction.
    public var pending: Int { state.withLock { $0.queue.count } }

    /// How many shared transactions have committed (or failed) so far.
    public var batches: Int { state.withLock { $0.batches } }

    /// One caller's result: `staged` is set inside the transaction (by the committing caller only), the outcome only
    /// after it committed, resuming the caller awaiting it.
    private final class Slot: @unchecked Sendable {
        var staged: Result<any Sendable, any Error>?
        private let box = Mutex<(result: Result<any Sendable, any Error>?, waiter: Waiter?)>((nil, nil))
        typealias Waiter = CheckedContinuation<Result<any Sendable, any Error>, any Error>

        func finish(_ result: Result<any Sendable, any Error>) {
            let waiter = box.withLock { box in
                box.result = result
                defer { box.waiter = nil }
                return box.waiter
            }
            waiter?.resume(returning: result)
        }

        func outcome() async throws -> Result<any Sendable, any Error> {
            try await withCheckedThrowingContinuation { (waiter: Waiter) in
                let ready = box.withLock { box in
                    if box.result == nil { box.waiter = waiter }
                    return box.result
                }
                if let ready { waiter.resume(returning: ready) }
            }
        }
    }

    private struct Pending: @unchecked Sendable {
        let run: (any StoreTransaction) -> Void
        let slot: Slot
    }

    /// What one shared transaction has taken so far; only the committing caller touches it.
    private final class Batch: @unchecked Sendable {
        var taken: [Pending] = []
    }

    /// The queue and the flag, guarded by the mutex.
    private struct Queue: Sendable {
        var queue: [Pending] = []
        var committing = false
        var batches = 0
        /// How many requests the last transaction took: the callers likely to come back with their next act.
        var lastBatch = 0
        /// The committing caller waits for an arrival (`awaitCallersOfTheLastBatch`).
        var gathering = false

        /// Takes up to `count` pending requests off the queue.
        mutating func take(_ count: Int) -> [Pending] {
            let taken = Array(queue.prefix(count))
            queue.removeFirst(taken.count)
            return taken
        }
    }
}
