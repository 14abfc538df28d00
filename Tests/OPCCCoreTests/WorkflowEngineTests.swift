import Foundation
import Testing

@testable import OPCCCore

/// The folder holding Package.swift, found by walking up from this file.
private let repositoryRoot: URL = {
    var url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    while !FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
        let parent = url.deletingLastPathComponent()
        precondition(parent.path != url.path, "no Package.swift above \(#filePath)")
        url = parent
    }
    return url
}()

private func day(_ text: String) -> Day {
    do {
        return try Day(iso: text)
    } catch {
        preconditionFailure("test date \(text) is not a date")
    }
}

private func loadWorkflow(_ name: String) throws -> WorkflowDefinition {
    let text = try String(contentsOf: repositoryRoot.appendingPathComponent("workflows/\(name).yaml"), encoding: .utf8)
    return try WorkflowDefinition.parse(yaml: text, source: "\(name).yaml")
}

private func loadCumbria() throws -> OfficeProfile {
    let text = try String(
        contentsOf: repositoryRoot.appendingPathComponent("fixtures/offices/cumbria.yaml"), encoding: .utf8)
    return try OfficeProfile.parse(yaml: text, source: "cumbria.yaml")
}

private func person(_ name: String, roles: [Role]) -> Actor {
    Actor(name: name, grants: roles.map { RoleGrant(role: $0) })
}

/// A decision record's sign-off status as the services would attach it.
private struct SignOffs: SignOffProgress {
    let missingSignOffs: [String]
}

@Suite("Workflow engine: the shipped workflows")
struct ShippedWorkflowTests {
    @Test(arguments: ["decision-request", "grant-agreement", "quarterly-return", "carry-forward"])
    func shippedWorkflowParsesAndHasNoProblems(name: String) throws {
        let definition = try loadWorkflow(name)
        #expect(definition.name == name)
        #expect(definition.version == 1)
        #expect(definition.hasState(definition.initial))
        #expect(definition.terminal.allSatisfy(definition.hasState))
        let problems = WorkflowValidator.problems(in: definition, source: "\(name).yaml", registry: .standard)
        #expect(problems.isEmpty, "\(problems.map(\.description))")
    }

    @Test func decisionRequestHasTheStatesOfTheForm() throws {
        let definition = try loadWorkflow("decision-request")
        #expect(definition.initial == "draft")
        #expect(Set(definition.terminal) == ["published", "withdrawn"])
        #expect(
            Set(definition.states.map(\.name)) == [
                "draft", "awaiting-sign-offs", "with-decision-maker", "approved", "not-approved",
                "publication-deferred", "published", "withdrawn",
            ])
        // A `from` list expands to one transition per state; a transition without `to` stays put.
        #expect(definition.transitions.filter { $0.event == "withdraw" }.map(\.from).count == 3)
        let signOff = try #require(definition.transition(from: "awaiting-sign-offs", on: "sign-off"))
        #expect(signOff.to == "awaiting-sign-offs")
        #expect(!signOff.changesState)
    }

    @Test func theSourceTextIsKeptAndHashed() throws {
        let text = try String(
            contentsOf: repositoryRoot.appendingPathComponent("workflows/carry-forward.yaml"), encoding: .utf8)
        let definition = try WorkflowDefinition.parse(yaml: text, source: "carry-forward.yaml")
        #expect(definition.sourceText == text)
        #expect(definition.sha256.count == 64)
        #expect(definition.sha256 == WorkflowDefinition.sha256Hex(of: text))
        #expect(definition.sha256 != WorkflowDefinition.sha256Hex(of: text + " "))
        // SHA-256 of the empty string, a published test vector.
        #expect(
            WorkflowDefinition.sha256Hex(of: "")
                == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }
}

/// What a step of the decision-request table should produce.
enum Expected: Sendable, Equatable {
    case accepted(to: String, role: Role, effects: [EffectRequest])
    /// The refusal rules, in any order.
    case refused([String])
}

/// One act against a decision-request instance, and its expected outcome.
struct DecisionRequestStep: Sendable, CustomTestStringConvertible {
    let name: String
    var state: String
    var event: String
    var roles: [Role]
    var asRole: Role? = nil
    var effective = "2016-03-09"
    var today = "2016-03-09"
    var expectedVersion: Int? = nil
    var payload: [String: String] = [:]
    /// nil: no subject attached; otherwise the titles of the missing sign-offs.
    var missingSignOffs: [String]? = nil
    var withCumbriaProfile = false
    let expected: Expected

