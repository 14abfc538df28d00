import Foundation

/// `SQLSession` over one libpq connection inside a transaction `PostgresStore` opened. Statements are written with
/// SQLite's `?` and `?NNN` placeholders (the repositories are shared) and sent as `$1…` with their values apart, each
/// prepared once per connection; values come back typed by their column's type (`bigint` → integer, `double
/// precision` → real, the rest as text), so a row reads as it does on SQLite.
final class PGSession: SQLSession {
    let connection: PGConnection
    private var savepoints = 0
    var dialect: SQLDialect { .postgres }
    /// Told of every statement, so that a write to a cached table stops the store's act cache (`ActReadCache`).
    let actCache: ActCacheSession?

    init(connection: PGConnection, actCache: ActCacheSession? = nil) {
        self.connection = connection
        self.actCache = actCache
    }

    @discardableResult
    func execute(_ sql: String, _ arguments: SQLArguments) throws -> Int {
        actCache?.noteStatement(sql)
        return try translatingFailures {
            try connection.executePrepared(sql, Self.parameters(arguments), translate: Self.numbered).affectedRows
        }
    }

    func forEachRow(_ sql: String, _ arguments: SQLArguments, _ visit: (SQLRow) throws -> Bool) throws {
        actCache?.noteStatement(sql)
        let result = try translatingFailures {
            try connection.executePrepared(
                sql, Self.parameters(arguments, comparedOnly: Self.isQuery(sql)), translate: Self.numbered)
        }
        let columns = SQLColumns(result.columns)
        let kinds = result.columnTypes.map(ColumnKind.init(oid:))
        for row in result.rows {
            var values: [SQLValue] = []
            values.reserveCapacity(row.count)
            for (index, text) in row.enumerated() { values.append(kinds[index].value(text)) }
            guard try visit(SQLRow(columns: columns, values: values)) else { return }
        }
    }

    func inSavepoint<T>(_ body: () throws -> T, keep: (T) -> Bool) throws -> T {
        savepoints += 1
        defer { savepoints -= 1 }
        let name = "opcc_savepoint_\(savepoints)"
        try connection.execute("SAVEPOINT \(name)")
        let result: T
        do {
            result = try body()
        } catch {
            try connection.execute("ROLLBACK TO SAVEPOINT \(name)")
            try connection.execute("RELEASE SAVEPOINT \(name)")
            throw error
        }
        if !keep(result) { try connection.execute("ROLLBACK TO SAVEPOINT \(name)") }
        try connection.execute("RELEASE SAVEPOINT \(name)")
        return result
    }

    /// How a column's text is read, by its type's OID (PostgreSQL's fixed catalogue numbers).
    private enum ColumnKind {
        case integer, real, boolean, numeric, text

        init(oid: UInt32) {
            switch oid {
            case 20, 21, 23, 26: self = .integer  // int8, int2, int4, oid
            case 700, 701: self = .real  // float4, float8
            case 16: self = .boolean
            case 1700: self = .numeric  // sum() of bigints
            default: self = .text
            }
        }

        func value(_ text: String?) -> SQLValue {
            guard let text else { return .null }
            switch self {
            case .integer: return Int64(text).map(SQLValue.integer) ?? .text(text)
            case .real: return Double(text).map(SQLValue.real) ?? .text(text)
            case .boolean: return .integer(text == "t" ? 1 : 0)
            // An exact sum past 64 bits stays text, which an Int64 read refuses and `Int128` parsing reads.
            case .numeric: return Int64(text).map(SQLValue.integer) ?? .text(text)
            case .text: return .text(text)
            }
        }
    }

    /// Whether the statement only reads (the store's SELECTs and WITH … SELECTs), as opposed to a write that
    /// returns rows (`INSERT … RETURNING`).
    static func isQuery(_ sql: String) -> Bool {
        let start = sql.drop { $0.isWhitespace }.prefix(6).uppercased()
        return start.hasPrefix("SELECT") || start.hasPrefix("WITH")
    }

    /// The values as libpq sends them. PostgreSQL's text cannot hold a NUL, so a value with one is refused by
    /// `PGConnection` (22021), as a change should be; a value a query only compares with stored text (a filter typed
    /// into a search box, `comparedOnly`) has its NULs replaced by U+FFFD instead, which equals nothing stored either,
    /// as the NUL itself would on SQLite, so hostile input gets an empty answer, not a server error.
    static func parameters(_ arguments: SQLArguments, comparedOnly: Bool = false) -> [String?] {
        arguments.values.map { value in
            switch value {
            case .null: nil
            case .integer(let number): String(number)
            case .real(let number): "\(number)"
            case .text(let text):
                comparedOnly && text.unicodeScalars.contains("\u{0}")
                    ? text.replacingOccurrences(of: "\u{0}", with: "\u{FFFD}") : text
            }
        }
    }

    /// The statement with `?` as `$1`, `$2`, … in order and `?NNN` as `$NNN`, outside quoted text and identifiers
    /// (once per statement and connection: the connection keeps the prepared statement by its original text).
    static func numbered(_ sql: String) -> String {
        var result = ""
        var next = 0
        var quote: Character?
        var characters = sql.makeIterator()
        var pending: Character? = characters.next()
        while let character = pending {
            pending = characters.next()
            if let open = quote {
                result.append(character)
                if character == open { quote = nil }
                continue
            }
            switch character {
            case "'", "\"":
                quote = character
                result.append(character)
            case "?":
                var digits = ""
                while let digit = pending, digit.isASCII, digit.isNumber {
                    digits.append(digit)
                    pending = characters.next()
                }
                if digits.isEmpty {
                    next += 1
                    result += "$\(next)"
                } else {
                    result += "$" + digits
                }
            default:
                result.append(character)
            }
        }
        return result
    }

    /// A refused change becomes `SQLFailure` (SQLSTATE class 23, and 22003 for a sum past 64 bits); other errors
    /// (serialisation failures, a lost connection, a bug) stay `PGError`, for `PostgresStore` to retry or report.
    private func translatingFailures<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as PGError {
            switch error.sqlState {
            case "23505": throw SQLFailure.constraint(.unique)
            case "23503": throw SQLFailure.constraint(.foreignKey)
            case "23514": throw SQLFailure.constraint(.check)
            case "23502": throw SQLFailure.constraint(.notNull)
            // The schema's triggers raise integrity_constraint_violation with the rule in words.
            case "23000": throw SQLFailure.constraint(.trigger(error.message))
            case "22003": throw SQLFailure.integerOverflow
            default: throw error
            }
        }
    }
}
