import Foundation
import Synchronization

/// At most `size` connections to one PostgreSQL database, each lent to one body at a time. A body runs on a thread the
/// pool owns (one per connection, made when first needed), never on Swift's cooperative pool, so its blocking libpq
/// calls, and a wait for a row lock, suspend only the task that awaits it, as GRDB's writer queue does for SQLite. A
/// task that finds every connection lent waits, suspended, for the next one given back. A connection found broken
/// after a body is closed, and the next body on its thread opens a new one.
public final class PGConnectionPool: Sendable {
    public let size: Int
    private let url: String
    private let prepare: @Sendable (PGConnection) throws -> Void
    private let state = Mutex(State())
    private let connections = Atomic(0)

    private struct State {
        var idle: [PGLane] = []
        /// Lanes lent or idle (each a thread and at most one connection); never more than `size`.
        var lanes = 0
        var waiting: [Waiter] = []
        /// Raised by `close()`: a lane made before it is closed when it comes back instead of being lent again.
        var generation = 0
    }

    /// A pool on `url`; no connection is made until one is needed. `prepare` runs once on each new connection (a
    /// `SET synchronous_commit`, say); if it throws, that connection is closed and the body that needed it gets the
    /// error.
    public init(url: String, size: Int, prepare: @escaping @Sendable (PGConnection) throws -> Void = { _ in }) {
        precondition(size > 0, "a pool needs at least one connection")
        self.url = url
        self.size = size
        self.prepare = prepare
    }

    deinit {
        // No body is running (each holds the pool): the idle lanes are all there is.
        for lane in state.withLock({ $0.idle }) { retire(lane) }
    }

    /// Whether the calling code runs on one of the pools' threads (a body given to `withConnection` always does).
    public static var isRunningOnAPoolThread: Bool { PGThreadExecutor.isCurrentThreadOne }

    /// How many connections are open now (lent or idle).
    public var openConnections: Int { connections.load(ordering: .relaxed) }

    /// Runs `body` with a connection of its own on one of the pool's threads, the calling task suspended meanwhile;
    /// the connection goes back when the body returns or throws, and the body's error is the caller's.
    public func withConnection<T: Sendable>(_ body: @Sendable (PGConnection) throws -> T) async throws -> T {
        // As GRDB's: a task cancelled before its body begins gets CancellationError and its body never runs.
        try Task.checkCancellation()
        let lane = await checkOut()
        do {
            try Task.checkCancellation()
            let result = try await lane.runner.run { try self.use(lane, body) }
            checkIn(lane)
            return result
        } catch {
            checkIn(lane)
            throw error
        }
    }

    /// Runs `body` with a connection on the calling thread, blocking it until one is free: for start-up only
    /// (migrating, reading the configuration), never from a task on the cooperative pool.
    public func withConnectionBlocking<T>(_ body: (PGConnection) throws -> T) throws -> T {
        let lane = checkOutBlocking()
        defer { checkIn(lane) }
        return try use(lane, body)
    }

    /// Closes the idle connections (and their threads) now; a connection lent now is closed when it comes back. A
    /// later call opens new ones.
    public func close() {
        let idle = state.withLock { state -> [PGLane] in
            state.generation += 1
            defer { state.idle = [] }
            state.lanes -= state.idle.count
            return state.idle
        }
        for lane in idle { retire(lane) }
    }

    private func retire(_ lane: PGLane) {
        if lane.connection != nil { connections.subtract(1, ordering: .relaxed) }
        lane.retire()
    }

    /// The lane's connection, opened (and prepared) if it has none, lent to `body`; dropped if the body left it broken.
    private func use<T>(_ lane: PGLane, _ body: (PGConnection) throws -> T) throws -> T {
        let connection: PGConnection
        if let open = lane.connection {
            connection = open
        } else {
            connection = try PGConnection(url: url)
            try prepare(connection)
            lane.connection = connection
            connections.add(1, ordering: .relaxed)
        }
        defer {
            if !connection.isOpen {
                lane.connection = nil
                connections.subtract(1, ordering: .relaxed)
            }
        }
        return try body(connection)
    }

    private enum Next {
        case lend(PGLane)
        case make(generation: Int)
        case wait
    }

    /// An idle lane, a new one if there is room, or else the waiter `waiter` makes, queued under the same lock.
    private func next(orEnqueue waiter: () -> Waiter) -> Next {
        state.withLock { state in
            if let lane = state.idle.popLast() { return .lend(lane) }
            if state.lanes < size {
                state.lanes += 1
                return .make(generation: state.generation)
            }
            state.waiting.append(waiter())
            return .wait
        }
    }

