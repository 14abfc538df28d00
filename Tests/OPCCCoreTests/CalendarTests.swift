import Foundation
import Testing

@testable import OPCCCore

private func day(_ text: String) -> Day {
    do {
        return try Day(iso: text)
    } catch {
        preconditionFailure("test date \(text) is not a date")
    }
}

private func holidayDays(_ calendar: WorkingDayCalendar, _ year: Int) -> [String] {
    calendar.bankHolidays(in: year).map(\.day.iso)
}

private let calendar = WorkingDayCalendar()

@Suite("Bank holiday rules")
struct BankHolidayRuleTests {
    @Test(arguments: [
        (2016, "2016-03-27"), (2019, "2019-04-21"), (2020, "2020-04-12"), (2021, "2021-04-04"),
        (2022, "2022-04-17"), (2024, "2024-03-31"), (2025, "2025-04-20"), (2038, "2038-04-25"),
    ])
    func easterSundayByComputus(year: Int, expected: String) {
        #expect(BankHolidayRules.easterSunday(in: year).iso == expected)
    }

    @Test func theFullList2016MatchesGovUK() {
        #expect(
            holidayDays(calendar, 2016) == [
                "2016-01-01", "2016-03-25", "2016-03-28", "2016-05-02", "2016-05-30", "2016-08-29", "2016-12-26",
                "2016-12-27",
            ])
    }

    @Test func theFullList2022MatchesGovUK() {
        #expect(
            holidayDays(calendar, 2022) == [
                "2022-01-03", "2022-04-15", "2022-04-18", "2022-05-02", "2022-06-02", "2022-06-03", "2022-08-29",
                "2022-09-19", "2022-12-26", "2022-12-27",
            ])
    }

    @Test func christmasOnASaturdayMovesChristmasToMondayAndBoxingDayToTuesday() {
        let christmas = calendar.bankHolidays(in: 2021).filter { $0.day.month == 12 }.map(\.day.iso)
        #expect(christmas == ["2021-12-27", "2021-12-28"])
        #expect(!calendar.isWorkingDay(day("2021-12-27")))
        #expect(!calendar.isWorkingDay(day("2021-12-28")))
        #expect(calendar.isWorkingDay(day("2021-12-29")))
    }

    @Test func christmasOnASundayKeepsBoxingDayOnMondayAndMovesChristmasToTuesday() {
        let christmas = calendar.bankHolidays(in: 2022).filter { $0.day.month == 12 }
        #expect(christmas.map(\.day.iso) == ["2022-12-26", "2022-12-27"])
        #expect(christmas.map(\.name) == ["Boxing Day", "Christmas Day (substitute day)"])
    }

    @Test func christmasOnAFridayMovesBoxingDayToMonday() {
        let christmas = calendar.bankHolidays(in: 2020).filter { $0.day.month == 12 }.map(\.day.iso)
        #expect(christmas == ["2020-12-25", "2020-12-28"])
    }

    @Test func newYearOnASaturdayMovesToMonday() {
        #expect(holidayDays(calendar, 2022).first == "2022-01-03")
        #expect(calendar.isWorkingDay(day("2021-12-31")))
        #expect(!calendar.isBankHoliday(day("2022-01-01")))
        #expect(!calendar.isWorkingDay(day("2022-01-03")))
    }

    @Test func newYearOnASundayMovesToMonday() {
        #expect(holidayDays(calendar, 2017).first == "2017-01-02")
    }

    @Test func veDay2020MovesTheEarlyMayHoliday() {
        #expect(calendar.isBankHoliday(day("2020-05-08")))
        #expect(calendar.isWorkingDay(day("2020-05-04")))
        #expect(calendar.bankHoliday(on: day("2020-05-08"))?.name == "Early May bank holiday (VE Day)")
    }

    @Test func platinumJubileeAndStateFuneral2022() {
        for text in ["2022-06-02", "2022-06-03", "2022-09-19"] {
            #expect(calendar.isBankHoliday(day(text)), "\(text)")
        }
        #expect(calendar.isWorkingDay(day("2022-05-30")))
    }

    @Test func diamondJubilee2012MovesTheSpringHolidayAndAddsADay() {
        #expect(
            holidayDays(calendar, 2012) == [
                "2012-01-02", "2012-04-06", "2012-04-09", "2012-05-07", "2012-06-04", "2012-06-05", "2012-08-27",
                "2012-12-25", "2012-12-26",
            ])
        #expect(calendar.isWorkingDay(day("2012-05-28")))
    }

    @Test func royalWedding2011IsAnExtraDay() {
        #expect(calendar.isBankHoliday(day("2011-04-29")))
        #expect(holidayDays(calendar, 2011).count == 9)
    }

    @Test func coronation2023IsAnExtraDay() {
        #expect(
            holidayDays(calendar, 2023) == [
                "2023-01-02", "2023-04-07", "2023-04-10", "2023-05-01", "2023-05-08", "2023-05-29", "2023-08-28",
                "2023-12-25", "2023-12-26",
            ])
    }

    @Test func aYearWithNoSpecialsHasEightHolidays() {
        for year in 1900...2200 where ![2011, 2012, 2022, 2023].contains(year) {
            #expect(calendar.bankHolidays(in: year).count == 8, "\(year)")
            #expect(calendar.bankHolidays(in: year).allSatisfy { !$0.day.isWeekend }, "\(year)")
        }
    }
}

