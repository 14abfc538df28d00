import Foundation
import GRDB
import OPCCCore
import Synchronization
import Testing

@testable import OPCCStore

/// Several processes write one database file at once (the CLI, the server, a backup). Two stores opened on one file
/// stand for two processes here: each has its own connections and its own locks.
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

    /// Waits, suspended, until `flag` is set.
    func until(_ flag: borrowing Mutex<Bool>) async throws {
        while !flag.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(5)) }
    }

    // SQLite only: it checks SQLite's one write lock, which PostgreSQL has no equivalent of (its writers lock rows).
    @Test func aWriteThatReadsFirstHoldsTheWriteLockSoAnotherWriterWaitsAndBothSucceed() async throws {
        let path = try databasePath()
        let first = try SQLiteStore(path: path)
        let second = try SQLiteStore(path: path)
        let reading = Mutex(false)
        let firstEnded = Mutex<Date?>(nil)
        // The first transaction reads, then pauses while the second tries to write, then writes what it read.
        // Begun DEFERRED it would hold only a read snapshot: the second would commit at once and the first's write
        // would fail with SQLITE_BUSY (a snapshot upgraded after another commit), which no timeout cures.
        let firstWrite = Task {
            try await first.write { tx -> Int in
                let seen = try tx.offices().count
                reading.withLock { $0 = true }
                Thread.sleep(forTimeInterval: 0.4)
                try addOffice("first-\(seen)", in: tx)
                firstEnded.withLock { $0 = Date() }
                return seen
            }
        }
        try await until(reading)
        let secondBegan = Mutex<Date?>(nil)
        try await second.write { tx in
            secondBegan.withLock { $0 = Date() }
            try addOffice("second", in: tx)
        }
        let seen = try await firstWrite.value
        #expect(seen == 0)
        // The second's body ran only once the first had finished (and committed): it waited for the lock.
        let (ended, began) = (try #require(firstEnded.withLock { $0 }), try #require(secondBegan.withLock { $0 }))
        #expect(began >= ended, "the second writer began \(ended.timeIntervalSince(began)) s before the first ended")
        let offices = try await first.read { try $0.offices().map(\.id) }
        #expect(offices == ["first-0", "second"], "both writes committed; neither was lost")
    }

    // SQLite only: it holds SQLite's write lock against stores with SQLite's busy timeout and attempts.
    @Test func aTransactionStillBusyAfterTheTimeoutIsTriedAgainWholeAndOtherwiseRefusedAsBusy() async throws {
        let path = try databasePath()
        let holder = try SQLiteStore(path: path)
        // Short timeouts stand in for the 10 s a real store waits.
        let impatient = try SQLiteStore(path: path, busyTimeout: 0.05, attempts: 1)
        let patient = try SQLiteStore(path: path, busyTimeout: 0.05, attempts: 40)
        let holding = Mutex(false)
        let release = Mutex(false)
        // The holder keeps the lock until the test lets go (or 30 s pass): the test's timing cannot decide it.
        let finished = Task {
            try? await holder.write { tx in
                try addOffice("holder", in: tx)
                holding.withLock { $0 = true }
                let deadline = Date().addingTimeInterval(30)
                while !release.withLock({ $0 }) && Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
            }
        }
        try await until(holding)
        await #expect(throws: StoreError.busy) {
            try await impatient.write { tx in try addOffice("impatient", in: tx) }
        }
        let bodyRuns = Mutex(0)
        let patientWrite = Task {
            try await patient.write { tx in
                bodyRuns.withLock { $0 += 1 }
                try addOffice("patient", in: tx)
            }
        }
        // The patient writer tries for up to 40 × 0.05 s; the lock is let go well within that.
        try await Task.sleep(for: .milliseconds(300))
        release.withLock { $0 = true }
        try await patientWrite.value
        await finished.value
        #expect(bodyRuns.withLock { $0 } == 1, "the body runs only once the transaction has the lock")
        let offices = try await holder.read { try $0.offices().map(\.id) }
        #expect(offices == ["holder", "patient"], "the refused write changed nothing; the retried one committed")
    }
}
