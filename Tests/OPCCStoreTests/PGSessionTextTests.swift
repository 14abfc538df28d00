import Testing

@testable import OPCCStore

/// The hand-written text handling of the PostgreSQL session (no server needed): placeholders, which statements only
/// read, and URLs as messages show them.
@Suite("PostgreSQL session: placeholders and URLs as text")
struct PGSessionTextTests {
    @Test func placeholdersAreNumberedInOrderOutsideQuotedTextAndNumberedOnesKeepTheirNumber() {
        #expect(
            PGSession.numbered("SELECT * FROM t WHERE a = ? AND b = ?") == "SELECT * FROM t WHERE a = $1 AND b = $2")
        #expect(
            PGSession.numbered("INSERT INTO p VALUES (?1, (SELECT max(x) FROM p WHERE a = ?1), ?2)")
                == "INSERT INTO p VALUES ($1, (SELECT max(x) FROM p WHERE a = $1), $2)")
        #expect(
            PGSession.numbered("SELECT '?', \"a?\" FROM t WHERE w LIKE ? ESCAPE '\\'")
                == "SELECT '?', \"a?\" FROM t WHERE w LIKE $1 ESCAPE '\\'")
        #expect(PGSession.numbered("SELECT 'it''s ?' WHERE a = ?") == "SELECT 'it''s ?' WHERE a = $1")
    }

    @Test func onlySelectsAndWithQueriesCountAsReads() {
        #expect(PGSession.isQuery("  SELECT 1"))
        #expect(PGSession.isQuery("WITH kind(name) AS (VALUES (?)) SELECT name FROM kind"))
        #expect(!PGSession.isQuery("INSERT INTO api_token (label) VALUES (?) RETURNING id"))
        #expect(!PGSession.isQuery("UPDATE t SET a = ?"))
    }

    @Test func aNulInTextAQueryOnlyComparesIsReplacedButAWriteKeepsIt() {
        let arguments: SQLArguments = ["a\u{0}b", 7, nil]
        #expect(PGSession.parameters(arguments, comparedOnly: true) == ["a\u{FFFD}b", "7", nil])
        #expect(PGSession.parameters(arguments) == ["a\u{0}b", "7", nil])
    }

    @Test func aURLsPasswordNeverReachesAMessage() {
        #expect(
            PostgresStore.withoutPassword("postgres://opcc:s3cret@db.internal:5432/opcc")
                == "postgres://opcc@db.internal:5432/opcc")
        #expect(PostgresStore.withoutPassword("postgres://opcc@db/opcc") == "postgres://opcc@db/opcc")
        #expect(PostgresStore.withoutPassword("host=db password=s3cret dbname=opcc") == "host=db dbname=opcc")
    }
}
