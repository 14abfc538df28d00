/// The PostgreSQL schema as named migrations, under the same names as SQLite's (`Migrations.migrator`), so `/healthz`
/// compares the same list on both engines. The applied names are kept in `opcc_migration`.
///
/// A new PostgreSQL database needs none of SQLite's history: the two migrations that run Swift code (the office chains
/// and seals) do nothing in a database without events. So one baseline script, the whole SQLite schema as it stands
/// after `2026-12-06-later-seals` translated to PostgreSQL 15, is applied and recorded under all sixteen names at once.
/// A later migration is added to both lists together: a name in `Migrations.migrator` and a step here.
enum PGMigrations {
    /// One transaction's worth of schema, recorded under every name it stands for.
    struct Step: Sendable {
        let identifiers: [String]
        let sql: String
    }

    /// The migrations this binary knows, in the order they run: exactly SQLite's.
    static let known: [String] = Migrations.migrator.migrations

    /// The steps, in order; their identifiers, in order, are `known` (a test holds the two lists together).
    static let steps: [Step] = [
        Step(
            identifiers: [
                "2026-11-22-foundation", "2026-11-22-decisions", "2026-11-22-ledger", "2026-11-22-carry-forward",
                "2026-11-22-grant-agreements", "2026-11-23-grant-rounds", "2026-11-23-quarterly-returns",
                "2026-11-23-vli", "2026-11-24-priorities", "2026-11-24-web-sign-in", "2026-12-02-calendar-feeds",
                "2026-12-02-api-tokens", "2026-12-03-reconciliation-indexes", "2026-12-06-web-sessions",
                "2026-12-06-office-chains-and-seals", "2026-12-06-later-seals",
            ],
            sql: baselineFoundation + "\n" + baselineLater),
        Step(identifiers: ["2026-12-07-notifications"], sql: notifications),
        Step(identifiers: ["2026-12-07-one-time-links"], sql: oneTimeLinks),
        Step(identifiers: ["2026-12-08-documents"], sql: documents),
        Step(identifiers: ["2026-12-09-office-profiles-and-people"], sql: officeProfilesAndPeople),
        Step(identifiers: ["2026-12-09-second-factor"], sql: secondFactor),
        Step(identifiers: ["2026-12-10-register-order"], sql: registerOrder),
        Step(identifiers: ["2026-12-10-act-cache-generation"], sql: actCacheGeneration),
        Step(identifiers: ["2026-12-10-account-balances"], sql: accountBalances),
        Step(identifiers: ["2026-12-11-committed-cache"], sql: committedCache),
        Step(identifiers: ["2026-12-12-terminated-agreement-amount"], sql: terminatedAgreementAmount),
        Step(identifiers: ["2026-12-12-search-keys"], sql: searchKeys),
        Step(identifiers: ["2026-12-12-grant-round-applications"], sql: grantRoundApplications),
        Step(identifiers: ["2026-12-12-page-reads"], sql: Migrations.pageReadsSQL),
        Step(identifiers: ["2026-12-13-unread-notifications"], sql: Migrations.unreadNotificationsSQL),
        Step(identifiers: ["2026-12-13-application-documents"], sql: applicationDocuments),
        Step(identifiers: ["2026-12-14-decision-part1-columns"], sql: Migrations.decisionPart1ColumnsPostgreSQL),
        Step(identifiers: ["2026-12-14-search-by-record-rowid"], sql: searchByRecordRowid),
        Step(identifiers: ["2026-12-15-vli-reads"], sql: Migrations.vliReadsSQL),
    ]

    /// The key of the transaction-level advisory lock every migration takes first ("opccmigr" in ASCII), so that two
    /// nodes starting at once migrate one after the other and the second finds the work done.
    static let lockKey: Int64 = 0x6F70_6363_6D69_6772

    static let createLedger = """
        CREATE TABLE IF NOT EXISTS opcc_migration (
            identifier text COLLATE "C" PRIMARY KEY,
            applied_at timestamptz NOT NULL DEFAULT now()
        )
        """

    /// Brings the database up to date: each step missing is applied in a transaction of its own, which takes the
    /// advisory lock first and reads what is applied only then. A database that records a migration this binary does
    /// not know (a newer binary migrated it) is refused before anything changes.
    static func migrate(_ connection: PGConnection) throws {
        for step in steps {
            try inTransaction(connection) {
                try connection.execute("SELECT pg_advisory_xact_lock($1::bigint)", [String(lockKey)])
                try connection.execute(createLedger)
                let applied = Set(try readApplied(connection))
                if let unknown = applied.subtracting(known).sorted().first {
                    throw PGMigrationError.unknownMigration(identifier: unknown)
                }
                let done = step.identifiers.filter(applied.contains)
                if done.count == step.identifiers.count { return }
                guard done.isEmpty else {
                    throw PGMigrationError.partlyApplied(missing: step.identifiers.filter { !applied.contains($0) })
                }
                try connection.executeScript(step.sql)
                try connection.execute(
                    "INSERT INTO opcc_migration (identifier) SELECT unnest($1::text[])",
                    [arrayLiteral(step.identifiers)])
            }
        }
    }

    /// The migrations the database records as applied, sorted; none in a database never migrated.
    static func applied(_ connection: PGConnection) throws -> [String] {
        let exists = try connection.execute("SELECT to_regclass('opcc_migration') IS NOT NULL").rows
        guard exists.first?.first == "t" else { return [] }
        return try readApplied(connection)
    }

    private static func readApplied(_ connection: PGConnection) throws -> [String] {
        try connection.execute("SELECT identifier FROM opcc_migration ORDER BY identifier").rows.compactMap {
            $0.first ?? nil
        }
    }

    /// BEGIN, the body, COMMIT; ROLLBACK when the body throws (PostgreSQL's DDL is transactional, so a step that
    /// fails halfway leaves nothing behind). The body's error is the one thrown, whatever the ROLLBACK says.
    private static func inTransaction(_ connection: PGConnection, _ body: () throws -> Void) throws {
        try connection.execute("BEGIN")
        do {
            try body()
            try connection.execute("COMMIT")
        } catch {
            _ = try? connection.execute("ROLLBACK")
            throw error
        }
    }

    /// A text array literal (`{"a","b"}`) of identifiers, which hold no quote or backslash.
    private static func arrayLiteral(_ identifiers: [String]) -> String {
        "{" + identifiers.map { "\"" + $0 + "\"" }.joined(separator: ",") + "}"
    }
}

/// Why the PostgreSQL schema could not be brought up to date. Nothing was changed.
public enum PGMigrationError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The database records a migration this binary does not know: a newer version of opcc migrated it.
    case unknownMigration(identifier: String)
    /// The database records some of one step's migrations but not all: no version of opcc writes that.
    case partlyApplied(missing: [String])

    public var description: String {
        switch self {
        case .unknownMigration(let identifier):
            return "the database has the migration '\(identifier)' applied, which this version of opcc does not know: "
                + "a newer version migrated it, so run that version or a later one"
        case .partlyApplied(let missing):
            return "the database records only part of a migration step (missing: "
                + missing.joined(separator: ", ") + "): it was not migrated by opcc"
        }
    }
}
