import Foundation
import GRDB
import OPCCTestSupport
import Testing

@testable import OPCCStore

/// The PostgreSQL schema's migrations name exactly SQLite's, in the same order (no server needed).
@Suite("PostgreSQL migrations' names")
struct PGMigrationNameTests {
    @Test func theStepsStandForExactlySQLitesMigrationsInTheirOrder() {
        #expect(PGMigrations.known == Migrations.migrator.migrations)
        #expect(PGMigrations.steps.flatMap(\.identifiers) == PGMigrations.known)
    }
}

/// The PostgreSQL schema, migrated as opcc does it (`PGMigrations.migrate`), each test on an empty database of its own
/// (cloned from `template0`, so a test run that migrates the tests' template first cannot make it non-empty).
@Suite(
    "PostgreSQL migrations",
    .enabled(if: OutsideTool.postgres.runs, Comment(rawValue: OutsideTool.postgres.skipReason)))
struct PGMigrationTests {
    /// A new, empty database; `options` are added to its CREATE DATABASE (a collation, say).
    static func emptyDatabase(options: String = "") throws -> String {
        let server = try #require(OutsideTool.postgresURL, Comment(rawValue: OutsideTool.postgres.missingInCI))
        let name = "opcc_migration_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        let admin = try PGConnection(url: PostgresTestDatabase.replacingDatabase(of: server, with: "postgres"))
        try admin.execute("CREATE DATABASE \(name) TEMPLATE template0 \(options)")
        return PostgresTestDatabase.replacingDatabase(of: server, with: name)
    }

    static func migrated() throws -> PGConnection {
        let connection = try PGConnection(url: try emptyDatabase())
        try PGMigrations.migrate(connection)
        return connection
    }

    /// What a migration could change: the tables, columns, constraints, indexes, triggers and functions.
    static func schema(_ connection: PGConnection) throws -> [[String?]] {
        try connection.execute(
            """
            SELECT 'class', relname || ':' || relkind::text FROM pg_class WHERE relnamespace = 'public'::regnamespace
            UNION ALL SELECT 'column', attrelid::regclass::text || '.' || attname FROM pg_attribute
                WHERE attrelid IN (SELECT oid FROM pg_class WHERE relnamespace = 'public'::regnamespace) AND attnum > 0
            UNION ALL SELECT 'constraint', conname FROM pg_constraint WHERE connamespace = 'public'::regnamespace
            UNION ALL SELECT 'trigger', tgname FROM pg_trigger
            UNION ALL SELECT 'function', proname FROM pg_proc WHERE pronamespace = 'public'::regnamespace
            UNION ALL SELECT 'migration', identifier || ' ' || applied_at::text FROM opcc_migration
            ORDER BY 1, 2
            """
        ).rows
    }

