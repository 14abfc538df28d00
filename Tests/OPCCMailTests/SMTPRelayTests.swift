import Foundation
import OPCCMail
import Testing

/// `--smtp-url`, `--smtp-from`, `--smtp-ca` and the password from the environment, and the STARTTLS policy.
struct SMTPRelayTests {
    let sender = "opcc@office.example.org"

    @Test(arguments: [
        ("smtp://relay.example.org", "relay.example.org", 587, SMTPRelay.Security.startTLS),
        ("smtp://relay.example.org:25", "relay.example.org", 25, .startTLS),
        ("smtps://relay.example.org", "relay.example.org", 465, .implicitTLS),
        ("SMTPS://relay.example.org:2465/", "relay.example.org", 2465, .implicitTLS),
        ("smtp://127.0.0.1:2525", "127.0.0.1", 2525, .startTLS),
        ("smtp://[::1]:2525", "::1", 2525, .startTLS),
    ])
    func aRelayURLGivesItsHostPortAndSecurity(url: String, host: String, port: Int, security: SMTPRelay.Security) throws
    {
        let relay = try SMTPRelay(url: url, sender: sender, environment: [:])
        #expect(relay.host == host)
        #expect(relay.port == port)
        #expect(relay.security == security)
        #expect(relay.user == nil)
    }

    @Test(arguments: [
        ("relay.example.org", SMTPRelayRefusal.notAURL("relay.example.org")),
        ("http://relay.example.org", .unsupportedScheme("http")),
        ("smtp://relay.example.org/mail", .pathNotAllowed),
        ("smtp://relay.example.org?tls=off", .pathNotAllowed),
        ("smtp://", .missingHost),
        ("smtp://:25", .missingHost),
        ("smtp://relay.example.org:0", .invalidPort("0")),
        ("smtp://relay.example.org:smtp", .invalidPort("smtp")),
        ("smtp://relay example.org", .invalidHost("relay example.org")),
        ("smtp://@relay.example.org", .invalidCredentials),
        ("smtp://mailer@relay.example.org", .passwordMissing(user: "mailer")),
    ])
    func aMalformedRelayURLIsRefusedWithItsOwnError(url: String, refusal: SMTPRelayRefusal) {
        #expect(throws: refusal) { try SMTPRelay(url: url, sender: sender, environment: [:]) }
    }

    @Test func theUserAndPasswordComeFromTheURLPercentDecoded() throws {
        let relay = try SMTPRelay(
            url: "smtp://mail%40office:p%3Ass@relay.example.org", sender: sender, environment: [:])
        #expect(relay.user == "mail@office")
        #expect(!relay.description.contains("p:ss") && !relay.description.contains("p%3Ass"))
    }

    @Test func thePasswordIsReadFromTheEnvironmentWhenTheURLHasNone() throws {
        let relay = try SMTPRelay(
            url: "smtp://mailer@relay.example.org", sender: sender,
            environment: [SMTPRelay.passwordVariable: "correct horse"])
        #expect(relay.user == "mailer")
        #expect(relay.description == "smtp://mailer@relay.example.org:587 from opcc@office.example.org")
    }

    @Test func aPasswordInTheEnvironmentWithoutAUserIsRefused() {
        #expect(throws: SMTPRelayRefusal.passwordWithoutUser) {
            try SMTPRelay(
                url: "smtp://relay.example.org", sender: sender, environment: [SMTPRelay.passwordVariable: "secret"])
        }
    }

    @Test func theDescriptionNeverShowsThePassword() throws {
        let relay = try SMTPRelay(
            url: "smtps://mailer:hunter2-secret@relay.example.org", sender: sender, environment: [:])
        #expect(!relay.description.contains("hunter2"))
        #expect(!String(reflecting: relay.description).contains("hunter2"))
    }

    @Test(arguments: [
        "", "opcc", "opcc@", "@office.org", "op cc@office.org", "opcc@office.org\r\nBcc: x@y.z",
        "Opcc <opcc@office.org>", "ópcc@office.org",
    ])
    func aSenderThatIsNotAnAddressIsRefused(sender: String) {
        #expect(throws: SMTPRelayRefusal.invalidSender(sender)) {
            try SMTPRelay(url: "smtp://relay.example.org", sender: sender, environment: [:])
        }
    }

    @Test func anUnreadableCertificateAuthorityFileIsRefused() {
        #expect(throws: SMTPRelayRefusal.certificateAuthorityUnreadable("/nonexistent/ca.pem")) {
            try SMTPRelay(
                url: "smtp://relay.example.org", sender: sender, certificateAuthorityPath: "/nonexistent/ca.pem",
                environment: [:])
        }
    }

    @Test func aCertificateAuthorityFileWithoutACertificateIsRefused() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("not-a-ca-\(UUID()).pem").path
        try "not a certificate\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: SMTPRelayRefusal.certificateAuthorityNotPEM(path)) {
            try SMTPRelay(
                url: "smtp://relay.example.org", sender: sender, certificateAuthorityPath: path, environment: [:])
        }
    }

    @Test func aRelayOffTheMachineThatDoesNotOfferSTARTTLSIsRefused() throws {
        let relay = try SMTPRelay(url: "smtp://relay.example.org", sender: sender, environment: [:])
        #expect(throws: SMTPFailure.startTLSNotOffered(host: "relay.example.org")) {
            try relay.startTLSDecision(offered: false)
        }
        #expect(try relay.startTLSDecision(offered: true))
        #expect(SMTPFailure.startTLSNotOffered(host: "x").outcome == .temporary(category: "tls"))
    }

    @Test(arguments: ["localhost", "127.0.0.1", "127.8.9.10", "[::1]"])
    func aLoopbackRelayWithoutSTARTTLSIsUsedInPlainTextAndWithItUpgrades(host: String) throws {
        let relay = try SMTPRelay(url: "smtp://\(host):2525", sender: sender, environment: [:])
        #expect(relay.isLoopback)
        #expect(try relay.startTLSDecision(offered: false) == false)
        #expect(try relay.startTLSDecision(offered: true))
    }

    @Test(arguments: ["127.example.org", "128.0.0.1", "localhost.example.org", "10.0.0.1"])
    func aHostThatOnlyLooksLocalIsNotLoopback(host: String) throws {
        let relay = try SMTPRelay(url: "smtp://\(host)", sender: sender, environment: [:])
        #expect(!relay.isLoopback)
        #expect(throws: SMTPFailure.startTLSNotOffered(host: host)) { try relay.startTLSDecision(offered: false) }
    }
}
