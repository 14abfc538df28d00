import Foundation
import GRDB
import Testing

@Suite("opcc user invite and opcc user reset")
struct AccountLinkCommandTests {
    @Test func inviteAndResetQueueALinkAndPrintWhenItExpiresButNeverTheLink() async throws {
        let db = temporaryDatabase()
        await #expect(try opcc(["demo", "--db", db, "--without-returns"]).status == 0)
        let invited = try await opcc([
            "user", "invite", "cumbria.officer", "--as", "cumbria.chief-executive", "--public-url",
            "https://opcc.example", "--db", db,
        ])
        #expect(invited.status == 0, "\(invited.stderr)")
        #expect(
            invited.stdout.contains(
                "queued an invitation for cumbria.officer by email; the link works once, until "))
        let reset = try await opcc([
            "user", "reset", "cumbria.finance", "--as", "cumbria.finance", "--db", db,
        ])
        #expect(reset.status == 0, "\(reset.stderr)")
        #expect(reset.stdout.contains("queued a password reset link for cumbria.finance by email"))
        let queue = try DatabaseQueue(path: db)
        let (hashes, paths) = try await queue.read { db in
            (
                try String.fetchAll(db, sql: "SELECT token_sha256 FROM account_link ORDER BY id"),
                try String.fetchAll(
                    db, sql: "SELECT path FROM notification WHERE path LIKE '/account/link/%' ORDER BY id")
            )
        }
        try queue.close()
        // The demo's grant round signed four partners up, each mailed a link: these two come after theirs.
        #expect(hashes.count == 6 && paths.count == 6)
        for path in paths {
            let token = String(path.dropFirst("/account/link/".count))
            #expect(token.count == 43)
            #expect(!(invited.stdout + invited.stderr + reset.stdout + reset.stderr).contains(token))
        }
    }

    @Test func onlyTheChiefExecutiveInvitesAndOnlyThePersonOrTheirChiefExecutiveSendsAReset()
        async throws
    {
        let db = temporaryDatabase()
        await #expect(try opcc(["demo", "--db", db, "--without-returns"]).status == 0)
        let byOfficer = try await opcc([
            "user", "invite", "cumbria.finance", "--as", "cumbria.officer", "--db", db,
        ])
        #expect(byOfficer.status == 1 && byOfficer.stderr.contains("invitation-by-chief-executive"))
        let byOther = try await opcc([
            "user", "reset", "cumbria.finance", "--as", "lincs.chief-executive", "--db", db,
        ])
        #expect(
            byOther.status == 1 && byOther.stderr.contains("password-set-by-person-or-chief-executive"))
        let nobody = try await opcc(["user", "reset", "cumbria.finance", "--db", db])
        #expect(nobody.status == 1 && nobody.stderr.contains("actor-required"))
        let badURL = try await opcc([
            "user", "invite", "cumbria.finance", "--as", "cumbria.chief-executive", "--public-url",
            "ftp://x", "--db",
            db,
        ])
        #expect(badURL.status == 1 && badURL.stderr.contains("must begin with http:// or https://"))
        let queue = try DatabaseQueue(path: db)
        let rows = try await queue.read {
            try Int.fetchOne($0, sql: "SELECT count(*) FROM account_link")
        }
        try queue.close()
        // Only the demo round's four partners' sign-up links: none of the refused acts made one.
        #expect(rows == 4)
    }
}
