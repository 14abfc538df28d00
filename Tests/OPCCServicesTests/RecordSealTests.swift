import Foundation
import GRDB
import OPCCCore
import OPCCServices
import OPCCStore
import OPCCTestSupport
import Testing

/// A record edited with raw SQL behind the product's back: the audit log's chains are untouched, but the record no
/// longer matches the seal its last event recorded.
enum DirectEdit: String, CaseIterable, Sendable {
    case decisionTitle, decisionAmount, decisionPart1Text, decisionPart2, boardMemberMadeOfficer, personMovedOffice
    /// An address set behind the product's back, where a password reset would then go.
    case personEmailRedirected

    var sql: String {
        switch self {
        case .decisionTitle:
            "UPDATE decision_record SET title = 'Edited behind its back' WHERE id = 'cumbria-DR-0001'"
        case .decisionAmount:
            "UPDATE decision_record SET amount_pence = 99999999 WHERE id = 'cumbria-DR-0001'"
        case .decisionPart1Text:
            "UPDATE decision_record SET part1_json = json_set(part1_json, '$.executiveSummary', 'Edited.') "
                + "WHERE id = 'cumbria-DR-0001'"
        case .decisionPart2:
            "UPDATE decision_part2 SET content = 'Edited Part 2' WHERE record_id = 'lincolnshire-DR-0001'"
        case .boardMemberMadeOfficer:
            "INSERT INTO role_grant (person_id, role, scope) SELECT id, 'officer', '' FROM person "
                + "WHERE name = 'cumbria.barrow-board'"
        case .personMovedOffice:
            "UPDATE person SET office_id = 'west-midlands' WHERE name = 'cumbria.officer'"
        case .personEmailRedirected:
            "UPDATE person SET email = 'someone@elsewhere.example' WHERE name = 'cumbria.officer'"
        }
    }

    /// How `audit verify` names the edited record.
    var named: String {
        switch self {
        case .decisionTitle, .decisionAmount, .decisionPart1Text:
            "decision cumbria-DR-0001 (014/2016): content differs from its last sealed event #"
        case .decisionPart2: "decision lincolnshire-DR-0001 (007/2020): content differs from its last sealed event #"
        case .boardMemberMadeOfficer: "person cumbria.barrow-board: content differs from its last sealed event #"
        case .personMovedOffice, .personEmailRedirected:
            "person cumbria.officer: content differs from its last sealed event #"
        }
    }
}

@Suite("Seals: a record edited behind the product's back fails audit verify and restore", .serialized)
struct RecordSealTests {
    /// The demo in a database file, its clock fixed.
    func demoOnFile(returns: Bool = false) async throws -> (Commissioning, SQLiteStore, String) {
        let path = temporaryDatabasePath()
        let (app, store) = try await demoApp(store: try SQLiteStore(path: path), returns: returns)
        return (app, store, path)
    }

    // SQLite only: it counts the rows of the SQLite tables through GRDB's writer.
    @Test func anUntouchedDemoDatabaseVerifiesWithEveryRecordSealed() async throws {
        let (app, store) = try await demoApp(returns: true)
        let result = try await app.verifyAudit()
        #expect(result.isIntact, "\(result.problems)")
        let records = try await store.writer.read { db in
            try Int.fetchOne(
                db,
                sql: """
                    SELECT (SELECT count(*) FROM office) + (SELECT count(*) FROM person)
                        + (SELECT count(*) FROM decision_record) + (SELECT count(*) FROM grant_agreement)
                        + (SELECT count(*) FROM quarterly_return) + (SELECT count(*) FROM carry_forward)
                        + (SELECT count(*) FROM priority_assessment) + (SELECT count(*) FROM allocation)
                        + (SELECT count(*) FROM budget_strand) + (SELECT count(*) FROM vli_run)
                        + (SELECT count(*) FROM variation_proposal)
                        + (SELECT count(DISTINCT agreement_id) FROM indicator_value)
                    """)
        }
        #expect(result.recordsSealed == records)
        await #expect(try app.financeCheck().isEmpty)
    }

    // SQLite only: it edits the SQLite tables through GRDB's writer.
    @Test(arguments: DirectEdit.allCases)
    func eachDirectEditIsNamedByAuditVerify(_ edit: DirectEdit) async throws {
        let (app, store) = try await demoApp()
        await #expect(try app.verifyAudit().isIntact)
        try await store.writer.write { try $0.execute(sql: edit.sql) }
        let result = try await app.verifyAudit()
        #expect(!result.isIntact)
        #expect(result.problems.contains { $0.hasPrefix(edit.named) }, "\(result.problems)")
    }

