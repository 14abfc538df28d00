import Foundation

/// One row of a result read in place by column index, without a Swift value made per column: what the loops over
/// millions of rows (`audit verify`) read. Only valid inside the visit that gives it.
protocol SQLRawRow: AnyObject {
    /// The column's integer; nil when it is NULL; `SQLRawRowMismatch` for a value of another kind.
    func integer(_ index: Int) throws(SQLRawRowMismatch) -> Int64?
    /// The column's text as the UTF-8 bytes the engine's string decoding would give (invalid UTF-8 repaired, cut at a
    /// NUL as GRDB cuts it); nil when it is NULL; `SQLRawRowMismatch` for a value of another kind.
    func text(_ index: Int) throws(SQLRawRowMismatch) -> UnsafeRawBufferPointer?
    /// The row as `SQLSession.forEachRow` gives it, for a row the raw reader does not expect.
    func row() -> SQLRow
}

/// A column holding a value of another kind than the raw reader asked for (the caller reads the row the slow way).
struct SQLRawRowMismatch: Error {}

extension SQLSession {
    func forEachRawRow(_ sql: String, _ arguments: SQLArguments, _ visit: (any SQLRawRow) throws -> Bool) throws {
        try forEachRawRowDefault(sql, arguments, visit)
    }

    /// The rows of `sql` read in place (on SQLite); on another engine, the rows `forEachRow` gives, with their texts
    /// copied out for the visit.
    func forEachRawRowDefault(
        _ sql: String, _ arguments: SQLArguments, _ visit: (any SQLRawRow) throws -> Bool
    )
        throws
    {
        let reader = SQLValueRawRow()
        try forEachRow(sql, arguments) { row in
            reader.reset(row)
            return try visit(reader)
        }
        reader.reset(nil)
    }
}

/// `SQLRawRow` over a row of values (PostgreSQL's): each text copied into memory kept until the next row.
final class SQLValueRawRow: SQLRawRow {
    private var current: SQLRow?
    private var copies: [UnsafeMutableRawBufferPointer] = []

    func reset(_ row: SQLRow?) {
        for copy in copies { copy.deallocate() }
        copies.removeAll(keepingCapacity: true)
        current = row
    }

    deinit { reset(nil) }

    func integer(_ index: Int) throws(SQLRawRowMismatch) -> Int64? {
        let value = current!.value(at: index)
        if case .null = value { return nil }
        guard let number = Int64.decode(value) else { throw SQLRawRowMismatch() }
        return number
    }

    func text(_ index: Int) throws(SQLRawRowMismatch) -> UnsafeRawBufferPointer? {
        switch current!.value(at: index) {
        case .null: return nil
        case .text(let text):
            let copy = UnsafeMutableRawBufferPointer.allocate(byteCount: text.utf8.count, alignment: 1)
            copy.copyBytes(from: text.utf8)
            copies.append(copy)
            return UnsafeRawBufferPointer(copy)
        default: throw SQLRawRowMismatch()
        }
    }

    func row() -> SQLRow { current! }
}
