extension PGMigrations {
    /// `2026-12-08-documents`, translated from `Migrations.documents` (SQLite); the chunks are base64
    /// text on both engines, so one set of statements reads and writes them.
    static let documents = #"""
        CREATE TABLE document (
            id text COLLATE "C" PRIMARY KEY CHECK (id <> ''),
            office_id text COLLATE "C" NOT NULL REFERENCES office(id),
            record_kind text COLLATE "C" NOT NULL CHECK (record_kind IN ('decision', 'agreement', 'return',
                'carry-forward')),
            record_id text COLLATE "C" NOT NULL CHECK (record_id <> ''),
            kind text COLLATE "C" NOT NULL CHECK (kind IN ('signed-form', 'business-case',
                'equality-impact-assessment', 'risk-assessment', 'project-initiation-document', 'media-strategy',
                'background-paper', 'other', 'signed-agreement', 'evidence')),
            part bigint NOT NULL CHECK (part IN (1, 2)),
            name text COLLATE "C" NOT NULL CHECK (name <> '' AND length(name) <= 120),
            type text COLLATE "C" NOT NULL CHECK (type IN ('pdf', 'png', 'jpeg', 'csv', 'text', 'docx', 'xlsx',
                'odt', 'ods')),
            size_bytes bigint NOT NULL CHECK (size_bytes > 0),
            sha256 text COLLATE "C" NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
            uploaded_by text COLLATE "C" NOT NULL,
            attached_at text COLLATE "C" NOT NULL,
            supersedes text COLLATE "C" UNIQUE REFERENCES document(id),
            superseded_by text COLLATE "C" UNIQUE,
            withdrawn_at text COLLATE "C",
            withdrawn_by text COLLATE "C",
            withdrawal_reason text COLLATE "C" CHECK (withdrawal_reason <> ''),
            purged bigint NOT NULL DEFAULT 0 CHECK (purged IN (0, 1)),
            CHECK ((withdrawn_at IS NULL) = (withdrawal_reason IS NULL)),
            CHECK ((withdrawn_at IS NULL) = (withdrawn_by IS NULL)),
            CHECK (purged = 0 OR withdrawn_at IS NOT NULL)
        );
        CREATE INDEX document_record ON document(record_id);
        CREATE INDEX document_sha256 ON document(sha256);
        CREATE TRIGGER document_is_never_deleted BEFORE DELETE ON document FOR EACH ROW
        EXECUTE FUNCTION opcc_refuse('documents are never deleted: withdraw them');
        CREATE TRIGGER document_is_never_truncated BEFORE TRUNCATE ON document FOR EACH STATEMENT
        EXECUTE FUNCTION opcc_refuse('documents are never deleted: withdraw them');

        CREATE TABLE document_blob (
            sha256 text COLLATE "C" PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
            size_bytes bigint NOT NULL CHECK (size_bytes > 0),
            chunk_count bigint NOT NULL CHECK (chunk_count >= 1)
        );
        CREATE TABLE document_blob_chunk (
            sha256 text COLLATE "C" NOT NULL REFERENCES document_blob(sha256) ON DELETE CASCADE,
            n bigint NOT NULL CHECK (n >= 0),
            data text COLLATE "C" NOT NULL,
            PRIMARY KEY (sha256, n)
        );
        """#
}
