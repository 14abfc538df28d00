import Foundation

/// When a daily digest goes: at 07:00 in Europe/London, so that a person who chose the digest reads the day's
/// non-statutory notifications at the start of a working day, whatever the season (the hour follows British Summer
/// Time).
public enum DigestSchedule {
    /// The hour of the day, in London, at which digests are due.
    public static let hour = 7

    /// The first digest hour at or after `instant`, and the London day it falls on (the digest's key: every row due in
    /// one digest shares it, and so does the digest's Message-ID).
    public static func nextDigest(atOrAfter instant: Date) -> (due: Date, day: Day) {
        let calendar = Day.londonCalendar
        let today = Day(containing: instant)
        let sameDay = digestInstant(on: today, calendar)
        if sameDay >= instant { return (sameDay, today) }
        let tomorrow = today.adding(days: 1)
        return (digestInstant(on: tomorrow, calendar), tomorrow)
    }

    private static func digestInstant(on day: Day, _ calendar: Foundation.Calendar) -> Date {
        let parts = DateComponents(year: day.year, month: day.month, day: day.day, hour: hour)
        // A day in the Gregorian calendar always has a 07:00 in London (the clocks change at 01:00 and 02:00).
        return calendar.date(from: parts)!
    }
}
