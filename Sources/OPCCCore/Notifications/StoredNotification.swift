/// Where a notification stands in the outbox.
public enum NotificationState: String, Sendable, Hashable, CaseIterable {
    /// Written, waiting until `nextAttemptAtMs` (at once, after a retry's delay, or at the digest hour).
    case pending
    /// A delivery worker holds it until `claimedUntilMs`; after that any worker may claim it again.
    case claimed
    /// The relay accepted it.
    case sent
    /// Given up on (a permanent refusal, no address, or too many temporary failures): resendable by an administrator.
    case failed
}

/// One row of the outbox, as the store reads it.
public struct StoredNotification: Sendable, Hashable {
    public let id: Int64
    public let office: String
    public let recipient: String
    public let kind: String
    public let subjectID: String
    public let occasion: String
    public let statutory: Bool
    public let subject: String
    public let body: String
    public let path: String
    /// The Message-ID's local part, made when the row was written and never changed.
    public let messageID: String
    /// The London day of the digest this row goes in, or nil when it goes on its own.
    public let digestDay: String?
    public let state: NotificationState
    public let attempts: Int
    public let nextAttemptAtMs: Int64
    public let claimedBy: String?
    public let claimedUntilMs: Int64?
    /// Why the last attempt failed, as a category word of ours (`no-address`, `rejected`, `connection`…).
    public let lastError: String?
    public let createdAtMs: Int64
    public let sentAtMs: Int64?
    public let readAtMs: Int64?

    public init(
        id: Int64, office: String, recipient: String, kind: String, subjectID: String, occasion: String,
        statutory: Bool, subject: String, body: String, path: String, messageID: String, digestDay: String?,
        state: NotificationState, attempts: Int, nextAttemptAtMs: Int64, claimedBy: String?, claimedUntilMs: Int64?,
        lastError: String?, createdAtMs: Int64, sentAtMs: Int64?, readAtMs: Int64?
    ) {
        self.id = id
        self.office = office
        self.recipient = recipient
        self.kind = kind
        self.subjectID = subjectID
        self.occasion = occasion
        self.statutory = statutory
        self.subject = subject
        self.body = body
        self.path = path
        self.messageID = messageID
        self.digestDay = digestDay
        self.state = state
        self.attempts = attempts
        self.nextAttemptAtMs = nextAttemptAtMs
        self.claimedBy = claimedBy
        self.claimedUntilMs = claimedUntilMs
        self.lastError = lastError
        self.createdAtMs = createdAtMs
        self.sentAtMs = sentAtMs
        self.readAtMs = readAtMs
    }
}

/// A claimed notification with its recipient's address as it stood when it was claimed (nil when they have none).
public struct ClaimedNotification: Sendable, Hashable {
    public let notification: StoredNotification
    public let email: String?

    public init(notification: StoredNotification, email: String?) {
        self.notification = notification
        self.email = email
    }
}

/// What became of one claimed notification, as the delivery worker records it.
public enum NotificationSettlement: Sendable, Hashable {
    /// The relay accepted it at `atMs`; `body`, when given, replaces the stored body (a one-time link is not kept).
    case sent(atMs: Int64, body: String?)
    /// Try again at `nextAttemptAtMs`, after `attempts` attempts in all, the last failing for `category`.
    case retry(attempts: Int, nextAttemptAtMs: Int64, category: String)
    /// Given up after `attempts` attempts, the last failing for `category`; `body` as for `sent`.
    case failed(attempts: Int, category: String, body: String?)
}

/// How a person wants their non-statutory notifications.
public enum NotificationPreference: String, Sendable, Hashable, CaseIterable {
    /// Each as it comes.
    case immediate
    /// Together, once a day at 07:00 London (`DigestSchedule`).
    case dailyDigest = "daily-digest"
}
