import Foundation
import OPCCMail
import OPCCServices
import OPCCTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The SMTP client against a real server on loopback (`.ci/smtp-sink`, aiosmtpd): what it receives is read back with
/// Python's `email` package.
@Suite(
    "Mail: the SMTP client against a real server on loopback",
    .enabled(if: OutsideTool.aiosmtpd.runs, Comment(rawValue: OutsideTool.aiosmtpd.skipReason)))
struct SMTPClientTests {
    static let sender = "opcc@office.example.org"

    static func mail(
        _ number: Int, to: String = "officer@office.example.org", subject: String? = nil, text: String? = nil
    ) -> OutgoingMail {
        OutgoingMail(
            messageID: "<opcc-\(number)-test@office.example.org>", to: [to], subject: subject ?? "Notice \(number)",
            text: text ?? "Notice \(number): a sign-off is needed.", html: "<p>Notice \(number)</p>")
    }

    static func client(
        _ url: String, ca: String? = nil, password: String? = nil, replyTimeout: Duration = .seconds(10)
    ) throws -> SMTPClient {
        let environment = password.map { [SMTPRelay.passwordVariable: $0] } ?? [:]
        let relay = try SMTPRelay(url: url, sender: sender, certificateAuthorityPath: ca, environment: environment)
        return try SMTPClient(relay: relay, replyTimeout: replyTimeout, connectTimeout: .seconds(5))
    }

    @Test func aMessageIsDeliveredToALoopbackRelayWithItsEnvelopeHeadersAndBothParts() async throws {
        let sink = try await SMTPSink.start()
        defer { sink.stop() }
        let outcomes = try await Self.client("smtp://127.0.0.1:\(sink.port)").deliver([Self.mail(1)])
        #expect(outcomes == [.accepted])
        let received = try await sink.messages()
        try #require(received.count == 1)
        #expect(received[0].mailFrom == Self.sender)
        #expect(received[0].rcptTos == ["officer@office.example.org"])
        #expect(received[0].subject == "Notice 1")
        #expect(received[0].header("Message-ID") == "<opcc-1-test@office.example.org>")
        #expect(received[0].header("From") == Self.sender)
        #expect(received[0].text?.hasPrefix("Notice 1: a sign-off is needed.") == true)
        #expect(received[0].html?.contains("<p>Notice 1</p>") == true)
        #expect(received[0].tls == false)
        #expect(received[0].defects.isEmpty)
    }

    @Test func startTLSWithThePrivateAuthorityGivenBySmtpCAIsVerifiedAndUsed() async throws {
        let authority = try await TestCertificateAuthority.make()
        let sink = try await SMTPSink.start(.init(certificate: try await authority.serverCertificate()))
        defer { sink.stop() }
        let client = try Self.client("smtp://localhost:\(sink.port)", ca: authority.certificate)
        #expect(await client.deliver([Self.mail(1)]) == [.accepted])
        #expect(try await sink.messages().map(\.tls) == [true])
    }

    @Test func tlsFromTheFirstByteWithSmtpsIsVerifiedAndUsed() async throws {
        let authority = try await TestCertificateAuthority.make()
        let sink = try await SMTPSink.start(
            .init(certificate: try await authority.serverCertificate(), implicitTLS: true))
        defer { sink.stop() }
        let client = try Self.client("smtps://127.0.0.1:\(sink.port)", ca: authority.certificate)
        #expect(await client.deliver([Self.mail(1)]) == [.accepted])
        #expect(try await sink.messages().map(\.tls) == [true])
    }

    /// Each certificate the client must not trust: signed by another authority, signing itself, or naming another
    /// host. The outcome is `temporary(tls)` and nothing reaches the relay.
    @Test(arguments: ["another authority", "self-signed", "another host's name"])
    func aCertificateThatCannotBeVerifiedStopsTheSessionAndNothingIsDelivered(kind: String) async throws {
        let authority = try await TestCertificateAuthority.make()
        let certificate: (certificate: String, key: String)
        switch kind {
        case "another authority": certificate = try await TestCertificateAuthority.make().serverCertificate()
        case "self-signed": certificate = try await TestCertificateAuthority.selfSigned()
        default: certificate = try await authority.serverCertificate(names: ["DNS:mail.example.org"])
        }
        let sink = try await SMTPSink.start(.init(certificate: certificate))
        defer { sink.stop() }
        let client = try Self.client("smtp://localhost:\(sink.port)", ca: authority.certificate)
        let outcomes = await client.deliver([Self.mail(1), Self.mail(2)])
        #expect(outcomes == [.temporary(category: "tls"), .temporary(category: "tls")])
        #expect(try await sink.messages().isEmpty)
    }

    @Test func theRightUserAndPasswordAuthenticateAndTheMessageIsDelivered() async throws {
        let sink = try await SMTPSink.start(.init(login: ("mailer", "correct horse")))
        defer { sink.stop() }
        let client = try Self.client("smtp://mailer@127.0.0.1:\(sink.port)", password: "correct horse")
        #expect(await client.deliver([Self.mail(1)]) == [.accepted])
        #expect(try await sink.messages().map(\.user) == ["mailer"])
    }

