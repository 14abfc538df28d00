import Testing

@testable import OPCCCore

private func day(_ text: String) -> Day {
    do {
        return try Day(iso: text)
    } catch {
        preconditionFailure("test date \(text) is not a date")
    }
}

private let calendar = WorkingDayCalendar()

/// The 2017/18 Q1 return under Wolverhampton's agreement, due on Friday 21 July 2017 (15 working days after 30 June).
private let q1Due = day("2017-07-21")

private func outstanding(_ id: String = "WM-GA-2017-WLV 2017/18 Q1", dueOn: Day = q1Due) -> DeadlineItem {
    DeadlineItem(id: id, dueOn: dueOn, isOutstanding: true)
}

/// The sweep with the default policy: remind within 5 working days, escalate 10 working days late.
private func sweep(_ items: [DeadlineItem], on today: String) -> [DeadlineAction] {
    DeadlineRules.sweep(
        items, on: day(today), calendar: calendar, reminderWorkingDays: 5, escalationWorkingDays: 10)
}

private func kinds(_ actions: [DeadlineAction]) -> [DeadlineAction.Kind] { actions.map(\.kind) }

/// Records `actions` on the items they are about, as the services would.
private func record(_ actions: [DeadlineAction], in items: [DeadlineItem]) -> [DeadlineItem] {
    items.map { item in
        actions.filter { $0.itemID == item.id }.reduce(item) { $0.recording($1.kind) }
    }
}

