import Foundation
import OPCCCore
import Testing

private let repositoryRoot: URL = {
    var url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    while !FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
        let parent = url.deletingLastPathComponent()
        precondition(parent.path != url.path, "no Package.swift above \(#filePath)")
        url = parent
    }
    return url
}()

private func shippedWorkflow(_ name: String) throws -> WorkflowDefinition {
    let text = try String(contentsOf: repositoryRoot.appendingPathComponent("workflows/\(name).yaml"), encoding: .utf8)
    return try WorkflowDefinition.parse(yaml: text, source: "\(name).yaml")
}

/// One row of the permitted-acts table: a decision record in `state`, a person holding `roles` (limited to `scope`
/// when given), and the acts the definition lets them take now, in the definition's order.
struct PermittedActsCase: Sendable, CustomTestStringConvertible {
    let state: String
    let roles: [Role]
    var scope: [String] = []
    let acts: [String]

    var testDescription: String {
        "\(roles.map(\.rawValue).joined(separator: "+"))\(scope.isEmpty ? "" : " on \(scope)") in \(state)"
    }
}

@Suite("Workflow engine: permitted acts from the definition")
struct PermittedActsTests {
    static let cases: [PermittedActsCase] = [
        .init(state: "draft", roles: [.officer], acts: ["submit", "withdraw"]),
        .init(state: "draft", roles: [.chiefExecutive], acts: ["withdraw"]),
        .init(state: "draft", roles: [.commissioner], acts: []),
        .init(
            state: "awaiting-sign-offs", roles: [.officer],
            acts: ["sign-off", "refer", "return-for-revision", "withdraw"]),
        .init(state: "awaiting-sign-offs", roles: [.finance], acts: ["sign-off"]),
        .init(
            state: "with-decision-maker", roles: [.commissioner], acts: ["return-for-revision", "approve", "decline"]),
        .init(state: "with-decision-maker", roles: [.officer], acts: ["return-for-revision", "withdraw"]),
        .init(state: "approved", roles: [.officer], acts: ["publish", "defer"]),
        .init(state: "approved", roles: [.commissioner], acts: ["defer"]),
        .init(state: "publication-deferred", roles: [.officer], acts: ["publish"]),
        .init(state: "published", roles: [.officer, .commissioner, .chiefExecutive], acts: []),
        .init(state: "withdrawn", roles: [.officer], acts: []),
        .init(state: "awaiting-sign-offs", roles: [.auditor, .public], acts: []),
        // Scope: a grant limited to another record gives nothing here; one limited to this record counts.
        .init(state: "draft", roles: [.officer], scope: ["cumbria-DR-0099"], acts: []),
        .init(state: "draft", roles: [.officer], scope: ["cumbria-DR-0001"], acts: ["submit", "withdraw"]),
    ]

    @Test(arguments: cases)
    func thePermittedActsFollowRoleScopeAndState(row: PermittedActsCase) async throws {
        let definition = try shippedWorkflow("decision-request")
        let instance = WorkflowInstance(
            id: "cumbria-DR-0001", office: "cumbria", workflow: "decision-request", workflowVersion: 1,
            state: row.state, version: 3, recordRef: "cumbria-DR-0001", lastEffectiveDay: nil)
        let actor = Actor(name: "A. Person", grants: row.roles.map { RoleGrant(role: $0, scope: row.scope) })
        let acts = WorkflowEngine().permittedActs(on: instance, definition: definition, actor: actor)
        #expect(acts.map(\.event) == row.acts)
    }