    var testDescription: String { name }

    /// Instances in the table were last acted on 7 March 2016 and are at version 3.
    static let lastEffectiveDay = "2016-03-07"
    static let instanceVersion = 3

    static let all: [DecisionRequestStep] = [
        .init(
            name: "submit from draft by an officer allocates the number", state: "draft", event: "submit",
            roles: [.officer],
            expected: .accepted(
                to: "awaiting-sign-offs", role: .officer, effects: [EffectRequest(name: "allocate-decision-number")])),
        .init(
            name: "submit by the commissioner is refused", state: "draft", event: "submit", roles: [.commissioner],
            expected: .refused(["role-required"])),
        .init(
            name: "a sign-off is recorded and the state does not change", state: "awaiting-sign-offs",
            event: "sign-off", roles: [.chiefExecutive],
            expected: .accepted(to: "awaiting-sign-offs", role: .chiefExecutive, effects: [])),
        .init(
            name: "refer with a sign-off missing is refused", state: "awaiting-sign-offs", event: "refer",
            roles: [.officer], missingSignOffs: ["Officer approval (Chief Executive or Deputy Chief Executive)"],
            expected: .refused(["all-required-sign-offs-in"])),
        .init(
            name: "refer with no known sign-offs is refused", state: "awaiting-sign-offs", event: "refer",
            roles: [.officer], expected: .refused(["all-required-sign-offs-in"])),
        .init(
            name: "refer with every sign-off in goes to the decision-maker", state: "awaiting-sign-offs",
            event: "refer", roles: [.chiefExecutive], missingSignOffs: [],
            expected: .accepted(to: "with-decision-maker", role: .chiefExecutive, effects: [])),
        .init(
            name: "approve by an officer is refused", state: "with-decision-maker", event: "approve",
            roles: [.officer], expected: .refused(["role-required"])),
        .init(
            name: "approve by the commissioner starts Cumbria's 3-working-day clock", state: "with-decision-maker",
            event: "approve", roles: [.commissioner], withCumbriaProfile: true,
            expected: .accepted(
                to: "approved", role: .commissioner,
                effects: [
                    EffectRequest(name: "set-deadline", parameters: ["kind": "part1-publication", "day": "2016-03-14"])
                ])),
        .init(
            name: "decline by the commissioner also starts the clock", state: "with-decision-maker", event: "decline",
            roles: [.commissioner], effective: "2016-03-24", today: "2016-03-30", withCumbriaProfile: true,
            expected: .accepted(
                to: "not-approved", role: .commissioner,
                effects: [
                    // Good Friday 25 and Easter Monday 28 March 2016 do not count.
                    EffectRequest(name: "set-deadline", parameters: ["kind": "part1-publication", "day": "2016-03-31"])
                ])),
        .init(
            name: "approve with no office profile sets no deadline", state: "with-decision-maker", event: "approve",
            roles: [.commissioner], expected: .accepted(to: "approved", role: .commissioner, effects: [])),
        .init(
            name: "publish from draft is not allowed in that state", state: "draft", event: "publish",
            roles: [.officer], expected: .refused(["event-not-allowed-in-state"])),
        .init(
            name: "publish once approved", state: "approved", event: "publish", roles: [.officer],
            expected: .accepted(to: "published", role: .officer, effects: [])),
        .init(
            name: "withdraw without a reason is refused", state: "draft", event: "withdraw", roles: [.officer],
            expected: .refused(["reason-given"])),
        .init(
            name: "withdraw with a blank reason is refused", state: "draft", event: "withdraw", roles: [.officer],
            payload: ["reason": "  \t "], expected: .refused(["reason-given"])),
        .init(
            name: "withdraw with a reason", state: "awaiting-sign-offs", event: "withdraw", roles: [.officer],
            payload: ["reason": "superseded by 015/2016"],
            expected: .accepted(to: "withdrawn", role: .officer, effects: [])),
        .init(
            name: "an act dated after today is refused", state: "draft", event: "submit", roles: [.officer],
            effective: "2016-03-10", today: "2016-03-09", expected: .refused(["effective-date-not-in-future"])),
        .init(
            name: "an act dated before the previous act is refused", state: "draft", event: "submit",
            roles: [.officer], effective: "2016-03-06", expected: .refused(["effective-dates-never-go-backwards"])),
        .init(
            name: "an act dated the same day as the previous act is accepted", state: "draft", event: "submit",
            roles: [.officer], effective: "2016-03-07",
            expected: .accepted(
                to: "awaiting-sign-offs", role: .officer, effects: [EffectRequest(name: "allocate-decision-number")])),
        .init(
            name: "a stale version is the only reason given", state: "draft", event: "approve", roles: [.public],
            effective: "2016-03-01", today: "2016-02-01", expectedVersion: 2, expected: .refused(["stale-version"])),
        .init(
            name: "the current version is accepted", state: "draft", event: "submit", roles: [.officer],
            expectedVersion: 3,
            expected: .accepted(
                to: "awaiting-sign-offs", role: .officer, effects: [EffectRequest(name: "allocate-decision-number")])),
        .init(
            name: "an unknown event is refused", state: "draft", event: "rubber-stamp", roles: [.commissioner],
            expected: .refused(["unknown-event"])),
        .init(
            name: "every failure is reported at once", state: "awaiting-sign-offs", event: "withdraw",
            roles: [.public], effective: "2016-03-10", today: "2016-03-09",
            expected: .refused(["role-required", "effective-date-not-in-future", "reason-given"])),
        .init(
            name: "a backdated act by the wrong role with no reason gets three reasons", state: "with-decision-maker",
            event: "return-for-revision", roles: [.finance], effective: "2016-03-01",
            expected: .refused(["role-required", "effective-dates-never-go-backwards", "reason-given"])),
        .init(
            name: "acting in a role not held is refused", state: "draft", event: "submit", roles: [.finance],
            asRole: .officer, expected: .refused(["role-not-held"])),
        .init(
            name: "acting in a held role the transition does not allow is refused", state: "with-decision-maker",
            event: "approve", roles: [.officer, .commissioner], asRole: .officer,
            expected: .refused(["role-not-permitted"])),
        .init(
            name: "acting in a chosen role that is allowed", state: "with-decision-maker",
            event: "return-for-revision", roles: [.chiefExecutive, .commissioner], asRole: .commissioner,
            payload: ["reason": "needs costings"], expected: .accepted(to: "draft", role: .commissioner, effects: [])),
        .init(
            name: "without a chosen role the transition's first held role is used", state: "with-decision-maker",
            event: "return-for-revision", roles: [.officer, .commissioner], payload: ["reason": "needs costings"],
            expected: .accepted(to: "draft", role: .commissioner, effects: [])),
    ]
}

