import Foundation
import Testing

/// Seed 001's harm table, tab-separated as published, without its header.
private let seedRows = [
    "Alcohol Related Violence\t15\t13\t6\t14\t19\t11", "Violent Crime\t13\t15\t6\t19\t21\t12",
    "Domestic Abuse\t15\t13\t6\t17\t24\t13", "Domestic Burglary\t11\t12\t6\t16\t13\t10",
    "Burglary Other\t9\t9\t6\t12\t11\t8", "Vehicle Crime – Theft from\t10\t11\t6\t9\t8\t7",
    "Vehicle Crime – Theft of\t10\t11\t6\t14\t9\t8", "Criminal Damage (including Arson)\t10\t8\t13\t13\t10\t9",
    "Theft - Shoplifting\t11\t11\t6\t6\t7\t7", "Robbery\t15\t17\t6\t15\t11\t11",
    "Sexual Offences\t14\t14\t6\t21\t23\t13",
    "Anti-Social Behaviour\t13\t12\t9\t16\t14\t11", "Road Safety*\t11\t10\t17\t15\t14\t11",
    "Business Crime\t10\t8\t6\t12\t9\t8", "Cybercrime\t9\t11\t6\t13\t11\t8", "Rural Crime\t9\t9\t6\t12\t12\t8",
    "Hate Crime\t16\t8\t6\t16\t12\t10",
]

@Suite("opcc priorities")
struct PrioritiesCommandTests {
    @Test func showPrintsTheLatestAssessmentAndItsCSVCarriesTheSeedTableExactly() async throws {
        let db = temporaryDatabase()
        await #expect(try opcc(["demo", "--db", db]).status == 0)
        let show = try await opcc(["priorities", "show", "--db", db])
        #expect(show.status == 0, "\(show.stderr)")
        let lines = show.stdout.split(separator: "\n").map(String.init)
        #expect(lines[0] == "Safer North West Partnership (SNWP) 2017/18: leicestershire-PA-0001, adopted")
        #expect(lines.contains { $0.hasPrefix(" 3  Domestic Abuse") && $0.contains("75 ÷ 6 = 12.5 → 13") })
        #expect(lines.contains("recorded totals: all 17 equal the totals computed by sum ÷ 6, round half up"))
        #expect(lines.contains { $0.hasPrefix("  2017-03-14  Cybercrime (Low 24): compelled (national-steer); ") })
        let csv = try await opcc([
            "priorities", "show", "--csv", "--partnership", "SNWP", "--year", "2017/18", "--db", db,
        ])
        let rows = csv.stdout.split(separator: "\n").dropFirst().map {
            $0.split(separator: ",", omittingEmptySubsequences: false)
        }
        #expect(rows.map { r in ([r[1]] + r[2...6] + [r[8]]).joined(separator: "\t") } == seedRows)
        let json = try await opcc(["priorities", "show", "--json", "--db", db])
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        #expect((object?["threats"] as? [Any])?.count == 17)
        #expect(object?["totalsDiffering"] as? Int == 0)
        #expect((object?["priorities"] as? [Any])?.count == 5)
    }

