import Foundation
import OPCCCore
import OPCCStore

/// Notifications as people see and manage them: their own list and unread count, marking read, an office's failed
/// ones and their resending by an administrator (the office's chief executive), people's addresses and their choice
/// of immediate mail or a daily digest. Each change is an audited act.
extension Commissioning {
    /// A page of a person's notifications, newest first, with how many of all theirs are unread.
    public struct NotificationPage: Sendable, Hashable {
        public let notifications: [StoredNotification]
        public let unread: Int
    }

    /// `actorName`'s own notifications, newest first.
    public func notifications(of actorName: String, offset: Int = 0, limit: Int = 50) async throws -> NotificationPage {
        try await store.read { tx in
            let person = try actor(named: actorName, in: tx)
            return NotificationPage(
                notifications: try tx.notifications(
                    recipient: person.name, offset: max(0, offset), limit: min(max(1, limit), 500)),
                unread: try tx.unreadNotificationCount(recipient: person.name))
        }
    }

    /// Marks one of `actorName`'s own notifications read. Someone else's is refused as if it did not exist.
    public func markNotificationRead(_ id: Int64, by actorName: String, now: Date? = nil) async throws {
        let now = now ?? clock.now()
        try await store.write { tx in
            let person = try actor(named: actorName, in: tx)
            guard try tx.markNotificationRead(id: id, recipient: person.name, atMs: Self.milliseconds(now)) else {
                throw ServiceRefusal.notFound(
                    rule: .notificationOwnedByReader,
                    message: "\(person.name) has no notification \(id): a person marks only their own read")
            }
        }
    }

    /// The office's failed notifications, oldest first: for its chief executive only.
    public func failedNotifications(office: String, as actorName: String) async throws -> [StoredNotification] {
        try await store.read { tx in
            try requireAdministrator(actorName, of: office, in: tx, for: "see the failed notifications of \(office)")
            return try tx.notifications(office: office, state: .failed)
        }
    }

    /// Puts a failed notification back to pending with no attempts, due at once, keeping its Message-ID. An audited
    /// act of the chief executive of the notification's office. A one-time link (invitation, password reset) is not
    /// resent (its link is no longer kept): issue a new one.
    public func resendNotification(_ id: Int64, by actorName: String, now: Date? = nil) async throws {
        let now = now ?? clock.now()
        try await store.write { tx in
            guard let row = try tx.notification(id: id) else {
                throw ServiceRefusal.notFound(rule: .notificationKnown, message: "there is no notification \(id)")
            }
            try requireAdministrator(actorName, of: row.office, in: tx, for: "resend notification \(id)")
            guard row.state == .failed else {
                throw ServiceRefusal(
                    rule: .notificationResendOnlyFailed,
                    message: "notification \(id) is \(row.state.rawValue), not failed: only a failed one is resent",
                    kind: .conflict)
            }
            guard !Self.oneTimeLinkKinds.contains(row.kind) else {
                throw ServiceRefusal(
                    rule: .notificationResendNotOneTimeLink,
                    message: "notification \(id) carried a one-time link (\(row.kind)), which is not kept: "
                        + "issue a new one instead")
            }
            _ = try tx.resendNotification(id: id, nowMs: Self.milliseconds(now))
            try tx.append(
                AuditEventDraft(
                    office: row.office, event: "notification-resent", actor: actorName,
                    effectiveDay: Day(containing: now), recordedAt: SystemClock.timestamp(now),
                    payload: [
                        "notification": String(id), "recipient": row.recipient, "kind": row.kind,
                        "lastError": row.lastError ?? "",
                    ]))
        }
    }

