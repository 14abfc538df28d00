import Foundation
import OPCCCore
import OPCCServices
import OPCCStore
import OPCCTestSupport
import Testing

/// The 360Giving package of one financial year, and the national package streamed a year at a time (issue 27: the
/// export of one office and year answers fast, the national one in bounded memory), on a generated data set of two
/// offices over three years.
@Suite struct ThreeSixtyGivingStreamTests {
    static let generated = PerEngine<Commissioning> { engine in
        let app = try Commissioning(
            store: try await engine.makeStore(), catalog: try shippedCatalog(),
            clock: FixedClock(day: day("2026-11-20")))
        var options = Commissioning.NationalDataOptions()
        (options.offices, options.years, options.decisionsPerYear) = (2, 3, 10)
        (options.allocationsPerYear, options.recipientsPerYear, options.vli) = (10, 4, false)
        _ = try await app.generateNationalData(from: home, options)
        return app
    }

    static func grants(_ data: Data) throws -> [[String: Any]] {
        let package = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        return try #require(package["grants"] as? [[String: Any]])
    }

    static func streamed(_ stream: ThreeSixtyGivingStream) async throws -> (Data, pieces: Int) {
        var data = Data()
        var pieces = 0
        for try await piece in stream {
            data += piece
            pieces += 1
        }
        return (data, pieces)
    }

    /// A year's grants are kept between requests while the audit chain's head has not moved: asked again, the
    /// same bytes; after a change to what is published (an agreement terminated), the package read afresh, never
    /// the one kept from before.
    @Test(arguments: TestEngine.all) func aYearKeptFromBeforeAChangeIsNeverServedAfterIt(
        engine: TestEngine
    ) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let years = (2015...2017).map(FinancialYear.init(startYear:))
        func streamedYears() async throws -> [Data] {
            var result: [Data] = []
            for year in years {
                result.append(
                    try await Self.streamed(
                        try await app.threeSixtyGivingStream(
                            office: "cumbria", year: year, documentBase: "https://x.example")
                    ).0)
            }
            return result
        }
        func wholeYears() async throws -> [Data] {
            var result: [Data] = []
            for year in years {
                result.append(
                    try await app.threeSixtyGiving(office: "cumbria", year: year, documentBase: "https://x.example"))
            }
            return result
        }
        func keptYears() async throws -> [Data] {
            var result: [Data] = []
            for year in years {
                result.append(
                    try await app.threeSixtyGivingYear(office: "cumbria", year: year, documentBase: "https://x.example")
                )
            }
            return result
        }
        let before = try await streamedYears()
        #expect(before == (try await wholeYears()))
        #expect(before == (try await keptYears()), "the whole package of a year is the streamed one")
        #expect(before == (try await keptYears()), "asked again: the package kept")
        #expect(try before.contains { try !Self.grants($0).isEmpty }, "the demo publishes grants")
        #expect((try await streamedYears()) == before, "asked again: the years kept")
        try await app.terminateAgreement(
            "cumbria-GA-0002", reason: "The hub site was withdrawn", by: "cumbria.pcc", on: day("2016-09-01"))
        let after = try await streamedYears()
        #expect(after == (try await wholeYears()))
        #expect(after == (try await keptYears()), "the package kept from before the change is not served")
        #expect(after != before, "the terminated agreement's grant is no longer the same")
    }

    @Test(arguments: TestEngine.all) func theStreamedPackageIsTheWholePackageByteForByte(
        engine: TestEngine
    )
        async throws
    {
        let app = try await Self.generated(engine)
        for office in [nil, "avon-and-somerset", "bedfordshire"] as [String?] {
            let whole = try await app.threeSixtyGiving(office: office, documentBase: "https://opcc.example")
            let grants = try Self.grants(whole)
            #expect(grants.count > 10, "the generated offices have grants over several years")
            let (streamed, pieces) = try await Self.streamed(
                try await app.threeSixtyGivingStream(office: office, documentBase: "https://opcc.example"))
            #expect(streamed == whole, "\(office ?? "every office")")
            let years = Set(
                grants.compactMap { ($0["awardDate"] as? String).map { try? Day(iso: $0) } ?? nil }.map {
                    FinancialYear(containing: $0).startYear
                })
            #expect(years.count >= 2)
            #expect(pieces == years.count + 1, "a piece per year with grants, then the closing")
        }
    }

    @Test(arguments: TestEngine.all) func aYearsPackageHoldsTheGrantsDecidedInThatFinancialYearAndNoOthers(
        engine: TestEngine
    ) async throws {
        let app = try await Self.generated(engine)
        for office in [nil, "avon-and-somerset"] as [String?] {
            let whole = try Self.grants(try await app.threeSixtyGiving(office: office)).map { $0["id"] as! String }
            var union: [String] = []
            for start in 2015...2020 {
                let year = FinancialYear(startYear: start)
                let data = try await app.threeSixtyGiving(office: office, year: year)
                let grants = try Self.grants(data)
                for grant in grants {
                    let awarded = try Day(iso: try #require(grant["awardDate"] as? String))
                    #expect(year.contains(awarded), "\(grant["id"] ?? "") awarded \(awarded) is in \(start)")
                }
                union += grants.map { $0["id"] as! String }
                let (streamed, _) = try await Self.streamed(
                    try await app.threeSixtyGivingStream(office: office, year: year))
                #expect(streamed == data, "the year streamed is the year whole")
            }
            #expect(union == whole, "the years together are the whole package, in its order")
        }
    }

    @Test(arguments: TestEngine.all) func aYearWithNoGrantsIsAValidEmptyPackage(engine: TestEngine) async throws {
        let app = try await Self.generated(engine)
        let data = try await app.threeSixtyGiving(office: "bedfordshire", year: FinancialYear(startYear: 2030))
        #expect(try Self.grants(data).isEmpty)
        let (streamed, pieces) = try await Self.streamed(
            try await app.threeSixtyGivingStream(office: "bedfordshire", year: FinancialYear(startYear: 2030)))
        #expect(streamed == data && pieces == 1)
    }

    /// An office the database does not hold is refused by name, kept package or not.
    @Test(arguments: TestEngine.all) func aYearsPackageOfAnUnknownOfficeIsRefused(engine: TestEngine) async throws {
        let app = try await Self.generated(engine)
        _ = try await app.threeSixtyGivingYear(
            office: "bedfordshire", year: FinancialYear(startYear: 2016), documentBase: nil)
        await #expect {
            try await app.threeSixtyGivingYear(
                office: "no-such-office", year: FinancialYear(startYear: 2016), documentBase: nil)
        } throws: { error in
            (error as? ServiceRefusal)?.rule == ServiceRefusal.Rule.knownOffice.rawValue
        }
    }
}
