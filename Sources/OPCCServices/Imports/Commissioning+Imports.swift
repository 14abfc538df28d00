import Foundation
import OPCCCore
import OPCCStore

/// The kinds of file `opcc import` and the browser's import page read.
public enum ImportKind: String, CaseIterable, Sendable, Codable {
    /// A historic decisions register: one historic decision record per row.
    case decisions
    /// People and their roles.
    case people
    /// Budgets, allocations and grant agreements with what has been paid, one `kind` per row.
    case grants

    /// The kind's columns.
    public var columns: ImportColumns {
        switch self {
        case .decisions: return DecisionRegisterImport.columns
        case .people: return PeopleImport.columns
        case .grants: return GrantsImport.columns
        }
    }
}

/// How an import runs: checking only, or writing the valid rows when some are not; and who hears of its progress.
public struct ImportOptions: Sendable {
    /// Check every row and report what would be written; write nothing.
    public var dryRun: Bool
    /// Write the valid rows and list the others, instead of writing nothing when any row is invalid.
    public var skipInvalid: Bool
    /// Told after each row is checked (rows done, rows in all): the command line's progress bar.
    public var progress: (@Sendable (Int, Int) -> Void)?

    public init(
        dryRun: Bool = false, skipInvalid: Bool = false, progress: (@Sendable (Int, Int) -> Void)? = nil
    ) {
        self.dryRun = dryRun
        self.skipInvalid = skipInvalid
        self.progress = progress
    }
}

/// What an import found and did: every valid row (what it writes, or would write), every error by row and column,
/// and whether anything was written.
public struct ImportReport: Sendable, Codable, Hashable {
    /// A row that is (or would be) written, with a line saying what it becomes.
    public struct Accepted: Sendable, Codable, Hashable {
        public let row: Int
        /// What the row becomes ("decision 014/2016 (published): Mirehouse community centre").
        public let summary: String
        /// The row's cells in the file's column order, as the preview shows them.
        public let cells: [String]
    }

    public let kind: ImportKind
    public let source: String
    public let sha256: String
    public let encoding: String
    /// The canonical columns of the file, in its order.
    public let columns: [String]
    /// The rows of the file that hold anything.
    public let rowCount: Int
    public let accepted: [Accepted]
    public let errors: [ImportRowError]
    public let dryRun: Bool
    public let skipInvalid: Bool

    /// Whether the rows in `accepted` were written: not a dry run, and every row valid or `skipInvalid`.
    public var written: Bool { !dryRun && (errors.isEmpty || skipInvalid) && !accepted.isEmpty }

    /// The one line a person reads first.
    public var outcome: String {
        let rows = "\(accepted.count) of \(rowCount) row\(rowCount == 1 ? "" : "s")"
        if dryRun {
            return errors.isEmpty
                ? "dry run: all \(rows) are valid; nothing written"
                : "dry run: \(rows) valid, \(errors.count) error(s); nothing written"
        }
        if written { return "imported \(rows)" + (errors.isEmpty ? "" : "; the other rows were skipped") }
        if errors.isEmpty { return "nothing to import: the file has no rows" }
        return "nothing written: \(Set(errors.map(\.row)).count) row(s) have errors (correct them, or import the "
            + "valid rows with --skip-invalid)"
    }
}

/// A row's problem the write found, with the column it is about.
struct ImportRowProblem: Error {
    let column: String?
    let rule: ServiceRefusal.Rule
    let message: String
}

/// The checks of one row's cells, collecting every problem rather than stopping at the first.
struct ImportRowCheck {
    let row: ImportTable.Row
    var errors: [ImportRowError] = []

    init(_ row: ImportTable.Row) {
        self.row = row
        if let count = row.cells[ImportColumns.extraCells] {
            errors.append(
                ImportRowError(
                    row: row.number, column: nil, rule: ServiceRefusal.Rule.importRowsValid.rawValue,
                    message: "the row has \(count) cells but the header names fewer columns"))
        }
    }

    mutating func fail(_ column: String?, _ rule: ServiceRefusal.Rule, _ message: String) {
        errors.append(ImportRowError(row: row.number, column: column, rule: rule.rawValue, message: message))
    }

    /// The cell trimmed of surrounding spaces, for values with a form (numbers, dates, codes).
    func trimmed(_ column: String) -> String { row[column].trimmingCharacters(in: .whitespacesAndNewlines) }

    /// A text cell as `TextField` stores it (line breaks made LF, controls refused), trimmed; nil when blank (and
    /// an error when `required`).
    mutating func text(_ column: String, _ kind: TextField.Kind, required: Bool = false) -> String? {
        let value = row[column].trimmingCharacters(in: .whitespacesAndNewlines)
        guard !value.isEmpty else {
            if required { fail(column, .importRowsValid, "is empty; give the \(column)") }
            return nil
        }
        do { return try TextField.normalized(value, field: column, kind: kind) } catch {
            fail(column, .textWithinLimits, error.problem)
            return nil
        }
    }

    /// An amount in pounds (`£1,234.56`, `1234.56`, `£25,000`), or nil when blank.
    mutating func amount(_ column: String) -> Money? {
        let value = trimmed(column)
        guard !value.isEmpty else { return nil }
        do { return try Money(parsing: value) } catch {
            fail(column, .importRowsValid, "'\(value)' is not an amount in pounds: \(error.problem)")
            return nil
        }
    }