    // SQLite only: it edits a SQLite file through GRDB's writer and restores it.
    @Test(arguments: DirectEdit.allCases)
    func restoreRefusesADirectlyEditedCopyNamingTheRecord(_ edit: DirectEdit) async throws {
        let (_, store, path) = try await demoOnFile()
        try await store.writer.write { try $0.execute(sql: edit.sql) }
        let target = path + ".restored"
        let refusal = try await #require(throws: ServiceRefusal.self) {
            try await Commissioning.restore(from: path, to: target, home: home)
        }
        #expect(refusal.rule == "restore-needs-verified-audit")
        #expect(refusal.message.contains(edit.named), "\(refusal.message)")
        #expect(!FileManager.default.fileExists(atPath: target))
    }

    // SQLite only: it edits a SQLite file through GRDB's writer and restores it.
    @Test func restoreRefusesACopyWithAnAlteredLedgerAmountAndLeavesTheDatabaseAsItWas() async throws {
        let (_, store, path) = try await demoOnFile()
        try await store.writer.write { db in
            try db.execute(sql: "DROP TRIGGER ledger_transfer_is_never_updated")
            try db.execute(sql: "UPDATE ledger_transfer SET amount_pence = amount_pence + 100 WHERE posting_seq = 1")
        }
        let target = temporaryDatabasePath()
        let (current, _) = try await demoApp(store: try SQLiteStore(path: target))
        let headBefore = try await current.auditHead()
        let refusal = try await #require(throws: ServiceRefusal.self) {
            try await Commissioning.restore(from: path, to: target, home: home)
        }
        #expect(refusal.rule == "restore-needs-sound-books")
        #expect(refusal.message.contains("posting 1: its transfers differ from those its audit event"))
        await #expect(try current.auditHead() == headBefore)
        let siblings = try FileManager.default.contentsOfDirectory(
            atPath: URL(fileURLWithPath: target).deletingLastPathComponent().path)
        #expect(!siblings.contains { $0.contains(".bak") || $0.contains(".restoring") }, "\(siblings)")
    }

    // SQLite only: it reads the Part 2 text from the SQLite table through GRDB's writer.
    @Test func partTwoTextNeverAppearsInAnAuditEvent() async throws {
        let (app, store) = try await demoApp()
        let part2 = try await #require(
            try store.writer.read {
                try String.fetchOne(
                    $0, sql: "SELECT content FROM decision_part2 WHERE record_id = ?",
                    arguments: [
                        "lincolnshire-DR-0001"
                    ])
            })
        let events = try await app.auditLog()
        #expect(events.contains { $0.sealedRecord == "decision:lincolnshire-DR-0001" && $0.seal != nil })
        for e in events {
            #expect(!e.canonicalEncoding.contains(part2))
            #expect(!e.canonicalEncoding.contains(String(part2.prefix(40))))
        }
    }

    @Test(arguments: TestEngine.all) func eachOfficesChainVerifiesOnItsOwn(engine: TestEngine) async throws {
        let (app, _) = try await demoApp(engine: engine, returns: true)
        var checked = 0
        for office in try await app.store.read({ try $0.offices() }) {
            let result = try await app.verifyAudit(office: office.id)
            #expect(result.isIntact, "\(office.id): \(result.problems)")
            await #expect(result.head == (try app.auditHead(office: office.id)))
            checked += result.eventsChecked
        }
        await #expect(checked == (try app.auditLog().count))
    }

    @Test(arguments: TestEngine.all) func twoOfficesEventsInterleaveAndBothChainsVerify(engine: TestEngine) async throws
    {
        let (app, _) = try await demoApp(engine: engine)
        for n in 1...3 {
            try await app.addPerson(
                name: "cumbria.extra\(n)", office: "cumbria", grants: [RoleGrant(role: .auditor)],
                by: "cumbria.chief-executive")
            try await app.addPerson(
                name: "wm.extra\(n)", office: "west-midlands", grants: [RoleGrant(role: .auditor)],
                by: "wm.chief-executive")
        }
        let log = try await app.auditLog()
        let newest = Array(log.suffix(6))
        #expect(
            newest.map(\.office) == [
                "cumbria", "west-midlands", "cumbria", "west-midlands", "cumbria", "west-midlands",
            ])
        for office in ["cumbria", "west-midlands"] {
            let chain = log.filter { $0.office == office }
            for (previous, event) in zip(chain, chain.dropFirst()) {
                #expect(event.previousHash == previous.hash)
                #expect(event.officeSequence == previous.officeSequence.map { $0 + 1 })
            }
            await #expect(try app.verifyAudit(office: office).isIntact)
        }
        // Each links to its own office's previous event, not to the other office's event just before it.
        #expect(newest[1].previousHash != newest[0].hash)
        await #expect(try app.verifyAudit().isIntact)
    }

    // SQLite only: it drops SQLite's trigger and edits an event through GRDB's writer.
    @Test func anEditedEventBreaksOnlyItsOwnOfficesChain() async throws {
        let (app, store) = try await demoApp()
        let target = try await #require(try app.auditLog().last { $0.office == "cumbria" })
        try await store.writer.write { db in
            try db.execute(sql: "DROP TRIGGER audit_event_is_never_updated")
            try db.execute(
                sql: "UPDATE audit_event SET actor = 'someone.else' WHERE seq = ?", arguments: [target.sequence])
        }
        await #expect(
            try app.verifyAudit(office: "cumbria").problems.first
                == "event \(target.sequence): its contents do not match its hash (a field was edited)")
        await #expect(try app.verifyAudit(office: "west-midlands").isIntact)
        await #expect(!(try app.verifyAudit().isIntact))
    }

    @Test(arguments: TestEngine.all) func verifyingAnOfficeThatDoesNotExistIsRefused(engine: TestEngine) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let refusal = try await #require(throws: ServiceRefusal.self) { try await app.verifyAudit(office: "atlantis") }
        #expect(refusal.rule == "known-office")
    }

    // SQLite only: it writes a row behind the product's back through GRDB's writer.
    @Test func aRecordWrittenWithNoEventIsNamed() async throws {
        let (app, store) = try await demoApp()
        try await store.writer.write { db in
            try db.execute(
                sql: "INSERT INTO person (name, display_name, office_id, added_at) VALUES (?, ?, ?, ?)",
                arguments: ["cumbria.ghost", "Ghost", "cumbria", "2026-11-20T00:00:00.000Z"])
        }
        await #expect(
            try app.verifyAudit().problems == [
                "person cumbria.ghost: no audit event seals it (it was written behind the product's back)"
            ])
    }
}

