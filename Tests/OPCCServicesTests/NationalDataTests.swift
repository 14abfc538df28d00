import Foundation
import OPCCCore
import OPCCServices
import OPCCStore
import OPCCTestSupport
import Testing

/// The national data set's generator (`opcc-bench --national`) at a tiny scale: two offices, one year, a dozen
/// decisions each, through the services on each engine.
@Suite struct NationalDataTests {
    static let generated = PerEngine<(Commissioning, Commissioning.NationalDataSummary)> { engine in
        let app = try Commissioning(
            store: try await engine.makeStore(), catalog: try shippedCatalog(),
            clock: FixedClock(day: day("2026-11-20")))
        var options = Commissioning.NationalDataOptions()
        (options.offices, options.years, options.decisionsPerYear) = (2, 1, 12)
        (options.allocationsPerYear, options.recipientsPerYear) = (12, 4)
        return (app, try await app.generateNationalData(from: home, options))
    }

    @Test(arguments: TestEngine.all) func theGeneratedOfficesHoldDecisionsInEveryState(engine: TestEngine) async throws
    {
        let (app, summary) = try await Self.generated(engine)
        #expect(summary.offices == 2)
        let expected: Set = [
            "draft", "awaiting-sign-offs", "with-decision-maker", "approved", "not-approved", "publication-deferred",
            "published", "withdrawn",
        ]
        #expect(Set(summary.decisionStates.keys) == expected)
        // The register agrees with the summary: each office's records, in the states counted.
        var states: [String: Int] = [:]
        for office in ["avon-and-somerset", "bedfordshire"] {
            var filter = DecisionFilter()
            filter.office = office
            let rows = try await app.decisionRegister(filter, by: "\(office).officer-1")
            #expect(rows.count == 12)
            for row in rows { states[row.status, default: 0] += 1 }
        }
        #expect(states == summary.decisionStates)
        // Avon and Somerset has Cumbria's profile, which delegates the decision to the Chief Executive.
        #expect(summary.delegatedDecisions == 1)
    }

    @Test(arguments: TestEngine.all) func everyActiveAgreementHasItsReturnsAccepted(engine: TestEngine) async throws {
        let (app, summary) = try await Self.generated(engine)
        #expect(summary.activatedAgreements > 0)
        #expect(summary.returnsScheduled == 4 * summary.activatedAgreements)
        let rows = try await app.returns(
            Commissioning.ReturnFilter(office: "bedfordshire"), as: "bedfordshire.finance-1")
        #expect(!rows.isEmpty)
        // The last year's final quarter leaves a tenth outstanding; every other return is accepted.
        #expect(summary.returnsAccepted >= summary.returnsScheduled * 9 / 10 - 1)
        #expect(summary.returnsAccepted + summary.returnsSentBack > 0)
        #expect(summary.sweeps > 0)
    }

    @Test(arguments: TestEngine.all) func theOfficesHaveTheirPeopleAndRoles(engine: TestEngine) async throws {
        let (app, summary) = try await Self.generated(engine)
        let people = try await app.people(office: "avon-and-somerset")
        let roles = Set(people.flatMap { $0.actor.roles(covering: nil) })
        #expect(roles.isSuperset(of: [.officer, .finance, .chiefExecutive, .commissioner, .auditor]))
        #expect(people.contains { $0.name.hasPrefix("avon-and-somerset.board-") })
        #expect(summary.people == (try await app.people(office: nil)).count)
    }

    @Test(arguments: TestEngine.all) func theBooksBalanceAndTheAuditChainIsIntact(engine: TestEngine) async throws {
        let (app, summary) = try await Self.generated(engine)
        #expect(try await app.financeCheck().isEmpty)
        let verification = try await app.verifyAudit()
        #expect(verification.isIntact, "\(verification.problems)")
        #expect(summary.vliFixture && summary.vliRuns == 2)
    }

    /// A generation stopped part way is continued (`opcc-bench --resume`): the offices already there are left as they
    /// are and the rest are generated after them, on the same audit chain.
    @Test(arguments: TestEngine.all) func aStoppedGenerationIsContinuedWithTheOfficesItLacks(
        engine: TestEngine
    )
        async throws
    {
        let app = try Commissioning(
            store: try await engine.makeStore(), catalog: try shippedCatalog(),
            clock: FixedClock(day: day("2026-11-20")))
        var options = Commissioning.NationalDataOptions()
        (options.offices, options.years, options.decisionsPerYear) = (1, 1, 6)
        (options.allocationsPerYear, options.recipientsPerYear, options.vli) = (6, 2, false)
        let first = try await app.generateNationalData(from: home, options)
        #expect(first.offices == 1)
        let head = try await app.auditHead()
        (options.offices, options.resume) = (2, true)
        let second = try await app.generateNationalData(from: home, options)
        #expect(second.offices == 1)
        #expect(try await app.offices().map(\.id).sorted() == ["avon-and-somerset", "bedfordshire"])
        var filter = DecisionFilter()
        filter.office = "avon-and-somerset"
        #expect(try await app.decisionRegister(filter, by: "avon-and-somerset.officer-1").count == 6)
        filter.office = "bedfordshire"
        #expect(try await app.decisionRegister(filter, by: "bedfordshire.officer-1").count == 6)
        #expect(try await app.auditHead() != head)
        let verification = try await app.verifyAudit()
        #expect(verification.isIntact, "\(verification.problems)")
        #expect(try await app.financeCheck().isEmpty)
    }
}
