import Foundation
import GRDB
import OPCCTestSupport
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

    @Test func deliverRefusesToRunWithoutARelayAndNamesWhatIsMissing() async throws {
        let db = temporaryDatabase()
        let none = try await opcc(["notify", "deliver", "--db", db])
        #expect(none.status == 64 && none.stderr.contains("give --smtp-url, --smtp-from and --public-url"))
        let noPublicURL = try await opcc(
            ["notify", "deliver", "--smtp-url", "smtp://127.0.0.1:2525", "--smtp-from", "opcc@example.org", "--db", db])
        #expect(noPublicURL.status == 64 && noPublicURL.stderr.contains("--smtp-url needs --public-url"))
        #expect(!FileManager.default.fileExists(atPath: db), "nothing was created")
    }

    @Test(.enabled(if: OutsideTool.aiosmtpd.runs, Comment(rawValue: OutsideTool.aiosmtpd.skipReason)))
    func deliverSendsTheDueNotificationsOnceAndCountsWhatBecameOfThem() async throws {
        let db = temporaryDatabase()
        await #expect(try opcc(["demo", "--db", db, "--without-returns"]).status == 0)
        let address = try await opcc(
            ["user", "email", "cumbria.finance", "finance@cumbria.example.org", "--as", "cumbria.finance", "--db", db])
        #expect(address.status == 0, "\(address.stderr)")
        let queue = try DatabaseQueue(path: db)
        let before = try await queue.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM notification WHERE state = 'pending'") ?? 0
        }
        // Two due rows of our own: one to a person with an address, one to a person without.
        try await queue.write { db in
            for (recipient, id) in [("cumbria.finance", "opcc-cli-1"), ("cumbria.officer", "opcc-cli-2")] {
                try db.execute(
                    sql: """
                        INSERT INTO notification (office_id, recipient, kind, subject_id, occasion, statutory, subject,
                            body, path, message_id, state, attempts, next_attempt_at_ms, created_at_ms)
                        VALUES ('cumbria', ?, 'decision-taken', 'cumbria-DR-0001', 'cli', 0, 'Decision taken',
                            'It was taken.', '/decisions/cumbria-DR-0001', ?, 'pending', 0, 0, 0)
                        """, arguments: [recipient, id])
            }
        }
        try queue.close()
        let sink = try await SMTPSink.start()
        defer { sink.stop() }
        let relay = [
            "--smtp-url", "smtp://127.0.0.1:\(sink.port)", "--smtp-from", "opcc@cumbria.example.org", "--public-url",
            "https://opcc.example",
        ]
        let first = try await opcc(["notify", "deliver", "--db", db] + relay)
        #expect(first.status == 0, "\(first.stderr)")
        let received = try await sink.messages()
        let ours = received.filter { $0.header("Message-ID") == "<opcc-cli-1@opcc.example>" }
        #expect(ours.count == 1, "\(received.map(\.subject))")
        #expect(ours.first?.rcptTos == ["finance@cumbria.example.org"])
        #expect(ours.first?.text?.contains("https://opcc.example/decisions/cumbria-DR-0001") == true)
        #expect(
            first.stdout.contains("\(received.count) sent, 0 retrying, \(before + 2 - received.count) failed"),
            "every other row's recipient has no address: \(first.stdout)")
        let second = try await opcc(["notify", "deliver", "--db", db] + relay)
        #expect(second.stdout.hasPrefix("0 sent, 0 retrying, 0 failed"), "\(second.stdout)")
        #expect(try await sink.messages().count == received.count, "nothing is sent twice")
    }
}
