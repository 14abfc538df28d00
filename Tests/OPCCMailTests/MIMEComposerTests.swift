import Foundation
import OPCCServices
import OPCCTestSupport
import PropertyBased
import Testing

@testable import OPCCMail

/// The message as bytes: headers, encodings, line ends, and no header injection.
struct MIMEComposerTests {
    static let sender = "opcc@office.example.org"
    static let date = Date(timeIntervalSince1970: 1_796_583_733)  // Sun, 06 Dec 2026 19:02:13 UTC

    static func mail(
        subject: String = "Sign-off needed", text: String = "Hello", html: String = "<p>Hello</p>",
        to: [String] = ["officer@office.example.org"], messageID: String = "<opcc-1-abc@office.example.org>"
    ) -> OutgoingMail {
        OutgoingMail(messageID: messageID, to: to, subject: subject, text: text, html: html)
    }

    @Test func theHeadersAreThoseOfAnInternetMessage() throws {
        let message = try MIMEComposer.compose(Self.mail(), sender: Self.sender, date: Self.date, boundary: "=_b")
        let head = message.components(separatedBy: "\r\n\r\n")[0].components(separatedBy: "\r\n")
        #expect(
            head == [
                "From: opcc@office.example.org", "To: officer@office.example.org", "Subject: Sign-off needed",
                "Date: Sun, 06 Dec 2026 19:02:13 +0000", "Message-ID: <opcc-1-abc@office.example.org>",
                "MIME-Version: 1.0", "Content-Type: multipart/alternative; boundary=\"=_b\"",
            ])
        #expect(message.hasSuffix("--=_b--\r\n"))
        #expect(!message.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
    }

    @Test func aSubjectThatIsNotASCIIIsWrittenAsEncodedWordsOfAtMost75Characters() throws {
        let subject = String(repeating: "Décision référée au commissaire — 😀 ", count: 4)
        let header = MIMEComposer.encodedHeaderText(subject)
        let words = header.components(separatedBy: "\r\n ")
        #expect(words.count > 1)
        #expect(words.allSatisfy { $0.hasPrefix("=?UTF-8?B?") && $0.hasSuffix("?=") && $0.count <= 75 })
        #expect(header.unicodeScalars.allSatisfy { $0.isASCII })
    }

    @Test func quotedPrintableKeepsLinesShortEscapesEqualsAndTrailingSpace() {
        let encoded = MIMEComposer.quotedPrintable(String(repeating: "a=b ", count: 40) + "\nend \nx\r\ny\rz")
        let lines = encoded.components(separatedBy: "\r\n")
        #expect(lines.allSatisfy { $0.count <= 76 })
        #expect(lines.contains("end=20"))
        #expect(lines.suffix(3) == ["x", "y", "z"])
        #expect(encoded.contains("a=3Db"))
    }

    @Test(arguments: [
        (
            MIMEComposerTests.mail(subject: "Hello\r\nBcc: victim@example.org"),
            MailCompositionRefusal.lineBreakInHeader(field: "Subject")
        ),
        (MIMEComposerTests.mail(subject: "Hello\nBcc: victim@example.org"), .lineBreakInHeader(field: "Subject")),
        (MIMEComposerTests.mail(to: ["a@example.org\r\nBcc: victim@example.org"]), .lineBreakInHeader(field: "To")),
        (MIMEComposerTests.mail(to: ["Someone <a@example.org>"]), .invalidAddress("Someone <a@example.org>")),
        (MIMEComposerTests.mail(to: []), .noRecipient),
        (
            MIMEComposerTests.mail(messageID: "<id@host>\r\nBcc: victim@example.org"),
            .lineBreakInHeader(field: "Message-ID")
        ),
        (MIMEComposerTests.mail(messageID: "no-brackets@host"), .invalidMessageID("no-brackets@host")),
    ])
    func aLineBreakOrAMalformedAddressInAHeaderIsRefused(mail: OutgoingMail, refusal: MailCompositionRefusal) {
        #expect(throws: refusal) { try MIMEComposer.compose(mail, sender: Self.sender, date: Self.date) }
    }

    @Test func aSenderWithALineBreakIsRefused() {
        #expect(throws: MailCompositionRefusal.lineBreakInHeader(field: "From")) {
            try MIMEComposer.compose(Self.mail(), sender: "a@example.org\r\nBcc: b@example.org", date: Self.date)
        }
    }

    @Test func aLineThatStartsWithADotIsDoubledForTheWire() {
        #expect(SMTPClient.dotStuffed(".\r\nA\r\n..b\r\n") == "..\r\nA\r\n...b\r\n")
    }
}