private struct StepRefused: Error {}

@Suite("Workflow engine: driving decision-request")
struct DecisionRequestEngineTests {
    @Test(arguments: DecisionRequestStep.all)
    func decisionRequestStep(step: DecisionRequestStep) throws {
        let definition = try loadWorkflow("decision-request")
        let profile = step.withCumbriaProfile ? try loadCumbria() : nil
        let instance = WorkflowInstance(
            id: "dr-1", office: "cumbria", workflow: "decision-request", workflowVersion: 1, state: step.state,
            version: DecisionRequestStep.instanceVersion, recordRef: "014/2016",
            lastEffectiveDay: day(DecisionRequestStep.lastEffectiveDay))
        let act = Act(
            event: step.event, actor: person("A. Person", roles: step.roles), role: step.asRole,
            effectiveDay: day(step.effective), today: day(step.today), expectedVersion: step.expectedVersion,
            payload: step.payload)
        let subject: (any Sendable)? = step.missingSignOffs.map { SignOffs(missingSignOffs: $0) }
        let outcome = WorkflowEngine().fire(
            act, on: instance, definition: definition, subject: subject, profile: profile)

        switch (outcome, step.expected) {
        case (.accepted(let accepted), .accepted(let to, let role, let effects)):
            #expect(accepted.from == step.state)
            #expect(accepted.to == to)
            #expect(accepted.role == role)
            #expect(accepted.effects == effects)
            #expect(accepted.changesState == (step.state != to))
        case (.refused(let reasons), .refused(let rules)):
            #expect(reasons.map(\.rule).sorted() == rules.sorted(), "\(reasons.map(\.description))")
            #expect(reasons.allSatisfy { !$0.description.isEmpty })
        default:
            Issue.record("expected \(step.expected), got \(outcome)")
        }
    }

