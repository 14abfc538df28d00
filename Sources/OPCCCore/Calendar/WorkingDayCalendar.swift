/// The England and Wales working-day calendar: Monday to Friday, less bank holidays. Offices set publication
/// deadlines in working days (Cumbria: within 3 working days of approval), so every such deadline is computed here.
///
/// Built from the standing rules (`BankHolidayRules`), the built-in moved and one-off days
/// (`BankHolidayAdjustment.builtIn`) and any further adjustments an office supplies (usually from
/// `workflows/calendar/bank-holidays.yaml`, read by `BankHolidayFile`). Holidays are computed per year on demand, so
/// the calendar works for any year with no table to maintain; arithmetic over long spans is proportional to the
/// number of years spanned, not days.
public struct WorkingDayCalendar: Sendable {
    /// Every adjustment in force, built-ins first, without repeats.
    public let adjustments: [BankHolidayAdjustment]
    /// Rule days that were moved away and so are not holidays.
    private let movedAway: Set<Day>
    /// Added days (moved-to and extra), by the year they fall in, in the order given.
    private let addedByYear: [Int: [BankHoliday]]

    /// A calendar with the built-in adjustments plus `additional` ones. Adjustments that repeat one already given are
    /// ignored; when two put a holiday on the same day, the first one's name is kept.
    public init(additional: [BankHolidayAdjustment] = []) {
        var seen: Set<BankHolidayAdjustment> = []
        var all: [BankHolidayAdjustment] = []
        var movedAway: Set<Day> = []
        var added: [Int: [BankHoliday]] = [:]
        for adjustment in BankHolidayAdjustment.builtIn + additional where seen.insert(adjustment).inserted {
            all.append(adjustment)
            if case .moved(let from, _) = adjustment { movedAway.insert(from) }
            added[adjustment.holiday.day.year, default: []].append(adjustment.holiday)
        }
        self.adjustments = all
        self.movedAway = movedAway
        self.addedByYear = added
    }

    /// The bank holidays of `year`, one per day, sorted by day: the rule days that were not moved away, plus the
    /// moved-to and one-off days that fall in the year.
    public func bankHolidays(in year: Int) -> [BankHoliday] {
        var days: Set<Day> = []
        var result: [BankHoliday] = []
        let ruleDays = BankHolidayRules.holidays(in: year).filter { !movedAway.contains($0.day) }
        for holiday in ruleDays + addedByYear[year, default: []] where days.insert(holiday.day).inserted {
            result.append(holiday)
        }
        return result.sorted { $0.day < $1.day }
    }

    /// The bank holiday on `day`, if there is one; lets a caller say why a day does not count.
    public func bankHoliday(on day: Day) -> BankHoliday? {
        bankHolidays(in: day.year).first { $0.day == day }
    }

    /// Whether `day` is an England and Wales bank holiday (whatever day of the week it falls on).
    public func isBankHoliday(_ day: Day) -> Bool {
        bankHoliday(on: day) != nil
    }

    /// Whether offices are open on `day`: a weekday that is not a bank holiday.
    public func isWorkingDay(_ day: Day) -> Bool {
        !day.isWeekend && !isBankHoliday(day)
    }

    /// The day `n` working days after `day`, as in "publish within 3 working days of approval": `day` itself never
    /// counts, so the result is the n-th working day strictly after it (whatever kind of day `day` is). `n == 0`
    /// returns `day` unchanged; a negative `n` is the mirror image, the |n|-th working day strictly before `day`.
    ///
    /// For every `day` and `n`, `workingDays(from: day, to: adding(workingDays: n, to: day)) == n`.
    public func adding(workingDays n: Int, to day: Day) -> Day {
        if n == 0 { return day }
        // Jump by weekdays, then make up for the holidays jumped over; each pass can only undershoot, and stops when
        // the last stretch held no holiday, so the result is itself a working day.
        if n > 0 {
            var target = WeekdayCount.weekday(after: day, count: n)
            var counted = countWorkingDays(after: day, through: target)
            while counted < n {
                let next = WeekdayCount.weekday(after: target, count: n - counted)
                counted += countWorkingDays(after: target, through: next)
                target = next
            }
            return target
        } else {
            let wanted = -n
            var target = WeekdayCount.weekday(before: day, count: wanted)
            var counted = countWorkingDays(from: target, before: day)
            while counted < wanted {
                let next = WeekdayCount.weekday(before: target, count: wanted - counted)
                counted += countWorkingDays(from: next, before: target)
                target = next
            }
            return target
        }
    }

    /// How many working days `end` is from `start`, counted the way deadlines are: moving from `start` towards
    /// `end`, `start` is excluded and `end` included. So when `end` is later it is the number of working days `d`
    /// with `start < d <= end`; when `end` is earlier it is minus the number with `end <= d < start`; zero when they
    /// are the same day. This makes it the exact inverse of `adding(workingDays:to:)`.
    public func workingDays(from start: Day, to end: Day) -> Int {
        if end >= start {
            return countWorkingDays(after: start, through: end)
        } else {
            return -countWorkingDays(from: end, before: start)
        }
    }

    // MARK: - Counting

    /// Working days `d` with `start < d <= end` (zero when `end <= start`).
    private func countWorkingDays(after start: Day, through end: Day) -> Int {
        guard end > start else { return 0 }
        return WeekdayCount.weekdays(after: start, through: end) - weekdayHolidays(after: start, through: end)
    }

    /// Working days `d` with `start <= d < end` (zero when `end <= start`).
    private func countWorkingDays(from start: Day, before end: Day) -> Int {
        countWorkingDays(after: start.adding(days: -1), through: end.adding(days: -1))
    }

    /// Bank holidays falling on a weekday with `start < d <= end`.
    private func weekdayHolidays(after start: Day, through end: Day) -> Int {
        var count = 0
        for year in start.year...end.year {
            for holiday in bankHolidays(in: year)
            where holiday.day > start && holiday.day <= end && !holiday.day.isWeekend {
                count += 1
            }
        }
        return count
    }
}

/// Weekday (Monday to Friday) arithmetic in constant time, with no holidays: the cheap first step of working-day
/// arithmetic.
enum WeekdayCount {
    /// A running count of weekdays: `ordinal(b) - ordinal(a)` is the number of weekdays `d` with `a < d <= b`.
    static func ordinal(_ day: Day) -> Int {
        // Index 0 is Monday 1969-12-29 (1970-01-01 was a Thursday).
        let index = day.dayNumber + 3
        let weeks = floorDivide(index + 1, 7)
        return 5 * weeks + min(index + 1 - 7 * weeks, 5)
    }

    /// The weekday whose running count is `ordinal`.
    static func day(atOrdinal ordinal: Int) -> Day {
        let weeks = floorDivide(ordinal - 1, 5)
        let index = 7 * weeks + (ordinal - 1 - 5 * weeks)
        return Day(dayNumber: index - 3)
    }

    /// Weekdays `d` with `start < d <= end`.
    static func weekdays(after start: Day, through end: Day) -> Int {
        ordinal(end) - ordinal(start)
    }

    /// The `count`-th weekday strictly after `day` (`count > 0`).
    static func weekday(after day: Day, count: Int) -> Day {
        self.day(atOrdinal: ordinal(day) + count)
    }

    /// The `count`-th weekday strictly before `day` (`count > 0`).
    static func weekday(before day: Day, count: Int) -> Day {
        self.day(atOrdinal: ordinal(day.adding(days: -1)) - count + 1)
    }

    private static func floorDivide(_ a: Int, _ b: Int) -> Int {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }
}
