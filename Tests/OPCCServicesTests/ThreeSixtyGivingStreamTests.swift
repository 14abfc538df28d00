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
}
