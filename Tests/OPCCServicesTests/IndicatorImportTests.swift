import Foundation
import OPCCCore
import OPCCServices
import OPCCStore
import OPCCTestSupport
import Testing

/// Importing a context series for a grant from the Home Office recorded crime CSV (issue 6, item 7).
@Suite("Indicator series from CSV")
struct IndicatorImportTests {
    let slice = try! String(
        contentsOf: repositoryRoot.appendingPathComponent("fixtures/indicators/cumbria-recorded-crime-2017-18.csv"),
        encoding: .utf8)

    @Test func theForcesOffencesAreSummedPerQuarter() async throws {
        let all = try IndicatorCSV.parse(slice, source: "slice.csv", area: "Cumbria", mapping: .init())
        #expect(all.map(\.0.description) == ["2017/18 Q1", "2017/18 Q2", "2017/18 Q3", "2017/18 Q4"])
        #expect(all.map(\.1) == [6904, 6825, 7136, 7668])
        var robbery = IndicatorCSV.Mapping()
        robbery.filter = ("Offence_Group", "Robbery")
        #expect(
            try IndicatorCSV.parse(slice, source: "slice.csv", area: "Cumbria", mapping: robbery).map(\.1)
                == [24, 14, 27, 30])
    }

    @Test func aBadRowRefusesTheWholeFileNamingItsLine() async throws {
        let bad = """
            Financial_Year,Financial_Quarter,Force_Name,Number_of_Offences
            2017/18,1,Cumbria,10
            2017/18,1,Cumbria,ten
            """
        let refused = #expect(throws: ServiceRefusal.self) {
            try IndicatorCSV.parse(bad, source: "bad.csv", area: "Cumbria", mapping: .init())
        }
        #expect(refused?.rule == "valid-indicator-file")
        #expect(refused?.message == "bad.csv: line 3: 'ten' is not a whole number")
        let noColumn = #expect(throws: ServiceRefusal.self) {
            try IndicatorCSV.parse(
                "Year,Force\n2017/18,Cumbria\n", source: "other.csv", area: "Cumbria", mapping: .init())
        }
        #expect(noColumn?.message.contains("no column 'Financial_Year'") == true)
        var mapped = IndicatorCSV.Mapping()
        mapped.year = "Year"
        mapped.quarter = "Q"
        mapped.area = "Force"
        mapped.value = "Count"
        #expect(
            try IndicatorCSV.parse(
                "Year,Q,Force,Count\n2017/18,2,Cumbria,5\n", source: "m.csv", area: "Cumbria",
                mapping: mapped
            ).map(\.1) == [5])
    }

    @Test(arguments: TestEngine.all) func aBoardImportsOnlyForItsOwnGrantAndTheSeriesIsKept(
        engine: TestEngine
    ) async throws {
        let (app, store) = try await demoApp(engine: engine)
        let values = try IndicatorCSV.parse(slice, source: "slice.csv", area: "Cumbria", mapping: .init())
        let refused = await #expect(throws: ServiceRefusal.self) {
            try await app.importIndicatorSeries(
                agreement: "cumbria-GA-0002", indicator: "Cumbria recorded crime", source: "slice.csv", values: values,
                by: "cumbria.barrow-board")
        }
        #expect(refused?.rule == "known-agreement")
        #expect(refused?.message == "no agreement 'cumbria-GA-0002'")
        try await app.importIndicatorSeries(
            agreement: "cumbria-GA-0001", indicator: "Cumbria recorded crime", source: "slice.csv", values: values,
            by: "cumbria.barrow-board")
        let kept = try await store.read { try $0.indicatorSeries(agreement: "cumbria-GA-0001") }
        #expect(kept.map(\.value) == [6904, 6825, 7136, 7668])
        #expect(kept.allSatisfy { $0.source == "slice.csv" && $0.indicator == "Cumbria recorded crime" })
    }
}
