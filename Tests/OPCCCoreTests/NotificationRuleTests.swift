import Foundation
import Testing

@testable import OPCCCore

private let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

private func shipped(_ name: String) throws -> WorkflowDefinition {
    let file = root.appendingPathComponent("workflows/\(name).yaml")
    return try WorkflowDefinition.parse(yaml: try String(contentsOf: file, encoding: .utf8), source: name)
}

private func shippedDefinitions() throws -> [WorkflowDefinition] {
    try ["decision-request", "quarterly-return", "grant-agreement", "carry-forward", "priority-selection"].map(shipped)
}

/// One rule file, with `rule` as its only rule's lines (indented under `rules:`).
private func file(workflow: String = "decision-request", _ rule: String) -> String {
    "workflow: \(workflow)\nrules:\n" + rule.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n") + "\n"
}

private let goodRule = """
    - on: refer
      kind: decision-referred
      to: [commissioner-or-delegate]
      statutory: false
      subject: "Decision {reference} awaits your decision"
      message: "{title}"
    """

/// The problems the lint finds in `text` (a parse refusal, or the checks against the shipped workflows).
private func lint(_ text: String, definitions: [WorkflowDefinition]? = nil) throws -> [WorkflowDefinitionError] {
    let rules: [NotificationRule]
    do { rules = try NotificationRuleFile.parse(yaml: text, source: "rules.yaml") } catch { return [error] }
    var kinds: [String: String] = [:]
    return NotificationRuleBook.problems(
        in: rules, source: "rules.yaml", definitions: try definitions ?? shippedDefinitions(), kindsSeen: &kinds)
}

struct NotificationRuleTests {
    @Test func aRuleFileReadsEveryKeyOfItsRules() throws {
        let rules = try NotificationRuleFile.parse(yaml: file(goodRule), source: "rules.yaml")
        #expect(rules.count == 1)
        #expect(rules.first?.workflow == "decision-request")
        #expect(rules.first?.on == "refer")
        #expect(rules.first?.to == [.commissionerOrDelegate])
        #expect(rules.first?.statutory == false)
        #expect(rules.first?.subject.placeholders == [.reference])
        #expect(try lint(file(goodRule)).isEmpty)
    }

