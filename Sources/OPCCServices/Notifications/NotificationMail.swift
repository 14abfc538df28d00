import Foundation
import OPCCCore
import OPCCStore

/// Turns outbox rows into mail: the plain text as written, with the record's link made whole from the public
/// address, and an HTML part with the same content, escaped and styled inline in the product's colours (mail clients
/// ignore style sheets). Pure: no store, no network.
struct NotificationMail: Sendable {
    /// The product's public address (`--public-url`), without a trailing slash.
    let publicURL: String

    init(publicURL: String) {
        var url = publicURL
        while url.hasSuffix("/") { url.removeLast() }
        self.publicURL = url
    }

    /// The host Message-IDs are made under: the public address's, or `opcc.invalid` when it has none.
    var messageHost: String {
        let afterScheme = publicURL.split(separator: "://", maxSplits: 1).last.map(String.init) ?? publicURL
        let hostAndPort = afterScheme.split(separator: "/", maxSplits: 1).first.map(String.init) ?? ""
        let host = hostAndPort.split(separator: ":").first.map(String.init) ?? ""
        let usable =
            !host.isEmpty
            && host.unicodeScalars.allSatisfy {
                $0.isASCII && ($0 == "." || $0 == "-" || $0.properties.isAlphabetic || ("0"..."9").contains($0))
            }
        return usable ? host.lowercased() : "opcc.invalid"
    }

    func messageID(_ localPart: String) -> String { "<\(localPart)@\(messageHost)>" }

    /// The link to a record's page, or nil for a notification with no page.
    func link(_ path: String) -> String? { path.isEmpty ? nil : publicURL + path }

    /// One notification as one message.
    func single(_ row: StoredNotification, to address: String) -> OutgoingMail {
        let sections = [(row.subject, row.body, link(row.path))]
        return OutgoingMail(
            messageID: messageID(row.messageID), to: [address], subject: row.subject,
            text: Self.text(sections, heading: row.subject, titled: false),
            html: html(sections, heading: row.subject, titled: false))
    }

    /// A day's digest for one person: every row in one message, each as it would have gone alone. Its Message-ID is
    /// made from the day, the recipient and its first row, so a retry (its rows are retried together) carries the
    /// same one, while a digest split over two delivery rounds by the batch limit goes as two distinct messages
    /// rather than one a mail client would hide as a duplicate.
    func digest(_ rows: [StoredNotification], day: String, to address: String) -> OutgoingMail {
        let subject =
            rows.count == 1 ? "OPCC daily digest: 1 notification" : "OPCC daily digest: \(rows.count) notifications"
        let sections = rows.map { ($0.subject, $0.body, link($0.path)) }
        let recipientKey = String(SHA256Hex.of(rows[0].recipient).prefix(16))
        return OutgoingMail(
            messageID: messageID("opcc-digest-\(day)-\(recipientKey)-\(rows.map(\.id).min()!)"), to: [address],
            subject: subject,
            text: Self.text(sections, heading: subject, titled: true),
            html: html(sections, heading: subject, titled: true))
    }

    /// The plain text: the heading, then each section (under its own title in a digest) with its link. The HTML
    /// part says exactly this.
    static func text(_ sections: [(String, String, String?)], heading: String, titled: Bool) -> String {
        let blocks = sections.map { title, body, link in
            (titled ? title + "\n\n" : "") + body + (link.map { "\n\n" + $0 } ?? "")
        }
        return heading + "\n\n" + blocks.joined(separator: "\n\n----\n\n") + "\n"
    }

    func html(_ sections: [(String, String, String?)], heading: String, titled: Bool) -> String {
        // The site's colours (Sources/OPCCWeb/Templates.swift): black header with a blue rule, blue links.
        let font = "font-family:Arial,Helvetica,sans-serif;font-size:19px;line-height:1.4;color:#0b0c0c"
        var html = """
            <!DOCTYPE html><html><head><meta charset="utf-8"><title>\(Self.escape(heading))</title></head>
            <body style="margin:0;background:#ffffff;\(font)">
            <div style="background:#0b0c0c;color:#ffffff;border-bottom:10px solid #1d70b8;padding:10px 15px;\
            font-weight:700">OPCC</div>
            <div style="padding:15px;max-width:40em">
            <h1 style="font-size:27px;margin:0 0 20px">\(Self.escape(heading))</h1>

            """
        for (title, body, link) in sections {
            if titled {
                html += "<h2 style=\"font-size:22px;margin:25px 0 10px\">\(Self.escape(title))</h2>\n"
            }
            for paragraph in body.components(separatedBy: "\n\n") where !paragraph.isEmpty {
                html +=
                    "<p style=\"margin:0 0 15px\">"
                    + Self.escape(paragraph).replacingOccurrences(of: "\n", with: "<br>") + "</p>\n"
            }
            if let link {
                html +=
                    "<p style=\"margin:0 0 15px\"><a style=\"color:#1d70b8\" href=\"\(Self.escape(link))\">"
                    + Self.escape(link) + "</a></p>\n"
            }
        }
        return html + "</div></body></html>\n"
    }

    /// The notice renderer's escaper: the five characters, for element content and attribute values.
    static func escape(_ text: String) -> String { DecisionNotice.escape(text) }
}
