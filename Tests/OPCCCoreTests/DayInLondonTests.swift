import Foundation
import OPCCCore
import Testing

@Suite("Days are calendar days in Europe/London")
struct DayInLondonTests {
    func instant(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

    @Test func anInstantFallsOnItsLondonDayAcrossSummerTime() async throws {
        // 23:30 UTC on 30 June is 00:30 on 1 July in London (BST, UTC+1): a new day, month and quarter.
        #expect(Day(containing: instant("2016-06-30T23:30:00Z")) == Day(year: 2016, month: 7, day: 1))
        #expect(Quarter(containing: Day(containing: instant("2016-06-30T23:30:00Z"))).number == 2)
        // In winter London is on UTC: 23:30 UTC on 31 December is still 31 December.
        #expect(Day(containing: instant("2016-12-31T23:30:00Z")) == Day(year: 2016, month: 12, day: 31))
        // Summer time began on 26 March 2017, so 23:30 UTC on 31 March 2017 is already 1 April in London: the new
        // financial year, where UTC would still say 2016/17.
        #expect(Day(containing: instant("2017-03-31T23:30:00Z")) == Day(year: 2017, month: 4, day: 1))
        #expect(FinancialYear(containing: Day(containing: instant("2017-03-31T23:30:00Z"))).startYear == 2017)
        #expect(FinancialYear(containing: Day(containing: instant("2017-03-31T22:30:00Z"))).startYear == 2016)
        // 00:30 UTC on 27 March 2016 is before the clocks went forward (01:00 UTC): still 27 March.
        #expect(Day(containing: instant("2016-03-27T00:30:00Z")) == Day(year: 2016, month: 3, day: 27))
        // The last hour of 29 October 2016 in BST (22:30 UTC is 23:30 BST).
        #expect(Day(containing: instant("2016-10-29T22:30:00Z")) == Day(year: 2016, month: 10, day: 29))
        #expect(Day(containing: instant("2016-10-29T23:30:00Z")) == Day(year: 2016, month: 10, day: 30))
    }

    @Test func anotherZoneIsCountedInThatZone() async throws {
        let utc = try #require(TimeZone(identifier: "UTC"))
        #expect(Day(containing: instant("2016-06-30T23:30:00Z"), in: utc) == Day(year: 2016, month: 6, day: 30))
        // And asking again in London afterwards still counts in London.
        #expect(Day(containing: instant("2016-06-30T23:30:00Z")) == Day(year: 2016, month: 7, day: 1))
    }
}
