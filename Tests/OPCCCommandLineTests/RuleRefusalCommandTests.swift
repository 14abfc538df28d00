import Foundation
import GRDB
import Testing

/// A demo database of its own, without the returns scenario, and the folder it is in.
private func demoDatabase() async throws -> (db: String, folder: URL) {
    let db = temporaryDatabase()
    let demo = try await opcc(["demo", "--db", db, "--without-returns"])
    #expect(demo.status == 0, "\(demo.stderr)")
    return (db, URL(fileURLWithPath: db).deletingLastPathComponent())
}

/// Runs `sql` on the database behind the product's back.
private func editBehindTheBack(_ db: String, _ sql: String) throws {
    let queue = try DatabaseQueue(path: db)
    try queue.write { try $0.execute(sql: sql) }
    try queue.close()
}

/// How many audit events the database holds.
private func auditEventCount(_ db: String) throws -> Int {
    let queue = try DatabaseQueue(path: db)
    defer { try? queue.close() }
    return try queue.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM audit_event") ?? 0 }
}

/// One test for each rule only the command line refuses by that no test triggered before (issue 22, item 3): each
/// runs `opcc` into the refusal, checks the rule id on stderr and the exit code, and checks that nothing changed.
@Suite("Rules: command-line refusals, each triggered")
struct RuleRefusalCommandTests {
    @Test func anAuditLogAlteredBehindTheProductsBackFailsVerify() async throws {
        let (db, _) = try await demoDatabase()
        try editBehindTheBack(
            db,
            "DROP TRIGGER audit_event_is_never_updated; UPDATE audit_event SET actor = 'someone.else' WHERE seq = 5")
        let events = try auditEventCount(db)
        let verify = try await opcc(["audit", "verify", "--db", db])
        #expect(verify.status == 1)
        #expect(verify.stderr.contains("audit-intact"), "\(verify.stderr)")
        #expect(try auditEventCount(db) == events)
    }

    @Test func booksAlteredBehindTheProductsBackFailTheFinanceCheck() async throws {
        let (db, _) = try await demoDatabase()
        try editBehindTheBack(
            db,
            "DROP TRIGGER ledger_transfer_is_never_updated; "
                + "UPDATE ledger_transfer SET amount_pence = amount_pence + 100 WHERE posting_seq = 1")
        let events = try auditEventCount(db)
        let check = try await opcc(["finance", "check", "--db", db])
        #expect(check.status == 1)
        #expect(check.stderr.contains("books-balance"), "\(check.stderr)")
        #expect(try auditEventCount(db) == events)
    }

    @Test func theHeadOfAnOfficeWithoutEventsIsNotFound() async throws {
        let (db, _) = try await demoDatabase()
        let head = try await opcc(["audit", "head", "--office", "atlantis", "--db", db])
        #expect(head.status == 1)
        #expect(head.stderr.contains("known-office-chain"), "\(head.stderr)")
        #expect(head.stdout.isEmpty)
    }

    @Test func aPasswordShorterThanEightCharactersIsNotSet() async throws {
        let (db, folder) = try await demoDatabase()
        let file = folder.appendingPathComponent("password").path
        try "short\n".write(toFile: file, atomically: true, encoding: .utf8)
        let events = try auditEventCount(db)
        let passwd = try await opcc(
            ["user", "passwd", "cumbria.officer", "--password-file", file, "--as", "cumbria.officer", "--db", db])
        #expect(passwd.status == 1)
        #expect(passwd.stderr.contains("password-length"), "\(passwd.stderr)")
        #expect(try auditEventCount(db) == events)
    }

    @Test func aFileThatCannotBeReadIsRefusedNamingIt() async throws {
        let (db, folder) = try await demoDatabase()
        let missing = folder.appendingPathComponent("no-such-draft.yaml").path
        let events = try auditEventCount(db)
        let raise = try await opcc(
            ["decision", "raise", "--file", missing, "--office", "cumbria", "--as", "cumbria.officer", "--db", db])
        #expect(raise.status == 1)
        #expect(raise.stderr.contains("readable-file"), "\(raise.stderr)")
        #expect(raise.stderr.contains(missing))
        #expect(try auditEventCount(db) == events)
    }

    @Test func aVariationFileThatDoesNotDecodeIsRefused() async throws {
        let (db, folder) = try await demoDatabase()
        let file = folder.appendingPathComponent("varied.yaml").path
        try "planLines: three\n".write(toFile: file, atomically: true, encoding: .utf8)
        let events = try auditEventCount(db)
        let vary = try await opcc([
            "finance", "agreement", "vary", "cumbria-GA-0001", "--kind", "plan-lines", "--reason", "new plan",
            "--file", file, "--as", "cumbria.finance", "--db", db,
        ])
        #expect(vary.status == 1)
        #expect(vary.stderr.contains("valid-variation-file"), "\(vary.stderr)")
        #expect(try auditEventCount(db) == events)
    }

    @Test func aChartToAFolderThatDoesNotExistIsRefused() async throws {
        let (db, folder) = try await demoDatabase()
        let output = folder.appendingPathComponent("no-such-folder/chart.svg").path
        let chart = try await opcc(["priorities", "chart", "--output", output, "--db", db])
        #expect(chart.status == 1)
        #expect(chart.stderr.contains("writable-file"), "\(chart.stderr)")
        #expect(!FileManager.default.fileExists(atPath: output))
    }
}
