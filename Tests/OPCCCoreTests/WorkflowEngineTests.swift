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

private func profileText(_ office: String) throws -> String {
    try String(contentsOf: repositoryRoot.appendingPathComponent("fixtures/offices/\(office).yaml"), encoding: .utf8)
}

private func loadProfile(_ office: String) throws -> OfficeProfile {
    try OfficeProfile.parse(yaml: profileText(office), source: "\(office).yaml")
}

private func loadCumbria() throws -> OfficeProfile { try loadProfile("cumbria") }

private func loadLincolnshire() throws -> OfficeProfile { try loadProfile("lincolnshire") }

/// A summary well inside Cumbria's 100 words.
private let shortSummary = "Pilot the Vulnerable Localities Index approach in two wards."

/// A summary of exactly `count` whitespace-separated words, written across lines as a pasted précis would be.
private func summary(words count: Int) -> String {
    let prose = """
        The Vulnerable Localities Index brings together police recorded crime, deprivation and community data to \
        show the neighbourhoods where harm is concentrated, so that the Commissioner, the Constabulary and partners \
        can agree where early help should go first and measure whether it works.
        """
    let words = prose.split(whereSeparator: \.isWhitespace)
    return (0..<count).map { i in
        String(words[i % words.count]) + (i == count - 1 ? "" : (i % 12 == 11 ? "\n" : " "))
    }.joined()
}

/// A decision record of `office` with `summary`, signed by the given signatory positions on 7 March 2016.
private func decisionRecord(
    office: String = "cumbria", summary: String = shortSummary, signedBy positions: [String] = []
) -> DecisionRecord {
    var record = DecisionRecord(
        id: "\(office)-DR-0001", office: office, title: "Vulnerable Localities Index (VLI) Project",
        originatingOfficer: "originating.officer")
    record.executiveSummary = summary
    record.recommendation = "That the Commissioner approves the pilot."
    record.signOffs = positions.map {
        SignOff(position: $0, name: "Signatory for \($0)", day: day("2016-03-07"), recordedBy: "recorder")
    }
    return record
}

private func person(_ name: String, roles: [Role]) -> Actor {
    Actor(name: name, grants: roles.map { RoleGrant(role: $0) })
}

@Suite("Workflow engine: the shipped workflows")
struct ShippedWorkflowTests {
    @Test(arguments: ["decision-request", "grant-agreement", "quarterly-return", "carry-forward"])
    func shippedWorkflowParsesAndHasNoProblems(name: String) async throws {
        let definition = try loadWorkflow(name)
        #expect(definition.name == name)
        #expect(definition.version == 1)
        #expect(definition.hasState(definition.initial))
        #expect(definition.terminal.allSatisfy(definition.hasState))
        let problems = WorkflowValidator.problems(in: definition, source: "\(name).yaml", registry: .standard)
        #expect(problems.isEmpty, "\(problems.map(\.description))")
    }

