import Foundation
import Hummingbird
import HummingbirdTesting
import OPCCCore
import OPCCServices
import OPCCTestSupport
import Testing

@testable import OPCCWeb

/// A Cumbria decision raised by the officer, taken to `with-decision-maker` when `referred`.
private func cumbriaDecision(_ engine: TestEngine, _ title: String, referred: Bool) async throws -> String {
    let app = try await actsApp(engine)
    let id = try await app.raiseDecision(office: "cumbria", draft: webDraft(title), by: "cumbria.officer").id
    guard referred else { return id }
    try await app.submitDecision(id, by: "cumbria.officer")
    try await app.signDecision(id, position: "originating-officer", name: "Vivian Stafford", by: "cumbria.officer")
    try await app.signDecision(id, position: "chief-executive", name: "Stuart Edwards", by: "cumbria.chief-executive")
    try await app.referDecision(id, by: "cumbria.chief-executive")
    return id
}

/// The decision page's steps for the acts a definition permits (the page's own table, read the other way).
private func steps(for acts: [WorkflowEngine.PermittedAct]) -> Set<String> {
    let events = Set(acts.map(\.event))
    return Set(Web.decisionStepEvents.filter { !events.isDisjoint(with: $0.events) }.map(\.step))
}

@Suite("Web: pages offer the acts the workflow definition permits", .serialized)
struct PermittedActPageTests {
    @Test(arguments: TestEngine.all) func anOfficerOnADraftDecisionIsOfferedSubmitAndWithdrawAndTheDraftsEdit(
        engine: TestEngine
    ) async throws {
        let id = try await cumbriaDecision(engine, "Officer on a draft", referred: false)
        let permitted = try await actsApp(engine).permittedActs(record: id, by: "cumbria.officer")
        #expect(permitted.map(\.event) == ["submit", "withdraw"])
        let server = try await webApp(commissioning: actsApp(engine))
        try await server.test(.router) { client in
            var officer = Browser(client)
            _ = try await officer.signIn("cumbria.officer")
            let page = try await officer.get("/decisions/\(id)").body
            // Reading Part 2 and the document forms are not workflow acts.
            let offered = formSteps(page, under: "/decisions/\(id)/").subtracting([
                "part2", "documents", "documents/withdraw",
            ])
            #expect(offered == ["submit", "withdraw"])
            #expect(offered == steps(for: permitted))
            #expect(page.contains("href=\"/decisions/\(id)/edit\""), "the draft's edit, by its own rule")
        }
    }

    @Test(arguments: TestEngine.all) func theCommissionerOnAReferredDecisionIsOfferedTheDecisionAndTheReturnOnly(
        engine: TestEngine
    ) async throws {
        let id = try await cumbriaDecision(engine, "Commissioner on a referred record", referred: true)
        let permitted = try await actsApp(engine).permittedActs(record: id, by: "cumbria.pcc")
        #expect(Set(permitted.map(\.event)) == ["return-for-revision", "approve", "decline"])
        let server = try await webApp(commissioning: actsApp(engine))
        try await server.test(.router) { client in
            var pcc = Browser(client)
            _ = try await pcc.signIn("cumbria.pcc")
            let page = try await pcc.get("/decisions/\(id)").body
            // Reading Part 2 and the document forms are not workflow acts.
            let offered = formSteps(page, under: "/decisions/\(id)/").subtracting([
                "part2", "documents", "documents/withdraw",
            ])
            #expect(offered == ["decide", "return"])
            #expect(offered == steps(for: permitted))
            #expect(!page.contains("href=\"/decisions/\(id)/edit\""))
        }
    }

    /// The edit page asks the draft edit's own rule (`DecisionEdit`), as the save does.
    @Test(arguments: TestEngine.all) func theEditPageOfARecordPastItsDraftSaysOnlyDraftsAreEdited(
        engine: TestEngine
    ) async throws {
        let draft = try await cumbriaDecision(engine, "Edit page of a draft", referred: false)
        let referred = try await cumbriaDecision(engine, "Edit page of a referred record", referred: true)
        let server = try await webApp(commissioning: actsApp(engine))
        try await server.test(.router) { client in
            var officer = Browser(client)
            _ = try await officer.signIn("cumbria.officer")
            #expect(try await officer.get("/decisions/\(draft)/edit").status == .ok)
            let refused = try await officer.get("/decisions/\(referred)/edit")
            #expect(refused.status == .unprocessableContent)
            #expect(refused.body.contains("Only drafts are edited. This record is with decision maker."))
        }
    }

