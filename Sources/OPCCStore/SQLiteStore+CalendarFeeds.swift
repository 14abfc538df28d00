import GRDB
import OPCCCore

extension Migrations {
    /// Per-person calendar feeds reached by a secret address. Only the SHA-256 of the secret is kept; a feed is
    /// revoked by recording when and by which audit event, never deleted, and a person has at most one live feed.
    static func calendarFeeds(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE calendar_feed (
                    id INTEGER PRIMARY KEY,
                    person_name TEXT NOT NULL REFERENCES person(name),
                    token_sha256 TEXT NOT NULL UNIQUE
                        CHECK (length(token_sha256) = 64 AND token_sha256 NOT GLOB '*[^0-9a-f]*'),
                    created_at TEXT NOT NULL,
                    created_audit_seq INTEGER NOT NULL REFERENCES audit_event(seq),
                    revoked_at TEXT,
                    revoked_audit_seq INTEGER REFERENCES audit_event(seq),
                    CHECK ((revoked_at IS NULL) = (revoked_audit_seq IS NULL))
                ) STRICT;
                CREATE UNIQUE INDEX calendar_feed_one_live ON calendar_feed(person_name) WHERE revoked_at IS NULL;
                CREATE TRIGGER calendar_feed_is_never_deleted BEFORE DELETE ON calendar_feed
                BEGIN SELECT RAISE(ABORT, 'calendar feeds are never deleted: revoke them'); END;
                CREATE TRIGGER calendar_feed_changes_only_by_revocation BEFORE UPDATE ON calendar_feed
                WHEN OLD.revoked_at IS NOT NULL OR NEW.id IS NOT OLD.id OR NEW.person_name IS NOT OLD.person_name
                    OR NEW.token_sha256 IS NOT OLD.token_sha256 OR NEW.created_at IS NOT OLD.created_at
                    OR NEW.created_audit_seq IS NOT OLD.created_audit_seq
                BEGIN SELECT RAISE(ABORT, 'a calendar feed changes only once, when it is revoked'); END;
                """)
    }
}

extension SQLTransaction {
    func insertCalendarFeed(person: String, tokenSHA256: String, createdAt: String, auditSequence: Int64) throws {
        do {
            try guarded {
                try execute(
                    sql: """
                        INSERT INTO calendar_feed (person_name, token_sha256, created_at, created_audit_seq)
                        VALUES (?, ?, ?, ?)
                        """, arguments: [person, tokenSHA256, createdAt, auditSequence])
            }
        } catch SQLFailure.constraint {
            throw StoreError.duplicate(what: "a live calendar feed for '\(person)'")
        }
    }

    func liveCalendarFeed(person: String) throws -> StoredCalendarFeed? {
        try fetchOneRow(
            sql: "SELECT * FROM calendar_feed WHERE person_name = ? AND revoked_at IS NULL", arguments: [person]
        ).map(Self.calendarFeed(from:))
    }

    func calendarFeed(tokenSHA256: String) throws -> StoredCalendarFeed? {
        try fetchOneRow(sql: "SELECT * FROM calendar_feed WHERE token_sha256 = ?", arguments: [tokenSHA256]).map(
            Self.calendarFeed(from:))
    }

    func revokeCalendarFeed(id: Int64, revokedAt: String, auditSequence: Int64) throws {
        let changed = try execute(
            sql: """
                UPDATE calendar_feed SET revoked_at = ?, revoked_audit_seq = ? WHERE id = ? AND revoked_at IS NULL
                """, arguments: [revokedAt, auditSequence, id])
        guard changed == 1 else { throw StoreError.notFound(what: "live calendar feed \(id)") }
    }

    private static func calendarFeed(from row: SQLRow) -> StoredCalendarFeed {
        StoredCalendarFeed(
            id: row["id"], person: row["person_name"], createdAt: row["created_at"], revokedAt: row["revoked_at"])
    }
}
