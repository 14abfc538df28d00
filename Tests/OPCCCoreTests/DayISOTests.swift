import PropertyBased
import Testing

@testable import OPCCCore

/// A day's ISO text is written as its ten bytes for the years of four digits; the long way (any year) gives the same
/// text for every day, and the text reads back as the day.
@Suite("Days: ISO text")
struct DayISOTests {
    @Test func theISOTextOfAnyDayIsTheLongWaysAndReadsBackAsTheDay() async {
        // Day numbers from before year 0 to after year 9999 (from 1970-01-01).
        await propertyCheck(count: 2_000, input: Gen.int(in: -800_000...3_000_000)) { number in
            let day = Day(dayNumber: number)
            #expect(day.iso == day.isoOfAnyYear)
            if (1...9999).contains(day.year) {
                #expect(day.iso.utf8.count == 10)
                #expect((try? Day(iso: day.iso)) == day)
            }
        }
    }

    @Test func theEdgesOfTheShortWay() {
        #expect(Day(dayNumber: 0).iso == "1970-01-01")
        #expect(Day(year: 1, month: 1, day: 1)?.iso == "0001-01-01")
        #expect(Day(year: 9999, month: 12, day: 31)?.iso == "9999-12-31")
        #expect(Day(year: 2024, month: 2, day: 29)?.iso == "2024-02-29")
    }
}
