import Foundation
import OPCCServices

/// Turns an `OutgoingMail` into the bytes of an Internet message (RFC 5322, MIME): a multipart/alternative of a
/// text/plain and a text/html part in UTF-8, quoted-printable, CRLF line ends and no line over 76 characters, so that
/// any relay carries it unchanged (7-bit, no SMTPUTF8 or 8BITMIME needed). A subject that is not plain ASCII is written
/// as RFC 2047 encoded words.
///
/// Header injection is refused: a CR or LF in the subject, an address or the Message-ID is an error, never escaped
/// into a second header.
public enum MIMEComposer {
    /// The message as sent after DATA (before dot-stuffing), all ASCII with CRLF line ends.
    /// - Parameters:
    ///   - sender: the From address (the relay's `--smtp-from`).
    ///   - date: the Date header (the moment of sending).
    ///   - boundary: the multipart boundary; random when nil (it starts with `=_`, which quoted-printable text never
    ///     contains, so it cannot occur in a part).
    public static func compose(
        _ mail: OutgoingMail, sender: String, date: Date, boundary: String? = nil
    ) throws(MailCompositionRefusal) -> String {
        try check(mail, sender: sender)
        let boundary = boundary ?? "=_opcc_" + randomHex(count: 24)
        var lines = [
            "From: \(sender)",
            "To: " + mail.to.joined(separator: ",\r\n "),
            "Subject: " + encodedHeaderText(mail.subject),
            "Date: " + rfc5322Date(date),
            "Message-ID: \(mail.messageID)",
            "MIME-Version: 1.0",
            "Content-Type: multipart/alternative; boundary=\"\(boundary)\"",
            "",
        ]
        for (subtype, body) in [("plain", mail.text), ("html", mail.html)] {
            lines += [
                "--\(boundary)",
                "Content-Type: text/\(subtype); charset=utf-8",
                "Content-Transfer-Encoding: quoted-printable",
                "",
                quotedPrintable(body),
            ]
        }
        lines.append("--\(boundary)--")
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    static func check(_ mail: OutgoingMail, sender: String) throws(MailCompositionRefusal) {
        if mail.subject.unicodeScalars.contains(where: { $0 == "\r" || $0 == "\n" }) {
            throw .lineBreakInHeader(field: "Subject")
        }
        guard !mail.to.isEmpty else { throw .noRecipient }
        for address in [sender] + mail.to {
            if address.unicodeScalars.contains(where: { $0 == "\r" || $0 == "\n" }) {
                throw .lineBreakInHeader(field: address == sender ? "From" : "To")
            }
            guard MailAddress.isValid(address) else { throw .invalidAddress(address) }
        }
        let id = mail.messageID
        let inner = id.dropFirst().dropLast()
        guard id.count <= 250, id.hasPrefix("<"), id.hasSuffix(">"), inner.contains("@"),
            inner.unicodeScalars.allSatisfy({ (33...126).contains($0.value) && $0 != "<" && $0 != ">" })
        else {
            if id.unicodeScalars.contains(where: { $0 == "\r" || $0 == "\n" }) {
                throw .lineBreakInHeader(field: "Message-ID")
            }
            throw .invalidMessageID(id)
        }
    }

    /// Header text as is when it is short printable ASCII that a reader could not mistake for encoded words;
    /// otherwise RFC 2047 `=?UTF-8?B?…?=` words of at most 75 characters, each ending on a whole Unicode scalar,
    /// folded one to a line.
    static func encodedHeaderText(_ text: String) -> String {
        let plain =
            text.count <= 200 && !text.contains("=?") && !text.hasPrefix(" ") && !text.hasSuffix(" ")
            && !text.contains("  ") && text.unicodeScalars.allSatisfy { (32...126).contains($0.value) }
        if plain { return text }
        var words: [[UInt8]] = []
        var chunk: [UInt8] = []
        for scalar in text.unicodeScalars {
            let bytes = Array(String(scalar).utf8)
            if chunk.count + bytes.count > 45 {
                words.append(chunk)
                chunk = []
            }
            chunk += bytes
        }
        if !chunk.isEmpty || words.isEmpty { words.append(chunk) }
        return words.map { "=?UTF-8?B?\(Data($0).base64EncodedString())?=" }.joined(separator: "\r\n ")
    }

    /// Quoted-printable (RFC 2045) of UTF-8 text: every line break (CRLF, CR or LF) becomes CRLF; `=`, controls,
    /// non-ASCII bytes and a space or tab ending a line are escaped; soft breaks keep lines within 76 characters.
    static func quotedPrintable(_ text: String) -> String {
        var lines: [[UInt8]] = [[]]
        var previousWasCR = false
        for byte in text.utf8 {
            if byte == 0x0A && previousWasCR {
                previousWasCR = false
                continue
            }
            previousWasCR = byte == 0x0D
            if byte == 0x0A || byte == 0x0D {
                lines.append([])
            } else {
                lines[lines.count - 1].append(byte)
            }
        }
        return lines.map(encodedLine).joined(separator: "\r\n")
    }

    private static func encodedLine(_ bytes: [UInt8]) -> String {
        var output = ""
        var current = ""
        for (index, byte) in bytes.enumerated() {
            let last = index == bytes.count - 1
            let literal = (33...126).contains(byte) && byte != 0x3D || (byte == 0x20 || byte == 0x09) && !last
            let token = literal ? String(UnicodeScalar(byte)) : "=" + hex(byte)
            if current.utf8.count + token.utf8.count > 75 {
                output += current + "=\r\n"
                current = ""
            }
            current += token
        }
        return output + current
    }

    private static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
    }

