import Foundation
import GRDB
import Testing

/// Raw SQL edits of a demo database's records, each with the record `opcc audit verify` and `opcc restore` name.
private let directEdits: [(sql: String, named: String)] = [
    (
        "UPDATE decision_record SET title = 'Edited behind its back' WHERE id = 'cumbria-DR-0001'",
        "decision cumbria-DR-0001 (014/2016): content differs"
    ),
    (
        "UPDATE decision_part2 SET content = 'Edited Part 2' WHERE record_id = 'lincolnshire-DR-0001'",
        "decision lincolnshire-DR-0001 (007/2020): content differs"
    ),
    (
        "INSERT INTO role_grant (person_id, role, scope) SELECT id, 'officer', '' FROM person "
            + "WHERE name = 'cumbria.barrow-board'",
        "person cumbria.barrow-board: content differs"
    ),
    (
        "UPDATE person SET office_id = 'west-midlands' WHERE name = 'cumbria.officer'",
        "person cumbria.officer: content differs"
    ),
    (
        "DROP TRIGGER ledger_transfer_is_never_updated; "
            + "UPDATE ledger_transfer SET amount_pence = amount_pence + 100 WHERE posting_seq = 1",
        "posting 1: its transfers differ from those its audit event"
    ),
]

@Suite("opcc audit verify and restore: seals and office chains", .serialized)
struct AuditSealCommandTests {
    @Test func directEditsFailAuditVerifyOrRestoreNamingTheRecord() async throws {
        let db = temporaryDatabase()
        await #expect(try opcc(["demo", "--db", db]).status == 0)
        let folder = URL(fileURLWithPath: db).deletingLastPathComponent()
        for (index, edit) in directEdits.enumerated() {
            let copy = folder.appendingPathComponent("edited-\(index).sqlite").path
            await #expect(try opcc(["backup", copy, "--db", db]).status == 0)
            let queue = try DatabaseQueue(path: copy)
            try await queue.write { try $0.execute(sql: edit.sql) }
            try queue.close()
            let target = folder.appendingPathComponent("restored-\(index).sqlite").path
            let restore = try await opcc(["restore", copy, "--db", target])
            #expect(restore.status == 1)
            #expect(restore.stderr.contains(edit.named), "\(restore.stderr)")
            #expect(!FileManager.default.fileExists(atPath: target))
            if !edit.named.hasPrefix("posting") {
                let verify = try await opcc(["audit", "verify", "--db", copy])
                #expect(verify.status == 1)
                #expect(verify.stderr.contains(edit.named), "\(verify.stderr)")
            }
        }
    }

    @Test func oneOfficesChainVerifiesAndPrintsItsHeadOnItsOwn() async throws {
        let db = temporaryDatabase()
        await #expect(try opcc(["demo", "--db", db]).status == 0)
        let verify = try await opcc(["audit", "verify", "--office", "cumbria", "--db", db])
        #expect(verify.status == 0, "\(verify.stderr)")
        let head = try await opcc(["audit", "head", "--office", "cumbria", "--db", db])
        #expect(head.status == 0)
        #expect(verify.stdout.hasSuffix("head \(head.stdout)"), "\(verify.stdout) / \(head.stdout)")
        let unknownHead = try await opcc(["audit", "head", "--office", "atlantis", "--db", db])
        #expect(unknownHead.status != 0)
        #expect(unknownHead.stderr.contains("office atlantis has no audit events"))
        let unknownVerify = try await opcc(["audit", "verify", "--office", "atlantis", "--db", db])
        #expect(unknownVerify.status != 0)
        #expect(unknownVerify.stderr.contains("no office 'atlantis' to verify"))
    }
}