/// Composed messages as Python's `email` package reads them (it ships with python3; the suite is gated with the other
/// mail tests, whose server needs aiosmtpd, since `.ci/smtp-sink read` does the parsing).
@Suite(
    "Mail: composed messages read back by Python's email parser",
    .enabled(if: OutsideTool.aiosmtpd.runs, Comment(rawValue: OutsideTool.aiosmtpd.skipReason)))
struct MIMERoundTripTests {
    /// Letters a composer must survive: ASCII with `=`, dots, spaces and tabs, line breaks of three kinds, accents
    /// (precomposed and combining), CJK, emoji, NUL, a byte-order mark, the Unicode line separator.
    static let palette: [Unicode.Scalar] = [
        "a", "Z", "0", " ", " ", "\t", "=", ".", "?", "_", "<", ">", "&", "\n", "\r", "é", "\u{301}", "ß", "中", "😀",
        "\u{0}", "\u{FEFF}", "\u{2028}", "€", "—",
    ]
    /// Text without line breaks (a subject) and with them (a body).
    static let subjects = Gen.int(in: 0...(palette.count - 1)).array(of: 0...120)
        .map { indexes in
            String(String.UnicodeScalarView(indexes.map { palette[$0] }.filter { $0 != "\n" && $0 != "\r" }))
        }
    static let bodies = Gen.int(in: 0...(palette.count - 1)).array(of: 0...120)
        .map { indexes in String(String.UnicodeScalarView(indexes.map { palette[$0] })) }

    /// Line breaks as text compares them: CRLF, CR and LF are one break.
    static func normalized(_ text: String) -> String {
        var scalars = String.UnicodeScalarView()
        var previousWasCR = false
        for scalar in text.unicodeScalars {
            defer { previousWasCR = scalar == "\r" }
            if scalar == "\n" && previousWasCR { continue }
            scalars.append(scalar == "\r" ? "\n" : scalar)
        }
        return String(scalars)
    }

    @Test func anyUnicodeSubjectAndBodyReadBackByPythonsEmailParserAsTheyWereWritten() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("opcc-mime-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var written: [OutgoingMail] = []
        await propertyCheck(count: 150, input: Self.subjects, Self.bodies) { subject, body in
            let mail = MIMEComposerTests.mail(subject: subject, text: body, html: "<p>" + body + "</p>")
            let message = try MIMEComposer.compose(mail, sender: MIMEComposerTests.sender, date: MIMEComposerTests.date)
            let name = String(format: "%06d.eml", written.count)
            try Data(message.utf8).write(to: folder.appendingPathComponent(name))
            written.append(mail)
        }
        let read = try await SMTPSink.read(folder.path)
        try #require(read.count == written.count)
        for (mail, received) in zip(written, read) {
            #expect(received.subject == mail.subject, "subject \(mail.subject.debugDescription)")
            #expect(received.text.map(Self.normalized) == Self.normalized(mail.text))
            #expect(received.html.map(Self.normalized) == Self.normalized(mail.html))
            #expect(received.defects.isEmpty)
            #expect(received.longestLine <= 998 && received.bareLineFeeds == 0)
        }
    }
}
