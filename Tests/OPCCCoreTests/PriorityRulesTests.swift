import Foundation
import Testing

@testable import OPCCCore

private func pct(_ text: String) -> Percentage { try! Percentage(parsing: text) }

private func check(
    _ selection: PrioritySelection, _ assessment: PriorityAssessment = seedAssessment()
)
    -> [PriorityRefusal]
{
    PriorityRules.checkSelection(selection, of: assessment)
}

private func scored(_ name: String, in assessment: PriorityAssessment = seedAssessment()) -> ScoredThreat {
    assessment.scored().first { $0.name == name }!
}

@Suite("Priorities: the seed's harm table and the declared method")
struct PriorityMethodTests {
    @Test func theSeedTableHasSeventeenThreatsAndFiveAgencies() {
        let rows = seedRows()
        #expect(rows.count == 17)
        #expect(rows.allSatisfy { $0.sums.count == 5 })
        #expect(rows.first?.threat == "Alcohol Related Violence" && rows.last?.threat == "Hate Crime")
    }

    @Test func everyRecordedTotalIsTheFiveAgenciesSumDividedBySixRoundedHalfUp() {
        let threats = seedAssessment().scored()
        #expect(threats.count == 17)
        for threat in threats {
            #expect(threat.computedTotal == threat.recordedTotal, "\(threat.name)")
            #expect(threat.totalDifference == nil)
        }
        let abuse = threats.first { $0.name == "Domestic Abuse" }!
        #expect(abuse.sumOfAgencies == 75)
        #expect(abuse.computed?.working == "75 ÷ 6 = 12.5 → 13")
        #expect(threats.first { $0.name == "Sexual Offences" }!.computed?.working == "78 ÷ 6 = 13")
        #expect(threats.first { $0.name == "Alcohol Related Violence" }!.computed?.working == "67 ÷ 6 ≈ 11.17 → 11")
    }

    @Test func aRecordedTotalThatDiffersFromTheComputedOneIsKeptAndTheDifferenceShown() {
        var assessment = seedAssessment()
        assessment.threats[2].recordedTotal = 12
        let abuse = assessment.scored()[2]
        #expect(abuse.recordedTotal == 12)
        #expect(abuse.computedTotal == 13)
        #expect(abuse.totalDifference == -1)
        // Risk is computed from the declared method's total, not the recorded one.
        #expect(abuse.risk == 39)
    }

    @Test(arguments: [
        (CombinationMethod(kind: .sumDividedBy, divisor: 6), [15, 13, 6, 17, 24], 13, "75 ÷ 6 = 12.5 → 13"),
        (
            CombinationMethod(kind: .sumDividedBy, divisor: 6, rounding: .down), [15, 13, 6, 17, 24], 12,
            "75 ÷ 6 = 12.5 → 12"
        ),
        (CombinationMethod(kind: .sumDividedBy, divisor: 6, rounding: .up), [9, 9, 6, 12, 11], 8, "47 ÷ 6 ≈ 7.83 → 8"),
        (CombinationMethod(kind: .mean), [15, 13, 6, 17, 24], 15, "75 ÷ 5 = 15"),
        (CombinationMethod(kind: .mean), [13, 12, 9, 16, 14], 13, "64 ÷ 5 = 12.8 → 13"),
        (CombinationMethod(kind: .median), [15, 13, 6, 17, 24], 15, "median of 6, 13, 15, 17, 24 = 15"),
        (CombinationMethod(kind: .median), [15, 13, 6, 17], 14, "median of 6, 13, 15, 17 = 14"),
        (CombinationMethod(kind: .median), [16, 6, 13, 17], 15, "median of 6, 13, 16, 17 = 14.5 → 15"),
    ])
    func combinationMethodsGiveTheirTotalAndWorking(
        method: CombinationMethod, scores: [Int], total: Int, working: String
    ) {
        let combined = method.combine(scores)
        #expect(combined?.total == total)
        #expect(combined?.working == working)
    }