@Suite("Seals: a database written before the office chains", .serialized)
struct OfficeChainMigrationTests {
    /// The demo as the code before per-office chains wrote it (`opcc demo`, VLI rows removed to keep it small), as
    /// SQL; its global chain's head was 203:8129b773….
    static let legacyHead = "203:8129b773304b4878380019c1f300896ef0311dd8da88ed69a3f8538314fe518d"

    func migratedLegacyDatabase() throws -> (Commissioning, SQLiteStore) {
        let path = temporaryDatabasePath()
        let dump = try String(
            contentsOf: repositoryRoot.appendingPathComponent(
                "Tests/OPCCServicesTests/Fixtures/global-chain-2026-12-06.sql"), encoding: .utf8)
        let legacy = try DatabaseQueue(path: path)
        try legacy.writeWithoutTransaction { try $0.execute(sql: dump) }
        try legacy.close()
        let store = try SQLiteStore(path: path)
        let app = try Commissioning(
            store: store, catalog: try shippedCatalog(), clock: FixedClock(day: day("2026-12-06")))
        return (app, store)
    }

    // SQLite only: it builds a SQLite file as an older version wrote it.
    @Test func aDatabaseWrittenBeforeTheOfficeChainsVerifiesAfterTheMigration() async throws {
        let (app, _) = try migratedLegacyDatabase()
        let result = try await app.verifyAudit()
        #expect(result.isIntact, "\(result.problems)")
        let log = try await app.auditLog()
        #expect(log.prefix(203).allSatisfy { $0.officeSequence == nil && $0.seal == nil })
        let starts = log.filter { $0.event == "chain-started" }
        let offices = try await app.store.read { try $0.offices() }.map(\.id)
        #expect(starts.map(\.office) == offices)
        let hash = String(Self.legacyHead.split(separator: ":")[1])
        for start in starts {
            #expect(start.previousHash == hash)
            #expect(start.officeSequence == 1)
            #expect(start.payloadFields["globalHead"] == Self.legacyHead)
        }
        #expect(log.filter { $0.seal != nil }.count == result.recordsSealed)
        for office in try await app.store.read({ try $0.offices() }) {
            await #expect(try app.verifyAudit(office: office.id).isIntact)
        }
    }

    // SQLite only: it builds a SQLite file as an older version wrote it.
    @Test(arguments: DirectEdit.allCases)
    func aDirectEditAfterTheMigrationIsNamed(_ edit: DirectEdit) async throws {
        let (app, store) = try migratedLegacyDatabase()
        try await store.writer.write { try $0.execute(sql: edit.sql) }
        let problems = try await app.verifyAudit().problems
        #expect(problems.contains { $0.hasPrefix(edit.named) }, "\(problems)")
    }

    // SQLite only: it builds a SQLite file as an older version wrote it.
    @Test func newActsAfterTheMigrationContinueEachOfficesChain() async throws {
        let (app, _) = try migratedLegacyDatabase()
        let before = try await #require(try app.auditHead(office: "cumbria"))
        try await app.addPerson(
            name: "cumbria.new", office: "cumbria", grants: [RoleGrant(role: .auditor)], by: "cumbria.chief-executive")
        let added = try await #require(try app.auditLog().last)
        #expect(added.previousHash == before.hash)
        #expect(added.sealedRecord == "person:cumbria.new")
        await #expect(try app.verifyAudit().isIntact)
    }
}
