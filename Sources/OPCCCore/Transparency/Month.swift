/// A calendar month, `2016-04`: the period a transparency publication covers (spending is published monthly).
public struct Month: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let year: Int
    public let month: Int

    /// The month, or nil when `month` is not 1…12 or `year` not 1…9999.
    public init?(year: Int, month: Int) {
        guard (1...9999).contains(year), (1...12).contains(month) else { return nil }
        self.year = year
        self.month = month
    }

    /// The month a day falls in.
    public init(containing day: Day) {
        year = day.year
        month = day.month
    }

    /// Parses `YYYY-MM` (`2016-04`) and nothing else.
    public init(parsing text: String) throws(MonthParseError) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 4, parts[1].count == 2,
            parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
            let y = Int(parts[0]), let m = Int(parts[1])
        else { throw MonthParseError(text: text, reason: .form) }
        guard let value = Month(year: y, month: m) else { throw MonthParseError(text: text, reason: .noSuchMonth) }
        self = value
    }

    public var firstDay: Day { Day(year: year, month: month, day: 1)! }
    public var lastDay: Day { Day(year: year, month: month, day: Day.daysIn(month: month, year: year))! }

    public func contains(_ day: Day) -> Bool { day.year == year && day.month == month }

    /// Whether any day from `start` to `end` (both included) falls in the month.
    public func overlaps(start: Day, end: Day) -> Bool { start <= lastDay && firstDay <= end }

    /// `2016-04`.
    public var description: String { String(year) + "-" + (month < 10 ? "0" : "") + String(month) }

    public static func < (a: Month, b: Month) -> Bool { (a.year, a.month) < (b.year, b.month) }
}

/// Why a text is not a month.
public struct MonthParseError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Reason: Hashable, Sendable {
        /// Not four digits, a hyphen and two digits.
        case form
        /// Well formed, but the month is not 01…12 (or the year is 0000).
        case noSuchMonth
    }

    public let text: String
    public let reason: Reason

    public init(text: String, reason: Reason) {
        self.text = text
        self.reason = reason
    }

    public var description: String {
        switch reason {
        case .form: return "'\(text)' is not a month: write it as YYYY-MM, for example 2016-04"
        case .noSuchMonth: return "'\(text)' is not a month: the month is 01 to 12, for example 2016-04"
        }
    }
}
