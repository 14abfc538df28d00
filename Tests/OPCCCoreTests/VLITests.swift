import Foundation
import OPCCCore
import Testing

/// The VLI scheme and its arithmetic (issue 7), checked against a table worked by hand.
@Suite("Vulnerable Localities Index")
struct VLITests {
    static let defaultText = try! String(
        contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("workflows/vli/vli-default.yaml"), encoding: .utf8)

    static func area(
        _ code: String, burglary: Double, damage: Double, income: Double, employment: Double, young: Double,
        education: Double
    ) -> VLIArea {
        VLIArea(
            code: code, name: code, households: 100, population: 200,
            values: [
                .burglaryDwelling: burglary, .criminalDamageDwelling: damage, .incomeDeprivation: income,
                .employmentDeprivation: employment, .youngPeople: young, .educationalAttainment: education,
            ])
    }

    static let table = [
        area("A", burglary: 1, damage: 2, income: 0.1, employment: 0.1, young: 20, education: 10),
        area("B", burglary: 1, damage: 2, income: 0.1, employment: 0.1, young: 20, education: 10),
        area("C", burglary: 1, damage: 2, income: 0.1, employment: 0.2, young: 20, education: 10),
        area("D", burglary: 7, damage: 8, income: 0.5, employment: 0.2, young: 60, education: 30),
    ]

    /// `table`: four areas of 100 households and 200 people each.
    ///
    /// | area | burglary (per 1,000 hh) | damage (per 1,000 hh) | income | employment | 15–24 (proportion) | education |
    /// |---|---|---|---|---|---|---|
    /// | A, B | 1 (10) | 2 (20) | 0.1 | 0.1 | 20 (0.1) | 10 |
    /// | C | 1 (10) | 2 (20) | 0.1 | 0.2 | 20 (0.1) | 10 |
    /// | D | 7 (70) | 8 (80) | 0.5 | 0.2 | 60 (0.3) | 30 |
    /// | mean | 25 | 35 | 0.2 | 0.15 | 0.15 | 15 |
    ///
    /// D: burglary 70 ÷ 25 × 100 = 280; damage 80 ÷ 35 × 100 = 1600/7; crime = (280 + 1600/7) ÷ 2 = 1780/7;
    /// income 250; employment 0.2 ÷ 0.15 × 100 = 400/3; deprivation = (250 + 400/3) ÷ 2 = 575/3; young 200;
    /// education 200; composite = (1780/7 + 575/3 + 200 + 200) ÷ 4 = 17765/84 ≈ 211.49 — over 200.
    /// A: crime = (40 + 400/7) ÷ 2 = 340/7; deprivation = (50 + 200/3) ÷ 2 = 175/3; young 200/3; education 200/3;
    /// composite = (340/7 + 175/3 + 400/3) ÷ 4 = 5045/84 ≈ 60.06.
    @Test func theIndexArithmeticMatchesTheTableWorkedByHand() async throws {
        let scheme = try VLIScheme.parse(yaml: Self.defaultText, source: "vli-default.yaml")
        let areas = Self.table
        let scores = try VLIScoring.score(areas, scheme: scheme)
        let d = scores[3]
        #expect(abs(d.indices["burglary-dwelling"]! - 280) < 1e-9)
        #expect(abs(d.indices["criminal-damage-dwelling"]! - 1600.0 / 7) < 1e-9)
        #expect(abs(d.domains["crime"]! - 1780.0 / 7) < 1e-9)
        #expect(abs(d.domains["deprivation"]! - 575.0 / 3) < 1e-9)
        #expect(abs(d.composite - 17765.0 / 84) < 1e-9)
        #expect(d.overThreshold)
        #expect(abs(scores[0].composite - 5045.0 / 84) < 1e-9)
        #expect(!scores[0].overThreshold)
        #expect(abs(scores[0].normalised["young-people-15-24"]! - 0.1) < 1e-12)
        // The indices of each variable average 100 over the study area, by construction.
        for variable in VLIScheme.Variable.allCases {
            #expect(abs(scores.reduce(0) { $0 + $1.indices[variable.rawValue]! } / 4 - 100) < 1e-9)
        }
    }

    @Test func aggregationCountsAreasOverTheThresholdAndRanksTheGroups() async throws {
        let scheme = try VLIScheme.parse(yaml: Self.defaultText, source: "vli-default.yaml")
        let areas = Self.table
        let scores = try VLIScoring.score(areas, scheme: scheme)
        let groups = VLIScoring.aggregate(
            scores, groupOf: ["A": ("W1", "West"), "B": ("W1", "West"), "C": ("W2", "East"), "D": ("W2", "East")],
            supporting: ["W2": ["IOM offenders": 4]])
        #expect(groups.map(\.name) == ["East", "West"])
        #expect(groups[0].overThreshold == 1 && groups[0].areas == 2 && groups[0].population == 400)
        #expect(abs(groups[0].maxVLI - 17765.0 / 84) < 1e-9)
        #expect(groups[0].supporting["IOM offenders"] == 4)
        #expect(groups[1].overThreshold == 0)
    }

    func refusal(_ yaml: String) -> VLISchemeError? {
        do {
            _ = try VLIScheme.parse(yaml: yaml, source: "bad.yaml")
            return nil
        } catch { return error }
    }

    @Test func vliKnownVariable() {
        let bad = Self.defaultText.replacingOccurrences(
            of: "{ name: income-deprivation,", with: "{ name: income-poverty,")
        #expect(refusal(bad)?.rule == "vli-known-variable")
        #expect(refusal(bad)?.description.hasPrefix("bad.yaml: 'income-poverty' is not a VLI variable") == true)
    }

    @Test func vliWeightsSumToOne() {
        let bad = Self.defaultText.replacingOccurrences(
            of: "variables: [educational-attainment], weight: 0.25",
            with: "variables: [educational-attainment], weight: 0.3")
        #expect(refusal(bad)?.rule == "vli-weights-sum-to-one")
        #expect(refusal(bad)?.description.contains("sum to 1.05") == true)
    }

    @Test func vliThresholdGiven() {
        let bad = Self.defaultText.replacingOccurrences(of: "threshold: 200", with: "")
        #expect(refusal(bad)?.rule == "vli-threshold-given")
        #expect(refusal(bad)?.description == "bad.yaml: no threshold (the VLI's is 200)")
    }

    @Test func vliDomainUsesDeclaredVariables() {
        let bad = Self.defaultText.replacingOccurrences(
            of: "  - { name: educational-attainment, normalisation: score-as-given }\n", with: "")
        #expect(refusal(bad)?.rule == "vli-domain-uses-declared-variables")
    }

    @Test func everyOutputRepeatsTheProxies() async throws {
        let scheme = try VLIScheme.parse(yaml: Self.defaultText, source: "vli-default.yaml")
        #expect(scheme.proxyNotes.count == 2)
        #expect(scheme.proxyNotes[0].hasPrefix("burglary-dwelling: police.uk \"Burglary\""))
        #expect(scheme.threshold == 200 && scheme.name == "vli-default" && scheme.version == 1)
    }
}
