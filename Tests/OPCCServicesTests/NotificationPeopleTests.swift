import Foundation
import OPCCCore
import OPCCServices
import OPCCStore
import OPCCTestSupport
import Testing

private func refusal(_ body: () async throws -> Void) async -> ServiceRefusal? {
    do {
        try await body()
        return nil
    } catch let refusal as ServiceRefusal {
        return refusal
    } catch {
        return ServiceRefusal(rule: .knownPerson, message: "unexpected: \(error)")
    }
}

/// People's side of notifications: their list and unread count, marking read, their address and their preference.
@Suite("Notifications and people")
struct NotificationPeopleTests {
    @Test(arguments: TestEngine.all) func aPersonSeesTheirOwnNotificationsNewestFirstAndMarksThemRead(
        engine: TestEngine
    ) async throws {
        let (app, _) = try await demoApp(engine: engine)
        try await Outbox.enqueue(
            app,
            (1...3).map { Outbox.draft(occasion: "seq-\($0)", title: "Notice \($0)") } + [
                Outbox.draft("cumbria.finance", title: "Finance's own")
            ])
        let page = try await app.notifications(of: "cumbria.officer")
        #expect(page.notifications.map(\.subject) == ["Notice 3", "Notice 2", "Notice 1"])
        #expect(page.unread == 3)
        let second = try await app.notifications(of: "cumbria.officer", offset: 1, limit: 1)
        #expect(second.notifications.map(\.subject) == ["Notice 2"] && second.unread == 3)

        try await app.markNotificationRead(page.notifications[0].id, by: "cumbria.officer", now: Outbox.at(5))
        let after = try await app.notifications(of: "cumbria.officer")
        #expect(after.unread == 2)
        #expect(after.notifications[0].readAtMs == Int64(Outbox.at(5).timeIntervalSince1970 * 1000))

        // Finance's notification is not the officer's to mark: refused as unknown, and still unread.
        let theirs = try #require(try await app.notifications(of: "cumbria.finance").notifications.first)
        let refused = await refusal { try await app.markNotificationRead(theirs.id, by: "cumbria.officer") }
        #expect(refused?.rule == "notification-owned-by-reader" && refused?.kind == .notFound)
        #expect(try await app.notifications(of: "cumbria.finance").unread == 1)
    }

    @Test(arguments: TestEngine.all) func anAddressIsSetByThePersonOrTheirChiefExecutiveAsAnAuditedAct(
        engine: TestEngine
    ) async throws {
        let (app, _) = try await demoApp(engine: engine)
        try await app.setEmail("vivian@cumbria.example.org", of: "cumbria.officer", by: "cumbria.officer")
        // (The demo gives finance finance@cumbria.example.org.)
        try await app.setEmail("accounts@cumbria.example.org", of: "cumbria.finance", by: "cumbria.chief-executive")
        #expect(try await app.email(of: "cumbria.officer") == "vivian@cumbria.example.org")
        let people = try await app.people(office: "cumbria")
        #expect(people.first { $0.name == "cumbria.finance" }?.email == "accounts@cumbria.example.org")
        let events = try await app.auditLog(office: "cumbria").suffix(2)
        #expect(events.map(\.event) == ["email-changed", "email-changed"])
        #expect(events.last?.payloadFields["email"] == "accounts@cumbria.example.org")
        #expect(events.last?.actor == "cumbria.chief-executive")

        // Someone else's address, by someone who is neither them nor their chief executive; or another office's.
        for actor in ["cumbria.finance", "lincs.chief-executive"] {
            let refused = await refusal {
                try await app.setEmail("x@example.org", of: "cumbria.officer", by: actor)
            }
            #expect(refused?.rule == "person-settings-by-self-or-chief-executive" && refused?.kind == .forbidden)
        }
        // Removing it is a change too.
        try await app.setEmail(nil, of: "cumbria.officer", by: "cumbria.officer")
        #expect(try await app.email(of: "cumbria.officer") == nil)
        #expect(try await app.auditLog(office: "cumbria").last?.payloadFields["email"] == "")
        await #expect(try app.verifyAudit().isIntact)
    }

