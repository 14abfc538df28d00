import Foundation
import OPCCCore
import OPCCStore

/// The outbox as the demo shows it when no relay is configured (`opcc serve --demo` without `--smtp-url`): each
/// notification rendered exactly as the delivery worker would send it, to its recipient only, and to the office's
/// chief executive for the whole office.
extension Commissioning {
    /// One outbox row and the message it would be sent as.
    public struct OutboxEntry: Sendable {
        public let notification: StoredNotification
        /// The recipient's address as it stands, nil when they have none (the row would fail as `no-address`).
        public let address: String?
        public let mail: OutgoingMail
    }

    /// The notifications `actorName` may see in the outbox, newest first: their own, or for the chief executive
    /// every notification of their office. At most `limit`.
    public func outbox(as actorName: String, publicURL: String, limit: Int = 200) async throws -> [OutboxEntry] {
        let rows: [StoredNotification] = try await store.read { tx in
            let person = try actor(named: actorName, in: tx)
            guard person.actor.roles(covering: nil).contains(.chiefExecutive) else {
                return try tx.notifications(recipient: person.name, offset: 0, limit: max(1, limit))
            }
            var all: [StoredNotification] = []
            for state in NotificationState.allCases { all += try tx.notifications(office: person.office, state: state) }
            return Array(all.sorted { ($0.createdAtMs, $0.id) > ($1.createdAtMs, $1.id) }.prefix(max(1, limit)))
        }
        let mail = NotificationMail(publicURL: publicURL)
        var addresses: [String: String?] = [:]
        var entries: [OutboxEntry] = []
        for row in rows {
            if addresses[row.recipient] == nil { addresses[row.recipient] = try await email(of: row.recipient) }
            let address = addresses[row.recipient] ?? nil
            entries.append(
                OutboxEntry(notification: row, address: address, mail: mail.single(row, to: address ?? row.recipient)))
        }
        return entries
    }
}
