/// One notification to one person, as the act or sweep that causes it writes it to the outbox, in its own
/// transaction. Its text is rendered when it is written, from what the recipient may see (never Part 2); the link is a
/// path, made whole at delivery from the configured public address.
public struct NotificationDraft: Sendable, Equatable, Hashable {
    /// The recipient's office (their own: a board's mail is about its own grant only).
    public var office: String
    /// The recipient, by user name. Their address is read at delivery, so a corrected address is the one used.
    public var recipient: String
    /// The rule's kind in `workflows/notifications/` (for example `sign-off-needed`, `return-overdue`).
    public var kind: String
    /// The record it is about (a decision, return, agreement or carry-forward id).
    public var subjectID: String
    /// What makes it unique beside (recipient, kind, subject): an act's audit event, or a sweep's day, so that a
    /// second sweep for the same day adds nothing.
    public var occasion: String
    /// Statutory deadlines (Part 1 publication, overdue returns) go at once, whatever the recipient's preference.
    public var statutory: Bool
    /// The mail's subject line and plain-text body, already rendered.
    public var subject: String
    public var body: String
    /// The record's page, as a path under the public address (`/decisions/dr-1`).
    public var path: String

    public init(
        office: String, recipient: String, kind: String, subjectID: String, occasion: String, statutory: Bool,
        subject: String, body: String, path: String
    ) {
        self.office = office
        self.recipient = recipient
        self.kind = kind
        self.subjectID = subjectID
        self.occasion = occasion
        self.statutory = statutory
        self.subject = subject
        self.body = body
        self.path = path
    }
}