    @Test func theShippedRulesLintCleanAgainstTheShippedWorkflows() throws {
        let folder = root.appendingPathComponent("workflows/notifications")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".yaml") }
        #expect(names.count >= 4)
        var kinds: [String: String] = [:]
        for name in names {
            let text = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
            let rules = try NotificationRuleFile.parse(yaml: text, source: name)
            #expect(rules.allSatisfy { "\($0.workflow).yaml" == name })
            let problems = NotificationRuleBook.problems(
                in: rules, source: name, definitions: try shippedDefinitions(), kindsSeen: &kinds)
            #expect(problems.isEmpty, "\(problems)")
        }
    }

    @Test func anUnknownKeyIsRefusedWithItsLine() throws {
        let problems = try lint(file(goodRule.replacingOccurrences(of: "statutory:", with: "statutary:")))
        #expect(problems.count == 1)
        #expect(problems.first?.subject == "rules[0].statutary")
        #expect(problems.first?.problem.contains("unknown key on line 6") == true)
    }

    @Test(arguments: ["on", "kind", "to", "statutory", "subject", "message"])
    func aMissingRequiredKeyIsRefusedNamingIt(key: String) throws {
        let lines = goodRule.split(separator: "\n").map(String.init)
        var kept = lines.filter { !$0.trimmingCharacters(in: .whitespaces).hasPrefix("\(key):") }
        if key == "on" { kept = ["- kind: decision-referred"] + kept.dropFirst(2) }
        let problems = try lint(file(kept.joined(separator: "\n")))
        #expect(problems.map(\.subject) == ["rules[0].\(key)"])
        #expect(problems.first?.problem.hasPrefix("missing") == true)
    }

    @Test func anUnknownRecipientKindIsRefusedListingTheKnownOnes() throws {
        let problems = try lint(file(goodRule.replacingOccurrences(of: "[commissioner-or-delegate]", with: "[mayor]")))
        #expect(problems.map(\.subject) == ["rules[0].to 'mayor'"])
        #expect(problems.first?.problem.contains("commissioner-or-delegate") == true)
    }

    @Test(arguments: ["project-board-member", "public"])
    func aBoardOrThePublicCannotBeToldAsAWholeOffice(role: String) throws {
        let problems = try lint(
            file(goodRule.replacingOccurrences(of: "[commissioner-or-delegate]", with: "[\(role)]")))
        #expect(problems.map(\.subject) == ["rules[0].to '\(role)'"])
        #expect(problems.first?.problem.contains("unknown recipient") == true)
    }

    @Test func anUnknownPlaceholderIsRefusedListingTheKnownOnes() throws {
        let problems = try lint(file(goodRule.replacingOccurrences(of: "{title}", with: "{part2}")))
        #expect(problems.map(\.subject) == ["rules[0].message"])
        #expect(problems.first?.problem.contains("unknown placeholder {part2}") == true)
        #expect(problems.first?.problem.contains("{reference}") == true)
    }

    @Test func aPlaceholderLeftOpenIsRefused() throws {
        let problems = try lint(file(goodRule.replacingOccurrences(of: "{title}", with: "{title")))
        #expect(problems.map(\.subject) == ["rules[0].message"])
        #expect(problems.first?.problem.contains("never closes") == true)
    }

    @Test func aPlaceholderThatMeansNothingOnTheWorkflowsRecordsIsRefused() throws {
        let problems = try lint(file(goodRule.replacingOccurrences(of: "{title}", with: "{quarter}")))
        #expect(problems.map(\.subject) == ["rules[0].message {quarter}"])
        #expect(problems.first?.problem.contains("not known on a decision-request record") == true)
    }

    @Test func anUnknownWorkflowIsRefusedListingTheKnownOnes() throws {
        let problems = try lint(file(workflow: "decision-requst", goodRule))
        #expect(problems.map(\.subject) == ["workflow 'decision-requst'"])
        #expect(problems.first?.problem.contains("unknown workflow") == true)
        #expect(problems.first?.problem.contains("quarterly-return") == true)
    }

    @Test func aWorkflowWhoseRecordsNoMessageSpeaksOfIsRefused() throws {
        let problems = try lint(file(workflow: "priority-selection", goodRule))
        #expect(problems.map(\.subject) == ["workflow 'priority-selection'"])
        #expect(problems.first?.problem.contains("notifications exist for") == true)
    }

    @Test func anEventNotInAnyVersionOfTheWorkflowIsRefused() throws {
        let problems = try lint(file(goodRule.replacingOccurrences(of: "on: refer", with: "on: referr")))
        #expect(problems.map(\.subject) == ["rules[0].on 'referr'"])
        #expect(problems.first?.problem.contains("not an event of decision-request (any version)") == true)
    }

    @Test func anEventOfAnOlderVersionOrOfTheSweepIsAccepted() throws {
        // Version 1 has `refer`; a version 2 without it still leaves records pinned to version 1 that refer.
        let v1 = try shipped("decision-request")
        let v2Text = v1.sourceText.replacingOccurrences(of: "version: 1", with: "version: 2")
            .replacingOccurrences(of: "  refer: The record goes", with: "  hand-over: The record goes")
            .replacingOccurrences(of: "event: refer", with: "event: hand-over")
        let v2 = try WorkflowDefinition.parse(yaml: v2Text, source: "v2")
        #expect(!v2.events.map(\.name).contains("refer"))
        #expect(try lint(file(goodRule), definitions: [v1, v2]).isEmpty)
        #expect(try lint(file(goodRule), definitions: [v2]).map(\.subject) == ["rules[0].on 'refer'"])
        let swept = goodRule.replacingOccurrences(of: "on: refer", with: "on: deadline-escalate")
        #expect(try lint(file(swept)).isEmpty)
        #expect(try lint(file(workflow: "carry-forward", swept)).map(\.subject) == ["rules[0].on 'deadline-escalate'"])
    }

    @Test func aRecipientWhoIsNobodyOnTheWorkflowsRecordsIsRefused() throws {
        let problems = try lint(
            file(goodRule.replacingOccurrences(of: "[commissioner-or-delegate]", with: "[project-board]")))
        #expect(problems.map(\.subject) == ["rules[0].to 'project-board'"])
        #expect(problems.first?.problem.contains("names nobody on a decision-request record") == true)
    }

    @Test func aKindUsedTwiceIsRefused() throws {
        let twice = goodRule + "\n" + goodRule.replacingOccurrences(of: "on: refer", with: "on: submit")
        let problems = try lint(file(twice))
        #expect(problems.map(\.subject) == ["rules[1].kind 'decision-referred'"])
    }
}

