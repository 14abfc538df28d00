/// Something with a due day that a deadline sweep watches (a quarterly return, above all), with what earlier sweeps
/// have already recorded about it. The sweep reads these flags and never repeats an action already recorded.
public struct DeadlineItem: Hashable, Sendable {
    /// The caller's identifier for the item (a return's id), copied into every action about it.
    public var id: String
    public var dueOn: Day
    /// Whether it is still awaited (a return not yet submitted); a sweep does nothing about an item that is not.
    public var isOutstanding: Bool
    /// Whether a reminder has been recorded.
    public var reminded: Bool
    /// Whether it has been recorded as overdue.
    public var markedOverdue: Bool
    /// Whether an escalation has been recorded.
    public var escalated: Bool
    /// The item's own reminder window in working days, in place of the office's for returns: Part 1 publication is
    /// reminded when due the next working day (1), as its deadline is only a few working days after the decision.
    public var reminderWorkingDays: Int?

    public init(
        id: String, dueOn: Day, isOutstanding: Bool, reminded: Bool = false, markedOverdue: Bool = false,
        escalated: Bool = false, reminderWorkingDays: Int? = nil
    ) {
        self.id = id
        self.dueOn = dueOn
        self.isOutstanding = isOutstanding
        self.reminded = reminded
        self.markedOverdue = markedOverdue
        self.escalated = escalated
        self.reminderWorkingDays = reminderWorkingDays
    }

    /// The item as it stands once `kind` is recorded: the matching flag set.
    public func recording(_ kind: DeadlineAction.Kind) -> DeadlineItem {
        var item = self
        switch kind {
        case .remind: item.reminded = true
        case .markOverdue: item.markedOverdue = true
        case .escalate: item.escalated = true
        }
        return item
    }
}

/// One thing a deadline sweep found to do and record: remind the people responsible, mark the item overdue, or
/// escalate it.
public struct DeadlineAction: Hashable, Sendable, CustomStringConvertible {
    /// What to do.
    public enum Kind: String, Hashable, Sendable, Codable, CaseIterable {
        /// The item falls due soon: remind whoever owes it.
        case remind
        /// The due day has passed and the item is still outstanding.
        case markOverdue = "mark-overdue"
        /// The item is so late that it goes to the office (the office's `returnEscalationWorkingDays`).
        case escalate
    }

    public let itemID: String
    public let kind: Kind
    public let dueOn: Day
    /// For `.remind`, the working days until the due day (`DeadlineRules.workingDaysUntilDue`); for `.markOverdue`
    /// and `.escalate`, the working days late (`DeadlineRules.workingDaysLate`).
    public let workingDays: Int

    public init(itemID: String, kind: Kind, dueOn: Day, workingDays: Int) {
        self.itemID = itemID
        self.kind = kind
        self.dueOn = dueOn
        self.workingDays = workingDays
    }

    /// "GA-1 2017/18 Q1: remind (due 2017-07-21, in 3 working days)", "…: escalate (due 2017-07-21, 10 working days
    /// late)".
    public var description: String {
        switch kind {
        case .remind:
            return "\(itemID): remind (due \(dueOn.iso), in \(workingDays) working day\(workingDays == 1 ? "" : "s"))"
        case .markOverdue, .escalate:
            return "\(itemID): \(kind.rawValue) (due \(dueOn.iso), \(workingDays) working "
                + "day\(workingDays == 1 ? "" : "s") late)"
        }
    }
}

/// The deadline sweep, as a pure function of the items, the day and the office's policy: which reminders, overdue
/// marks and escalations to record. The PCC praised "quality and promptness" of returns (seed 002); an office sets
/// how early to remind (`OfficeProfile.returnReminderWorkingDays`, default 5) and how late to escalate
/// (`OfficeProfile.returnEscalationWorkingDays`, default 10).
///
/// Working days are counted as `WorkingDayCalendar.workingDays(from:to:)` counts them: moving from one day to the
/// other, the first excluded and the second included.
/// - Due within N working days: `today <= dueOn` and `workingDays(from: today, to: dueOn) <= N`, that is, at most N
///   working days `d` with `today < d <= dueOn`. On the due day itself the count is 0; with N = 0 the reminder comes
///   on the due day. Never after the due day.
/// - Overdue: `today > dueOn`, from the day after the due day whatever kind of day it is (a return due on Friday
///   and not in on Saturday is overdue, though 0 working days late).
/// - Late by k working days: `k = workingDays(from: dueOn, to: today)`, the working days `d` with
///   `dueOn < d <= today`; 0 on or before the due day. Escalation is due when `k >= M` (and the item is overdue), so
///   the first day it is due is `adding(workingDays: M, to: dueOn)`.
///
/// Each action is found only while its flag is not yet recorded, so a second sweep on the same day, after the first
/// one's actions are recorded, finds nothing: the sweep is idempotent and may be run as often as wished. An item
/// found escalation-due that was never marked overdue (no sweep ran in between) gets both, overdue first.
public enum DeadlineRules {
    /// The working days from `today` until `dueOn` (`workingDays(from: today, to: dueOn)`), or nil once the due day
    /// has passed.
    public static func workingDaysUntilDue(_ dueOn: Day, on today: Day, calendar: WorkingDayCalendar) -> Int? {
        today <= dueOn ? calendar.workingDays(from: today, to: dueOn) : nil
    }

    /// The working days `today` is after `dueOn` (`workingDays(from: dueOn, to: today)`), 0 on or before the due day.
    public static func workingDaysLate(_ dueOn: Day, on today: Day, calendar: WorkingDayCalendar) -> Int {
        today > dueOn ? calendar.workingDays(from: dueOn, to: today) : 0
    }

    /// The actions to record on `today` for `items`, item by item in the order given, and for each item in the order
    /// remind, mark overdue, escalate. Items not outstanding get none.
    ///
    /// - `remind` when not yet reminded and due within `reminderWorkingDays` working days (the item's own window where
    ///   it has one; never after the due day);
    /// - `markOverdue` when not yet marked and `today` is after the due day;
    /// - `escalate` when not yet escalated, `today` is after the due day and it is `escalationWorkingDays` or more
    ///   working days late.
    public static func sweep(
        _ items: [DeadlineItem], on today: Day, calendar: WorkingDayCalendar, reminderWorkingDays: Int,
        escalationWorkingDays: Int
    ) -> [DeadlineAction] {
        var actions: [DeadlineAction] = []
        for item in items where item.isOutstanding {
            func act(_ kind: DeadlineAction.Kind, _ workingDays: Int) {
                actions.append(DeadlineAction(itemID: item.id, kind: kind, dueOn: item.dueOn, workingDays: workingDays))
            }
            if let until = workingDaysUntilDue(item.dueOn, on: today, calendar: calendar) {
                if !item.reminded && until <= item.reminderWorkingDays ?? reminderWorkingDays { act(.remind, until) }
                continue
            }
            let late = workingDaysLate(item.dueOn, on: today, calendar: calendar)
            if !item.markedOverdue { act(.markOverdue, late) }
            if !item.escalated && late >= escalationWorkingDays { act(.escalate, late) }
        }
        return actions
    }

    /// The actions to record on `today` for `items` under `profile`'s `returnReminderWorkingDays` and
    /// `returnEscalationWorkingDays`.
    public static func sweep(
        _ items: [DeadlineItem], on today: Day, calendar: WorkingDayCalendar, profile: OfficeProfile
    ) -> [DeadlineAction] {
        sweep(
            items, on: today, calendar: calendar, reminderWorkingDays: profile.returnReminderWorkingDays,
            escalationWorkingDays: profile.returnEscalationWorkingDays)
    }
}