    @Test func migratingAnEmptyDatabaseRecordsEveryKnownName() throws {
        let connection = try PGConnection(url: try Self.emptyDatabase())
        #expect(try PGMigrations.applied(connection) == [], "a database never migrated has none applied")
        try PGMigrations.migrate(connection)
        #expect(try PGMigrations.applied(connection) == PGMigrations.known.sorted())
        let tables = try connection.execute(
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename IN ('audit_event', 'web_secret')")
        #expect(tables.rows == [["2"]])
    }

    @Test func migratingAgainChangesNothing() throws {
        let url = try Self.emptyDatabase()
        let connection = try PGConnection(url: url)
        try PGMigrations.migrate(connection)
        let before = try Self.schema(connection)
        try PGMigrations.migrate(connection)
        try PGMigrations.migrate(PGConnection(url: url))
        #expect(try Self.schema(connection) == before)
    }

    @Test func twoNodesMigratingAtOnceBothSucceedAndEachMigrationIsAppliedOnce() async throws {
        let url = try Self.emptyDatabase()
        let nodes = [try PGConnection(url: url), try PGConnection(url: url)]
        // A third session holds the migrations' lock until both nodes are waiting for it, so they truly start together.
        let holder = try PGConnection(url: url)
        try holder.execute("SELECT pg_advisory_lock($1::bigint)", [String(PGMigrations.lockKey)])
        let outcomes = nodes.map { node in
            Self.onAThreadOfItsOwn { try PGMigrations.migrate(node) }
        }
        let waitingForTheLock = """
            SELECT count(*) FROM pg_locks
            WHERE locktype = 'advisory' AND NOT granted
                AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
            """
        let deadline = Date().addingTimeInterval(30)
        while try holder.execute(waitingForTheLock).rows != [["2"]] && Date() < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(try holder.execute(waitingForTheLock).rows == [["2"]], "both nodes wait for the lock")
        try holder.execute("SELECT pg_advisory_unlock($1::bigint)", [String(PGMigrations.lockKey)])
        for outcome in outcomes { try await outcome.value }
        let recorded = try holder.execute(
            "SELECT count(*), count(DISTINCT identifier), count(DISTINCT applied_at) FROM opcc_migration")
        // One transaction per step, so one applied_at per step.
        #expect(
            recorded.rows == [
                [String(PGMigrations.known.count), String(PGMigrations.known.count), String(PGMigrations.steps.count)]
            ])
    }

    /// Runs `body` on a new thread (a migration blocks while it waits for the lock), its outcome awaited.
    static func onAThreadOfItsOwn(_ body: @escaping @Sendable () throws -> Void) -> Task<Void, any Error> {
        let (stream, continuation) = AsyncStream<Result<Void, any Error>>.makeStream()
        Thread {
            continuation.yield(Result { try body() })
            continuation.finish()
        }.start()
        return Task {
            for await result in stream { try result.get() }
        }
    }

    @Test func aDatabaseMigratedByANewerBinaryIsRefusedNamingTheMigrationItDoesNotKnow() throws {
        let connection = try Self.migrated()
        try connection.execute("INSERT INTO opcc_migration (identifier) VALUES ('2099-01-01-from-the-future')")
        let before = try Self.schema(connection)
        let error = #expect(throws: PGMigrationError.self) { try PGMigrations.migrate(connection) }
        #expect(error == .unknownMigration(identifier: "2099-01-01-from-the-future"))
        #expect(error?.description.contains("'2099-01-01-from-the-future'") == true)
        #expect(try Self.schema(connection) == before)
    }

    @Test func anUnknownMigrationIsRefusedBeforeTheBaselineIsApplied() throws {
        let connection = try PGConnection(url: try Self.emptyDatabase())
        try connection.execute(PGMigrations.createLedger)
        try connection.execute("INSERT INTO opcc_migration (identifier) VALUES ('2099-01-01-from-the-future')")
        #expect(throws: PGMigrationError.unknownMigration(identifier: "2099-01-01-from-the-future")) {
            try PGMigrations.migrate(connection)
        }
        let tables = try connection.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'").rows
        #expect(tables == [["opcc_migration"]])
    }

    @Test func aBaselineRecordedOnlyInPartIsRefusedNamingWhatIsMissing() throws {
        let connection = try PGConnection(url: try Self.emptyDatabase())
        try connection.execute(PGMigrations.createLedger)
        try connection.execute("INSERT INTO opcc_migration (identifier) VALUES ('2026-11-22-foundation')")
        let error = #expect(throws: PGMigrationError.self) { try PGMigrations.migrate(connection) }
        #expect(error == .partlyApplied(missing: Array(PGMigrations.steps[0].identifiers.dropFirst())))
    }
}