    @Test func aPermittedActNamesTheRolesHeldAndItsGuardsWhichAreNotTriedUntilTheActIs() async throws {
        let definition = try shippedWorkflow("decision-request")
        let instance = WorkflowInstance(
            id: "dr-1", office: "cumbria", workflow: "decision-request", workflowVersion: 1,
            state: "with-decision-maker", version: 3, recordRef: "dr-1", lastEffectiveDay: nil)
        let both = Actor(name: "Both", grants: [RoleGrant(role: .chiefExecutive), RoleGrant(role: .commissioner)])
        let approve = try #require(
            WorkflowEngine().permittedActs(on: instance, definition: definition, actor: both).first {
                $0.event == "approve"
            })
        #expect(approve.roles == [.commissioner, .chiefExecutive])
        #expect(approve.to == "approved")
        #expect(approve.guards == ["decision-maker-authorised", "declaration-of-interests"])
        // Offered, though with no record attached its guards would refuse it: they speak when it is tried.
        let act = Act(
            event: "approve", actor: both, effectiveDay: try Day(iso: "2016-03-09"), today: try Day(iso: "2016-03-09"))
        guard case .refused = WorkflowEngine().fire(act, on: instance, definition: definition) else {
            Issue.record("approve without a record should be refused by its guards")
            return
        }
    }
}

@Suite("Workflow effects: typed, with the retired names still loading")
struct WorkflowEffectTests {
    @Test func theRetiredEffectNamesStillValidateAndAreRecordedUnderTheirNames() async throws {
        for (name, event, state, role, payload) in [
            ("decision-request", "submit", "draft", Role.officer, [String: String]()),
            ("carry-forward", "confirm", "approved", Role.finance, ["actualPence": "100"]),
        ] {
            let definition = try shippedWorkflow(name)
            #expect(WorkflowValidator.problems(in: definition, source: name, registry: .standard).isEmpty)
            let instance = WorkflowInstance(
                id: "i-1", office: "cumbria", workflow: name, workflowVersion: 1, state: state, version: 0,
                recordRef: "i-1", lastEffectiveDay: nil)
            let today = try Day(iso: "2016-03-09")
            let act = Act(
                event: event, actor: Actor(name: "p", grants: [RoleGrant(role: role)]), effectiveDay: today,
                today: today, payload: payload)
            // The decision's guards read a record; overriding them (as an import does) leaves the effects alone.
            let outcome = WorkflowEngine().fire(
                act, on: instance, definition: definition, overridingGuards: true)
            guard case .accepted(let accepted) = outcome else {
                Issue.record("\(event) was refused: \(outcome)")
                continue
            }
            let retired = name == "decision-request" ? "allocate-decision-number" : "settle-carry-forward"
            #expect(accepted.effects == [.performedByTheAct(retired)])
            #expect(accepted.effects.map(\.description) == [retired])
        }
    }

    @Test func aDeadlineEffectIsDescribedAsTheAuditLogHasAlwaysRecordedIt() async throws {
        let effect = WorkflowEffect.setDeadline(.part1Publication, try Day(iso: "2016-03-14"))
        #expect(effect.description == "set-deadline(day=2016-03-14, kind=part1-publication)")
        #expect(WorkflowEffect.scheduleQuarterlyReturns.description == "schedule-quarterly-returns")
        #expect(WorkflowEffect.releasePayment.description == "release-payment")
    }
}

@Suite("Decision rules: Part 1 overdue")
struct Part1OverdueTests {
    @Test func part1IsOverdueOnlyAfterItsDeadlineWhileUnpublishedAndNotWithdrawn() async throws {
        let deadline = try Day(iso: "2016-03-14")
        func overdue(_ state: String, _ today: String, published: Day? = nil, deadline: Day? = deadline) throws -> Bool
        {
            DecisionRules.isPart1Overdue(
                state: state, part1Deadline: deadline, publishedOn: published, today: try Day(iso: today))
        }
        #expect(try overdue("approved", "2016-03-13") == false)
        #expect(try overdue("approved", "2016-03-14") == false, "on the deadline day it is still in time")
        #expect(try overdue("approved", "2016-03-15") == true)
        #expect(try overdue("not-approved", "2016-03-15") == true)
        #expect(try overdue("publication-deferred", "2016-03-15") == true)
        #expect(try overdue("published", "2016-03-15", published: try Day(iso: "2016-03-15")) == false)
        #expect(try overdue("withdrawn", "2016-03-15") == false)
        #expect(try overdue("approved", "2016-03-15", deadline: nil) == false)
    }
}
