import Dispatch
import Synchronization

/// At most `size` connections to one PostgreSQL database, each lent to one body at a time. A body runs on a thread of
/// the pool's own dispatch queue, never on Swift's cooperative pool, so its blocking libpq calls (and a wait for a
/// row lock) suspend only the task that awaits it, as GRDB's writer queue does for SQLite. A task that finds every
/// connection lent waits, suspended, for the next one given back; a connection found broken when it comes back is
/// closed and its place opened again on demand.
public final class PGConnectionPool: Sendable {
    public let size: Int
    private let url: String
    private let queue = DispatchQueue(label: "opcc.postgres.connections", attributes: .concurrent)
    private let state = Mutex(State())

    private struct State {
        var idle: [PGConnection] = []
        /// Connections lent or idle, and places being opened.
        var open = 0
        var waiting: [CheckedContinuation<PGConnection?, Never>] = []
    }

    /// A pool on `url`; no connection is made until one is needed.
    public init(url: String, size: Int) {
        precondition(size > 0, "a pool needs at least one connection")
        self.url = url
        self.size = size
    }

    /// How many connections are open now (lent or idle).
    public var openConnections: Int { state.withLock { $0.open } }

    /// Runs `body` with a connection of its own, on the pool's threads; the connection goes back when it returns or
    /// throws.
    public func withConnection<T: Sendable>(_ body: @escaping @Sendable (PGConnection) throws -> T) async throws -> T {
        let connection = try await checkOut()
        return try await withCheckedThrowingContinuation { (done: CheckedContinuation<T, any Error>) in
            queue.async {
                let result = Result { try body(connection) }
                self.checkIn(connection)
                done.resume(with: result)
            }
        }
    }

    /// An idle connection, a new one if there is room, or the next one given back.
    private func checkOut() async throws -> PGConnection {
        enum Next {
            case lend(PGConnection)
            case openOne
            case wait
        }
        let next = state.withLock { state -> Next in
            if let connection = state.idle.popLast() { return .lend(connection) }
            if state.open < size {
                state.open += 1
                return .openOne
            }
            return .wait
        }
        switch next {
        case .lend(let connection):
            return connection
        case .openOne:
            return try await open()
        case .wait:
            let handed = await withCheckedContinuation { (waiter: CheckedContinuation<PGConnection?, Never>) in
                let lent = state.withLock { state -> PGConnection? in
                    // Given back between the first look and now: take it instead of waiting.
                    if let connection = state.idle.popLast() { return connection }
                    state.waiting.append(waiter)
                    return nil
                }
                if let lent { waiter.resume(returning: lent) }
            }
            // nil: a broken connection was closed and its place handed over, to be opened again.
            if let handed { return handed }
            return try await open()
        }
    }

    /// Opens a connection in a place already counted in `open` (connecting blocks, so it happens off the pool).
    private func open() async throws -> PGConnection {
        do {
            let url = url
            return try await withCheckedThrowingContinuation { (done: CheckedContinuation<PGConnection, any Error>) in
                queue.async { done.resume(with: Result { try PGConnection(url: url) }) }
            }
        } catch {
            giveBackPlace()
            throw error
        }
    }

    private func checkIn(_ connection: PGConnection) {
        guard connection.isOpen else {
            giveBackPlace()
            return
        }
        let waiter = state.withLock { state -> CheckedContinuation<PGConnection?, Never>? in
            if state.waiting.isEmpty {
                state.idle.append(connection)
                return nil
            }
            return state.waiting.removeFirst()
        }
        waiter?.resume(returning: connection)
    }

    /// A place freed (a broken connection closed, or one that could not be opened): the next waiter opens it.
    private func giveBackPlace() {
        let waiter = state.withLock { state -> CheckedContinuation<PGConnection?, Never>? in
            if state.waiting.isEmpty {
                state.open -= 1
                return nil
            }
            return state.waiting.removeFirst()
        }
        waiter?.resume(returning: nil)
    }
}
