import Foundation

/// One value crossing between the store and either engine: SQLite's four storage classes (a BLOB is not used by the
/// schema), which PostgreSQL's column types map onto (`bigint` → integer, `double precision` → real, the rest → text).
enum SQLValue: Hashable, Sendable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)

    /// The value as text, as SQLite gives it (seals hash this text): nil for NULL.
    var text: String? {
        switch self {
        case .null: nil
        case .integer(let number): String(number)
        case .real(let number): String(number)
        case .text(let text): text
        }
    }
}

/// A Swift value the store binds as a statement's parameter.
protocol SQLBindable {
    var sqlValue: SQLValue { get }
}

extension String: SQLBindable { var sqlValue: SQLValue { .text(self) } }
extension Substring: SQLBindable { var sqlValue: SQLValue { .text(String(self)) } }
extension Int: SQLBindable { var sqlValue: SQLValue { .integer(Int64(self)) } }
extension Int64: SQLBindable { var sqlValue: SQLValue { .integer(self) } }
extension Int32: SQLBindable { var sqlValue: SQLValue { .integer(Int64(self)) } }
extension Double: SQLBindable { var sqlValue: SQLValue { .real(self) } }
extension Bool: SQLBindable { var sqlValue: SQLValue { .integer(self ? 1 : 0) } }
extension SQLValue: SQLBindable { var sqlValue: SQLValue { self } }
extension Optional: SQLBindable where Wrapped: SQLBindable {
    var sqlValue: SQLValue { self?.sqlValue ?? .null }
}

/// A statement's parameters, in order (`?` placeholders): written as an array literal of Swift values, nil for NULL.
struct SQLArguments: ExpressibleByArrayLiteral, Sendable {
    var values: [SQLValue]

    init() { self.values = [] }

    init<S: Sequence>(_ values: S) where S.Element: SQLBindable { self.values = values.map(\.sqlValue) }

    init(arrayLiteral elements: (any SQLBindable)?...) {
        values = elements.map { $0?.sqlValue ?? .null }
    }

    static func += (left: inout SQLArguments, right: SQLArguments) { left.values += right.values }
    static func + (left: SQLArguments, right: SQLArguments) -> SQLArguments { SQLArguments(left.values + right.values) }
}

/// A value the store reads from a column: what SQLite or PostgreSQL stored, converted as GRDB would (a NULL or a
/// value of another kind in a non-optional read is a damaged database, and stops the process as GRDB does).
protocol SQLColumnDecodable {
    static func decode(_ value: SQLValue) -> Self?
}

extension String: SQLColumnDecodable {
    static func decode(_ value: SQLValue) -> String? {
        if case .text(let text) = value { return text }
        return nil
    }
}

extension Int64: SQLColumnDecodable {
    static func decode(_ value: SQLValue) -> Int64? {
        switch value {
        case .integer(let number): number
        // PostgreSQL's sum() and count() of bigints come back as numeric text.
        case .text(let text): Int64(text)
        case .real(let number): Int64(exactly: number)
        case .null: nil
        }
    }
}

extension Int: SQLColumnDecodable {
    static func decode(_ value: SQLValue) -> Int? { Int64.decode(value).flatMap { Int(exactly: $0) } }
}

extension Double: SQLColumnDecodable {
    static func decode(_ value: SQLValue) -> Double? {
        switch value {
        case .real(let number): number
        case .integer(let number): Double(number)
        case .text(let text): Double(text)
        case .null: nil
        }
    }
}

extension Bool: SQLColumnDecodable {
    static func decode(_ value: SQLValue) -> Bool? {
        switch value {
        case .integer(let number): number != 0
        case .text(let text): text == "t" || text == "true" || text == "1"
        default: nil
        }
    }
}

extension SQLValue: SQLColumnDecodable {
    static func decode(_ value: SQLValue) -> SQLValue? { value }
}

extension Optional: SQLColumnDecodable where Wrapped: SQLColumnDecodable {
    static func decode(_ value: SQLValue) -> Wrapped?? {
        if case .null = value { return .some(nil) }
        guard let wrapped = Wrapped.decode(value) else { return nil }
        return .some(wrapped)
    }
}

/// The column names of a statement's rows, shared by every row it returns.
final class SQLColumns: Sendable {
    let names: [String]
    private let lowercased: [String]

    init(_ names: [String]) {
        self.names = names
        self.lowercased = names.map { $0.lowercased() }
    }

    func index(of name: String) -> Int? {
        if let exact = names.firstIndex(of: name) { return exact }
        return lowercased.firstIndex(of: name.lowercased())
    }
}

/// One row of a result, its values in the statement's column order.
struct SQLRow {
    let columns: SQLColumns
    let values: [SQLValue]

    var count: Int { values.count }

    subscript<T: SQLColumnDecodable>(_ index: Int) -> T {
        let value = values[index]
        guard let decoded = T.decode(value) else {
            fatalError("stored column \(columns.names[index]) holds \(value), not \(T.self)")
        }
        return decoded
    }

    subscript<T: SQLColumnDecodable>(_ name: String) -> T {
        guard let index = columns.index(of: name) else { fatalError("no column \(name) in the row") }
        return self[index]
    }

    /// The raw value at `index`.
    func value(at index: Int) -> SQLValue { values[index] }
}
