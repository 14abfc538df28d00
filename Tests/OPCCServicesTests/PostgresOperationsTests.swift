import Foundation
import GRDB
import OPCCCore
import OPCCServices
import OPCCStore
import OPCCTestSupport
import Testing

/// Runs a program to its end, off the cooperative pool (`runProgram`).
private func run(_ program: String, _ arguments: [String]) async throws -> (status: Int32, output: String) {
    try await runProgram(program, arguments)
}

/// PostgreSQL's own programs (Debian's postgresql-15), as `.ci/pg-cluster` finds them.
private let pgBin = ProcessInfo.processInfo.environment["OPCC_PG_BIN"] ?? "/usr/lib/postgresql/15/bin"

/// What only the PostgreSQL store has: the sweep's lease across nodes, migrating a SQLite file in, a backup by
/// pg_dump restored and verified, and a hot standby serving what the primary published.
@Suite("PostgreSQL: operations on a shared server", .enabled(if: OutsideTool.postgres.runs))
struct PostgresOperationsTests {
    private func postgresApp(today: String = "2026-11-20") async throws -> (Commissioning, PostgresStore, String) {
        let database = try PostgresTestDatabase.migrated()
        let store = try PostgresStore(url: database.url)
        let app = try Commissioning(
            store: store, catalog: try shippedCatalog(), clock: FixedClock(day: day(today)))
        _ = try await app.loadDemo(from: home, returns: false)
        return (app, store, database.url)
    }

    @Test func whileAnotherNodeHoldsTheSweepsLeaseASweepRecordsNothingAndAfterItSweepsOnce() async throws {
        let (app, _, url) = try await postgresApp()
        let other = try PGConnection(url: url)
        try other.execute("BEGIN")
        try other.execute("SELECT pg_advisory_xact_lock(hashtext('deadline-sweep'))")
        let head = try await app.auditHead()
        await #expect(try app.sweepDeadlines(on: day("2016-07-15"), office: "cumbria") == [])
        await #expect(try app.auditHead() == head, "nothing was recorded while the other node held the lease")
        try other.execute("COMMIT")
        let swept = try await app.sweepDeadlines(on: day("2016-07-15"), office: "cumbria")
        #expect(swept.map(\.action) == ["remind", "remind"])
        await #expect(try app.sweepDeadlines(on: day("2016-07-15"), office: "cumbria") == [])
    }

    @Test func twoNodesSweepingAtOnceRecordEachReminderOnce() async throws {
        let (app, _, url) = try await postgresApp()
        let second = try Commissioning(
            store: try PostgresStore(url: url), catalog: try shippedCatalog(), clock: FixedClock(day: day("2026-11-20"))
        )
        async let a = app.sweepDeadlines(on: day("2016-07-15"), office: "cumbria")
        async let b = second.sweepDeadlines(on: day("2016-07-15"), office: "cumbria")
        let (first, other) = try await (a, b)
        #expect((first + other).map(\.action) == ["remind", "remind"])
        let reminders = try await app.auditLog(office: "cumbria").filter { $0.event == "deadline-remind" }
        #expect(reminders.count == 2)
    }