@Suite("Working-day arithmetic")
struct WorkingDayArithmeticTests {
    @Test func weekendsAreNotWorkingDays() {
        #expect(!calendar.isWorkingDay(day("2016-03-12")))
        #expect(!calendar.isWorkingDay(day("2016-03-13")))
        #expect(calendar.isWorkingDay(day("2016-03-14")))
    }

    @Test func workingDaysAroundEaster2016() {
        #expect(!calendar.isWorkingDay(day("2016-03-25")))
        #expect(!calendar.isWorkingDay(day("2016-03-28")))
        #expect(calendar.adding(workingDays: 1, to: day("2016-03-24")) == day("2016-03-29"))
    }

    @Test(arguments: [
        ("2016-03-09", 3, "2016-03-14"),  // over a weekend
        ("2022-06-02", 3, "2022-06-08"),  // from a jubilee holiday, over the jubilee Friday and a weekend
        ("2020-12-18", 3, "2020-12-23"),
        ("2020-12-23", 3, "2020-12-30"),  // over Christmas Friday and Boxing Day substitute Monday
        ("2016-03-24", 2, "2016-03-30"),  // over Easter
        ("2016-03-12", 1, "2016-03-14"),  // from a Saturday
        ("2016-03-14", 0, "2016-03-14"),  // zero is the day itself
        ("2016-03-13", 0, "2016-03-13"),  // even a Sunday
        ("2016-03-14", -1, "2016-03-11"),  // back over a weekend
        ("2016-03-29", -1, "2016-03-24"),  // back over Easter
        ("2020-12-30", -3, "2020-12-23"),
        ("2016-03-13", -1, "2016-03-11"),  // back from a Sunday
        ("2021-12-24", 1, "2021-12-29"),
        ("2022-12-23", 5, "2023-01-04"),  // over Christmas and New Year into the next year
        ("2016-01-01", 253, "2016-12-30"),  // a working year: 261 weekdays less 8 holidays
    ])
    func addWorkingDaysTable(start: String, n: Int, expected: String) {
        #expect(calendar.adding(workingDays: n, to: day(start)) == day(expected))
    }

    @Test func workingDaysBetweenCountsTheEndButNotTheStart() {
        #expect(calendar.workingDays(from: day("2016-03-09"), to: day("2016-03-14")) == 3)
        #expect(calendar.workingDays(from: day("2016-03-14"), to: day("2016-03-14")) == 0)
        #expect(calendar.workingDays(from: day("2016-03-14"), to: day("2016-03-09")) == -3)
        #expect(calendar.workingDays(from: day("2016-01-01"), to: day("2016-12-31")) == 253)
    }

    @Test func workingDaysBetweenIsTheInverseOfAdding() {
        let start = day("2019-12-01")
        for offset in 0..<(4 * 366) {
            let from = start.adding(days: offset)
            for n in [-30, -7, -3, -2, -1, 0, 1, 2, 3, 5, 10, 40] {
                let to = calendar.adding(workingDays: n, to: from)
                #expect(calendar.workingDays(from: from, to: to) == n, "\(from) \(n)")
                if n != 0 {
                    #expect(calendar.isWorkingDay(to), "\(from) \(n) gave \(to)")
                }
            }
        }
    }

