import Foundation
import GRDB
import OPCCCore
import OPCCTestSupport
import Synchronization
import Testing

@testable import OPCCStore

/// A transaction that waits for a busy database suspends its task: the wait happens on the store's own threads
/// (GRDB's writer queue), so Swift's cooperative pool, as wide as the machine has cores, stays free for other work.
/// A task executor of two threads (the cooperative pool's width on a two-core machine), for one test's tasks alone.
final class TwoThreadExecutor: TaskExecutor, @unchecked Sendable {
    static let width = 2
    private let queue = DispatchQueue(label: "opcc.tests.two-threads", attributes: .concurrent)
    private let slots = DispatchSemaphore(value: TwoThreadExecutor.width)

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        queue.async {
            // At most two jobs run at once: a job that blocks its thread holds one of the two.
            self.slots.wait()
            job.runSynchronously(on: self.asUnownedTaskExecutor())
            self.slots.signal()
        }
    }
}

@Suite("The asynchronous store boundary")
struct AsyncBoundaryTests {
    /// Whether another connection still holds the write lock, as the lock holder's own thread tells it.
    final class Lock: Sendable {
        let taken = Mutex(false)
        let released = Mutex(false)
        let releaseNow = Mutex(false)
    }

    // SQLite only: the writers wait for SQLite's write lock, held by a GRDB connection of the test's own.
    @Test func writersWaitingOnABusyDatabaseLeaveTheCooperativePoolFreeForOtherTasks() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("opcc-async-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent("busy.sqlite").path
        // Waits longer than the lock is ever held, so every waiter commits in the end.
        let store = try SQLiteStore(path: path, busyTimeout: 360, attempts: 1)
        let holder = try DatabaseQueue(path: path)
        let lock = Lock()
        // Another connection (another process, for SQLite) holds the write lock on a plain thread, outside the
        // pool, until the test lets go or 300 s have passed, whichever comes first (the other tests of a full run, and
        // on a shared machine other builds, take the cores, so the CPU work below may wait its turn for a long while:
        // a CI run beside three release builds, load average 85 on two cores, once took longer than 60 s).
        Thread.detachNewThread {
            try? holder.inDatabase { db in
                try db.execute(sql: "BEGIN IMMEDIATE TRANSACTION")
                lock.taken.withLock { $0 = true }
                let deadline = Date().addingTimeInterval(300)
                while !lock.releaseNow.withLock({ $0 }) && Date() < deadline {
                    Thread.sleep(forTimeInterval: 0.01)
                }
                try db.execute(sql: "ROLLBACK TRANSACTION")
                lock.released.withLock { $0 = true }
            }
        }
        while !lock.taken.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(10)) }

        // The writers and the CPU work run on an executor of their own, two threads wide, standing for the cooperative
        // pool: the other tests of a full run, which share the real pool, cannot then decide the outcome.
        let pool = TwoThreadExecutor()
        // Twice the executor's width of writers, all waiting for the lock: a blocking wait would take every thread.
        let writers = 2 * TwoThreadExecutor.width
        let waiting = (0..<writers).map { i in
            Task(executorPreference: pool) {
                try await store.write { tx in
                    try tx.saveOffice(
                        id: "office-\(i)", name: "Office \(i)", orgID: nil, profileText: "id: office-\(i)",
                        registeredAt: "2026-11-20T09:00:00Z")
                }
            }
        }
        try await Task.sleep(for: .milliseconds(300))
        // Pure CPU work on the same threads: it finishes promptly only if the waits left one free.
        let work = Task(executorPreference: pool) { () -> (sum: UInt64, whileHeld: Bool) in
            var sum: UInt64 = 0
            for n in 0..<2_000_000 as Range<UInt64> { sum = sum &+ (n ^ (n >> 3)) }
            return (sum, !lock.released.withLock { $0 })
        }
        let done = await work.value
        lock.releaseNow.withLock { $0 = true }
        for writer in waiting { try await writer.value }

        #expect(done.sum > 0)
        #expect(done.whileHeld, "the CPU task ran while \(writers) writers waited for the lock, not after")
        let offices = try await store.read { try $0.offices().count }
        #expect(offices == writers, "every waiting writer committed once the lock was released")
    }

    @Test(arguments: TestEngine.all)
    func aTaskCancelledBeforeItsTransactionBeginsThrowsCancellationAndChangesNothing(engine: TestEngine) async throws {
        let store = try await engine.makeStores(1)[0]
        let cancelled = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            try await store.write { tx in
                try tx.saveOffice(
                    id: "cancelled", name: "Cancelled", orgID: nil, profileText: "id: cancelled",
                    registeredAt: "2026-11-20T09:00:00Z")
            }
        }
        await #expect(throws: CancellationError.self) { try await cancelled.value }
        let offices = try await store.read { try $0.offices().count }
        #expect(offices == 0, "the cancelled transaction wrote nothing")
    }
}
