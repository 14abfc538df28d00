import Foundation
import Testing

@testable import OPCCCore

/// Tests/OPCCCoreTests/Fixtures/BadWorkflows, next to this file.
private let badWorkflows = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("Fixtures/BadWorkflows")

private func fixtureText(_ file: String) throws -> String {
    try String(contentsOf: badWorkflows.appendingPathComponent(file), encoding: .utf8)
}

/// A fixture that breaks one rule, the subject its error must name and words its description must contain.
struct BadWorkflow: Sendable, CustomTestStringConvertible {
    let file: String
    let subject: String
    let mentions: [String]
    var testDescription: String { file }

    /// Faults that only the validator can find: each file parses.
    static let validatorFinds: [BadWorkflow] = [
        .init(
            file: "unknown-guard.yaml", subject: "guard 'moon-is-full'",
            mentions: ["moon-is-full", "unknown guard", "draft --submit--> review"]),
        .init(
            file: "unknown-effect.yaml", subject: "effect 'send-fax'",
            mentions: ["send-fax", "unknown effect", "review --finish--> done"]),
        .init(
            file: "unreachable-state.yaml", subject: "state 'archived'",
            mentions: ["archived", "unreachable", "'draft'"]),
        .init(
            file: "no-way-to-terminal.yaml", subject: "state 'parked'", mentions: ["parked", "no terminal state"]),
        .init(
            file: "terminal-with-outgoing.yaml", subject: "state 'done'",
            mentions: ["done", "terminal state has an outgoing transition", "reopen"]),
        .init(
            file: "duplicate-transition.yaml", subject: "state 'draft'",
            mentions: ["draft", "two transitions", "'submit'"]),
    ]
}

@Suite("Workflow validation: bad workflow files")
struct WorkflowValidationTests {
    @Test(arguments: BadWorkflow.validatorFinds)
    func validatorReportsTheOneFaultNamingFileSubjectAndProblem(bad: BadWorkflow) async throws {
        let definition = try WorkflowDefinition.parse(yaml: fixtureText(bad.file), source: bad.file)
        let problems = WorkflowValidator.problems(in: definition, source: bad.file, registry: .standard)
        // Each fixture is otherwise valid, so its fault is the only problem.
        try #require(problems.count == 1, "\(problems.map(\.description))")
        let problem = problems[0]
        #expect(problem.source == bad.file)
        #expect(problem.subject == bad.subject)
        #expect(problem.description.hasPrefix(bad.file + ": "))
        for word in bad.mentions {
            #expect(problem.description.contains(word), "\(problem.description) should mention \(word)")
        }
    }

    @Test func anUnknownRoleIsRefusedWhenTheFileIsParsed() async throws {
        let file = "unknown-role.yaml"
        let text = try fixtureText(file)
        let error = #expect(throws: WorkflowDefinitionError.self) {
            try WorkflowDefinition.parse(yaml: text, source: file)
        }
        #expect(error?.source == file)
        #expect(error?.subject == "transitions[1] role 'wizard'")
        #expect(error?.description.contains(file) == true)
        #expect(error?.description.contains("'wizard'") == true)
        #expect(error?.description.contains("unknown role") == true)
    }

    @Test func theFixturesWithUnknownNamesAreValidOnceTheNamesAreRegistered() async throws {
        var registry = WorkflowRegistry.standard
        registry.register(guard: "moon-is-full") { _ in nil }
        registry.register(effect: "send-fax") { _ in [] }
        for file in ["unknown-guard.yaml", "unknown-effect.yaml"] {
            let definition = try WorkflowDefinition.parse(yaml: fixtureText(file), source: file)
            #expect(WorkflowValidator.problems(in: definition, source: file, registry: registry).isEmpty)
        }
    }

    @Test func everyFaultInOneFileIsReported() async throws {
        let yaml = """
            name: many-faults
            version: 1
            initial: draft
            terminal: [done]
            states: { draft: a, review: b, parked: c, orphan: d, done: e }
            events: { submit: a, park: b, finish: c, reopen: d }
            transitions:
              - { from: draft, event: submit, to: review, roles: [officer], guards: [moon-is-full] }
              - { from: review, event: park, to: parked, roles: [officer], effects: [send-fax] }
              - { from: review, event: finish, to: done, roles: [commissioner] }
              - { from: done, event: reopen, to: review, roles: [commissioner] }
              - { from: orphan, event: finish, to: done, roles: [commissioner] }
            """
        let definition = try WorkflowDefinition.parse(yaml: yaml, source: "many.yaml")
        let problems = WorkflowValidator.problems(in: definition, source: "many.yaml", registry: .standard)
        let subjects = problems.map(\.subject)
        #expect(subjects.contains("guard 'moon-is-full'"))
        #expect(subjects.contains("effect 'send-fax'"))
        #expect(problems.contains { $0.subject == "state 'done'" && $0.problem.contains("terminal state") })
        #expect(problems.contains { $0.subject == "state 'orphan'" && $0.problem.contains("unreachable") })
        #expect(problems.contains { $0.subject == "state 'parked'" && $0.problem.contains("no terminal state") })
        #expect(problems.count == 5, "\(problems.map(\.description))")
        #expect(problems.allSatisfy { $0.source == "many.yaml" })
    }
}

