import GRDB

extension Migrations {
    /// Documents attached to records, and a table for their bytes.
    ///
    /// A document row is its metadata: the record it is attached to (a decision record, a grant agreement, a
    /// quarterly return or a carry-forward request), its kind and part, its cleaned name, type, size
    /// and the SHA-256 of its bytes. Rows are never deleted: a new version points at the one it replaces
    /// (`superseded_by`), a withdrawal records when, by whom and why, and a purge only marks that the bytes are gone
    /// (the hash stays). The bytes themselves live in the document files: a folder beside a SQLite file, or, for
    /// databases that several web nodes share, `document_blob` and its chunks (base64 text, on both engines),
    /// keyed by SHA-256 so that a put that never reached its metadata row leaves only a harmless orphan.
    static func documents(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE document (
                    id TEXT PRIMARY KEY NOT NULL CHECK (id <> ''),
                    office_id TEXT NOT NULL REFERENCES office(id),
                    record_kind TEXT NOT NULL CHECK (record_kind IN ('decision', 'agreement', 'return', 'carry-forward')),
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
                CREATE INDEX document_record ON document(record_id);
                CREATE INDEX document_sha256 ON document(sha256);
                CREATE TRIGGER document_is_never_deleted BEFORE DELETE ON document
                BEGIN SELECT RAISE(ABORT, 'documents are never deleted: withdraw them'); END;

                CREATE TABLE document_blob (
                    sha256 TEXT PRIMARY KEY NOT NULL
                        CHECK (length(sha256) = 64 AND sha256 NOT GLOB '*[^0-9a-f]*'),
                    size_bytes INTEGER NOT NULL CHECK (size_bytes > 0),
                    chunk_count INTEGER NOT NULL CHECK (chunk_count >= 1)
                ) STRICT;
                CREATE TABLE document_blob_chunk (
                    sha256 TEXT NOT NULL REFERENCES document_blob(sha256) ON DELETE CASCADE,
                    n INTEGER NOT NULL CHECK (n >= 0),
                    data TEXT NOT NULL,
                    PRIMARY KEY (sha256, n)
                ) STRICT;
                """)
    }
}