/// The rules the migrated schema holds against raw statements, as SQLite's schema does (`SchemaTests`).
extension PGMigrationTests {
    /// An office with one audit event and one posting of one transfer.
    static func withAPosting() throws -> PGConnection {
        let connection = try migrated()
        try connection.executeScript(
            """
            INSERT INTO office (id, name, profile_text, profile_sha256, registered_at)
                VALUES ('cumbria', 'Cumbria OPCC', 'id: cumbria', repeat('a', 64), 't');
            INSERT INTO audit_event (seq, office_id, event, actor, effective_day, recorded_at, payload, prev_hash, hash)
                VALUES (1, 'cumbria', 'budget-set', 'finance', '2026-04-01', 't', '{}', repeat('0', 64), repeat('1', 64));
            INSERT INTO ledger_posting (seq, office_id, day, cause_kind, cause_ref, memo, audit_seq, recorded_by)
                VALUES (1, 'cumbria', '2026-04-01', 'budget', 'B-1', 'budget', 1, 'finance');
            INSERT INTO ledger_transfer (posting_seq, line, from_account, to_account, amount_pence)
                VALUES (1, 1, 'funding', 'strand/a', 100);
            """)
        return connection
    }

    static let appendOnly: [(statement: String, message: String)] = [
        (
            "UPDATE audit_event SET actor = 'someone'",
            "audit events are never changed: record a correction as a new event"
        ),
        ("DELETE FROM audit_event", "audit events are never deleted"),
        ("TRUNCATE audit_event CASCADE", "audit events are never deleted"),
        ("UPDATE ledger_posting SET memo = 'edited'", "postings are never changed: post a reversal with a reason"),
        ("DELETE FROM ledger_posting", "postings are never deleted: post a reversal with a reason"),
        ("TRUNCATE ledger_posting CASCADE", "postings are never deleted: post a reversal with a reason"),
        ("UPDATE ledger_transfer SET amount_pence = 1", "postings are never changed: post a reversal with a reason"),
        ("DELETE FROM ledger_transfer", "postings are never deleted: post a reversal with a reason"),
        ("TRUNCATE ledger_transfer", "postings are never deleted: post a reversal with a reason"),
    ]

    @Test(arguments: appendOnly)
    func auditEventsAndPostingsAreNeverUpdatedDeletedOrTruncated(statement: String, message: String) throws {
        let connection = try Self.withAPosting()
        let error = #expect(throws: PGError.self) { try connection.execute(statement) }
        #expect(error?.sqlState == "23000")
        #expect(error?.message == message)
        let left = try connection.execute(
            """
            SELECT (SELECT actor FROM audit_event), (SELECT memo FROM ledger_posting),
                (SELECT amount_pence FROM ledger_transfer)
            """)
        #expect(left.rows == [["finance", "budget", "100"]], "nothing changed")
    }

    static let refusedByChecks: [(rule: String, statement: String)] = [
        (
            "a day is an ISO day",
            """
            INSERT INTO audit_event (seq, office_id, event, actor, effective_day, recorded_at, payload, prev_hash, hash)
            VALUES (2, 'cumbria', 'e', 'a', '7 March 2026', 't', '{}', repeat('1', 64), repeat('2', 64))
            """
        ),
        ("a day has no trailing line break", "UPDATE workflow_instance SET last_effective_day = E'2026-04-01\\n'"),
        (
            "an office id has no capital letter",
            """
            INSERT INTO office (id, name, profile_text, profile_sha256, registered_at)
            VALUES ('Lancashire', 'Lancashire', 'p', repeat('a', 64), 't')
            """
        ),
        (
            "a person's name has no tab",
            "INSERT INTO person (name, display_name, office_id, added_at) VALUES (E'a\\tb', 'A', 'cumbria', 't')"
        ),
        (
            "a transfer moves a positive amount",
            "INSERT INTO ledger_transfer (posting_seq, line, from_account, to_account, amount_pence) VALUES (1, 2, 'a', 'b', 0)"
        ),
    ]

    @Test(arguments: refusedByChecks)
    func theChecksRefuseWhatSQLitesRefuse(rule: String, statement: String) throws {
        let connection = try Self.withAPosting()
        try connection.executeScript(
            """
            INSERT INTO workflow_definition VALUES ('w', 1, repeat('a', 64), 'name: w', 't');
            INSERT INTO workflow_instance (id, office_id, workflow, workflow_version, state, version, created_at)
                VALUES ('I-1', 'cumbria', 'w', 1, 'draft', 0, 't');
            """)
        let error = #expect(throws: PGError.self, "\(rule)") { try connection.execute(statement) }
        #expect(error?.sqlState == "23514", "\(rule): \(String(describing: error))")
    }

