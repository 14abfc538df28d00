import Foundation
import OPCCCore
import OPCCStore

/// The delivery worker: claims due notifications in one transaction, sends them outside any transaction, records
/// each outcome in a second. A crash after the relay accepted a message and before its row is marked sent leaves the
/// row claimed; once the lease runs out it is sent again, with the same Message-ID (at most one duplicate per crash).
extension Commissioning {
    /// How the worker retries and where links point.
    public struct DeliverySettings: Sendable {
        /// The product's public address (`--public-url`); links are this plus the record's path.
        public var publicURL: String
        /// Attempts after which a notification that keeps failing for a temporary reason is marked failed.
        public var maximumAttempts: Int
        /// How long a claim holds before another worker may take the row over (longer than a batch takes to send).
        public var leaseSeconds: Int
        /// The wait after the first, second, third… temporary failure; the last repeats.
        public var retryDelaysSeconds: [Int]

        public init(
            publicURL: String, maximumAttempts: Int = 8, leaseSeconds: Int = 300,
            retryDelaysSeconds: [Int] = [60, 300, 1800, 7200, 21600, 43200, 86400]
        ) {
            self.publicURL = publicURL
            self.maximumAttempts = max(1, maximumAttempts)
            self.leaseSeconds = max(1, leaseSeconds)
            self.retryDelaysSeconds = retryDelaysSeconds.isEmpty ? [60] : retryDelaysSeconds
        }

        /// The wait after the `attempts`-th failed attempt.
        func delaySeconds(afterAttempts attempts: Int) -> Int {
            retryDelaysSeconds[min(max(attempts, 1), retryDelaysSeconds.count) - 1]
        }
    }

    /// What one delivery round did.
    public struct DeliveryReport: Sendable, Hashable {
        /// Rows claimed.
        public var claimed = 0
        /// Rows the relay accepted (a digest counts each of its rows).
        public var sent = 0
        /// Rows put back to wait after a temporary failure.
        public var retried = 0
        /// Rows marked failed (permanent refusal, no address, or too many attempts).
        public var failed = 0
        /// Messages handed to the transport.
        public var messages = 0
    }

    /// The kinds whose body holds a one-time link: once sent or failed, the body is replaced by `linkSentNote`, so
    /// the link is held in clear only until delivery.
    public static let oneTimeLinkKinds: Set<String> = ["invitation", "password-reset"]
    static let linkSentNote =
        "A one-time link was sent by email. It is not kept here: ask for a new one if it was lost."

    /// Delivers up to `limit` due notifications as `node` (a name unique to this process, e.g. host and pid).
    @discardableResult
    public func deliverNotifications(
        transport: any MailTransport, node: String, settings: DeliverySettings, now: Date, limit: Int = 100
    ) async throws -> DeliveryReport {
        let nowMs = Int64((now.timeIntervalSince1970 * 1000).rounded(.down))
        let leaseUntilMs = nowMs + Int64(settings.leaseSeconds) * 1000
        let claimed = try await store.write { tx in
            try tx.claimNotifications(node: node, nowMs: nowMs, leaseUntilMs: leaseUntilMs, limit: max(1, limit))
        }
        var report = DeliveryReport(claimed: claimed.count)
        guard !claimed.isEmpty else { return report }
        let plan = DeliveryPlan(claimed, mail: NotificationMail(publicURL: settings.publicURL))
        // Outside any transaction: the claim above is committed, the outcomes are recorded below.
        var outcomes = plan.messages.isEmpty ? [] : await transport.deliver(plan.messages.map(\.mail))
        if outcomes.count != plan.messages.count {
            // A transport that answered for fewer messages than it was given: the rest count as not sent.
            outcomes = plan.messages.indices.map {
                $0 < outcomes.count ? outcomes[$0] : .temporary(category: "transport")
            }
        }
        report.messages = plan.messages.count
        let settlements = plan.settlements(outcomes: outcomes, settings: settings, nowMs: nowMs)
        try await store.write { tx in
            for (id, settlement) in settlements { try tx.settleNotification(id: id, node: node, settlement) }
        }
        for (_, settlement) in settlements {
            switch settlement {
            case .sent: report.sent += 1
            case .retry: report.retried += 1
            case .failed: report.failed += 1
            }
        }
        return report
    }
}

/// Claimed rows grouped into messages: one per row, or one per person's digest; rows whose recipient has no address
/// go nowhere and fail with `no-address`.
struct DeliveryPlan {
    struct Message {
        let mail: OutgoingMail
        let rows: [StoredNotification]
    }

    var messages: [Message] = []
    var noAddress: [StoredNotification] = []

    init(_ claimed: [ClaimedNotification], mail: NotificationMail) {
        var digests: [String: (address: String, day: String, rows: [StoredNotification])] = [:]
        var digestOrder: [String] = []
        for item in claimed {
            let row = item.notification
            guard let address = item.email else {
                noAddress.append(row)
                continue
            }
            if let day = row.digestDay {
                let key = row.recipient + "\n" + day
                if digests[key] == nil {
                    digests[key] = (address, day, [])
                    digestOrder.append(key)
                }
                digests[key]!.rows.append(row)
            } else {
                messages.append(Message(mail: mail.single(row, to: address), rows: [row]))
            }
        }
        for key in digestOrder {
            let digest = digests[key]!
            messages.append(
                Message(mail: mail.digest(digest.rows, day: digest.day, to: digest.address), rows: digest.rows))
        }
    }

    /// Each row's settlement, from its message's outcome.
    func settlements(
        outcomes: [MailOutcome], settings: Commissioning.DeliverySettings, nowMs: Int64
    ) -> [(Int64, NotificationSettlement)] {
        var result: [(Int64, NotificationSettlement)] = noAddress.map { row in
            (row.id, .failed(attempts: row.attempts + 1, category: "no-address", body: Self.keptBody(row)))
        }
        for (message, outcome) in zip(messages, outcomes) {
            for row in message.rows {
                result.append((row.id, Self.settlement(row, outcome, settings: settings, nowMs: nowMs)))
            }
        }
        return result
    }

    static func settlement(
        _ row: StoredNotification, _ outcome: MailOutcome, settings: Commissioning.DeliverySettings, nowMs: Int64
    ) -> NotificationSettlement {
        let attempts = row.attempts + 1
        switch outcome {
        case .accepted:
            return .sent(atMs: nowMs, body: keptBody(row))
        case .permanent(let category):
            return .failed(attempts: attempts, category: checkedCategory(category), body: keptBody(row))
        case .temporary(let category):
            guard attempts < settings.maximumAttempts else {
                return .failed(attempts: attempts, category: checkedCategory(category), body: keptBody(row))
            }
            let delayMs = Int64(settings.delaySeconds(afterAttempts: attempts)) * 1000
            return .retry(attempts: attempts, nextAttemptAtMs: nowMs + delayMs, category: checkedCategory(category))
        }
    }

    /// The body to store once the row is settled for good: the note in place of a one-time link, nil to keep it.
    static func keptBody(_ row: StoredNotification) -> String? {
        Commissioning.oneTimeLinkKinds.contains(row.kind) ? Commissioning.linkSentNote : nil
    }

    /// A transport's category as stored: a short word of lowercase letters, digits and hyphens, or `other`.
    static func checkedCategory(_ category: String) -> String {
        let ok =
            !category.isEmpty && category.count <= 40
            && category.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
        return ok ? category : "other"
    }
}
