import Foundation
import OPCCCore

/// Where "now" comes from. Services take a clock so that tests move a controlled one.
public protocol Clock: Sendable {
    func now() -> Date
}

/// The machine's clock.
public struct SystemClock: Clock {
    public init() {}
    public func now() -> Date { Date() }
}

/// A clock that always says the same instant (tests, `--on` replays).
public struct FixedClock: Clock {
    public let instant: Date
    public init(_ instant: Date) { self.instant = instant }
    /// Noon in London on `day`.
    public init(day: Day) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = Day.london
        let date = calendar.date(from: DateComponents(year: day.year, month: day.month, day: day.day, hour: 12))!
        self.instant = date
    }
    public func now() -> Date { instant }
}

extension Clock {
    /// Today in Europe/London.
    public func today() -> Day { Day(containing: now()) }

    /// The instant as recorded in the audit log: ISO 8601 UTC with milliseconds (`2016-03-07T12:00:00.000Z`).
    /// Written by hand: a date formatter per act costs more than the rest of the act.
    public func timestamp() -> String { Self.timestamp(now()) }

    public static func timestamp(_ instant: Date) -> String {
        let millis = Int64((instant.timeIntervalSince1970 * 1000).rounded(.down))
        let (days, msOfDay) = millis.quotientAndRemainder(dividingBy: 86_400_000)
        let adjustedDays = msOfDay < 0 ? days - 1 : days
        let ms = msOfDay < 0 ? msOfDay + 86_400_000 : msOfDay
        let day = Day(dayNumber: Int(adjustedDays))
        func pad(_ n: Int64, _ width: Int) -> String {
            let s = String(n)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        return day.iso + "T" + pad(ms / 3_600_000, 2) + ":" + pad(ms / 60_000 % 60, 2) + ":" + pad(ms / 1000 % 60, 2)
            + "." + pad(ms % 1000, 3) + "Z"
    }
}
