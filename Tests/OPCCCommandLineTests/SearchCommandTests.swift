import Foundation
import GRDB
import PropertyBased
import Testing

/// What no message of any front end may contain: SQL, or SQLite's or GRDB's own words.
let storeLeaks = [
    "SQLite error", "syntax error", "fts5", "while executing", "SELECT ", "FROM decision", "decision_fts",
    "DatabaseError", "GRDB",
]

/// A database loaded by `opcc demo`.
private func demoDatabase(sourceLocation: SourceLocation = #_sourceLocation) async throws -> String {
    let path = temporaryDatabase()
    let demo = try await opcc(["demo", "--db", path])
    try #require(demo.status == 0, "opcc demo: \(demo.stderr)", sourceLocation: sourceLocation)
    return path
}

/// Arbitrary Unicode with the pieces a query language would read as syntax mixed in. No NUL: an argument of a
/// process cannot hold one.
private enum HostileArgument {
    static let fragments = [
        "\"", "'", "*", "(", ")", "NEAR", "NOT", "OR", "AND", "^", ":", "-", "--", "+", "/", "\\", "{", "}",
        "\u{202E}", "\u{2066}", "\u{200F}", "\u{200D}", "\u{FEFF}", " ", "\n", "\t", "014/2016", "44/2020", "WMPCC",
        "e\u{301}", "\u{301}", "😀", "日本", "٣", "%", "£", "=", "2016/17", "<b>", "'; DROP TABLE decision_record; --",
        "Mire",
    ]
    static let scalar = Gen<UInt32>.value(in: 1...0x10_FFFF).map { String(Unicode.Scalar($0) ?? "\u{FFFD}") }
    static let piece = Gen.oneOf(Gen.element(of: fragments).map { $0 ?? "" }, scalar)
    static let short = piece.array(of: 0...10).map { $0.joined() }
    static let long = zip(piece, Gen.int(in: 200...1_000)).map { String(repeating: $0 + " ", count: $1) }
    static let text = Gen.frequency((8, short), (1, long))
}

@Suite("opcc decision list: search is text; no message shows SQL")
struct SearchCommandTests {
    @Test func theIssuesSearchesListRecordsInsteadOfASyntaxError() async throws {
        let db = try await demoDatabase()
        for text in ["014/2016", "WPC4-0045", "Kick Off @ 3", "\"Mire", "NOT", "a OR", "NEAR(a b", "*"] {
            let result = try await opcc(["decision", "list", "--db", db, "--search=\(text)"])
            #expect(result.status == 0, "\(text): \(result.stderr)")
            #expect(result.stderr.isEmpty, "\(text)")
        }
        let byNumber = try await opcc(["decision", "list", "--db", db, "--search", "7/2020"])
        #expect(byNumber.stdout == "lincolnshire\t007/2020\tpublished\t£100,000.00\tDemand and Data Quality\n")
    }

    @Test func anUnexpectedStoreErrorIsAGenericMessageWithoutSQL() async throws {
        let db = try await demoDatabase()
        try await DatabaseQueue(path: db).write { try $0.execute(sql: "DROP TABLE decision_fts") }
        let result = try await opcc(["decision", "list", "--db", db, "--search", "Mirehouse"])
        #expect(result.status == 1)
        #expect(result.stderr == "opcc: the database could not answer (SQLite result code 1), so nothing was changed\n")
        for leak in storeLeaks { #expect(!result.stderr.contains(leak) && !result.stdout.contains(leak), "\(leak)") }
    }

    /// Opening or restoring a file that is not a database names SQLite's reason, never the statement it ran.
    @Test func aFileThatIsNotADatabaseIsNamedWithoutTheStatementThatFoundIt() async throws {
        let db = try await demoDatabase()
        let junk = URL(fileURLWithPath: db).deletingLastPathComponent().appendingPathComponent("junk.sqlite").path
        try Data("not a database".utf8).write(to: URL(fileURLWithPath: junk))
        let opened = try await opcc(["finance", "check", "--db", junk])
        #expect(opened.status == 1)
        #expect(
            opened.stderr == "opcc: cannot open the database \(junk) (--db): SQLite error 26: file is not a database\n")
        let restored = try await opcc(["restore", junk, "--db", db])
        #expect(restored.status == 1)
        #expect(restored.stderr.contains("backup-readable"))
        #expect(restored.stderr.contains("file is not a database"))
        for result in [opened, restored] {
            #expect(!result.stderr.contains("while executing"), "\(result.stderr)")
            #expect(!result.stderr.contains("PRAGMA") && !result.stderr.contains("SELECT"), "\(result.stderr)")
        }
    }

    /// Every option of `decision list` takes any text: the command lists, or refuses with a message that names the
    /// problem (exit 1, or 64 for a value the option cannot take), and never shows SQL or a store error.
    @Test func anyTextInAnyOptionOfDecisionListListsOrIsRefusedCleanly() async throws {
        let db = try await demoDatabase()
        let options = ["search", "year", "status", "strand", "officer", "min", "max", "office", "as", "format"]
        let input = zip(HostileArgument.text, Gen.int(in: 0...(options.count - 1)), HostileArgument.text)
        await propertyCheck(count: 40, input: input) { search, index, other in
            for arguments in [["--search=\(search)"], ["--\(options[index])=\(other)"]] {
                let result = try await opcc(["decision", "list", "--db", db] + arguments)
                #expect([0, 1, 64].contains(result.status), "\(arguments): \(result.status) \(result.stderr)")
                for leak in storeLeaks {
                    #expect(!result.stderr.contains(leak), "\(arguments.debugDescription): \(result.stderr)")
                }
            }
        }
    }
}
