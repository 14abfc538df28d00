/// One cell of a CSV file the product writes: text a person gave (a name, a purpose), or a number the product
/// computed (pence, a count, a score), which is written exactly as it is.
public enum CSVCell: Hashable, Sendable, ExpressibleByStringLiteral {
    /// Text, which a spreadsheet could take for a formula: guarded by the OWASP rule (`CSV.guarded`).
    case text(String)
    /// A number as the product writes it ("-3800000", "12.5"): never altered, so that a negative amount stays a
    /// number a spreadsheet adds up.
    case number(String)

    public init(stringLiteral value: String) { self = .text(value) }

    /// An integer cell (pence, a count).
    public static func integer(_ n: Int64) -> CSVCell { .number(String(n)) }

    /// An optional integer: empty text when there is none.
    public static func integer(_ n: Int64?) -> CSVCell { n.map(integer) ?? .text("") }

    /// An integer cell from an `Int` (a count, a rank, a score).
    public static func integer(_ n: Int) -> CSVCell { .number(String(n)) }
}

/// Writes CSV as RFC 4180 asks (fields holding a comma, a quote or a line break quoted, quotes doubled), with every
/// text cell guarded against formula injection: every CSV the product writes goes through `line(_:)`.
public enum CSV {
    /// What a spreadsheet reads as the start of a formula (OWASP, "CSV Injection"): `=`, `+`, `-`, `@`, tab and
    /// carriage return.
    static let formulaStarts: Set<Character> = ["=", "+", "-", "@", "\t", "\r", "\r\n"]

    /// A text cell as it is safe to write: prefixed with `'` when it starts like a formula, so that `=1+2` reads
    /// `'=1+2` and a spreadsheet shows the text instead of working it out. Numbers never come here.
    public static func guarded(_ text: String) -> String {
        guard let first = text.first, formulaStarts.contains(first) else { return text }
        return "'" + text
    }

    /// A cell as written in the file: a text cell guarded, then quoted if it needs to be.
    public static func field(_ cell: CSVCell) -> String {
        switch cell {
        case .text(let text): return quoted(guarded(text))
        case .number(let number): return quoted(number)
        }
    }

    /// RFC 4180 quoting: a field holding a comma, a quote or a line break is quoted, with its quotes doubled.
    static func quoted(_ field: String) -> String {
        field.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
            ? "\"" + field.replacing("\"", with: "\"\"") + "\"" : field
    }

    /// One line of cells, without its line end.
    public static func line(_ cells: [CSVCell]) -> String { cells.map(field).joined(separator: ",") }

    /// One line of fields already written as text, where the columns at `numberColumns` hold numbers the product
    /// computed (pence, counts, scores) and every other column is text.
    public static func line(_ fields: [String], numberColumns: Set<Int>) -> String {
        line(fields.enumerated().map { numberColumns.contains($0.offset) ? .number($0.element) : .text($0.element) })
    }

    /// A header line: column names are text.
    public static func header(_ names: [String]) -> String { line(names.map(CSVCell.text)) }
}