    /// A day written dd/mm/yyyy (as UK registers do) or yyyy-mm-dd; nil when blank (and an error when `required`).
    mutating func day(_ column: String, required: Bool = false) -> Day? {
        let value = trimmed(column)
        guard !value.isEmpty else {
            if required { fail(column, .validDate, "is empty; give the date as dd/mm/yyyy or yyyy-mm-dd") }
            return nil
        }
        if let day = ImportRowCheck.parseDay(value) { return day }
        fail(column, .validDate, "'\(value)' is not a date: write dd/mm/yyyy (e.g. 09/03/2016) or yyyy-mm-dd")
        return nil
    }

    /// A day written dd/mm/yyyy, d/m/yyyy or yyyy-mm-dd, or nil.
    static func parseDay(_ text: String) -> Day? {
        let ascii = text.unicodeScalars.allSatisfy { $0.isASCII }
        guard ascii else { return nil }
        if text.contains("/") {
            let parts = text.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count == 3, (1...2).contains(parts[0].count), (1...2).contains(parts[1].count),
                parts[2].count == 4, let d = Int(parts[0]), let m = Int(parts[1]), let y = Int(parts[2]),
                parts.allSatisfy({ $0.allSatisfy(\.isNumber) })
            else { return nil }
            return Day(year: y, month: m, day: d)
        }
        return try? Day(iso: text)
    }
}

extension Commissioning {
    /// Runs an import: every row's cells checked (`check`), then, in one transaction, each valid row written
    /// (`write`, which may refuse it by what the database holds). The transaction commits only when it is not a dry
    /// run and every row was valid (or `skipInvalid`); otherwise it rolls back, so a dry run and a refused file
    /// write nothing, while every row is still checked against what the rows before it would have written.
    func runImport<Parsed: Sendable, Context: Sendable>(
        _ kind: ImportKind, table: ImportTable, options: ImportOptions,
        check: (inout ImportRowCheck) throws -> Parsed?,
        authorise: @escaping @Sendable (any StoreTransaction) throws -> Context,
        write: @escaping @Sendable (Parsed, ImportTable.Row, Context, any StoreTransaction) throws -> String,
        duplicateKey: ((Parsed) -> String?)? = nil, duplicateColumn: String? = nil,
        columnOfRule: [String: String] = [:]
    ) async throws -> ImportReport {
        var parsed: [(ImportTable.Row, Parsed)] = []
        var errors: [ImportRowError] = []
        var seen: [String: Int] = [:]
        for row in table.rows {
            var checkRow = ImportRowCheck(row)
            let value = try check(&checkRow)
            if let value, let key = duplicateKey?(value) {
                if let first = seen[key] {
                    checkRow.fail(duplicateColumn, .importRowsValid, "'\(key)' is also on row \(first)")
                } else {
                    seen[key] = row.number
                }
            }
            errors += checkRow.errors
            if let value, checkRow.errors.isEmpty { parsed.append((row, value)) }
        }
        let checked = errors
        let rows = parsed
        let total = table.rows.count
        let progress = options.progress
        let columnOrder = table.columns
        let outcome: ([ImportReport.Accepted], [ImportRowError]) = try await {
            do {
                return try await store.write { tx in
                    let context = try authorise(tx)
                    var accepted: [ImportReport.Accepted] = []
                    var errors = checked
                    for (index, (row, value)) in rows.enumerated() {
                        do {
                            let summary = try write(value, row, context, tx)
                            accepted.append(
                                .init(row: row.number, summary: summary, cells: columnOrder.map { row[$0] }))
                        } catch let problem as ImportRowProblem {
                            errors.append(
                                ImportRowError(
                                    row: row.number, column: problem.column, rule: problem.rule.rawValue,
                                    message: problem.message))
                        } catch let refusal as ServiceRefusal where refusal.kind != .forbidden {
                            errors.append(
                                ImportRowError(
                                    row: row.number, column: columnOfRule[refusal.rule], rule: refusal.rule,
                                    message: refusal.message))
                        }
                        progress?(checked.count + index + 1, total)
                    }
                    errors.sort { ($0.row, $0.column ?? "") < ($1.row, $1.column ?? "") }
                    if options.dryRun || (!errors.isEmpty && !options.skipInvalid) {
                        throw ImportRollback(accepted: accepted, errors: errors)
                    }
                    return (accepted, errors)
                }
            } catch let rollback as ImportRollback {
                return (rollback.accepted, rollback.errors)
            }
        }()
        return ImportReport(
            kind: kind, source: table.source, sha256: table.sha256, encoding: table.encoding, columns: table.columns,
            rowCount: total, accepted: outcome.0, errors: outcome.1, dryRun: options.dryRun,
            skipInvalid: options.skipInvalid)
    }

    /// The payload every import event carries: the file, its SHA-256 and the row.
    static func importPayload(_ table: ImportTable, _ row: ImportTable.Row) -> [String: String] {
        ["importFile": table.source, "importSHA256": table.sha256, "importRow": String(row.number)]
    }

    /// Refuses unless `actorName` belongs to `office` and holds one of `roles` there.
    func requireImporter(
        _ actorName: String, office: String, roles: [Role], what: String, in tx: any StoreTransaction
    ) throws -> Role {
        let person = try actor(named: actorName, in: tx)
        let held = person.actor.roles(covering: nil)
        guard person.office == office, let role = roles.first(where: held.contains) else {
            throw ServiceRefusal.forbidden(
                rule: .roleRequired,
                message: "importing \(what) into \(office) needs \(roles.map(\.rawValue).joined(separator: " or ")) "
                    + "of that office")
        }
        return role
    }
}

/// Thrown out of an import's transaction to roll it back (a dry run, or a file with errors), carrying the report.
private struct ImportRollback: Error {
    let accepted: [ImportReport.Accepted]
    let errors: [ImportRowError]
}
