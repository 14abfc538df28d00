import GRDB

extension Migrations {
    /// The roles an audit event may record from `2026-12-13-application-documents` on: partners' `applicant` and
    /// `assessor` join the first list, so that their acts are recorded under the role they acted in.
    static let auditRoleCheckWithPartners =
        "role IN ('officer', 'finance', 'chief-executive', 'commissioner', "
        + "'project-board-member', 'auditor', 'public', 'applicant', 'assessor')"

    /// Finishing issue 29's grant rounds:
    /// - documents attach to a grant application (`record_kind` 'application'): the applicant's supporting papers;
    /// - an audit event may record the partner roles `applicant` and `assessor` (earlier partner acts stay as they
    ///   were recorded, with no role and the role in their payload's `actingAs`: events are never rewritten);
    /// - a quarterly return may be a grant's one end-of-grant report (`end_of_grant`), scheduled instead of quarterly
    ///   returns for a round that asks for it.
    ///
    /// SQLite cannot change a CHECK in place: `document` and `audit_event` are rebuilt as its documentation
    /// prescribes (a new table, the rows copied as they are, the old one dropped, the new one renamed, then its
    /// indexes and triggers again); every column is copied verbatim, so every event's hash still verifies.
    static func applicationDocuments(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE document_new (
                    id TEXT PRIMARY KEY NOT NULL CHECK (id <> ''),
                    office_id TEXT NOT NULL REFERENCES office(id),
                    record_kind TEXT NOT NULL CHECK (record_kind IN ('decision', 'agreement', 'return', 'carry-forward',
                        'application')),
                    record_id TEXT NOT NULL CHECK (record_id <> ''),
                    kind TEXT NOT NULL CHECK (kind IN ('signed-form', 'business-case', 'equality-impact-assessment',
                        'risk-assessment', 'project-initiation-document', 'media-strategy', 'background-paper',
                        'other', 'signed-agreement', 'evidence')),
                    part INTEGER NOT NULL CHECK (part IN (1, 2)),
                    name TEXT NOT NULL CHECK (name <> '' AND length(name) <= 120),
                    type TEXT NOT NULL CHECK (type IN ('pdf', 'png', 'jpeg', 'csv', 'text', 'docx', 'xlsx', 'odt',
                        'ods')),
                    size_bytes INTEGER NOT NULL CHECK (size_bytes > 0),
                    sha256 TEXT NOT NULL CHECK (length(sha256) = 64 AND sha256 NOT GLOB '*[^0-9a-f]*'),
                    uploaded_by TEXT NOT NULL,
                    attached_at TEXT NOT NULL,
                    supersedes TEXT UNIQUE REFERENCES document(id),
                    superseded_by TEXT UNIQUE,
                    withdrawn_at TEXT,
                    withdrawn_by TEXT,
                    withdrawal_reason TEXT CHECK (withdrawal_reason IS NULL OR withdrawal_reason <> ''),
                    purged INTEGER NOT NULL DEFAULT 0 CHECK (purged IN (0, 1)),
                    CHECK ((withdrawn_at IS NULL) = (withdrawal_reason IS NULL)),
                    CHECK ((withdrawn_at IS NULL) = (withdrawn_by IS NULL)),
                    CHECK (purged = 0 OR withdrawn_at IS NOT NULL)
                ) STRICT;
                INSERT INTO document_new SELECT id, office_id, record_kind, record_id, kind, part, name, type, size_bytes,
                    sha256, uploaded_by, attached_at, supersedes, superseded_by, withdrawn_at, withdrawn_by,
                    withdrawal_reason, purged FROM document;
                DROP TABLE document;
                ALTER TABLE document_new RENAME TO document;
                CREATE INDEX document_record ON document(record_id);
                CREATE INDEX document_sha256 ON document(sha256);
                CREATE TRIGGER document_is_never_deleted BEFORE DELETE ON document
                BEGIN SELECT RAISE(ABORT, 'documents are never deleted: withdraw them'); END;

                CREATE TABLE audit_event_new (
                    seq INTEGER PRIMARY KEY CHECK (seq >= 1),
                    office_id TEXT NOT NULL REFERENCES office(id),
                    instance_id TEXT REFERENCES workflow_instance(id),
                    workflow TEXT,
                    workflow_version INTEGER,
                    event TEXT NOT NULL CHECK (event <> ''),
                    from_state TEXT,
                    to_state TEXT,
                    actor TEXT NOT NULL CHECK (actor <> ''),
                    role TEXT CHECK (role IS NULL OR \(auditRoleCheckWithPartners)),
                    effective_day TEXT NOT NULL CHECK (effective_day \(isoDay)),
                    recorded_at TEXT NOT NULL,
                    payload TEXT NOT NULL CHECK (json_valid(payload)),
                    prev_hash TEXT NOT NULL CHECK (length(prev_hash) = 64),
                    hash TEXT NOT NULL UNIQUE CHECK (length(hash) = 64),
                    office_seq INTEGER CHECK (office_seq IS NULL OR office_seq >= 1),
                    sealed_record TEXT CHECK (sealed_record IS NULL OR sealed_record GLOB '?*:?*'),
                    seal TEXT CHECK (seal IS NULL OR length(seal) = 64),
                    CHECK ((instance_id IS NULL) = (workflow IS NULL))
                ) STRICT;
                INSERT INTO audit_event_new SELECT seq, office_id, instance_id, workflow, workflow_version, event,
                    from_state, to_state, actor, role, effective_day, recorded_at, payload, prev_hash, hash, office_seq,
                    sealed_record, seal FROM audit_event;
                DROP TABLE audit_event;
                ALTER TABLE audit_event_new RENAME TO audit_event;
                CREATE INDEX audit_event_instance ON audit_event(instance_id, seq);
                CREATE UNIQUE INDEX audit_event_office_chain ON audit_event(office_id, office_seq);
                CREATE INDEX audit_event_global_chain ON audit_event(seq) WHERE office_seq IS NULL;
                CREATE INDEX audit_event_sealed ON audit_event(sealed_record, seq) WHERE event = 'sealed';
                CREATE TRIGGER audit_event_is_never_updated BEFORE UPDATE ON audit_event
                BEGIN SELECT RAISE(ABORT, 'audit events are never changed: record a correction as a new event'); END;
                CREATE TRIGGER audit_event_is_never_deleted BEFORE DELETE ON audit_event
                BEGIN SELECT RAISE(ABORT, 'audit events are never deleted'); END;

                ALTER TABLE quarterly_return ADD COLUMN end_of_grant INTEGER NOT NULL DEFAULT 0
                    CHECK (end_of_grant IN (0, 1));
                """)
    }
}

extension PGMigrations {
    /// `2026-12-13-application-documents` on PostgreSQL: `Migrations.applicationDocuments`, translated (PostgreSQL
    /// changes the CHECKs in place).
    static let applicationDocuments = #"""
        ALTER TABLE document DROP CONSTRAINT document_record_kind_check;
        ALTER TABLE document ADD CONSTRAINT document_record_kind_check CHECK (record_kind IN ('decision', 'agreement',
            'return', 'carry-forward', 'application'));
        ALTER TABLE audit_event DROP CONSTRAINT audit_event_role_check;
        ALTER TABLE audit_event ADD CONSTRAINT audit_event_role_check CHECK (role IN ('officer', 'finance',
            'chief-executive', 'commissioner', 'project-board-member', 'auditor', 'public', 'applicant', 'assessor'));
        ALTER TABLE quarterly_return ADD COLUMN end_of_grant bigint NOT NULL DEFAULT 0 CHECK (end_of_grant IN (0, 1));
        """#
}