    @Test func aPriorityChangesOnlyWhileTheBoardIsSelecting() throws {
        let connection = try Self.migrated()
        try connection.executeScript(
            """
            INSERT INTO office (id, name, profile_text, profile_sha256, registered_at)
                VALUES ('cumbria', 'Cumbria OPCC', 'id: cumbria', repeat('a', 64), 't');
            INSERT INTO workflow_definition VALUES ('priorities', 1, repeat('a', 64), 'name: priorities', 't');
            INSERT INTO workflow_instance (id, office_id, workflow, workflow_version, state, version, created_at)
                VALUES ('A-1', 'cumbria', 'priorities', 1, 'selecting', 0, 't');
            INSERT INTO priority_assessment (id, office_id, partnership_code, partnership_name, year_start, method_json)
                VALUES ('A-1', 'cumbria', 'CSP', 'Community Safety Partnership', 2026, '{}');
            INSERT INTO priority (assessment_id, code, position, title, kind) VALUES ('A-1', 'P1', 1, 'Burglary', 'local');
            UPDATE workflow_instance SET state = 'adopted';
            """)
        for statement in [
            "INSERT INTO priority (assessment_id, code, position, title, kind) VALUES ('A-1', 'P2', 2, 'Theft', 'local')",
            "UPDATE priority SET title = 'Theft'", "DELETE FROM priority",
        ] {
            let error = #expect(throws: PGError.self, "\(statement)") { try connection.execute(statement) }
            #expect(error?.sqlState == "23000")
            #expect(error?.message == "priorities change only while the board is selecting")
        }
        try connection.execute("UPDATE workflow_instance SET state = 'selecting'")
        #expect(try connection.execute("DELETE FROM priority").affectedRows == 1, "allowed while selecting")
    }

    @Test func textSortsBytewiseWhateverTheDatabasesCollation() throws {
        // The tests' cluster collates in C; a database made with an ICU English collation sorts 'a' before 'B'.
        for url in [
            try Self.emptyDatabase(), try Self.emptyDatabase(options: "LOCALE_PROVIDER icu ICU_LOCALE 'en-GB'"),
        ] {
            let connection = try PGConnection(url: url)
            try PGMigrations.migrate(connection)
            try connection.execute(
                """
                INSERT INTO office (id, name, profile_text, profile_sha256, registered_at)
                SELECT 'o' || n, name, 'p', repeat('a', 64), 't'
                FROM unnest(ARRAY['a0', 'a', 'B', 'a/b']) WITH ORDINALITY AS names(name, n)
                """)
            let sorted = try connection.execute("SELECT name FROM office ORDER BY name").rows
            #expect(sorted == [["B"], ["a"], ["a/b"], ["a0"]], "\(url)")
            let below = try connection.execute("SELECT name FROM office WHERE name < 'a0' AND name > 'a' ORDER BY name")
            #expect(below.rows == [["a/b"]])
        }
        let other = try PGConnection(url: try Self.emptyDatabase(options: "LOCALE_PROVIDER icu ICU_LOCALE 'en-GB'"))
        let linguistic = try other.execute(
            "SELECT name FROM unnest(ARRAY['a0', 'a', 'B', 'a/b']) AS names(name) ORDER BY name")
        #expect(linguistic.rows.first == ["a"], "the database's own collation is not bytewise")
    }

    @Test func everyTextColumnIsDeclaredBytewise() throws {
        let connection = try Self.migrated()
        let others = try connection.execute(
            """
            SELECT table_name || '.' || column_name FROM information_schema.columns
            WHERE table_schema = 'public' AND data_type = 'text' AND collation_name IS DISTINCT FROM 'C'
            """)
        #expect(others.rows == [])
    }
}

