import Foundation

/// A day and a time of day on the clock in Europe/London (a round opens at 09:00 on 1 June and closes at 12:00 on
/// 30 June, whether British Summer Time is in force or not). Kept as the office wrote it, and turned into an instant
/// only when compared with the clock, so that a round closing at noon closes at noon in London on both sides of a
/// change of the clocks.
public struct LondonTime: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The calendar day in London.
    public let day: Day
    /// The hour (0-23).
    public let hour: Int
    /// The minute (0-59).
    public let minute: Int

    /// A day and a time; nil when the hour or minute is out of range.
    public init?(day: Day, hour: Int, minute: Int) {
        guard (0...23).contains(hour), (0...59).contains(minute) else { return nil }
        self.day = day
        self.hour = hour
        self.minute = minute
    }

    /// Reads `2026-06-30 12:00` (or `2026-06-30T12:00`); nil when it is not a real day and time.
    public init?(parsing text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let parts = trimmed.split(whereSeparator: { $0 == " " || $0 == "T" })
        guard parts.count == 2, let day = try? Day(iso: String(parts[0])) else { return nil }
        let clock = parts[1].split(separator: ":")
        guard clock.count == 2, clock[0].count == 2, clock[1].count == 2, let hour = Int(clock[0]),
            let minute = Int(clock[1])
        else { return nil }
        self.init(day: day, hour: hour, minute: minute)
    }

    /// The instant this time is in London. In the hour the clocks go back a time happens twice: the first is taken;
    /// in the hour they go forward it never happens: the instant an hour later is taken (Foundation's rule).
    public var instant: Date {
        let parts = DateComponents(year: day.year, month: day.month, day: day.day, hour: hour, minute: minute)
        return Day.londonCalendar.date(from: parts)!
    }

    /// `2026-06-30 12:00`.
    public var description: String {
        "\(day.iso) " + String(format: "%02d:%02d", hour, minute)
    }

    public static func < (lhs: LondonTime, rhs: LondonTime) -> Bool {
        (lhs.day, lhs.hour, lhs.minute) < (rhs.day, rhs.hour, rhs.minute)
    }
}