    @Test func decisionRequestHasTheStatesOfTheForm() async throws {
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

    @Test func theSourceTextIsKeptAndHashed() async throws {
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
    case accepted(to: String, role: Role, effects: [WorkflowEffect])
    /// The refusal rules, in any order.
    case refused([String])
}

/// What the services would attach to a step's act as its subject.
enum StepSubject: Sendable, Equatable {
    /// Only the titles of the sign-offs still missing, as any `SignOffProgress` reports them.
    case signOffStatus(missing: [String])
    /// A Cumbria decision record with a short summary and no Part 2, signed by these positions, with the Cumbria
    /// profile: a `DecisionSubject`, which the decision guards read.
    case cumbriaRecord(signedBy: [String])
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
    var payload: [String: String] = [:]
    /// nil: no subject attached.
    var subject: StepSubject? = nil
    /// Whether the engine is given the Cumbria profile (which the publication clock reads).
    var withCumbriaProfile = false
    /// A known defect in Sources that makes this step's (correct) expectation fail for now.
    let expected: Expected

    var testDescription: String { name }

    /// Instances in the table were last acted on 7 March 2016 and are at version 3.
    static let lastEffectiveDay = "2016-03-07"
    static let instanceVersion = 3

    /// A draft as it is submitted: a short summary, no Part 2, nothing signed yet.
    static let draftRecord = StepSubject.cumbriaRecord(signedBy: [])
    /// A record with the decision-maker: every Cumbria sign-off is in.
    static let referredRecord = StepSubject.cumbriaRecord(signedBy: ["originating-officer", "chief-executive"])
    /// The decision-maker's declaration, as the decide command records it.
    static let declared = ["interests": "none", "prejudicialInterest": "false"]

    static let all: [DecisionRequestStep] = [
        .init(
            name: "submit from draft by an officer allocates the number", state: "draft", event: "submit",
            roles: [.officer], subject: draftRecord,
            expected: .accepted(
                to: "awaiting-sign-offs", role: .officer, effects: [.performedByTheAct("allocate-decision-number")])),
        .init(
            name: "submit by the commissioner is refused", state: "draft", event: "submit", roles: [.commissioner],
            subject: draftRecord, expected: .refused(["role-required"])),
        .init(
            name: "a sign-off is recorded and the state does not change", state: "awaiting-sign-offs",
            event: "sign-off", roles: [.chiefExecutive],
            payload: ["position": "chief-executive", "name": "Stuart Edwards"],
            subject: .cumbriaRecord(signedBy: ["originating-officer"]),
            expected: .accepted(to: "awaiting-sign-offs", role: .chiefExecutive, effects: [])),
        .init(
            name: "refer with a sign-off missing is refused", state: "awaiting-sign-offs", event: "refer",
            roles: [.officer],
            subject: .signOffStatus(missing: ["Officer approval (Chief Executive or Deputy Chief Executive)"]),
            expected: .refused(["all-required-sign-offs-in"])),
        .init(
            name: "refer with no known sign-offs is refused", state: "awaiting-sign-offs", event: "refer",
            roles: [.officer], expected: .refused(["all-required-sign-offs-in"])),
        .init(
            name: "refer with every sign-off in goes to the decision-maker", state: "awaiting-sign-offs",
            event: "refer", roles: [.chiefExecutive], subject: .signOffStatus(missing: []),
            expected: .accepted(to: "with-decision-maker", role: .chiefExecutive, effects: [])),
        .init(
            name: "refer of a record still lacking the chief executive's approval is refused",
            state: "awaiting-sign-offs", event: "refer", roles: [.officer],
            subject: .cumbriaRecord(signedBy: ["originating-officer"]),
            expected: .refused(["all-required-sign-offs-in"])),
        .init(
            name: "refer of a record signed by every position goes to the decision-maker",
            state: "awaiting-sign-offs", event: "refer", roles: [.officer], subject: referredRecord,
            expected: .accepted(to: "with-decision-maker", role: .officer, effects: [])),
        .init(
            name: "approve by an officer is refused", state: "with-decision-maker", event: "approve",
            roles: [.officer], payload: declared, subject: referredRecord, expected: .refused(["role-required"])),
        .init(
            name: "approve by the commissioner starts Cumbria's 3-working-day clock", state: "with-decision-maker",
            event: "approve", roles: [.commissioner], payload: declared, subject: referredRecord,
            withCumbriaProfile: true,
            expected: .accepted(
                to: "approved", role: .commissioner,
                effects: [
                    .setDeadline(.part1Publication, day("2016-03-14"))
                ])),
        .init(
            name: "decline by the commissioner also starts the clock", state: "with-decision-maker", event: "decline",
            roles: [.commissioner], effective: "2016-03-24", today: "2016-03-30", payload: declared,
            subject: referredRecord, withCumbriaProfile: true,
            expected: .accepted(
                to: "not-approved", role: .commissioner,
                effects: [
                    // Good Friday 25 and Easter Monday 28 March 2016 do not count.
                    .setDeadline(.part1Publication, day("2016-03-31"))
                ])),
        .init(
            name: "approve with no office profile sets no deadline", state: "with-decision-maker", event: "approve",
            roles: [.commissioner], payload: declared, subject: referredRecord,
            expected: .accepted(to: "approved", role: .commissioner, effects: [])),
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
            effective: "2016-03-10", today: "2016-03-09", subject: draftRecord,
            expected: .refused(["effective-date-not-in-future"])),
        .init(
            name: "an act dated before the previous act is refused", state: "draft", event: "submit",
            roles: [.officer], effective: "2016-03-06", subject: draftRecord,
            expected: .refused(["effective-dates-never-go-backwards"])),
        .init(
            name: "an act dated the same day as the previous act is accepted", state: "draft", event: "submit",
            roles: [.officer], effective: "2016-03-07", subject: draftRecord,
            expected: .accepted(
                to: "awaiting-sign-offs", role: .officer, effects: [.performedByTheAct("allocate-decision-number")])),
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
            asRole: .officer, subject: draftRecord, expected: .refused(["role-not-held"])),
        .init(
            name: "acting in a held role the transition does not allow is refused", state: "with-decision-maker",
            event: "approve", roles: [.officer, .commissioner], asRole: .officer, payload: declared,
            subject: referredRecord, expected: .refused(["role-not-permitted"])),
        .init(
            name: "acting in a held role that refer does not allow is refused", state: "awaiting-sign-offs",
            event: "refer", roles: [.officer, .commissioner], asRole: .commissioner,
            subject: .signOffStatus(missing: []), expected: .refused(["role-not-permitted"])),
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
    func decisionRequestStep(step: DecisionRequestStep) async throws {
        let definition = try loadWorkflow("decision-request")
        let profile = step.withCumbriaProfile ? try loadCumbria() : nil
        let instance = WorkflowInstance(
            id: "dr-1", office: "cumbria", workflow: "decision-request", workflowVersion: 1, state: step.state,
            version: DecisionRequestStep.instanceVersion, recordRef: "014/2016",
            lastEffectiveDay: day(DecisionRequestStep.lastEffectiveDay))
        let act = Act(
            event: step.event, actor: person("A. Person", roles: step.roles), role: step.asRole,
            effectiveDay: day(step.effective), today: day(step.today),
            payload: step.payload)
        let subject: WorkflowSubject?
        switch step.subject {
        case nil: subject = nil
        case .signOffStatus(let missing): subject = WorkflowSubject.signOffs(missing: missing)
        case .cumbriaRecord(let positions):
            subject = .decision(
                DecisionSubject(record: decisionRecord(signedBy: positions), profile: try loadCumbria()))
        }
        let outcome = WorkflowEngine().fire(
            act, on: instance, definition: definition, subject: subject, profile: profile)

        func check() {
            switch (outcome, step.expected) {
            case (.accepted(let accepted), .accepted(let to, let role, let effects)):
                #expect(accepted.from == step.state)
                #expect(accepted.to == to)
                #expect(accepted.role == role)
                #expect(accepted.effects == effects)
                #expect(accepted.changesState == (step.state != to))
                #expect(accepted.exceptions.isEmpty)
            case (.refused(let reasons), .refused(let rules)):
                #expect(reasons.map(\.rule).sorted() == rules.sorted(), "\(reasons.map(\.description))")
                #expect(reasons.allSatisfy { !$0.description.isEmpty })
            default:
                Issue.record("expected \(step.expected), got \(outcome)")
            }
        }
        check()
    }

    @Test func aWholeCaseRunsFromDraftToPublishedOnTheCumbriaDates() async throws {
        let definition = try loadWorkflow("decision-request")
        let cumbria = try loadCumbria()
        let engine = WorkflowEngine()
        var instance = WorkflowInstance(
            id: "dr-014-2016", office: "cumbria", workflow: "decision-request", workflowVersion: 1,
            state: definition.initial, version: 0, recordRef: nil, lastEffectiveDay: nil)
        var record = decisionRecord()
        let officer = person("Originating officer", roles: [.officer])
        let chiefExecutive = person("Chief Executive", roles: [.chiefExecutive])
        let commissioner = person("PCC", roles: [.commissioner])
        var effects: [WorkflowEffect] = []
        var history: [(from: String, to: String)] = []

        func step(_ event: String, by who: Actor, on date: String, payload: [String: String] = [:]) throws {
            let act = Act(
                event: event, actor: who, effectiveDay: day(date), today: day("2016-03-09"), payload: payload)
            let outcome = engine.fire(
                act, on: instance, definition: definition,
                subject: .decision(DecisionSubject(record: record, profile: cumbria)), profile: cumbria)
            guard case .accepted(let accepted) = outcome else {
                Issue.record("\(event) was refused: \(outcome)")
                throw StepRefused()
            }
            #expect(accepted.exceptions.isEmpty)
            instance.state = accepted.to
            instance.version += 1
            instance.lastEffectiveDay = day(date)
            effects += accepted.effects
            history.append((accepted.from, accepted.to))
            // What the services record on the decision record after a sign-off.
            if event == "sign-off", let position = payload["position"], let name = payload["name"] {
                record.signOffs.append(SignOff(position: position, name: name, day: day(date), recordedBy: who.name))
            }
        }

        try step("submit", by: officer, on: "2016-03-07")
        try step(
            "sign-off", by: officer, on: "2016-03-07",
            payload: ["position": "originating-officer", "name": "Originating officer"])
        try step(
            "sign-off", by: chiefExecutive, on: "2016-03-07",
            payload: ["position": "chief-executive", "name": "Stuart Edwards"])
        #expect(DecisionSubject(record: record, profile: cumbria).missingSignOffs.isEmpty)
        try step("refer", by: chiefExecutive, on: "2016-03-07")
        try step(
            "approve", by: commissioner, on: "2016-03-09",
            payload: ["interests": "none", "prejudicialInterest": "false"])
        try step("publish", by: officer, on: "2016-03-09")

        #expect(instance.state == "published")
        #expect(definition.isTerminal(instance.state))
        #expect(
            effects == [
                .performedByTheAct("allocate-decision-number"),
                .setDeadline(.part1Publication, day("2016-03-14")),
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
    @Test func anUnregisteredGuardRefusesTheActRatherThanLettingItThrough() async throws {
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

@Suite("Workflow engine: the decision form's guards")
struct DecisionGuardTests {
    /// The decision-maker's declaration when there is nothing to declare.
    private static let declared = ["interests": "none", "prejudicialInterest": "false"]

    /// Fires `event` on a decision-request instance in `state` (version 3, last acted on 7 March 2016) with `subject`
    /// attached and the profile given to the engine.
    private func fire(
        _ event: String, from state: String, by roles: [Role], as role: Role? = nil, on date: String = "2016-03-09",
        payload: [String: String] = [:], subject: WorkflowSubject?, profile: OfficeProfile?,
        overridingGuards: Bool = false
    ) throws -> WorkflowEngine.Outcome {
        let definition = try loadWorkflow("decision-request")
        let instance = WorkflowInstance(
            id: "dr-1", office: profile?.id ?? "cumbria", workflow: "decision-request", workflowVersion: 1,
            state: state, version: 3, recordRef: "dr-1", lastEffectiveDay: day("2016-03-07"))
        let act = Act(
            event: event, actor: person("A. Person", roles: roles), role: role, effectiveDay: day(date),
            today: day(date), payload: payload)
        return WorkflowEngine().fire(
            act, on: instance, definition: definition, subject: subject, profile: profile,
            overridingGuards: overridingGuards)
    }

    /// The same, with `record` and `profile` attached as the services attach them.
    private func fire(
        _ event: String, from state: String, by roles: [Role], as role: Role? = nil, on date: String = "2016-03-09",
        payload: [String: String] = [:], record: DecisionRecord, profile: OfficeProfile,
        overridingGuards: Bool = false
    ) throws -> WorkflowEngine.Outcome {
        try fire(
            event, from: state, by: roles, as: role, on: date, payload: payload,
            subject: .decision(DecisionSubject(record: record, profile: profile)), profile: profile,
            overridingGuards: overridingGuards)
    }

    /// A record already decided on 9 March 2016, ready for publication or deferral.
    private func decidedRecord(office: String) -> DecisionRecord {
        var record = decisionRecord(office: office)
        record.decision = DecisionTaken(
            outcome: .approved, decisionMaker: "PCC", role: .commissioner, day: day("2016-03-09"),
            interestsDeclared: "none")
        return record
    }

    // MARK: Submission

    @Test func cumbriaRefusesTheReal118WordSummaryLive() async throws {
        let cumbria = try loadCumbria()
        #expect(cumbria.executiveSummaryWordLimit == 100)
        let text = summary(words: 118)
        #expect(DecisionRules.wordCount(text) == 118)
        #expect(text.contains("\n"))

        let outcome = try fire(
            "submit", from: "draft", by: [.officer], record: decisionRecord(summary: text), profile: cumbria)
        let reasons = try #require(outcome.refusals, "\(outcome)")
        #expect(reasons.map(\.rule) == ["executive-summary-word-limit"])
        #expect(reasons.first?.description.contains("words: 118, limit: 100") == true)
        #expect(reasons.first?.description.contains("shorten the summary to 100 words or fewer") == true)

        // The limit itself is allowed; one word over is not.
        let atLimit = try fire(
            "submit", from: "draft", by: [.officer], record: decisionRecord(summary: summary(words: 100)),
            profile: cumbria)
        #expect(atLimit.accepted?.to == "awaiting-sign-offs")
        let overByOne = try fire(
            "submit", from: "draft", by: [.officer], record: decisionRecord(summary: summary(words: 101)),
            profile: cumbria)
        #expect(overByOne.refusals?.first?.description.contains("words: 101, limit: 100") == true)
    }

    @Test func lincolnshireHasNoSummaryLimit() async throws {
        let lincolnshire = try loadLincolnshire()
        #expect(lincolnshire.executiveSummaryWordLimit == nil)
        for words in [118, 1_000] {
            let outcome = try fire(
                "submit", from: "draft", by: [.officer],
                record: decisionRecord(office: "lincolnshire", summary: summary(words: words)), profile: lincolnshire)
            #expect(
                outcome.accepted?.effects == [.performedByTheAct("allocate-decision-number")],
                "\(words) words: \(outcome)")
        }
    }

    @Test func aPart2MustBeCompleteBeforeSubmission() async throws {
        let cumbria = try loadCumbria()
        let reason = "operationally sensitive"
        let refused: [Part2] = [
            Part2(exists: true, reason: reason, content: "Ward-level costings", complete: false),
            Part2(exists: true, reason: reason, content: " \t ", complete: true),
            Part2(exists: true, reason: reason, content: nil, complete: true),
        ]
        func expectRefused(_ part2: Part2) throws {
            var record = decisionRecord()
            record.part2 = part2
            let outcome = try fire("submit", from: "draft", by: [.officer], record: record, profile: cumbria)
            #expect(outcome.refusalRules == ["part2-complete-before-submission"], "\(part2): \(outcome)")
            #expect(outcome.refusals?.first?.description.contains("Part 2") == true)
        }
        for part2 in refused { try expectRefused(part2) }
        try expectRefused(Part2(exists: true, reason: reason, content: "\n\n", complete: true))
        let accepted: [Part2] = [
            Part2(),
            Part2(exists: true, reason: reason, content: "Ward-level costings", complete: true),
        ]
        for part2 in accepted {
            var record = decisionRecord()
            record.part2 = part2
            let outcome = try fire("submit", from: "draft", by: [.officer], record: record, profile: cumbria)
            #expect(outcome.accepted?.to == "awaiting-sign-offs", "\(part2): \(outcome)")
        }
    }

    @Test func aLongSummaryAndAnIncompletePart2AreReportedTogether() async throws {
        var record = decisionRecord(summary: summary(words: 118))
        record.part2 = Part2(exists: true, reason: "sensitive", content: "draft", complete: false)
        let outcome = try fire("submit", from: "draft", by: [.officer], record: record, profile: loadCumbria())
        #expect(
            outcome.refusalRules?.sorted() == ["executive-summary-word-limit", "part2-complete-before-submission"])
    }

    // MARK: Sign-offs

    @Test func anApprovalSignOffNeedsTheChiefExecutiveRole() async throws {
        let cumbria = try loadCumbria()
        let record = decisionRecord(signedBy: ["originating-officer"])
        let payload = ["position": "chief-executive", "name": "Stuart Edwards"]
        for roles: [Role] in [[.officer], [.finance], [.officer, .finance]] {
            let outcome = try fire(
                "sign-off", from: "awaiting-sign-offs", by: roles, payload: payload, record: record, profile: cumbria)
            #expect(outcome.refusalRules == ["sign-off-by-role-holder"], "\(roles): \(outcome)")
            #expect(outcome.refusals?.first?.description.contains("chief-executive") == true)
        }
        let byChiefExecutive = try fire(
            "sign-off", from: "awaiting-sign-offs", by: [.chiefExecutive], payload: payload, record: record,
            profile: cumbria)
        #expect(byChiefExecutive.accepted?.role == .chiefExecutive)
        #expect(byChiefExecutive.accepted?.changesState == false)
        // The chief executive may not give the originating officer's declaration.
        let declaration = try fire(
            "sign-off", from: "awaiting-sign-offs", by: [.chiefExecutive],
            payload: ["position": "originating-officer", "name": "A. Officer"], record: decisionRecord(),
            profile: cumbria)
        #expect(declaration.refusalRules == ["sign-off-by-role-holder"])
    }

    @Test func eachPositionSignsOnce() async throws {
        let cumbria = try loadCumbria()
        let once = try fire(
            "sign-off", from: "awaiting-sign-offs", by: [.officer],
            payload: ["position": "originating-officer", "name": "A. Officer"], record: decisionRecord(),
            profile: cumbria)
        #expect(once.accepted?.to == "awaiting-sign-offs")
        let twice = try fire(
            "sign-off", from: "awaiting-sign-offs", by: [.officer],
            payload: ["position": "originating-officer", "name": "A. Officer"],
            record: decisionRecord(signedBy: ["originating-officer"]), profile: cumbria)
        #expect(twice.refusalRules == ["one-sign-off-per-position"])
        #expect(twice.refusals?.first?.description.contains("originating-officer") == true)
        // Another position is still open.
        let other = try fire(
            "sign-off", from: "awaiting-sign-offs", by: [.chiefExecutive],
            payload: ["position": "chief-executive", "name": "Stuart Edwards"],
            record: decisionRecord(signedBy: ["originating-officer"]), profile: cumbria)
        #expect(other.accepted != nil, "\(other)")
    }

    @Test func anUnknownPositionIsRefused() async throws {
        let cumbria = try loadCumbria()
        for position in ["force-cfo", "Chief-Executive", ""] {
            let outcome = try fire(
                "sign-off", from: "awaiting-sign-offs", by: [.officer],
                payload: ["position": position, "name": "A. Officer"], record: decisionRecord(), profile: cumbria)
            #expect(outcome.refusalRules == ["known-signatory-position"], "'\(position)': \(outcome)")
            #expect(outcome.refusals?.first?.description.contains("originating-officer, chief-executive") == true)
        }
        let noPosition = try fire(
            "sign-off", from: "awaiting-sign-offs", by: [.officer], payload: ["name": "A. Officer"],
            record: decisionRecord(), profile: cumbria)
        #expect(noPosition.refusalRules == ["known-signatory-position"])
        // Lincolnshire's form has the consultation Cumbria's lacks.
        let lincolnshire = try fire(
            "sign-off", from: "awaiting-sign-offs", by: [.officer],
            payload: ["position": "force-cfo", "name": "A. Officer"], record: decisionRecord(office: "lincolnshire"),
            profile: loadLincolnshire())
        #expect(lincolnshire.accepted?.role == .officer, "\(lincolnshire)")
    }

    @Test func aSignOffNeedsTheSignatorysName() async throws {
        func expectRefused(_ payload: [String: String]) throws {
            let outcome = try fire(
                "sign-off", from: "awaiting-sign-offs", by: [.officer], payload: payload, record: decisionRecord(),
                profile: loadCumbria())
            #expect(outcome.refusalRules == ["signatory-named"], "\(payload): \(outcome)")
        }
        for payload in [["position": "originating-officer"], ["position": "originating-officer", "name": " \t"]] {
            try expectRefused(payload)
        }
        try expectRefused(["position": "originating-officer", "name": "\n"])
    }

    // MARK: The decision

    @Test func theDecisionNeedsADeclarationOfInterests() async throws {
        let cumbria = try loadCumbria()
        let record = decisionRecord(signedBy: ["originating-officer", "chief-executive"])
        for event in ["approve", "decline"] {
            func expectRefused(_ payload: [String: String]) throws {
                let outcome = try fire(
                    event, from: "with-decision-maker", by: [.commissioner], payload: payload, record: record,
                    profile: cumbria)
                #expect(outcome.refusalRules == ["declaration-of-interests"], "\(event) \(payload): \(outcome)")
                // In the form's words, never a command-line flag: the web shows it beside the field.
                #expect(outcome.refusals?.first?.description.contains("declaration of interests") == true)
                #expect(outcome.refusals?.first?.description.contains("--") == false)
            }
            for interests in [nil, "", "  \t "] as [String?] {
                var payload = ["prejudicialInterest": "false"]
                payload["interests"] = interests
                try expectRefused(payload)
            }
            try expectRefused(["interests": " \n", "prejudicialInterest": "false"])
            for interests in ["none", "Personal: a family member volunteers with a bidding charity"] {
                let outcome = try fire(
                    event, from: "with-decision-maker", by: [.commissioner],
                    payload: ["interests": interests, "prejudicialInterest": "false"], record: record,
                    profile: cumbria)
                #expect(outcome.accepted?.role == .commissioner, "\(event) '\(interests)': \(outcome)")
            }
        }
    }

    @Test func aPrejudicialInterestPassesTheDecisionToTheDelegate() async throws {
        let payload = ["interests": "Trustee of a bidding charity", "prejudicialInterest": "true"]
        let cumbria = try fire(
            "approve", from: "with-decision-maker", by: [.commissioner], payload: payload, record: decisionRecord(),
            profile: loadCumbria())
        #expect(cumbria.refusalRules == ["prejudicial-interest-passes-to-delegate"])
        let cumbriaMessage = try #require(cumbria.refusals?.first?.description)
        #expect(cumbriaMessage.contains("chief-executive"), "\(cumbriaMessage)")

        let lincolnshire = try fire(
            "approve", from: "with-decision-maker", by: [.commissioner], payload: payload,
            record: decisionRecord(office: "lincolnshire"), profile: loadLincolnshire())
        #expect(lincolnshire.refusalRules == ["prejudicial-interest-passes-to-delegate"])
        let lincolnshireMessage = try #require(lincolnshire.refusals?.first?.description)
        #expect(lincolnshireMessage.contains("no delegate"), "\(lincolnshireMessage)")
        #expect(!lincolnshireMessage.contains("chief-executive"))

        // In Cumbria the Chief Executive then takes it.
        let delegate = try fire(
            "approve", from: "with-decision-maker", by: [.chiefExecutive], payload: Self.declared,
            record: decisionRecord(), profile: loadCumbria())
        #expect(delegate.accepted?.role == .chiefExecutive, "\(delegate)")
    }

    @Test func theDelegateMayDecideInCumbriaButNotInLincolnshire() async throws {
        let cumbria = try loadCumbria()
        #expect(cumbria.decisionDelegation?.role == .chiefExecutive)
        #expect(cumbria.decisionDelegation?.upTo == nil)
        for event in ["approve", "decline"] {
            let outcome = try fire(
                event, from: "with-decision-maker", by: [.chiefExecutive], payload: Self.declared,
                record: decisionRecord(), profile: cumbria)
            let accepted = try #require(outcome.accepted, "\(event): \(outcome)")
            #expect(accepted.role == .chiefExecutive)
            #expect(
                accepted.effects == [
                    .setDeadline(.part1Publication, day("2016-03-14"))
                ])
        }
        // Someone holding both roles decides as the Commissioner unless they say otherwise.
        let both = try fire(
            "approve", from: "with-decision-maker", by: [.chiefExecutive, .commissioner], payload: Self.declared,
            record: decisionRecord(), profile: cumbria)
        #expect(both.accepted?.role == .commissioner)
        let asDelegate = try fire(
            "approve", from: "with-decision-maker", by: [.chiefExecutive, .commissioner], as: .chiefExecutive,
            payload: Self.declared, record: decisionRecord(), profile: cumbria)
        #expect(asDelegate.accepted?.role == .chiefExecutive)

        let lincolnshire = try loadLincolnshire()
        #expect(lincolnshire.decisionDelegation == nil)
        for event in ["approve", "decline"] {
            let outcome = try fire(
                event, from: "with-decision-maker", by: [.chiefExecutive], payload: Self.declared,
                record: decisionRecord(office: "lincolnshire"), profile: lincolnshire)
            #expect(outcome.refusalRules == ["decision-maker-authorised"], "\(event): \(outcome)")
            #expect(outcome.refusals?.first?.description.contains("only the Commissioner decides") == true)
        }
        let commissioner = try fire(
            "approve", from: "with-decision-maker", by: [.commissioner], payload: Self.declared,
            record: decisionRecord(office: "lincolnshire"), profile: lincolnshire)
        // Lincolnshire publishes within one working day.
        #expect(
            commissioner.accepted?.effects == [
                .setDeadline(.part1Publication, day("2016-03-10"))
            ])
    }

    @Test func aDelegationLimitByAmountIsEnforced() async throws {
        let text = try profileText("cumbria")
        let variantText = text.replacingOccurrences(
            of: "decisionDelegation:\n  role: chief-executive\n",
            with: "decisionDelegation: {role: chief-executive, upTo: \"£50,000\"}\n")
        try #require(variantText != text, "the Cumbria fixture's delegation block has changed shape")
        let limited = try OfficeProfile.parse(yaml: variantText, source: "cumbria-limited.yaml")
        let fiftyThousand = try #require(Money(pounds: 50_000))
        let hundredThousand = try #require(Money(pounds: 100_000))
        #expect(limited.decisionDelegation?.role == .chiefExecutive)
        #expect(limited.decisionDelegation?.upTo == fiftyThousand)

        var large = decisionRecord()
        large.amount = hundredThousand
        let refused = try fire(
            "approve", from: "with-decision-maker", by: [.chiefExecutive], payload: Self.declared, record: large,
            profile: limited)
        #expect(refused.refusalRules == ["decision-maker-authorised"])
        let message = try #require(refused.refusals?.first?.description)
        #expect(message.contains("£50,000.00") && message.contains("£100,000.00"), "\(message)")

        // The Commissioner is not limited; the delegate may decide up to the limit, and without an amount.
        let byCommissioner = try fire(
            "approve", from: "with-decision-maker", by: [.commissioner], payload: Self.declared, record: large,
            profile: limited)
        #expect(byCommissioner.accepted?.role == .commissioner)
        var atLimit = decisionRecord()
        atLimit.amount = fiftyThousand
        for record in [atLimit, decisionRecord()] {
            let outcome = try fire(
                "approve", from: "with-decision-maker", by: [.chiefExecutive], payload: Self.declared, record: record,
                profile: limited)
            #expect(outcome.accepted?.role == .chiefExecutive, "\(String(describing: record.amount)): \(outcome)")
        }
        // Unlimited in the shipped profile.
        let unlimited = try fire(
            "approve", from: "with-decision-maker", by: [.chiefExecutive], payload: Self.declared, record: large,
            profile: loadCumbria())
        #expect(unlimited.accepted != nil)
    }

    // MARK: Deferral

    @Test func lincolnshireDeferralNeedsAnUntilDate() async throws {
        let lincolnshire = try loadLincolnshire()
        #expect(lincolnshire.deferralNeedsUntilDate)
        let record = decidedRecord(office: "lincolnshire")
        let reason = ["reason": "release would compromise the procurement"]
        for state in ["approved", "not-approved"] {
            let undated = try fire(
                "defer", from: state, by: [.officer], on: "2016-03-10", payload: reason, record: record,
                profile: lincolnshire)
            #expect(undated.refusalRules == ["deferral-needs-until-date"], "\(state): \(undated)")
            #expect(undated.refusals?.first?.description.contains("date until which publication is deferred") == true)
            #expect(undated.refusals?.first?.description.contains("--") == false)
        }
        let neither = try fire(
            "defer", from: "approved", by: [.officer], on: "2016-03-10", record: record, profile: lincolnshire)
        #expect(neither.refusalRules?.sorted() == ["deferral-needs-until-date", "reason-given"])
        let unreadable = try fire(
            "defer", from: "approved", by: [.officer], on: "2016-03-10",
            payload: reason.merging(["until": "30/06/2016"]) { $1 }, record: record, profile: lincolnshire)
        #expect(unreadable.refusalRules == ["deferral-needs-until-date"])
        let beforeDecision = try fire(
            "defer", from: "approved", by: [.commissioner], on: "2016-03-10",
            payload: reason.merging(["until": "2016-03-08"]) { $1 }, record: record, profile: lincolnshire)
        #expect(beforeDecision.refusalRules == ["deferral-date-after-decision"])
        #expect(beforeDecision.refusals?.first?.description.contains("2016-03-08") == true)

        let dated = try fire(
            "defer", from: "approved", by: [.officer], on: "2016-03-10",
            payload: reason.merging(["until": "2016-06-30"]) { $1 }, record: record, profile: lincolnshire)
        let accepted = try #require(dated.accepted, "\(dated)")
        #expect(accepted.to == "publication-deferred")
        #expect(
            accepted.effects == [
                .setDeadline(.part1Publication, day("2016-06-30"))
            ])
        // The decision day itself is allowed.
        let sameDay = try fire(
            "defer", from: "approved", by: [.officer], on: "2016-03-10",
            payload: reason.merging(["until": "2016-03-09"]) { $1 }, record: record, profile: lincolnshire)
        #expect(sameDay.accepted != nil, "\(sameDay)")
    }

