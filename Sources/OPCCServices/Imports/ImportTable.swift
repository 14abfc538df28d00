import Crypto
import Foundation
import OPCCCore

/// What an import reads: a CSV file an office already keeps (a decisions register, a staff list, its grants), as
/// Excel or any other program writes it.
///
/// The bytes are UTF-8 (with or without the byte-order mark Excel's "CSV UTF-8" writes) or, when they are not valid
/// UTF-8, Windows-1252 (what Excel's plain "CSV" writes on a Windows machine in the UK: `£` is 0xA3, `é` 0xE9, curly
/// quotes 0x91–0x94). The file is read whole (it is at most `maximumBytes`), split as RFC 4180 says (quoted cells may
/// hold commas, doubled quotes and line breaks; lines end in CRLF, LF or CR), and its header matched to the kind's
/// columns by name, ignoring case, spaces, `_` and `-`. Rows are numbered as a spreadsheet numbers them: the header
/// is row 1, so an error on "row 7" is on the spreadsheet's row 7.
public struct ImportTable: Sendable {
    /// One row of the file: its number as a spreadsheet shows it and its cells by canonical column name (a column
    /// the file does not have is absent; a cell the row leaves out is empty).
    public struct Row: Sendable, Hashable {
        public let number: Int
        public let cells: [String: String]

        /// The cell of `column`, or "" when the file has no such column.
        public subscript(_ column: String) -> String { cells[column] ?? "" }
    }

    /// The file's name as the person gave it (only for messages and the audit event).
    public let source: String
    /// The SHA-256 of the file's bytes, in lowercase hex: what each import event cites.
    public let sha256: String
    /// How the bytes were read: "UTF-8", "UTF-8 with BOM" or "Windows-1252".
    public let encoding: String
    /// The canonical columns the file has, in its order.
    public let columns: [String]
    /// The rows holding anything, in the file's order (rows of empty cells are skipped).
    public let rows: [Row]

    /// The largest file an import reads: 10 MB (a 50,000-row register of long summaries is about 30 MB; split it).
    public static let maximumBytes = 10 * 1024 * 1024
    /// The most rows an import reads in one file.
    public static let maximumRows = 20_000

    /// Reads `bytes` as a file of `spec`'s columns, or refuses it naming what is wrong: too large, too many rows, a
    /// quoted cell never closed, a column not of the kind, a required column missing, a column given twice.
    public static func read(_ bytes: [UInt8], source: String, spec: ImportColumns) throws -> ImportTable {
        guard bytes.count <= maximumBytes else {
            throw ServiceRefusal(
                rule: .importFileWithinLimits,
                message: "\(source) is \(bytes.count) bytes; an import reads at most \(maximumBytes) bytes "
                    + "(10 MB): split the file")
        }
        let sha = sha256Hex(bytes)
        let (text, encoding) = decode(bytes)
        let records = try CSVRecords.split(text, source: source, maximumRows: maximumRows + 1)
        guard let header = records.first, !header.fields.allSatisfy({ $0.isBlank }) else {
            throw ServiceRefusal(
                rule: .importColumnsPresent,
                message: "\(source) is empty: its first row must name the columns (\(spec.help))")
        }
        // Header cells: a blank one at the end (a trailing comma Excel leaves) is ignored.
        var names = header.fields
        while let last = names.last, last.isBlank, names.count > 1 { names.removeLast() }
        var columns: [String] = []
        var unknown: [String] = []
        var repeated: [String] = []
        for name in names {
            guard let column = spec.column(named: name) else {
                unknown.append(name.isBlank ? "(a column with no name)" : "'\(name)'")
                continue
            }
            if columns.contains(column) { repeated.append("'\(name)'") }
            columns.append(column)
        }
        guard unknown.isEmpty else {
            throw ServiceRefusal(
                rule: .importColumnsKnown,
                message: "\(source): unknown column\(unknown.count == 1 ? "" : "s") "
                    + "\(unknown.joined(separator: ", ")); the columns are: \(spec.help)")
        }
        guard repeated.isEmpty else {
            throw ServiceRefusal(
                rule: .importColumnsKnown,
                message: "\(source): column\(repeated.count == 1 ? "" : "s") \(repeated.joined(separator: ", ")) "
                    + "given twice")
        }
        let missing = spec.required.filter { !columns.contains($0) }
        guard missing.isEmpty else {
            throw ServiceRefusal(
                rule: .importColumnsPresent,
                message: "\(source): missing column\(missing.count == 1 ? "" : "s") "
                    + "\(missing.joined(separator: ", ")); the columns are: \(spec.help)")
        }
        var rows: [Row] = []
        for record in records.dropFirst() where !record.fields.allSatisfy({ $0.isBlank }) {
            var cells: [String: String] = [:]
            for (index, column) in columns.enumerated() {
                cells[column] = index < record.fields.count ? record.fields[index] : ""
            }
            // Cells beyond the header's are kept under a name no column has, so the row can be refused for them.
            if record.fields.count > columns.count,
                !record.fields[columns.count...].allSatisfy({ $0.isBlank })
            {
                cells[ImportColumns.extraCells] = String(record.fields.count)
            }
            rows.append(Row(number: record.number, cells: cells))
        }
        guard rows.count <= maximumRows else {
            throw ServiceRefusal(
                rule: .importFileWithinLimits,
                message: "\(source) has more than \(maximumRows) rows; an import reads at most \(maximumRows) "
                    + "rows: split the file")
        }
        return ImportTable(source: source, sha256: sha, encoding: encoding, columns: columns, rows: rows)
    }