    @Test func aCombinationHasNoTotalWithoutScoresOrWithADivisorBelowOne() {
        #expect(CombinationMethod.sumDividedBySixHalfUp.combine([]) == nil)
        #expect(CombinationMethod(kind: .sumDividedBy, divisor: 0).combine([6]) == nil)
        #expect(CombinationMethod.sumDividedBySixHalfUp.description == "sum ÷ 6, round half up")
    }

    @Test(arguments: [
        ("22.5%", 2250), ("22.5", 2250), ("40 %", 4000), ("0.05%", 5), ("100%", 10_000), ("0%", 0), ("12.34%", 1234),
    ])
    func percentagesAreReadInBasisPoints(text: String, basisPoints: Int) async throws {
        #expect(try Percentage(parsing: text).basisPoints == basisPoints)
    }

    @Test(arguments: ["100.01%", "-5%", "12.345%", "five", "", ".5%", "1e2%"])
    func anUnreadablePercentageIsRefusedSayingWhatToWrite(text: String) {
        let error = #expect(throws: PercentageParseError.self) { try Percentage(parsing: text) }
        #expect(error?.description.contains("write 0% to 100% with at most two decimals") == true)
    }

    @Test(arguments: [
        (ControlStatus.uncontrolled, "22.5%", 5), (.uncontrolled, "10%", 5), (.uncontrolled, "9.99%", 4),
        (.uncontrolled, "0%", 3), (.underControl, "7.8%", 3), (.underControl, "2%", 2), (.reducing, "11%", 3),
        (.reducing, "4.99%", 1),
    ])
    func theProbabilityIsTheHighestStepTheShareReaches(control: ControlStatus, share: String, score: Int) {
        #expect(demoScale.score(control, share: pct(share)) == score)
        #expect(demoScale.highestScore == 5)
    }

    @Test(arguments: [(60, RiskBand.high), (50, .high), (49, .medium), (30, .medium), (29, .low), (0, .low)])
    func bandsFollowTheDeclaredLimits(risk: Int, band: RiskBand) {
        #expect(RiskBands(highFrom: 50, mediumFrom: 30).band(risk) == band)
    }

    @Test func theDemoMatrixPlacesThreeHighsFiveMediumsAndNineLows() {
        let threats = seedAssessment().scored()
        #expect(
            threats.filter { $0.band == .high }.map(\.name) == [
                "Alcohol Related Violence", "Violent Crime", "Anti-Social Behaviour",
            ])
        #expect(threats.filter { $0.band == .medium }.count == 5)
        #expect(threats.filter { $0.band == .low }.count == 9)
        #expect(scored("Violent Crime").riskWorking == "risk 60 = probability 5 × harm 12; High from 50")
        #expect(scored("Cybercrime").riskWorking == "risk 24 = probability 3 × harm 8; Low below 30")
    }
}

@Suite("Priorities: the rules of the declared method and the assessment")
struct PriorityAssessmentRuleTests {
    @Test func theSeedAssessmentWithItsProbabilityInputsIsComplete() {
        #expect(PriorityRules.checkAssessment(seedAssessment(), complete: true).isEmpty)
    }

