import Foundation
import GRDB
import Testing

/// `opcc user email`, `opcc user notifications` and `opcc notify` over a demo database file.
@Suite("opcc user email, opcc user notifications and opcc notify")
struct NotifyCommandTests {
    @Test func anAddressIsSetCheckedShownAndRemovedFromTheCommandLine() async throws {
        let db = temporaryDatabase()
        await #expect(try opcc(["demo", "--db", db, "--without-returns"]).status == 0)
        let set = try await opcc(
            ["user", "email", "cumbria.officer", "vivian@cumbria.example.org", "--as", "cumbria.officer", "--db", db])
        #expect(set.status == 0, "\(set.stderr)")
        let listed = try await opcc(["user", "list", "--office", "cumbria", "--json", "--db", db])
        #expect(listed.stdout.contains("\"email\" : \"vivian@cumbria.example.org\""), "\(listed.stdout)")

        let bad = try await opcc(
            ["user", "email", "cumbria.officer", "vivian@localhost", "--as", "cumbria.officer", "--db", db])
        #expect(bad.status == 1 && bad.stderr.contains("email-address") && bad.stderr.contains("dotted domain"))
        let other = try await opcc(
            ["user", "email", "cumbria.officer", "x@example.org", "--as", "cumbria.finance", "--db", db])
        #expect(other.status == 1 && other.stderr.contains("person-settings-by-self-or-chief-executive"))
        let both = try await opcc(
            ["user", "email", "cumbria.officer", "x@example.org", "--remove", "--as", "cumbria.officer", "--db", db])
        #expect(both.status == 64 && both.stderr.contains("not both"), "\(both.stderr)")
        let removed = try await opcc([
            "user", "email", "cumbria.officer", "--remove", "--as", "cumbria.officer", "--db", db,
        ])
        #expect(removed.status == 0 && removed.stdout.contains("removed"))
        await #expect(try opcc(["audit", "verify", "--db", db]).status == 0)
    }

    @Test func aPreferenceIsShownAndChosenFromTheCommandLine() async throws {
        let db = temporaryDatabase()
        await #expect(try opcc(["demo", "--db", db, "--without-returns"]).status == 0)
        let shown = try await opcc(["user", "notifications", "cumbria.officer", "--db", db])
        #expect(shown.stdout.contains("cumbria.officer: immediate"))
        let chosen = try await opcc(
            ["user", "notifications", "cumbria.officer", "--digest", "--as", "cumbria.officer", "--db", db])
        #expect(chosen.status == 0 && chosen.stdout.contains("cumbria.officer: daily-digest"), "\(chosen.stderr)")
        let both = try await opcc(
            [
                "user", "notifications", "cumbria.officer", "--digest", "--immediate", "--as", "cumbria.officer",
                "--db", db,
            ])
        #expect(both.status == 64)
    }

    @Test func failedNotificationsAreListedAndResentByTheChiefExecutiveOnly() async throws {
        let db = temporaryDatabase()
        await #expect(try opcc(["demo", "--db", db, "--without-returns"]).status == 0)
        // A notification that failed for want of an address, as the delivery worker leaves one.
        let queue = try DatabaseQueue(path: db)
        let id = try await queue.write { db in
            try db.execute(
                sql: """
                    INSERT INTO notification (office_id, recipient, kind, subject_id, occasion, statutory, subject, body,
                        path, message_id, state, attempts, next_attempt_at_ms, last_error, created_at_ms)
                    VALUES ('cumbria', 'cumbria.finance', 'decision-taken', 'cumbria-DR-0001', 'seq-1', 0,
                        'Decision taken', 'It was taken.', '/decisions/cumbria-DR-0001', 'opcc-0123', 'failed', 1, 0,
                        'no-address', 0)
                    """)
            return String(db.lastInsertedRowID)  // the demo's own acts wrote rows before it
        }
        try queue.close()
        let refused = try await opcc([
            "notify", "list", "--failed", "--office", "cumbria", "--as", "cumbria.officer", "--db", db,
        ])
        #expect(refused.status == 1 && refused.stderr.contains("notifications-administered-by-chief-executive"))
        let listed = try await opcc(
            ["notify", "list", "--failed", "--office", "cumbria", "--as", "cumbria.chief-executive", "--db", db])
        #expect(
            listed.status == 0 && listed.stdout.contains("cumbria.finance\tfailed (no-address)"), "\(listed.stdout)")
        let own = try await opcc(["notify", "list", "--as", "cumbria.finance", "--db", db])
        #expect(own.stdout.hasPrefix("1 unread"), "\(own.stdout)")
        let notTheirs = try await opcc(["notify", "read", id, "--as", "cumbria.officer", "--db", db])
        #expect(notTheirs.status == 1 && notTheirs.stderr.contains("notification-owned-by-reader"))
        await #expect(try opcc(["notify", "read", id, "--as", "cumbria.finance", "--db", db]).status == 0)
        let resent = try await opcc(["notify", "resend", id, "--as", "cumbria.chief-executive", "--db", db])
        #expect(resent.status == 0 && resent.stdout.contains("back in the outbox"), "\(resent.stderr)")
        let none = try await opcc(
            ["notify", "list", "--failed", "--office", "cumbria", "--as", "cumbria.chief-executive", "--db", db])
        #expect(none.stdout.contains("no failed notifications"))
        await #expect(try opcc(["audit", "verify", "--db", db]).status == 0)
    }
}
