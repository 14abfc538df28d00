/// Why a file cannot be attached. Each refusal says what to do; a refused file changes nothing.
public enum DocumentRefusal: Error, Hashable, Sendable, CustomStringConvertible {
    case empty
    case tooLarge(sizeBytes: Int64, limitBytes: Int64)
    case unknownType
    /// Text that a browser would render as a page or an image that runs script (HTML, SVG, XML).
    case markup
    /// A ZIP container that is not a Word, Excel or OpenDocument file.
    case otherArchive
    /// A Word, Excel or OpenDocument file carrying macros.
    case macros(part: String)
    case unreadableArchive
    case badName

    /// The rule's id, as the front ends show it.
    public var rule: String {
        switch self {
        case .empty: "document-not-empty"
        case .tooLarge: "document-size-limit"
        case .unknownType, .markup, .otherArchive, .unreadableArchive: "document-type-allowed"
        case .macros: "document-without-macros"
        case .badName: "document-name"
        }
    }

    public var description: String {
        switch self {
        case .empty: return "the file is empty: attach the document itself"
        case .tooLarge(let size, let limit):
            return "the file is \(size) bytes, over the limit of \(limit) bytes: attach a smaller file or split it"
        case .unknownType:
            return "the file's content is not a PDF, PNG, JPEG, CSV, plain text, Word, Excel or OpenDocument file "
                + "(types are read from the content, not the name): save it as one of those"
        case .markup:
            return "the file is HTML, SVG or XML, which a browser would render and run: save it as PDF or plain text"
        case .otherArchive:
            return "the file is a ZIP archive that is not a Word, Excel or OpenDocument file: attach the documents "
                + "themselves"
        case .macros(let part):
            return "the file carries macros (\(part)): save it without macros (.docx, .xlsx, .odt or .ods)"
        case .unreadableArchive:
            return "the file looks like a Word, Excel or OpenDocument file but cannot be read as one: save it again"
        case .badName: return "the file name has no letters or digits: give the document a name"
        }
    }
}

/// The rules for a file's type, size and name, without reading a file: the services feed them what they read.
public enum DocumentRules {
    /// The default size limit: 25 MB.
    public static let defaultSizeLimitBytes: Int64 = 25 * 1024 * 1024
    /// How many bytes of a file's start `identify` needs to tell its type.
    public static let headBytes = 64 * 1024
    /// The longest cleaned name, in characters.
    public static let nameLimit = 120

    /// What the start of a file is. `zip` needs a look inside; `text` is text only if the whole file is
    /// (`TextScan` over every byte).
    public enum Head: Hashable, Sendable {
        case pdf, png, jpeg, zip, text, markup, unknown
    }

    public static func identify(head: [UInt8]) -> Head {
        if head.starts(with: Array("%PDF-".utf8)) { return .pdf }
        if head.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if head.starts(with: [0xFF, 0xD8, 0xFF]) { return .jpeg }
        if head.starts(with: [0x50, 0x4B, 0x03, 0x04]) { return .zip }
        guard isUTF8Text(head) else { return .unknown }
        let start = String(decoding: head.prefix(4096), as: UTF8.self).lowercased()
        let trimmed = start.drop { $0 == "\u{FEFF}" || $0.isWhitespace }
        if trimmed.hasPrefix("<") || start.contains("<script") || start.contains("<html") || start.contains("<svg") {
            return .markup
        }
        return .text
    }

