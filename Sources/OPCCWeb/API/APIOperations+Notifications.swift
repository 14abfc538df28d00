import Foundation
import OPCCCore
import OPCCServices

extension API {
    /// The caller's own notifications (the home page's list), marking them read, and their mail preference.
    static let notificationOperations: [APIOperation] = [
        APIOperation(
            method: .get, path: "/api/v1/notifications", operationID: "listNotifications", tag: "notifications",
            summary: "The caller's own notifications, newest first.",
            description: "Each with whether it has been read; never another person's. A one-time link is never shown.",
            response: S.ref("Notification"), paginated: true
        ) { call in
            .list(try await Web.everyNotification(of: call.actor, app: call.app).rows.map(NotificationJSON.init))
        },
        APIOperation(
            method: .post, path: "/api/v1/notifications/{id}/read", operationID: "markNotificationRead",
            tag: "notifications", summary: "Mark one of the caller's own notifications read.",
            description: "Another person's notification is answered as unknown (404, notification-owned-by-reader).",
            response: S.ref("Done")
        ) { call in
            guard let id = Int64(call.id()), id > 0 else {
                throw APIProblem(.notFound, rule: "notification-known", detail: "there is no notification \(call.id())")
            }
            try await call.app.markNotificationRead(id, by: call.actor)
            return .one(Done(done: "notification \(id) marked read"))
        },
        APIOperation(
            method: .post, path: "/api/v1/notifications/read", operationID: "markAllNotificationsRead",
            tag: "notifications", summary: "Mark every one of the caller's notifications read.",
            response: S.ref("Done")
        ) { call in
            let marked = try await Web.markEveryNotificationRead(of: call.actor, app: call.app)
            return .one(Done(done: "\(marked) notification(s) marked read"))
        },
        APIOperation(
            method: .get, path: "/api/v1/notification-preference", operationID: "getNotificationPreference",
            tag: "notifications", summary: "The caller's choice: immediate mail or a daily digest.",
            response: S.ref("NotificationPreference")
        ) { call in
            .one(PreferenceJSON(preference: try await call.app.notificationPreference(of: call.actor).rawValue))
        },
        APIOperation(
            method: .put, path: "/api/v1/notification-preference", operationID: "setNotificationPreference",
            tag: "notifications",
            summary: "Choose immediate mail or a daily digest at 07:00 London (an audited act).",
            description: "Statutory deadlines (Part 1 publication, overdue returns) always go at once.",
            body: S.object([("preference", preferenceField)], required: ["preference"], closed: true),
            response: S.ref("NotificationPreference")
        ) { call in
            let text = try call.requiredText("preference")
            guard let preference = NotificationPreference(rawValue: text) else {
                throw APIProblem.field("preference", "is immediate or daily-digest")
            }
            try await call.app.setNotificationPreference(preference, of: call.actor, by: call.actor)
            return .one(PreferenceJSON(preference: preference.rawValue))
        },
    ]

    static let preferenceField = S.oneOf(
        NotificationPreference.allCases.map(\.rawValue),
        "immediate: each notification as it comes; daily-digest: together at 07:00 London.")
}

extension APISchemas {
    /// The notification operations' answers.
    static var notificationSchemas: [(String, Node)] {
        [
            (
                "Notification",
                answer(
                    [
                        ("id", i), ("kind", s), ("record", s), ("subject", s), ("message", s), ("link", s),
                        ("statutory", b), ("state", S.oneOf(NotificationState.allCases.map(\.rawValue))),
                        ("created", S.string("When it was written (UTC, ISO 8601).", format: "date-time")),
                        ("read", b),
                    ], required: ["id", "kind", "subject", "message", "statutory", "state", "created", "read"],
                    "One of the caller's notifications, as its mail says it (a one-time link is never shown).")
            ),
            (
                "NotificationPreference",
                answer(
                    [("preference", API.preferenceField)], required: ["preference"],
                    "How the caller's notifications that are not statutory deadlines come.")
            ),
        ]
    }
}

/// One notification as the API and the pages show it to its recipient.
struct NotificationJSON: Encodable {
    let id: Int64
    let kind, record, subject, message, link: String
    let statutory: Bool
    let state, created: String
    let read: Bool

    init(_ row: StoredNotification) {
        id = row.id
        kind = row.kind
        record = row.subjectID
        subject = row.subject
        message = Web.shownBody(row)
        link = row.path
        statutory = row.statutory
        state = row.state.rawValue
        created = SystemClock.timestamp(Date(timeIntervalSince1970: Double(row.createdAtMs) / 1000))
        read = row.readAtMs != nil
    }
}

struct PreferenceJSON: Encodable {
    let preference: String
}

extension Web {
    /// Every notification of `person`, newest first, with the unread count (a page of the store at a time).
    static func everyNotification(
        of person: String, app: Commissioning
    ) async throws -> (rows: [StoredNotification], unread: Int) {
        var rows: [StoredNotification] = []
        var unread = 0
        while true {
            let page = try await app.notifications(of: person, offset: rows.count, limit: 500)
            rows += page.notifications
            unread = page.unread
            if page.notifications.count < 500 { return (rows, unread) }
        }
    }

    /// Marks each unread notification of `person` read; how many.
    static func markEveryNotificationRead(of person: String, app: Commissioning) async throws -> Int {
        let unread = try await everyNotification(of: person, app: app).rows.filter { $0.readAtMs == nil }
        for row in unread { try await app.markNotificationRead(row.id, by: person) }
        return unread.count
    }

    /// A notification's body as shown on a page or in the API: a one-time link's is never shown (it is for the mail
    /// alone, and replaced once delivered).
    static func shownBody(_ row: StoredNotification) -> String {
        Commissioning.oneTimeLinkKinds.contains(row.kind)
            ? "A one-time link was sent to your email address. It is not shown here." : row.body
    }
}
