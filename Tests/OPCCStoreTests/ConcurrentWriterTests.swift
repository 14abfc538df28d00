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

    @Test func aWriteThatReadsFirstHoldsTheWriteLockSoAnotherWriterWaitsAndBothSucceed() async throws {
        let path = try databasePath()
        let first = try SQLiteStore(path: path)
        let second = try SQLiteStore(path: path)
        let reading = Mutex(false)
        // The first transaction reads, then pauses while the second tries to write, then writes what it read.
        // Begun DEFERRED it would hold only a read snapshot: the second would commit at once and the first's write
        // would fail with SQLITE_BUSY (a snapshot upgraded after another commit), which no timeout cures.
        let firstWrite = Task {
            try await first.write { tx -> Int in
                let seen = try tx.offices().count
                reading.withLock { $0 = true }
                Thread.sleep(forTimeInterval: 0.4)
                try addOffice("first-\(seen)", in: tx)
                return seen
            }
        }
        try await until(reading)
        let began = Date()
        try await second.write { tx in try addOffice("second", in: tx) }
        let waited = Date().timeIntervalSince(began)
        let seen = try await firstWrite.value
        #expect(seen == 0)
        #expect(waited >= 0.2, "the second writer waited for the first's lock (\(waited) s)")
        let offices = try await first.read { try $0.offices().map(\.id) }
        #expect(offices == ["first-0", "second"], "both writes committed; neither was lost")
    }

    @Test func aTransactionStillBusyAfterTheTimeoutIsTriedAgainWholeAndOtherwiseRefusedAsBusy() async throws {
        let path = try databasePath()
        let holder = try SQLiteStore(path: path)
        // Short timeouts stand in for the 10 s a real store waits.
        let impatient = try SQLiteStore(path: path, busyTimeout: 0.05, attempts: 1)
        let patient = try SQLiteStore(path: path, busyTimeout: 0.05, attempts: 40)
        let holding = Mutex(false)
        let finished = Task {
            try? await holder.write { tx in
                try addOffice("holder", in: tx)
                holding.withLock { $0 = true }
                Thread.sleep(forTimeInterval: 0.5)
            }
        }
        try await until(holding)
        await #expect(throws: StoreError.busy) {
            try await impatient.write { tx in try addOffice("impatient", in: tx) }
        }
        let bodyRuns = Mutex(0)
        try await patient.write { tx in
            bodyRuns.withLock { $0 += 1 }
            try addOffice("patient", in: tx)
        }
        await finished.value
        #expect(bodyRuns.withLock { $0 } == 1, "the body runs only once the transaction has the lock")
        let offices = try await holder.read { try $0.offices().map(\.id) }
        #expect(offices == ["holder", "patient"], "the refused write changed nothing; the retried one committed")
    }
}
