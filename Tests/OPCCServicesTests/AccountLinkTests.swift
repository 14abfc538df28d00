import Foundation
import GRDB
import OPCCCore
import OPCCServices
import OPCCStore
import OPCCTestSupport
import PropertyBased
import Testing

/// A stand-in for bcrypt (the services leave hashing to the caller): the stored hash must start `$2`.
private let fakeHash: @Sendable (String) -> String = { "$2b$04$" + SHA256Hex.of($0) }

private func refusalRule(_ body: () async throws -> Void) async -> String? {
    do {
        try await body()
        return nil
    } catch let refusal as ServiceRefusal {
        return refusal.rule
    } catch {
        return "unexpected: \(error)"
    }
}

/// The tokens of the account-link mails queued for `person`, newest first, read from the outbox.
func queuedLinkTokens(
    _ app: Commissioning, to person: String
) async throws -> [(
    kind: String, token: String
)] {
    try await app.store.read { try $0.notifications(recipient: person, offset: 0, limit: 100) }
        .filter { $0.path.hasPrefix("/account/link/") }
        .map { ($0.kind, String($0.path.dropFirst("/account/link/".count))) }
}

/// The rows of a table as text, on either engine: the tests read what is stored, behind the services.
func storedRows(_ store: TestStore, _ sql: String) async throws -> [[String?]] {
    if let sqlite = store as? SQLiteStore {
        return try await sqlite.writer.read { db in
            try Row.fetchAll(db, sql: sql).map { row in
                row.databaseValues.map { $0.isNull ? nil : String.fromDatabaseValue($0) ?? $0.description }
            }
        }
    }
    let url = try #require(store as? PostgresStore).displayURL
    return try await offThePool { try PGConnection(url: url).execute(sql).rows }
}

