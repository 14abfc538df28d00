import GRDB

extension Migrations {
    /// `2026-12-12-terminated-agreement-amount`: an agreement may be for nothing. A termination leaves an agreement
    /// for what it paid, and one ended before its first instalment paid nothing, which the first schema's
    /// `amount_pence > 0` refused (so such an agreement could not be terminated at all). The table is rebuilt as
    /// SQLite's documentation prescribes for a changed constraint (new table, copy, drop, rename), with foreign keys
    /// checked after the migration; every row is copied unchanged.
    static func terminatedAgreementAmount(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE grant_agreement_new (
                    id TEXT PRIMARY KEY NOT NULL REFERENCES workflow_instance(id),
                    office_id TEXT NOT NULL REFERENCES office(id),
                    decision_id TEXT NOT NULL REFERENCES decision_record(id),
                    recipient_org_id TEXT NOT NULL,
                    amount_pence INTEGER NOT NULL CHECK (amount_pence >= 0),
                    terms_json TEXT NOT NULL CHECK (json_valid(terms_json))
                ) STRICT;
                INSERT INTO grant_agreement_new (id, office_id, decision_id, recipient_org_id, amount_pence, terms_json)
                    SELECT id, office_id, decision_id, recipient_org_id, amount_pence, terms_json FROM grant_agreement;
                DROP TABLE grant_agreement;
                ALTER TABLE grant_agreement_new RENAME TO grant_agreement;
                """)
    }
}