    @Test func authLoginIsUsedWhenTheRelayDoesNotOfferPlain() async throws {
        let sink = try await SMTPSink.start(.init(login: ("mailer", "correct horse"), loginOnly: true))
        defer { sink.stop() }
        let client = try Self.client("smtp://mailer@127.0.0.1:\(sink.port)", password: "correct horse")
        #expect(await client.deliver([Self.mail(1)]) == [.accepted])
        #expect(try await sink.messages().map(\.user) == ["mailer"])
    }

    @Test func aUserConfiguredForARelayThatOffersNoAuthIsAnAuthFailureAndNothingIsSent() async throws {
        let sink = try await SMTPSink.start()
        defer { sink.stop() }
        let client = try Self.client("smtp://mailer@127.0.0.1:\(sink.port)", password: "correct horse")
        #expect(await client.deliver([Self.mail(1)]) == [.temporary(category: "auth")])
        #expect(try await sink.messages().isEmpty)
    }

    @Test func aWrongPasswordIsAnAuthFailureAndNothingIsDelivered() async throws {
        let sink = try await SMTPSink.start(.init(login: ("mailer", "correct horse")))
        defer { sink.stop() }
        let client = try Self.client("smtp://mailer:wrong@127.0.0.1:\(sink.port)")
        #expect(await client.deliver([Self.mail(1)]) == [.temporary(category: "auth")])
        #expect(try await sink.messages().isEmpty)
    }

    @Test func aRecipientRefusedWith550IsPermanentWith451TemporaryAndTheRestOfTheBatchIsDelivered() async throws {
        let sink = try await SMTPSink.start()
        defer { sink.stop() }
        let batch = [
            Self.mail(1), Self.mail(2, to: "reject5@office.example.org"),
            Self.mail(3, to: "reject4@office.example.org"),
            Self.mail(4),
        ]
        let outcomes = try await Self.client("smtp://127.0.0.1:\(sink.port)").deliver(batch)
        #expect(outcomes == [.accepted, .permanent(category: "rejected"), .temporary(category: "rejected"), .accepted])
        let received = try await sink.messages()
        #expect(received.map(\.subject) == ["Notice 1", "Notice 4"])
        #expect(Set(received.map(\.connection)).count == 1)
    }

    @Test func aBodyLineThatIsJustADotArrivesAsADot() async throws {
        let sink = try await SMTPSink.start()
        defer { sink.stop() }
        let text = "Before\n.\n..two\n.leading\nAfter"
        let outcomes = try await Self.client("smtp://127.0.0.1:\(sink.port)").deliver([Self.mail(1, text: text)])
        #expect(outcomes == [.accepted])
        let received = try await sink.messages()
        #expect(received.first?.text?.replacingOccurrences(of: "\r\n", with: "\n") == text)
    }

    @Test func aSubjectAndBodyThatAreNotASCIIArriveAsWritten() async throws {
        let sink = try await SMTPSink.start()
        defer { sink.stop() }
        let subject = "Décision référée — Cumbria 014/2016 😀 中文"
        let text = "Bonjour Zoë,\nLa décision « 014/2016 » attend votre signature. €1 000\n"
        let outcomes = try await Self.client("smtp://127.0.0.1:\(sink.port)").deliver([
            Self.mail(1, subject: subject, text: text)
        ])
        #expect(outcomes == [.accepted])
        let received = try await sink.messages()
        #expect(received.first?.subject == subject)
        #expect(received.first?.text?.replacingOccurrences(of: "\r\n", with: "\n") == text)
        #expect((received.first?.longestLine ?? 999) <= 998)
    }

    @Test func aBatchOf200IsDeliveredOnOneConnection() async throws {
        let sink = try await SMTPSink.start()
        defer { sink.stop() }
        let batch = (1...200).map { Self.mail($0) }
        let outcomes = try await Self.client("smtp://127.0.0.1:\(sink.port)").deliver(batch)
        #expect(outcomes == Array(repeating: .accepted, count: 200))
        let received = try await sink.messages()
        #expect(received.count == 200)
        #expect(Set(received.map(\.connection)) == [1])
        #expect(Set(received.compactMap { $0.header("Message-ID") }).count == 200)
    }

    @Test func aRelayThatDoesNotAnswerIsATimeout() async throws {
        let (socket, port) = try Self.silentListener()
        defer { close(socket) }
        let client = try Self.client("smtp://127.0.0.1:\(port)", replyTimeout: .milliseconds(300))
        #expect(await client.deliver([Self.mail(1)]) == [.temporary(category: "timeout")])
    }

    @Test func aRelayThatCannotBeReachedIsAConnectionFailure() async throws {
        let (socket, port) = try Self.silentListener()
        close(socket)
        let client = try Self.client("smtp://127.0.0.1:\(port)")
        #expect(
            await client.deliver([Self.mail(1), Self.mail(2)])
                == Array(repeating: .temporary(category: "connection"), count: 2))
    }

    /// A socket that listens on a free loopback port and never accepts: the kernel completes the connection, and no
    /// greeting ever comes.
    static func silentListener() throws -> (Int32, Int) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        try withUnsafeMutablePointer(to: &address) { pointer in
            try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                guard bind(fd, raw, length) == 0, listen(fd, 4) == 0, getsockname(fd, raw, &length) == 0 else {
                    throw SMTPSink.SinkError(message: "could not listen on loopback")
                }
            }
        }
        return (fd, Int(UInt16(bigEndian: address.sin_port)))
    }
}
