import Foundation
import OPCCCore
import OPCCServices

/// The notification pages' shared sub-navigation.
struct NotificationNavigation: Encodable, Sendable {
    var administrator: Bool
    var demo: Bool
    var navList, navPreferences, navFailed, navOutbox: Bool
}

/// One of a person's notifications as the list and the home page show it.
struct NotificationItem: Encodable, Sendable {
    var id: String
    var subject: String
    var message: String
    var link: String
    var record: String
    var created: String
    var statutory: Bool
    var state: String
    var read: Bool
    /// The list page it is on (its mark-read form returns there).
    var page = "1"

    init(_ row: StoredNotification) {
        id = String(row.id)
        subject = row.subject
        message = Web.shownBody(row)
        link = row.path
        record = row.subjectID.isEmpty ? "the record" : row.subjectID
        created = Web.shownTime(row.createdAtMs)
        statutory = row.statutory
        state = row.state.rawValue
        read = row.readAtMs != nil
    }
}

/// The home page's notifications: the unread count (blank when none) and the newest few.
struct HomeNotifications: Encodable, Sendable {
    var unread: String
    var latest: [NotificationItem]
}

struct NotificationListPage: Encodable, Sendable {
    var navigation: NotificationNavigation
    var unreadText: String
    var address: String
    var rows: [NotificationItem]
    /// Non-empty when any notification is unread (the mark-all form shows).
    var unreadRows: [Bool]
    var notice: String?
    var paging: Paging?

    struct Paging: Encodable, Sendable {
        var page, pages: String
        var previous, next: String?
    }
}

struct PreferencePage: Encodable, Sendable {
    var navigation: NotificationNavigation
    var choices: [Choice]
    var notice: String?
    var errors: [FieldError]
    var fe: [String: String]
}

struct FailedNotificationsPage: Encodable, Sendable {
    var navigation: NotificationNavigation
    var office: String
    var rows: [Row]
    var notice: String?

    struct Row: Encodable, Sendable {
        var id, recipient, subject, reason, attempts: String
        var resendable: Bool

        init(_ row: StoredNotification) {
            id = String(row.id)
            recipient = row.recipient
            subject = row.subject
            reason = row.lastError ?? "other"
            attempts = String(row.attempts)
            resendable = !Commissioning.oneTimeLinkKinds.contains(row.kind)
        }
    }
}

/// The demo's outbox: each notification as its mail would have gone.
struct OutboxPage: Encodable, Sendable {
    var navigation: NotificationNavigation
    var scope: String
    var entries: [Entry]

    struct Entry: Encodable, Sendable {
        var id, recipient, address, subject, messageID, state, text: String
        var statutory: Bool

        init(_ entry: Commissioning.OutboxEntry, viewer: String) {
            let row = entry.notification
            id = String(row.id)
            recipient = row.recipient
            address = entry.address ?? "no address: it would fail as no-address"
            subject = entry.mail.subject
            messageID = entry.mail.messageID
            state = row.state.rawValue
            statutory = row.statutory
            // A one-time link is for its own recipient alone, never an administrator's eyes.
            let hidden = Commissioning.oneTimeLinkKinds.contains(row.kind) && row.recipient != viewer
            text = hidden ? Web.shownBody(row) : entry.mail.text
        }
    }
}

extension Web {
    /// A stored instant as the pages show it: the London day and time.
    static func shownTime(_ milliseconds: Int64) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_GB")
        formatter.timeZone = TimeZone(identifier: "Europe/London")
        formatter.dateFormat = "d MMMM yyyy, HH:mm"
        return formatter.string(from: Date(timeIntervalSince1970: Double(milliseconds) / 1000))
    }
}
