import Foundation
import OPCCCore
import OPCCServices
import OPCCStore
import OPCCTestSupport
import Synchronization
import Testing

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

/// The delivery worker against a relay in memory: what it sends, what it records, and when it tries again.
@Suite("Notification delivery")
struct NotificationDeliveryTests {
    /// Every line of the text part is in the HTML part, escaped: the two say the same.
    static func htmlSaysWhatTheTextSays(_ mail: OutgoingMail) -> Bool {
        let escaped = { (line: String) in
            line.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
                .replacingOccurrences(of: "'", with: "&#39;")
        }
        let lines = mail.text.split(separator: "\n").map(String.init).filter { !$0.isEmpty && $0 != "----" }
        return !lines.isEmpty && lines.allSatisfy { mail.html.contains(escaped($0)) }
    }

    /// The demo, with an address of the test's own for the originating officer and none for finance, and the
    /// notifications the demo's own acts wrote already delivered, so that each test sees only its own.
    static func app(_ engine: TestEngine) async throws -> Commissioning {
        let (app, _) = try await demoApp(engine: engine)
        try await app.setEmail("vivian@cumbria.example.org", of: "cumbria.officer", by: "cumbria.officer")
        try await app.setEmail(nil, of: "cumbria.finance", by: "cumbria.chief-executive")
        try await deliverTheDemos(app)
        return app
    }

    /// Delivers what the demo's own acts wrote (its grants' activations, its carry-forward) to a relay of its own.
    static func deliverTheDemos(_ app: Commissioning) async throws {
        let report = try await app.deliverNotifications(
            transport: RecordingTransport(), node: "demo", settings: Outbox.settings, now: Outbox.at(), limit: 1000)
        #expect(report.failed == 0 && report.retried == 0, "the demo's people have addresses")
    }

    @Test(arguments: TestEngine.all) func aDeliveredNotificationIsMarkedSentWithItsLinkAndStableMessageID(
        engine: TestEngine
    ) async throws {
        let app = try await Self.app(engine)
        #expect(try await Outbox.enqueue(app, [Outbox.draft()]) == 1)
        let relay = RecordingTransport()
        let report = try await app.deliverNotifications(
            transport: relay, node: "node-a", settings: Outbox.settings, now: Outbox.at(1))
        #expect(report.sent == 1 && report.claimed == 1 && report.messages == 1)
        let row = try #require(try await Outbox.rows(app).first)
        #expect(row.state == .sent)
        #expect(row.sentAtMs == Int64(Outbox.at(1).timeIntervalSince1970 * 1000))
        #expect(row.attempts == 1)
        let mail = try #require(relay.messages.first)
        #expect(mail.to == ["vivian@cumbria.example.org"])
        #expect(mail.subject == "Decision cumbria-DR-0001 was taken")
        #expect(mail.messageID == "<\(row.messageID)@opcc.example.org>")
        #expect(mail.text.contains("The decision <VLI pilot> & its budget were approved."))
        #expect(mail.text.contains("https://opcc.example.org/decisions/cumbria-DR-0001"))
        // The HTML part says the same, escaped, in the product's colours.
        #expect(mail.html.contains("The decision &lt;VLI pilot&gt; &amp; its budget were approved."))
        #expect(mail.html.contains("href=\"https://opcc.example.org/decisions/cumbria-DR-0001\""))
        #expect(mail.html.contains("#1d70b8") && !mail.html.contains("<VLI"))
        #expect(mail.text.hasPrefix("Decision cumbria-DR-0001 was taken\n\n"))
        #expect(Self.htmlSaysWhatTheTextSays(mail))
        // Nothing is due any more.
        let again = try await app.deliverNotifications(
            transport: relay, node: "node-a", settings: Outbox.settings, now: Outbox.at(3600))
        #expect(again.claimed == 0 && relay.messages.count == 1)
    }

