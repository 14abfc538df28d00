/// One quarterly return a project board owes under an agreement: the financial quarter it covers, the days of that
/// quarter the agreement runs (a first or last quarter may be partial) and the day it falls due.
///
/// Project boards report progress quarterly (seeds 000, 002, 003); Wolverhampton's 2017/18 programme reports on the
/// four quarters of 1 April 2017 to 31 March 2018, and payments there are tied to accepted returns.
public struct ScheduledReturn: Hashable, Sendable, Codable {
    /// The UK financial quarter the return covers.
    public let quarter: Quarter
    /// The first day reported on: the quarter's first day, or the agreement's start when it starts mid-quarter.
    public let start: Day
    /// The last day reported on: the quarter's last day, or the agreement's end when it ends mid-quarter.
    public let end: Day
    /// The day the return falls due: the office's `returnDueWorkingDays` after the quarter's last day.
    public let dueOn: Day
    /// One end-of-grant report covering the whole grant, in place of quarterly returns (a round's small grants):
    /// `quarter` is then the quarter the grant ends in and `start`...`end` the whole agreement.
    public let endOfGrant: Bool

    public init(quarter: Quarter, start: Day, end: Day, dueOn: Day, endOfGrant: Bool = false) {
        self.quarter = quarter
        self.start = start
        self.end = end
        self.dueOn = dueOn
        self.endOfGrant = endOfGrant
    }

    private enum CodingKeys: String, CodingKey { case quarter, start, end, dueOn, endOfGrant }

    /// A return scheduled before end-of-grant reports existed has no `endOfGrant`: it is a quarterly one.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        quarter = try c.decode(Quarter.self, forKey: .quarter)
        start = try c.decode(Day.self, forKey: .start)
        end = try c.decode(Day.self, forKey: .end)
        dueOn = try c.decode(Day.self, forKey: .dueOn)
        endOfGrant = try c.decodeIfPresent(Bool.self, forKey: .endOfGrant) ?? false
    }

    /// `endOfGrant` is written only when true, so a quarterly return encodes as it always did.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(quarter, forKey: .quarter)
        try c.encode(start, forKey: .start)
        try c.encode(end, forKey: .end)
        try c.encode(dueOn, forKey: .dueOn)
        if endOfGrant { try c.encode(true, forKey: .endOfGrant) }
    }

    /// How the return is named to people: "end-of-grant report", or its quarter ("2016/17 Q3").
    public var label: String { endOfGrant ? "end-of-grant report" : quarter.description }

    /// The reporting period as an agreement period (`start` to `end`, both included).
    public var period: GrantAgreement.Period { GrantAgreement.Period(start: start, end: end) }
}

/// When quarterly returns fall due under an agreement, as a pure function of its period, the England and Wales
/// working-day calendar and the office's policy (`OfficeProfile.returnDueWorkingDays`, 15 unless the office says
/// otherwise).
public enum ReturnSchedule {
    /// The returns owed for `period`: one per UK financial quarter the period overlaps, oldest first, partial first
    /// and last quarters included. Each reporting period is the quarter clipped to the agreement; each is due
    /// `returnDueWorkingDays` working days after the quarter's last day (not after the clipped end: a return for a
    /// period ending mid-quarter is due when the quarter's other returns are).
    ///
    /// A period that ends before it starts owes no returns (`GrantAgreement.problems()` reports it as
    /// `grant-period-valid`). A negative `returnDueWorkingDays` is treated as zero: a return is never due before its
    /// quarter ends.
    public static func returns(
        for period: GrantAgreement.Period, calendar: WorkingDayCalendar, returnDueWorkingDays: Int
    ) -> [ScheduledReturn] {
        guard period.start <= period.end else { return [] }
        var result: [ScheduledReturn] = []
        var quarter = Quarter(containing: period.start)
        while quarter.firstDay <= period.end {
            result.append(
                ScheduledReturn(
                    quarter: quarter, start: max(quarter.firstDay, period.start), end: min(quarter.lastDay, period.end),
                    dueOn: dueDay(for: quarter, calendar: calendar, returnDueWorkingDays: returnDueWorkingDays)))
            quarter = quarter.next
        }
        return result
    }

    /// The one end-of-grant report owed for `period` when the agreement asks for it instead of quarterly returns:
    /// it covers the whole period and is due `returnDueWorkingDays` working days after the grant's last day (counted
    /// as `dueDay(for:)` counts). A period that ends before it starts owes none.
    public static func endOfGrantReport(
        for period: GrantAgreement.Period, calendar: WorkingDayCalendar, returnDueWorkingDays: Int
    ) -> [ScheduledReturn] {
        guard period.start <= period.end else { return [] }
        return [
            ScheduledReturn(
                quarter: Quarter(containing: period.end), start: period.start, end: period.end,
                dueOn: calendar.adding(workingDays: max(0, returnDueWorkingDays), to: period.end), endOfGrant: true)
        ]
    }

    /// The returns an agreement owes: its one end-of-grant report when it asks for one, else the quarterly returns.
    public static func returns(
        owedUnder agreement: GrantAgreement, calendar: WorkingDayCalendar, returnDueWorkingDays: Int
    ) -> [ScheduledReturn] {
        agreement.endOfGrantReport == true
            ? endOfGrantReport(
                for: agreement.period, calendar: calendar, returnDueWorkingDays: returnDueWorkingDays)
            : returns(for: agreement.period, calendar: calendar, returnDueWorkingDays: returnDueWorkingDays)
    }

    /// The returns owed for `period` under `profile`'s `returnDueWorkingDays`.
    public static func returns(
        for period: GrantAgreement.Period, calendar: WorkingDayCalendar, profile: OfficeProfile
    ) -> [ScheduledReturn] {
        returns(for: period, calendar: calendar, returnDueWorkingDays: profile.returnDueWorkingDays)
    }

    /// The day a return for `quarter` falls due: `returnDueWorkingDays` working days after the quarter's last day,
    /// counted as `WorkingDayCalendar.adding(workingDays:to:)` counts (the last day itself never counts, whatever kind
    /// of day it is). With 15: 2016/17 Q3 ends on Saturday 31 December 2016 and is due on Monday 23 January 2017
    /// (Monday 2 January is the New Year holiday); 2016/17 Q4 ends on 31 March 2017 and is due on Tuesday 25 April
    /// 2017 (Good Friday 14 April and Easter Monday 17 April do not count). Zero makes it due on the last day.
    public static func dueDay(for quarter: Quarter, calendar: WorkingDayCalendar, returnDueWorkingDays: Int) -> Day {
        calendar.adding(workingDays: max(0, returnDueWorkingDays), to: quarter.lastDay)
    }
}
