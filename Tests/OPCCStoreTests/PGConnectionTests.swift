import Foundation
import OPCCStore
import OPCCTestSupport
import PropertyBased
import Testing

/// The PostgreSQL connection the PostgreSQL store is built on (libpq): text in and out unchanged, refusals with their
/// SQLSTATE, transactions whole or not at all.
@Suite(
    "PostgreSQL connection (libpq)",
    .enabled(if: OutsideTool.postgres.runs, Comment(rawValue: OutsideTool.postgres.skipReason)))
struct PGConnectionTests {
    /// Every kind of character a person can type, and some nobody should: controls, quotes, backslashes, SQL
    /// comment and statement separators, combining marks, line separators, a byte-order mark, emoji, CJK, the last
    /// code point. (Not NUL: PostgreSQL's text cannot hold one, and `aNulIsRefusedNotCutShort` covers it.)
    static let palette: [Unicode.Scalar] =
        (0x01...0x20).map { Unicode.Scalar(UInt8($0)) }
        + [
            "'", "\"", "\\", ";", "-", "/", "*", "$", "%", "_", "\u{7F}", "a", "Z", "0", "é", "ß", "\u{0301}",
            "\u{2028}", "\u{2029}", "\u{FEFF}", "\u{202E}", "€", "😀", "中", "\u{10FFFF}",
        ]
    static let text = Gen.int(in: 0...(palette.count - 1)).array(of: 0...24)
        .map { indexes in String(String.UnicodeScalarView(indexes.map { palette[$0] })) }

    @Test func anyTextGoesInAsAParameterAndComesBackUnchanged() async throws {
        let connection = try PGConnection(url: try PostgresTestDatabase.make().url)
        try connection.execute("CREATE TABLE note (id bigint PRIMARY KEY, body text NOT NULL)")
        var id = 0
        await propertyCheck(count: 300, input: Self.text) { text in
            id += 1
            try connection.execute("INSERT INTO note (id, body) VALUES ($1, $2)", [String(id), text])
            let read = try connection.execute("SELECT body, length(body) FROM note WHERE id = $1", [String(id)])
            #expect(read.rows == [[text, String(text.unicodeScalars.count)]])
        }
    }

    @Test func aNulIsRefusedNotCutShort() throws {
        let connection = try PGConnection(url: try PostgresTestDatabase.make().url)
        try connection.execute("CREATE TABLE note (body text NOT NULL)")
        let error = #expect(throws: PGError.self) {
            try connection.execute("INSERT INTO note (body) VALUES ($1)", ["before\u{0}after"])
        }
        #expect(error?.sqlState == "22021")
        #expect(try connection.execute("SELECT count(*) FROM note").rows == [["0"]])
    }

    @Test func aDuplicateKeyIsRefusedWithItsSQLStateAndWithoutTheRowsValues() throws {
        let connection = try PGConnection(url: try PostgresTestDatabase.make().url)
        try connection.execute("CREATE TABLE office (id text PRIMARY KEY)")
        try connection.execute("INSERT INTO office (id) VALUES ($1)", ["cumbria"])
        let error = #expect(throws: PGError.self) {
            try connection.execute("INSERT INTO office (id) VALUES ($1)", ["cumbria"])
        }
        #expect(error?.sqlState == "23505")
        #expect(error?.message.contains("duplicate key") == true)
        #expect(error?.description.contains("(id)=(cumbria)") == false, "the DETAIL quoting the row is not kept")
    }

    @Test func aTransactionIsWholeOrNothingAndAFailedStatementAbortsIt() throws {
        let connection = try PGConnection(url: try PostgresTestDatabase.make().url)
        try connection.execute("CREATE TABLE posting (seq bigint PRIMARY KEY, pence bigint NOT NULL)")
        func count() throws -> [[String?]] { try connection.execute("SELECT count(*) FROM posting").rows }
        try connection.execute("BEGIN")
        try connection.execute("INSERT INTO posting VALUES (1, 100), (2, 200)")
        try connection.execute("ROLLBACK")
        #expect(try count() == [["0"]])
        try connection.execute("BEGIN")
        let inserted = try connection.execute(
            "INSERT INTO posting VALUES ($1, $2), ($3, $4)", ["1", "100", "2", "200"])
        let updated = try connection.execute("UPDATE posting SET pence = pence + 1 WHERE seq > $1", ["0"])
        try connection.execute("COMMIT")
        #expect(inserted.affectedRows == 2)
        #expect(updated.affectedRows == 2)
        // Unlike SQLite, a refused statement aborts the whole transaction: what it wrote before goes too.
        try connection.execute("BEGIN")
        try connection.execute("INSERT INTO posting VALUES (3, 300)")
        #expect(throws: PGError.self) { try connection.execute("INSERT INTO posting VALUES (3, 300)") }
        let aborted = #expect(throws: PGError.self) { try connection.execute("SELECT 1") }
        #expect(aborted?.sqlState == "25P02")
        try connection.execute("ROLLBACK")
        #expect(try count() == [["2"]])
    }

    @Test func aMissingDatabaseIsRefusedNamingIt() throws {
        let url = PostgresTestDatabase.replacingDatabase(
            of: try #require(OutsideTool.postgresURL), with: "opcc_no_such_database")
        let error = #expect(throws: PGError.self) { try PGConnection(url: url) }
        #expect(error?.sqlState == nil)
        #expect(error?.message.contains("opcc_no_such_database") == true, "\(String(describing: error))")
    }
}
