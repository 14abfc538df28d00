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

    /// The instant as recorded in the audit log: ISO 8601 UTC with milliseconds.
    public func timestamp() -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: now())
    }
}