    /// Sets a person's address (nil removes it): the person themself, or their office's chief executive. The form
    /// is checked (`EmailAddress`); the change is an audit event naming the new address.
    public func setEmail(_ address: String?, of personName: String, by actorName: String, now: Date? = nil) async throws
    {
        let now = now ?? clock.now()
        let checked = try address.map(Self.checkedEmail)
        try await store.write { tx in
            let person = try selfOrAdministrator(actorName, changing: personName, in: tx, what: "email address")
            guard try tx.personEmail(name: person.name) != checked else { return }
            try tx.setPersonEmail(name: person.name, email: checked)
            try tx.append(
                AuditEventDraft(
                    office: person.office, event: "email-changed", actor: actorName,
                    effectiveDay: Day(containing: now), recordedAt: SystemClock.timestamp(now),
                    payload: ["person": person.name, "email": checked ?? ""], sealSubject: .person(person.name)))
        }
    }

    public func email(of personName: String) async throws -> String? {
        try await store.read { tx in try tx.personEmail(name: try actor(named: personName, in: tx).name) }
    }

    /// Sets whether a person's non-statutory notifications come at once or in a daily digest at 07:00 London: the
    /// person themself, or their office's chief executive; an audit event. Rows already waiting keep their time.
    public func setNotificationPreference(
        _ preference: NotificationPreference, of personName: String, by actorName: String, now: Date? = nil
    ) async throws {
        let now = now ?? clock.now()
        try await store.write { tx in
            let person = try selfOrAdministrator(
                actorName, changing: personName, in: tx, what: "notification preference")
            guard try tx.notificationPreference(person: person.name) != preference else { return }
            try tx.setNotificationPreference(person: person.name, preference)
            try tx.append(
                AuditEventDraft(
                    office: person.office, event: "notification-preference-changed", actor: actorName,
                    effectiveDay: Day(containing: now), recordedAt: SystemClock.timestamp(now),
                    payload: ["person": person.name, "preference": preference.rawValue],
                    sealSubject: .person(person.name)))
        }
    }

    public func notificationPreference(of personName: String) async throws -> NotificationPreference {
        try await store.read { tx in try tx.notificationPreference(person: try actor(named: personName, in: tx).name) }
    }

    // MARK: Who may

    /// Refuses unless `actorName` is the chief executive of `office` (who administers it).
    func requireAdministrator(
        _ actorName: String, of office: String, in tx: any StoreTransaction, for what: String
    )
        throws
    {
        let acting = try actor(named: actorName, in: tx)
        guard acting.office == office, acting.actor.roles(covering: nil).contains(.chiefExecutive) else {
            throw ServiceRefusal.forbidden(
                rule: .notificationsAdministeredByChiefExecutive,
                message: "only the chief executive of \(office) may \(what)")
        }
    }

    /// The person changed, once `actorName` is found to be them or their office's chief executive.
    func selfOrAdministrator(
        _ actorName: String, changing personName: String, in tx: any StoreTransaction, what: String
    ) throws -> StoredPerson {
        let acting = try actor(named: actorName, in: tx)
        let person = try actor(named: personName, in: tx)
        guard
            acting.name == person.name
                || (acting.office == person.office && acting.actor.roles(covering: nil).contains(.chiefExecutive))
        else {
            throw ServiceRefusal.forbidden(
                rule: .personSettingsBySelfOrChiefExecutive,
                message: "only \(person.name) or the chief executive of \(person.office) may change their \(what)")
        }
        return person
    }

    /// `address` once its form is checked, or a refusal naming the problem.
    static func checkedEmail(_ address: String) throws -> String {
        do {
            return try EmailAddress(address).text
        } catch {
            throw ServiceRefusal(rule: .emailAddress, message: "'\(Self.printable(address))': \(error)")
        }
    }

    static func milliseconds(_ instant: Date) -> Int64 { Int64((instant.timeIntervalSince1970 * 1000).rounded(.down)) }

    /// `text` with control characters shown as `?`, so that a refusal never carries a line break.
    static func printable(_ text: String) -> String {
        String(
            String.UnicodeScalarView(
                text.unicodeScalars.prefix(300).map { $0.properties.generalCategory == .control ? "?" : $0 }))
    }
}
