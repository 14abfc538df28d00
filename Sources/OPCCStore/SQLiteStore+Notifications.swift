import Foundation
import OPCCCore

extension SQLTransaction {
    /// Writes each draft as a pending notification unless one with the same (recipient, kind, subject, occasion) is
    /// there already; returns how many were written. A recipient who chose the daily digest has a non-statutory row
    /// made due at the next digest hour (`DigestSchedule`), and marked with that digest's day.
    func enqueueNotifications(_ drafts: [NotificationDraft], at instant: Date) throws -> Int {
        let nowMs = Self.milliseconds(instant)
        var recipients: [String: (office: String, digest: Bool)] = [:]
        var written = 0
        for draft in drafts {
            let recipient: (office: String, digest: Bool)
            if let known = recipients[draft.recipient] {
                recipient = known
            } else {
                guard
                    let row = try fetchOneRow(
                        sql: "SELECT office_id, notification_delivery FROM person WHERE name = ?",
                        arguments: [draft.recipient])
                else { throw StoreError.notFound(what: "person '\(draft.recipient)'") }
                let delivery: String = row[1]
                recipient = (row[0], delivery == "daily-digest")
                recipients[draft.recipient] = recipient
            }
            guard recipient.office == draft.office else {
                throw StoreError.invalidData(
                    what: "a notification for \(draft.recipient) of \(recipient.office) filed under \(draft.office)")
            }
            var dueMs = nowMs
            var digestDay: String? = nil
            if recipient.digest && !draft.statutory {
                let digest = DigestSchedule.nextDigest(atOrAfter: instant)
                dueMs = Self.milliseconds(digest.due)
                digestDay = digest.day.iso
            }
            written += try guarded {
                try execute(
                    sql: """
                        INSERT INTO notification (office_id, recipient, kind, subject_id, occasion, statutory, subject,
                            body, path, message_id, digest_day, next_attempt_at_ms, created_at_ms)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        ON CONFLICT DO NOTHING
                        """,
                    arguments: [
                        draft.office, draft.recipient, draft.kind, draft.subjectID, draft.occasion, draft.statutory,
                        draft.subject, draft.body, draft.path, Self.newMessageID(), digestDay, dueMs, nowMs,
                    ])
            }
        }
        return written
    }

    /// A Message-ID's local part (`opcc-` and 32 hex digits, 128 random bits); the delivery worker adds `@` and the
    /// host of the public address.
    static func newMessageID() -> String {
        "opcc-" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
    }

    static func milliseconds(_ instant: Date) -> Int64 {
        Int64((instant.timeIntervalSince1970 * 1000).rounded(.down))
    }
}

extension SQLTransaction {
    static let notificationColumns = """
        n.id, n.office_id, n.recipient, n.kind, n.subject_id, n.occasion, n.statutory, n.subject, n.body, n.path,
        n.message_id, n.digest_day, n.state, n.attempts, n.next_attempt_at_ms, n.claimed_by, n.claimed_until_ms,
        n.last_error, n.created_at_ms, n.sent_at_ms, n.read_at_ms
        """

    static func notification(from row: SQLRow) throws -> StoredNotification {
        let stateName: String = row[12]
        guard let state = NotificationState(rawValue: stateName) else {
            throw StoreError.invalidData(what: "notification state '\(stateName)'")
        }
        let statutory: Int64 = row[6]
        return StoredNotification(
            id: row[0], office: row[1], recipient: row[2], kind: row[3], subjectID: row[4], occasion: row[5],
            statutory: statutory != 0, subject: row[7], body: row[8], path: row[9], messageID: row[10],
            digestDay: row[11], state: state, attempts: row[13], nextAttemptAtMs: row[14], claimedBy: row[15],
            claimedUntilMs: row[16], lastError: row[17], createdAtMs: row[18], sentAtMs: row[19], readAtMs: row[20])
    }

    /// Claims up to `limit` due notifications for `node` until `leaseUntilMs`: pending ones whose time has come, and
    /// claimed ones whose lease has run out (a worker that stopped between claiming and recording). On PostgreSQL
    /// the rows are picked `FOR UPDATE SKIP LOCKED`, so a row another node is claiming at this moment is left to it;
    /// on SQLite the one writer claims alone. Returns them, oldest due first, with each recipient's current address.
    func claimNotifications(
        node: String, nowMs: Int64, leaseUntilMs: Int64, limit: Int
    ) throws
        -> [ClaimedNotification]
    {
        let skipLocked = dialect == .postgres ? "FOR UPDATE SKIP LOCKED" : ""
        let ids = try fetchValues(
            Int64.self,
            sql: """
                UPDATE notification SET state = 'claimed', claimed_by = ?, claimed_until_ms = ?
                WHERE id IN (
                    SELECT id FROM notification
                    WHERE (state = 'pending' AND next_attempt_at_ms <= ?) OR (state = 'claimed' AND claimed_until_ms <= ?)
                    ORDER BY next_attempt_at_ms, id LIMIT ? \(skipLocked))
                RETURNING id
                """, arguments: [node, leaseUntilMs, nowMs, nowMs, limit])
        guard !ids.isEmpty else { return [] }
        let placeholders = Array(repeating: "?", count: ids.count).joined(separator: ", ")
        return try fetchAllRows(
            sql: """
                SELECT \(Self.notificationColumns), p.email FROM notification n JOIN person p ON p.name = n.recipient
                WHERE n.id IN (\(placeholders)) ORDER BY n.next_attempt_at_ms, n.id
                """, arguments: SQLArguments(ids)
        ).map { row in ClaimedNotification(notification: try Self.notification(from: row), email: row[21]) }
    }