/// A workflow whose shape `parse` refuses, the subject the error must name and a word of its problem.
struct MisshapenWorkflow: Sendable, CustomTestStringConvertible {
    let name: String
    let replace: String
    let with: String
    let subject: String
    let problemMentions: String
    var testDescription: String { name }

    static let all: [MisshapenWorkflow] = [
        .init(
            name: "undeclared target state", replace: "to: done", with: "to: finished", subject: "state 'finished'",
            problemMentions: "not declared"),
        .init(
            name: "undeclared event", replace: "event: finish", with: "event: complete", subject: "event 'complete'",
            problemMentions: "not declared"),
        .init(
            name: "undeclared initial state", replace: "initial: draft", with: "initial: start",
            subject: "state 'start'", problemMentions: "initial state"),
        .init(
            name: "undeclared terminal state", replace: "terminal: [done]", with: "terminal: [done, closed]",
            subject: "state 'closed'", problemMentions: "terminal"),
        .init(
            name: "transition without roles", replace: "roles: [commissioner]", with: "roles: []",
            subject: "transitions[1].roles", problemMentions: "missing"),
        .init(
            name: "version below one", replace: "version: 1", with: "version: 0", subject: "version",
            problemMentions: "below 1"),
        .init(
            name: "version as text", replace: "version: 1", with: "version: one", subject: "version",
            problemMentions: "whole number"),
    ]
}

private let goodWorkflow = """
    name: good
    version: 1
    initial: draft
    terminal: [done]
    states: { draft: a, review: b, done: c }
    events: { submit: a, finish: b }
    transitions:
      - { from: draft, event: submit, to: review, roles: [officer] }
      - { from: review, event: finish, to: done, roles: [commissioner] }
    """

@Suite("Workflow validation: the shape of a file")
struct WorkflowShapeTests {
    @Test func theBaseWorkflowOfTheShapeCasesIsValid() async throws {
        let definition = try WorkflowDefinition.parse(yaml: goodWorkflow, source: "good.yaml")
        #expect(WorkflowValidator.problems(in: definition, source: "good.yaml", registry: .standard).isEmpty)
        #expect(definition.transitions.count == 2)
    }

    @Test func aMisspelledTransitionFieldIsRefusedRatherThanIgnored() async throws {
        // `guard:` for `guards:` would silently drop the guard and let the act through unchecked.
        let yaml = goodWorkflow.replacingOccurrences(
            of: "roles: [commissioner] }", with: "roles: [commissioner], guard: [reason-given] }")
        try #require(yaml != goodWorkflow)
        let error = #expect(throws: WorkflowDefinitionError.self) {
            try WorkflowDefinition.parse(yaml: yaml, source: "typo.yaml")
        }
        #expect(error?.subject.contains("guard") == true)
    }

    @Test(arguments: MisshapenWorkflow.all)
    func parseRefusesAMisshapenWorkflowNamingTheFileAndSubject(bad: MisshapenWorkflow) async throws {
        try #require(goodWorkflow.contains(bad.replace))
        let yaml = goodWorkflow.replacingOccurrences(of: bad.replace, with: bad.with)
        let error = #expect(throws: WorkflowDefinitionError.self) {
            try WorkflowDefinition.parse(yaml: yaml, source: "misshapen.yaml")
        }
        #expect(error?.source == "misshapen.yaml")
        #expect(error?.subject == bad.subject)
        #expect(error?.problem.contains(bad.problemMentions) == true, "\(error?.description ?? "")")
        #expect(error?.description.hasPrefix("misshapen.yaml: ") == true)
    }
}
