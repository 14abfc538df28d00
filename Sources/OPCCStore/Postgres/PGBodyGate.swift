import Foundation
import Synchronization

/// At most `width` transaction bodies of all the PostgreSQL stores in a process run at once; other tasks wait,
/// suspended, in order of arrival. Each body holds a thread of its pool while it runs (blocking libpq calls): a
/// process with many stores at once (the test suite opens one per test, hundreds together) would otherwise run
/// hundreds of such threads on a few cores, and the convoys on their shared locks stalled transactions for minutes.
/// A waiting body holds nothing (it has not begun), so the gate cannot deadlock bodies that wait for each other's
/// row locks: those that hold locks are running.
final class PGBodyGate: Sendable {
    /// Four per core, at least eight: a production node has one store of eight connections or so.
    static let shared = PGBodyGate(width: max(8, 4 * ProcessInfo.processInfo.activeProcessorCount))

    private struct State {
        var free: Int
        var waiting: [CheckedContinuation<Void, Never>] = []
    }

    private let state: Mutex<State>

    init(width: Int) { state = Mutex(State(free: max(1, width))) }

    /// Runs `body` once a place is free, then frees it.
    func run<T>(_ body: () async throws -> T) async throws -> T {
        await enter()
        defer { leave() }
        return try await body()
    }

    private func enter() async {
        let admitted = state.withLock { state -> Bool in
            guard state.free > 0 else { return false }
            state.free -= 1
            return true
        }
        if admitted { return }
        await withCheckedContinuation { continuation in
            let admittedNow = state.withLock { state -> Bool in
                if state.free > 0 {
                    state.free -= 1
                    return true
                }
                state.waiting.append(continuation)
                return false
            }
            if admittedNow { continuation.resume() }
        }
    }

    private func leave() {
        let next = state.withLock { state -> CheckedContinuation<Void, Never>? in
            if state.waiting.isEmpty {
                state.free += 1
                return nil
            }
            return state.waiting.removeFirst()
        }
        next?.resume()
    }
}