    /// A date cell as an import reads it: dd/mm/yyyy (as UK registers write it), d/m/yyyy or yyyy-mm-dd.
    public static func day(_ text: String) -> Day? { ImportRowCheck.parseDay(text) }

    /// The SHA-256 of `bytes` in lowercase hex.
    public static func sha256Hex(_ bytes: [UInt8]) -> String {
        SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
    }

    /// The text of `bytes` and its encoding: UTF-8 when the bytes are valid UTF-8 (after a BOM, if any), else
    /// Windows-1252, which decodes every byte.
    public static func decode(_ bytes: [UInt8]) -> (text: String, encoding: String) {
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
        if bytes.starts(with: bom), let text = String(validating: bytes.dropFirst(3), as: UTF8.self) {
            return (text, "UTF-8 with BOM")
        }
        if let text = String(validating: bytes, as: UTF8.self) { return (text, "UTF-8") }
        var scalars = String.UnicodeScalarView()
        for byte in bytes { scalars.append(windows1252(byte)) }
        return (String(scalars), "Windows-1252")
    }

    /// The character Windows-1252 gives `byte`: Latin-1 but for 0x80–0x9F, where it has the euro sign, curly quotes,
    /// dashes and the like. The five bytes it leaves undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D) read as the C1 controls
    /// Windows maps them to, which every text field then refuses by its row and column.
    static func windows1252(_ byte: UInt8) -> Unicode.Scalar {
        let high: [UInt32] = [
            0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8D,
            0x017D, 0x8F, 0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161,
            0x203A, 0x0153, 0x9D, 0x017E, 0x0178,
        ]
        let value = (0x80...0x9F).contains(byte) ? high[Int(byte) - 0x80] : UInt32(byte)
        return Unicode.Scalar(value)!
    }
}

/// The columns of one kind of import: each canonical name with the other spellings offices use for it.
public struct ImportColumns: Sendable {
    /// A canonical column and the headers that mean it (compared without case, spaces, `_` or `-`).
    public struct Column: Sendable {
        public let name: String
        public let spellings: [String]
        public let required: Bool
        public init(_ name: String, required: Bool = false, also spellings: [String] = []) {
            self.name = name
            self.spellings = spellings
            self.required = required
        }
    }

    /// The key under which a row keeps the count of its cells when it has more than the header.
    static let extraCells = "\u{0}extra"

    public let columns: [Column]
    public init(_ columns: [Column]) { self.columns = columns }

    /// The required columns' names.
    public var required: [String] { columns.filter(\.required).map(\.name) }

    /// The columns as a message lists them: required ones marked.
    public var help: String {
        columns.map { $0.required ? "\($0.name) (required)" : $0.name }.joined(separator: ", ")
    }

    /// The canonical column a header names, if any.
    public func column(named header: String) -> String? {
        let key = Self.key(header)
        return columns.first { column in
            Self.key(column.name) == key || column.spellings.contains { Self.key($0) == key }
        }?.name
    }

    /// A header as compared: lowercased, without spaces, `_`, `-`, `.`, or a BOM a program left inside.
    static func key(_ header: String) -> String {
        String(
            header.lowercased().unicodeScalars.filter {
                !CharacterSet.whitespacesAndNewlines.contains($0) && !"_-.".unicodeScalars.contains($0)
                    && $0 != "\u{FEFF}"
            })
    }
}