    /// Records what became of a notification `node` claimed. A failure is recorded only while the claim is still
    /// `node`'s (another node that took over an expired lease records its own); a send is recorded whoever holds
    /// it, since the message went. False when nothing was changed.
    @discardableResult
    func settleNotification(id: Int64, node: String, _ settlement: NotificationSettlement) throws -> Bool {
        let changed: Int
        switch settlement {
        case .sent(let atMs, let body):
            changed = try execute(
                sql: """
                    UPDATE notification SET state = 'sent', sent_at_ms = ?, claimed_by = NULL, claimed_until_ms = NULL,
                        last_error = NULL, attempts = attempts + 1, body = COALESCE(?, body)
                    WHERE id = ? AND state IN ('claimed', 'pending')
                    """, arguments: [atMs, body, id])
        case .retry(let attempts, let nextMs, let category):
            changed = try execute(
                sql: """
                    UPDATE notification SET state = 'pending', attempts = ?, next_attempt_at_ms = ?, last_error = ?,
                        claimed_by = NULL, claimed_until_ms = NULL
                    WHERE id = ? AND state = 'claimed' AND claimed_by = ?
                    """, arguments: [attempts, nextMs, category, id, node])
        case .failed(let attempts, let category, let body):
            changed = try execute(
                sql: """
                    UPDATE notification SET state = 'failed', attempts = ?, last_error = ?, claimed_by = NULL,
                        claimed_until_ms = NULL, body = COALESCE(?, body)
                    WHERE id = ? AND state = 'claimed' AND claimed_by = ?
                    """, arguments: [attempts, category, body, id, node])
        }
        return changed == 1
    }

    func notification(id: Int64) throws -> StoredNotification? {
        try fetchFirst(
            sql: "SELECT \(Self.notificationColumns) FROM notification n WHERE n.id = ?", arguments: [id],
            Self.notification(from:))
    }

    /// An office's notifications in one state, oldest first.
    func notifications(office: String, state: NotificationState) throws -> [StoredNotification] {
        try fetchAllRows(
            sql: "SELECT \(Self.notificationColumns) FROM notification n WHERE n.office_id = ? AND n.state = ? "
                + "ORDER BY n.id",
            arguments: [office, state.rawValue]
        ).map(Self.notification(from:))
    }

    /// A person's notifications, newest first, `limit` of them after skipping `offset`.
    func notifications(recipient: String, offset: Int, limit: Int) throws -> [StoredNotification] {
        try fetchAllRows(
            sql: "SELECT \(Self.notificationColumns) FROM notification n WHERE n.recipient = ? "
                + "ORDER BY n.id DESC LIMIT ? OFFSET ?",
            arguments: [recipient, limit, offset]
        ).map(Self.notification(from:))
    }

    func unreadNotificationCount(recipient: String) throws -> Int {
        try fetchValue(
            Int.self, sql: "SELECT count(*) FROM notification WHERE recipient = ? AND read_at_ms IS NULL",
            arguments: [recipient]) ?? 0
    }

    func unreadNotificationCount(recipient: String, upTo limit: Int) throws -> Int {
        try fetchValue(
            Int.self,
            sql: """
                SELECT count(*) FROM (SELECT 1 FROM notification WHERE recipient = ? AND read_at_ms IS NULL LIMIT ?) AS
                unread
                """,
            arguments: [recipient, max(0, limit)]) ?? 0
    }

    /// Marks the recipient's own notification read (once: a second mark keeps the first instant). False when
    /// `recipient` has no notification `id`.
    func markNotificationRead(id: Int64, recipient: String, atMs: Int64) throws -> Bool {
        try execute(
            sql: "UPDATE notification SET read_at_ms = COALESCE(read_at_ms, ?) WHERE id = ? AND recipient = ?",
            arguments: [atMs, id, recipient]) == 1
    }

    /// Puts a failed notification back to pending, due at `nowMs`, with no attempts. False unless it was failed.
    func resendNotification(id: Int64, nowMs: Int64) throws -> Bool {
        try execute(
            sql: """
                UPDATE notification SET state = 'pending', attempts = 0, next_attempt_at_ms = ?, last_error = NULL
                WHERE id = ? AND state = 'failed'
                """, arguments: [nowMs, id]) == 1
    }

    // MARK: Addresses and preferences

    func personEmail(name: String) throws -> String? {
        try fetchValue(String.self, sql: "SELECT email FROM person WHERE name = ?", arguments: [name])
    }

    /// Sets (or, with nil, removes) a person's address, already checked for form by the services.
    func setPersonEmail(name: String, email: String?) throws {
        let changed = try execute(sql: "UPDATE person SET email = ? WHERE name = ?", arguments: [email, name])
        guard changed == 1 else { throw StoreError.notFound(what: "person '\(name)'") }
    }

    func notificationPreference(person name: String) throws -> NotificationPreference {
        guard
            let text = try fetchValue(
                String.self, sql: "SELECT notification_delivery FROM person WHERE name = ?", arguments: [name])
        else { throw StoreError.notFound(what: "person '\(name)'") }
        guard let delivery = NotificationPreference(rawValue: text) else {
            throw StoreError.invalidData(what: "notification delivery '\(text)'")
        }
        return delivery
    }

    func setNotificationPreference(person name: String, _ delivery: NotificationPreference) throws {
        let changed = try execute(
            sql: "UPDATE person SET notification_delivery = ? WHERE name = ?", arguments: [delivery.rawValue, name])
        guard changed == 1 else { throw StoreError.notFound(what: "person '\(name)'") }
    }
}
