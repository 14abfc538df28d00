import CLibPQ
import Foundation

/// What the PostgreSQL server or libpq refused: the SQLSTATE (five characters, `23505` for a duplicate key; nil when
/// the connection itself failed) and the primary message. The server's DETAIL, which may quote a whole row, is never
/// kept, so no refusal carries stored values into a log or a page.
public struct PGError: Error, Hashable, Sendable, CustomStringConvertible {
    public let sqlState: String?
    public let message: String

    public init(sqlState: String?, message: String) {
        self.sqlState = sqlState
        self.message = message
    }

    public var description: String {
        "PostgreSQL" + (sqlState.map { " error \($0)" } ?? "") + ": " + message
    }
}

/// The rows a statement returned, in PostgreSQL's text format (NULL as nil), and how many rows it changed.
public struct PGResult: Sendable {
    public let columns: [String]
    /// Each column's type, as the OID of its type in PostgreSQL's catalogue (20 for `bigint`, 25 for `text`, …).
    public let columnTypes: [UInt32]
    public let rows: [[String?]]
    /// Rows inserted, updated or deleted (0 for a statement that changes none).
    public let affectedRows: Int
}

/// One connection to a PostgreSQL server through libpq. Synchronous, like a GRDB connection: a store uses each from one
/// thread at a time (its own, never Swift's cooperative pool), handing it between threads only whole, hence
/// `@unchecked Sendable`. Parameters travel apart from the statement's text (`$1`, `$2`, …), as text or NULL.
public final class PGConnection: @unchecked Sendable {
    private let handle: OpaquePointer
    /// The statements prepared on this connection, by their text: each is parsed and planned once per connection.
    private var prepared: [String: String] = [:]

    /// Connects with a `postgres://user@host:port/database` URL (or libpq's `key=value` form). A refusal names the
    /// reason libpq gives (no such database, connection refused, authentication failed), never the password.
    public init(url: String) throws {
        guard let handle = PQconnectdb(url) else {
            throw PGError(sqlState: nil, message: "libpq could not allocate a connection")
        }
        guard PQstatus(handle) == CONNECTION_OK else {
            let message = Self.trimmed(PQerrorMessage(handle))
            PQfinish(handle)
            throw PGError(sqlState: nil, message: message)
        }
        self.handle = handle
        // The server's NOTICEs (such as "relation already exists, skipping") are not the program's output.
        PQsetNoticeProcessor(handle, { _, _ in }, nil)
    }

    deinit { PQfinish(handle) }

    /// Whether the connection is still usable (a server restart or a lost network leaves it bad).
    public var isOpen: Bool { PQstatus(handle) == CONNECTION_OK }

    /// Runs one statement with its parameters. A statement the server refuses throws `PGError` with its SQLSTATE.
    @discardableResult
    public func execute(_ sql: String, _ parameters: [String?] = []) throws -> PGResult {
        // libpq reads each parameter as a C string, so a NUL would cut it short without a word: refuse it instead
        // (PostgreSQL's text cannot hold one either; 22021 is its own code for that).
        if let index = parameters.firstIndex(where: { $0?.unicodeScalars.contains("\u{0}") == true }) {
            throw PGError(
                sqlState: "22021",
                message: "parameter $\(index + 1) holds a NUL character, which PostgreSQL cannot store")
        }
        let result = Self.withCStrings(parameters) { values in
            PQexecParams(handle, sql, Int32(parameters.count), nil, values, nil, nil, 0)
        }
        return try read(result)
    }

    /// Runs one statement as `execute` does, prepared on this connection the first time its text is seen and reused
    /// after (the parameters' types are inferred by the server from the statement). `translate` turns the text into
    /// the server's when it is first prepared (the store writes SQLite's `?` placeholders), never again after.
    @discardableResult
    public func executePrepared(
        _ sql: String, _ parameters: [String?] = [], translate: (String) -> String = { $0 }
    ) throws -> PGResult {
        if let index = parameters.firstIndex(where: { $0?.unicodeScalars.contains("\u{0}") == true }) {
            throw PGError(
                sqlState: "22021",
                message: "parameter $\(index + 1) holds a NUL character, which PostgreSQL cannot store")
        }
        let name: String
        if let known = prepared[sql] {
            name = known
        } else {
            name = "opcc_\(prepared.count + 1)"
            _ = try read(PQprepare(handle, name, translate(sql), 0, nil))
            prepared[sql] = name
        }
        let result = Self.withCStrings(parameters) { values in
            PQexecPrepared(handle, name, Int32(parameters.count), values, nil, nil, 0)
        }
        return try read(result)
    }

    /// Runs a script of several statements with no parameters (a migration), in the order written.
    public func executeScript(_ sql: String) throws {
        _ = try read(PQexec(handle, sql))
    }

    private func read(_ result: OpaquePointer?) throws -> PGResult {
        guard let result else { throw PGError(sqlState: nil, message: Self.trimmed(PQerrorMessage(handle))) }
        defer { PQclear(result) }
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY:
            break
        default:
            let state = PQresultErrorField(result, Self.diagnostic("C")).map { String(cString: $0) }
            let primary = PQresultErrorField(result, Self.diagnostic("M")).map { String(cString: $0) }
            throw PGError(sqlState: state, message: primary ?? Self.trimmed(PQresultErrorMessage(result)))
        }
        let columnCount = Int(PQnfields(result))
        let columns = (0..<columnCount).map { String(cString: PQfname(result, Int32($0))) }
        let columnTypes = (0..<columnCount).map { UInt32(PQftype(result, Int32($0))) }
        let rows = (0..<Int(PQntuples(result))).map { row in
            (0..<columnCount).map { column -> String? in
                PQgetisnull(result, Int32(row), Int32(column)) == 1
                    ? nil : String(cString: PQgetvalue(result, Int32(row), Int32(column)))
            }
        }
        let affected = Int(String(cString: PQcmdTuples(result))) ?? 0
        return PGResult(columns: columns, columnTypes: columnTypes, rows: rows, affectedRows: affected)
    }

    /// A diagnostic field code of `PQresultErrorField` (`PG_DIAG_SQLSTATE` is 'C', the primary message 'M').
    private static func diagnostic(_ code: Character) -> Int32 { Int32(code.asciiValue!) }

    private static func trimmed(_ text: UnsafePointer<CChar>?) -> String {
        text.map { String(cString: $0).trimmingCharacters(in: .whitespacesAndNewlines) } ?? "unknown libpq error"
    }

    /// Lends `strings` as C strings (NULL for nil) for the length of `body`.
    private static func withCStrings<T>(
        _ strings: [String?], _ body: ([UnsafePointer<CChar>?]) -> T
    ) -> T {
        let copies = strings.map { $0.map { strdup($0) } ?? nil }
        defer { for copy in copies { free(copy) } }
        return body(copies.map { $0.map { UnsafePointer($0) } })
    }
}
