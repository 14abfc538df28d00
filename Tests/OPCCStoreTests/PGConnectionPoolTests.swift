import Foundation
import OPCCStore
import OPCCTestSupport
import Synchronization
import Testing

/// The PostgreSQL store's connections: a fixed number, each lent to one body at a time on the pool's own threads.
@Suite(
    "PostgreSQL connection pool",
    .enabled(if: OutsideTool.postgres.runs, Comment(rawValue: OutsideTool.postgres.skipReason)))
struct PGConnectionPoolTests {
    /// A count shared by the bodies of one test.
    final class Count: Sendable {
        let value = Mutex((now: 0, most: 0))
    }

    @Test func tenBodiesOnTwoConnectionsAllRunAndNeverMoreThanTwoAreOpen() async throws {
        let pool = PGConnectionPool(url: try PostgresTestDatabase.make().url, size: 2)
        let busiest = Count()
        let servers = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<10 {
                group.addTask {
                    try await pool.withConnection { connection in
                        busiest.value.withLock {
                            $0.now += 1; $0.most = max($0.most, $0.now)
                        }
                        defer { busiest.value.withLock { $0.now -= 1 } }
                        let row = try connection.execute("SELECT pg_backend_pid()::text, pg_sleep(0.02)").rows
                        return row.first?.first.flatMap { $0 } ?? "?"
                    }
                }
            }
            return try await group.reduce(into: [String]()) { $0.append($1) }
        }
        #expect(servers.count == 10, "every body ran")
        #expect(Set(servers).count <= 2, "at most two server sessions: \(Set(servers))")
        #expect(busiest.value.withLock { $0.most } <= 2)
        #expect(pool.openConnections <= 2)
    }

    @Test func aConnectionBrokenInABodyIsClosedAndTheNextBodyGetsANewOne() async throws {
        let pool = PGConnectionPool(url: try PostgresTestDatabase.make().url, size: 1)
        let first = try await pool.withConnection { try $0.execute("SELECT pg_backend_pid()::text").rows }
        // The server ends the session, as a restart or a failover would.
        await #expect(throws: PGError.self) {
            try await pool.withConnection { try $0.execute("SELECT pg_terminate_backend(pg_backend_pid())") }
        }
        let second = try await pool.withConnection { try $0.execute("SELECT pg_backend_pid()::text").rows }
        #expect(first != second, "a new server session")
        #expect(pool.openConnections == 1)
    }

    @Test func aConnectionThatCannotBeOpenedIsRefusedAndLeavesItsPlaceFree() async throws {
        let missing = PostgresTestDatabase.replacingDatabase(
            of: try #require(OutsideTool.postgresURL), with: "opcc_no_such_database")
        let pool = PGConnectionPool(url: missing, size: 1)
        for _ in 0..<2 {
            await #expect(throws: PGError.self) { try await pool.withConnection { _ in 1 } }
        }
        #expect(pool.openConnections == 0)
    }

    @Test func bodiesWaitingOnTheServerLeaveTheCooperativePoolFree() async throws {
        let width = ProcessInfo.processInfo.activeProcessorCount
        let pool = PGConnectionPool(url: try PostgresTestDatabase.make().url, size: 2 * width)
        let sleeping = Count()
        // Twice the cooperative pool's width of bodies, each blocked in the server for two seconds.
        let sleepers = (0..<(2 * width)).map { _ in
            Task {
                try await pool.withConnection { connection in
                    sleeping.value.withLock { $0.now += 1 }
                    try connection.execute("SELECT pg_sleep(2)")
                    sleeping.value.withLock { $0.now -= 1 }
                }
            }
        }
        while sleeping.value.withLock({ $0.now }) < 2 * width { try await Task.sleep(for: .milliseconds(10)) }
        // CPU work on the cooperative pool finishes while they all still wait, only if they left it a thread.
        let work = Task { () -> Bool in
            var sum: UInt64 = 0
            for n in 0..<200_000 as Range<UInt64> { sum = sum &+ (n ^ (n >> 3)) }
            return sum > 0 && sleeping.value.withLock { $0.now } == 2 * width
        }
        #expect(await work.value, "the CPU task ran while every body was blocked in the server")
        for sleeper in sleepers { try await sleeper.value }
    }
}
