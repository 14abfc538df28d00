import Foundation

/// Which engine a session speaks to, for the few statements written differently on each (see docs/POSTGRES-DESIGN.md).
enum SQLDialect: Sendable {
    case sqlite
    case postgres
}

/// The kind of rule a refused change broke, in neither engine's words.
enum SQLConstraint: Hashable, Sendable {
    /// A primary key or unique index already holds the value.
    case unique
    case foreignKey
    case check
    case notNull
    /// A trigger refused the change (an append-only table, a state the row's parent is not in); its message.
    case trigger(String)
    case other
}

/// What a statement failed with that the store turns into the domain's words. Everything else (a busy database, a
/// lost connection, a bug) stays the engine's own error, for the engine's store to classify.
enum SQLFailure: Error, Hashable, Sendable {
    /// The database refused a change its rules forbid; the transaction can go on (on PostgreSQL only inside
    /// `SQLTransaction.guarded`, which rolls back to a savepoint).
    case constraint(SQLConstraint)
    /// A sum did not fit in 64 bits.
    case integerOverflow

    /// A failure no repository turned into the domain's words, as the store reports it: SQLite's result code for a
    /// refused change (19) or a failed statement (1), whichever engine refused it.
    var storeError: StoreError {
        switch self {
        case .constraint: .failed(resultCode: 19)
        case .integerOverflow: .failed(resultCode: 1)
        }
    }
}

/// One engine connection inside one transaction: statements with `?` parameters, rows read one at a time. The one
/// place each engine's API is called from the repositories (`SQLTransaction` and its extensions).
protocol SQLSession: AnyObject {
    var dialect: SQLDialect { get }
    /// Runs a statement that returns no rows; returns how many rows it changed.
    @discardableResult func execute(_ sql: String, _ arguments: SQLArguments) throws -> Int
    /// Visits the rows of a query in order; `visit` returns false to stop early.
    func forEachRow(_ sql: String, _ arguments: SQLArguments, _ visit: (SQLRow) throws -> Bool) throws
    /// Visits the rows of a query read in place by column index (see `SQLRawRow`); `visit` returns false to stop.
    func forEachRawRow(_ sql: String, _ arguments: SQLArguments, _ visit: (any SQLRawRow) throws -> Bool) throws
    /// Runs `body` in a savepoint: kept when `keep` accepts its result, rolled back alone otherwise or on an error.
    func inSavepoint<T>(_ body: () throws -> T, keep: (T) -> Bool) throws -> T
}

extension SQLSession {
    func allRows(_ sql: String, _ arguments: SQLArguments) throws -> [SQLRow] {
        var rows: [SQLRow] = []
        try forEachRow(sql, arguments) { row in
            rows.append(row)
            return true
        }
        return rows
    }

    func firstRow<T>(_ sql: String, _ arguments: SQLArguments, _ decode: (SQLRow) throws -> T) throws -> T? {
        var result: T?
        try forEachRow(sql, arguments) { row in
            result = try decode(row)
            return false
        }
        return result
    }
}
