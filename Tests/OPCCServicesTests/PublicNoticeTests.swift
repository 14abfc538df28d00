import OPCCCore
import OPCCStore
import OPCCTestSupport
import Testing

@testable import OPCCServices

/// The public notice page is kept once rendered; it must never be served for content it was not made from, and never
/// hold Part 2's content.
@Suite("Public notice pages")
struct PublicNoticeTests {
    static let tripwire = "Part 2 test content: not for publication."

    /// The page rendered from the record as a public reader sees it, without anything kept.
    static func freshNotice(_ app: Commissioning, _ id: String) async throws -> String {
        let view = try await app.showDecision(id, by: nil)
        return DecisionNotice.html(
            view.record, status: view.status, profile: try await app.profile(of: view.record.office),
            stylesheet: .linked("/assets/notice.css"))
    }

    @Test(arguments: TestEngine.all) func theServedNoticeIsTheNoticeOfTheRecordAsStored(engine: TestEngine) async throws
    {
        let (app, _) = try await demoApp(engine: engine)
        let id = try await app.decisionID("014/2016", office: "cumbria")
        let expected = try await Self.freshNotice(app, id)
        await #expect(try app.publishedNoticeHTML(id) == expected)
        #expect(app.caches.notices.keptPages == [expected])
        await #expect(try app.publishedNoticeHTML(id) == expected)
    }

    @Test(arguments: TestEngine.all) func aCorrectionIsServedAtOnceThoughTheEarlierNoticeWasKept(
        engine: TestEngine
    ) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let id = try await app.decisionID("014/2016", office: "cumbria")
        let before = try await app.publishedNoticeHTML(id)
        var fix = DecisionDraft()
        fix.title = "Vulnerable Localities Index (VLI) Pilot as minuted"
        let version = try await app.showDecision(id, by: nil).version
        try await app.correctDecision(
            id, draft: fix, reason: "title as minuted", by: "cumbria.officer", on: day("2016-04-01"))
        // A correction now bumps the version too; the cache is keyed by the stored text, not by the version, so the
        // corrected notice is served at once either way.
        await #expect(try app.showDecision(id, by: nil).version == version + 1)
        let after = try await app.publishedNoticeHTML(id)
        #expect(after != before)
        #expect(after.contains("Vulnerable Localities Index (VLI) Pilot as minuted"))
        await #expect(after == (try Self.freshNotice(app, id)))
    }

    @Test(arguments: TestEngine.all) func aChangedOfficeProfileIsServedAtOnceThoughTheEarlierNoticeWasKept(
        engine: TestEngine
    ) async throws {
        let (app, store) = try await demoApp(engine: engine)
        let id = try await app.decisionID("014/2016", office: "cumbria")
        let before = try await app.publishedNoticeHTML(id)
        let renamed = "Office of the Police, Fire and Crime Commissioner for Cumbria"
        #expect(!before.contains(renamed))
        try await store.write { tx in
            let office = try #require(try tx.office(id: "cumbria"))
            try tx.saveOffice(
                id: office.id, name: renamed, orgID: office.orgID,
                profileText: office.profileText.replacingOccurrences(
                    of: "name: Office of the Police and Crime Commissioner for Cumbria", with: "name: \(renamed)"),
                registeredAt: "2026-11-20T00:00:00Z")
        }
        let after = try await app.publishedNoticeHTML(id)
        #expect(after.contains(renamed))
        await #expect(after == (try Self.freshNotice(app, id)))
    }

    @Test(arguments: TestEngine.all) func aRecordNotPublishedIsRefusedToThePublicAsAMissingOneIsAndNothingIsKept(
        engine: TestEngine
    ) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let draft = try await app.raiseDecision(
            office: "cumbria", draft: shortDraft("Unpublished pilot"), by: "cumbria.officer")
        let error = await #expect(throws: ServiceRefusal.self) { try await app.publishedNoticeHTML(draft.id) }
        #expect(error?.rule == "known-decision")
        #expect(error?.kind == .notFound)
        let unknown = await #expect(throws: ServiceRefusal.self) {
            try await app.publishedNoticeHTML("cumbria-DR-9999")
        }
        #expect(unknown?.rule == "known-decision")
        #expect(error?.message.replacingOccurrences(of: draft.id, with: "cumbria-DR-9999") == unknown?.message)
        #expect(app.caches.notices.keptPages.isEmpty)
    }

    @Test(arguments: TestEngine.all) func noKeptNoticeEverHoldsPart2Content(engine: TestEngine) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let part2 = try await app.readPart2("007/2020", office: "lincolnshire", by: "lincs.auditor")
        #expect(part2.contains(Self.tripwire), "the demo's tripwire is in place")
        let published = try await app.decisionRegister(DecisionFilter(), by: nil)
        #expect(published.contains { $0.number == "007/2020" && $0.office == "lincolnshire" })
        for row in published {
            await #expect(!(try app.publishedNoticeHTML(row.id)).contains(Self.tripwire))
            // Twice: the second answer is the kept one.
            await #expect(!(try app.publishedNoticeHTML(row.id)).contains(Self.tripwire))
        }
        #expect(app.caches.notices.keptPages.count == published.count)
        #expect(!app.caches.notices.keptPages.contains { $0.contains(Self.tripwire) })
    }

    @Test func aFullCacheIsEmptiedBeforeItGrowsPastItsCapacity() {
        let cache = PublicNoticeCache()
        for n in 0..<PublicNoticeCache.capacity {
            cache.keep("page \(n)", for: .init(part1SHA256: "\(n)", status: "published", profileSHA256: "p"))
        }
        #expect(cache.keptPages.count == PublicNoticeCache.capacity)
        let key = PublicNoticeCache.Key(part1SHA256: "new", status: "published", profileSHA256: "p")
        cache.keep("new page", for: key)
        #expect(cache.keptPages == ["new page"])
        #expect(cache.page(key) == "new page")
    }
}
