import Foundation
import Testing

@testable import OPCCCore

@Suite("Financial years and quarters")
struct FinancialYearTests {
    private func day(_ iso: String) throws -> Day { try Day(iso: iso) }

    @Test func financialYearRunsFirstAprilToThirtyFirstMarch() async throws {
        let year = FinancialYear(startYear: 2017)
        #expect(year.firstDay == (try day("2017-04-01")))
        #expect(year.lastDay == (try day("2018-03-31")))
        #expect(year.contains(try day("2017-04-01")))
        #expect(year.contains(try day("2018-03-31")))
        #expect(!year.contains(try day("2017-03-31")))
        #expect(!year.contains(try day("2018-04-01")))
        #expect(FinancialYear(containing: try day("2018-03-31")) == year)
        #expect(FinancialYear(containing: try day("2018-04-01")) == year.next)
        #expect(year.next.startYear == 2018)
        #expect(year.previous.startYear == 2016)
        #expect(year.previous < year)
        // A leap year's February is inside the year, and the year still ends on 31 March.
        #expect(FinancialYear(startYear: 2015).lastDay == (try day("2016-03-31")))
        #expect(FinancialYear(startYear: 2015).firstDay.days(until: FinancialYear(startYear: 2016).firstDay) == 366)
    }

    @Test func financialYearHoldsForAnyYearWithoutFailing() {
        for startYear in [-401, -1, 0, 1, 399, 400, 1999, 9998, 9999, 12_000] {
            let year = FinancialYear(startYear: startYear)
            #expect(year.firstDay.month == 4 && year.firstDay.day == 1 && year.firstDay.year == startYear)
            #expect(year.lastDay.month == 3 && year.lastDay.day == 31 && year.lastDay.year == startYear + 1)
            #expect(year.lastDay.adding(days: 1) == year.next.firstDay)
        }
    }

    @Test(arguments: ["2017/18", "2017-18", "2017/2018", "2017-2018", " 2017/18 "])
    func financialYearAcceptsTheThreeWrittenForms(text: String) async throws {
        #expect(try FinancialYear(parsing: text) == FinancialYear(startYear: 2017))
    }

    @Test(arguments: [
        (1999, "1999/00"), (2009, "2009/10"), (2017, "2017/18"), (2099, "2099/00"), (999, "0999/00"), (5, "0005/06"),
    ])
    func financialYearIsWrittenWithATwoDigitSecondYear(startYear: Int, text: String) async throws {
        let year = FinancialYear(startYear: startYear)
        #expect(year.description == text)
        #expect(try FinancialYear(parsing: text) == year)
    }

