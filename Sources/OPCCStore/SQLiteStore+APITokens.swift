import GRDB
import OPCCCore

extension Migrations {
    /// API tokens for scripts: each belongs to one person and acts as them. Only the SHA-256 of the secret is kept;
    /// a token is revoked by recording when and by which audit event, never deleted. A person may hold several live
    /// tokens (one per script), each with its own label.
    static func apiTokens(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE api_token (
                    id INTEGER PRIMARY KEY,
                    person_name TEXT NOT NULL REFERENCES person(name),
                    label TEXT NOT NULL CHECK (label <> '' AND length(label) <= 80),
                    token_sha256 TEXT NOT NULL UNIQUE
                        CHECK (length(token_sha256) = 64 AND token_sha256 NOT GLOB '*[^0-9a-f]*'),
                    created_at TEXT NOT NULL,
                    created_audit_seq INTEGER NOT NULL REFERENCES audit_event(seq),
                    revoked_at TEXT,
                    revoked_audit_seq INTEGER REFERENCES audit_event(seq),
                    CHECK ((revoked_at IS NULL) = (revoked_audit_seq IS NULL))
                ) STRICT;
                CREATE UNIQUE INDEX api_token_live_label ON api_token(person_name, label) WHERE revoked_at IS NULL;
                CREATE TRIGGER api_token_is_never_deleted BEFORE DELETE ON api_token
                BEGIN SELECT RAISE(ABORT, 'API tokens are never deleted: revoke them'); END;
                CREATE TRIGGER api_token_changes_only_by_revocation BEFORE UPDATE ON api_token
                WHEN OLD.revoked_at IS NOT NULL OR NEW.id IS NOT OLD.id OR NEW.person_name IS NOT OLD.person_name
                    OR NEW.label IS NOT OLD.label OR NEW.token_sha256 IS NOT OLD.token_sha256
                    OR NEW.created_at IS NOT OLD.created_at OR NEW.created_audit_seq IS NOT OLD.created_audit_seq
                BEGIN SELECT RAISE(ABORT, 'an API token changes only once, when it is revoked'); END;
                """)
    }
}

extension SQLTransaction {
    func insertAPIToken(
        person: String, label: String, tokenSHA256: String, createdAt: String, auditSequence: Int64
    ) throws -> Int64 {
        do {
            return try guarded {
                try fetchOneInt64(
                    sql: """
                        INSERT INTO api_token (person_name, label, token_sha256, created_at, created_audit_seq)
                        VALUES (?, ?, ?, ?, ?) RETURNING id
                        """, arguments: [person, label, tokenSHA256, createdAt, auditSequence])!
            }
        } catch SQLFailure.constraint {
            throw StoreError.duplicate(what: "a live API token labelled '\(label)' for '\(person)'")
        }
    }

    func apiToken(tokenSHA256: String) throws -> StoredAPIToken? {
        try fetchOneRow(sql: "SELECT * FROM api_token WHERE token_sha256 = ?", arguments: [tokenSHA256]).map(
            Self.apiToken(from:))
    }

    func apiToken(id: Int64) throws -> StoredAPIToken? {
        try fetchOneRow(sql: "SELECT * FROM api_token WHERE id = ?", arguments: [id])
            .map(Self.apiToken(from:))
    }

    func apiTokens(person: String?) throws -> [StoredAPIToken] {
        try fetchAllRows(
            sql: "SELECT * FROM api_token WHERE CAST(? AS TEXT) IS NULL OR person_name = ? ORDER BY id",
            arguments: [person, person]
        ).map(Self.apiToken(from:))
    }

    func revokeAPIToken(id: Int64, revokedAt: String, auditSequence: Int64) throws {
        let changed = try execute(
            sql: "UPDATE api_token SET revoked_at = ?, revoked_audit_seq = ? WHERE id = ? AND revoked_at IS NULL",
            arguments: [revokedAt, auditSequence, id])
        guard changed == 1 else { throw StoreError.notFound(what: "live API token \(id)") }
    }

    private static func apiToken(from row: SQLRow) -> StoredAPIToken {
        StoredAPIToken(
            id: row["id"], person: row["person_name"], label: row["label"], createdAt: row["created_at"],
            revokedAt: row["revoked_at"])
    }
}
