import GRDB

extension Migrations {
    /// An index in the register's order (office, day decided with undecided last, number with none first, id), which is
    /// also its keyset: a page of the register reads its own rows from the index and stops, whatever the register's
    /// size (`decisionRegisterPage`).
    static func registerOrder(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE INDEX decision_record_register ON decision_record(
                    office_id, coalesce(decided_on, '9999'), coalesce(number, ''), id)
                """)
    }
}

extension PGMigrations {
    /// `2026-12-10-register-order` on PostgreSQL: `Migrations.registerOrder`, translated.
    static let registerOrder = """
        CREATE INDEX decision_record_register ON decision_record(
            office_id, (coalesce(decided_on, '9999')), (coalesce(number, '')), id);
        """
}
