import OPCCCore
import PropertyBased
import Testing

/// The pure rules behind attaching a file: its type from its first bytes, a ZIP container's type from its entries,
/// and the cleaned name.
@Suite("Documents: types by content and cleaned names")
struct DocumentRulesTests {
    @Test(arguments: [
        (Array("%PDF-1.7\n".utf8), DocumentRules.Head.pdf),
        ([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0], .png),
        ([0xFF, 0xD8, 0xFF, 0xE0], .jpeg),
        ([0x50, 0x4B, 0x03, 0x04, 0x14], .zip),
        (Array("ward,score\nHindpool,91\n".utf8), .text),
        (Array("Café à Barrow\r\n".utf8), .text),
        (Array("  <svg onload=alert(1)>".utf8), .markup),
        (Array("\u{FEFF}<!DOCTYPE html>".utf8), .markup),
        (Array("Notes\n<script>x</script>".utf8), .markup),
        ([0x00, 0x01, 0x02], .unknown),
        ([0xC3, 0x28], .unknown),
        ([0x4D, 0x5A, 0x90, 0x00], .unknown),
    ])
    func aFilesTypeIsReadFromItsFirstBytes(head: [UInt8], expected: DocumentRules.Head) {
        #expect(DocumentRules.identify(head: head) == expected)
    }

    @Test func aContainersTypeComesFromItsEntriesAndMacrosAreRefused() throws {
        #expect(
            try DocumentRules.containerType(paths: ["[Content_Types].xml", "word/document.xml"], mimetype: nil) == .docx
        )
        #expect(
            try DocumentRules.containerType(paths: ["[Content_Types].xml", "xl/workbook.xml"], mimetype: nil) == .xlsx)
        #expect(
            try DocumentRules.containerType(
                paths: ["mimetype"], mimetype: "application/vnd.oasis.opendocument.spreadsheet\n") == .ods)
        #expect(throws: DocumentRefusal.macros(part: "xl/vbaProject.bin")) {
            try DocumentRules.containerType(
                paths: ["[Content_Types].xml", "xl/workbook.xml", "xl/vbaProject.bin"], mimetype: nil)
        }
        #expect(throws: DocumentRefusal.macros(part: "Basic/Standard/Module1.xml")) {
            try DocumentRules.containerType(
                paths: ["mimetype", "Basic/Standard/Module1.xml"], mimetype: "application/vnd.oasis.opendocument.text")
        }
        #expect(throws: DocumentRefusal.otherArchive) {
            try DocumentRules.containerType(paths: ["photo.jpg"], mimetype: nil)
        }
    }

    @Test(arguments: [
        ("business case.pdf", "business case.pdf"),
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\me\\EIA (final).docx", "EIA (final).docx"),
        ("..hidden", "hidden"),
        ("a\u{0}b<script>.txt", "a_b_script_.txt"),
        ("Évaluation.pdf", "Évaluation.pdf"),
    ])
    func aNameIsCleaned(raw: String, cleaned: String) throws {
        #expect(try DocumentRules.cleanName(raw) == cleaned)
    }

    @Test func aNameWithoutLettersOrDigitsIsRefusedAndALongOneKeepsItsExtension() throws {
        #expect(throws: DocumentRefusal.badName) { try DocumentRules.cleanName("/../.. ") }
        let long = try DocumentRules.cleanName(String(repeating: "a", count: 300) + ".pdf")
        #expect(long.count == DocumentRules.nameLimit && long.hasSuffix(".pdf"))
    }

    /// Both databases refuse a name longer than 120 Unicode scalars (`length`), so the cleaned name never is one:
    /// "é" typed as "e" and a combining accent counted as one character made a name the database refused.
    @Test func aCleanedNameIsNeverLongerThanTheDatabasesLimitInScalars() async throws {
        let accented = String(repeating: "e\u{301}x ", count: 200) + ".pdf"
        let cleaned = try DocumentRules.cleanName(accented)
        #expect(cleaned.unicodeScalars.count <= DocumentRules.nameLimit && cleaned.hasSuffix(".pdf"))
        #expect(throws: DocumentRefusal.badName) {
            // One letter carrying 300 accents is one character of 301 scalars: nothing of it fits.
            try DocumentRules.cleanName("e" + String(repeating: "\u{301}", count: 300))
        }
        let piece = Gen.oneOf(
            Gen.element(of: ["e\u{301}", "x", " ", ".", ".pdf", "\u{301}", "👩‍👩‍👧", "_", "/"]).map { $0 ?? "" },
            Gen<UInt32>.value(in: 0...0x10_FFFF).map { String(Unicode.Scalar($0) ?? "\u{FFFD}") })
        await propertyCheck(count: 2_000, input: piece.array(of: 0...400).map { $0.joined() }) { raw in
            guard let name = try? DocumentRules.cleanName(raw) else { return }
            #expect(!name.isEmpty && name.unicodeScalars.count <= DocumentRules.nameLimit, "\(raw.debugDescription)")
        }
    }
}