/// The PostgreSQL schema against SQLite's, read from both catalogues: the same tables with the same columns (types
/// mapped, nullability equal), as many CHECKs (less SQLite's `json_valid`, which PostgreSQL's `json` type does), the
/// same unique keys, every named index and every trigger by name. PostgreSQL's own additions are named here.
extension PGMigrationTests {
    /// Tables and columns only one engine has: FTS5's table and its shadows, and PostgreSQL's search table, office
    /// chain heads, `workflow_instance.row_order` (SQLite's rowid) and the migrations ledgers.
    static func sharedTable(_ name: String) -> Bool {
        !name.hasPrefix("decision_fts") && !name.hasPrefix("sqlite_") && !name.hasPrefix("grdb_")
            && !["decision_search", "office_chain_head", "opcc_migration", "act_cache_generation"].contains(name)
    }

    struct Catalogue: Equatable {
        var columns: [String: String] = [:]
        var checks: [String: Int] = [:]
        var uniqueKeys: Set<String> = []
        var indexes: Set<String> = []
        var triggers: Set<String> = []
    }

    @Test func everySQLiteTableColumnCheckUniqueKeyIndexAndTriggerHasItsPostgreSQLCounterpart() async throws {
        let sqlite = try await Self.sqliteCatalogue()
        let postgres = try Self.postgresCatalogue(try Self.migrated())
        #expect(sqlite.columns.count > 250, "the SQLite schema was read")
        #expect(Self.differences(sqlite.columns, postgres.columns) == [])
        #expect(Self.differences(sqlite.checks, postgres.checks) == [], "CHECK constraints per table")
        #expect(sqlite.uniqueKeys.symmetricDifference(postgres.uniqueKeys) == [])
        #expect(sqlite.indexes.symmetricDifference(postgres.indexes) == [])
        #expect(sqlite.triggers.subtracting(postgres.triggers) == [])
        let added = postgres.triggers.subtracting(sqlite.triggers)
        #expect(
            added.allSatisfy { $0.hasSuffix("_is_never_truncated") || $0.hasSuffix("_bumps_act_cache_generation") },
            "\(added.sorted())")
    }

    static func sqliteCatalogue() async throws -> Catalogue {
        try await SQLiteStore().writer.read { db in
            var catalogue = Catalogue()
            let tables = try Row.fetchAll(db, sql: "SELECT name, sql FROM sqlite_master WHERE type = 'table'")
                .filter { sharedTable($0["name"]) }
            for table in tables {
                let name: String = table["name"]
                let info = try Row.fetchAll(db, sql: "SELECT * FROM pragma_table_xinfo(?)", arguments: [name])
                for column in info {
                    let notNull = (column["notnull"] as Int) == 1 || (column["pk"] as Int) > 0
                    catalogue.columns["\(name).\(column["name"] as String)"] =
                        "\(column["type"] as String)\(notNull ? " NOT NULL" : "")"
                }
                catalogue.checks[name] = checkClauses(in: table["sql"]).filter { !$0.isOnlyJSONValidity }.count
                let keys = try Row.fetchAll(db, sql: "SELECT * FROM pragma_index_list(?)", arguments: [name])
                for key in keys where (key["unique"] as Int) == 1 {
                    let columns = try String.fetchAll(
                        db, sql: "SELECT name FROM pragma_index_info(?) ORDER BY seqno", arguments: [key["name"]])
                    catalogue.uniqueKeys.insert(uniqueKey(name, columns, partial: key["partial"] as Int == 1))
                }
                if !keys.contains(where: { $0["origin"] == "pk" }) {
                    let primary = info.filter { ($0["pk"] as Int) > 0 }.map { $0["name"] as String }
                    if !primary.isEmpty { catalogue.uniqueKeys.insert(uniqueKey(name, primary, partial: false)) }
                }
            }
            catalogue.indexes = Set(
                try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")
                    .filter { !$0.hasPrefix("decision_fts") })
            catalogue.triggers = Set(
                try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'trigger'"))
            return catalogue
        }
    }

    static func postgresCatalogue(_ connection: PGConnection) throws -> Catalogue {
        var catalogue = Catalogue()
        let sqliteType = ["bigint": "INTEGER", "text": "TEXT", "json": "TEXT", "double precision": "REAL"]
        let columns = try connection.execute(
            """
            SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns
            WHERE table_schema = 'public' AND NOT (table_name = 'workflow_instance' AND column_name = 'row_order')
            """)
        for row in columns.rows where sharedTable(row[0]!) {
            catalogue.columns["\(row[0]!).\(row[1]!)"] =
                (sqliteType[row[2]!] ?? row[2]!) + (row[3] == "NO" ? " NOT NULL" : "")
        }
        let checks = try connection.execute(
            """
            SELECT t.relname, count(c.oid) FROM pg_class t
            LEFT JOIN pg_constraint c ON c.conrelid = t.oid AND c.contype = 'c'
            WHERE t.relnamespace = 'public'::regnamespace AND t.relkind = 'r' GROUP BY t.relname
            """)
        for row in checks.rows where sharedTable(row[0]!) { catalogue.checks[row[0]!] = Int(row[1]!) }
        let keys = try connection.execute(
            """
            SELECT t.relname, i.indpred IS NOT NULL,
                (SELECT string_agg(a.attname, ',' ORDER BY k.n) FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(attnum, n)
                 JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum)
            FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid
            WHERE t.relnamespace = 'public'::regnamespace AND i.indisunique
            """)
        for row in keys.rows where sharedTable(row[0]!) && row[2] != "row_order" {
            catalogue.uniqueKeys.insert(
                uniqueKey(row[0]!, row[2]!.split(separator: ",").map(String.init), partial: row[1] == "t"))
        }
        // Named indexes only: those PostgreSQL makes for keys are named after their table and end in _pkey or _key.
        let indexes = try connection.execute(
            """
            SELECT indexname FROM pg_indexes WHERE schemaname = 'public'
            AND indexname NOT LIKE '%\\_pkey' AND indexname NOT LIKE '%\\_key' AND tablename <> 'decision_search'
            """)
        catalogue.indexes = Set(indexes.rows.map { $0[0]! })
        catalogue.triggers = Set(
            try connection.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal").rows.map { $0[0]! })
        return catalogue
    }

    /// Each key whose value differs, as "key: SQLite's → PostgreSQL's".
    static func differences<Value: Equatable>(_ sqlite: [String: Value], _ postgres: [String: Value]) -> [String] {
        Set(sqlite.keys).union(postgres.keys).sorted().compactMap { key in
            sqlite[key] == postgres[key]
                ? nil : "\(key): \(sqlite[key].map { "\($0)" } ?? "none") → \(postgres[key].map { "\($0)" } ?? "none")"
        }
    }

    static func uniqueKey(_ table: String, _ columns: [String], partial: Bool) -> String {
        "\(table)(\(columns.joined(separator: ", ")))\(partial ? " WHERE …" : "")"
    }

    /// The text inside each `CHECK (…)` of a CREATE TABLE statement.
    static func checkClauses(in sql: String) -> [Substring] {
        var clauses: [Substring] = []
        var rest = sql[...]
        while let start = rest.range(of: "CHECK (") {
            var depth = 1
            var end = start.upperBound
            while end < rest.endIndex && depth > 0 {
                if rest[end] == "(" { depth += 1 } else if rest[end] == ")" { depth -= 1 }
                end = rest.index(after: end)
            }
            clauses.append(rest[start.upperBound..<end])
            rest = rest[end...]
        }
        return clauses
    }
}

extension Substring {
    /// A CHECK that only validates JSON, which PostgreSQL's `json` column type does itself.
    fileprivate var isOnlyJSONValidity: Bool { contains("json_valid(") && !contains("json_array_length") }
}