    @Test(arguments: TestEngine.all) func aMalformedAddressIsRefusedNamingItsProblemAndChangesNothing(
        engine: TestEngine
    ) async throws {
        let (app, _) = try await demoApp(engine: engine)
        try await app.setEmail("vivian@cumbria.example.org", of: "cumbria.officer", by: "cumbria.officer")
        let eventsBefore = try await app.auditLog(office: "cumbria").count
        for (text, says) in [
            ("vivian@localhost", "dotted"), ("vivian@example.org\r\nBcc: all@example.org", "line break"),
            ("a@b@example.org", "exactly one '@'"), ("", "empty"),
            (String(repeating: "a", count: 250) + "@example.org", "254"),
        ] {
            let refused = await refusal { try await app.setEmail(text, of: "cumbria.officer", by: "cumbria.officer") }
            #expect(refused?.rule == "email-address")
            #expect(refused?.message.contains(says) == true, "\(refused?.message ?? "")")
            #expect(refused?.message.contains("\r") == false && refused?.message.contains("\n") == false)
        }
        #expect(try await app.email(of: "cumbria.officer") == "vivian@cumbria.example.org")
        #expect(try await app.auditLog(office: "cumbria").count == eventsBefore)
    }

    @Test(arguments: TestEngine.all) func aPreferenceIsChosenByThePersonOrTheirChiefExecutiveAsAnAuditedAct(
        engine: TestEngine
    ) async throws {
        let (app, _) = try await demoApp(engine: engine)
        #expect(try await app.notificationPreference(of: "cumbria.officer") == .immediate)
        try await app.setNotificationPreference(.dailyDigest, of: "cumbria.officer", by: "cumbria.officer")
        #expect(try await app.notificationPreference(of: "cumbria.officer") == .dailyDigest)
        let event = try #require(try await app.auditLog(office: "cumbria").last)
        #expect(event.event == "notification-preference-changed" && event.payloadFields["preference"] == "daily-digest")
        let refused = await refusal {
            try await app.setNotificationPreference(.immediate, of: "cumbria.officer", by: "cumbria.pcc")
        }
        #expect(refused?.rule == "person-settings-by-self-or-chief-executive")
        #expect(try await app.notificationPreference(of: "cumbria.officer") == .dailyDigest)
        try await app.setNotificationPreference(.immediate, of: "cumbria.officer", by: "cumbria.chief-executive")
        #expect(try await app.notificationPreference(of: "cumbria.officer") == .immediate)
    }

    @Test(arguments: TestEngine.all) func thePeopleFileGivesAnAddressCheckedAsTheCommandChecksIt(
        engine: TestEngine
    ) async throws {
        // The shipped file gives the board an address; the test's own replaces it.
        let anchor = "    email: ormsgill-board@barrow.example.org\n"
        let home = try InputFileTests.homeWithPeople {
            $0.replacingOccurrences(of: anchor, with: "    email: ormsgill.board@barrow.example.org\n")
        }
        let app = try Commissioning(
            store: try await engine.makeStore(), catalog: try shippedCatalog(),
            clock: FixedClock(day: day("2026-11-20")))
        _ = try await app.loadDemo(from: home, returns: false)
        #expect(try await app.email(of: "cumbria.barrow-board") == "ormsgill.board@barrow.example.org")
        let added = try await app.auditLog(office: "cumbria").first {
            $0.event == "person-added" && $0.payloadFields["person"] == "cumbria.barrow-board"
        }
        #expect(added?.payloadFields["email"] == "ormsgill.board@barrow.example.org")
        await #expect(try app.verifyAudit().isIntact)

        let bad = try InputFileTests.homeWithPeople {
            $0.replacingOccurrences(of: anchor, with: "    email: \"ormsgill board@barrow\"\n")
        }
        let store = try await engine.makeStore()
        let refusing = try Commissioning(
            store: store, catalog: try shippedCatalog(), clock: FixedClock(day: day("2026-11-20")))
        let refused = await refusal { _ = try await refusing.loadDemo(from: bad, returns: false) }
        #expect(refused?.rule == "email-address")
        #expect(try await store.read { try $0.person(named: "cumbria.barrow-board") } == nil)
    }
}
