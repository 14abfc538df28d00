import Foundation
import OPCCCore
import OPCCServices
import OPCCStore

/// `opcc` cold start: the median wall time of launching the release binary, for `--help` (no database) and for
/// `audit head` on a demo database.
func coldStartBenchmark(_ options: Options, home: ProductHome) async throws -> (section: String, summary: [String]) {
    let executable =
        options.opcc
        ?? URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("opcc")
        .path
    guard FileManager.default.isExecutableFile(atPath: executable) else {
        return ("\n## opcc cold start\n\nNot measured: no executable at `\(executable)`.\n", [])
    }
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("opcc-bench-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let db = dir.appendingPathComponent("demo.sqlite").path
    func launch(_ arguments: [String]) async throws -> Double {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments + ["--db", db]
        process.currentDirectoryURL = home.root
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        let time = try await seconds {
            try process.run()
            process.waitUntilExit()
        }
        guard process.terminationStatus == 0 else {
            throw CocoaError(.executableLoad, userInfo: [NSLocalizedDescriptionKey: "\(arguments) failed"])
        }
        return time
    }
    _ = try await launch(["demo"])
    var rows: [String] = []
    var summary: [String] = []
    for arguments in [["audit", "head"], ["finance", "check"]] {
        _ = try await launch(arguments)
        var times: [Double] = []
        for _ in 0..<options.launches { times.append(try await launch(arguments)) }
        let m = median(times)
        rows.append(
            "| `opcc \(arguments.joined(separator: " ")) --db demo.sqlite` | \(options.launches) | "
                + "\(format(m * 1000, 1)) | \(format(times.min()! * 1000, 1)) | \(format(times.max()! * 1000, 1)) |")
        summary.append(
            "| cold start, `opcc \(arguments.joined(separator: " "))`, median ms | \(format(m * 1000, 1)) | | | | |")
    }
    let section = """

        ## opcc cold start

        The release `opcc` launched as a new process each time, on the demo database (`opcc demo`), after one \
        untimed launch; wall time from spawn to exit. `audit head` opens the database, loads the workflow catalog \
        and the calendar, and reads the head; `finance check` also recomputes every balance.

        | command | launches | median ms | min ms | max ms |
        |---|---:|---:|---:|---:|
        \(rows.joined(separator: "\n"))

        """
    return (section, summary)
}
