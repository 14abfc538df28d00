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

    /// Whether the bodies of one test ran on the pool's threads.
    final class Threads: Sendable {
        let value = Mutex<Set<Bool>>([])
    }

    /// A gate the bodies of one test wait at, on the pool's threads, until the test opens it.
    final class Gate: Sendable {
        private let opened = Mutex(false)
        let arrived = Mutex(0)

        /// Waits until the gate is opened or `seconds` have passed.
        func pass(for seconds: TimeInterval = 60) {
            arrived.withLock { $0 += 1 }
            let deadline = Date().addingTimeInterval(seconds)
            while !opened.withLock({ $0 }) && Date() < deadline { Thread.sleep(forTimeInterval: 0.005) }
        }

        func open() { opened.withLock { $0 = true } }
    }

    /// How many client sessions the server has on `database` now, seen from a connection to another database (not
    /// counting an autovacuum worker, which visits new databases too).
    static func sessions(on database: String) throws -> Int {
        let admin = try PGConnection(
            url: PostgresTestDatabase.replacingDatabase(of: try #require(OutsideTool.postgresURL), with: "postgres"))
        let count = try admin.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = $1 AND backend_type = 'client backend'", [database])
        return Int(count.rows.first?.first.flatMap { $0 } ?? "") ?? -1
    }

    /// Waits until the server has `expected` sessions on `database` (a session ends a moment after its client goes).
    static func waitForSessions(_ expected: Int, on database: String) async throws -> Int {
        let deadline = Date().addingTimeInterval(10)
        var seen = try sessions(on: database)
        while seen != expected && Date() < deadline {
            try await Task.sleep(for: .milliseconds(20))
            seen = try sessions(on: database)
        }
        return seen
    }

    @Test func tenBodiesOnTwoConnectionsAllRunAndNeverMoreThanTwoAreOpen() async throws {
        let pool = PGConnectionPool(url: try PostgresTestDatabase.make().url, size: 2)
        let busiest = Count()
        let seen = try await withThrowingTaskGroup(of: [String?].self) { group in
            for _ in 0..<10 {
                group.addTask {
                    try await pool.withConnection { connection in
                        busiest.value.withLock {
                            $0.now += 1
                            $0.most = max($0.most, $0.now)
                        }
                        defer { busiest.value.withLock { $0.now -= 1 } }
                        let row = try connection.execute(
                            """
                            SELECT pg_backend_pid()::text,
                                (SELECT count(*) FROM pg_stat_activity
                                WHERE datname = current_database() AND backend_type = 'client backend')::text,
                                pg_sleep(0.02)
                            """)
                        return Array(row.rows[0].prefix(2))
                    }
                }
            }
            return try await group.reduce(into: [[String?]]()) { $0.append($1) }
        }
        #expect(seen.count == 10, "every body ran")
        #expect(Set(seen.map { $0[0] }).count <= 2, "at most two server sessions: \(seen)")
        #expect(seen.allSatisfy { Int($0[1] ?? "") ?? 99 <= 2 }, "the server never saw more than two: \(seen)")
        #expect(busiest.value.withLock { $0.most } <= 2)
        #expect(pool.openConnections <= 2)
    }

    @Test func callersWaitingForAConnectionAndBodiesWaitingOnTheServerLeaveTheCooperativePoolFree() async throws {
        let url = try PostgresTestDatabase.make().url
        let pool = PGConnectionPool(url: url, size: 2)
        // Another session, on a plain thread, holds a lock every body waits for in the server, until the test lets go
        // or 600 s have passed (so a pool that blocked the threads below fails the test rather than hanging it). A full
        // test run on a loaded machine can take minutes to open the connections and do the CPU work: with 120 s the
        // lock was once let go before the bodies reached the server (the whole suite at a load of 28), and none
        // waited there.
        let held = Gate()
        Thread.detachNewThread {
            let holder = try? PGConnection(url: url)
            _ = try? holder?.execute("SELECT pg_advisory_lock(42)")
            held.pass(for: 600)
            _ = try? holder?.execute("SELECT pg_advisory_unlock(42)")
        }
        while held.arrived.withLock({ $0 }) == 0 { try await Task.sleep(for: .milliseconds(5)) }
        let observer = try PGConnection(url: url)
        let threads = Threads()
        // The callers run on an executor two threads wide, standing for the cooperative pool (AsyncBoundaryTests):
        // two bodies blocked in the server and four callers waiting for a connection would take every thread of it if
        // either waited by blocking one.
        let executor = TwoThreadExecutor()
        let callers = (0..<6).map { _ in
            Task(executorPreference: executor) {
                try await pool.withConnection { connection in
                    threads.value.withLock { _ = $0.insert(PGConnectionPool.isRunningOnAPoolThread) }
                    try connection.execute("SELECT pg_advisory_lock_shared(42), pg_advisory_unlock_shared(42)")
                }
            }
        }
        @Sendable func waitingInTheServer() -> Int {
            let waiting = try? observer.execute(
                """
                SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND objid = 42
                    AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
                """)
            return Int(waiting?.rows.first?.first.flatMap { $0 } ?? "") ?? -1
        }
        let deadline = Date().addingTimeInterval(300)
        while waitingInTheServer() < 2 && Date() < deadline { try await Task.sleep(for: .milliseconds(10)) }
        #expect(waitingInTheServer() == 2, "two bodies wait in the server before the CPU work starts")
        // Pure CPU work on the same two threads, then a look at the server: are the two bodies still waiting there?
        let work = Task(executorPreference: executor) { () -> (sum: UInt64, waitingInTheServer: Int) in
            var sum: UInt64 = 0
            for n in 0..<2_000_000 as Range<UInt64> { sum = sum &+ (n ^ (n >> 3)) }
            return (sum, waitingInTheServer())
        }
        let done = await work.value
        held.open()
        for caller in callers { try await caller.value }
        #expect(done.sum > 0)
        #expect(done.waitingInTheServer == 2, "the CPU task ran while two bodies waited in the server, four for them")
        #expect(threads.value.withLock { $0 } == [true], "every body ran on the pool's threads")
    }

    struct Refused: Error, Equatable {
        let pid: String?
    }

    @Test func aBodysErrorReachesTheCallerAndItsConnectionIsLentAgain() async throws {
        let pool = PGConnectionPool(url: try PostgresTestDatabase.make().url, size: 1)
        let error = await #expect(throws: Refused.self) {
            try await pool.withConnection { connection -> Void in
                throw Refused(pid: try connection.execute("SELECT pg_backend_pid()::text").rows[0][0])
            }
        }
        let next = try await pool.withConnection { try $0.execute("SELECT pg_backend_pid()::text").rows[0][0] }
        #expect(error?.pid != nil && error?.pid == next, "the same server session")
        #expect(pool.openConnections == 1)
    }

    @Test func aConnectionWhoseServerSessionWasEndedIsReplaced() async throws {
        let url = try PostgresTestDatabase.make().url
        let pool = PGConnectionPool(url: url, size: 1)
        let first = try await pool.withConnection { try $0.execute("SELECT pg_backend_pid()").rows[0][0] }
        // Another session ends it, as a restart or a failover would; the pool learns it when a body uses it.
        let admin = try PGConnection(url: url)
        try admin.execute("SELECT pg_terminate_backend($1::int, 5000)", [first])
        await #expect(throws: PGError.self) {
            try await pool.withConnection { try $0.execute("SELECT 1") }
        }
        #expect(pool.openConnections == 0, "the broken connection is not given back")
        let second = try await pool.withConnection { try $0.execute("SELECT pg_backend_pid()").rows[0][0] }
        #expect(second != nil && first != second, "a new server session")
        #expect(pool.openConnections == 1)
    }

    @Test func aCallerCancelledWhileWaitingForAConnectionGetsCancellationAndItsBodyNeverRuns() async throws {
        let pool = PGConnectionPool(url: try PostgresTestDatabase.make().url, size: 1)
        let gate = Gate()
        let ran = Count()
        let holding = Task { try await pool.withConnection { _ in gate.pass() } }
        while gate.arrived.withLock({ $0 }) == 0 { try await Task.sleep(for: .milliseconds(5)) }
        let waiting = Task {
            try await pool.withConnection { _ in ran.value.withLock { $0.now += 1 } }
        }
        try await Task.sleep(for: .milliseconds(100))
        waiting.cancel()
        gate.open()
        try await holding.value
        await #expect(throws: CancellationError.self) { try await waiting.value }
        #expect(ran.value.withLock { $0.now } == 0, "the cancelled caller's body never ran")
        let after = try await pool.withConnection { try $0.execute("SELECT 1").rows }
        #expect(after == [["1"]], "the connection was given back")
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

    @Test func prepareRunsOnceOnEachNewConnectionAndItsErrorReachesTheCaller() async throws {
        let url = try PostgresTestDatabase.make().url
        let prepared = Count()
        let pool = PGConnectionPool(url: url, size: 1) { connection in
            prepared.value.withLock { $0.now += 1 }
            try connection.execute("SET synchronous_commit = off")
        }
        for _ in 0..<3 {
            let setting = try await pool.withConnection { try $0.execute("SHOW synchronous_commit").rows }
            #expect(setting == [["off"]])
        }
        #expect(prepared.value.withLock { $0.now } == 1)

        let refusing = PGConnectionPool(url: url, size: 1) { try $0.execute("SET no_such_setting = 1") }
        let error = await #expect(throws: PGError.self) { try await refusing.withConnection { _ in 1 } }
        #expect(error?.sqlState == "42704", "\(String(describing: error))")
        #expect(refusing.openConnections == 0)
    }

    @Test func aBlockingBodyRunsOnTheCallingThreadAndItsConnectionIsLentAgain() async throws {
        let pool = PGConnectionPool(url: try PostgresTestDatabase.make().url, size: 1)
        let first = try pool.withConnectionBlocking { connection in
            (try connection.execute("SELECT pg_backend_pid()").rows, PGConnectionPool.isRunningOnAPoolThread)
        }
        let second = try await pool.withConnection { connection in
            (try connection.execute("SELECT pg_backend_pid()").rows, PGConnectionPool.isRunningOnAPoolThread)
        }
        #expect(first.0 == second.0, "the same server session")
        #expect(!first.1 && second.1, "the blocking body ran on the calling thread, the other on the pool's")
    }

    @Test func closeLeavesNoSessionOnTheServerAndALaterCallOpensANewOne() async throws {
        let url = try PostgresTestDatabase.make().url
        let database = PostgresTestDatabase.databaseName(of: url)
        let pool = PGConnectionPool(url: url, size: 3)
        let gate = Gate()
        // Three connections open (three bodies at once), then one of them lent again when the pool is closed.
        let together = Gate()
        let opening = (0..<3).map { _ in Task { try await pool.withConnection { _ in together.pass() } } }
        while together.arrived.withLock({ $0 }) < 3 { try await Task.sleep(for: .milliseconds(5)) }
        together.open()
        for body in opening { try await body.value }
        let lent = Task { try await pool.withConnection { _ in gate.pass() } }
        while gate.arrived.withLock({ $0 }) == 0 { try await Task.sleep(for: .milliseconds(5)) }
        #expect(try Self.sessions(on: database) == 3)
        pool.close()
        #expect(try await Self.waitForSessions(1, on: database) == 1, "the idle ones closed, the lent one not")
        gate.open()
        try await lent.value
        #expect(try await Self.waitForSessions(0, on: database) == 0, "the lent one closed when it came back")
        #expect(pool.openConnections == 0)

        let again = try await pool.withConnection { try $0.execute("SELECT 1").rows }
        #expect(again == [["1"]])
        #expect(try Self.sessions(on: database) == 1)
        pool.close()
        #expect(try await Self.waitForSessions(0, on: database) == 0)
    }
}
