import ArgumentParser
import Foundation
import OPCCCore
import OPCCServices
import Synchronization

/// `opcc import decisions|people|grants FILE.csv`: an office's past brought in from the CSV files it keeps.
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract:
            "Import an office's historic decisions register, its people, or its budgets and grants from CSV; or a whole office's bundle.",
        discussion: """
            Each file is UTF-8 (with or without a BOM) or Windows-1252 (Excel's plain CSV); its first row names the \
            columns, in any case and order (see README, "Imports"). Every row is checked first and every error is \
            listed by row and column; nothing is written unless every row is valid (--skip-invalid writes the valid \
            rows and lists the rest); --dry-run checks and writes nothing. One transaction; each record's event \
            cites the file's SHA-256 and its row.
            Example: opcc import decisions fixtures/import/decisions-register.csv --office surrey --as surrey.officer \
            --dry-run
            An office exported by 'opcc export office' comes in whole, into an empty database, with 'opcc import \
            office BUNDLE'.
            """,
        subcommands: [Decisions.self, People.self, Grants.self, ImportOffice.self])

    struct Options: ParsableArguments {
        @Argument(help: "The CSV file.") var file: String
        @Flag(name: .customLong("dry-run"), help: "Check every row and say what would be written; write nothing.")
        var dryRun = false
        @Flag(name: .customLong("skip-invalid"), help: "Write the valid rows and list the invalid ones.")
        var skipInvalid = false
        @OptionGroup var global: GlobalOptions

        func run(_ kind: ImportKind) async throws {
            try await runReportingRefusals {
                let app = try global.open()
                // The office named, or the only one the database holds.
                let office = try await app.resolveOffice(global.office)
                let table = try ImportTable.read(contentsOf: file, spec: kind.columns)
                let progress = ImportProgress(total: table.rows.count)
                let report = try await app.importFile(
                    kind, table, office: office, by: try global.actorName(),
                    options: ImportOptions(
                        dryRun: dryRun, skipInvalid: skipInvalid, progress: { done, total in progress.show(done) }))
                progress.finish()
                printLine("\(report.source): \(report.encoding), SHA-256 \(report.sha256)")
                for row in report.accepted {
                    printLine("row \(row.row): \(report.written ? "" : "would write ")\(row.summary)")
                }
                for error in report.errors { FileHandle.standardError.write(Data((error.description + "\n").utf8)) }
                printLine(report.outcome)
                if !report.errors.isEmpty && !report.written && !(report.dryRun && report.skipInvalid) {
                    throw ServiceRefusal(
                        rule: .importRowsValid,
                        message: "\(report.errors.count) error(s) in \(Set(report.errors.map(\.row)).count) row(s) "
                            + "of \(report.source)" + (report.dryRun ? "" : "; nothing written"))
                }
            }
        }
    }

    struct Decisions: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import a historic decisions register: one historic record per row, its number reserved.",
            discussion: """
                Columns: number, date, title (required); summary, amount, decision maker, status, link. Status: \
                published (or blank), decided/approved, not approved, deferred, withdrawn. Needs an officer or the \
                chief executive of the office.
                Example: opcc import decisions fixtures/import/decisions-register.csv --office surrey \
                --as surrey.officer
                """)
        @OptionGroup var options: Options
        func run() async throws { try await options.run(.decisions) }
    }

    struct People: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import people and their roles (the office's chief executive).",
            discussion: """
                Columns: name (the sign-in name), roles (separated by ';') (required); display name, email, scope \
                (record ids separated by ';', limiting the row's roles to them).
                Example: opcc import people fixtures/import/people.csv --office surrey --as surrey.chief-executive
                """)
        @OptionGroup var options: Options
        func run() async throws { try await options.run(.people) }
    }

    struct Grants: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import budgets, allocations and grant agreements with what has been paid (finance).",
            discussion: """
                One row each, said by the kind column: budget (year, strand, name, amount), allocation (year, \
                strand, decision, recipient, recipient name, purpose, amount; area) or agreement (decision, \
                recipient, purpose, start, end; amount, paid). Optional date: when it was set, allocated or activated.
                Example: opcc import grants fixtures/import/grants.csv --office surrey --as surrey.finance --dry-run
                """)
        @OptionGroup var options: Options
        func run() async throws { try await options.run(.grants) }
    }
}

/// The import's progress on stderr: a bar redrawn in place when stderr is a terminal; otherwise, for a long file,
/// one plain "N of M rows checked" line at the end, so that a log or a test reads it.
final class ImportProgress: Sendable {
    let total: Int
    let terminal: Bool
    /// The rows at which the bar was last drawn (a hundred redraws at most).
    private let drawn = Mutex<Int>(0)

    init(total: Int) {
        self.total = total
        self.terminal = isatty(2) == 1
    }

    func show(_ done: Int) {
        guard terminal, total >= 50 else { return }
        let step = max(1, total / 100)
        let draw = drawn.withLock { last -> Bool in
            guard done == total || done - last >= step else { return false }
            last = done
            return true
        }
        guard draw else { return }
        let width = 30
        let filled = total == 0 ? width : done * width / total
        let bar = String(repeating: "#", count: filled) + String(repeating: " ", count: width - filled)
        FileHandle.standardError.write(Data("\r[\(bar)] \(done) of \(total) rows".utf8))
    }

    func finish() {
        if terminal {
            if total >= 50 { FileHandle.standardError.write(Data("\n".utf8)) }
        } else if total >= 50 {
            FileHandle.standardError.write(Data("\(total) of \(total) rows checked\n".utf8))
        }
    }
}