    private static func randomHex(count: Int) -> String {
        String((0..<count).map { _ in Array("0123456789abcdef").randomElement()! })
    }

    /// `Sun, 06 Dec 2026 19:02:13 +0000`: RFC 5322's date, in UTC, with English names whatever the locale.
    static func rfc5322Date(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second, .weekday], from: date)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ value: Int?) -> String { String(format: "%02d", value ?? 0) }
        return "\(days[(parts.weekday ?? 1) - 1]), \(two(parts.day)) \(months[(parts.month ?? 1) - 1]) "
            + "\(parts.year ?? 1970) \(two(parts.hour)):\(two(parts.minute)):\(two(parts.second)) +0000"
    }
}

/// Addresses as the envelope and the headers carry them: `local@domain`, printable ASCII without spaces or the
/// characters that would end or split an address in a header (no display names: the sender and recipients are bare).
public enum MailAddress {
    public static func isValid(_ address: String) -> Bool {
        let forbidden: Set<UnicodeScalar> = ["<", ">", "(", ")", ",", ";", ":", "\"", "[", "]", "\\"]
        let scalars = address.unicodeScalars
        guard (3...254).contains(scalars.count),
            scalars.allSatisfy({ (33...126).contains($0.value) && !forbidden.contains($0) })
        else { return false }
        let pieces = address.split(separator: "@", omittingEmptySubsequences: false)
        return pieces.count == 2 && !pieces[0].isEmpty && pieces[0].count <= 64 && !pieces[1].isEmpty
            && !pieces[1].hasPrefix(".") && !pieces[1].hasSuffix(".")
    }
}

/// Why a message cannot be composed. The delivery worker records it as a permanent failure (category `message`).
public enum MailCompositionRefusal: Error, Equatable, CustomStringConvertible {
    /// A CR or LF in a header's value: it would start a header of the writer's choosing (header injection).
    case lineBreakInHeader(field: String)
    case invalidAddress(String)
    case noRecipient
    case invalidMessageID(String)

    public var description: String {
        switch self {
        case .lineBreakInHeader(let field): return "the \(field) header may not contain a line break"
        case .invalidAddress(let address): return "'\(address)' is not an email address (name@domain, ASCII)"
        case .noRecipient: return "a message needs at least one recipient"
        case .invalidMessageID(let id): return "'\(id)' is not a Message-ID (<left@right>, printable ASCII)"
        }
    }
}
