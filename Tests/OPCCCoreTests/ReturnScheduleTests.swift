import Foundation
import Testing

@testable import OPCCCore

private func day(_ text: String) -> Day {
    do {
        return try Day(iso: text)
    } catch {
        preconditionFailure("test date \(text) is not a date")
    }
}

private func quarter(_ text: String) -> Quarter {
    do {
        return try Quarter(parsing: text)
    } catch {
        preconditionFailure("test quarter \(text) is not a quarter")
    }
}

private let calendar = WorkingDayCalendar()

@Suite("Quarterly returns: the schedule")
struct ReturnScheduleTests {
    @Test func returnsFallDueFifteenWorkingDaysAfterQuarterEndPastNewYearAndEaster() {
        // Cumbria's pilot year, 2016/17 (seed 000). Q3 ends on Saturday 31 December 2016 and Monday 2 January 2017
        // is the New Year holiday; Q4 ends on 31 March 2017 and Easter falls on 14–17 April 2017.
        let returns = ReturnSchedule.returns(
            for: .init(start: day("2016-04-01"), end: day("2017-03-31")), calendar: calendar, returnDueWorkingDays: 15)
        #expect(returns.map(\.quarter.description) == ["2016/17 Q1", "2016/17 Q2", "2016/17 Q3", "2016/17 Q4"])
        #expect(returns.map(\.dueOn) == [day("2016-07-21"), day("2016-10-21"), day("2017-01-23"), day("2017-04-25")])
        #expect(returns[2].dueOn.isoWeekday == 1)  // Monday 23 January 2017
        #expect(returns[3].dueOn.isoWeekday == 2)  // Tuesday 25 April 2017
        #expect(returns.map(\.start) == [day("2016-04-01"), day("2016-07-01"), day("2016-10-01"), day("2017-01-01")])
        #expect(returns.map(\.end) == [day("2016-06-30"), day("2016-09-30"), day("2016-12-31"), day("2017-03-31")])
        #expect(
            ReturnSchedule.dueDay(for: quarter("2016/17 Q3"), calendar: calendar, returnDueWorkingDays: 15)
                == day("2017-01-23"))
        #expect(
            ReturnSchedule.dueDay(for: quarter("2016/17 Q4"), calendar: calendar, returnDueWorkingDays: 15)
                == day("2017-04-25"))
    }

    @Test func aPeriodStartingAndEndingMidQuarterIsClippedButDueWithItsQuarters() {
        let returns = ReturnSchedule.returns(
            for: .init(start: day("2017-05-15"), end: day("2018-02-10")), calendar: calendar, returnDueWorkingDays: 15)
        #expect(
            returns == [
                .init(
                    quarter: quarter("2017/18 Q1"), start: day("2017-05-15"), end: day("2017-06-30"),
                    dueOn: day("2017-07-21")),
                .init(
                    quarter: quarter("2017/18 Q2"), start: day("2017-07-01"), end: day("2017-09-30"),
                    dueOn: day("2017-10-20")),
                .init(
                    quarter: quarter("2017/18 Q3"), start: day("2017-10-01"), end: day("2017-12-31"),
                    dueOn: day("2018-01-22")),
                // The last return covers 1 January to 10 February but is due after the quarter ends on Saturday
                // 31 March 2018, with Good Friday 30 March and Easter Monday 2 April not counting.
                .init(
                    quarter: quarter("2017/18 Q4"), start: day("2018-01-01"), end: day("2018-02-10"),
                    dueOn: day("2018-04-23")),
            ])
        #expect(returns[3].period == .init(start: day("2018-01-01"), end: day("2018-02-10")))
    }

    @Test func aPeriodWithinOneQuarterOwesOneReturn() {
        let returns = ReturnSchedule.returns(
            for: .init(start: day("2017-05-15"), end: day("2017-06-10")), calendar: calendar, returnDueWorkingDays: 15)
        #expect(
            returns == [
                .init(
                    quarter: quarter("2017/18 Q1"), start: day("2017-05-15"), end: day("2017-06-10"),
                    dueOn: day("2017-07-21"))
            ])
        let oneDay = ReturnSchedule.returns(
            for: .init(start: day("2017-03-31"), end: day("2017-03-31")), calendar: calendar, returnDueWorkingDays: 15)
        #expect(oneDay.map(\.quarter) == [quarter("2016/17 Q4")])
    }

    @Test func aPeriodEndingBeforeItStartsOwesNoReturns() {
        let returns = ReturnSchedule.returns(
            for: .init(start: day("2018-03-31"), end: day("2017-04-01")), calendar: calendar, returnDueWorkingDays: 15)
        #expect(returns.isEmpty)
    }

    @Test func zeroWorkingDaysMakesAReturnDueOnTheQuartersLastDay() {
        let q3 = quarter("2016/17 Q3")
        #expect(ReturnSchedule.dueDay(for: q3, calendar: calendar, returnDueWorkingDays: 0) == day("2016-12-31"))
        #expect(ReturnSchedule.dueDay(for: q3, calendar: calendar, returnDueWorkingDays: -3) == day("2016-12-31"))
        // One working day after Saturday 31 December 2016 skips the New Year holiday on Monday 2 January.
        #expect(ReturnSchedule.dueDay(for: q3, calendar: calendar, returnDueWorkingDays: 1) == day("2017-01-03"))
    }

    @Test func theProfileSetsTheWorkingDays() async throws {
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
            returnDueWorkingDays: 10
            """
        let profile = try OfficeProfile.parse(yaml: yaml, source: "testshire.yaml")
        let returns = ReturnSchedule.returns(
            for: .init(start: day("2016-10-01"), end: day("2016-12-31")), calendar: calendar, profile: profile)
        // Ten working days after Saturday 31 December 2016: 3–6, 9–13 and 16 January 2017.
        #expect(returns.map(\.dueOn) == [day("2017-01-16")])
    }
}

@Suite("The end-of-grant report: one return for the whole grant, due after its end")
struct EndOfGrantReportScheduleTests {
    @Test func anEndOfGrantReportCoversTheWholeGrantAndFallsDueFifteenWorkingDaysAfterItsLastDay() {
        // A 2016/17 small grant from 5 July 2016: its report is due 15 working days after 31 March 2017, Good Friday
        // 14 April and Easter Monday 17 April not counting, as the year's Q4 return would be.
        let period = GrantAgreement.Period(start: day("2016-07-05"), end: day("2017-03-31"))
        let report = ReturnSchedule.endOfGrantReport(for: period, calendar: calendar, returnDueWorkingDays: 15)
        #expect(
            report == [
                ScheduledReturn(
                    quarter: quarter("2016/17 Q4"), start: day("2016-07-05"), end: day("2017-03-31"),
                    dueOn: day("2017-04-25"), endOfGrant: true)
            ])
        #expect(report[0].label == "end-of-grant report")
        // A grant ending mid-quarter reports after its own last day, not the quarter's: Friday 10 February 2017 plus
        // 15 working days is Friday 3 March.
        let early = ReturnSchedule.endOfGrantReport(
            for: .init(start: day("2016-07-05"), end: day("2017-02-10")), calendar: calendar, returnDueWorkingDays: 15)
        #expect(early.map(\.dueOn) == [day("2017-03-03")])
        #expect(
            ReturnSchedule.endOfGrantReport(
                for: .init(start: day("2017-02-10"), end: day("2017-02-09")), calendar: calendar,
                returnDueWorkingDays: 15
            ).isEmpty)
    }

    @Test func anAgreementOwesItsEndOfGrantReportOnlyWhenItAsksForOne() {
        var agreement = GrantAgreement(
            id: "cumbria-GA-0003", office: "cumbria", decisionID: "cumbria-DR-0002",
            recipient: .init(orgID: "GB-CHC-1100001", name: "Barrow Youth Trust"), purpose: "Youth club",
            period: .init(start: day("2016-07-05"), end: day("2017-03-31")), amount: Money(pounds: 4_000)!)
        let quarterly = ReturnSchedule.returns(owedUnder: agreement, calendar: calendar, returnDueWorkingDays: 15)
        #expect(quarterly.map(\.label) == ["2016/17 Q2", "2016/17 Q3", "2016/17 Q4"])
        #expect(quarterly[0].start == day("2016-07-05"))
        agreement.endOfGrantReport = true
        let once = ReturnSchedule.returns(owedUnder: agreement, calendar: calendar, returnDueWorkingDays: 15)
        #expect(once.count == 1 && once[0].endOfGrant && once[0].start == day("2016-07-05"))
    }

    @Test func aQuarterlyReturnEncodesAsItAlwaysDidAndOneWithoutTheKeyDecodesAsQuarterly() throws {
        let quarterly = ScheduledReturn(
            quarter: quarter("2016/17 Q3"), start: day("2016-10-01"), end: day("2016-12-31"), dueOn: day("2017-01-23"))
        let encoded = String(decoding: try JSONEncoder().encode(quarterly), as: UTF8.self)
        #expect(!encoded.contains("endOfGrant"))
        #expect(try JSONDecoder().decode(ScheduledReturn.self, from: Data(encoded.utf8)) == quarterly)
        let report = ScheduledReturn(
            quarter: quarter("2016/17 Q4"), start: day("2016-07-05"), end: day("2017-03-31"), dueOn: day("2017-04-25"),
            endOfGrant: true)
        let text = try JSONEncoder().encode(report)
        #expect(try JSONDecoder().decode(ScheduledReturn.self, from: text) == report)
    }
}