/// Who a rule's recipients resolve to, on the people of one office.
struct NotificationRecipientTests {
    private let people = [
        StoredPerson(name: "c.officer", displayName: "Officer", office: "cumbria", grants: [RoleGrant(role: .officer)]),
        StoredPerson(name: "c.author", displayName: "Author", office: "cumbria", grants: [RoleGrant(role: .officer)]),
        StoredPerson(name: "c.finance", displayName: "Finance", office: "cumbria", grants: [RoleGrant(role: .finance)]),
        StoredPerson(
            name: "c.ce", displayName: "Chief Executive", office: "cumbria", grants: [RoleGrant(role: .chiefExecutive)]),
        StoredPerson(name: "c.pcc", displayName: "PCC", office: "cumbria", grants: [RoleGrant(role: .commissioner)]),
        StoredPerson(
            name: "c.barrow", displayName: "Barrow board", office: "cumbria",
            grants: [RoleGrant(role: .projectBoardMember, scope: ["GA-1"])]),
        StoredPerson(
            name: "c.copeland", displayName: "Copeland board", office: "cumbria",
            grants: [RoleGrant(role: .projectBoardMember, scope: ["GA-2"])]),
        StoredPerson(name: "l.officer", displayName: "Officer", office: "lincs", grants: [RoleGrant(role: .officer)]),
    ]

    private func facts(grant: String? = nil, makers: [Role] = [.commissioner]) -> NotificationFacts {
        NotificationFacts(
            workflow: "quarterly-return", recordID: "QR-1", office: "cumbria", values: [.path: "/returns/QR-1"],
            originatingOfficer: "c.author", grant: grant, decisionMakers: makers)
    }

    @Test func aBoardIsToldOnlyOfItsOwnGrant() {
        #expect(
            NotificationRuleBook.recipients([.projectBoard], of: facts(grant: "GA-1"), among: people) == ["c.barrow"])
        #expect(
            NotificationRuleBook.recipients([.projectBoard], of: facts(grant: "GA-2"), among: people) == ["c.copeland"])
        #expect(NotificationRuleBook.recipients([.projectBoard], of: facts(), among: people).isEmpty)
    }

    @Test func aRoleIsItsHoldersInTheRecordsOfficeOnly() {
        #expect(
            NotificationRuleBook.recipients([.role(.officer)], of: facts(), among: people) == ["c.author", "c.officer"])
        #expect(
            NotificationRuleBook.recipients([.reviewers, .role(.chiefExecutive)], of: facts(), among: people)
                == ["c.author", "c.ce", "c.finance", "c.officer"])
    }

    @Test func theDecisionMakersAreTheCommissionerAndACoveringDelegate() {
        #expect(NotificationRuleBook.recipients([.commissionerOrDelegate], of: facts(), among: people) == ["c.pcc"])
        #expect(
            NotificationRuleBook.recipients(
                [.commissionerOrDelegate], of: facts(makers: [.commissioner, .chiefExecutive]), among: people)
                == ["c.ce", "c.pcc"])
    }

    @Test func theOriginatingOfficerIsTheRecordsOwnAuthor() {
        #expect(NotificationRuleBook.recipients([.originatingOfficer], of: facts(), among: people) == ["c.author"])
    }
}