    @Test(arguments: TestEngine.all) func aTemporaryFailureIsRetriedAfterGrowingDelaysAndFailsAfterTheLimit(
        engine: TestEngine
    ) async throws {
        let app = try await Self.app(engine)
        try await Outbox.enqueue(app, [Outbox.draft()])
        let relay = RecordingTransport(answer: { _ in .temporary(category: "connection") })
        let settings = Commissioning.DeliverySettings(
            publicURL: "https://opcc.example.org", maximumAttempts: 4, retryDelaysSeconds: [60, 300, 1800])
        var now = 0
        for (attempt, delay) in [(1, 60), (2, 300), (3, 1800)] {
            let report = try await app.deliverNotifications(
                transport: relay, node: "node-a", settings: settings, now: Outbox.at(now))
            #expect(report.retried == 1)
            let row = try #require(try await Outbox.rows(app).first)
            #expect(row.state == .pending && row.attempts == attempt && row.lastError == "connection")
            #expect(row.nextAttemptAtMs == Int64(Outbox.at(now + delay).timeIntervalSince1970 * 1000))
            // Not before its time.
            let early = try await app.deliverNotifications(
                transport: relay, node: "node-a", settings: settings, now: Outbox.at(now + delay - 1))
            #expect(early.claimed == 0)
            now += delay
        }
        let last = try await app.deliverNotifications(
            transport: relay, node: "node-a", settings: settings, now: Outbox.at(now))
        #expect(last.failed == 1)
        let row = try #require(try await Outbox.rows(app).first)
        #expect(row.state == .failed && row.attempts == 4 && row.lastError == "connection")
        #expect(Set(relay.messages.map(\.messageID)).count == 1 && relay.messages.count == 4)
        let listed = try await app.failedNotifications(office: "cumbria", as: "cumbria.chief-executive")
        #expect(listed.map(\.id) == [row.id])
    }

    @Test(arguments: TestEngine.all) func aPermanentRefusalFailsAtOnceWithItsCategoryNeverTheRelaysText(
        engine: TestEngine
    ) async throws {
        let app = try await Self.app(engine)
        try await Outbox.enqueue(app, [Outbox.draft(), Outbox.draft(occasion: "seq-2")])
        let outcomes = Mutex([MailOutcome.permanent(category: "rejected"), .permanent(category: "550 5.1.1 No user")])
        let relay = RecordingTransport(answer: { _ in outcomes.withLock { $0.removeFirst() } })
        let report = try await app.deliverNotifications(
            transport: relay, node: "node-a", settings: Outbox.settings, now: Outbox.at())
        #expect(report.failed == 2)
        let rows = try await Outbox.rows(app)
        #expect(rows.map(\.state) == [.failed, .failed])
        #expect(rows.map(\.lastError) == ["rejected", "other"])
        #expect(rows.allSatisfy { $0.attempts == 1 })
    }

    @Test(arguments: TestEngine.all) func aRecipientWithNoAddressFailsAsNoAddressAndIsResentOnceOneIsSet(
        engine: TestEngine
    ) async throws {
        let app = try await Self.app(engine)
        try await Outbox.enqueue(app, [Outbox.draft("cumbria.finance")])
        let relay = RecordingTransport()
        let report = try await app.deliverNotifications(
            transport: relay, node: "node-a", settings: Outbox.settings, now: Outbox.at())
        #expect(report.failed == 1 && report.messages == 0 && relay.messages.isEmpty)
        let failed = try #require(try await Outbox.rows(app, of: "cumbria.finance").first)
        #expect(failed.state == .failed && failed.lastError == "no-address")

        try await app.setEmail("finance@cumbria.example.org", of: "cumbria.finance", by: "cumbria.chief-executive")
        try await app.resendNotification(failed.id, by: "cumbria.chief-executive", now: Outbox.at(60))
        let pending = try #require(try await Outbox.rows(app, of: "cumbria.finance").first)
        #expect(pending.state == .pending && pending.attempts == 0 && pending.lastError == nil)
        #expect(pending.messageID == failed.messageID)
        #expect(try await app.auditLog(office: "cumbria").last?.event == "notification-resent")
        try await app.deliverNotifications(
            transport: relay, node: "node-a", settings: Outbox.settings, now: Outbox.at(60))
        #expect(relay.messages.map(\.to) == [["finance@cumbria.example.org"]])
        #expect(relay.messages.first?.messageID == "<\(failed.messageID)@opcc.example.org>")
        #expect(try await Outbox.rows(app, of: "cumbria.finance").first?.state == .sent)
    }

