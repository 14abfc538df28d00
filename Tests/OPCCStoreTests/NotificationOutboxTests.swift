import Foundation
import OPCCCore
import OPCCTestSupport
import Testing

@testable import OPCCStore

/// The outbox as the store keeps it: rows written in the act's own transaction, once per (recipient, kind, subject,
/// occasion).
@Suite("Notification outbox")
struct NotificationOutboxTests {
    static func draft(
        _ recipient: String = "cumbria.officer", kind: String = "decision-taken", subject: String = "dr-1",
        occasion: String = "seq-7", statutory: Bool = false
    ) -> NotificationDraft {
        NotificationDraft(
            office: "cumbria", recipient: recipient, kind: kind, subjectID: subject, occasion: occasion,
            statutory: statutory, subject: "Decision DR-1 was taken", body: "The decision was taken.",
            path: "/decisions/\(subject)")
    }

    /// A store with the office `cumbria` and two of its people.
    static func store(_ engine: TestEngine) async throws -> TestStore {
        let store = try await engine.makeStore()
        try await store.write { tx in
            try tx.saveOffice(id: "cumbria", name: "Cumbria", orgID: nil, profileText: "id: cumbria", registeredAt: "t")
            try tx.addPerson(name: "cumbria.officer", displayName: "Officer", office: "cumbria", addedAt: "t")
            try tx.addPerson(name: "cumbria.finance", displayName: "Finance", office: "cumbria", addedAt: "t")
        }
        return store
    }

    @Test(arguments: TestEngine.all) func aDraftIsWrittenOnceAndADuplicateByItsKeyIsSkipped(
        engine: TestEngine
    ) async throws {
        let store = try await Self.store(engine)
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let first = try await store.write { tx in
            try tx.enqueueNotifications([Self.draft(), Self.draft("cumbria.finance")], at: now)
        }
        #expect(first == 2)
        // The same drafts again (a second sweep of the same day), and one new occasion: only the new one is written.
        let second = try await store.write { tx in
            try tx.enqueueNotifications(
                [Self.draft(), Self.draft("cumbria.finance"), Self.draft(occasion: "seq-8")], at: now)
        }
        #expect(second == 1)
    }

    @Test(arguments: TestEngine.all) func aDraftForSomeoneWhoIsNotAPersonIsRefusedAndNothingIsWritten(
        engine: TestEngine
    ) async throws {
        let store = try await Self.store(engine)
        await #expect(throws: StoreError.notFound(what: "person 'nobody'")) {
            try await store.write { tx in
                try tx.enqueueNotifications([Self.draft(), Self.draft("nobody")], at: Date())
            }
        }
        let again = try await store.write { tx in try tx.enqueueNotifications([Self.draft()], at: Date()) }
        #expect(again == 1, "the first draft was rolled back with the refused one")
    }

    @Test(arguments: TestEngine.all) func theBadgesCountStopsAtItsLimitAndCountsOnlyTheRecipientsUnread(
        engine: TestEngine
    ) async throws {
        let store = try await Self.store(engine)
        let drafts = (0..<12).map { Self.draft(occasion: "seq-\($0)") } + [Self.draft("cumbria.finance")]
        _ = try await store.write { tx in try tx.enqueueNotifications(drafts, at: Date()) }
        let read = try await store.write { tx in
            let first = try #require(tx.notifications(recipient: "cumbria.officer", offset: 0, limit: 1).first).id
            return try tx.markNotificationRead(id: first, recipient: "cumbria.officer", atMs: 1)
        }
        #expect(read)
        let counts = try await store.read { tx in
            try [100, 12, 11, 5, 0].map { try tx.unreadNotificationCount(recipient: "cumbria.officer", upTo: $0) }
                + [try tx.unreadNotificationCount(recipient: "cumbria.officer")]
        }
        #expect(counts == [11, 11, 11, 5, 0, 11])
    }
}
