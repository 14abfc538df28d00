import Foundation
import Testing

/// `opcc serve` and `opcc notify deliver` with a mail relay: what they refuse before they start, and one delivery pass
/// to a real SMTP server on loopback.
@Suite("opcc serve --smtp-url and opcc notify deliver")
struct RelayCommandTests {
    @Test func serveRefusesARelayWithoutAPublicURLASenderOrAReadableURL() async throws {
        let db = temporaryDatabase()
        let noPublicURL = try await opcc(
            ["serve", "--smtp-url", "smtp://127.0.0.1:2525", "--smtp-from", "opcc@example.org", "--db", db])
        #expect(noPublicURL.status == 64)
        #expect(
            noPublicURL.stderr.contains("--smtp-url needs --public-url: the links in each message are built from it"),
            "\(noPublicURL.stderr)")
        let badURL = try await opcc([
            "serve", "--smtp-url", "http://mail.example.org", "--smtp-from", "opcc@example.org", "--public-url",
            "https://opcc.example", "--db", db,
        ])
        #expect(badURL.status == 64)
        #expect(badURL.stderr.contains("--smtp-url scheme 'http' is not smtp or smtps"), "\(badURL.stderr)")
        let badPort = try await opcc([
            "serve", "--smtp-url", "smtp://mail.example.org:99999", "--smtp-from", "opcc@example.org",
            "--public-url", "https://opcc.example", "--db", db,
        ])
        #expect(badPort.status == 64 && badPort.stderr.contains("port '99999' is not a number from 1 to 65535"))
        let noSender = try await opcc(
            ["serve", "--smtp-url", "smtp://127.0.0.1:2525", "--public-url", "https://opcc.example", "--db", db])
        #expect(noSender.status == 64 && noSender.stderr.contains("--smtp-url needs --smtp-from"))
        let badSender = try await opcc([
            "serve", "--smtp-url", "smtp://127.0.0.1:2525", "--smtp-from", "opcc at example", "--public-url",
            "https://opcc.example", "--db", db,
        ])
        #expect(badSender.status == 64 && badSender.stderr.contains("--smtp-from 'opcc at example' is not an email"))
        let caAlone = try await opcc(["serve", "--smtp-ca", "/etc/hostname", "--db", db])
        #expect(caAlone.status == 64 && caAlone.stderr.contains("--smtp-ca goes with --smtp-url"))
        let userWithoutPassword = try await opcc([
            "serve", "--smtp-url", "smtp://opcc@127.0.0.1:2525", "--smtp-from", "opcc@example.org", "--public-url",
            "https://opcc.example", "--db", db,
        ])
        #expect(userWithoutPassword.status == 64 && userWithoutPassword.stderr.contains("set OPCC_SMTP_PASSWORD"))
        let readOnly = try await opcc([
            "serve", "--read-only", "--smtp-url", "smtp://127.0.0.1:2525", "--smtp-from", "opcc@example.org",
            "--public-url", "https://opcc.example", "--db", db,
        ])
        #expect(readOnly.status == 64 && readOnly.stderr.contains("--read-only sends no mail"))
        for result in [noPublicURL, badURL, badPort, noSender, badSender, caAlone, userWithoutPassword, readOnly] {
            #expect(!result.stdout.contains("serving"))
        }
        #expect(!FileManager.default.fileExists(atPath: db), "nothing was created")
    }
}
