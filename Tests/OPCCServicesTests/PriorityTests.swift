import Foundation
import OPCCCore
import OPCCServices
import OPCCStore
import OPCCTestSupport
import Testing

/// Seed 001's "Individual Harm scores" table, exactly as the source text has it (tab-separated).
private let seedTable = """
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

private func pct(_ text: String) -> Percentage { try! Percentage(parsing: text) }

/// The table as the product holds it, written back in the seed's layout.
private func table(_ view: Commissioning.PriorityView) -> String {
    let header = "\t" + (view.assessment.agencies + ["total"]).joined(separator: "\t")
    let rows = view.scored.map { t in
        ([t.name] + t.agencySums.map { $0.map(String.init) ?? "" } + [t.recordedTotal.map(String.init) ?? ""])
            .joined(separator: "\t")
    }
    return ([header] + rows).joined(separator: "\n")
}

/// A demo database with a second, unscored assessment for 2018/19 (the same threats and method, no scores from
/// Fire or UAVA, no probability inputs yet); returns its id.
private func nextYear(_ app: Commissioning) async throws -> String {
    var draft = try await app.priorityView(as: "leics.officer").assessment
    draft.year = fy("2018/19")
    for i in draft.threats.indices {
        draft.threats[i].scores["Fire"] = nil
        draft.threats[i].scores["UAVA"] = nil
        draft.threats[i].recordedTotal = nil
        draft.threats[i].control = nil
        draft.threats[i].volumeShare = nil
    }
    return try await app.importAssessment(draft, by: "leics.officer", on: day("2018-01-15")).id
}

/// Gives every threat of `id` its missing scores (the 2017/18 ones) and the 2017/18 probability inputs.
private func completeScoring(_ app: Commissioning, _ id: String) async throws {
    let previous = try await app.priorityView("leicestershire-PA-0001", as: "leics.officer").assessment
    for threat in previous.threats {
        for agency in ["Fire", "UAVA"] {
            try await app.recordHarmScore(
                id, threat: threat.name, agency: agency, score: threat.scores[agency]!, by: "leics.officer",
                on: day("2018-01-20"))
        }
        try await app.recordProbability(
            id, threat: threat.name, control: threat.control!, share: threat.volumeShare!, by: "leics.officer",
            on: day("2018-01-20"))
    }
}

@Suite("Priorities: the Safer North West 2017/18 scenario in the demo")
struct PriorityScenarioTests {
    @Test(arguments: TestEngine.all) func theSeedTableRoundTripsExactly(engine: TestEngine) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let view = try await app.priorityView(as: nil)
        #expect(view.assessment.partnershipCode == "SNWP" && view.assessment.year == fy("2017/18"))
        #expect(table(view) == seedTable)
        #expect(view.scored.allSatisfy { $0.computedTotal == $0.recordedTotal && $0.totalDifference == nil })
        #expect(view.scored.first { $0.name == "Domestic Abuse" }?.computed?.working == "75 ÷ 6 = 12.5 → 13")
        // The CSV export carries the same table in its first columns.
        let csv = PriorityExport.csv(view).split(separator: "\n").map {
            $0.split(separator: ",", omittingEmptySubsequences: false)
        }
        #expect(
            csv[0].prefix(8).joined(separator: ",")
                == "number,threat,NWLDC,Police,Fire,Community safety,UAVA,sumOfAgencies")
        let fromCSV = csv.dropFirst().map { r in ([r[1]] + r[2...6] + [r[8]]).joined(separator: "\t") }
        #expect(fromCSV == Array(seedTable.split(separator: "\n").dropFirst().map(String.init)))
    }

    @Test(arguments: TestEngine.all) func the2017Of18SelectionIsAdoptedWithItsReasons(engine: TestEngine) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let view = try await app.priorityView(as: nil)
        #expect(view.state == "adopted")
        #expect(
            view.selection.local.map(\.title) == [
                "Protecting those that live, work and visit the District from the effects of violence",
                "Increasing community confidence by effectively addressing Anti-social behaviour and its causes",
                "Support for business, schools and residents to reduce the risk of Cybercrime",
            ])
        #expect(view.selection.statutory.map(\.title) == ["Reducing reoffending", "Substance misuse"])
        let bands = Dictionary(uniqueKeysWithValues: view.scored.map { ($0.name, $0.band) })
        for high in view.scored where high.band == .high { #expect(!view.selection.covering(high.name).isEmpty) }
        #expect(bands["Cybercrime"] == .low)
        #expect(view.selection.compulsion(for: "Cybercrime")?.0 == .nationalSteer)
        for medium in view.scored where medium.band == .medium {
            let decision = try #require(view.selection.mediumDecision(on: medium.name))
            #expect(!decision.record.reason.isEmpty)
            #expect(decision.selected == !view.selection.covering(medium.name).isEmpty)
        }
        #expect(view.selection.mediumDecision(on: "Road Safety*")?.selected == false)
        #expect(PriorityRules.checkSelection(view.selection, of: view.assessment).isEmpty)
        let events = try await app.auditLog(instance: view.assessment.id).map(\.event)
        #expect(events.first == "create" && events.last == "adopt")
        #expect(events.filter { $0 == "record-board-decision" }.count == 6)
        #expect(events.filter { $0 == "set-priority" }.count == 5)
    }

    @Test(arguments: TestEngine.all) func spendPerPriorityIsTheReconciliationSharedByTheLinks(
        engine: TestEngine
    ) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let view = try await app.priorityView(as: nil)
        let spend = try await app.prioritySpend(view)
        #expect(spend.rows.map(\.priority) == ["P1", "P2", "P3", "S1", "S2"])
        #expect(spend.rows.map(\.allocatedPence) == [2_400_000, 1_800_000, 600_000, 600_000, 600_000])
        #expect(spend.rows.allSatisfy { $0.financialYear == "2017/18" && $0.paidPence == 0 })
        #expect(spend.lines.count == 1)
        #expect(spend.lines[0].allocatedPence == 6_000_000 && spend.lines[0].claimedBasisPoints == 10_000)
        let reconciled = try await app.reconciliation(year: fy("2017/18"), office: "leicestershire")
        #expect(spend.rows.map(\.allocatedPence).reduce(0, +) == row(reconciled, strand: "SAFER")?.allocatedPence)
        // In a year with no money on the linked line, nothing is attributed.
        await #expect(try app.prioritySpend(view, year: fy("2015/16")).rows.allSatisfy { $0.allocatedPence == 0 })
    }

    @Test(arguments: TestEngine.all) func financeRelinksMoneyAfterAdoptionToThePenny(engine: TestEngine) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let id = "leicestershire-PA-0001"
        let line = { (share: String) in
            [PrioritySelection.MoneyLink(strand: "SAFER", recipient: "GB-LAE-NWL", share: pct(share))]
        }
        for (code, share) in [("S1", nil), ("S2", nil), ("P1", "33.33%"), ("P2", "33.33%"), ("P3", "33.34%")] {
            try await app.linkPriorityMoney(
                id, priority: code, links: share.map(line) ?? [], by: "leics.finance", on: day("2017-04-10"))
        }
        let spend = try await app.prioritySpend(try app.priorityView(id, as: "leics.finance"))
        #expect(spend.rows.map(\.allocatedPence) == [1_999_800, 1_999_800, 2_000_400, 0, 0])
    }

    @Test(arguments: TestEngine.all) func moneySharesWithinWholeWhenFinanceRelinks(engine: TestEngine) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let error = await #expect(throws: ActRefused.self) {
            try await app.linkPriorityMoney(
                "leicestershire-PA-0001", priority: "P3",
                links: [.init(strand: "SAFER", recipient: "GB-LAE-NWL", share: pct("12.5%"))], by: "leics.finance",
                on: day("2017-04-10"))
        }
        #expect(error?.rules == ["money-shares-within-whole"])
        #expect(
            error?.reasons.first?.description == "the priorities claim 102.5% of SAFER/GB-LAE-NWL; together they "
                + "may claim at most 100%: reduce the shares so that they add up to 100% or less")
        let unknown = await #expect(throws: ServiceRefusal.self) {
            try await app.linkPriorityMoney(
                "leicestershire-PA-0001", priority: "P3", links: [.init(strand: "CYBER")], by: "leics.finance")
        }
        #expect(unknown?.rule == "known-strand")
        #expect(
            unknown?.message == "leicestershire has never budgeted a strand 'CYBER'; its strands are REOFFENDING, "
                + "SAFER, VICTIMS, VULNERABLE")
    }

    @Test(arguments: TestEngine.all) func theDemoIsLoadedOnceOnly(engine: TestEngine) async throws {
        let (app, store) = try await demoApp(engine: engine)
        let again = try await app.loadDemo(from: home)
        #expect(again.lines.contains("priorities SNWP 2017/18 (already loaded)"))
        await #expect(try store.read { try $0.assessments(office: "leicestershire") }.count == 1)
        await #expect(try app.financeCheck() == [])
        await #expect(try app.verifyAudit().isIntact)
    }
}

@Suite("Priorities: scoring and selecting through the services")
struct PriorityServiceTests {
    @Test(arguments: TestEngine.all) func everyAgencyScoresEveryThreatBeforeScoringCloses(
        engine: TestEngine
    ) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let id = try await nextYear(app)
        let error = await #expect(throws: ActRefused.self) { try await app.closeScoring(id, by: "leics.officer") }
        #expect(error?.rules.first?.hasPrefix("every-agency-scores-every-threat, probability-inputs-given") == true)
        await #expect(try app.refusals(instance: id).count == 1)
        try await completeScoring(app, id)
        try await app.closeScoring(id, by: "leics.officer", on: day("2018-02-01"))
        await #expect(try app.instance(id)?.state == "selecting")
        let view = try await app.priorityView(id, as: "leics.officer")
        #expect(view.scored.allSatisfy { $0.computedTotal != nil && $0.risk != nil })
        #expect(view.scored.first?.computedTotal == 11 && view.scored.first?.recordedTotal == nil)
    }

    @Test(arguments: TestEngine.all) func aFactorScoreIsKeptWithItsSumAndOneOutOfRangeIsRefused(
        engine: TestEngine
    ) async throws {
        let (app, store) = try await demoApp(engine: engine)
        let id = try await nextYear(app)
        try await app.recordHarmScore(
            id, threat: "Hate Crime", agency: "Fire", score: HarmScore(factors: [1, 1, 2, 1, 1, 1]),
            by: "leics.officer")
        let hate = try await #require(try store.read { try $0.assessment(id: id) }?.threat(named: "Hate Crime"))
        #expect(hate.scores["Fire"] == HarmScore(factors: [1, 1, 2, 1, 1, 1]) && hate.scores["Fire"]?.sum == 7)
        let error = await #expect(throws: ServiceRefusal.self) {
            try await app.recordHarmScore(
                id, threat: "Hate Crime", agency: "UAVA", score: HarmScore(factors: [1, 1, 2, 1, 1, 0]),
                by: "leics.officer")
        }
        #expect(error?.rule == "harm-factor-scored-1-to-4")
        #expect(error?.message == "UAVA scored 'Hate Crime' 0 for Economic – Social; each factor is scored 1 to 4")
        let stranger = await #expect(throws: ServiceRefusal.self) {
            try await app.recordHarmScore(
                id, threat: "Hate Crime", agency: "Probation", score: HarmScore(sum: 9), by: "leics.officer")
        }
        #expect(stranger?.rule == "known-agency")
        let nothing = await #expect(throws: ServiceRefusal.self) {
            try await app.recordHarmScore(
                id, threat: "Arson", agency: "Fire", score: HarmScore(sum: 9), by: "leics.officer")
        }
        #expect(nothing?.rule == "known-threat")
    }

    @Test(arguments: TestEngine.all) func theBoardsSelectionIsAdoptedOnlyWhenItFollowsTheRules(
        engine: TestEngine
    ) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let id = try await nextYear(app)
        try await completeScoring(app, id)
        try await app.closeScoring(id, by: "leics.officer", on: day("2018-02-01"))
        let d = day("2018-03-13")
        try await app.setPriority(
            id,
            .init(code: "P1", title: "Violence", kind: .local, threats: ["Alcohol Related Violence", "Violent Crime"]),
            by: "leics.officer", on: d)
        try await app.setPriority(
            id, .init(code: "P2", title: "ASB", kind: .local, threats: ["Anti-Social Behaviour"]), by: "leics.officer",
            on: d)
        try await app.setPriority(
            id, .init(code: "P3", title: "Cybercrime", kind: .local, threats: ["Cybercrime"]), by: "leics.officer",
            on: d)
        try await app.setPriority(
            id, .init(code: "S1", title: "Reducing reoffending", kind: .statutory), by: "leics.officer", on: d)
        let refused = await #expect(throws: ActRefused.self) {
            try await app.adoptPriorities(id, by: "leics.chief-executive", on: d)
        }
        #expect(refused?.rules == ["medium-discussed, low-only-when-compelled, statutory-obligations-delivered"])
        #expect(
            refused?.reasons.first?.description.contains(
                "'Domestic Abuse' is Medium (risk 39 = probability 3 × harm 13") == true)
        try await app.setPriority(
            id, .init(code: "S2", title: "Substance misuse", kind: .statutory), by: "leics.officer", on: d)
        for (threat, selected) in [
            ("Domestic Abuse", false), ("Domestic Burglary", false), ("Criminal Damage (including Arson)", false),
            ("Sexual Offences", false), ("Road Safety*", false),
        ] {
            try await app.recordBoardDecision(
                id, .mediumDecision(threat: threat, selected: selected), reason: "Minute 4: not this year",
                by: "leics.officer", on: d)
        }
        try await app.recordBoardDecision(
            id, .compulsion(threat: "Cybercrime", .nationalSteer), reason: "Home Office steer", by: "leics.officer",
            on: d)
        try await app.adoptPriorities(id, by: "leics.chief-executive", on: d)
        await #expect(try app.instance(id)?.state == "adopted")
        let late = await #expect(throws: ActRefused.self) {
            try await app.setPriority(
                id, .init(code: "P4", title: "x", kind: .local, threats: ["Robbery"]), by: "leics.officer")
        }
        #expect(late?.rules == ["event-not-allowed-in-state"])
        try await app.closeAssessment(id, reason: "2019/20 assessment adopted", by: "leics.officer")
        await #expect(try app.instance(id)?.state == "closed")
        await #expect(try app.verifyAudit().isIntact)
    }

    @Test(arguments: TestEngine.all) func aDecisionIsRecordedOnlyOnAMediumAndACompulsionOnlyForALow(
        engine: TestEngine
    ) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let id = try await nextYear(app)
        try await completeScoring(app, id)
        try await app.closeScoring(id, by: "leics.officer", on: day("2018-02-01"))
        let high = await #expect(throws: ServiceRefusal.self) {
            try await app.recordBoardDecision(
                id, .mediumDecision(threat: "Violent Crime", selected: false), reason: "x", by: "leics.officer")
        }
        #expect(high?.rule == "decision-on-a-medium")
        #expect(
            high?.message == "'Violent Crime' is High (risk 60 = probability 5 × harm 12; High from 50); the board "
                + "records its decision on each Medium threat")
        let medium = await #expect(throws: ServiceRefusal.self) {
            try await app.recordBoardDecision(
                id, .compulsion(threat: "Road Safety*", .nationalSteer), reason: "x", by: "leics.officer")
        }
        #expect(medium?.rule == "compulsion-for-a-low")
        let noReason = await #expect(throws: ActRefused.self) {
            try await app.recordBoardDecision(
                id, .mediumDecision(threat: "Road Safety*", selected: false), reason: " ", by: "leics.officer")
        }
        #expect(noReason?.rules == ["reason-given"])
        let unknown = await #expect(throws: ServiceRefusal.self) {
            try await app.setPriority(
                id, .init(code: "P1", title: "Violence", kind: .local, threats: ["Knife crime"]), by: "leics.officer")
        }
        #expect(unknown?.rule == "priority-covers-known-threats")
        #expect(unknown?.message == "priority P1 covers 'Knife crime', which the assessment does not list")
        try await app.recordBoardDecision(
            id, .priorityCount(4), reason: "Board minute 2: four priorities", by: "leics.officer")
        await #expect(try app.priorityView(id, as: "leics.officer").selection.changedPriorityCount?.count == 4)
    }

    @Test(arguments: TestEngine.all) func scoresChangeOnlyWhileScoring(engine: TestEngine) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let error = await #expect(throws: ActRefused.self) {
            try await app.recordHarmScore(
                "leicestershire-PA-0001", threat: "Cybercrime", agency: "Police", score: HarmScore(sum: 20),
                by: "leics.officer")
        }
        #expect(error?.rules == ["event-not-allowed-in-state"])
    }

    @Test(arguments: TestEngine.all) func oneAssessmentAYearPerPartnership(engine: TestEngine) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let draft = try await app.priorityView(as: nil).assessment
        let error = await #expect(throws: ServiceRefusal.self) {
            try await app.importAssessment(draft, by: "leics.officer")
        }
        #expect(error?.rule == "one-assessment-a-year")
        #expect(error?.message == "SNWP already has an assessment for 2017/18 in leicestershire")
    }

    @Test(arguments: TestEngine.all) func onlyAnOfficerRecordsAnAssessment(engine: TestEngine) async throws {
        let (app, _) = try await demoApp(engine: engine)
        var draft = try await app.priorityView(as: nil).assessment
        draft.year = fy("2018/19")
        let error = await #expect(throws: ServiceRefusal.self) {
            try await app.importAssessment(draft, by: "leics.finance")
        }
        #expect(error?.rule == "role-required")
        let elsewhere = await #expect(throws: ServiceRefusal.self) {
            try await app.importAssessment(draft, by: "cumbria.officer")
        }
        #expect(elsewhere?.rule == "role-required")
    }

    @Test(arguments: TestEngine.all) func anAssessmentIsPublicOnceAdoptedAndOnlyItsOfficeSeesItBefore(
        engine: TestEngine
    ) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let id = try await nextYear(app)
        await #expect(try app.priorityView(as: nil).assessment.year == fy("2017/18"))
        await #expect(try app.priorityView(as: "leics.officer").assessment.id == id)
        await #expect(try app.priorityAssessments(as: nil).map(\.id) == ["leicestershire-PA-0001"])
        await #expect(try app.priorityAssessments(as: "lincs.auditor").count == 1)
        await #expect(try app.priorityAssessments(as: "leics.pcc").count == 2)
        let hidden = await #expect(throws: ServiceRefusal.self) {
            try await app.priorityView(id, as: "cumbria.officer")
        }
        // Not adopted, so not there for another office: refused as a missing assessment is.
        #expect(hidden?.rule == "known-assessment")
        #expect(hidden?.kind == .notFound)
        #expect(hidden?.message == "no priority assessment '\(id)'")
    }

    @Test func anAssessmentFileWithMoreScoresThanAgenciesIsRefusedNamingTheLine() async throws {
        let yaml = """
            office: leicestershire
            partnership: { code: SNWP, name: Safer North West Partnership }
            year: 2018/19
            method:
              model: ACPO 3 PLEM
              combination: { kind: mean, rounding: half-up }
              probabilityScale:
                uncontrolled: [{ atLeast: 0%, score: 3 }]
                under-control: [{ atLeast: 0%, score: 2 }]
                reducing: [{ atLeast: 0%, score: 1 }]
              bands: { highFrom: 40, mediumFrom: 20 }
              priorities: 2
            agencies: [NWLDC, Police]
            threats:
              - { threat: Robbery, scores: [15, [4, 3, 2, 2, 2, 2]], control: uncontrolled, share: 1% }
              - { threat: Hate Crime, scores: [16, 8, 6] }
            """
        let file = try PriorityFile.parse(yaml: yaml, source: "next.yaml")
        let error = #expect(throws: ServiceRefusal.self) { try file.assessment(source: "next.yaml") }
        #expect(error?.rule == "every-agency-scores-every-threat")
        #expect(error?.message == "next.yaml: threats[1] ('Hate Crime') gives 3 scores for 2 agencies (NWLDC, Police)")
        let bad = #expect(throws: ServiceRefusal.self) {
            try PriorityFile.parse(
                yaml: yaml.replacingOccurrences(of: "share: 1%", with: "share: lots"), source: "next.yaml")
        }
        #expect(bad?.rule == "valid-priorities-file")
        #expect(bad?.message.hasPrefix("next.yaml: threats[0].share: 'lots' is not a percentage") == true)
    }
}
