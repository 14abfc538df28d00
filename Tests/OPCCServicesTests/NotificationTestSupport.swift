import Foundation
import OPCCCore
import OPCCServices
import OPCCStore
import Synchronization

/// A mail relay in memory: it records every message it is handed and answers each with the outcome the test chose.
/// `duringSend` runs inside `deliver`, before it answers, so a test can look at the store while a batch is in flight.
final class RecordingTransport: MailTransport, Sendable {
    let received = Mutex<[OutgoingMail]>([])
    let answer: @Sendable (OutgoingMail) -> MailOutcome
    let duringSend: (@Sendable ([OutgoingMail]) async -> Void)?

    init(
        duringSend: (@Sendable ([OutgoingMail]) async -> Void)? = nil,
        answer: @escaping @Sendable (OutgoingMail) -> MailOutcome = { _ in .accepted }
    ) {
        self.answer = answer
        self.duringSend = duringSend
    }

    func deliver(_ batch: [OutgoingMail]) async -> [MailOutcome] {
        await duringSend?(batch)
        received.withLock { $0 += batch }
        return batch.map(answer)
    }

    var messages: [OutgoingMail] { received.withLock { $0 } }
}

/// A store that fails every write after the first `writesAllowed`: a process that stops between claiming and
/// recording (the claim commits, the relay accepts, the record of it never does).
final class StoppingStore: CommissioningStore, Sendable {
    struct Stopped: Error {}
    let base: any CommissioningStore
    let writesLeft: Mutex<Int>

    init(_ base: any CommissioningStore, writesAllowed: Int) {
        self.base = base
        self.writesLeft = Mutex(writesAllowed)
    }

    func write<T: Sendable>(_ body: @Sendable (any StoreTransaction) throws -> T) async throws -> T {
        let allowed = writesLeft.withLock { left -> Bool in
            left -= 1
            return left >= 0
        }
        guard allowed else { throw Stopped() }
        return try await base.write(body)
    }

    func read<T: Sendable>(_ body: @Sendable (any StoreTransaction) throws -> T) async throws -> T {
        try await base.read(body)
    }

    func readWhileStarting<T>(_ body: (any StoreTransaction) throws -> T) throws -> T {
        try base.readWhileStarting(body)
    }
}

enum Outbox {
    static let settings = Commissioning.DeliverySettings(publicURL: "https://opcc.example.org/")

    /// 2026-12-07 10:00 in London (GMT in December), and `seconds` after it.
    static func at(_ seconds: Int = 0) -> Date {
        Date(timeIntervalSince1970: 1_796_637_600 + TimeInterval(seconds))
    }

    static func draft(
        _ recipient: String = "cumbria.officer", kind: String = "decision-taken", subject: String = "cumbria-DR-0001",
        occasion: String = "seq-1", statutory: Bool = false, title: String = "Decision cumbria-DR-0001 was taken",
        body: String = "The decision <VLI pilot> & its budget were approved."
    ) -> NotificationDraft {
        NotificationDraft(
            office: "cumbria", recipient: recipient, kind: kind, subjectID: subject, occasion: occasion,
            statutory: statutory, subject: title, body: body, path: "/decisions/\(subject)")
    }

    @discardableResult
    static func enqueue(
        _ app: Commissioning, _ drafts: [NotificationDraft], at instant: Date = at()
    ) async throws
        -> Int
    {
        try await app.store.write { tx in try tx.enqueueNotifications(drafts, at: instant) }
    }

    static func rows(
        _ app: Commissioning, of recipient: String = "cumbria.officer"
    ) async throws
        -> [StoredNotification]
    {
        try await app.store.read { tx in try tx.notifications(recipient: recipient, offset: 0, limit: 1000) }
            .sorted { $0.id < $1.id }
    }
}