    @Test(arguments: TestEngine.all) func onlyTheOfficesChiefExecutiveResendsAndOnlyAFailedNotification(
        engine: TestEngine
    ) async throws {
        let app = try await Self.app(engine)
        try await Outbox.enqueue(app, [Outbox.draft("cumbria.finance"), Outbox.draft(occasion: "seq-9")])
        try await app.deliverNotifications(
            transport: RecordingTransport(), node: "node-a", settings: Outbox.settings, now: Outbox.at())
        let failed = try #require(try await Outbox.rows(app, of: "cumbria.finance").first)
        let sent = try #require(try await Outbox.rows(app).first)
        await #expect(
            refusalRule { try await app.resendNotification(failed.id, by: "cumbria.officer") }
                == "notifications-administered-by-chief-executive")
        await #expect(
            refusalRule { try await app.resendNotification(failed.id, by: "lincs.chief-executive") }
                == "notifications-administered-by-chief-executive")
        await #expect(
            refusalRule { _ = try await app.failedNotifications(office: "cumbria", as: "cumbria.finance") }
                == "notifications-administered-by-chief-executive")
        await #expect(
            refusalRule { try await app.resendNotification(sent.id, by: "cumbria.chief-executive") }
                == "notification-resend-only-failed")
        await #expect(
            refusalRule { try await app.resendNotification(999_999, by: "cumbria.chief-executive") }
                == "notification-known")
        #expect(try await Outbox.rows(app, of: "cumbria.finance").first == failed, "nothing changed")
    }

    @Test(arguments: TestEngine.all) func aOneTimeLinkIsNotKeptOnceSentOrFailedAndIsNeverResent(
        engine: TestEngine
    ) async throws {
        let app = try await Self.app(engine)
        let link = "Set your password: https://opcc.example.org/reset/0123456789abcdef"
        try await Outbox.enqueue(
            app,
            [
                Outbox.draft(kind: "password-reset", subject: "reset-1", body: link),
                Outbox.draft("cumbria.finance", kind: "invitation", subject: "invite-1", body: link),
            ])
        let relay = RecordingTransport()
        try await app.deliverNotifications(
            transport: relay, node: "node-a", settings: Outbox.settings, now: Outbox.at())
        #expect(relay.messages.first?.text.contains("0123456789abcdef") == true, "the mail carries the link")
        let sent = try #require(try await Outbox.rows(app).first)
        let failed = try #require(try await Outbox.rows(app, of: "cumbria.finance").first)
        #expect(sent.state == .sent && failed.state == .failed)
        for row in [sent, failed] { #expect(!row.body.contains("0123456789abcdef")) }
        await #expect(
            refusalRule { try await app.resendNotification(failed.id, by: "cumbria.chief-executive") }
                == "notification-resend-not-one-time-link")
    }

    @Test(arguments: TestEngine.all) func aDigestWaitsForSevenInLondonAndCombinesWhileStatutoryNoticesGoAtOnce(
        engine: TestEngine
    ) async throws {
        let app = try await Self.app(engine)
        try await app.setNotificationPreference(.dailyDigest, of: "cumbria.officer", by: "cumbria.officer")
        try await Outbox.enqueue(
            app,
            [
                Outbox.draft(occasion: "seq-1", title: "Sign-off needed on DR-1"),
                Outbox.draft(kind: "return-overdue", occasion: "2026-12-07", statutory: true, title: "Overdue return"),
                Outbox.draft(subject: "cumbria-DR-0002", occasion: "seq-2", title: "Decision DR-2 was taken"),
            ])
        let relay = RecordingTransport()
        try await app.deliverNotifications(
            transport: relay, node: "node-a", settings: Outbox.settings, now: Outbox.at())
        #expect(relay.messages.map(\.subject) == ["Overdue return"], "the statutory notice went at once")
        // 06:59:59 the next morning: still waiting. 07:00: one message with both.
        let early = try await app.deliverNotifications(
            transport: relay, node: "node-a", settings: Outbox.settings, now: Outbox.at(21 * 3600 - 1))
        #expect(early.claimed == 0)
        let digest = try await app.deliverNotifications(
            transport: relay, node: "node-a", settings: Outbox.settings, now: Outbox.at(21 * 3600))
        #expect(digest.claimed == 2 && digest.sent == 2 && digest.messages == 1)
        let mail = try #require(relay.messages.last)
        #expect(mail.subject == "OPCC daily digest: 2 notifications")
        #expect(mail.text.contains("Sign-off needed on DR-1") && mail.text.contains("Decision DR-2 was taken"))
        #expect(mail.text.contains("https://opcc.example.org/decisions/cumbria-DR-0002"))
        #expect(Self.htmlSaysWhatTheTextSays(mail))
        #expect(mail.messageID.hasPrefix("<opcc-digest-2026-12-08-") && mail.messageID.hasSuffix("@opcc.example.org>"))
        #expect(try await Outbox.rows(app).allSatisfy { $0.state == .sent })
    }

    @Test(arguments: TestEngine.all) func aDigestSplitByTheBatchLimitGoesAsTwoDistinctMessages(
        engine: TestEngine
    ) async throws {
        let app = try await Self.app(engine)
        try await app.setNotificationPreference(.dailyDigest, of: "cumbria.officer", by: "cumbria.officer")
        try await Outbox.enqueue(app, [Outbox.draft(occasion: "seq-1"), Outbox.draft(occasion: "seq-2")])
        let relay = RecordingTransport()
        for _ in 0..<2 {
            try await app.deliverNotifications(
                transport: relay, node: "node-a", settings: Outbox.settings, now: Outbox.at(21 * 3600), limit: 1)
        }
        let ids = relay.messages.map(\.messageID)
        #expect(ids.count == 2 && Set(ids).count == 2, "\(ids)")
    }

    @Test(arguments: TestEngine.all) func theRelayIsCalledOnlyAfterTheClaimIsCommitted(engine: TestEngine) async throws
    {
        let app = try await Self.app(engine)
        try await Outbox.enqueue(app, [Outbox.draft()])
        let seen = Mutex<[StoredNotification]>([])
        let store = app.store
        let relay = RecordingTransport(duringSend: { _ in
            // Another connection reads the outbox while the message is with the relay: the claim is there to see,
            // so it was committed before the send, and no transaction is open around it.
            let rows = try? await store.read { tx in
                try tx.notifications(recipient: "cumbria.officer", offset: 0, limit: 9)
            }
            seen.withLock { $0 = rows ?? [] }
        })
        try await app.deliverNotifications(
            transport: relay, node: "node-a", settings: Outbox.settings, now: Outbox.at())
        let during = try #require(seen.withLock { $0 }.first)
        #expect(during.state == .claimed && during.claimedBy == "node-a")
        #expect(try await Outbox.rows(app).first?.state == .sent)
    }

    @Test(arguments: TestEngine.all) func aStopBetweenSendingAndRecordingSendsAgainOnceWithTheSameMessageID(
        engine: TestEngine
    ) async throws {
        let app = try await Self.app(engine)
        try await Outbox.enqueue(app, [Outbox.draft()])
        let relay = RecordingTransport()
        // Node A claims (its one write that commits) and hands the message to the relay, then stops.
        let stopping = try Commissioning(
            store: StoppingStore(app.store, writesAllowed: 1), catalog: app.catalog, clock: app.clock)
        await #expect(throws: StoppingStore.Stopped.self) {
            try await stopping.deliverNotifications(
                transport: relay, node: "node-a", settings: Outbox.settings, now: Outbox.at())
        }
        #expect(try await Outbox.rows(app).first?.state == .claimed)
        // Within node A's lease nobody takes it; once the lease has run out, node B sends it again.
        let within = try await app.deliverNotifications(
            transport: relay, node: "node-b", settings: Outbox.settings, now: Outbox.at(299))
        #expect(within.claimed == 0)
        let after = try await app.deliverNotifications(
            transport: relay, node: "node-b", settings: Outbox.settings, now: Outbox.at(300))
        #expect(after.sent == 1)
        let later = try await app.deliverNotifications(
            transport: relay, node: "node-b", settings: Outbox.settings, now: Outbox.at(3600))
        #expect(later.claimed == 0)
        let row = try #require(try await Outbox.rows(app).first)
        #expect(row.state == .sent)
        #expect(relay.messages.map(\.messageID) == Array(repeating: "<\(row.messageID)@opcc.example.org>", count: 2))
    }

    @Test(arguments: TestEngine.all) func twoNodesOnOneDatabaseSendEachNotificationExactlyOnce(
        engine: TestEngine
    ) async throws {
        let stores = try await engine.makeStores(2)
        let (first, _) = try await demoApp(engine: engine, store: stores[0])
        let second = try Commissioning(store: stores[1], catalog: first.catalog, clock: first.clock)
        try await first.setEmail("vivian@cumbria.example.org", of: "cumbria.officer", by: "cumbria.officer")
        try await Self.deliverTheDemos(first)
        let count = 120
        try await Outbox.enqueue(first, (0..<count).map { Outbox.draft(occasion: "burst-\($0)") })
        let relays = [RecordingTransport(), RecordingTransport()]
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, app) in [first, second].enumerated() {
                group.addTask {
                    while true {
                        let report = try await app.deliverNotifications(
                            transport: relays[index], node: "node-\(index)", settings: Outbox.settings,
                            now: Outbox.at(), limit: 7)
                        if report.claimed == 0 { break }
                    }
                }
            }
            try await group.waitForAll()
        }
        let sent = relays.flatMap(\.messages).map(\.messageID)
        #expect(sent.count == count && Set(sent).count == count, "each once: \(relays.map(\.messages.count))")
        #expect(try await Outbox.rows(first).allSatisfy { $0.state == .sent })
    }
}
