import Foundation
import OPCCCore
import OPCCServices
import OPCCStore
import OPCCTestSupport
import Testing

/// Parsed office profiles are cached in the process, keyed by the SHA-256 of the stored text, which every use reads
/// inside its own transaction: a profile changed by this process or by another one writing the same file is seen
/// by the very next act.
@Suite("Office profiles: the parsed cache is never stale")
struct ProfileCacheTests {
    /// Cumbria's shipped profile with its executive summary limit set to `limit` words.
    func cumbria(summaryLimit limit: Int) throws -> LoadedProfile {
        let url = repositoryRoot.appendingPathComponent("fixtures/offices/cumbria.yaml")
        let shipped = try String(contentsOf: url, encoding: .utf8)
        #expect(shipped.contains("executiveSummaryWordLimit: 100"))
        let text = shipped.replacingOccurrences(
            of: "executiveSummaryWordLimit: 100", with: "executiveSummaryWordLimit: \(limit)")
        return LoadedProfile(
            profile: try OfficeProfile.parse(yaml: text, source: "test"), text: text, source: "test cumbria.yaml")
    }

    /// Two applications, as two processes would be, over one database file.
    func twoApplications(_ engine: TestEngine) async throws -> (first: Commissioning, second: Commissioning) {
        let stores = try engine.makeStores(2)
        let (first, _) = try await demoApp(engine: engine, store: stores[0])
        let second = try Commissioning(
            store: stores[1], catalog: try shippedCatalog(), clock: FixedClock(day: day("2026-11-20")))
        return (first, second)
    }

    @Test(arguments: TestEngine.all)
    func aProfileChangedByAnotherWriterOfTheFileIsSeenByTheNextRead(engine: TestEngine) async throws {
        let (first, second) = try await twoApplications(engine)
        await #expect(try first.profile(of: "cumbria").executiveSummaryWordLimit == 100)
        try await second.registerOffice(try cumbria(summaryLimit: 150))
        await #expect(try first.profile(of: "cumbria").executiveSummaryWordLimit == 150)
        // Changed back to text seen before: the earlier parse is the right one again.
        try await second.registerOffice(try cumbria(summaryLimit: 100))
        await #expect(try first.profile(of: "cumbria").executiveSummaryWordLimit == 100)
    }

    @Test(arguments: TestEngine.all) func aProfileChangedThroughTheSameApplicationIsSeenByTheNextRead(
        engine: TestEngine
    ) async throws {
        let (app, _) = try await demoApp(engine: engine)
        await #expect(try app.profile(of: "cumbria").executiveSummaryWordLimit == 100)
        try await app.registerOffice(try cumbria(summaryLimit: 120))
        await #expect(try app.profile(of: "cumbria").executiveSummaryWordLimit == 120)
    }

    @Test(arguments: TestEngine.all)
    func theWorkflowGuardsJudgeAnActByTheProfileAnotherWriterJustStored(engine: TestEngine) async throws {
        let (first, second) = try await twoApplications(engine)
        let imported = try await first.showDecision("014/2016", office: "cumbria", by: "cumbria.officer").record
        var draft = shortDraft()
        draft.executiveSummary = imported.executiveSummary  // 118 words
        let id = try await first.raiseDecision(
            office: "cumbria", draft: draft, by: "cumbria.officer", on: day("2016-05-03")
        )
        .id
        let refused = await #expect(throws: ActRefused.self) {
            try await first.submitDecision(id, by: "cumbria.officer", on: day("2016-05-03"))
        }
        #expect(refused?.rules == ["executive-summary-word-limit"])
        // The other writer raises the limit; the first application's next act is judged by the new profile.
        try await second.registerOffice(try cumbria(summaryLimit: 150))
        try await first.submitDecision(id, by: "cumbria.officer", on: day("2016-05-03"))
        await #expect(try first.instance(id)?.state == "awaiting-sign-offs")
    }

    @Test(arguments: TestEngine.all) func anUnknownOfficeIsRefusedRatherThanServedFromTheCache(
        engine: TestEngine
    ) async throws {
        let (app, _) = try await demoApp(engine: engine)
        _ = try await app.profile(of: "cumbria")
        await #expect(throws: ServiceRefusal.self) { try await app.profile(of: "nowhere") }
    }
}