    /// Valid UTF-8 (a sequence cut at the end of `bytes` is allowed) with no control characters but tab, line feed,
    /// carriage return and form feed.
    public static func isUTF8Text(_ bytes: [UInt8]) -> Bool {
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte < 0x80 {
                if byte < 0x20 && byte != 0x09 && byte != 0x0A && byte != 0x0D && byte != 0x0C { return false }
                if byte == 0x7F { return false }
                index += 1
                continue
            }
            let length: Int
            switch byte {
            case 0xC2...0xDF: length = 2
            case 0xE0...0xEF: length = 3
            case 0xF0...0xF4: length = 4
            default: return false
            }
            guard index + length <= bytes.count else { return true }
            for next in bytes[(index + 1)..<(index + length)] where next & 0xC0 != 0x80 { return false }
            index += length
        }
        return true
    }

    /// Text is CSV when its name says so (both are text: the content cannot tell them apart).
    public static func textType(name: String) -> DocumentType {
        name.lowercased().hasSuffix(".csv") ? .csv : .text
    }

    /// The type a ZIP container holds, from its entries' paths and, for OpenDocument, its `mimetype` entry; macro
    /// parts (`vbaProject.bin`, an OpenDocument's `Basic/` or `Scripts/`) are refused.
    public static func containerType(paths: [String], mimetype: String?) throws(DocumentRefusal) -> DocumentType {
        for path in paths {
            let lower = path.lowercased()
            if lower.hasSuffix("vbaproject.bin") || lower.hasSuffix("vbadata.xml") || lower.hasPrefix("basic/")
                || lower.hasPrefix("scripts/") || lower.hasSuffix(".bin") && lower.contains("activex")
            {
                throw .macros(part: path)
            }
        }
        let set = Set(paths)
        switch mimetype.map({ String($0.filter { !$0.isWhitespace }) }) {
        case "application/vnd.oasis.opendocument.text": return .odt
        case "application/vnd.oasis.opendocument.spreadsheet": return .ods
        default: break
        }
        guard set.contains("[Content_Types].xml") else { throw .otherArchive }
        if set.contains("word/document.xml") { return .docx }
        if set.contains("xl/workbook.xml") { return .xlsx }
        throw .otherArchive
    }

    /// The `[Content_Types].xml` of an Office file names a macro-enabled main part (`.docm`, `.xlsm`).
    public static func checkContentTypes(_ text: String) throws(DocumentRefusal) {
        if text.lowercased().contains("macroenabled") { throw .macros(part: "[Content_Types].xml: macro-enabled") }
    }

    /// A name safe to show and to offer as a download's file name: the last path component, letters, digits,
    /// spaces and `.-_()` kept, anything else as `_`, runs of `_` and spaces squeezed, no leading dot, at most
    /// `nameLimit` Unicode scalars (the extension kept).
    public static func cleanName(_ raw: String) throws(DocumentRefusal) -> String {
        let last = raw.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        var cleaned = ""
        for character in last {
            let keep = character.isLetter || character.isNumber || " .-_()".contains(character)
            let next: Character = keep && !character.isNewline ? character : "_"
            if (next == "_" || next == " "), cleaned.last == next { continue }
            cleaned.append(next)
        }
        var trimmed = String(cleaned.drop { $0 == "." || $0 == " " || $0 == "_" })
        while trimmed.last == " " || trimmed.last == "." { trimmed.removeLast() }
        guard trimmed.contains(where: { $0.isLetter || $0.isNumber }) else { throw .badName }
        // The limit counts Unicode scalars, as both databases' `length` does: "é" typed as "e" and a combining
        // accent is one character but two scalars, and a name of 120 such characters was refused by the database.
        guard trimmed.unicodeScalars.count > nameLimit else { return trimmed }
        var shortened = prefix(of: trimmed, scalars: nameLimit)
        if let dot = trimmed.lastIndex(of: "."), case let ext = String(trimmed[dot...]), ext.unicodeScalars.count <= 10
        {
            shortened = prefix(of: trimmed, scalars: nameLimit - ext.unicodeScalars.count) + ext
        }
        guard shortened.contains(where: { $0.isLetter || $0.isNumber }) else { throw .badName }
        return shortened
    }

    /// The whole characters of `text` from its start that hold at most `limit` Unicode scalars.
    static func prefix(of text: String, scalars limit: Int) -> String {
        var kept = ""
        var count = 0
        for character in text {
            count += character.unicodeScalars.count
            if count > limit { break }
            kept.append(character)
        }
        return kept
    }
}