    @Test func cumbriaDeferralMayBeUndated() async throws {
        let cumbria = try loadCumbria()
        #expect(!cumbria.deferralNeedsUntilDate)
        let record = decidedRecord(office: "cumbria")
        let reason = ["reason": "release would compromise the procurement"]
        let undated = try fire(
            "defer", from: "approved", by: [.officer], on: "2016-03-10", payload: reason, record: record,
            profile: cumbria)
        let accepted = try #require(undated.accepted, "\(undated)")
        #expect(accepted.to == "publication-deferred")
        // An undated deferral has no deadline, so no effect asks for one.
        #expect(accepted.effects.isEmpty, "\(accepted.effects)")

        let dated = try fire(
            "defer", from: "not-approved", by: [.commissioner], on: "2016-03-10",
            payload: reason.merging(["until": "2016-04-01"]) { $1 }, record: record, profile: cumbria)
        #expect(
            dated.accepted?.effects == [
                .setDeadline(.part1Publication, day("2016-04-01"))
            ])
        // Even where a date is optional, one before the decision is refused.
        let early = try fire(
            "defer", from: "approved", by: [.officer], on: "2016-03-10",
            payload: reason.merging(["until": "2016-03-01"]) { $1 }, record: record, profile: cumbria)
        #expect(early.refusalRules == ["deferral-date-after-decision"])
    }

    // MARK: Without a record; on import

    @Test func theDecisionGuardsRefuseWithoutADecisionRecord() async throws {
        typealias Case = (state: String, event: String, roles: [Role], payload: [String: String], guards: [String])
        let cases: [Case] = [
            (
                "draft", "submit", [.officer], [:],
                ["executive-summary-within-limit", "part2-complete-before-submission"]
            ),
            (
                "awaiting-sign-offs", "sign-off", [.officer],
                ["position": "originating-officer", "name": "A. Officer"], ["sign-off-by-position-holder"]
            ),
            (
                "with-decision-maker", "approve", [.commissioner], Self.declared,
                ["decision-maker-authorised", "declaration-of-interests"]
            ),
            ("approved", "defer", [.officer], ["reason": "sensitive", "until": "2016-06-30"], ["deferral-until-date"]),
        ]
        let subjects: [WorkflowSubject?] = [nil, .signOffs(missing: [])]
        for c in cases {
            for subject in subjects {
                let outcome = try fire(
                    c.event, from: c.state, by: c.roles, payload: c.payload, subject: subject, profile: loadCumbria())
                #expect(outcome.refusalRules?.sorted() == c.guards, "\(c.event): \(outcome)")
                #expect(
                    outcome.refusals?.allSatisfy { $0.description.contains("decision record was not attached") }
                        == true)
            }
        }
    }

    @Test func guardsOverriddenOnImportBecomeExceptions() async throws {
        let cumbria = try loadCumbria()
        let record = decisionRecord(summary: summary(words: 118))
        #expect(
            try fire("submit", from: "draft", by: [.officer], record: record, profile: cumbria).refusalRules
                == ["executive-summary-word-limit"])

        let imported = try fire(
            "submit", from: "draft", by: [.officer], record: record, profile: cumbria, overridingGuards: true)
        let accepted = try #require(imported.accepted, "\(imported)")
        #expect(accepted.to == "awaiting-sign-offs")
        #expect(accepted.role == .officer)
        #expect(accepted.effects == [.performedByTheAct("allocate-decision-number")])
        #expect(accepted.exceptions.map(\.rule) == ["executive-summary-word-limit"])
        #expect(accepted.exceptions.first?.message.contains("words: 118, limit: 100") == true)

        // Every failed guard becomes an exception, and an import that breaks none carries none.
        var both = record
        both.part2 = Part2(exists: true, reason: "sensitive", content: nil, complete: false)
        let two = try fire(
            "submit", from: "draft", by: [.officer], record: both, profile: cumbria, overridingGuards: true)
        #expect(
            two.accepted?.exceptions.map(\.rule).sorted()
                == ["executive-summary-word-limit", "part2-complete-before-submission"])
        let clean = try fire(
            "submit", from: "draft", by: [.officer], record: decisionRecord(), profile: cumbria,
            overridingGuards: true)
        #expect(clean.accepted?.exceptions == [])

        // Overriding covers the form's guards only: roles and dates are still enforced, and alone.
        let wrongRole = try fire(
            "submit", from: "draft", by: [.commissioner], record: record, profile: cumbria, overridingGuards: true)
        #expect(wrongRole.refusalRules == ["role-required"])
        let backdated = try fire(
            "submit", from: "draft", by: [.officer], on: "2016-03-06", record: record, profile: cumbria,
            overridingGuards: true)
        #expect(backdated.refusalRules == ["effective-dates-never-go-backwards"])
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

    @Test func aBoardMemberMayStartAReturnForTheirOwnGrant() async throws {
        guard case .accepted(let accepted) = try start(recordRef: "GA-1") else {
            Issue.record("the board member was refused on their own grant")
            return
        }
        #expect(accepted.to == "draft")
        #expect(accepted.role == .projectBoardMember)
    }

    @Test(arguments: ["GA-2", nil] as [String?])
    func aBoardMemberMayNotStartAReturnForAnotherGrant(recordRef: String?) async throws {
        #expect(try start(recordRef: recordRef).refusalRules == ["role-required"])
    }

    @Test func namingTheScopedRoleOnAnotherGrantIsARoleNotHeld() async throws {
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
    fileprivate var refusalRules: [String]? { refusals?.map(\.rule) }

    fileprivate var refusals: [WorkflowRefusal]? {
        if case .refused(let reasons) = self { return reasons }
        return nil
    }

    fileprivate var accepted: WorkflowEngine.Accepted? {
        if case .accepted(let accepted) = self { return accepted }
        return nil
    }
}

