import Foundation
import OPCCCore
import OPCCServices
import OPCCStore
import OPCCTestSupport
import Testing

/// The finance page reads one year (issue 27: nothing loads a whole table to show a year): on a generated office
/// with three years of money, each year's overview holds that year's strands, live allocations and the agreements
/// paying them out, and nothing of the other years; the years it offers are every year with money.
@Suite struct FinanceOverviewYearTests {
    static let generated = PerEngine<Commissioning> { engine in
        let app = try Commissioning(
            store: try await engine.makeStore(), catalog: try shippedCatalog(),
            clock: FixedClock(day: day("2026-11-20")))
        var options = Commissioning.NationalDataOptions()
        (options.offices, options.years, options.decisionsPerYear) = (1, 3, 6)
        (options.allocationsPerYear, options.recipientsPerYear, options.vli) = (9, 3, false)
        _ = try await app.generateNationalData(from: home, options)
        return app
    }

    @Test(arguments: TestEngine.all)
    func theFinancePageOfAYearHoldsThatYearsMoneyAndNoOtherYears(engine: TestEngine) async throws {
        let app = try await Self.generated(engine)
        let finance = "avon-and-somerset.finance-1"
        let latest = try await app.financeOverview(as: finance)
        #expect(latest.years.map(\.startYear) == [2016, 2017, 2018])
        #expect(latest.year == FinancialYear(startYear: 2018), "the latest year by default")
        var agreementsSeen: Set<String> = []
        for year in latest.years {
            let overview = try await app.financeOverview(as: finance, year: year)
            #expect(overview.year == year)
            #expect(!overview.strands.isEmpty && overview.strands.allSatisfy { $0.year == year })
            #expect(!overview.allocations.isEmpty && overview.allocations.allSatisfy { $0.year == year })
            let allocationIDs = Set(overview.allocations.map(\.id))
            #expect(!overview.agreements.isEmpty)
            for row in overview.agreements {
                #expect(
                    !allocationIDs.isDisjoint(with: row.agreement.allocationIDs),
                    "\(row.agreement.id) pays out an allocation of \(year.startYear)")
            }
            agreementsSeen.formUnion(overview.agreements.map(\.agreement.id))
            #expect(!overview.reconciliation.isEmpty)
        }
        let every = try await app.store.read { try $0.agreements(office: "avon-and-somerset") }
        #expect(agreementsSeen == Set(every.map(\.id)), "every agreement is on the page of a year it pays out")
    }
}
