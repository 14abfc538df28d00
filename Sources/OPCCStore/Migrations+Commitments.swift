import GRDB

extension Migrations {
    /// `2026-12-11-committed-cache`: each agreement's committed allocations, kept in the same transaction as what
    /// changes them (the agreement saved, its record moved into or out of a committed state), so that the
    /// reconciliation's `committed` figure of a year is read through an index instead of every agreement's terms.
    /// A cache the agreements prove: `opcc finance check` recomputes every row from the terms and states and names
    /// any difference. Filled here from the agreements already recorded.
    ///
    /// A row (`agreement_id`, `allocation_id`) holds the allocation's office, year, strand, recipient and amount, for
    /// an agreement in one of `GrantRules.committedStates` whose terms name the allocation.
    static func committedCache(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE agreement_commitment (
                    agreement_id TEXT NOT NULL,
                    allocation_id TEXT NOT NULL,
                    agreement_office_id TEXT NOT NULL,
                    office_id TEXT NOT NULL,
                    year_start INTEGER NOT NULL,
                    strand TEXT NOT NULL,
                    recipient_org_id TEXT NOT NULL,
                    pence INTEGER NOT NULL,
                    PRIMARY KEY (agreement_id, allocation_id)
                ) STRICT, WITHOUT ROWID;
                CREATE INDEX agreement_commitment_year ON agreement_commitment(
                    year_start, office_id, strand, recipient_org_id, agreement_office_id, pence);
                CREATE INDEX agreement_commitment_office ON agreement_commitment(agreement_office_id);
                \(commitmentFill(sqlite: true))
                """)
    }
}
