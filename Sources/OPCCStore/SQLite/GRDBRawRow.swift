import Foundation
import GRDB
import GRDBSQLite
import OPCCCore

extension GRDBSession {
    /// The rows read in place from the prepared statement by SQLite's C API: no `DatabaseValue`, `SQLValue` or
    /// string per column.
    func forEachRawRow(_ sql: String, _ arguments: SQLArguments, _ visit: (any SQLRawRow) throws -> Bool) throws {
        actCache?.noteStatement(sql)
        let statement = try db.cachedStatement(sql: sql)
        let cursor = try Row.fetchCursor(statement, arguments: Self.arguments(arguments))
        let reader = GRDBRawRow(statement.sqliteStatement, columns: SQLColumns(statement.columnNames))
        defer { reader.reset() }
        while try cursor.next() != nil {
            reader.reset()
            guard try visit(reader) else { return }
        }
    }
}

/// `SQLRawRow` over the current row of a SQLite statement. A text is SQLite's own bytes when they are what GRDB's
/// `String(cString:)` would hold (no NUL, valid UTF-8: the common case, checked eight bytes at a time); otherwise
/// the bytes of that string, kept until the next row.
final class GRDBRawRow: SQLRawRow {
    private let statement: OpaquePointer
    private let columns: SQLColumns
    private var copies: [UnsafeMutableRawBufferPointer] = []

    init(_ statement: OpaquePointer, columns: SQLColumns) {
        self.statement = statement
        self.columns = columns
    }

    deinit { reset() }

    func reset() {
        for copy in copies { copy.deallocate() }
        copies.removeAll(keepingCapacity: true)
    }

    func integer(_ index: Int) throws(SQLRawRowMismatch) -> Int64? {
        switch sqlite3_column_type(statement, Int32(index)) {
        case SQLITE_NULL: return nil
        case SQLITE_INTEGER: return sqlite3_column_int64(statement, Int32(index))
        default: throw SQLRawRowMismatch()
        }
    }

    func text(_ index: Int) throws(SQLRawRowMismatch) -> UnsafeRawBufferPointer? {
        switch sqlite3_column_type(statement, Int32(index)) {
        case SQLITE_NULL: return nil
        case SQLITE_TEXT: break
        default: throw SQLRawRowMismatch()
        }
        guard let start = sqlite3_column_text(statement, Int32(index)) else { throw SQLRawRowMismatch() }
        var count = Int(sqlite3_column_bytes(statement, Int32(index)))
        // GRDB reads a text with `String(cString:)`, which ends it at the first NUL.
        if count > 0, let nul = memchr(start, 0, count) {
            count = UnsafeRawPointer(nul) - UnsafeRawPointer(start)
        }
        let bytes = UnsafeRawBufferPointer(start: start, count: count)
        if Self.isASCII(bytes) { return bytes }
        // `String(cString:)` repairs invalid UTF-8 as `String(decoding:as:)` does: the stored bytes stand when the
        // repair leaves them as they are.
        var repaired = String(decoding: bytes, as: UTF8.self)
        return repaired.withUTF8 { utf8 -> UnsafeRawBufferPointer in
            if utf8.count == count, count == 0 || memcmp(utf8.baseAddress!, start, count) == 0 { return bytes }
            let copy = UnsafeMutableRawBufferPointer.allocate(byteCount: utf8.count, alignment: 1)
            copy.copyMemory(from: UnsafeRawBufferPointer(utf8))
            copies.append(copy)
            return UnsafeRawBufferPointer(copy)
        }
    }

    /// The row as `GRDBSession.forEachRow` reads it.
    func row() -> SQLRow { Self.row(statement, columns: columns) }

    /// The current row of `statement`, each column as GRDB's `DatabaseValue` would give it, converted as
    /// `GRDBSession` converts one (a blob, which the schema never holds, as its bytes in hexadecimal), read by the C
    /// API without a `DatabaseValue` per column.
    static func row(_ statement: OpaquePointer, columns: SQLColumns) -> SQLRow {
        var values: [SQLValue] = []
        values.reserveCapacity(columns.names.count)
        for index in 0..<Int32(columns.names.count) {
            switch sqlite3_column_type(statement, index) {
            case SQLITE_NULL: values.append(.null)
            case SQLITE_INTEGER: values.append(.integer(sqlite3_column_int64(statement, index)))
            case SQLITE_FLOAT: values.append(.real(sqlite3_column_double(statement, index)))
            case SQLITE_TEXT: values.append(.text(String(cString: sqlite3_column_text(statement, index)!)))
            default:
                // The schema has no BLOB column: a blob is a damaged or foreign file, read as its bytes in hex.
                let count = Int(sqlite3_column_bytes(statement, index))
                let data = sqlite3_column_blob(statement, index).map { Data(bytes: $0, count: count) } ?? Data()
                values.append(.text(SHA256Hex.hex(data)))
            }
        }
        return SQLRow(columns: columns, values: values)
    }

    /// Whether every byte is below 0x80, read eight at a time.
    static func isASCII(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var index = 0
        var bits: UInt64 = 0
        while index + 8 <= bytes.count {
            bits |= bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            index += 8
        }
        while index < bytes.count {
            bits |= UInt64(bytes[index])
            index += 1
        }
        return bits & 0x8080_8080_8080_8080 == 0
    }
}