    @Test func combinationMethodUsable() {
        var method = demoMethod
        method.combination = CombinationMethod(kind: .sumDividedBy, divisor: 0)
        let found = PriorityRules.checkMethod(method)
        #expect(found.map(\.rule) == ["combination-method-usable"])
        #expect(
            found.first?.description == "the combination method 'sum ÷ 0, round half up' cannot combine scores: "
                + "a divisor must be 1 or more")
    }

    @Test func probabilityScaleCoversEveryShare() {
        var method = demoMethod
        method.probabilityScale.reducing = [.init(atLeast: pct("5%"), score: 2)]
        let found = PriorityRules.checkMethod(method)
        #expect(found.map(\.rule) == ["probability-scale-covers-every-share"])
        #expect(
            found.first?.description
                == "the probability scale has no step from 0% for reducing threats, so some shares have no score")
        #expect(found.first?.remedy == "add a step 'atLeast: 0%' for reducing")
    }

    @Test func probabilityScoresPositive() {
        var method = demoMethod
        method.probabilityScale.reducing[2].score = 0
        let found = PriorityRules.checkMethod(method)
        #expect(found.map(\.rule) == ["probability-scores-positive"])
        #expect(
            found.first?.description == "the probability scale gives reducing threats a score of 0; scores start at 1")
    }

    @Test(arguments: [(30, 50), (50, 50), (10, 0)])
    func bandLimitsOrdered(high: Int, medium: Int) {
        var method = demoMethod
        method.bands = RiskBands(highFrom: high, mediumFrom: medium)
        let found = PriorityRules.checkMethod(method)
        #expect(found.map(\.rule) == ["band-limits-ordered"])
        #expect(
            found.first?.description == "the band limits give High from \(high) and Medium from \(medium): "
                + "High must start above Medium, and Medium above 0")
    }

    @Test func priorityCountAtLeastOne() {
        var method = demoMethod
        method.priorityCount = 0
        let found = PriorityRules.checkMethod(method)
        #expect(found.map(\.rule) == ["priority-count-at-least-one"])
        #expect(found.first?.description == "the partnership would set 0 priorities; it sets at least one")
    }

    @Test func agenciesNamedOnce() {
        var assessment = seedAssessment()
        assessment.agencies.append("Police")
        var found = PriorityRules.checkAssessment(assessment, complete: false)
        #expect(found.map(\.rule) == ["agencies-named-once"])
        #expect(found.first?.description == "the agency 'Police' is named twice")
        assessment.agencies = []
        assessment.threats = []
        found = PriorityRules.checkAssessment(assessment, complete: false)
        #expect(
            found.map(\.description) == ["the assessment names no partner agencies", "the assessment lists no threats"])
    }

    @Test func threatsNamedOnce() {
        var assessment = seedAssessment()
        assessment.threats.append(assessment.threats[14])
        let found = PriorityRules.checkAssessment(assessment, complete: false)
        #expect(found.map(\.rule) == ["threats-named-once"])
        #expect(found.first?.description == "the threat 'Cybercrime' is listed twice")
    }

    @Test func knownAgency() {
        var assessment = seedAssessment()
        assessment.threats[0].scores["Probation"] = HarmScore(sum: 12)
        let found = PriorityRules.checkAssessment(assessment, complete: false)
        #expect(found.map(\.rule) == ["known-agency"])
        #expect(
            found.first?.description == "'Alcohol Related Violence' has a score from 'Probation', which is not "
                + "one of the partner agencies (NWLDC, Police, Fire, Community safety, UAVA)")
    }

    @Test func harmFactorScored1To4() {
        var assessment = seedAssessment()
        assessment.threats[1].scores["Police"] = HarmScore(factors: [4, 5, 2, 2, 1, 1])
        let found = PriorityRules.checkAssessment(assessment, complete: false)
        #expect(found.map(\.rule) == ["harm-factor-scored-1-to-4"])
        #expect(
            found.first?.description
                == "Police scored 'Violent Crime' 5 for Psychological – Individual; each factor is scored 1 to 4")
    }

    @Test func harmScoredOnSixFactors() {
        var assessment = seedAssessment()
        assessment.threats[1].scores["Police"] = HarmScore(factors: [4, 3, 2, 2, 1])
        let found = PriorityRules.checkAssessment(assessment, complete: false)
        #expect(found.map(\.rule) == ["harm-scored-on-six-factors"])
        #expect(
            found.first?.description == "Police scored 'Violent Crime' on 5 factor(s); the harm score needs all six")
    }

    @Test func aFactorScoredAgencyKeepsItsFactorsAndTheirSum() {
        let score = HarmScore(factors: [4, 3, 2, 2, 2, 2])
        #expect(score.sum == 15)
        var assessment = seedAssessment()
        assessment.threats[0].scores["NWLDC"] = score
        #expect(PriorityRules.checkAssessment(assessment, complete: true).isEmpty)
        #expect(assessment.scored()[0].agencySums[0] == 15)
    }

    @Test(arguments: [5, 25])
    func harmSum6To24(sum: Int) {
        var assessment = seedAssessment()
        assessment.threats[16].scores["UAVA"] = HarmScore(sum: sum)
        let found = PriorityRules.checkAssessment(assessment, complete: false)
        #expect(found.map(\.rule) == ["harm-sum-6-to-24"])
        #expect(
            found.first?.description
                == "UAVA's harm score for 'Hate Crime' is \(sum); six factors of 1 to 4 each sum to 6 to 24")
    }

    @Test func everyAgencyScoresEveryThreat() {
        var assessment = seedAssessment()
        assessment.threats[3].scores["Fire"] = nil
        assessment.threats[3].scores["UAVA"] = nil
        #expect(PriorityRules.checkAssessment(assessment, complete: false).isEmpty)
        let found = PriorityRules.checkAssessment(assessment, complete: true)
        #expect(found.map(\.rule) == ["every-agency-scores-every-threat"])
        #expect(found.first?.description == "'Domestic Burglary' has no harm score yet from Fire, UAVA")
        #expect(assessment.scored()[3].computedTotal == nil)
    }

    @Test func probabilityInputsGiven() {
        let assessment = seedAssessment(probability: false)
        #expect(PriorityRules.checkAssessment(assessment, complete: false).isEmpty)
        let found = PriorityRules.checkAssessment(assessment, complete: true)
        #expect(found.count == 17 && Set(found.map(\.rule)) == ["probability-inputs-given"])
        #expect(
            found.first?.description
                == "'Alcohol Related Violence' has no control status and share, so it has no probability")
    }
}