    @Test(arguments: TestEngine.all) func financeOnADraftAgreementIsOfferedTheAssessmentsAndConfirmingThePreconditions(
        engine: TestEngine
    ) async throws {
        let draft = try await #require(
            try actsApp(engine).agreements(office: "leicestershire").first { $0.state == "draft" }?.agreement.id)
        await #expect(
            try actsApp(engine).permittedActs(record: draft, by: "leics.finance").map(\.event) == [
                "confirm-conditions", "cancel",
            ])
        let version = try await actsApp(engine).version(of: draft, by: "leics.finance")
        let server = try await webApp(commissioning: actsApp(engine))
        try await server.test(.router) { client in
            var finance = Browser(client)
            _ = try await finance.signIn("leics.finance")
            let page = try await finance.get("/grants/\(draft)").body
            // The document forms are not workflow acts, and carry no version.
            let offered = formSteps(page, under: "/grants/\(draft)/").subtracting(["documents", "documents/withdraw"])
            #expect(offered == ["assessment", "confirm-conditions"])
            let acts =
                formCount(page, under: "/grants/\(draft)/") - formCount(page, under: "/grants/\(draft)/documents")
            #expect(versionFields(page, version) == acts, "every act's form has it")
        }
    }

    @Test(arguments: TestEngine.all) func theBoardOnADueReturnIsOfferedItsFormAndTheReviewerNothingUntilItIsSubmitted(
        engine: TestEngine
    ) async throws {
        let id = try await #require(
            try actsApp(engine).returns(.init(office: "cumbria", grant: "cumbria-GA-0001"), as: "cumbria.finance").first
            {
                $0.state == "scheduled"
            }?.id)
        await #expect(
            try actsApp(engine).permittedActs(record: id, by: "cumbria.barrow-board").map(\.event) == ["start"])
        let version = try await actsApp(engine).version(of: id, by: "cumbria.finance")
        let server = try await webApp(commissioning: actsApp(engine))
        try await server.test(.router) { client in
            var board = Browser(client)
            _ = try await board.signIn("cumbria.barrow-board")
            let page = try await board.get("/returns/\(id)").body
            let documentForms: Set = ["documents", "documents/withdraw"]
            #expect(formSteps(page, under: "/returns/\(id)/").subtracting(documentForms) == ["save", "submit"])
            #expect(versionFields(page, version) == 1, "the board's form carries the version")
            var finance = Browser(client)
            _ = try await finance.signIn("cumbria.finance")
            let reviewer = try await finance.get("/returns/\(id)").body
            #expect(formSteps(reviewer, under: "/returns/\(id)/").subtracting(documentForms).isEmpty)
        }
    }

    /// The page reads which steps to offer from the acts the definition permits, so a definition that gives
    /// `submit` to the chief executive alone takes it off the officer's page and puts it on the chief executive's.
    @Test(arguments: TestEngine.all) func aDefinitionThatChangesWhoMaySubmitChangesWhatTheDecisionPageOffers(
        engine: TestEngine
    ) async throws {
        let id = try await cumbriaDecision(engine, "A definition of our own", referred: false)
        let url = repositoryRoot.appendingPathComponent("workflows/decision-request.yaml")
        let text = try String(contentsOf: url, encoding: .utf8)
        let stock = "    roles: [officer]\n    guards: [executive-summary-within-limit"
        #expect(text.contains(stock))
        let changed = try WorkflowDefinition.parse(
            yaml: text.replacingOccurrences(
                of: stock, with: "    roles: [chief-executive]\n    guards: [executive-summary-within-limit"),
            source: "test")
        let web = try await Web(configuration: WebConfiguration(commissioning: actsApp(engine)))
        let view = try await actsApp(engine).showDecision(id, by: "cumbria.officer")
        let instance = try await #require(try actsApp(engine).instance(id))
        let profile = try await actsApp(engine).profile(of: "cumbria")
        func offered(to name: String, under definition: WorkflowDefinition) async throws -> [String] {
            let person = try #require(try await actsApp(engine).person(named: name))
            let acts = WorkflowEngine().permittedActs(on: instance, definition: definition, actor: person.actor)
            return web.decisionSteps(
                view, permitted: acts, profile: profile, roles: person.actor.roles(covering: id), signer: "",
                erroredStep: nil, entered: [:]
            ).map(\.step)
        }
        let stockDefinition = try await #require(actsApp(engine).catalog.latest("decision-request"))
        await #expect(try offered(to: "cumbria.officer", under: stockDefinition) == ["submit", "withdraw"])
        await #expect(try offered(to: "cumbria.officer", under: changed) == ["withdraw"])
        await #expect(try offered(to: "cumbria.chief-executive", under: stockDefinition) == ["withdraw"])
        await #expect(try offered(to: "cumbria.chief-executive", under: changed) == ["submit", "withdraw"])
    }
}
