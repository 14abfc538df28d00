import Foundation
import GRDB
import OPCCCore

/// `SQLSession` over one GRDB connection inside a transaction GRDB or `SQLiteStore` opened. Every statement is
/// prepared once per connection and reused (`cachedStatement`): parsing SQL dominated the cost of an act.
final class GRDBSession: SQLSession {
    let db: Database
    var dialect: SQLDialect { .sqlite }
    /// Told of every statement, so that a write to a cached table stops the store's act cache (`ActReadCache`).
    let actCache: ActCacheSession?

    init(db: Database, actCache: ActCacheSession? = nil) {
        self.db = db
        self.actCache = actCache
    }

    @discardableResult
    func execute(_ sql: String, _ arguments: SQLArguments) throws -> Int {
        actCache?.noteStatement(sql)
        return try translatingFailures {
            try db.cachedStatement(sql: sql).execute(arguments: Self.arguments(arguments))
            return db.changesCount
        }
    }

    func forEachRow(_ sql: String, _ arguments: SQLArguments, _ visit: (SQLRow) throws -> Bool) throws {
        actCache?.noteStatement(sql)
        try translatingFailures {
            let statement = try db.cachedStatement(sql: sql)
            let columns = SQLColumns(statement.columnNames)
            let cursor = try Row.fetchCursor(statement, arguments: Self.arguments(arguments))
            // Each column read from the statement by the C API, as GRDB reads it into a `DatabaseValue` (see
            // `GRDBRawRow.row`): no `DatabaseValue` made per column.
            while try cursor.next() != nil {
                guard try visit(GRDBRawRow.row(statement.sqliteStatement, columns: columns)) else { return }
            }
        }
    }

    /// What GRDB's `inSavepoint` does inside a transaction, with the three statements prepared once per connection:
    /// group commit takes a savepoint per act, and parsing them again each time cost a tenth of an act.
    func inSavepoint<T>(_ body: () throws -> T, keep: (T) -> Bool) throws -> T {
        guard db.isInsideTransaction else {
            var result: T?
            try db.inSavepoint {
                let value = try body()
                result = value
                return keep(value) ? .commit : .rollback
            }
            return result!
        }
        try db.cachedStatement(sql: "SAVEPOINT opcc_savepoint").execute()
        let value: T
        do {
            value = try body()
        } catch {
            // An error SQLite already rolled the whole transaction back for leaves no savepoint to roll back to.
            if db.isInsideTransaction { try? rollbackToSavepoint() }
            throw error
        }
        if keep(value) {
            try db.cachedStatement(sql: "RELEASE SAVEPOINT opcc_savepoint").execute()
        } else {
            try rollbackToSavepoint()
        }
        return value
    }

    private func rollbackToSavepoint() throws {
        try db.cachedStatement(sql: "ROLLBACK TO SAVEPOINT opcc_savepoint").execute()
        try db.cachedStatement(sql: "RELEASE SAVEPOINT opcc_savepoint").execute()
    }

    static func arguments(_ arguments: SQLArguments) -> StatementArguments {
        StatementArguments(
            arguments.values.map { value -> (any DatabaseValueConvertible)? in
                switch value {
                case .null: nil
                case .integer(let number): number
                case .real(let number): number
                case .text(let text): text
                }
            })
    }

    /// A refused change becomes `SQLFailure`; other errors (busy, damaged, a bug) stay GRDB's, for `SQLiteStore` to
    /// retry or report.
    private func translatingFailures<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
            switch error.extendedResultCode {
            case .SQLITE_CONSTRAINT_UNIQUE, .SQLITE_CONSTRAINT_PRIMARYKEY:
                throw SQLFailure.constraint(.unique)
            case .SQLITE_CONSTRAINT_FOREIGNKEY: throw SQLFailure.constraint(.foreignKey)
            case .SQLITE_CONSTRAINT_CHECK: throw SQLFailure.constraint(.check)
            case .SQLITE_CONSTRAINT_NOTNULL: throw SQLFailure.constraint(.notNull)
            case .SQLITE_CONSTRAINT_TRIGGER: throw SQLFailure.constraint(.trigger(error.message ?? ""))
            default: throw SQLFailure.constraint(.other)
            }
        } catch let error as DatabaseError where error.isIntegerOverflow {
            throw SQLFailure.integerOverflow
        }
    }
}

extension DatabaseError {
    /// SQLite's `sum()` stopped because a running total left 64 bits.
    var isIntegerOverflow: Bool { resultCode == .SQLITE_ERROR && message == "integer overflow" }
}