@Suite("Accounts by mail: invitations and password resets by one-time link")
struct AccountLinkTests {
    @Test(arguments: TestEngine.all) func anInvitationQueuesAMailWhoseLinkSetsThePasswordOnce(
        engine: TestEngine
    ) async throws {
        let (app, _) = try await demoApp(engine: engine)
        #expect(try await app.passwordHash(of: "cumbria.officer") == nil)
        let issued = try await app.inviteByMail(
            "cumbria.officer", by: "cumbria.chief-executive", linkBase: "https://opcc.example")
        #expect(issued.purpose == .invitation && issued.mailsQueued == 1)
        #expect(issued.expiresAt == "2026-11-20T13:00:00.000Z")
        let mails = try await app.store.read {
            try $0.notifications(recipient: "cumbria.officer", offset: 0, limit: 9)
        }
        let mail = try #require(mails.first)
        #expect(mail.kind == "invitation" && mail.statutory)
        let token = String(mail.path.dropFirst("/account/link/".count))
        #expect(token.count == 43)
        #expect(mail.body.contains("https://opcc.example/account/link/\(token)"))
        #expect(mail.body.contains("until 13:00 UTC on 2026-11-20"))
        let view = try await app.accountLink(token: token)
        #expect(view.person == "cumbria.officer" && view.purpose == .invitation)

        let done = try await app.redeemAccountLink(
            token: token, password: "a long passphrase", hash: fakeHash)
        #expect(done.person == "cumbria.officer" && done.purpose == .invitation)
        #expect(try await app.passwordHash(of: "cumbria.officer") == fakeHash("a long passphrase"))
        await #expect(
            refusalRule {
                _ = try await app.redeemAccountLink(token: token, password: "another one", hash: fakeHash)
            }
                == "account-link-unused")
        #expect(try await app.passwordHash(of: "cumbria.officer") == fakeHash("a long passphrase"))
        let events = try await app.auditLog(office: "cumbria").suffix(3)
        #expect(
            events.map(\.event) == [
                "account-link-issued", "password-set-by-link", "account-link-refused",
            ])
        #expect(events.last?.payload.contains(#""reason":"used""#) == true)
        #expect(events.allSatisfy { !$0.payload.contains(token) })
        await #expect(try app.verifyAudit().isIntact)
    }

    @Test(arguments: TestEngine.all) func aLinkPastItsHourIsRefused(engine: TestEngine) async throws {
        let (app, store) = try await demoApp(engine: engine)
        _ = try await app.inviteByMail("cumbria.officer", by: "cumbria.chief-executive")
        let token = try #require(try await queuedLinkTokens(app, to: "cumbria.officer").first?.token)
        let issuedAt = app.clock.now()
        let justInTime = try Commissioning(
            store: store, catalog: try shippedCatalog(),
            clock: FixedClock(issuedAt.addingTimeInterval(3599)))
        #expect(try await justInTime.accountLink(token: token).purpose == .invitation)
        let later = try Commissioning(
            store: store, catalog: try shippedCatalog(),
            clock: FixedClock(issuedAt.addingTimeInterval(3600)))
        await #expect(
            refusalRule { _ = try await later.accountLink(token: token) } == "account-link-current")
        await #expect(
            refusalRule {
                _ = try await later.redeemAccountLink(token: token, password: "long enough", hash: fakeHash)
            }
                == "account-link-current")
        #expect(try await app.passwordHash(of: "cumbria.officer") == nil)
    }

    @Test(arguments: TestEngine.all) func aNewerLinkSupersedesTheOlder(
        engine: TestEngine
    )
        async throws
    {
        let (app, _) = try await demoApp(engine: engine)
        _ = try await app.inviteByMail("cumbria.finance", by: "cumbria.chief-executive")
        _ = try await app.inviteByMail("cumbria.finance", by: "cumbria.chief-executive")
        let tokens = try await queuedLinkTokens(app, to: "cumbria.finance").map(\.token)
        #expect(tokens.count == 2 && tokens[0] != tokens[1])
        let (newer, older) = (tokens[0], tokens[1])
        await #expect(
            refusalRule { _ = try await app.accountLink(token: older) } == "account-link-latest")
        await #expect(
            refusalRule {
                _ = try await app.redeemAccountLink(token: older, password: "long enough", hash: fakeHash)
            }
                == "account-link-latest")
        _ = try await app.redeemAccountLink(token: newer, password: "long enough", hash: fakeHash)
        #expect(try await app.passwordHash(of: "cumbria.finance") == fakeHash("long enough"))
    }

    @Test(arguments: TestEngine.all) func aResetEndsThePersonsSessionsAndVoidsTheirOtherLinks(
        engine: TestEngine
    ) async throws {
        let (app, _) = try await demoApp(engine: engine)
        try await app.setPasswordHash(fakeHash("the old password"), of: "cumbria.officer")
        var sessions: [String] = []
        for address in ["192.0.2.1", "192.0.2.2"] {
            let attempt = try await app.signIn(
                name: "cumbria.officer", address: address, verify: { _ in true })
            guard case .signedIn(let id, _) = attempt else {
                Issue.record("not signed in: \(attempt)")
                return
            }
            sessions.append(id)
        }
        _ = try await app.sendPasswordReset("cumbria.officer", by: "cumbria.chief-executive")
        _ = try await app.sendPasswordReset("cumbria.chief-executive", by: "cumbria.chief-executive")
        let token = try #require(try await queuedLinkTokens(app, to: "cumbria.officer").first?.token)
        #expect(try await app.accountLink(token: token).purpose == .passwordReset)
        let done = try await app.redeemAccountLink(
            token: token, password: "a new passphrase", hash: fakeHash)
        #expect(done.sessionsEnded == 2)
        for id in sessions { #expect(try await app.session(id: id) == nil) }
        #expect(try await app.passwordHash(of: "cumbria.officer") == fakeHash("a new passphrase"))
        // Another person's link is theirs alone: it still works.
        let theirs = try #require(
            try await queuedLinkTokens(app, to: "cumbria.chief-executive").first?.token)
        #expect(try await app.accountLink(token: theirs).person == "cumbria.chief-executive")
    }

    @Test(arguments: TestEngine.all) func onlyTheTokensSHA256IsStored(engine: TestEngine) async throws {
        let (app, store) = try await demoApp(engine: engine)
        _ = try await app.inviteByMail("cumbria.officer", by: "cumbria.chief-executive")
        let token = try #require(try await queuedLinkTokens(app, to: "cumbria.officer").first?.token)
        let rows = try await storedRows(store, "SELECT * FROM account_link")
        #expect(rows.count == 1)
        let cells = rows.flatMap { $0 }.compactMap { $0 }
        #expect(cells.contains(SHA256Hex.of(token)))
        #expect(!cells.contains { $0.contains(token) })
        let payloads = try await storedRows(store, "SELECT payload FROM audit_event").flatMap { $0 }
            .compactMap { $0 }
        #expect(!payloads.contains { $0.contains(token) || $0.contains(SHA256Hex.of(token)) })
    }

    @Test(arguments: TestEngine.all) func anUnknownTokenIsRefusedAndChangesNothing(
        engine: TestEngine
    )
        async throws
    {
        let (app, _) = try await demoApp(engine: engine)
        _ = try await app.inviteByMail("cumbria.officer", by: "cumbria.chief-executive")
        let head = try await app.auditLog(office: "cumbria").count
        for token in [
            "", "x", String(repeating: "A", count: 43), "../../etc/passwd",
            String(repeating: "0", count: 64),
        ] {
            await #expect(
                refusalRule { _ = try await app.accountLink(token: token) } == "account-link-known")
            await #expect(
                refusalRule {
                    _ = try await app.redeemAccountLink(token: token, password: "long enough", hash: fakeHash)
                }
                    == "account-link-known")
        }
        #expect(try await app.auditLog(office: "cumbria").count == head)
        #expect(try await app.passwordHash(of: "cumbria.officer") == nil)
    }

    @Test(arguments: TestEngine.all) func whoMaySendALinkAndToWhom(engine: TestEngine) async throws {
        let (app, _) = try await demoApp(engine: engine)
        for actor in ["cumbria.officer", "lincs.chief-executive"] {
            await #expect(
                refusalRule { _ = try await app.inviteByMail("cumbria.finance", by: actor) }
                    == "invitation-by-chief-executive")
        }
        await #expect(
            refusalRule { _ = try await app.sendPasswordReset("cumbria.finance", by: "cumbria.officer") }
                == "password-set-by-person-or-chief-executive")
        await #expect(
            refusalRule { _ = try await app.inviteByMail("nobody.here", by: "cumbria.chief-executive") }
                == "known-person")
        try await app.setPasswordHash(fakeHash("already set"), of: "cumbria.finance")
        await #expect(
            refusalRule {
                _ = try await app.inviteByMail("cumbria.finance", by: "cumbria.chief-executive")
            }
                == "invitation-before-password")
        // The person themself may ask for a reset.
        #expect(
            try await app.sendPasswordReset("cumbria.finance", by: "cumbria.finance").purpose
                == .passwordReset)
        #expect(
            try await queuedLinkTokens(app, to: "cumbria.finance").map(\.kind) == ["password-reset"])
    }

    @Test(arguments: TestEngine.all) func aPasswordThatBreaksTheRulesLeavesTheLinkUnused(
        engine: TestEngine
    ) async throws {
        let (app, _) = try await demoApp(engine: engine)
        _ = try await app.inviteByMail("cumbria.officer", by: "cumbria.chief-executive")
        let token = try #require(try await queuedLinkTokens(app, to: "cumbria.officer").first?.token)
        await #expect(
            refusalRule {
                _ = try await app.redeemAccountLink(token: token, password: "short", hash: fakeHash)
            }
                == "password-length")
        #expect(try await app.accountLink(token: token).purpose == .invitation)
        _ = try await app.redeemAccountLink(token: token, password: "long enough", hash: fakeHash)
    }

    @Test(arguments: TestEngine.all) func twoRedemptionsAtOnceSetOnePassword(
        engine: TestEngine
    )
        async throws
    {
        let (app, _) = try await demoApp(engine: engine)
        _ = try await app.inviteByMail("cumbria.officer", by: "cumbria.chief-executive")
        let token = try #require(try await queuedLinkTokens(app, to: "cumbria.officer").first?.token)
        let outcomes = await withTaskGroup(of: String?.self) { group in
            for n in 0..<4 {
                group.addTask {
                    await refusalRule {
                        _ = try await app.redeemAccountLink(
                            token: token, password: "password \(n)", hash: fakeHash)
                    }
                }
            }
            return await group.reduce(into: [String?]()) { $0.append($1) }
        }
        #expect(outcomes.filter { $0 == nil }.count == 1)
        #expect(outcomes.compactMap { $0 }.allSatisfy { $0 == "account-link-unused" })
    }

    @Test(arguments: TestEngine.all) func aVisitorsRequestIsAnsweredAlikeForKnownAndUnknownNames(
        engine: TestEngine
    ) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let before = try await app.auditLog(office: nil).count
        let unknown = try await app.requestPasswordReset(
            nameOrAddress: "no.such.person", address: "192.0.2.9")
        #expect(unknown == .answered)
        #expect(try await app.auditLog(office: nil).count == before)
        let known = try await app.requestPasswordReset(
            nameOrAddress: " cumbria.officer ", address: "192.0.2.9")
        #expect(known == .answered)
        #expect(
            try await queuedLinkTokens(app, to: "cumbria.officer").map(\.kind) == ["password-reset"])
        let event = try #require(try await app.auditLog(office: "cumbria").last)
        #expect(event.event == "account-link-issued")
        #expect(event.payload.contains(#""requestedFrom":"the sign-in page""#))
    }

    @Test(arguments: TestEngine.all) func aVisitorMayGiveTheirEmailAddressInsteadOfTheirName(
        engine: TestEngine
    ) async throws {
        let (app, _) = try await demoApp(engine: engine)
        try await app.store.write { try $0.setPersonEmail(name: "cumbria.officer", email: "vivian@cumbria.example") }
        let answer = try await app.requestPasswordReset(nameOrAddress: "Vivian@Cumbria.example", address: "192.0.2.4")
        #expect(answer == .answered)
        #expect(try await queuedLinkTokens(app, to: "cumbria.officer").map(\.kind) == ["password-reset"])
        let before = try await app.auditLog(office: nil).count
        _ = try await app.requestPasswordReset(nameOrAddress: "nobody@cumbria.example", address: "192.0.2.4")
        #expect(try await app.auditLog(office: nil).count == before)
    }

    @Test(arguments: TestEngine.all) func aVisitorsRequestsAreThrottledLikeSignIns(
        engine: TestEngine
    )
        async throws
    {
        let (app, _) = try await demoApp(engine: engine)
        let policy = SignInThrottlePolicy(freeFailuresPerAccount: 2, freeFailuresPerAddress: 100)
        var answers: [PasswordResetRequest] = []
        for _ in 0..<4 {
            answers.append(
                try await app.requestPasswordReset(
                    nameOrAddress: "cumbria.officer", address: "192.0.2.7", throttle: policy))
        }
        // The second request reaches the policy's free failures and is the last let through (the tests' clock stands
        // still, so the wait never passes).
        #expect(answers == [.answered, .answered, .wait(seconds: 1), .wait(seconds: 1)])
        // Only the requests let through sent a link; and requests never slow down signing in.
        #expect(try await queuedLinkTokens(app, to: "cumbria.officer").count == 2)
        try await app.setPasswordHash(fakeHash("signed in"), of: "cumbria.officer")
        let attempt = try await app.signIn(
            name: "cumbria.officer", address: "192.0.2.7", throttle: policy
        ) { _ in true
        }
        guard case .signedIn = attempt else {
            Issue.record("sign-in slowed by reset requests: \(attempt)")
            return
        }
    }

    @Test(arguments: TestEngine.all) func arbitraryTextAsANameOrATokenNeverCrashesAndChangesNothing(
        engine: TestEngine
    ) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let before = try await app.auditLog(office: nil).count
        let roomy = SignInThrottlePolicy(freeFailuresPerAccount: 10_000, freeFailuresPerAddress: 10_000)
        let text = Gen<UInt32>.value(in: 0...0x10_FFFF).map { String(Unicode.Scalar($0) ?? "\u{FFFD}") }
            .array(of: 0...50).map { $0.joined() }
        await propertyCheck(count: 50, input: text) { text in
            let answer = try await app.requestPasswordReset(
                nameOrAddress: text, address: "192.0.2.3", throttle: roomy)
            #expect(answer == .answered)
            await #expect(
                refusalRule { _ = try await app.accountLink(token: text) } == "account-link-known")
            await #expect(
                refusalRule {
                    _ = try await app.redeemAccountLink(token: text, password: "long enough", hash: fakeHash)
                }
                    == "account-link-known")
        }
        #expect(try await app.auditLog(office: nil).count == before)
    }
}