    @Test func centuryWrapIsConsecutive() async throws {
        #expect(try FinancialYear(parsing: "1999/00").startYear == 1999)
        #expect(try FinancialYear(parsing: "1999-2000").startYear == 1999)
        #expect(throws: FinancialYearParseError(text: "1999/1900", reason: .notConsecutive)) {
            try FinancialYear(parsing: "1999/1900")
        }
    }

    @Test(arguments: ["2017/19", "2017/17", "2017-2019", "2018/17", "1999/01"])
    func nonConsecutiveYearsAreRefused(text: String) {
        #expect(throws: FinancialYearParseError(text: text, reason: .notConsecutive)) {
            try FinancialYear(parsing: text)
        }
        let description = FinancialYearParseError(text: text, reason: .notConsecutive).description
        #expect(description.contains("'\(text)'"))
        #expect(description.contains("2017/18"))
        #expect(description.contains("after the first"))
    }

    @Test(arguments: [
        "2017", "17/18", "", "FY2017/18", "2017/8", "2017/018", "2017 18", "2017//18", "2017/18/19", "٢٠١٧/١٨",
        "2017\\18", "twenty seventeen",
    ])
    func malformedFinancialYearsAreRefusedWithTheAcceptedForms(text: String) {
        #expect(throws: FinancialYearParseError(text: text, reason: .malformed)) { try FinancialYear(parsing: text) }
        let description = FinancialYearParseError(text: text, reason: .malformed).description
        #expect(description.contains("'\(text)'"))
        #expect(description.contains("2017/18, 2017-18, 2017/2018 or 2017-2018"))
    }

    @Test func financialYearEncodesAsItsWrittenForm() async throws {
        let data = try JSONEncoder().encode([FinancialYear(startYear: 2009)])
        #expect(
            String(decoding: data, as: UTF8.self) == #"["2009\/10"]"#
                || String(decoding: data, as: UTF8.self)
                    == #"["2009/10"]"#
        )
        #expect(try JSONDecoder().decode([FinancialYear].self, from: data) == [FinancialYear(startYear: 2009)])
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode([FinancialYear].self, from: Data(#"["2009/11"]"#.utf8))
        }
    }

    @Test func financialYearHasFourQuartersInOrder() {
        let year = FinancialYear(startYear: 2016)
        #expect(year.quarters.map(\.description) == ["2016/17 Q1", "2016/17 Q2", "2016/17 Q3", "2016/17 Q4"])
        #expect(year.quarters.first?.firstDay == year.firstDay)
        #expect(year.quarters.last?.lastDay == year.lastDay)
        for (earlier, later) in zip(year.quarters, year.quarters.dropFirst()) {
            #expect(earlier.lastDay.adding(days: 1) == later.firstDay)
            #expect(earlier < later)
        }
    }

    @Test(arguments: [
        ("2016-03-09", "2015/16 Q4"),
        ("2016-04-01", "2016/17 Q1"),
        ("2016-06-30", "2016/17 Q1"),
        ("2016-07-01", "2016/17 Q2"),
        ("2016-09-30", "2016/17 Q2"),
        ("2016-10-01", "2016/17 Q3"),
        ("2016-12-31", "2016/17 Q3"),
        ("2017-01-01", "2016/17 Q4"),
        ("2017-03-31", "2016/17 Q4"),
    ])
    func quarterContainingADay(iso: String, quarter: String) throws {
        let day = try day(iso)
        let found = Quarter(containing: day)
        #expect(found.description == quarter)
        #expect(found.contains(day))
        #expect(found.year.contains(day))
    }

    @Test(arguments: [
        (1, "2016-04-01", "2016-06-30"),
        (2, "2016-07-01", "2016-09-30"),
        (3, "2016-10-01", "2016-12-31"),
        (4, "2017-01-01", "2017-03-31"),
    ])
    func quarterRunsFromItsFirstToItsLastDay(number: Int, first: String, last: String) async throws {
        let quarter = try #require(Quarter(year: FinancialYear(startYear: 2016), number: number))
        #expect(quarter.firstDay == (try day(first)))
        #expect(quarter.lastDay == (try day(last)))
    }

    @Test func quarterNextAndPreviousCrossTheYear() async throws {
        let q4 = try Quarter(parsing: "2015/16 Q4")
        #expect(q4.next.description == "2016/17 Q1")
        #expect(q4.next.previous == q4)
        #expect(q4.previous.description == "2015/16 Q3")
        let q1 = try Quarter(parsing: "2016/17 Q1")
        #expect(q1.previous.description == "2015/16 Q4")
        var quarter = q1
        for _ in 0..<8 { quarter = quarter.next }
        #expect(quarter.description == "2018/19 Q1")
        #expect(quarter > q1)
    }

    @Test func quarterNumbersOutsideOneToFourAreRefused() {
        #expect(Quarter(year: FinancialYear(startYear: 2017), number: 0) == nil)
        #expect(Quarter(year: FinancialYear(startYear: 2017), number: 5) == nil)
    }

    @Test(arguments: ["2017/18 Q3", "2017-18 Q3", "2017/2018 Q3", " 2017/18 Q3 "])
    func quarterParsesItsWrittenForm(text: String) async throws {
        #expect(try Quarter(parsing: text) == Quarter(year: FinancialYear(startYear: 2017), number: 3))
    }

    @Test(arguments: [
        "2017/18", "2017/18 Q5", "2017/18 Q0", "2017/18Q3", "2017/18  Q3", "2017/19 Q3", "Q3 2017/18",
        "2017/18 q3", "2017/18 Q", "2017/18 Q٣", "",
    ])
    func malformedQuartersAreRefusedWithTheAcceptedForm(text: String) {
        #expect(throws: QuarterParseError(text: text)) { try Quarter(parsing: text) }
        let description = QuarterParseError(text: text).description
        #expect(description.contains("'\(text)'"))
        #expect(description.contains("2017/18 Q3"))
    }

    @Test func quarterEncodesAsItsDescription() async throws {
        let quarter = try Quarter(parsing: "2017/18 Q3")
        let data = try JSONEncoder().encode(["q": quarter])
        #expect(try JSONDecoder().decode([String: Quarter].self, from: data) == ["q": quarter])
        #expect(try JSONDecoder().decode([String: String].self, from: data) == ["q": "2017/18 Q3"])
    }
}