    private func checkOut() async -> PGLane {
        await withCheckedContinuation { (continuation: CheckedContinuation<PGLane, Never>) in
            switch next(orEnqueue: { .task(continuation) }) {
            case .lend(let lane): continuation.resume(returning: lane)
            case .make(let generation): continuation.resume(returning: PGLane(generation: generation))
            case .wait: break
            }
        }
    }

    private func checkOutBlocking() -> PGLane {
        let handoff = Handoff()
        switch next(orEnqueue: { .thread(handoff) }) {
        case .lend(let lane): return lane
        case .make(let generation): return PGLane(generation: generation)
        case .wait: return handoff.wait()
        }
    }

    /// Gives a lane back: to the first waiter, or to the idle ones; a lane made before `close()` is retired, and a
    /// waiter gets a new lane in its place.
    private func checkIn(_ lane: PGLane) {
        enum Then {
            case idle
            case hand(Waiter, PGLane)
            case retire(handingANewOneTo: Waiter?, generation: Int)
        }
        let then = state.withLock { state -> Then in
            let waiter = state.waiting.isEmpty ? nil : state.waiting.removeFirst()
            if lane.generation != state.generation {
                if waiter == nil { state.lanes -= 1 }
                return .retire(handingANewOneTo: waiter, generation: state.generation)
            }
            guard let waiter else {
                state.idle.append(lane)
                return .idle
            }
            return .hand(waiter, lane)
        }
        switch then {
        case .idle:
            break
        case .hand(let waiter, let lane):
            waiter.hand(lane)
        case .retire(let waiter, let generation):
            retire(lane)
            waiter?.hand(PGLane(generation: generation))
        }
    }
}

/// Someone waiting for a lane: a suspended task, or a thread blocked in `withConnectionBlocking`.
private enum Waiter: Sendable {
    case task(CheckedContinuation<PGLane, Never>)
    case thread(Handoff)

    func hand(_ lane: PGLane) {
        switch self {
        case .task(let continuation): continuation.resume(returning: lane)
        case .thread(let handoff): handoff.give(lane)
        }
    }
}

/// A lane passed to a blocked thread.
private final class Handoff: @unchecked Sendable {
    // The semaphore orders the write before the read; the mutex keeps the compiler's checks on the value.
    private let lane = Mutex<PGLane?>(nil)
    private let given = DispatchSemaphore(value: 0)

    func give(_ lane: PGLane) {
        self.lane.withLock { $0 = lane }
        given.signal()
    }

    func wait() -> PGLane {
        given.wait()
        return lane.withLock { $0! }
    }
}

/// One of the pool's threads and the connection it holds, if any. Only whoever holds the lane touches `connection`:
/// the body it is lent to, or the pool while it is idle.
final class PGLane: @unchecked Sendable {
    let generation: Int
    let runner: PGLaneRunner
    private let thread: PGThreadExecutor
    var connection: PGConnection?

    init(generation: Int) {
        self.generation = generation
        self.thread = PGThreadExecutor()
        self.runner = PGLaneRunner(thread: thread)
    }

    /// Closes the connection now and lets the thread end.
    func retire() {
        connection = nil
        thread.stop()
    }
}

/// The actor whose executor is a lane's thread: a task that calls `run` moves there for the work, and back after.
actor PGLaneRunner {
    private let thread: PGThreadExecutor

    init(thread: PGThreadExecutor) { self.thread = thread }

    nonisolated var unownedExecutor: UnownedSerialExecutor { thread.asUnownedSerialExecutor() }

    func run<T: Sendable>(_ work: @Sendable () throws -> T) throws -> T { try work() }
}

/// A thread of its own that runs the jobs given to it one at a time, until stopped with none left.
final class PGThreadExecutor: SerialExecutor, @unchecked Sendable {
    /// Set on the pools' threads only.
    private static let marker: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        return key
    }()

    static var isCurrentThreadOne: Bool { pthread_getspecific(marker) != nil }
    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []
    private var stopping = false

    init() {
        // The thread holds the executor until its loop ends. Its name is for debuggers and `top -H` only: on Linux
        // Foundation sometimes leaves a new thread with its creator's name (seen for 13 threads in 300).
        Thread { [self] in
            pthread_setspecific(Self.marker, UnsafeRawPointer(bitPattern: 1))
            Thread.current.name = "opcc-postgres"
            self.loop()
        }.start()
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    func stop() {
        condition.lock()
        stopping = true
        condition.signal()
        condition.unlock()
    }

    func asUnownedSerialExecutor() -> UnownedSerialExecutor { UnownedSerialExecutor(ordinary: self) }

    private func loop() {
        while true {
            condition.lock()
            while jobs.isEmpty && !stopping { condition.wait() }
            guard !jobs.isEmpty else {
                condition.unlock()
                return
            }
            let job = jobs.removeFirst()
            condition.unlock()
            job.runSynchronously(on: asUnownedSerialExecutor())
        }
    }
}
