import Foundation

/// Runs a program to its end on a thread of its own (its wait blocks that thread, never the cooperative pool) and
/// returns its exit status and everything it printed: posix_spawn and waitpid rather than Foundation's Process, whose
/// wait for a script that starts a server (pg_ctl) never returned in a full run; output goes to a file, not a pipe,
/// which a server it started would keep open.
public func runProgram(_ program: String, _ arguments: [String]) async throws -> (status: Int32, output: String) {
    try await offThePool { try Spawned.run(program, arguments) }
}