    @Test func aSQLiteDatabaseMigratedInReachesTheSameAuditHeadAndGoesOnWorking() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("opcc-migrate-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent("office.sqlite").path
        let (sqliteApp, _) = try await demoApp(store: try SQLiteStore(path: path), returns: true)
        let sqliteHead = try await sqliteApp.auditHead()
        let url = try PostgresTestDatabase.make().url
        let migration = try await Commissioning.migrate(
            from: path, to: url, home: home, clock: FixedClock(day: day("2026-11-20")))
        #expect(migration.source.head == sqliteHead)
        #expect(migration.target.head == sqliteHead)
        #expect(migration.target.isIntact && migration.targetBooks.isEmpty)
        #expect(migration.tables.first { $0.table == "audit_event" }?.rows == Int(sqliteHead.sequence))
        // The copy goes on: a new act on PostgreSQL continues each office's chain, and the search finds by word.
        let app = try Commissioning(
            store: try PostgresStore(url: url), catalog: try shippedCatalog(),
            clock: FixedClock(day: day("2026-11-20")))
        try await decisionReferred(app, title: "Zephyrine youth diversion")
        let verification = try await app.verifyAudit()
        #expect(verification.isIntact, "\(verification.problems)")
        #expect(verification.head.sequence == sqliteHead.sequence + 5)
        var filter = DecisionFilter()
        filter.text = "zephyr"
        let found = try await app.decisionRegister(filter, by: "cumbria.officer")
        #expect(found.map(\.title) == ["Zephyrine youth diversion"])
        // A second copy into the same database is refused before anything is copied.
        let again = await #expect(throws: ServiceRefusal.self) {
            try await Commissioning.migrate(from: path, to: url, home: home)
        }
        #expect(again?.rule == "migrate-target-empty")
    }

    @Test func migrateRefusesAMissingFileAndATargetThatIsNotAServer() async throws {
        let missing = await #expect(throws: ServiceRefusal.self) {
            try await Commissioning.migrate(from: "/nonexistent/opcc.sqlite", to: "postgres://x/y", home: home)
        }
        #expect(missing?.rule == "migrate-source-exists")
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("opcc-\(UUID().uuidString).sqlite")
        _ = try SQLiteStore(path: file.path)
        let notServer = await #expect(throws: ServiceRefusal.self) {
            try await Commissioning.migrate(from: file.path, to: "/tmp/other.sqlite", home: home)
        }
        #expect(notServer?.rule == "migrate-target-is-server")
    }

    @Test func aSQLiteDatabaseWhoseAuditLogDoesNotVerifyIsNotMigrated() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("opcc-migrate-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent("office.sqlite").path
        let (_, store) = try await demoApp(store: try SQLiteStore(path: path))
        try await store.writer.write { db in
            try db.execute(sql: "DROP TRIGGER audit_event_is_never_updated")
            try db.execute(sql: "UPDATE audit_event SET actor = 'Mallory' WHERE seq = 3")
        }
        let url = try PostgresTestDatabase.make().url
        let refused = await #expect(throws: ServiceRefusal.self) {
            try await Commissioning.migrate(from: path, to: url, home: home)
        }
        #expect(refused?.rule == "migrate-source-verifies")
        #expect(refused?.message.contains("event 3") == true)
        let target = try PGConnection(url: url)
        #expect(try target.execute("SELECT count(*) FROM office").rows == [["0"]], "nothing was copied")
    }

    @Test func aPgDumpOfALiveDatabaseRestoresToTheSameAuditHeadAndBooks() async throws {
        let (app, _, url) = try await postgresApp()
        let head = try await app.auditHead()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("opcc-dump-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let dump = folder.appendingPathComponent("opcc.dump").path
        let dumped = try await run("\(pgBin)/pg_dump", ["--format=custom", "--file", dump, url])
        #expect(dumped.status == 0, "\(dumped.output)")
        let restored = try PostgresTestDatabase.make()
        let restoring = try await run(
            "\(pgBin)/pg_restore", ["--no-owner", "--exit-on-error", "--dbname", restored.url, dump])
        #expect(restoring.status == 0, "\(restoring.output)")
        let copy = try Commissioning(
            store: try PostgresStore(url: restored.url), catalog: try shippedCatalog(),
            clock: FixedClock(day: day("2026-11-20")))
        let verification = try await copy.verifyAudit()
        #expect(verification.isIntact && verification.head == head, "\(verification.problems)")
        await #expect(try copy.financeCheck() == [])
        // opcc backup is for SQLite files, and says what to use instead.
        let refused = await #expect(throws: ServiceRefusal.self) {
            try await app.backup(to: folder.appendingPathComponent("copy.sqlite").path, home: home)
        }
        #expect(refused?.rule == "backup-needs-sqlite")
        #expect(refused?.message.contains("pg_dump") == true)
    }

    @Test func aHotStandbyServesWhatThePrimaryPublishesAndRefusesEveryWrite() async throws {
        // A cluster of its own: a standby copies the whole cluster, and the tests' cluster holds every test's database.
        let folder = "/tmp/opcc-sb-" + UUID().uuidString.prefix(8)
        let script = repositoryRoot.appendingPathComponent(".ci").path
        do {
            try await standbyScenario(folder: folder, script: script)
        } catch {
            await stopClusters(folder: folder, script: script)
            throw error
        }
        await stopClusters(folder: folder, script: script)
    }

    private func stopClusters(folder: String, script: String) async {
        _ = try? await run("\(script)/pg-standby", ["stop", folder + "/standby"])
        _ = try? await run("\(script)/pg-cluster", ["stop", folder + "/primary"])
        try? FileManager.default.removeItem(atPath: folder)
    }

    private func standbyScenario(folder: String, script: String) async throws {
        let primary = try await run("\(script)/pg-cluster", ["start", folder + "/primary"])
        try #require(primary.status == 0, "\(primary.output)")
        let primaryURL = try String(contentsOfFile: folder + "/primary/url", encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let admin = try PGConnection(url: PostgresTestDatabase.replacingDatabase(of: primaryURL, with: "postgres"))
        try admin.execute("CREATE DATABASE opcc_office")
        let url = PostgresTestDatabase.replacingDatabase(of: primaryURL, with: "opcc_office")
        let store = try PostgresStore(url: url)
        let standby = try await run("\(script)/pg-standby", ["start", folder + "/primary", folder + "/standby"])
        try #require(standby.status == 0, "\(standby.output)")
        let standbyURL = PostgresTestDatabase.replacingDatabase(
            of: try String(contentsOfFile: folder + "/standby/url", encoding: .utf8)
                .trimmingCharacters(in: .whitespacesAndNewlines), with: "opcc_office")
        // Published on the primary after the standby started: it reaches the standby by streaming replication.
        let app = try Commissioning(
            store: store, catalog: try shippedCatalog(), clock: FixedClock(day: day("2026-11-20")))
        _ = try await app.loadDemo(from: home, returns: false)
        let head = try await app.auditHead()
        let mirror = try await Commissioning.openReadOnly(home: home, databasePath: standbyURL)
        var replayed = try await mirror.auditHead()
        for _ in 0..<120 where replayed != head {
            try await Task.sleep(for: .milliseconds(250))
            replayed = try await mirror.auditHead()
        }
        #expect(replayed == head, "the standby reached the primary's audit head")
        var filter = DecisionFilter()
        filter.text = "014/2016"
        let found = try await mirror.decisionRegister(filter, by: nil)
        #expect(found.map(\.number) == ["014/2016"])
        #expect(found.first?.status == "published")
        let write = await #expect(throws: StorageFailure.self) {
            try await mirror.raiseDecision(
                office: "cumbria", draft: shortDraft(), by: "cumbria.officer", on: day("2016-03-01"))
        }
        #expect(write?.kind == .serverFailed(sqlState: "25006"), "a read-only store refuses a write itself")
        let raw = try PGConnection(url: standbyURL)
        #expect(throws: PGError.self, "and so does PostgreSQL on a standby") {
            try raw.execute("INSERT INTO web_secret (name, value_hex) VALUES ('x', repeat('0', 64))")
        }
    }
}
