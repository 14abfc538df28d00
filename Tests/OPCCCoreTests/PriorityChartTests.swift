import Foundation
import Testing

@testable import OPCCCore

private let repositoryRoot: URL = {
    var url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    while !FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
        url = url.deletingLastPathComponent()
    }
    return url
}()

private func priorityWorkflow() throws -> WorkflowDefinition {
    let url = repositoryRoot.appendingPathComponent("workflows/priority-selection.yaml")
    return try WorkflowDefinition.parse(
        yaml: String(contentsOf: url, encoding: .utf8), source: "priority-selection.yaml")
}

@Suite("Priorities: the matrix table and the SVG risk chart")
struct PriorityChartTests {
    let matrix = RiskMatrix(seedAssessment(), selection: seedSelection())

    @Test func theMatrixRunsProbabilityFiveToOneAgainstHarmAroundTheThreats() {
        #expect(matrix.probabilities == [5, 4, 3, 2, 1])
        #expect(matrix.harms == Array(6...14))
        #expect(matrix.table[0] == ["probability \\ harm", "6", "7", "8", "9", "10", "11", "12", "13", "14"])
        #expect(matrix.table[1] == ["5", "M", "M", "M", "M", "H", "H 1*,12*", "H 2*", "H", "H"])
        #expect(matrix.table[3] == ["3", "L", "L 6,9", "L 5,15*", "L", "M", "M 13", "M", "M 3*,11*", "M"])
    }

    @Test func theTextAlternativeListsEveryBandsThreatsHighestRiskFirst() {
        let lines = matrix.textAlternative.split(separator: "\n").map(String.init)
        #expect(lines[0] == "Safer North West Partnership 2017/18: risk = probability × harm.")
        #expect(
            lines[1] == "Probability runs from 1 to 5, harm from 6 to 14. High from 50; Medium from 30 to 49; "
                + "Low below 30.")
        #expect(
            lines[2] == "High: 2 Violent Crime (risk 60 = 5 × 12, selected); 1 Alcohol Related Violence "
                + "(risk 55 = 5 × 11, selected); 12 Anti-Social Behaviour (risk 55 = 5 × 11, selected).")
        #expect(
            lines[3].hasPrefix(
                "Medium: 4 Domestic Burglary (risk 40 = 4 × 10); 3 Domestic Abuse (risk 39 = 3 × 13, selected);"))
        #expect(lines[4].contains("15 Cybercrime (risk 24 = 3 × 8, selected)"))
    }

    @Test func theSVGShadesEveryCellByItsBandAndCarriesTheTextAlternative() {
        let svg = RiskChart.svg(matrix)
        #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
        #expect(svg.hasSuffix("</svg>\n"))
        #expect(svg.components(separatedBy: "<rect x=").count - 1 == 45 + 3)
        #expect(svg.components(separatedBy: "data-band=\"high\"").count - 1 == 7)
        #expect(svg.contains("<desc id=\"chart-desc\">\(RiskChart.escape(matrix.textAlternative))</desc>"))
        #expect(svg.contains("role=\"img\" aria-labelledby=\"chart-title chart-desc\""))
        #expect(svg.components(separatedBy: "<circle ").count - 1 == 17)
        #expect(svg.contains("13 Road Safety*: 33 Medium"))
        #expect(!svg.contains("<script"))
    }

    @Test func textInTheSVGIsEscaped() {
        #expect(
            RiskChart.escape("Drugs & <Alcohol> \"x\" 'y'") == "Drugs &amp; &lt;Alcohol&gt; &quot;x&quot; &apos;y&apos;"
        )
    }
}

@Suite("Priorities: the priority-selection workflow")
struct PriorityWorkflowTests {
    let officer = Actor(name: "leics.officer", grants: [RoleGrant(role: .officer)])

    func fire(_ event: String, from state: String, subject: PrioritySubject) throws -> WorkflowEngine.Outcome {
        let instance = WorkflowInstance(
            id: "leicestershire-PA-0001", office: "leicestershire", workflow: "priority-selection", workflowVersion: 1,
            state: state, version: 3, recordRef: nil, lastEffectiveDay: nil)
        let today = try Day(iso: "2017-03-14")
        let act = Act(event: event, actor: officer, effectiveDay: today, today: today)
        return WorkflowEngine().fire(
            act, on: instance, definition: try priorityWorkflow(), subject: .priorities(subject))
    }

    @Test func theWorkflowParsesAndHasNoProblems() async throws {
        let definition = try priorityWorkflow()
        let problems = WorkflowValidator.problems(
            in: definition, source: "priority-selection.yaml", registry: .standard)
        #expect(problems.isEmpty, "\(problems.map(\.description))")
        #expect(definition.initial == "scoring")
        #expect(Set(definition.terminal) == ["closed", "withdrawn"])
    }

    @Test func scoringClosesOnlyWhenTheAssessmentIsComplete() async throws {
        var assessment = seedAssessment()
        assessment.threats[0].scores["Fire"] = nil
        let refused = try fire(
            "close-scoring", from: "scoring", subject: .init(assessment: assessment, selection: .init()))
        guard case .refused(let reasons) = refused else {
            Issue.record("an incomplete assessment closed scoring")
            return
        }
        #expect(reasons.map(\.rule) == ["every-agency-scores-every-threat"])
        #expect(
            reasons.first?.description == "'Alcohol Related Violence' has no harm score yet from Fire: record "
                + "each missing agency's score (opcc priorities score)")
        let accepted = try fire(
            "close-scoring", from: "scoring", subject: .init(assessment: seedAssessment(), selection: .init()))
        guard case .accepted(let a) = accepted else {
            Issue.record("a complete assessment could not close scoring")
            return
        }
        #expect(a.to == "selecting")
    }

    @Test func theSelectionIsAdoptedOnlyWhenItFollowsTheRules() async throws {
        var selection = seedSelection()
        selection.boardRecords.removeAll { $0.threat == "Cybercrime" || $0.threat == "Road Safety*" }
        let refused = try fire(
            "adopt", from: "selecting", subject: .init(assessment: seedAssessment(), selection: selection))
        guard case .refused(let reasons) = refused else {
            Issue.record("a selection breaking two rules was adopted")
            return
        }
        #expect(reasons.map(\.rule) == ["medium-discussed, low-only-when-compelled"])
        let adopted = try fire(
            "adopt", from: "selecting", subject: .init(assessment: seedAssessment(), selection: seedSelection()))
        guard case .accepted(let a) = adopted else {
            Issue.record("the 2017/18 selection was refused")
            return
        }
        #expect(a.to == "adopted")
    }
}
