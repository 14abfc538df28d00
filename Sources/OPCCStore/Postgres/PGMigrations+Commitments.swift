extension PGMigrations {
    /// `2026-12-11-committed-cache`, translated from `Migrations.committedCache` (SQLite): each agreement's
    /// committed allocations, filled from the agreements already recorded.
    static let committedCache = """
        CREATE TABLE agreement_commitment (
            agreement_id text COLLATE "C" NOT NULL,
            allocation_id text COLLATE "C" NOT NULL,
            agreement_office_id text COLLATE "C" NOT NULL,
            office_id text COLLATE "C" NOT NULL,
            year_start bigint NOT NULL,
            strand text COLLATE "C" NOT NULL,
            recipient_org_id text COLLATE "C" NOT NULL,
            pence bigint NOT NULL,
            PRIMARY KEY (agreement_id, allocation_id)
        );
        CREATE INDEX agreement_commitment_year ON agreement_commitment(
            year_start, office_id, strand, recipient_org_id, agreement_office_id, pence);
        CREATE INDEX agreement_commitment_office ON agreement_commitment(agreement_office_id);
        """ + "\n" + Migrations.commitmentFill(sqlite: false)
}