@Suite("Workflow engine: replaying history")
struct ReplayTests {
    @Test func replayRebuildsTheStateFromStateChangingEvents() async throws {
        let definition = try loadWorkflow("decision-request")
        let history: [(from: String, to: String)] = [
            ("draft", "awaiting-sign-offs"), ("awaiting-sign-offs", "awaiting-sign-offs"),
            ("awaiting-sign-offs", "with-decision-maker"), ("with-decision-maker", "approved"),
        ]
        #expect(WorkflowEngine.replay(history, definition: definition) == .success("approved"))
    }

    @Test func replayOfNoEventsIsTheInitialState() async throws {
        let definition = try loadWorkflow("quarterly-return")
        #expect(WorkflowEngine.replay([], definition: definition) == .success("scheduled"))
    }

    @Test func replaySkipsEventsThatChangeNoStateWhateverTheyName() async throws {
        let definition = try loadWorkflow("decision-request")
        // An escalation-like record naming another state changes nothing and is not checked.
        let history: [(from: String, to: String)] = [("published", "published"), ("draft", "awaiting-sign-offs")]
        #expect(WorkflowEngine.replay(history, definition: definition) == .success("awaiting-sign-offs"))
    }

    @Test func replayReportsWhereTheHistoryStopsFitting() async throws {
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

    @Test func replayReportsAHistoryThatDoesNotStartAtTheInitialState() async throws {
        let definition = try loadWorkflow("carry-forward")
        let result = WorkflowEngine.replay([("requested", "approved")], definition: definition)
        #expect(result == .failure(.init(index: 0, expectedFrom: "draft", recordedFrom: "requested")))
    }
}
