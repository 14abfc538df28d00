import Synchronization

/// One value per engine, made on first use and shared after: a demo database several tests read, one on each engine.
/// Call it with the engine: `sharedApps(engine)`. A value that failed to be made fails every test that asks for it.
public final class PerEngine<Value: Sendable>: Sendable {
    private let make: @Sendable (TestEngine) async throws -> Value
    private let made = Mutex<[TestEngine: Task<Value, any Error>]>([:])

    public init(_ make: @escaping @Sendable (TestEngine) async throws -> Value) { self.make = make }

    public func callAsFunction(_ engine: TestEngine) async throws -> Value {
        let task = made.withLock { made in
            if let task = made[engine] { return task }
            let make = self.make
            let task = Task { try await make(engine) }
            made[engine] = task
            return task
        }
        return try await task.value
    }
}
