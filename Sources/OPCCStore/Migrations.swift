import GRDB

/// The schema, as named migrations. A migration is never edited once shipped: a change is a new migration.
/// SQLite holds every invariant it can (NOT NULL, CHECK, UNIQUE, foreign keys, no-update/no-delete triggers on the
/// audit log) so that a bug above it cannot write a state the domain forbids.
enum Migrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("2026-11-22-foundation", migrate: foundation)
        migrator.registerMigration("2026-11-22-decisions", migrate: decisions)
        migrator.registerMigration("2026-11-22-ledger", migrate: ledger)
        migrator.registerMigration("2026-11-22-carry-forward", migrate: carryForward)
        migrator.registerMigration("2026-11-22-grant-agreements", migrate: grantAgreements)
        migrator.registerMigration("2026-11-23-grant-rounds", migrate: grantRounds)
        migrator.registerMigration("2026-11-23-quarterly-returns", migrate: quarterlyReturns)
        migrator.registerMigration("2026-11-23-vli", migrate: vli)
        migrator.registerMigration("2026-11-24-priorities", migrate: priorities)
        migrator.registerMigration("2026-11-24-web-sign-in", migrate: webSignIn)
        migrator.registerMigration("2026-12-02-calendar-feeds", migrate: calendarFeeds)
        migrator.registerMigration("2026-12-02-api-tokens", migrate: apiTokens)
        migrator.registerMigration("2026-12-03-reconciliation-indexes", migrate: reconciliationIndexes)
        migrator.registerMigration("2026-12-06-web-sessions", migrate: webSessions)
        migrator.registerMigration("2026-12-06-office-chains-and-seals", migrate: officeChainsAndSeals)
        migrator.registerMigration("2026-12-06-later-seals", migrate: laterSeals)
        migrator.registerMigration("2026-12-07-notifications", migrate: notifications)
        migrator.registerMigration("2026-12-07-one-time-links", migrate: oneTimeLinks)
        migrator.registerMigration("2026-12-08-documents", migrate: documents)
        migrator.registerMigration("2026-12-09-office-profiles-and-people", migrate: officeProfilesAndPeople)
        migrator.registerMigration("2026-12-09-second-factor", migrate: secondFactor)
        migrator.registerMigration("2026-12-10-register-order", migrate: registerOrder)
        migrator.registerMigration("2026-12-10-act-cache-generation", migrate: actCacheGeneration)
        migrator.registerMigration("2026-12-10-account-balances", migrate: accountBalances)
        migrator.registerMigration("2026-12-11-committed-cache", migrate: committedCache)
        migrator.registerMigration("2026-12-12-terminated-agreement-amount", migrate: terminatedAgreementAmount)
        migrator.registerMigration("2026-12-12-search-keys", migrate: searchKeys)
        migrator.registerMigration("2026-12-12-grant-round-applications", migrate: grantRoundApplications)
        migrator.registerMigration("2026-12-12-page-reads", migrate: pageReads)
        migrator.registerMigration("2026-12-13-unread-notifications", migrate: unreadNotifications)
        migrator.registerMigration("2026-12-13-application-documents", migrate: applicationDocuments)
        migrator.registerMigration("2026-12-14-decision-part1-columns", migrate: decisionPart1Columns)
        migrator.registerMigration("2026-12-14-search-by-record-rowid", migrate: searchByRecordRowid)
        migrator.registerMigration("2026-12-15-vli-reads", migrate: vliReads)
        return migrator
    }

    static let roleCheck =
        "role IN ('officer', 'finance', 'chief-executive', 'commissioner', "
        + "'project-board-member', 'auditor', 'public')"
    static let isoDay = "GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'"

    /// Decision records. Part 1 is kept as JSON with the columns the register filters on; Part 2's content lives in
    /// its own table so that no query over Part 1 can reach it; an FTS5 index covers Part 1 text only.
    static func decisions(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE decision_record (
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
                    UNIQUE (office_id, number)
                ) STRICT;
                CREATE INDEX decision_record_office ON decision_record(office_id, decided_on);

                CREATE TABLE decision_part2 (
                    record_id TEXT PRIMARY KEY NOT NULL REFERENCES decision_record(id),
                    content TEXT NOT NULL
                ) STRICT;

                CREATE TABLE decision_number_sequence (
                    office_id TEXT NOT NULL REFERENCES office(id),
                    sequence_key TEXT NOT NULL,
                    last_sequence INTEGER NOT NULL CHECK (last_sequence >= 1),
                    PRIMARY KEY (office_id, sequence_key)
                ) STRICT;

                CREATE VIRTUAL TABLE decision_fts USING fts5(record_id UNINDEXED, number, title, body);
                """)
    }

    /// The double-entry ledger, budgets' strands and allocations. Postings and their transfers are never updated
    /// or deleted (triggers refuse it); a correction is a reversing posting, and a posting is reversed at most once.
    /// Every posting cites the audit event recorded with it.
    /// The reconciliation of one year reads the allocations of that year (with their agreements) by index
    /// rather than every allocation of every year.
    static func reconciliationIndexes(_ db: Database) throws {
        try db.execute(sql: "CREATE INDEX allocation_year ON allocation(year_start, office_id)")
    }

    static func ledger(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE ledger_posting (
                    seq INTEGER PRIMARY KEY CHECK (seq >= 1),
                    office_id TEXT NOT NULL REFERENCES office(id),
                    day TEXT NOT NULL CHECK (day \(isoDay)),
                    cause_kind TEXT NOT NULL CHECK (cause_kind IN ('budget', 'virement', 'decision', 'allocation',
                        'agreement', 'payment', 'carry-forward', 'clawback', 'write-off', 'correction')),
                    cause_ref TEXT NOT NULL CHECK (cause_ref <> ''),
                    memo TEXT NOT NULL,
                    reverses INTEGER UNIQUE REFERENCES ledger_posting(seq),
                    audit_seq INTEGER NOT NULL UNIQUE REFERENCES audit_event(seq),
                    recorded_by TEXT NOT NULL
                ) STRICT;
                CREATE TABLE ledger_transfer (
                    posting_seq INTEGER NOT NULL REFERENCES ledger_posting(seq),
                    line INTEGER NOT NULL CHECK (line >= 1),
                    from_account TEXT NOT NULL,
                    to_account TEXT NOT NULL CHECK (to_account <> from_account),
                    amount_pence INTEGER NOT NULL CHECK (amount_pence > 0),
                    PRIMARY KEY (posting_seq, line)
                ) STRICT;
                CREATE INDEX ledger_transfer_from ON ledger_transfer(from_account);
                CREATE INDEX ledger_transfer_to ON ledger_transfer(to_account);
                CREATE TRIGGER ledger_posting_is_never_updated BEFORE UPDATE ON ledger_posting
                BEGIN SELECT RAISE(ABORT, 'postings are never changed: post a reversal with a reason'); END;
                CREATE TRIGGER ledger_posting_is_never_deleted BEFORE DELETE ON ledger_posting
                BEGIN SELECT RAISE(ABORT, 'postings are never deleted: post a reversal with a reason'); END;
                CREATE TRIGGER ledger_transfer_is_never_updated BEFORE UPDATE ON ledger_transfer
                BEGIN SELECT RAISE(ABORT, 'postings are never changed: post a reversal with a reason'); END;
                CREATE TRIGGER ledger_transfer_is_never_deleted BEFORE DELETE ON ledger_transfer
                BEGIN SELECT RAISE(ABORT, 'postings are never deleted: post a reversal with a reason'); END;

                CREATE TABLE budget_strand (
                    office_id TEXT NOT NULL REFERENCES office(id),
                    year_start INTEGER NOT NULL CHECK (year_start BETWEEN 1990 AND 2200),
                    strand TEXT NOT NULL CHECK (strand <> '' AND strand NOT GLOB '*/*'),
                    name TEXT NOT NULL CHECK (name <> ''),
                    PRIMARY KEY (office_id, year_start, strand)
                ) STRICT;

                CREATE TABLE allocation (
                    id TEXT PRIMARY KEY NOT NULL CHECK (id <> ''),
                    office_id TEXT NOT NULL REFERENCES office(id),
                    year_start INTEGER NOT NULL,
                    strand TEXT NOT NULL,
                    recipient_org_id TEXT NOT NULL CHECK (recipient_org_id GLOB '[A-Z][A-Z]-*-*'),
                    recipient_name TEXT NOT NULL CHECK (recipient_name <> ''),
                    purpose TEXT NOT NULL CHECK (purpose <> ''),
                    area TEXT,
                    decision_id TEXT NOT NULL REFERENCES decision_record(id),
                    amount_pence INTEGER NOT NULL CHECK (amount_pence > 0),
                    spend_kind TEXT NOT NULL CHECK (spend_kind IN ('revenue', 'capital')),
                    revenue_contribution_to_capital INTEGER NOT NULL CHECK (revenue_contribution_to_capital IN (0, 1)),
                    method TEXT NOT NULL CHECK (method IN ('single', 'fixed-per-area', 'formula', 'grant-round')),
                    over_commitment_percent INTEGER CHECK (over_commitment_percent IS NULL OR over_commitment_percent > 0),
                    posting_seq INTEGER NOT NULL UNIQUE REFERENCES ledger_posting(seq),
                    day TEXT NOT NULL CHECK (day \(isoDay)),
                    FOREIGN KEY (office_id, year_start, strand) REFERENCES budget_strand(office_id, year_start, strand)
                ) STRICT;
                CREATE INDEX allocation_decision ON allocation(decision_id);
                """)
    }

    /// Carry-forward requests: a recipient's forecast underspend in one year, its state kept by its workflow instance.
    static func carryForward(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE carry_forward (
                    id TEXT PRIMARY KEY NOT NULL REFERENCES workflow_instance(id),
                    office_id TEXT NOT NULL REFERENCES office(id),
                    year_start INTEGER NOT NULL,
                    strand TEXT NOT NULL,
                    recipient_org_id TEXT NOT NULL,
                    forecast_pence INTEGER NOT NULL CHECK (forecast_pence > 0),
                    reason TEXT NOT NULL CHECK (reason <> ''),
                    decision_id TEXT REFERENCES decision_record(id),
                    actual_pence INTEGER CHECK (actual_pence IS NULL OR actual_pence >= 0),
                    FOREIGN KEY (office_id, year_start, strand) REFERENCES budget_strand(office_id, year_start, strand)
                ) STRICT;
                """)
    }

    /// Grant agreements: the terms as JSON, with the columns finance filters on; state lives in the workflow instance.
    static func grantAgreements(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE grant_agreement (
                    id TEXT PRIMARY KEY NOT NULL REFERENCES workflow_instance(id),
                    office_id TEXT NOT NULL REFERENCES office(id),
                    decision_id TEXT NOT NULL REFERENCES decision_record(id),
                    recipient_org_id TEXT NOT NULL,
                    amount_pence INTEGER NOT NULL CHECK (amount_pence > 0),
                    terms_json TEXT NOT NULL CHECK (json_valid(terms_json))
                ) STRICT;
                CREATE TABLE grant_agreement_allocation (
                    agreement_id TEXT NOT NULL REFERENCES grant_agreement(id),
                    allocation_id TEXT NOT NULL UNIQUE REFERENCES allocation(id),
                    PRIMARY KEY (agreement_id, allocation_id)
                ) STRICT;
                """)
    }

    /// Awards of a competitive grant round record the size band they fell in.
    static func grantRounds(_ db: Database) throws {
        try db.execute(
            sql: "ALTER TABLE allocation ADD COLUMN size_band TEXT CHECK (size_band IS NULL OR size_band <> '')")
    }

    /// Quarterly returns and their versions (an accepted version is never changed), the deadline sweep's notices,
    /// variation proposals from returns, and context indicator series.
    static func quarterlyReturns(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE quarterly_return (
                    id TEXT PRIMARY KEY NOT NULL REFERENCES workflow_instance(id),
                    office_id TEXT NOT NULL REFERENCES office(id),
                    agreement_id TEXT NOT NULL REFERENCES grant_agreement(id),
                    quarter TEXT NOT NULL,
                    quarter_key INTEGER NOT NULL,
                    period_start TEXT NOT NULL CHECK (period_start \(isoDay)),
                    period_end TEXT NOT NULL CHECK (period_end \(isoDay) AND period_end >= period_start),
                    due_on TEXT NOT NULL CHECK (due_on \(isoDay) AND due_on >= period_end),
                    UNIQUE (agreement_id, quarter_key)
                ) STRICT;
                CREATE TABLE return_version (
                    return_id TEXT NOT NULL REFERENCES quarterly_return(id),
                    number INTEGER NOT NULL CHECK (number >= 1),
                    content_json TEXT NOT NULL CHECK (json_valid(content_json)),
                    submitted_by TEXT,
                    submitted_on TEXT CHECK (submitted_on IS NULL OR submitted_on \(isoDay)),
                    correction_reason TEXT CHECK (correction_reason IS NULL OR correction_reason <> ''),
                    review_outcome TEXT CHECK (review_outcome IS NULL
                        OR review_outcome IN ('accepted', 'returned-for-revision')),
                    review_json TEXT CHECK (review_json IS NULL OR json_valid(review_json)),
                    CHECK ((review_outcome IS NULL) = (review_json IS NULL)),
                    CHECK (review_outcome IS NULL OR submitted_on IS NOT NULL),
                    PRIMARY KEY (return_id, number)
                ) STRICT;
                CREATE TRIGGER accepted_return_version_is_never_changed BEFORE UPDATE ON return_version
                WHEN OLD.review_outcome = 'accepted'
                BEGIN SELECT RAISE(ABORT, 'an accepted return is never changed: record a correction as a new version');
                END;
                CREATE TRIGGER return_version_is_never_deleted BEFORE DELETE ON return_version
                BEGIN SELECT RAISE(ABORT, 'return versions are never deleted'); END;

                CREATE TABLE deadline_notice (
                    subject_id TEXT NOT NULL,
                    kind TEXT NOT NULL CHECK (kind IN ('remind', 'mark-overdue', 'escalate')),
                    day TEXT NOT NULL CHECK (day \(isoDay)),
                    audit_seq INTEGER NOT NULL REFERENCES audit_event(seq),
                    PRIMARY KEY (subject_id, kind)
                ) STRICT;

                CREATE TABLE variation_proposal (
                    id TEXT PRIMARY KEY NOT NULL CHECK (id <> ''),
                    office_id TEXT NOT NULL REFERENCES office(id),
                    agreement_id TEXT NOT NULL REFERENCES grant_agreement(id),
                    return_id TEXT REFERENCES quarterly_return(id),
                    status TEXT NOT NULL CHECK (status IN ('proposed', 'approved', 'refused')),
                    proposal_json TEXT NOT NULL CHECK (json_valid(proposal_json))
                ) STRICT;
                CREATE TRIGGER decided_proposal_is_never_changed BEFORE UPDATE ON variation_proposal
                WHEN OLD.status <> 'proposed'
                BEGIN SELECT RAISE(ABORT, 'a decided variation proposal is never changed'); END;

                CREATE TABLE indicator_value (
                    agreement_id TEXT NOT NULL REFERENCES grant_agreement(id),
                    indicator TEXT NOT NULL CHECK (indicator <> ''),
                    quarter_key INTEGER NOT NULL,
                    quarter TEXT NOT NULL,
                    value INTEGER NOT NULL,
                    source TEXT NOT NULL,
                    PRIMARY KEY (agreement_id, indicator, quarter_key)
                ) STRICT;
                """)
    }

    /// Vulnerable Localities Index: the study area's LSOAs and inputs, groupings (wards), supporting counts, runs
    /// (pinning the scheme's text and hash and the inputs' hash) and the selection of pilot areas.
    static func vli(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE vli_area (
                    office_id TEXT NOT NULL REFERENCES office(id),
                    lsoa TEXT NOT NULL CHECK (lsoa <> ''),
                    name TEXT NOT NULL,
                    households INTEGER NOT NULL DEFAULT 0 CHECK (households >= 0),
                    population INTEGER NOT NULL DEFAULT 0 CHECK (population >= 0),
                    msoa_code TEXT, msoa_name TEXT, la_code TEXT, la_name TEXT,
                    PRIMARY KEY (office_id, lsoa)
                ) STRICT;
                CREATE TABLE vli_value (
                    office_id TEXT NOT NULL,
                    lsoa TEXT NOT NULL,
                    variable TEXT NOT NULL,
                    value REAL NOT NULL,
                    source TEXT NOT NULL,
                    PRIMARY KEY (office_id, lsoa, variable),
                    FOREIGN KEY (office_id, lsoa) REFERENCES vli_area(office_id, lsoa)
                ) STRICT;
                CREATE TABLE vli_group (
                    office_id TEXT NOT NULL,
                    grouping TEXT NOT NULL,
                    lsoa TEXT NOT NULL,
                    code TEXT NOT NULL CHECK (code <> ''),
                    name TEXT NOT NULL CHECK (name <> ''),
                    PRIMARY KEY (office_id, grouping, lsoa),
                    FOREIGN KEY (office_id, lsoa) REFERENCES vli_area(office_id, lsoa)
                ) STRICT;
                CREATE TABLE vli_support (
                    office_id TEXT NOT NULL REFERENCES office(id),
                    grouping TEXT NOT NULL,
                    code TEXT NOT NULL,
                    dataset TEXT NOT NULL CHECK (dataset <> ''),
                    value REAL NOT NULL,
                    source TEXT NOT NULL,
                    PRIMARY KEY (office_id, grouping, code, dataset)
                ) STRICT;
                CREATE TABLE vli_run (
                    id TEXT PRIMARY KEY NOT NULL,
                    office_id TEXT NOT NULL REFERENCES office(id),
                    scheme_name TEXT NOT NULL,
                    scheme_version INTEGER NOT NULL,
                    scheme_sha256 TEXT NOT NULL CHECK (length(scheme_sha256) = 64),
                    scheme_text TEXT NOT NULL,
                    inputs_sha256 TEXT NOT NULL CHECK (length(inputs_sha256) = 64),
                    run_on TEXT NOT NULL,
                    run_by TEXT NOT NULL,
                    result_json TEXT NOT NULL CHECK (json_valid(result_json))
                ) STRICT;
                CREATE TRIGGER vli_run_is_never_changed BEFORE UPDATE ON vli_run
                BEGIN SELECT RAISE(ABORT, 'a VLI run is never changed: score again'); END;
                CREATE TABLE vli_selection (
                    run_id TEXT NOT NULL REFERENCES vli_run(id),
                    ward_code TEXT NOT NULL,
                    ward_name TEXT NOT NULL,
                    status TEXT NOT NULL CHECK (status IN ('shortlisted', 'selected')),
                    decision_id TEXT REFERENCES decision_record(id),
                    notes_json TEXT NOT NULL CHECK (json_valid(notes_json)),
                    PRIMARY KEY (run_id, ward_code),
                    CHECK (status = 'shortlisted' OR decision_id IS NOT NULL)
                ) STRICT;
                """)
    }
}
