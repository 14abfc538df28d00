extension PGMigrations {
    /// `2026-12-12-terminated-agreement-amount`, translated from `Migrations.terminatedAgreementAmount` (SQLite): an
    /// agreement may be for nothing (one terminated before its first instalment).
    static let terminatedAgreementAmount = """
        ALTER TABLE grant_agreement DROP CONSTRAINT grant_agreement_amount_pence_check;
        ALTER TABLE grant_agreement ADD CONSTRAINT grant_agreement_amount_pence_check CHECK (amount_pence >= 0);
        """
}
