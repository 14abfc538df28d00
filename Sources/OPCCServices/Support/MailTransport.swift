/// What the delivery worker hands to a mail relay, and what it hears back.
///
/// The services never speak SMTP: a front end builds a transport (the SMTP client in `OPCCMail`, or the demo's
/// outbox-only transport) and gives it to the delivery worker. Nothing here is sent from inside a transaction: the
/// worker claims rows, commits, sends, then records each outcome in a new transaction.

/// One message ready to send. The sender address is the transport's (configured once, `--smtp-from`).
public struct OutgoingMail: Sendable, Equatable {
    /// Stable for the notification (`<opcc-…@host>`): a retry or a resend carries the same one, so a duplicate after a
    /// crash shows in a mail client as one message.
    public var messageID: String
    /// Recipient addresses (already checked for form when they were recorded).
    public var to: [String]
    public var subject: String
    /// The plain-text part.
    public var text: String
    /// The HTML part (a whole document, styled inline: mail clients ignore style sheets).
    public var html: String

    public init(messageID: String, to: [String], subject: String, text: String, html: String) {
        self.messageID = messageID
        self.to = to
        self.subject = subject
        self.text = text
        self.html = html
    }
}

/// What became of one message. Categories are short words of ours (`connection`, `tls`, `auth`, `rejected`,
/// `timeout`), never the server's text, so nothing a relay says is stored or shown.
public enum MailOutcome: Sendable, Equatable {
    /// The relay accepted it (`250` after DATA).
    case accepted
    /// Worth trying again later (a 4xx reply, a connection or TLS failure, a timeout).
    case temporary(category: String)
    /// Will never succeed as it stands (a 5xx reply to the sender or every recipient).
    case permanent(category: String)
}

/// A relay. `deliver` sends a batch (one connection where it can) and answers one outcome per message, in order.
public protocol MailTransport: Sendable {
    func deliver(_ batch: [OutgoingMail]) async -> [MailOutcome]
}
