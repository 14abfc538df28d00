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

private func pounds(_ amount: Int64) -> Money { Money(pounds: amount)! }

private func pence(_ amount: Int64) -> Money { Money(pence: amount)! }

private func quarter(_ text: String) -> Quarter {
    do {
        return try Quarter(parsing: text)
    } catch {
        preconditionFailure("test quarter \(text) is not a quarter")
    }
}

/// Wolverhampton's 2017/18 programme (seed 002): £407,000 profiled evenly at £101,750 a quarter, with two outcome
/// indicators (the second illustrative).
private func wolverhampton() -> GrantAgreement {
    GrantAgreement(
        id: "WM-GA-2017-WLV", office: "west-midlands", decisionID: "WM-DR-2017-012",
        recipient: .init(orgID: "GB-CSP-WLV", name: "Safer Wolverhampton Partnership"),
        purpose: "Delivery of the Safer Wolverhampton Partnership costed plan 2017-18 (Appendix A)",
        period: .init(start: day("2017-04-01"), end: day("2018-03-31")), amount: pounds(407_000),
        spendProfile: FinancialYear(startYear: 2017).quarters.map { .init(quarter: $0, amount: pounds(101_750)) },
        indicators: [
            .init(name: "Proven reoffending rate (adults)", unit: "%", baseline: "27.1", target: "25.0"),
            .init(name: "Repeat victims of domestic abuse", unit: "per quarter", baseline: "140", target: "120"),
        ])
}

/// A Q2 return on profile that breaks no rule: £101,750 in the quarter, £203,500 to date.
private func onProfile() -> ReturnContent {
    ReturnContent(
        spendInQuarter: pounds(101_750), spendToDate: pounds(203_500),
        narrative: "Offender management hub open; IDVA service fully staffed.",
        milestones: [.init(name: "Recruit five fixed-term posts", rag: .green)],
        indicators: [
            .init(name: "Proven reoffending rate (adults)", actual: "26.4"),
            .init(name: "Repeat victims of domestic abuse", actual: "131"),
        ],
        risks: ["Posts end on 31 March 2018"], issues: [])
}

private let q2 = quarter("2017/18 Q2")

private func check(
    _ content: ReturnContent, _ agreement: GrantAgreement = wolverhampton(), quarter: Quarter = q2
)
    -> [ReturnRefusal]
{
    let previous = quarter == q2 ? pounds(101_750) : Money.zero
    return ReturnRules.checkSubmission(
        content: content, agreement: agreement, quarter: quarter, previousSpendToDate: previous)
}

@Suite("Quarterly returns: the rules")
struct ReturnRulesTests {
    @Test func aReturnOnProfileWithEveryPartGivenMayBeSubmitted() {
        #expect(check(onProfile()).isEmpty)
        #expect(ReturnRules.varianceThresholdBasisPoints == 1_000)
    }

