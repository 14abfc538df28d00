import Foundation
import OPCCCore
import OPCCServices
import OPCCStore

/// The PostgreSQL server named by `--postgres`: every PostgreSQL figure is measured on a database of its own, created
/// for the run (`CREATE DATABASE … TEMPLATE template0` through the server's `postgres` database, so the role needs
/// CREATEDB), and dropped when its section is done.
struct PostgresServer: Sendable {
    /// The URL as given; only its database part is replaced.
    let url: String
    /// Leave each database in place when its section is done (`--keep-postgres`).
    var keep = false

    /// A new, empty database; its URL.
    func freshDatabase(_ purpose: String) throws -> String {
        let name = "opcc_bench_\(purpose)_" + UUID().uuidString.prefix(8).lowercased()
        let admin = try PGConnection(url: Self.replacingDatabase(of: url, with: "postgres"))
        try admin.execute("CREATE DATABASE \(name) TEMPLATE template0")
        return Self.replacingDatabase(of: url, with: name)
    }

    /// Drops a database made by `freshDatabase`, closing what still connects to it (the benchmark's own stores).
    func drop(_ databaseURL: String) {
        let name = Self.databaseName(of: databaseURL)
        if keep {
            print("opcc-bench: kept \(PostgresStore.withoutPassword(databaseURL))")
            return
        }
        guard name.hasPrefix("opcc_bench_"),
            let admin = try? PGConnection(url: Self.replacingDatabase(of: url, with: "postgres"))
        else { return }
        _ = try? admin.execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
    }

    /// The server's version and the settings that decide what a commit costs, as a new session sees them (the store's
    /// own sessions set synchronous_commit on, jit off, and lock and idle timeouts).
    func settings(of databaseURL: String) throws -> String {
        let connection = try PGConnection(url: databaseURL)
        let names = [
            "server_version", "fsync", "synchronous_commit", "wal_sync_method", "full_page_writes",
            "shared_buffers", "commit_delay", "jit",
        ]
        let values = try names.map { try connection.execute("SHOW \($0)").rows.first?.first.flatMap { $0 } ?? "?" }
        return zip(names, values).map { "\($0) = \($1)" }.joined(separator: ", ")
    }

    /// The URL without its password (for the report).
    var shown: String { PostgresStore.withoutPassword(url) }

    static func databaseName(of url: String) -> String {
        String(url.split(separator: "/").last?.split(separator: "?").first ?? "")
    }

    static func replacingDatabase(of url: String, with name: String) -> String {
        guard let slash = url.lastIndex(of: "/") else { return url }
        let query = url[slash...].firstIndex(of: "?").map { String(url[$0...]) } ?? ""
        return String(url[..<slash]) + "/" + name + query
    }
}

/// The demo offices the durable comparison spreads its callers over, each with its finance officer's name.
let benchOffices: [(office: String, finance: String)] = [
    ("cumbria", "cumbria.finance"), ("lincolnshire", "lincs.finance"), ("west-midlands", "wm.finance"),
    ("leicestershire", "leics.finance"),
]

/// A database (a SQLite file's path or a PostgreSQL URL) with the demo, and in each of `benchOffices` a project board
/// member (`bench.board.OFFICE`) and `perOffice` returns waiting in `submitted` (`QR-BENCH-OFFICE-i`).
func prepareOffices(home: ProductHome, database: String, perOffice: Int) async throws -> Commissioning {
    let app = try Commissioning.open(home: home, databasePath: database, durable: true)
    _ = try await app.loadDemo(from: home)
    for (office, finance) in benchOffices {
        let board = "bench.board.\(office)"
        try await app.addPerson(
            name: board, office: office, grants: [RoleGrant(role: .projectBoardMember, scope: ["GA-BENCH"])],
            by: finance.replacingOccurrences(of: ".finance", with: ".chief-executive"))
        let ids = (0..<perOffice).map { "QR-BENCH-\(office)-\($0)" }
        for id in ids {
            try await app.startInstance(
                id: id, office: office, workflow: "quarterly-return", recordRef: "GA-BENCH", by: finance,
                role: .finance)
        }
        _ = try await app.fireAll(ids.map { .init("start", on: $0, by: board) })
        _ = try await app.fireAll(ids.map { .init("submit", on: $0, by: board, subject: benchReturn) })
    }
    return app
}

/// The i-th act of a caller on its return in `office`: send back (finance), then resubmit (the office's board).
func officeAct(_ i: Int, office: Int, id: String) -> Commissioning.ActRequest {
    let (name, finance) = benchOffices[office]
    return i % 2 == 0
        ? .init(
            "return-for-revision", on: id, by: finance, payload: ["reason": "figures missing"], subject: benchReturn)
        : .init("submit", on: id, by: "bench.board.\(name)", subject: benchReturn)
}
