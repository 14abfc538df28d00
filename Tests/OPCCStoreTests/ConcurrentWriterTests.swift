import Foundation
import GRDB
import OPCCCore
import Synchronization
import Testing

@testable import OPCCStore

/// Several processes write one database file at once (the CLI, the server, a backup). Two stores opened on one file
/// stand for two processes here: each has its own connections and its own locks.
/// What a background transaction answered.
final class Outcome: Sendable {
    let result = Mutex<Result<Int, any Error>?>(nil)
}

@Suite("Concurrent writers on one database file")
struct ConcurrentWriterTests {
    func databasePath() throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("opcc-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder.appendingPathComponent("shared.sqlite").path
    }

    func addOffice(_ id: String, in tx: any StoreTransaction) throws {
        try tx.saveOffice(id: id, name: id, orgID: nil, profileText: "id: \(id)", registeredAt: "t")
    }

    /// Runs `body` on another thread once started; `done` is signalled when it has finished.
    func inBackground(_ body: @escaping @Sendable () -> Void) -> DispatchSemaphore {
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            body()
            done.signal()
        }
        return done
    }

    @Test func aWriteThatReadsFirstHoldsTheWriteLockSoAnotherWriterWaitsAndBothSucceed() throws {
        let path = try databasePath()
        let first = try SQLiteStore(path: path)
        let second = try SQLiteStore(path: path)
        let reading = DispatchSemaphore(value: 0)
        let firstResult = Outcome()
        // The first transaction reads, then pauses while the second tries to write, then writes what it read.
        // Begun DEFERRED it would hold only a read snapshot: the second would commit at once and the first's write
        // would fail with SQLITE_BUSY (a snapshot upgraded after another commit), which no timeout cures.
        let finished = inBackground {
            let result = Result {
                try first.write { tx -> Int in
                    let seen = try tx.offices().count
                    reading.signal()
                    Thread.sleep(forTimeInterval: 0.4)
                    try addOffice("first-\(seen)", in: tx)
                    return seen
                }
            }
            firstResult.result.withLock { $0 = result }
        }
        reading.wait()
        let began = Date()
        try second.write { tx in try addOffice("second", in: tx) }
        let waited = Date().timeIntervalSince(began)
        finished.wait()
        let seen = try #require(try firstResult.result.withLock { try $0?.get() })
        #expect(seen == 0)
        #expect(waited >= 0.2, "the second writer waited for the first's lock (\(waited) s)")
        let offices = try first.read { try $0.offices().map(\.id) }
        #expect(offices == ["first-0", "second"], "both writes committed; neither was lost")
    }

    @Test func aTransactionStillBusyAfterTheTimeoutIsTriedAgainWholeAndOtherwiseRefusedAsBusy() throws {
        let path = try databasePath()
        let holder = try SQLiteStore(path: path)
        // Short timeouts stand in for the 10 s a real store waits.
        let impatient = try SQLiteStore(path: path, busyTimeout: 0.05, attempts: 1)
        let patient = try SQLiteStore(path: path, busyTimeout: 0.05, attempts: 40)
        let holding = DispatchSemaphore(value: 0)
        let finished = inBackground {
            try? holder.write { tx in
                try addOffice("holder", in: tx)
                holding.signal()
                Thread.sleep(forTimeInterval: 0.5)
            }
        }
        holding.wait()
        #expect(throws: StoreError.busy) {
            try impatient.write { tx in try addOffice("impatient", in: tx) }
        }
        var bodyRuns = 0
        try patient.write { tx in
            bodyRuns += 1
            try addOffice("patient", in: tx)
        }
        finished.wait()
        #expect(bodyRuns == 1, "the body runs only once the transaction has the lock")
        let offices = try holder.read { try $0.offices().map(\.id) }
        #expect(offices == ["holder", "patient"], "the refused write changed nothing; the retried one committed")
    }
}