    @Test("variance-explained: spend 25% below profile in the quarter and 12.5% below to date")
    func varianceExplainedBelowProfile() {
        var content = onProfile()
        content.spendInQuarter = pence(7_631_250)
        content.spendToDate = pence(17_806_250)
        let refusals = check(content)
        #expect(
            refusals == [
                .varianceUnexplained(
                    .init(basis: .quarter, quarter: q2, actual: pence(7_631_250), profiled: pounds(101_750))),
                .varianceUnexplained(
                    .init(basis: .toDate, quarter: q2, actual: pence(17_806_250), profiled: pounds(203_500))),
            ])
        #expect(refusals.map(\.rule) == ["variance-explained", "variance-explained"])
        #expect(
            refusals.map(\.description) == [
                "spend in 2017/18 Q2 was £76,312.50 against £101,750.00 profiled, 25.0% below: "
                    + "a variance of 10% or more either way needs an explanation",
                "spend to date at the end of 2017/18 Q2 was £178,062.50 against £203,500.00 profiled to then, "
                    + "12.5% below: a variance of 10% or more either way needs an explanation",
            ])
        #expect(refusals.first?.remedy.contains("variance explanation") == true)

        content.varianceExplanation = "  \n"
        #expect(check(content).count == 2)
        content.varianceExplanation = "Two posts filled late; the underspend will be spent in Q3 and Q4."
        #expect(check(content).isEmpty)
    }

    @Test("variance-explained: exactly 10% either way needs an explanation, a penny less does not")
    func varianceExplainedAtTheThresholdEitherWay() {
        let q1 = quarter("2017/18 Q1")
        func refusals(_ spent: Int64) -> [ReturnRefusal] {
            var content = onProfile()
            content.spendInQuarter = pence(spent)
            content.spendToDate = pence(spent)
            return check(content, quarter: q1)
        }
        let over = refusals(11_192_500)
        #expect(over.map(\.rule) == ["variance-explained", "variance-explained"])
        #expect(
            over.first?.description
                == "spend in 2017/18 Q1 was £111,925.00 against £101,750.00 profiled, 10.0% above: "
                + "a variance of 10% or more either way needs an explanation")
        #expect(refusals(11_192_499).isEmpty)
        let under = refusals(9_157_500)
        #expect(under.map(\.rule) == ["variance-explained", "variance-explained"])
        #expect(
            under.last?.description
                == "spend to date at the end of 2017/18 Q1 was £91,575.00 against £101,750.00 profiled to then, "
                + "10.0% below: a variance of 10% or more either way needs an explanation")
        #expect(refusals(9_157_501).isEmpty)
    }

    @Test("variance-explained: spending where the profile has nothing is a variance")
    func varianceExplainedWhenNothingWasProfiled() {
        var agreement = wolverhampton()
        agreement.spendProfile = [
            .init(quarter: quarter("2017/18 Q2"), amount: pounds(203_500)),
            .init(quarter: quarter("2017/18 Q3"), amount: pounds(203_500)),
        ]
        let q1 = quarter("2017/18 Q1")
        var content = onProfile()
        content.spendInQuarter = pounds(5_000)
        content.spendToDate = pounds(5_000)
        let refusals = check(content, agreement, quarter: q1)
        #expect(refusals.map(\.rule) == ["variance-explained", "variance-explained"])
        #expect(
            refusals.map(\.description) == [
                "spend in 2017/18 Q1 was £5,000.00 but the spend profile has nothing for the quarter, "
                    + "which is a variance of 10% or more and needs an explanation",
                "spend to date at the end of 2017/18 Q1 was £5,000.00 but the spend profile has nothing up to the "
                    + "end of the quarter, which is a variance of 10% or more and needs an explanation",
            ])
        // Nothing spent against nothing profiled is no variance.
        content.spendInQuarter = .zero
        content.spendToDate = .zero
        #expect(check(content, agreement, quarter: q1).isEmpty)
        // A quarter the profile leaves out, after quarters it profiles: only the quarter's variance counts.
        content.spendInQuarter = pounds(5_000)
        content.spendToDate = pounds(412_000)
        let q4 = quarter("2017/18 Q4")
        let late = ReturnRules.checkSubmission(
            content: content, agreement: agreement, quarter: q4, previousSpendToDate: pounds(407_000))
        #expect(late.map(\.rule) == ["variance-explained"])
        #expect(late.first?.description.hasPrefix("spend in 2017/18 Q4 was £5,000.00 but the spend profile") == true)
    }

    @Test("variance-explained: not checked when the agreement has no spend profile")
    func varianceExplainedSkippedWithoutASpendProfile() {
        var agreement = wolverhampton()
        agreement.spendProfile = []
        var content = onProfile()
        content.spendInQuarter = pounds(1)
        content.spendToDate = pounds(101_751)
        #expect(check(content, agreement).isEmpty)
        #expect(ReturnRules.variances(content: content, agreement: agreement, quarter: q2).isEmpty)
    }

    @Test("variance-explained: the Variance value gives basis points and percentages in whole-number arithmetic")
    func varianceExplainedFiguresAreExact() {
        let below = Variance(basis: .quarter, quarter: q2, actual: pence(7_631_250), profiled: pounds(101_750))
        #expect(below.difference == SignedMoney(pence: -2_543_750))
        #expect(below.basisPoints == -2_500)
        #expect(below.percentText == "25.0% below")
        #expect(below.needsExplanation)
        // 9.99% above is shown truncated, never rounded up to the threshold.
        let nearly = Variance(basis: .toDate, quarter: q2, actual: pence(10_999), profiled: pence(10_000))
        #expect(nearly.basisPoints == 999)
        #expect(nearly.percentText == "9.9% above")
        #expect(!nearly.needsExplanation)
        #expect(nearly.reaches(thresholdBasisPoints: 999))
        let onTarget = Variance(basis: .quarter, quarter: q2, actual: pounds(5), profiled: pounds(5))
        #expect(onTarget.percentText == "on profile")
        #expect(onTarget.basisPoints == 0)
        let nothing = Variance(basis: .quarter, quarter: q2, actual: pounds(5), profiled: .zero)
        #expect(nothing.nothingProfiled && nothing.basisPoints == nil && nothing.percentText == nil)
        #expect(nothing.needsExplanation)
        // The largest amounts do not overflow.
        let huge = Variance(basis: .toDate, quarter: q2, actual: .max, profiled: pence(1))
        #expect(huge.needsExplanation)
        #expect(huge.basisPoints == Int.max)
        #expect(Variance.percentText(basisPoints: ReturnRules.varianceThresholdBasisPoints) == "10%")
        #expect(Variance.percentText(basisPoints: 1_250) == "12.5%")
        #expect(Variance.percentText(basisPoints: 1_205) == "12.05%")
    }

    @Test("spend-to-date-adds-up: spend to date is the previous spend to date plus the quarter's")
    func spendToDateAddsUp() {
        var content = onProfile()
        content.spendInQuarter = pence(7_631_250)
        content.spendToDate = pounds(178_000)
        content.varianceExplanation = "Two posts filled late."
        let refusals = check(content)
        #expect(
            refusals == [
                .spendToDateDoesNotAddUp(
                    reported: pounds(178_000), previous: pounds(101_750), inQuarter: pence(7_631_250))
            ])
        #expect(refusals.first?.rule == "spend-to-date-adds-up")
        #expect(
            refusals.first?.description
                == "spend to date is given as £178,000.00, but the previous spend to date of £101,750.00 plus "
                + "this quarter's £76,312.50 is £178,062.50")
        let tooMuch = ReturnRefusal.spendToDateDoesNotAddUp(reported: .max, previous: .max, inQuarter: pence(1))
        #expect(tooMuch.description.hasSuffix("plus this quarter's £0.01 is more than can be held"))
    }

    @Test("rag-reason-for-red-or-amber: every red or amber milestone says why")
    func ragReasonForRedOrAmber() {
        var content = onProfile()
        content.milestones = [
            .init(name: "Recruit five fixed-term posts", rag: .red),
            .init(name: "Open the offender management hub", rag: .amber, reason: " "),
            .init(name: "Commission the IDVA service", rag: .green),
            .init(name: "Train domestic abuse champions", rag: .amber, reason: "Trainer unavailable until May"),
        ]
        let refusals = check(content)
        #expect(
            refusals == [
                .ragReasonMissing(milestone: "Recruit five fixed-term posts", rag: .red),
                .ragReasonMissing(milestone: "Open the offender management hub", rag: .amber),
            ])
        #expect(refusals.map(\.rule) == ["rag-reason-for-red-or-amber", "rag-reason-for-red-or-amber"])
        #expect(
            refusals.map(\.description) == [
                "milestone 'Recruit five fixed-term posts' is red but gives no reason",
                "milestone 'Open the offender management hub' is amber but gives no reason",
            ])
        #expect(
            refusals.first?.remedy == "say why 'Recruit five fixed-term posts' is red and what is being done about it")
    }

    @Test("progress-narrative-given: the narrative is not blank")
    func progressNarrativeGiven() {
        var content = onProfile()
        content.narrative = " \n\t"
        let refusals = check(content)
        #expect(refusals == [.narrativeMissing])
        #expect(refusals.first?.rule == "progress-narrative-given")
        #expect(refusals.first?.description == "the return has no progress narrative")
    }

    @Test("indicator-in-agreement: a reading names one of the agreement's indicators")
    func indicatorInAgreement() {
        var content = onProfile()
        content.indicators.append(.init(name: "Arrests", actual: "42"))
        let refusals = check(content)
        #expect(
            refusals == [
                .indicatorNotInAgreement(
                    name: "Arrests",
                    agreementIndicators: ["Proven reoffending rate (adults)", "Repeat victims of domestic abuse"])
            ])
        #expect(refusals.first?.rule == "indicator-in-agreement")
        #expect(
            refusals.first?.description
                == "the return reports 'Arrests', which is not one of the agreement's outcome indicators (the "
                + "agreement's are 'Proven reoffending rate (adults)', 'Repeat victims of domestic abuse')")
        var none = wolverhampton()
        none.indicators = []
        content.indicators = [.init(name: "Arrests", actual: "42")]
        #expect(
            check(content, none).map(\.description) == [
                "the return reports 'Arrests', which is not one of the agreement's outcome indicators (the "
                    + "agreement has no outcome indicators)"
            ])
    }

    @Test("indicator-reported: every one of the agreement's indicators has a reading")
    func indicatorReported() {
        var content = onProfile()
        content.indicators[1].name = "Repeat victims"
        let refusals = check(content)
        #expect(refusals.map(\.rule) == ["indicator-in-agreement", "indicator-reported"])
        #expect(refusals.last == .indicatorNotReported(name: "Repeat victims of domestic abuse"))
        #expect(
            refusals.last?.description
                == "the return gives no reading for the agreement's outcome indicator 'Repeat victims of domestic abuse'"
        )
        content.indicators = []
        #expect(check(content).map(\.rule) == ["indicator-reported", "indicator-reported"])
    }

    @Test("requested-change-described: a change is described and only a change of amount gives an amount")
    func requestedChangeDescribed() {
        var content = onProfile()
        content.requestedChanges = [
            .init(kind: .planLines, description: ""),
            .init(kind: .dates, description: "Extend to 30 June 2018", amountChange: SignedMoney(pounds(5_000))),
            .init(kind: .amount, description: "Add the 2016/17 underspend", amountChange: SignedMoney(pounds(38_000))),
        ]
        let refusals = check(content)
        #expect(
            refusals == [
                .requestedChangeNotDescribed(number: 1, kind: .planLines),
                .amountChangeNotForAmount(number: 2, kind: .dates, amountChange: SignedMoney(pounds(5_000))),
            ])
        #expect(refusals.map(\.rule) == ["requested-change-described", "requested-change-described"])
        #expect(
            refusals.map(\.description) == [
                "requested change 1 (a change of plan lines) does not say what is asked for",
                "requested change 2 is a change of dates but gives an amount change of £5,000.00; "
                    + "only a change of amount may",
            ])
    }

    @Test func refusalsComeInTheOrderTheReturnIsReadAndBecomeGuardRefusals() {
        var content = onProfile()
        content.spendInQuarter = .zero
        content.spendToDate = .zero
        content.narrative = ""
        content.milestones = [.init(name: "Hub", rag: .red)]
        content.indicators = []
        content.requestedChanges = [.init(kind: .amount, description: " ")]
        let refusals = check(content)
        #expect(
            refusals.map(\.rule) == [
                "spend-to-date-adds-up", "variance-explained", "variance-explained", "progress-narrative-given",
                "rag-reason-for-red-or-amber", "indicator-reported", "indicator-reported",
                "requested-change-described",
            ])
        let guardRefusal = refusals[3].guardRefusal
        #expect(guardRefusal.rule == "progress-narrative-given")
        #expect(guardRefusal.message == "the return has no progress narrative")
        #expect(guardRefusal.remedy == refusals[3].remedy)
    }

    @Test func aReturnVersionRoundTripsThroughJSONWithItsReview() async throws {
        #expect(RAG.allCases.map(\.rawValue) == ["red", "amber", "green"])
        var content = onProfile()
        content.milestones.append(.init(name: "Open the hub", rag: .amber, reason: "Lease signed late"))
        content.requestedChanges = [
            .init(kind: .amount, description: "Add the underspend", amountChange: SignedMoney(pence: -500_000))
        ]
        let version = ReturnVersion(
            number: 2, content: content, submittedBy: "wolverhampton.board", submittedOn: day("2017-10-18"),
            correctionReason: "Spend to date corrected",
            review: .init(outcome: .returnedForRevision, by: "wm.finance", on: day("2017-10-20"), reasons: "Q2 RAG"))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(version)
        let json = try #require(String(data: data, encoding: .utf8))
        #expect(json.contains("\"rag\":\"amber\""))
        #expect(json.contains("\"outcome\":\"returned-for-revision\""))
        #expect(json.contains("\"spendInQuarter\":10175000"))
        #expect(json.contains("\"amountChange\":-500000"))
        #expect(json.contains("\"submittedOn\":\"2017-10-18\""))
        #expect(try JSONDecoder().decode(ReturnVersion.self, from: data) == version)
        #expect(ReturnReview.Outcome.returnedForRevision.description == "returned for revision")
    }
}
