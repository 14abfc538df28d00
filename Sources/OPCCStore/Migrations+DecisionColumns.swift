import GRDB

extension Migrations {
    /// `2026-12-14-decision-part1-columns`: what every register page shows of a decision's delegation (who decided in
    /// the Commissioner's place, within which limit, when the Commissioner noted it) and the forward-plan filter were
    /// read with `json_extract` from the stored Part 1, parsing its JSON (1.4 KB on average) for each of the page's
    /// 50 rows: 1.3 ms of a page whose other reads take 0.1 ms on the national data set. They become columns the
    /// database computes from Part 1 whenever it is written (`GENERATED ALWAYS … STORED`): never written by the
    /// services, so never different from the sealed Part 1 they come from, and not part of any seal.
    ///
    /// SQLite adds a stored generated column only to a new table: `decision_record` is rebuilt as its documentation
    /// prescribes (a new table, every row copied with its rowid, the old one dropped, the new one renamed, then its
    /// indexes again).
    static func decisionPart1Columns(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE decision_record_new (
                    id TEXT PRIMARY KEY NOT NULL CHECK (id <> ''),
                    office_id TEXT NOT NULL REFERENCES office(id),
                    instance_id TEXT NOT NULL UNIQUE REFERENCES workflow_instance(id),
                    number TEXT,
                    title TEXT NOT NULL CHECK (title <> ''),
                    strand TEXT,
                    financial_year_start INTEGER,
                    amount_pence INTEGER CHECK (amount_pence IS NULL OR amount_pence >= 0),
                    originating_officer TEXT NOT NULL,
                    decided_on TEXT CHECK (decided_on IS NULL OR decided_on \(isoDay)),
                    outcome TEXT CHECK (outcome IS NULL OR outcome IN ('approved', 'not-approved')),
                    deferred INTEGER NOT NULL DEFAULT 0 CHECK (deferred IN (0, 1)),
                    deferral_until TEXT CHECK (deferral_until IS NULL OR deferral_until \(isoDay)),
                    part1_deadline TEXT CHECK (part1_deadline IS NULL OR part1_deadline \(isoDay)),
                    published_on TEXT CHECK (published_on IS NULL OR published_on \(isoDay)),
                    part2_exists INTEGER NOT NULL DEFAULT 0 CHECK (part2_exists IN (0, 1)),
                    exception_count INTEGER NOT NULL DEFAULT 0 CHECK (exception_count >= 0),
                    part1_json TEXT NOT NULL CHECK (json_valid(part1_json)),
                    decided_role TEXT GENERATED ALWAYS AS (json_extract(part1_json, '$.decision.role')) STORED,
                    delegation_up_to INTEGER
                        GENERATED ALWAYS AS (json_extract(part1_json, '$.decision.delegation.upTo')) STORED,
                    noting_day TEXT GENERATED ALWAYS AS (json_extract(part1_json, '$.noting.day')) STORED,
                    on_forward_plan INTEGER
                        GENERATED ALWAYS AS (json_extract(part1_json, '$.forwardPlan') IS NOT NULL) STORED,
                    UNIQUE (office_id, number)
                ) STRICT;
                INSERT INTO decision_record_new (rowid, id, office_id, instance_id, number, title, strand,
                    financial_year_start, amount_pence, originating_officer, decided_on, outcome, deferred,
                    deferral_until, part1_deadline, published_on, part2_exists, exception_count, part1_json)
                SELECT rowid, id, office_id, instance_id, number, title, strand, financial_year_start, amount_pence,
                    originating_officer, decided_on, outcome, deferred, deferral_until, part1_deadline, published_on,
                    part2_exists, exception_count, part1_json
                FROM decision_record;
                DROP TABLE decision_record;
                ALTER TABLE decision_record_new RENAME TO decision_record;
                CREATE INDEX decision_record_office ON decision_record(office_id, decided_on);
                CREATE INDEX decision_record_register ON decision_record(
                    office_id, coalesce(decided_on, '9999'), coalesce(number, ''), id);
                """)
    }

    /// PostgreSQL adds stored generated columns in place (its Part 1 is `json`, parsed by each operator as SQLite's
    /// text is).
    static let decisionPart1ColumnsPostgreSQL = """
        ALTER TABLE decision_record
            ADD COLUMN decided_role text COLLATE "C" GENERATED ALWAYS AS (part1_json #>> '{decision,role}') STORED,
            ADD COLUMN delegation_up_to bigint
                GENERATED ALWAYS AS ((part1_json #>> '{decision,delegation,upTo}')::bigint) STORED,
            ADD COLUMN noting_day text COLLATE "C" GENERATED ALWAYS AS (part1_json #>> '{noting,day}') STORED,
            ADD COLUMN on_forward_plan bigint
                GENERATED ALWAYS AS (CASE WHEN (part1_json -> 'forwardPlan') IS NOT NULL THEN 1 ELSE 0 END) STORED;
        """
}