@Suite("Quarterly returns: the deadline sweep")
struct DeadlineRulesTests {
    @Test func anItemsOwnWindowRemindsOnlyWhenDueTheNextWorkingDay() {
        // Part 1 publication due Friday 21 July: reminded on Thursday 20 July, not on Wednesday 19 July, whatever
        // the office's window for returns.
        var part1 = outstanding("Part 1")
        part1.reminderWorkingDays = 1
        #expect(sweep([part1], on: "2017-07-19").isEmpty)
        #expect(
            sweep([part1], on: "2017-07-20").map(\.description) == ["Part 1: remind (due 2017-07-21, in 1 working day)"]
        )
        #expect(kinds(sweep([outstanding()], on: "2017-07-19")) == [.remind])
    }

    @Test func aReminderComesWhenDueWithinTheWindowAndNeverAfterTheDueDay() {
        // Friday 14 July has 5 working days to Friday 21 July (17–21 July); Thursday 13 July has 6.
        #expect(sweep([outstanding()], on: "2017-07-13").isEmpty)
        #expect(
            sweep([outstanding()], on: "2017-07-14") == [
                .init(itemID: "WM-GA-2017-WLV 2017/18 Q1", kind: .remind, dueOn: q1Due, workingDays: 5)
            ])
        #expect(sweep([outstanding()], on: "2017-07-15").map(\.workingDays) == [5])
        #expect(sweep([outstanding()], on: "2017-07-21").map(\.workingDays) == [0])
        #expect(kinds(sweep([outstanding()], on: "2017-07-22")) == [.markOverdue])
        #expect(DeadlineRules.workingDaysUntilDue(q1Due, on: day("2017-07-14"), calendar: calendar) == 5)
        #expect(DeadlineRules.workingDaysUntilDue(q1Due, on: day("2017-07-22"), calendar: calendar) == nil)
    }

    @Test func aZeroWorkingDayWindowRemindsOnTheDueDayOnly() {
        func remindOnly(_ today: String) -> [DeadlineAction.Kind] {
            kinds(
                DeadlineRules.sweep(
                    [outstanding()], on: day(today), calendar: calendar, reminderWorkingDays: 0,
                    escalationWorkingDays: 10))
        }
        #expect(remindOnly("2017-07-20").isEmpty)
        #expect(remindOnly("2017-07-21") == [.remind])
    }

    @Test func bankHolidaysDoNotCountTowardsTheReminderWindow() {
        // 2016/17 Q4 is due on Tuesday 25 April 2017; Good Friday 14 April and Easter Monday 17 April do not count,
        // so on Easter Monday there are still 6 working days to go and the reminder comes on Tuesday 18 April.
        let item = outstanding("GA 2016/17 Q4", dueOn: day("2017-04-25"))
        #expect(sweep([item], on: "2017-04-13").isEmpty)
        #expect(sweep([item], on: "2017-04-17").isEmpty)
        #expect(sweep([item], on: "2017-04-18").map(\.workingDays) == [5])
    }

    @Test func anItemIsOverdueFromTheDayAfterItsDueDayCountingWorkingDaysLate() {
        // Saturday 22 July is after the due day, though no working day has passed.
        #expect(
            sweep([outstanding()], on: "2017-07-22") == [
                .init(itemID: "WM-GA-2017-WLV 2017/18 Q1", kind: .markOverdue, dueOn: q1Due, workingDays: 0)
            ])
        #expect(sweep([outstanding()], on: "2017-07-24").map(\.workingDays) == [1])
        #expect(DeadlineRules.workingDaysLate(q1Due, on: day("2017-07-21"), calendar: calendar) == 0)
        #expect(DeadlineRules.workingDaysLate(q1Due, on: day("2017-07-24"), calendar: calendar) == 1)
    }

    @Test func escalationComesTenWorkingDaysLateWithTheOverdueMarkIfItWasNeverRecorded() {
        // Ten working days after Friday 21 July is Friday 4 August.
        #expect(calendar.adding(workingDays: 10, to: q1Due) == day("2017-08-04"))
        #expect(kinds(sweep([outstanding()], on: "2017-08-03")) == [.markOverdue])
        let both = sweep([outstanding()], on: "2017-08-04")
        #expect(kinds(both) == [.markOverdue, .escalate])
        #expect(both.map(\.workingDays) == [10, 10])
        let marked = outstanding().recording(.markOverdue)
        #expect(kinds(sweep([marked], on: "2017-08-04")) == [.escalate])
        #expect(kinds(sweep([marked], on: "2017-08-31")) == [.escalate])
    }

    @Test func recordingTheActionsMakesTheSweepIdempotent() {
        // A sweep every day from 1 July to 31 August: each action comes once, on its day, and a second sweep on the
        // same day after the first one's actions are recorded finds nothing.
        var items = [outstanding()]
        var found: [String: [DeadlineAction.Kind]] = [:]
        var today = day("2017-07-01")
        while today <= day("2017-08-31") {
            let actions = DeadlineRules.sweep(
                items, on: today, calendar: calendar, reminderWorkingDays: 5, escalationWorkingDays: 10)
            if !actions.isEmpty { found[today.iso] = kinds(actions) }
            items = record(actions, in: items)
            #expect(
                DeadlineRules.sweep(
                    items, on: today, calendar: calendar, reminderWorkingDays: 5, escalationWorkingDays: 10
                ).isEmpty)
            today = today.adding(days: 1)
        }
        #expect(found == ["2017-07-14": [.remind], "2017-07-22": [.markOverdue], "2017-08-04": [.escalate]])

        // The first sweep in weeks finds the item long late: both actions, then nothing.
        let late = sweep([outstanding()], on: "2017-08-10")
        #expect(kinds(late) == [.markOverdue, .escalate])
        #expect(sweep(record(late, in: [outstanding()]), on: "2017-08-10").isEmpty)
    }

    @Test func onlyOutstandingItemsAreSweptInTheOrderGiven() {
        let items = [
            outstanding("A", dueOn: day("2017-07-21")),
            DeadlineItem(id: "B", dueOn: day("2017-07-01"), isOutstanding: false),
            outstanding("C", dueOn: day("2017-07-03")),
            DeadlineItem(id: "D", dueOn: day("2017-07-03"), isOutstanding: true, markedOverdue: true, escalated: true),
        ]
        let actions = sweep(items, on: "2017-07-17")
        #expect(actions.map(\.itemID) == ["A", "C", "C"])
        #expect(kinds(actions) == [.remind, .markOverdue, .escalate])
        #expect(
            actions.map(\.description) == [
                "A: remind (due 2017-07-21, in 4 working days)",
                "C: mark-overdue (due 2017-07-03, 10 working days late)",
                "C: escalate (due 2017-07-03, 10 working days late)",
            ])
    }

    @Test func theProfileSetsTheReminderAndEscalationDays() async throws {
        let yaml = """
            id: testshire
            name: Office of the Police and Crime Commissioner for Testshire
            decisionNumbering:
              template: "{seq:3}/{year}"
              reset: calendar-year
            publication:
              part1DeadlineWorkingDays: 3
            signatories:
              - position: originating-officer
                title: Originating officer declaration
                kind: declaration
                role: officer
            roles: [officer, finance]
            returnReminderWorkingDays: 2
            returnEscalationWorkingDays: 1
            """
        let profile = try OfficeProfile.parse(yaml: yaml, source: "testshire.yaml")
        let item = outstanding()
        #expect(DeadlineRules.sweep([item], on: day("2017-07-18"), calendar: calendar, profile: profile).isEmpty)
        #expect(
            kinds(DeadlineRules.sweep([item], on: day("2017-07-19"), calendar: calendar, profile: profile)) == [.remind]
        )
        #expect(
            kinds(DeadlineRules.sweep([item], on: day("2017-07-24"), calendar: calendar, profile: profile)) == [
                .markOverdue, .escalate,
            ])
    }
}
