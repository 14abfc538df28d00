import Foundation
import OPCCCore
import OPCCStore

/// `manifest.json` of an office bundle (`opcc export office`; the format is docs/office-bundle.md): what the bundle
/// holds, how many rows of each table, the office's chain head, and the SHA-256 of every other file in the bundle,
/// which `opcc import office` checks before it writes anything.
public struct OfficeBundleManifest: Codable, Hashable, Sendable {
    /// The format's name, the same in every bundle.
    public static let formatName = "opcc-office-bundle"
    /// The version this binary writes and reads; a change a reader must know of moves it on.
    public static let currentVersion = 1

    /// The office's chain as exported: it starts from `anchor` and ends at `head`.
    public struct Chain: Codable, Hashable, Sendable {
        /// The hash the office's first event links to (the genesis hash: see `OfficeBundle`).
        public var anchor: String
        /// The newest event: its number in the whole log (`seq`, kept on import, as the hashes cover it), its
        /// number in the office's own chain, and its hash.
        public var headSequence: Int64
        public var headOfficeSequence: Int64
        public var headHash: String
        public var events: Int

        enum CodingKeys: String, CodingKey {
            case anchor, events
            case headSequence = "head_sequence"
            case headOfficeSequence = "head_office_sequence"
            case headHash = "head_hash"
        }
    }

    /// One table's file.
    public struct Table: Codable, Hashable, Sendable {
        public var name: String
        public var file: String
        public var rows: Int
        public var columns: [String]
    }

    /// One document file: the bytes every document row with this SHA-256 refers to.
    public struct DocumentFile: Codable, Hashable, Sendable {
        public var sha256: String
        public var sizeBytes: Int64
        public var file: String

        enum CodingKeys: String, CodingKey {
            case sha256, file
            case sizeBytes = "size_bytes"
        }
    }

    /// One file of the bundle and its SHA-256.
    public struct File: Codable, Hashable, Sendable {
        public var path: String
        public var sha256: String

        public init(path: String, sha256: String) {
            self.path = path
            self.sha256 = sha256
        }
    }

    /// A table left out, and why.
    public struct Exclusion: Codable, Hashable, Sendable {
        public var table: String
        public var reason: String
    }

    public var format: String
    public var formatVersion: Int
    public var office: String
    public var exportedAt: String
    public var chain: Chain
    public var tables: [Table]
    public var documents: [DocumentFile]
    public var excluded: [Exclusion]
    /// What the receiving office must do after the import.
    public var afterImport: [String]
    /// Every file of the bundle but the manifest, by its path inside the bundle, with its SHA-256.
    public var files: [File]

    enum CodingKeys: String, CodingKey {
        case format, office, chain, tables, documents, excluded, files
        case formatVersion = "format_version"
        case exportedAt = "exported_at"
        case afterImport = "after_import"
    }

    static func decode(_ data: Data) throws -> OfficeBundleManifest {
        try JSONDecoder().decode(OfficeBundleManifest.self, from: data)
    }

    func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self) + Data("\n".utf8)
    }
}

/// A table file of a bundle: one JSON object a line, keys in column order (sorted), so one office's export is the
/// same bytes from either engine; a real is `{"real": "0.1"}`, everything else a JSON null, integer or string.
public enum OfficeBundleLines {
    public static func encode(_ table: OfficeBundleTableRows) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var out = Data()
        for row in table.rows {
            out += try encoder.encode(Dictionary(uniqueKeysWithValues: zip(table.columns, row)))
            out.append(UInt8(ascii: "\n"))
        }
        return out
    }

    /// The rows of `data` with exactly `columns`, each line checked; a line that is not one names its number.
    public static func decode(_ data: Data, columns: [String], file: String) throws -> [[String: OfficeBundleValue]] {
        let decoder = JSONDecoder()
        var rows: [[String: OfficeBundleValue]] = []
        for (number, line) in data.split(separator: UInt8(ascii: "\n")).enumerated() {
            let row: [String: OfficeBundleValue]
            do { row = try decoder.decode([String: OfficeBundleValue].self, from: Data(line)) } catch {
                throw ServiceRefusal(
                    rule: .officeBundleFormat, message: "\(file) line \(number + 1) is not a row: \(error)")
            }
            guard Set(row.keys) == Set(columns) else {
                throw ServiceRefusal(
                    rule: .officeBundleFormat,
                    message: "\(file) line \(number + 1) does not have the manifest's columns")
            }
            rows.append(row)
        }
        return rows
    }
}
