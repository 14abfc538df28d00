import Foundation

/// A calendar day with no time and no zone: the unit of every date that means a day (a signature date, a deadline,
/// a quarter end). Days are counted in Europe/London; `Day(containing:in:)` turns an instant into the day it falls on.
///
/// Stored and printed as ISO 8601 (`2016-03-14`). Arithmetic uses a day number (days since 1970-01-01) so that adding
/// days never touches time zones or daylight saving.
public struct Day: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    /// Creates a day, or nil when the year, month and day do not name a real date (e.g. 2021-02-29).
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month), day >= 1,
            day <= Day.daysIn(month: month, year: year)
        else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// The day numbered `dayNumber` days after 1970-01-01 (negative before it).
    public init(dayNumber: Int) {
        // Howard Hinnant's civil_from_days: exact for the proleptic Gregorian calendar.
        let z = dayNumber + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        self.year = yoe + era * 400 + (m <= 2 ? 1 : 0)
        self.month = m
        self.day = d
    }

    /// Days since 1970-01-01.
    public var dayNumber: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = month > 2 ? month - 3 : month + 9
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    public static func isLeap(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// ISO weekday: Monday = 1 … Sunday = 7.
    public var isoWeekday: Int {
        // 1970-01-01 was a Thursday (4).
        let r = (dayNumber + 3) % 7
        return (r < 0 ? r + 7 : r) + 1
    }

    public var isWeekend: Bool { isoWeekday >= 6 }

    public func adding(days: Int) -> Day { Day(dayNumber: dayNumber + days) }

    /// Whole days from `self` to `other` (positive when `other` is later).
    public func days(until other: Day) -> Int { other.dayNumber - dayNumber }

    public var iso: String {
        // Written as its ten bytes for the years of four digits (every register row shows two or three days).
        if (0...9999).contains(year), (1...12).contains(month), (1...31).contains(day) {
            let digit = { (value: Int) in UInt8(ascii: "0") + UInt8(value) }
            let bytes: [UInt8] = [
                digit(year / 1000), digit(year / 100 % 10), digit(year / 10 % 10), digit(year % 10), UInt8(ascii: "-"),
                digit(month / 10), digit(month % 10), UInt8(ascii: "-"), digit(day / 10), digit(day % 10),
            ]
            return String(decoding: bytes, as: UTF8.self)
        }
        return isoOfAnyYear
    }

    /// `iso` written the long way, for any year (a year of more or fewer than four digits, or before year 0).
    var isoOfAnyYear: String {
        let y = String(year)
        let pad = String(repeating: "0", count: max(0, 4 - y.count))
        return pad + y + "-" + (month < 10 ? "0" : "") + String(month) + "-" + (day < 10 ? "0" : "") + String(day)
    }

    public var description: String { iso }

    public static func < (lhs: Day, rhs: Day) -> Bool { lhs.dayNumber < rhs.dayNumber }

    /// The day on which `instant` falls in `timeZone` (Europe/London unless a caller says otherwise).
    public init(containing instant: Date, in timeZone: TimeZone = Day.london) {
        // The London calendar is made once (every act asks for today): making a Calendar each time cost more than
        // reading the day from it.
        let calendar: Foundation.Calendar
        if timeZone == Day.london {
            calendar = Day.londonCalendar
        } else {
            var other = Foundation.Calendar(identifier: .gregorian)
            other.timeZone = timeZone
            calendar = other
        }
        let parts = calendar.dateComponents([.year, .month, .day], from: instant)
        self = Day(year: parts.year!, month: parts.month!, day: parts.day!)!
    }

    /// Europe/London, the zone in which every day in this product is counted.
    public static let london: TimeZone = TimeZone(identifier: "Europe/London")!

    /// The Gregorian calendar in Europe/London.
    static let londonCalendar: Foundation.Calendar = {
        var calendar = Foundation.Calendar(identifier: .gregorian)
        calendar.timeZone = london
        return calendar
    }()
}

/// Why a text is not a day.
public struct DayParseError: Error, Equatable, Sendable, CustomStringConvertible {
    public let text: String
    public var description: String {
        "'\(text)' is not a date: write it as YYYY-MM-DD, for example 2016-03-14"
    }
}

extension Day {
    /// Parses an ISO 8601 calendar date, `YYYY-MM-DD`, and nothing else.
    public init(iso text: String) throws(DayParseError) {
        // The common case, read byte by byte (every stored row carries days: this sits on the hot path of an act):
        // exactly four, two and two ASCII digits with hyphens between.
        if let value = text.utf8.withContiguousStorageIfAvailable({ Self.parseISO($0) }) ?? nil {
            self = value
            return
        }
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
            let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]),
            let value = Day(year: y, month: m, day: d)
        else { throw DayParseError(text: text) }
        self = value
    }
}

extension Day {
    /// `YYYY-MM-DD` in ASCII digits, if that is what `bytes` hold and it names a real day; else nil.
    fileprivate static func parseISO(_ bytes: UnsafeBufferPointer<UInt8>) -> Day? {
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for i in range {
                let digit = Int(bytes[i]) - 48
                guard digit >= 0 && digit <= 9 else { return nil }
                value = value * 10 + digit
            }
            return value
        }
        guard let y = number(0..<4), let m = number(5..<7), let d = number(8..<10) else { return nil }
        return Day(year: y, month: m, day: d)
    }
}

extension Day: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do {
            self = try Day(iso: text)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.description)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(iso)
    }
}
