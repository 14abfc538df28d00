import GRDB

extension Migrations {
    /// The outbox of notifications, people's email addresses and their choice of immediate mail or a daily digest.
    ///
    /// A notification is written in the transaction of the act or sweep that causes it, once per (recipient, kind,
    /// subject, occasion): a second sweep of the same day adds nothing. The delivery worker claims due rows with a
    /// lease (`claimed_by`, `claimed_until_ms`), commits, sends outside any transaction, then records each outcome.
    /// `message_id` is made when the row is written and never changes, so a retry, a resend or the one duplicate a
    /// crash between sending and marking can cause carries the same Message-ID. `last_error` is a category word of
    /// ours, never a relay's text. `digest_day` marks a row that goes in that day's digest (07:00 London). Rows are
    /// never deleted. Instants are milliseconds since 1970 (`_ms`).
    static func notifications(_ db: Database) throws {
        try db.execute(
            sql: """
                ALTER TABLE person ADD COLUMN email TEXT CHECK (email IS NULL OR (length(email) BETWEEN 3 AND 254
                    AND email GLOB '?*@?*.?*' AND email NOT GLOB '*[ \t\r\n]*'));
                ALTER TABLE person ADD COLUMN notification_delivery TEXT NOT NULL DEFAULT 'immediate'
                    CHECK (notification_delivery IN ('immediate', 'daily-digest'));

                CREATE TABLE notification (
                    id INTEGER PRIMARY KEY,
                    office_id TEXT NOT NULL REFERENCES office(id),
                    recipient TEXT NOT NULL REFERENCES person(name),
                    kind TEXT NOT NULL CHECK (kind <> '' AND kind NOT GLOB '*[^a-z0-9-]*'),
                    subject_id TEXT NOT NULL,
                    occasion TEXT NOT NULL,
                    statutory INTEGER NOT NULL CHECK (statutory IN (0, 1)),
                    subject TEXT NOT NULL CHECK (subject <> ''),
                    body TEXT NOT NULL,
                    path TEXT NOT NULL CHECK (path = '' OR path GLOB '/*'),
                    message_id TEXT NOT NULL UNIQUE CHECK (message_id <> '' AND message_id NOT GLOB '*[^a-z0-9.-]*'),
                    digest_day TEXT CHECK (digest_day IS NULL OR digest_day \(isoDay)),
                    state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'claimed', 'sent', 'failed')),
                    attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
                    next_attempt_at_ms INTEGER NOT NULL,
                    claimed_by TEXT CHECK (claimed_by IS NULL OR claimed_by <> ''),
                    claimed_until_ms INTEGER,
                    last_error TEXT CHECK (last_error IS NULL
                        OR (last_error <> '' AND length(last_error) <= 40 AND last_error NOT GLOB '*[^a-z0-9-]*')),
                    created_at_ms INTEGER NOT NULL,
                    sent_at_ms INTEGER,
                    read_at_ms INTEGER,
                    CHECK ((state = 'claimed') = (claimed_by IS NOT NULL AND claimed_until_ms IS NOT NULL)),
                    CHECK ((state = 'sent') = (sent_at_ms IS NOT NULL)),
                    CHECK (state <> 'failed' OR last_error IS NOT NULL),
                    UNIQUE (recipient, kind, subject_id, occasion)
                ) STRICT;
                CREATE INDEX notification_due ON notification(state, next_attempt_at_ms);
                CREATE INDEX notification_recipient ON notification(recipient, id);
                CREATE INDEX notification_office_state ON notification(office_id, state, id);
                CREATE TRIGGER notification_is_never_deleted BEFORE DELETE ON notification
                BEGIN SELECT RAISE(ABORT, 'notifications are never deleted'); END;
                """)
    }
}
