import GRDB

extension Migrations {
    /// `2026-12-13-unread-notifications`: every page a signed-in person opens shows their unread count in its header,
    /// and counting it read each of their notifications' rows (3,019 for a finance officer of the national data set:
    /// 6,000 pages, the largest part of a staff page's cost). A partial index of the unread ones by recipient counts
    /// them from the index alone, and shrinks as they are read.
    static func unreadNotifications(_ db: Database) throws {
        try db.execute(sql: unreadNotificationsSQL)
    }

    /// The same statement on both engines (PostgreSQL's step is this text).
    static let unreadNotificationsSQL = """
        CREATE INDEX notification_unread ON notification(recipient) WHERE read_at_ms IS NULL;
        """
}