@Suite("Priorities: the rules of selection (seed 001)")
struct PrioritySelectionRuleTests {
    @Test func the2017Of18SelectionFollowsEveryRule() {
        #expect(check(seedSelection()).isEmpty)
    }

    @Test func everyHighCovered() {
        var selection = seedSelection()
        selection.priorities[0].threats.removeAll { $0 == "Violent Crime" }
        let found = check(selection)
        #expect(found.map(\.rule) == ["every-high-covered"])
        #expect(
            found.first?.description == "'Violent Crime' is High (risk 60 = probability 5 × harm 12; High from 50) "
                + "but no selected priority covers it")
        #expect(
            found.first?.remedy
                == "select every High: add it to a priority's threats (a priority may group several threats)")
    }

    @Test func everyHighCoveredWhenHighsOutnumberThePriorities() {
        var assessment = seedAssessment()
        assessment.method.priorityCount = 2
        var selection = seedSelection()
        selection.priorities.removeAll { $0.code == "P2" || $0.code == "P3" }
        selection.boardRecords.removeAll { $0.threat == "Cybercrime" }
        let found = check(selection, assessment)
        #expect(found.map(\.rule) == ["every-high-covered", "priority-count-as-declared"])
        #expect(found.first?.description.hasSuffix("(there are 3 High threats and 2 priorities)") == true)
        #expect(
            found.first?.remedy.hasSuffix("or record a board decision to change the number of priorities (set-count)")
                == true)
    }

    @Test func mediumDiscussed() {
        var selection = seedSelection()
        selection.boardRecords.removeAll { $0.threat == "Road Safety*" }
        let found = check(selection)
        #expect(found.map(\.rule) == ["medium-discussed"])
        #expect(
            found.first?.description == "'Road Safety*' is Medium (risk 33 = probability 3 × harm 11; Medium from "
                + "30 to 49) and the board's decision on it is not recorded")
    }

    @Test func mediumDiscussedAndTheSelectionDoesWhatTheBoardDecided() {
        var selection = seedSelection()
        selection.priorities[0].threats.append("Domestic Burglary")
        let found = check(selection)
        #expect(found.map(\.rule) == ["medium-discussed"])
        #expect(
            found.first?.description == "the board decided 'Domestic Burglary' (Medium) was not to be a priority, "
                + "but a selected priority covers it")
        // A later decision replaces the earlier one.
        selection.boardRecords.append(
            .init(
                .mediumDecision(threat: "Domestic Burglary", selected: true), reason: "Rising 13.5% (seed 001)",
                day: try! Day(iso: "2017-03-14"), by: "leics.officer"))
        #expect(check(selection).isEmpty)
    }

    @Test func lowOnlyWhenCompelled() {
        var selection = seedSelection()
        selection.boardRecords.removeAll { $0.threat == "Cybercrime" }
        let found = check(selection)
        #expect(found.map(\.rule) == ["low-only-when-compelled"])
        #expect(
            found.first?.description == "'Cybercrime' is Low (risk 24 = probability 3 × harm 8; Low below 30) but "
                + "priority P3 covers it and no compulsion to select it is recorded")
    }

    @Test func priorityCountAsDeclared() {
        var selection = seedSelection()
        selection.priorities.append(.init(code: "P4", title: "Rural crime", kind: .local, threats: ["Rural Crime"]))
        selection.boardRecords.append(
            .init(
                .compulsion(threat: "Rural Crime", .nationalSteer), reason: "A national priority (seed 001)",
                day: try! Day(iso: "2017-03-14"), by: "leics.officer"))
        var found = check(selection)
        #expect(found.map(\.rule) == ["priority-count-as-declared"])
        #expect(found.first?.description == "4 priorities are selected but the partnership sets 3 (as declared)")
        selection.boardRecords.append(
            .init(.priorityCount(5), reason: "Board minute 7", day: try! Day(iso: "2017-03-14"), by: "leics.officer"))
        found = check(selection)
        #expect(
            found.first?.description == "4 priorities are selected but the partnership sets 5 (the board changed "
                + "it from 3)")
        selection.boardRecords.append(
            .init(.priorityCount(4), reason: "Board minute 8", day: try! Day(iso: "2017-03-14"), by: "leics.officer"))
        #expect(check(selection).isEmpty)
    }

    @Test func statutoryObligationsDelivered() {
        var selection = seedSelection()
        selection.priorities.removeAll { $0.code == "S2" }
        let found = check(selection)
        #expect(found.map(\.rule) == ["statutory-obligations-delivered"])
        #expect(
            found.first?.description == "the statutory obligation 'Substance misuse' is not among the selected "
                + "priorities")
    }

    @Test func priorityCodeOnce() {
        var selection = seedSelection()
        selection.priorities[4].code = "S1"
        let found = check(selection)
        #expect(found.map(\.rule) == ["priority-code-once"])
        #expect(found.first?.description == "two priorities have the code S1")
    }

    @Test func priorityCoversKnownThreats() {
        var selection = seedSelection()
        selection.priorities[2].threats.append("Cyber crime")
        let found = check(selection)
        #expect(found.map(\.rule) == ["priority-covers-known-threats"])
        #expect(found.first?.description == "priority P3 covers 'Cyber crime', which the assessment does not list")
    }

    @Test func localPriorityCoversAThreat() {
        var selection = seedSelection()
        selection.priorities[2].threats = []
        selection.boardRecords.removeAll { $0.threat == "Cybercrime" }
        let found = check(selection)
        #expect(found.map(\.rule) == ["local-priority-covers-a-threat"])
        #expect(found.first?.description == "priority P3 covers no threat from the assessment")
    }

    @Test func moneySharesWithinWhole() {
        var selection = seedSelection()
        selection.priorities[2].money = [.init(strand: "SAFER", recipient: "GB-LAE-NWL", share: pct("30.5%"))]
        let found = check(selection)
        #expect(found.map(\.rule) == ["money-shares-within-whole"])
        #expect(
            found.first?.description
                == "the priorities claim 100.5% of SAFER/GB-LAE-NWL; together they may claim at most 100%")
    }

    @Test func aSelectionFromAnIncompleteAssessmentIsRefusedForTheAssessment() {
        let found = check(seedSelection(), seedAssessment(probability: false))
        #expect(Set(found.map(\.rule)) == ["probability-inputs-given"])
    }
}
