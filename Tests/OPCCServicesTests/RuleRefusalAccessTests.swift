import Foundation
import OPCCCore
import OPCCServices
import OPCCStore
import OPCCTestSupport
import Testing

/// A store that is not SQLite: it passes every transaction to one, as a second engine would run them.
private struct ForwardingStore: CommissioningStore {
    let base: SQLiteStore
    func write<T: Sendable>(_ body: @Sendable (any StoreTransaction) throws -> T) async throws -> T {
        try await base.write(body)
    }
    func read<T: Sendable>(_ body: @Sendable (any StoreTransaction) throws -> T) async throws -> T {
        try await base.read(body)
    }
    func readWhileStarting<T>(_ body: (any StoreTransaction) throws -> T) throws -> T {
        try base.readWhileStarting(body)
    }
}

private func pct(_ text: String) -> Percentage { try! Percentage(parsing: text) }

/// One test for each rule of people, the audit log, backups, indicators, the VLI and priorities that no test
/// triggered before (issue 22, item 3): each drives the service into the refusal, checks the rule id, and checks that
/// nothing changed.
@Suite("Rules: access, VLI and priority refusals, each triggered")
struct RuleRefusalAccessTests {
    @Test(arguments: TestEngine.all) func aProjectBoardMemberMayNotReadTheAuditLog(engine: TestEngine) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let head = try await app.auditHead()
        let refused = await #expect(throws: ServiceRefusal.self) {
            _ = try await app.auditLog(by: "cumbria.barrow-board")
        }
        #expect(refused?.rule == "audit-log-readers")
        #expect(refused?.kind == .forbidden)
        #expect(try await app.auditHead() == head)
    }

    // SQLite only: restore reads a SQLite backup file.
    @Test func restoringFromABackupThatDoesNotExistIsRefusedAndCreatesNothing() async throws {
        let target = temporaryDatabasePath()
        let missing = temporaryDatabasePath()
        let refused = await #expect(throws: ServiceRefusal.self) {
            _ = try await Commissioning.restore(from: missing, to: target, home: home)
        }
        #expect(refused?.rule == "backup-exists")
        #expect(!FileManager.default.fileExists(atPath: target))
    }

    // SQLite only: backup copies a SQLite file, and the test needs a SQLite store to forward to.
    @Test func onlyAnSQLiteDatabaseIsBackedUp() async throws {
        let (_, sqlite) = try await demoApp()
        let app = try Commissioning(
            store: ForwardingStore(base: sqlite), catalog: try shippedCatalog(),
            clock: FixedClock(day: day("2026-11-20")))
        let path = temporaryDatabasePath()
        let refused = await #expect(throws: ServiceRefusal.self) {
            _ = try await app.backup(to: path, home: home)
        }
        #expect(refused?.rule == "backup-needs-sqlite")
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test(arguments: TestEngine.all) func aRoleTheOfficeDoesNotUseIsNotGranted(engine: TestEngine) async throws {
        let (app, _) = try await demoApp(engine: engine)
        try await app.registerOffice(
            try cumbriaProfile(
                replacing:
                    "roles: [officer, finance, chief-executive, commissioner, project-board-member, auditor, public]",
                with: "roles: [officer, finance, chief-executive, commissioner, auditor, public]"))
        let head = try await app.auditHead()
        let refused = await #expect(throws: ServiceRefusal.self) {
            try await app.addPerson(
                name: "cumbria.new-board", office: "cumbria", grants: [RoleGrant(role: .projectBoardMember)],
                by: "cumbria.chief-executive")
        }
        #expect(refused?.rule == "office-role")
        #expect(try await app.auditHead() == head)
        #expect(try await app.person(named: "cumbria.new-board") == nil)
    }

    @Test(arguments: TestEngine.all) func aNameThatCannotSignInIsNotAPersonsName(engine: TestEngine) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let head = try await app.auditHead()
        let refused = await #expect(throws: ServiceRefusal.self) {
            try await app.addPerson(
                name: "Jo Bloggs!", office: "cumbria", grants: [RoleGrant(role: .officer)],
                by: "cumbria.chief-executive")
        }
        #expect(refused?.rule == "person-name")
        #expect(try await app.auditHead() == head)
        #expect(try await app.person(named: "Jo Bloggs!") == nil)
    }

    @Test(arguments: TestEngine.all) func anIndicatorSeriesWithoutItsNameIsRefused(engine: TestEngine) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let head = try await app.auditHead()
        let quarter = try Quarter(parsing: "2016/17 Q1")
        let refused = await #expect(throws: ServiceRefusal.self) {
            try await app.importIndicatorSeries(
                agreement: "cumbria-GA-0001", indicator: " ", source: "series.csv", values: [(quarter, 12)],
                by: "cumbria.finance")
        }
        #expect(refused?.rule == "indicator-named")
        #expect(try await app.auditHead() == head)
    }

    @Test(arguments: TestEngine.all) func aProjectBoardMemberMayNotReadThePilotAreaAnalysis(
        engine: TestEngine
    ) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let refused = await #expect(throws: ServiceRefusal.self) {
            _ = try await app.vliOverview(as: "cumbria.barrow-board")
        }
        #expect(refused?.rule == "vli-readers")
        #expect(refused?.kind == .forbidden)
    }

    @Test(arguments: TestEngine.all) func anOfficeWithNoVLIRunHasNoResultsToRead(engine: TestEngine) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let refused = await #expect(throws: ServiceRefusal.self) {
            _ = try await app.vliOverview(as: "leics.officer")
        }
        #expect(refused?.rule == "vli-run-exists")
    }

    @Test(arguments: TestEngine.all) func vliDataIsImportedOnlyAfterTheStudyArea(engine: TestEngine) async throws {
        let (app, store) = try await demoApp(engine: engine)
        let head = try await app.auditHead()
        let refused = await #expect(throws: ServiceRefusal.self) {
            try await app.importVLI(
                .generic, files: [("values.csv", "lsoa,burglary-dwelling\nE01025000,3\n")], office: "leicestershire",
                by: "leics.officer")
        }
        #expect(refused?.rule == "vli-study-area-first")
        #expect(try await app.auditHead() == head)
        #expect(try await store.read { try $0.vliValues(office: "leicestershire") }.isEmpty)
    }

    @Test(arguments: TestEngine.all) func aModerationNoteNeedsItsText(engine: TestEngine) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let head = try await app.auditHead()
        let refused = await #expect(throws: ServiceRefusal.self) {
            try await app.moderateVLI(
                office: "cumbria", ward: "Ormsgill", note: .scan, text: " ", by: "cumbria.officer")
        }
        #expect(refused?.rule == "note-given")
        #expect(try await app.auditHead() == head)
    }

    @Test(arguments: TestEngine.all) func moneyIsLinkedOnlyToAPriorityTheAssessmentHas(engine: TestEngine) async throws
    {
        let (app, _) = try await demoApp(engine: engine)
        let id = "leicestershire-PA-0001"
        let version = try await app.version(of: id, by: "leics.finance")
        let refused = await #expect(throws: ServiceRefusal.self) {
            try await app.linkPriorityMoney(
                id, priority: "P9", links: [.init(strand: "SAFER")], by: "leics.finance", on: day("2017-04-10"))
        }
        #expect(refused?.rule == "known-priority")
        #expect(refused?.kind == .notFound)
        #expect(try await app.version(of: id, by: "leics.finance") == version)
    }

    @Test(arguments: TestEngine.all) func aMoneyLinkThatClaimsNothingIsRefused(engine: TestEngine) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let id = "leicestershire-PA-0001"
        let version = try await app.version(of: id, by: "leics.finance")
        let refused = await #expect(throws: ServiceRefusal.self) {
            try await app.linkPriorityMoney(
                id, priority: "P3", links: [.init(strand: "SAFER", recipient: "GB-LAE-NWL", share: pct("0%"))],
                by: "leics.finance", on: day("2017-04-10"))
        }
        #expect(refused?.rule == "money-share-above-zero")
        #expect(try await app.version(of: id, by: "leics.finance") == version)
    }

    @Test(arguments: TestEngine.all) func aPriorityCodeMustBeACodeAndAPriorityMustHaveATitle(
        engine: TestEngine
    ) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let id = "leicestershire-PA-0001"
        let version = try await app.version(of: id, by: "leics.officer")
        let badCode = await #expect(throws: ServiceRefusal.self) {
            try await app.setPriority(
                id, .init(code: "P 4", title: "Rural crime", kind: .local), by: "leics.officer", on: day("2017-04-10"))
        }
        #expect(badCode?.rule == "valid-priority-code")
        let untitled = await #expect(throws: ServiceRefusal.self) {
            try await app.setPriority(
                id, .init(code: "P4", title: " ", kind: .local), by: "leics.officer", on: day("2017-04-10"))
        }
        #expect(untitled?.rule == "priority-titled")
        #expect(try await app.version(of: id, by: "leics.officer") == version)
        #expect(
            try await app.priorityView(id, as: "leics.officer").selection.priorities.contains { $0.code == "P4" }
                == false)
    }
}