    @Test func aWholeCaseRunsFromDraftToPublishedOnTheCumbriaDates() throws {
        let definition = try loadWorkflow("decision-request")
        let cumbria = try loadCumbria()
        let engine = WorkflowEngine()
        var instance = WorkflowInstance(
            id: "dr-014-2016", office: "cumbria", workflow: "decision-request", workflowVersion: 1,
            state: definition.initial, version: 0, recordRef: nil, lastEffectiveDay: nil)
        let officer = person("Originating officer", roles: [.officer])
        let chiefExecutive = person("Chief Executive", roles: [.chiefExecutive])
        let commissioner = person("PCC", roles: [.commissioner])
        var effects: [EffectRequest] = []
        var history: [(from: String, to: String)] = []

        func step(_ event: String, by who: Actor, on date: String, missing: [String]? = nil) throws {
            let act = Act(
                event: event, actor: who, effectiveDay: day(date), today: day("2016-03-09"),
                expectedVersion: instance.version)
            let outcome = engine.fire(
                act, on: instance, definition: definition, subject: missing.map { SignOffs(missingSignOffs: $0) },
                profile: cumbria)
            guard case .accepted(let accepted) = outcome else {
                Issue.record("\(event) was refused: \(outcome)")
                throw StepRefused()
            }
            instance.state = accepted.to
            instance.version += 1
            instance.lastEffectiveDay = day(date)
            effects += accepted.effects
            history.append((accepted.from, accepted.to))
        }

        try step("submit", by: officer, on: "2016-03-07")
        try step("sign-off", by: officer, on: "2016-03-07")
        try step("sign-off", by: chiefExecutive, on: "2016-03-07")
        try step("refer", by: chiefExecutive, on: "2016-03-07", missing: [])
        try step("approve", by: commissioner, on: "2016-03-09")
        try step("publish", by: officer, on: "2016-03-09")

        #expect(instance.state == "published")
        #expect(definition.isTerminal(instance.state))
        #expect(
            effects == [
                EffectRequest(name: "allocate-decision-number"),
                EffectRequest(name: "set-deadline", parameters: ["kind": "part1-publication", "day": "2016-03-14"]),
            ])
        #expect(WorkflowEngine.replay(history, definition: definition) == .success("published"))

        // Nothing leaves a terminal state.
        let late = Act(
            event: "withdraw", actor: officer, effectiveDay: day("2016-03-09"), today: day("2016-03-09"),
            payload: ["reason": "too late"])
        guard case .refused(let reasons) = engine.fire(late, on: instance, definition: definition) else {
            Issue.record("a published record was withdrawn")
            return
        }
        #expect(reasons.map(\.rule) == ["event-not-allowed-in-state"])
        #expect(reasons.first?.description.contains("draft") == true)
    }

    @Test func anUnregisteredGuardRefusesTheActRatherThanLettingItThrough() throws {
        let definition = try loadWorkflow("decision-request")
        let standard = WorkflowRegistry.standard
        let registry = WorkflowRegistry(
            guards: standard.guards.filter { $0.key != "reason-given" }, effects: standard.effects)
        let instance = WorkflowInstance(
            id: "dr-1", office: "cumbria", workflow: "decision-request", workflowVersion: 1, state: "draft",
            version: 0, recordRef: nil, lastEffectiveDay: nil)
        let act = Act(
            event: "withdraw", actor: person("Officer", roles: [.officer]), effectiveDay: day("2016-03-09"),
            today: day("2016-03-09"), payload: ["reason": "duplicate"])
        let outcome = WorkflowEngine(registry: registry).fire(act, on: instance, definition: definition)
        guard case .refused(let reasons) = outcome else {
            Issue.record("accepted with an unregistered guard")
            return
        }
        #expect(reasons.map(\.rule) == ["known-guard"])
        #expect(reasons.first?.description.contains("reason-given") == true)
    }
}

@Suite("Workflow engine: roles scoped to records")
struct ScopedRoleTests {
    private let boardMember = Actor(
        name: "Mirehouse project board", grants: [RoleGrant(role: .projectBoardMember, scope: ["GA-1"])])