    @Test func addingMatchesStepByStepCounting() {
        let start = day("2010-12-20")
        for offset in stride(from: 0, to: 5000, by: 3) {
            let from = start.adding(days: offset)
            for n in [1, 4, 9, -1, -4, -9] {
                var current = from
                var left = abs(n)
                while left > 0 {
                    current = current.adding(days: n > 0 ? 1 : -1)
                    if calendar.isWorkingDay(current) { left -= 1 }
                }
                #expect(calendar.adding(workingDays: n, to: from) == current, "\(from) \(n)")
            }
        }
    }

    @Test func longSpansAreCountedWithoutWalkingEveryDay() {
        let from = day("2000-01-04")  // a working day, so going back lands on it again
        let to = calendar.adding(workingDays: 250_000, to: from)
        #expect(calendar.workingDays(from: from, to: to) == 250_000)
        #expect(calendar.adding(workingDays: -250_000, to: to) == from)
    }

    @Test func additionalAdjustmentsChangeTheCalendar() {
        let extra = BankHolidayAdjustment.extra(BankHoliday(day: day("2030-01-02"), name: "One-off"))
        let moved = BankHolidayAdjustment.moved(
            from: day("2030-05-27"), to: BankHoliday(day: day("2030-06-03"), name: "Spring bank holiday (moved)"))
        let custom = WorkingDayCalendar(additional: [extra, moved, extra])
        #expect(custom.isBankHoliday(day("2030-01-02")))
        #expect(custom.isWorkingDay(day("2030-05-27")))
        #expect(!custom.isWorkingDay(day("2030-06-03")))
        #expect(calendar.isWorkingDay(day("2030-01-02")))
        #expect(custom.adjustments.count == BankHolidayAdjustment.builtIn.count + 2)
    }
}

@Suite("Bank holiday file")
struct BankHolidayFileTests {
    let source = "workflows/calendar/bank-holidays.yaml"

    private func error(_ yaml: String) -> CalendarDataError? {
        do {
            _ = try BankHolidayFile.parse(yaml: yaml, source: source)
            return nil
        } catch {
            return error
        }
    }

