import ArgumentParser
import Foundation
import OPCCCore
import OPCCServices

/// `opcc migrate --from FILE --to URL`: a SQLite database copied whole into PostgreSQL, both ends verified.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Copy a SQLite database into a new PostgreSQL database, verifying both ends.",
        discussion: """
            The SQLite file's audit log must verify first; the PostgreSQL database must be empty (made with \
            createdb; opcc brings its schema up to date). The copy is one transaction: a failure leaves the \
            PostgreSQL database empty. Afterwards the copy's audit chains, record seals and books are checked, and \
            both ends must reach the same audit head. The SQLite file is kept as it was. Stop every writer first.
            Example: opcc migrate --from opcc.sqlite --to postgres://opcc@db.internal:5432/opcc
            """)
    @Option(help: "The SQLite database file to copy.") var from: String
    @Option(help: "The PostgreSQL database to copy into: postgres://user@host:port/database.") var to: String
    @OptionGroup var global: GlobalOptions

    func run() async throws {
        try await runReportingRefusals {
            let migration = try await Commissioning.migrate(
                from: from, to: to, home: try global.locateHome()
            ) { line in printLine("  copied " + line) }
            let rows = migration.tables.reduce(0) { $0 + $1.rows }
            printLine("copied \(rows) row(s) in \(migration.tables.count) table(s)")
            printLine("SQLite:     \(migration.source.eventsChecked) audit events, head \(migration.source.head)")
            printLine(
                "PostgreSQL: \(migration.target.eventsChecked) audit events, head \(migration.target.head); "
                    + (migration.target.isIntact
                        ? "chains and \(migration.target.recordsSealed) record seals verified"
                        : "PROBLEM: \(migration.target.problems.joined(separator: "; "))"))
            printLine(
                migration.targetBooks.isEmpty
                    ? "books: every account recomputed from its postings; they balance"
                    : "books: PROBLEM: " + migration.targetBooks.joined(separator: "; "))
            guard migration.target.isIntact, migration.targetBooks.isEmpty,
                migration.source.head == migration.target.head
            else {
                printLine("the two ends differ: do not use the PostgreSQL copy")
                throw ExitCode(1)
            }
            printLine("both ends reach the same audit head: the PostgreSQL database is ready (give its URL to --db)")
        }
    }
}
