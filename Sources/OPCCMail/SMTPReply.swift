import OPCCServices

/// One reply of the relay: its three-digit code, and the text of its lines only for reading EHLO's extensions. The
/// text is never stored or shown (a relay's words may carry anything); outcomes carry a category of ours.
struct SMTPReply: Equatable {
    let code: Int
    let lines: [String]

    /// The extensions EHLO announced, upper-cased, by keyword: `STARTTLS` → [], `AUTH` → [PLAIN, LOGIN].
    var extensions: [String: [String]] {
        var found: [String: [String]] = [:]
        for line in lines.dropFirst() {
            let words = line.uppercased().split(whereSeparator: { $0 == " " || $0 == "=" }).map(String.init)
            if let keyword = words.first { found[keyword, default: []] += words.dropFirst() }
        }
        return found
    }

    /// What a refusal of a message means for it: 4xx, try again later; 5xx, never as it stands.
    var refusalOutcome: MailOutcome {
        code >= 500 ? .permanent(category: "rejected") : .temporary(category: "rejected")
    }
}

/// Collects the bytes a relay sends into replies (RFC 5321 4.2: `250-first`, `250-more`, `250 last`). A pure value:
/// the tests feed it bytes in any split.
struct SMTPReplyReader {
    /// Longer than any reply line a relay needs (RFC 5321 allows 512); past it the relay is not speaking SMTP.
    static let lineLimit = 4_096

    private var pending: [UInt8] = []
    private var lines: [String] = []
    private var code: Int?

    /// Whether nothing is waiting: after a `220` to STARTTLS, plain-text bytes already received would be an attacker's
    /// (they would be read as if they came through TLS).
    var isEmpty: Bool { pending.isEmpty && lines.isEmpty }

    mutating func feed<Bytes: Sequence<UInt8>>(_ bytes: Bytes) {
        pending.append(contentsOf: bytes)
    }

    /// The next complete reply, nil while one is still arriving.
    mutating func nextReply() throws(SMTPFailure) -> SMTPReply? {
        while let newline = pending.firstIndex(of: 0x0A) {
            var line = Array(pending[..<newline])
            pending.removeSubrange(...newline)
            if line.last == 0x0D { line.removeLast() }
            guard line.count >= 3, line.count <= Self.lineLimit,
                let lineCode = Int(String(decoding: line[0..<3], as: UTF8.self)),
                (200...599).contains(lineCode), line.count == 3 || line[3] == 0x20 || line[3] == 0x2D
            else { throw .protocolViolation }
            if let code, code != lineCode { throw .protocolViolation }
            code = lineCode
            lines.append(String(decoding: line.dropFirst(4), as: UTF8.self))
            if line.count == 3 || line[3] == 0x20 {
                defer { (lines, code) = ([], nil) }
                return SMTPReply(code: lineCode, lines: lines)
            }
        }
        guard pending.count <= Self.lineLimit else { throw .protocolViolation }
        return nil
    }
}

/// Why a session with the relay failed: typed, with the category word the outcome carries. None holds the server's
/// text.
public enum SMTPFailure: Error, Equatable, CustomStringConvertible {
    /// No connection, or it was closed or reset.
    case connection
    /// The TLS handshake failed: most often a certificate that could not be verified (an unknown authority, another
    /// host's name, expired).
    case tls
    /// An `smtp://` relay that is not on loopback did not offer STARTTLS: nothing is sent in plain text.
    case startTLSNotOffered(host: String)
    /// No reply within the time allowed.
    case timeout
    /// A user is configured and the relay offers neither AUTH PLAIN nor AUTH LOGIN (after TLS).
    case authNotOffered
    /// The relay refused the user and password.
    case authRejected(code: Int)
    /// The relay refused a step of the session (its greeting, EHLO, STARTTLS, RSET) or is closing (`421`).
    case refused(stage: String, code: Int)
    /// Bytes that are not SMTP replies, or plain text waiting after STARTTLS.
    case protocolViolation

    /// The category the outcome of every message not yet settled records.
    public var category: String {
        switch self {
        case .connection, .refused: return "connection"
        case .tls, .startTLSNotOffered: return "tls"
        case .timeout: return "timeout"
        case .authNotOffered, .authRejected: return "auth"
        case .protocolViolation: return "protocol"
        }
    }

    /// A session failure leaves every message worth trying again: the relay or its configuration is at fault, not
    /// the message, and a corrected configuration delivers them (after the set number of attempts they are marked
    /// failed, and are resendable).
    public var outcome: MailOutcome { .temporary(category: category) }

    public var description: String {
        switch self {
        case .connection: return "the relay could not be reached, or closed the connection"
        case .tls: return "the TLS handshake with the relay failed (is its certificate trusted? see --smtp-ca)"
        case .startTLSNotOffered(let host):
            return "the relay \(host) does not offer STARTTLS, and mail is never sent in plain text off this machine"
        case .timeout: return "the relay did not answer in time"
        case .authNotOffered: return "the relay offers neither AUTH PLAIN nor AUTH LOGIN"
        case .authRejected(let code): return "the relay refused the user and password (\(code))"
        case .refused(let stage, let code): return "the relay refused \(stage) (\(code))"
        case .protocolViolation: return "the relay's reply was not SMTP"
        }
    }
}