    @Test func anExtraDayFromTheFileBecomesAHoliday() async throws {
        let yaml = """
            version: 1
            extra:
              - date: 2030-01-02
                name: Example one-off day
            moved:
              - from: 2030-05-27
                to: 2030-06-03
                name: Spring bank holiday (moved)
            """
        let adjustments = try BankHolidayFile.parse(yaml: yaml, source: source)
        #expect(
            adjustments == [
                .extra(BankHoliday(day: day("2030-01-02"), name: "Example one-off day")),
                .moved(
                    from: day("2030-05-27"),
                    to: BankHoliday(day: day("2030-06-03"), name: "Spring bank holiday (moved)")),
            ])
        let custom = WorkingDayCalendar(additional: adjustments)
        #expect(custom.bankHoliday(on: day("2030-01-02"))?.name == "Example one-off day")
        #expect(custom.adding(workingDays: 1, to: day("2029-12-31")) == day("2030-01-03"))
        #expect(custom.isWorkingDay(day("2030-05-27")))
    }

    @Test func entriesRepeatingABuiltInAdjustmentAreAccepted() async throws {
        let yaml = """
            version: 1
            extra:
              - date: 2022-09-19
                name: Bank holiday for the State Funeral of Queen Elizabeth II
            moved:
              - from: 2020-05-04
                to: 2020-05-08
                name: Early May bank holiday (VE Day)
            """
        let adjustments = try BankHolidayFile.parse(yaml: yaml, source: source)
        #expect(adjustments.count == 2)
        #expect(holidayDays(WorkingDayCalendar(additional: adjustments), 2022) == holidayDays(calendar, 2022))
    }

    @Test func emptyListsAreAccepted() async throws {
        #expect(try BankHolidayFile.parse(yaml: "version: 1\nextra: []\nmoved:\n", source: source).isEmpty)
    }

    @Test(arguments: [
        (
            "version: 1\nextra:\n  - date: 2030-02-30\n    name: X\n", CalendarDataError.Kind.badDate,
            ["extra[0].date", "'2030-02-30' is not a date", "YYYY-MM-DD"]
        ),
        ("version: 1\nextra:\n  - name: X\n", .missingField, ["extra[0].date", "missing"]),
        ("version: 1\nextra:\n  - date: 2030-01-02\n", .missingField, ["extra[0].name", "missing"]),
        (
            "version: 1\nmoved:\n  - from: 2030-05-28\n    to: 2030-06-03\n    name: X\n", .notARuleHoliday,
            ["moved[0].from", "2030-05-28 is not a rule bank holiday of 2030"]
        ),
        (
            "version: 1\nmoved:\n  - from: 2030-05-27\n    to: 2030-06-31\n    name: X\n", .badDate,
            ["moved[0].to", "'2030-06-31' is not a date"]
        ),
        (
            "version: 1\nextra:\n  - date: 2030-01-02\n    name: A\n  - date: 2030-01-02\n    name: B\n",
            .duplicate, ["extra[1].date", "2030-01-02 is already listed at extra[0]"]
        ),
        (
            "version: 1\nextra:\n  - date: 2030-12-25\n    name: A\n", .duplicate,
            ["extra[0].date", "already a bank holiday (Christmas Day)"]
        ),
        (
            "version: 1\nextra:\n  - date: 2022-09-19\n    name: Funeral\n", .duplicate,
            ["extra[0].date", "already a bank holiday"]
        ),
        (
            "version: 1\nmoved:\n  - from: 2020-05-04\n    to: 2020-05-11\n    name: X\n", .duplicate,
            ["moved[0].from", "already moved to 2020-05-08"]
        ),
        (
            "version: 1\nmoved:\n  - from: 2030-05-27\n    to: 2030-06-03\n    name: A\n"
                + "  - from: 2030-05-27\n    to: 2030-06-04\n    name: B\n",
            .duplicate, ["moved[1].from", "already moved at moved[0]"]
        ),
        ("version: 1\nextra: [\n", .badYAML, ["not valid YAML"]),
        ("extra: []\n", .missingField, ["version", "missing"]),
        ("version: 2\n", .unsupportedVersion, ["version", "not a supported version"]),
        ("version: 1\nextras: []\n", .unknownField, ["extras", "unknown key on line 2"]),
        (
            "version: 1\nextra:\n  - date: 2030-01-02\n    name: A\n    when: x\n", .unknownField,
            ["extra[0].when", "unknown key on line 5 (known keys: date, name)"]
        ),
        ("version: 1\nextra: 2030-01-02\n", .wrongShape, ["extra", "expected a list"]),
    ])
    func badInputIsReportedWithSourceFieldAndProblem(
        yaml: String, kind: CalendarDataError.Kind, parts: [String]
    ) throws {
        let caught = try #require(error(yaml))
        #expect(caught.kind == kind)
        #expect(caught.description.hasPrefix(source + ": "))
        for part in parts {
            #expect(caught.description.contains(part), "\(caught.description) lacks \(part)")
        }
    }

    @Test func theBadDateMessageReadsAsASentence() async throws {
        let caught = try #require(error("version: 1\nextra:\n  - date: 2030-02-30\n    name: X\n"))
        #expect(
            caught.description
                == "workflows/calendar/bank-holidays.yaml: extra[0].date: '2030-02-30' is not a date: "
                + "write it as YYYY-MM-DD, for example 2016-03-14")
    }

    private var shippedFile: URL {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent()  // OPCCCoreTests
            .deletingLastPathComponent()  // Tests
            .deletingLastPathComponent()  // repository root
            .appendingPathComponent("workflows/calendar/bank-holidays.yaml")
    }

    @Test func theShippedFileParses() async throws {
        let text = try String(contentsOf: shippedFile, encoding: .utf8)
        let adjustments = try BankHolidayFile.parse(yaml: text, source: source)
        #expect(adjustments.isEmpty)
    }

    @Test func theShippedFilesCommentedExampleParsesWhenUncommented() async throws {
        let text = try String(contentsOf: shippedFile, encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard let start = lines.firstIndex(where: { $0 == "#   extra:" }) else {
            Issue.record("the shipped file has no commented example")
            return
        }
        var example = ["version: 1"]
        for line in lines[start...] {
            guard line.hasPrefix("#   ") else { break }
            example.append(String(line.dropFirst(4)))
        }
        let adjustments = try BankHolidayFile.parse(yaml: example.joined(separator: "\n"), source: source)
        #expect(adjustments.count == 2)
    }
}
