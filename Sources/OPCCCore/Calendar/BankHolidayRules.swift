/// One England and Wales bank holiday: the day it falls on and the name gov.uk gives it. Publication deadlines are
/// counted in working days, so every holiday that stops the clock must be known by day; the name is kept so that a
/// person reading a deadline can see why a day was skipped.
public struct BankHoliday: Hashable, Sendable, Codable {
    public let day: Day
    public let name: String

    public init(day: Day, name: String) {
        self.day = day
        self.name = name
    }
}

/// A change to the bank holidays that the standing rules give. Governments move rule days and add one-off days by
/// proclamation (jubilees, weddings, a state funeral), so the rules alone are not enough: these adjustments record
/// what the rules cannot predict.
public enum BankHolidayAdjustment: Hashable, Sendable, Codable {
    /// A one-off day added on top of the rule days (e.g. the State Funeral of Queen Elizabeth II, 2022-09-19).
    case extra(BankHoliday)
    /// A rule day (`from`) that does not happen because the holiday was moved to another day (`to`), e.g. the early
    /// May bank holiday of 2020 moved from Monday 4 May to Friday 8 May for VE Day.
    case moved(from: Day, to: BankHoliday)

    /// The day on which this adjustment puts a holiday.
    public var holiday: BankHoliday {
        switch self {
        case .extra(let holiday): return holiday
        case .moved(_, let holiday): return holiday
        }
    }

    /// Every moved and one-off England and Wales bank holiday since 2011, built in so that a fresh install counts
    /// past deadlines correctly without any data file. Future one-off days go in
    /// `workflows/calendar/bank-holidays.yaml` (see `BankHolidayFile`) until a release adds them here.
    public static let builtIn: [BankHolidayAdjustment] = [
        .extra(BankHoliday(day: known(2011, 4, 29), name: "Royal wedding")),
        .moved(
            from: known(2012, 5, 28),
            to: BankHoliday(day: known(2012, 6, 4), name: "Spring bank holiday (moved for the Diamond Jubilee)")),
        .extra(BankHoliday(day: known(2012, 6, 5), name: "Queen's Diamond Jubilee")),
        .moved(
            from: known(2020, 5, 4),
            to: BankHoliday(day: known(2020, 5, 8), name: "Early May bank holiday (VE Day)")),
        .moved(
            from: known(2022, 5, 30),
            to: BankHoliday(day: known(2022, 6, 2), name: "Spring bank holiday (moved for the Platinum Jubilee)")),
        .extra(BankHoliday(day: known(2022, 6, 3), name: "Platinum Jubilee bank holiday")),
        .extra(BankHoliday(day: known(2022, 9, 19), name: "Bank holiday for the State Funeral of Queen Elizabeth II")),
        .extra(BankHoliday(day: known(2023, 5, 8), name: "Bank holiday for the coronation of King Charles III")),
    ]

    private static func known(_ year: Int, _ month: Int, _ day: Int) -> Day {
        guard let value = Day(year: year, month: month, day: day) else {
            preconditionFailure("built-in bank holiday \(year)-\(month)-\(day) is not a date")
        }
        return value
    }
}

/// The standing England and Wales bank holiday rules (Banking and Financial Dealings Act 1971 and the yearly
/// proclamations that repeat it), applied to any year. Computing them by rule, rather than shipping a list, means
/// deadlines far in the future or past are counted without anyone having to update a table.
///
/// The rules are today's rules applied to every year; moved and one-off days are `BankHolidayAdjustment`s.
public enum BankHolidayRules {
    /// Easter Sunday in the Gregorian calendar, by the anonymous (Meeus/Jones/Butcher) computus. Good Friday and
    /// Easter Monday hang off it.
    public static func easterSunday(in year: Int) -> Day {
        let a = year % 19
        let b = year / 100
        let c = year % 100
        let d = b / 4
        let e = b % 4
        let f = (b + 8) / 25
        let g = (b - f + 1) / 3
        let h = (19 * a + b - d - g + 15) % 30
        let i = c / 4
        let k = c % 4
        let l = (32 + 2 * e + 2 * i - h - k) % 7
        let m = (a + 11 * h + 22 * l) / 451
        let month = (h + l - 7 * m + 114) / 31
        let day = (h + l - 7 * m + 114) % 31 + 1
        return date(year, month, day)
    }

    /// The rule bank holidays of `year`, sorted by day, before any moved or one-off day is applied. Empty for a year
    /// that `Day` cannot represent (outside 1...9999).
    public static func holidays(in year: Int) -> [BankHoliday] {
        guard (1...9999).contains(year) else { return [] }
        var result: [BankHoliday] = []

        let newYear = date(year, 1, 1)
        switch newYear.isoWeekday {
        case 6: result.append(BankHoliday(day: newYear.adding(days: 2), name: "New Year's Day (substitute day)"))
        case 7: result.append(BankHoliday(day: newYear.adding(days: 1), name: "New Year's Day (substitute day)"))
        default: result.append(BankHoliday(day: newYear, name: "New Year's Day"))
        }

        let easter = easterSunday(in: year)
        result.append(BankHoliday(day: easter.adding(days: -2), name: "Good Friday"))
        result.append(BankHoliday(day: easter.adding(days: 1), name: "Easter Monday"))
        result.append(BankHoliday(day: firstMonday(of: 5, in: year), name: "Early May bank holiday"))
        result.append(BankHoliday(day: lastMonday(of: 5, in: year), name: "Spring bank holiday"))
        result.append(BankHoliday(day: lastMonday(of: 8, in: year), name: "Summer bank holiday"))

        let christmas = date(year, 12, 25)
        switch christmas.isoWeekday {
        case 5:  // Friday: Boxing Day falls on Saturday and moves to Monday 28th.
            result.append(BankHoliday(day: christmas, name: "Christmas Day"))
            result.append(BankHoliday(day: date(year, 12, 28), name: "Boxing Day (substitute day)"))
        case 6:  // Saturday: Christmas moves to Monday 27th, Boxing Day to Tuesday 28th.
            result.append(BankHoliday(day: date(year, 12, 27), name: "Christmas Day (substitute day)"))
            result.append(BankHoliday(day: date(year, 12, 28), name: "Boxing Day (substitute day)"))
        case 7:  // Sunday: Boxing Day stays on Monday 26th, Christmas moves to Tuesday 27th.
            result.append(BankHoliday(day: date(year, 12, 26), name: "Boxing Day"))
            result.append(BankHoliday(day: date(year, 12, 27), name: "Christmas Day (substitute day)"))
        default:
            result.append(BankHoliday(day: christmas, name: "Christmas Day"))
            result.append(BankHoliday(day: date(year, 12, 26), name: "Boxing Day"))
        }
        return result.sorted { $0.day < $1.day }
    }

    /// The first Monday of `month`.
    static func firstMonday(of month: Int, in year: Int) -> Day {
        let first = date(year, month, 1)
        return first.adding(days: (8 - first.isoWeekday) % 7)
    }

    /// The last Monday of `month`.
    static func lastMonday(of month: Int, in year: Int) -> Day {
        let last = date(year, month, Day.daysIn(month: month, year: year))
        return last.adding(days: -((last.isoWeekday + 6) % 7))
    }

    private static func date(_ year: Int, _ month: Int, _ day: Int) -> Day {
        guard let value = Day(year: year, month: month, day: day) else {
            preconditionFailure("bank holiday rule produced \(year)-\(month)-\(day), which is not a date")
        }
        return value
    }
}