    private func start(recordRef: String?, asRole: Role? = nil) throws -> WorkflowEngine.Outcome {
        let definition = try loadWorkflow("quarterly-return")
        let instance = WorkflowInstance(
            id: "qr-1", office: "cumbria", workflow: "quarterly-return", workflowVersion: 1, state: "scheduled",
            version: 0, recordRef: recordRef, lastEffectiveDay: nil)
        let act = Act(
            event: "start", actor: boardMember, role: asRole, effectiveDay: day("2016-07-04"),
            today: day("2016-07-04"))
        return WorkflowEngine().fire(act, on: instance, definition: definition)
    }

    @Test func aBoardMemberMayStartAReturnForTheirOwnGrant() throws {
        guard case .accepted(let accepted) = try start(recordRef: "GA-1") else {
            Issue.record("the board member was refused on their own grant")
            return
        }
        #expect(accepted.to == "draft")
        #expect(accepted.role == .projectBoardMember)
    }

    @Test(arguments: ["GA-2", nil] as [String?])
    func aBoardMemberMayNotStartAReturnForAnotherGrant(recordRef: String?) throws {
        #expect(try start(recordRef: recordRef).refusalRules == ["role-required"])
    }

    @Test func namingTheScopedRoleOnAnotherGrantIsARoleNotHeld() throws {
        #expect(try start(recordRef: "GA-2", asRole: .projectBoardMember).refusalRules == ["role-not-held"])
    }

    @Test func roleGrantsCoverRecordsByScope() {
        let office = RoleGrant(role: .finance)
        #expect(office.covers(record: "GA-2"))
        #expect(office.covers(record: nil))
        let scoped = RoleGrant(role: .projectBoardMember, scope: ["GA-1", "GA-3"])
        #expect(scoped.covers(record: "GA-3"))
        #expect(!scoped.covers(record: "GA-2"))
        #expect(!scoped.covers(record: nil))
        #expect(scoped.description == "project-board-member (GA-1, GA-3)")
        let both = Actor(name: "x", grants: [office, scoped])
        #expect(both.roles(covering: "GA-2") == [.finance])
        #expect(both.roles(covering: "GA-1") == [.finance, .projectBoardMember])
    }
}

extension WorkflowEngine.Outcome {
    fileprivate var refusalRules: [String]? {
        if case .refused(let reasons) = self { return reasons.map(\.rule) }
        return nil
    }
}

@Suite("Workflow engine: replaying history")
struct ReplayTests {
    @Test func replayRebuildsTheStateFromStateChangingEvents() throws {
        let definition = try loadWorkflow("decision-request")
        let history: [(from: String, to: String)] = [
            ("draft", "awaiting-sign-offs"), ("awaiting-sign-offs", "awaiting-sign-offs"),
            ("awaiting-sign-offs", "with-decision-maker"), ("with-decision-maker", "approved"),
        ]
        #expect(WorkflowEngine.replay(history, definition: definition) == .success("approved"))
    }

    @Test func replayOfNoEventsIsTheInitialState() throws {
        let definition = try loadWorkflow("quarterly-return")
        #expect(WorkflowEngine.replay([], definition: definition) == .success("scheduled"))
    }

    @Test func replaySkipsEventsThatChangeNoStateWhateverTheyName() throws {
        let definition = try loadWorkflow("decision-request")
        // An escalation-like record naming another state changes nothing and is not checked.
        let history: [(from: String, to: String)] = [("published", "published"), ("draft", "awaiting-sign-offs")]
        #expect(WorkflowEngine.replay(history, definition: definition) == .success("awaiting-sign-offs"))
    }

    @Test func replayReportsWhereTheHistoryStopsFitting() throws {
        let definition = try loadWorkflow("decision-request")
        let history: [(from: String, to: String)] = [
            ("draft", "awaiting-sign-offs"), ("awaiting-sign-offs", "awaiting-sign-offs"),
            ("with-decision-maker", "approved"), ("approved", "published"),
        ]
        let result = WorkflowEngine.replay(history, definition: definition)
        #expect(
            result
                == .failure(
                    .init(index: 2, expectedFrom: "awaiting-sign-offs", recordedFrom: "with-decision-maker")))
    }

    @Test func replayReportsAHistoryThatDoesNotStartAtTheInitialState() throws {
        let definition = try loadWorkflow("carry-forward")
        let result = WorkflowEngine.replay([("requested", "approved")], definition: definition)
        #expect(result == .failure(.init(index: 0, expectedFrom: "draft", recordedFrom: "requested")))
    }
}