/// RFC 4180 records, split over Unicode scalars (a combining mark after a quote must not hide the quote, as it would
/// in a `Character`).
enum CSVRecords {
    struct Record {
        /// The row's number: the header is 1.
        var number: Int
        var fields: [String]
    }

    static func split(_ text: String, source: String, maximumRows: Int) throws -> [Record] {
        var records: [Record] = []
        var fields: [String] = []
        var field = String.UnicodeScalarView()
        var quoted = false
        var afterQuote = false
        var inQuotes = false
        var startedQuoteOnRow = 0
        var scalars = text.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = nil
        func endField() {
            fields.append(String(field))
            field = String.UnicodeScalarView()
            quoted = false
            afterQuote = false
        }
        func endRecord() throws {
            endField()
            records.append(Record(number: records.count + 1, fields: fields))
            fields = []
            guard records.count <= maximumRows else {
                throw ServiceRefusal(
                    rule: .importFileWithinLimits,
                    message: "\(source) has more than \(maximumRows - 1) rows; an import reads at most "
                        + "\(maximumRows - 1) rows: split the file")
            }
        }
        while true {
            let scalar: Unicode.Scalar
            if let waiting = pending {
                scalar = waiting
                pending = nil
            } else if let next = scalars.next() {
                scalar = next
            } else {
                break
            }
            if inQuotes {
                if scalar == "\"" {
                    let next = scalars.next()
                    if next == "\"" {
                        field.append("\"")
                    } else {
                        inQuotes = false
                        afterQuote = true
                        pending = next
                    }
                } else {
                    field.append(scalar)
                }
                continue
            }
            switch scalar {
            case ",": endField()
            case "\r":
                let next = scalars.next()
                if next != "\n" { pending = next }
                try endRecord()
            case "\n": try endRecord()
            case "\"" where field.isEmpty && !quoted:
                inQuotes = true
                quoted = true
                startedQuoteOnRow = records.count + 1
            default:
                if afterQuote {
                    throw ServiceRefusal(
                        rule: .importRowsValid,
                        message: "\(source): row \(records.count + 1): text after a quoted cell's closing quote "
                            + "(a quote inside a quoted cell is written twice: \"\")")
                }
                field.append(scalar)
            }
        }
        if inQuotes {
            throw ServiceRefusal(
                rule: .importRowsValid,
                message: "\(source): row \(startedQuoteOnRow): a quoted cell is never closed (its closing \" is "
                    + "missing)")
        }
        if !field.isEmpty || !fields.isEmpty || quoted { try endRecord() }
        return records
    }
}

/// One problem with one row of an import: its row (as a spreadsheet numbers it), the column, and what is wrong.
public struct ImportRowError: Hashable, Sendable, Codable, CustomStringConvertible {
    public let row: Int
    /// The canonical column, or nil when the problem is the row's as a whole.
    public let column: String?
    /// The rule refused by (`valid-date`, `decision-number-unique`, …).
    public let rule: String
    public let message: String

    public init(row: Int, column: String?, rule: String, message: String) {
        self.row = row
        self.column = column
        self.rule = rule
        self.message = message
    }

    public var description: String {
        "row \(row)" + (column.map { ", column \($0)" } ?? "") + ": \(message)"
    }
}

extension ImportTable {
    /// Reads the file at `path` (refused above `maximumBytes` before it is read), as `read(_:source:spec:)` does.
    public static func read(contentsOf path: String, spec: ImportColumns) throws -> ImportTable {
        let source = (path as NSString).lastPathComponent
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue
        if let size, size > maximumBytes {
            throw ServiceRefusal(
                rule: .importFileWithinLimits,
                message: "\(source) is \(size) bytes; an import reads at most \(maximumBytes) bytes (10 MB): split "
                    + "the file")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ServiceRefusal(rule: .readableFile, message: "\(path): cannot be read")
        }
        return try read([UInt8](data), source: source, spec: spec)
    }
}

extension Commissioning {
    /// Runs the import of `kind` over `table` into `office`.
    public func importFile(
        _ kind: ImportKind, _ table: ImportTable, office: String, by actorName: String,
        options: ImportOptions = ImportOptions()
    ) async throws -> ImportReport {
        switch kind {
        case .decisions: return try await importDecisionRegister(table, office: office, by: actorName, options: options)
        case .people: return try await importPeople(table, office: office, by: actorName, options: options)
        case .grants: return try await importGrants(table, office: office, by: actorName, options: options)
        }
    }
}