    @Test func theMatrixTheChartAndTheMoneyPerPriority() async throws {
        let db = temporaryDatabase()
        await #expect(try opcc(["demo", "--db", db]).status == 0)
        let matrix = try await opcc(["priorities", "matrix", "--csv", "--db", db])
        #expect(matrix.stdout.split(separator: "\n")[1] == "5,M,M,M,M,H,\"H 1*,12*\",H 2*,H,H")
        let svg = URL(fileURLWithPath: db).deletingLastPathComponent().appendingPathComponent("chart.svg")
        let chart = try await opcc(["priorities", "chart", "--output", svg.path, "--db", db])
        #expect(chart.status == 0, "\(chart.stderr)")
        #expect(chart.stdout.contains("High: 2 Violent Crime (risk 60 = 5 × 12, selected)"))
        let text = try String(contentsOf: svg, encoding: .utf8)
        #expect(
            text.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\"") && text.contains("<desc id=\"chart-desc\">"))
        let spend = try await opcc(["priorities", "spend", "--csv", "--db", db])
        #expect(spend.stdout.split(separator: "\n").count == 6)
        #expect(
            spend.stdout.contains(
                "\nP1,\"Protecting those that live, work and visit the District from the effects of violence\",local,2017/18,2400000,0,0,"
            ))
        #expect(spend.stdout.contains("\nS2,Substance misuse,statutory,2017/18,600000,0,0,"))
    }

    @Test func anAssessmentIsScoredAndRefusedThroughTheCommandsNamingTheRule() async throws {
        let db = temporaryDatabase()
        await #expect(try opcc(["demo", "--db", db]).status == 0)
        let file = URL(fileURLWithPath: db).deletingLastPathComponent().appendingPathComponent("next.yaml")
        try """
        office: leicestershire
        partnership: { code: SNWP, name: Safer North West Partnership }
        year: 2018/19
        method:
          model: ACPO 3 PLEM
          combination: { kind: mean, rounding: half-up }
          probabilityScale:
            uncontrolled: [{ atLeast: 10%, score: 5 }, { atLeast: 0%, score: 3 }]
            under-control: [{ atLeast: 0%, score: 2 }]
            reducing: [{ atLeast: 0%, score: 1 }]
          bands: { highFrom: 50, mediumFrom: 30 }
          priorities: 1
          statutoryObligations: [Reducing reoffending]
        agencies: [NWLDC, Police]
        threats:
          - { threat: Violent Crime, scores: [13, [4, 3, 2, 2, 2, 2]] }
          - { threat: Cybercrime, scores: [9] }
        """.write(to: file, atomically: true, encoding: .utf8)
        let officer = ["--db", db, "--as", "leics.officer"]
        let imported = try await opcc(["priorities", "import", "--file", file.path] + officer)
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(
            imported.stdout
                == "leicestershire-PA-0002: Safer North West Partnership 2018/19, 2 threats, 2 agencies (scoring)\n")
        let id = "leicestershire-PA-0002"
        let hidden = try await opcc(["priorities", "show", id, "--db", db])
        #expect(hidden.status == 1)
        #expect(hidden.stderr.contains("refused (known-assessment): no priority assessment '\(id)'"))
        let early = try await opcc(["priorities", "close-scoring", id] + officer)
        #expect(early.status == 1)
        #expect(early.stderr.contains("[probability-inputs-given, every-agency-scores-every-threat]"))
        let bad = try await opcc(
            ["priorities", "score", id, "--threat", "Cybercrime", "--agency", "Police", "--factors", "1,1,1,1,1,5"]
                + officer)
        #expect(bad.status == 1)
        #expect(
            bad.stderr.contains(
                "refused (harm-factor-scored-1-to-4): Police scored 'Cybercrime' 5 for Economic – Social"))
        await #expect(
            try opcc(
                ["priorities", "score", id, "--threat", "Cybercrime", "--agency", "Police", "--sum", "11"] + officer
            ).status == 0)
        for (threat, control, share) in [
            ("Violent Crime", "uncontrolled", "22.46%"), ("Cybercrime", "reducing", "1%"),
        ] {
            let r = try await opcc(
                ["priorities", "probability", id, "--threat", threat, "--control", control, "--share", share] + officer)
            #expect(r.status == 0, "\(r.stderr)")
        }
        await #expect(try opcc(["priorities", "close-scoring", id] + officer).status == 0)
        let set = try await opcc(
            [
                "priorities", "set-priority", id, "--code", "P1", "--title", "Violence", "--threat", "Violent Crime",
                "--link", "SAFER/GB-LAE-NWL=50%",
            ] + officer)
        #expect(set.status == 0, "\(set.stderr)")
        let adopt = try await opcc(["priorities", "adopt", id, "--db", db, "--as", "leics.chief-executive"])
        #expect(adopt.status == 1)
        #expect(adopt.stderr.contains("[statutory-obligations-delivered]"))
        await #expect(
            try opcc(
                ["priorities", "set-priority", id, "--code", "S1", "--title", "Reducing reoffending", "--statutory"]
                    + officer
            ).status == 0)
        let adopted = try await opcc(["priorities", "adopt", id, "--db", db, "--as", "leics.chief-executive"])
        #expect(adopted.stdout == "\(id): adopted (adopted)\n")
        let tooMuch = try await opcc([
            "priorities", "link", "leicestershire-PA-0001", "--priority", "P3", "--link", "SAFER/GB-LAE-NWL=20%",
            "--db", db, "--as", "leics.finance",
        ])
        #expect(tooMuch.status == 1)
        #expect(tooMuch.stderr.contains("[money-shares-within-whole] the priorities claim 110% of SAFER/GB-LAE-NWL"))
        let list = try await opcc(["priorities", "list", "--csv", "--db", db])
        #expect(list.stdout.split(separator: "\n").count == 3)
    }

    @Test func aMissingAssessmentIsRefusedAndABadOptionIsAUsageError() async throws {
        let db = temporaryDatabase()
        await #expect(try opcc(["demo", "--db", db]).status == 0)
        let missing = try await opcc(["priorities", "show", "leicestershire-PA-0007", "--db", db])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("refused (known-assessment)"))
        let usage = try await opcc([
            "priorities", "probability", "leicestershire-PA-0001", "--threat", "Robbery", "--control", "rising",
            "--share", "1%", "--db", db,
        ])
        #expect(usage.status == 64)
    }
}
