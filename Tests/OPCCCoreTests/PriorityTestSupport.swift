import Foundation

@testable import OPCCCore

/// Seed 001's "Individual Harm scores" table, copied exactly from the Safer North West Partnership's Strategic
/// Assessment 2017/18 (tab-separated, as the source text has it): five agencies' summed scores and the total.
let seedHarmTable = """
    \tNWLDC\tPolice\tFire\tCommunity safety\tUAVA\ttotal
    Alcohol Related Violence\t15\t13\t6\t14\t19\t11
    Violent Crime\t13\t15\t6\t19\t21\t12
    Domestic Abuse\t15\t13\t6\t17\t24\t13
    Domestic Burglary\t11\t12\t6\t16\t13\t10
    Burglary Other\t9\t9\t6\t12\t11\t8
    Vehicle Crime – Theft from\t10\t11\t6\t9\t8\t7
    Vehicle Crime – Theft of\t10\t11\t6\t14\t9\t8
    Criminal Damage (including Arson)\t10\t8\t13\t13\t10\t9
    Theft - Shoplifting\t11\t11\t6\t6\t7\t7
    Robbery\t15\t17\t6\t15\t11\t11
    Sexual Offences\t14\t14\t6\t21\t23\t13
    Anti-Social Behaviour\t13\t12\t9\t16\t14\t11
    Road Safety*\t11\t10\t17\t15\t14\t11
    Business Crime\t10\t8\t6\t12\t9\t8
    Cybercrime\t9\t11\t6\t13\t11\t8
    Rural Crime\t9\t9\t6\t12\t12\t8
    Hate Crime\t16\t8\t6\t16\t12\t10
    """

/// The table's rows: threat, the five agencies' sums, the recorded total.
func seedRows() -> [(threat: String, sums: [Int], total: Int)] {
    seedHarmTable.split(separator: "\n").dropFirst().map { line in
        let cells = line.split(separator: "\t").map(String.init)
        return (cells[0], cells[1...5].map { Int($0)! }, Int(cells[6])!)
    }
}

let seedAgencies = ["NWLDC", "Police", "Fire", "Community safety", "UAVA"]

private func pct(_ text: String) -> Percentage { try! Percentage(parsing: text) }

/// The demo's declared scale (ASSUMED: the seed names the inputs, not the table), from fixtures/priorities.
let demoScale = ProbabilityScale(
    underControl: [
        .init(atLeast: pct("10%"), score: 4), .init(atLeast: pct("5%"), score: 3), .init(atLeast: .zero, score: 2),
    ],
    uncontrolled: [
        .init(atLeast: pct("10%"), score: 5), .init(atLeast: pct("5%"), score: 4), .init(atLeast: .zero, score: 3),
    ],
    reducing: [
        .init(atLeast: pct("10%"), score: 3), .init(atLeast: pct("5%"), score: 2), .init(atLeast: .zero, score: 1),
    ])

/// The demo's probability inputs per threat, as in fixtures/priorities/safer-north-west-2017-18.yaml (shares partly
/// from the seed's 2015/16 counts, the rest and every control status ASSUMED).
let demoProbability: [String: (ControlStatus, String)] = [
    "Alcohol Related Violence": (.uncontrolled, "10.5%"), "Violent Crime": (.uncontrolled, "22.46%"),
    "Domestic Abuse": (.underControl, "7.81%"), "Domestic Burglary": (.uncontrolled, "5.43%"),
    "Burglary Other": (.underControl, "5%"), "Vehicle Crime – Theft from": (.reducing, "11.04%"),
    "Vehicle Crime – Theft of": (.underControl, "2.58%"), "Criminal Damage (including Arson)": (.underControl, "12%"),
    "Theft - Shoplifting": (.underControl, "8%"), "Robbery": (.underControl, "0.5%"),
    "Sexual Offences": (.uncontrolled, "2.5%"), "Anti-Social Behaviour": (.uncontrolled, "24.4%"),
    "Road Safety*": (.underControl, "6%"), "Business Crime": (.underControl, "4%"), "Cybercrime": (.uncontrolled, "1%"),
    "Rural Crime": (.underControl, "2%"), "Hate Crime": (.underControl, "1%"),
]

let demoMethod = PartnershipMethod(
    model: "ACPO 3 PLEM (adapted)", combination: .sumDividedBySixHalfUp, probabilityScale: demoScale,
    bands: RiskBands(highFrom: 50, mediumFrom: 30), priorityCount: 3,
    statutoryObligations: ["Reducing reoffending", "Substance misuse"])

/// Seed 001's assessment with the demo's assumed probability inputs.
func seedAssessment(probability: Bool = true) -> PriorityAssessment {
    PriorityAssessment(
        id: "leicestershire-PA-0001", office: "leicestershire", partnershipCode: "SNWP",
        partnershipName: "Safer North West Partnership", year: FinancialYear(startYear: 2017),
        source: "seed 001", method: demoMethod, agencies: seedAgencies,
        threats: seedRows().map { row in
            let inputs = probability ? demoProbability[row.threat] : nil
            return PriorityAssessment.Threat(
                name: row.threat,
                scores: Dictionary(uniqueKeysWithValues: zip(seedAgencies, row.sums.map { HarmScore(sum: $0) })),
                recordedTotal: row.total, control: inputs?.0, volumeShare: inputs.map { pct($0.1) })
        })
}

let violenceThreats = ["Alcohol Related Violence", "Violent Crime", "Domestic Abuse", "Sexual Offences"]

/// The 2017/18 selection (seed 001's three priorities and two statutory obligations) with the board's records.
func seedSelection() -> PrioritySelection {
    let on = try! Day(iso: "2017-03-14")
    func record(_ entry: PrioritySelection.BoardRecord.Entry, _ reason: String) -> PrioritySelection.BoardRecord {
        .init(entry, reason: reason, day: on, by: "leics.officer")
    }
    return PrioritySelection(
        priorities: [
            .init(
                code: "P1",
                title: "Protecting those that live, work and visit the District from the effects of violence",
                kind: .local, threats: violenceThreats,
                money: [.init(strand: "SAFER", recipient: "GB-LAE-NWL", share: pct("40%"))]),
            .init(
                code: "P2",
                title: "Increasing community confidence by effectively addressing Anti-social behaviour and its causes",
                kind: .local, threats: ["Anti-Social Behaviour"],
                money: [.init(strand: "SAFER", recipient: "GB-LAE-NWL", share: pct("30%"))]),
            .init(
                code: "P3", title: "Support for business, schools and residents to reduce the risk of Cybercrime",
                kind: .local, threats: ["Cybercrime"]),
            .init(code: "S1", title: "Reducing reoffending", kind: .statutory),
            .init(code: "S2", title: "Substance misuse", kind: .statutory),
        ],
        boardRecords: [
            record(.mediumDecision(threat: "Domestic Abuse", selected: true), "Violence in the home: priority 1"),
            record(.mediumDecision(threat: "Sexual Offences", selected: true), "Sexual violence: priority 1"),
            record(.mediumDecision(threat: "Domestic Burglary", selected: false), "Force burglary plan leads"),
            record(
                .mediumDecision(threat: "Criminal Damage (including Arson)", selected: false), "Falling; monitored"),
            record(.mediumDecision(threat: "Road Safety*", selected: false), "Road safety partnership leads"),
            record(.compulsion(threat: "Cybercrime", .nationalSteer), "A national priority (seed 001)"),
        ])
}
