import Foundation
import Hummingbird
import HummingbirdTesting
import OPCCCore
import OPCCServices
import OPCCTestSupport
import Testing

@testable import OPCCWeb

/// Seed 001's assessment again for another year, scored and with scoring closed, so the board can select and adopt.
func selectingAssessment(_ app: Commissioning, year: String) async throws -> (id: String, fixture: PriorityFixture) {
    let url = repositoryRoot.appendingPathComponent("fixtures/priorities/safer-north-west-2017-18.yaml")
    let yaml = try String(contentsOf: url, encoding: .utf8).replacingOccurrences(of: "2017/18", with: year)
    let fixture = try PriorityFixture.parse(yaml: yaml, source: "test")
    let assessment = try await app.importAssessment(try fixture.file.assessment(source: "test"), by: "leics.officer")
    try await app.closeScoring(assessment.id, by: "leics.officer")
    return (assessment.id, fixture)
}

/// The board's selection as seed 001 records it (priorities, Medium decisions and the Low's compulsion).
func recordSeedSelection(_ app: Commissioning, _ id: String) async throws {
    let officer = "leics.officer"
    let priorities: [PrioritySelection.Priority] = [
        .init(
            code: "P1", title: "The effects of violence", kind: .local,
            threats: ["Alcohol Related Violence", "Violent Crime", "Domestic Abuse", "Sexual Offences"]),
        .init(code: "P2", title: "Anti-social behaviour", kind: .local, threats: ["Anti-Social Behaviour"]),
        .init(code: "P3", title: "Cybercrime", kind: .local, threats: ["Cybercrime"]),
        .init(code: "S1", title: "Reducing reoffending", kind: .statutory),
        .init(code: "S2", title: "Substance misuse", kind: .statutory),
    ]
    for p in priorities { try await app.setPriority(id, p, by: officer) }
    for (threat, selected) in [
        ("Domestic Abuse", true), ("Sexual Offences", true), ("Domestic Burglary", false),
        ("Criminal Damage (including Arson)", false), ("Road Safety*", false),
    ] {
        try await app.recordBoardDecision(
            id, .mediumDecision(threat: threat, selected: selected), reason: "The board's reason", by: officer)
    }
    try await app.recordBoardDecision(
        id, .compulsion(threat: "Cybercrime", .nationalSteer), reason: "A national priority", by: officer)
}

@Suite("Web: pilot-area and priorities forms — VLI scoring and adopting priorities", .serialized)
struct AreaFormTests {
    @Test(
        "VLI scoring: an officer runs a scheme and the page shows the new run; no study area is refused",
        arguments: TestEngine.all)
    func scoreVLI(engine: TestEngine) async throws {
        let home = ProductHome(root: repositoryRoot)
        let app = try await webApp(commissioning: formsApp(engine), home: home)
        try await app.test(.router) { client in
            var officer = Browser(client)
            _ = try await officer.signIn("cumbria.officer")
            let page = try await officer.get("/vli")
            #expect(page.body.contains("action=\"/vli/score\""))
            #expect(page.body.contains("<option value=\"vli-default\" selected>vli-default</option>"))
            let before = try await formsApp(engine).latestVLIRun(office: "cumbria").id
            let scored = try await officer.post("/vli/score", ["scheme": "vli-default"])
            #expect(scored.status == .seeOther)
            let run = try await formsApp(engine).latestVLIRun(office: "cumbria")
            #expect(run.id != before)
            #expect(run.runBy == "cumbria.officer")
            let after = try await officer.get("/vli")
            #expect(after.body.contains("\(run.id), scored on"))
            #expect(after.body.contains(">Ormsgill</a>"), "the wards ranked from the new run")

            let unknown = try await officer.post("/vli/score", ["scheme": "../../Package"])
            #expect(unknown.status == .unprocessableContent)
            #expect(unknown.body.contains("href=\"#score-scheme\""))
            await #expect(try formsApp(engine).latestVLIRun(office: "cumbria").id == run.id)

            var lincs = Browser(client)
            _ = try await lincs.signIn("lincs.officer")
            #expect(try await lincs.get("/vli").body.contains("action=\"/vli/score\""))
            let (scheme, text) = try await formsApp(engine).vliScheme(named: "vli-default", home: home)
            let expected = try #require(
                await refusalMessage {
                    try await formsApp(engine).scoreVLI(
                        office: "lincolnshire", scheme: scheme, schemeText: text, by: "lincs.officer")
                })
            let refused = try await lincs.post("/vli/score", ["scheme": "vli-default"])
            #expect(refused.status == .unprocessableContent)
            #expect(refused.body.contains(expected))
            #expect(refused.body.contains("href=\"#score-scheme\""))
            await #expect((try? formsApp(engine).latestVLIRun(office: "lincolnshire")) == nil, "no run is kept")

            var board = Browser(client)
            _ = try await board.signIn("cumbria.barrow-board")
            #expect(try await board.post("/vli/score", ["scheme": "vli-default"]).status == .forbidden)
            var auditor = Browser(client)
            _ = try await auditor.signIn("cumbria.auditor")
            let read = try await auditor.get("/vli")
            #expect(!read.body.contains("action=\"/vli/score\""), "auditors read, they do not score")
        }
    }

    @Test("the VLI scoring form is not offered when the server cannot read the schemes", arguments: TestEngine.all)
    func noSchemesNoForm(engine: TestEngine) async throws {
        let app = try await webApp(commissioning: formsApp(engine))
        try await app.test(.router) { client in
            var officer = Browser(client)
            _ = try await officer.signIn("cumbria.officer")
            #expect(!(try await officer.get("/vli").body.contains("action=\"/vli/score\"")))
            #expect(try await officer.post("/vli/score", ["scheme": "vli-default"]).status == .unprocessableContent)
        }
    }

    @Test(
        "adopting priorities is refused, naming each rule, until the selection follows them; then it is adopted",
        arguments: TestEngine.all)
    func adoptPriorities(engine: TestEngine) async throws {
        let (id, _) = try await selectingAssessment(formsApp(engine), year: "2019/20")
        let state: @Sendable () async throws -> String = {
            try await formsApp(engine).priorityView(id, as: "leics.officer").state
        }
        let app = try await webApp(commissioning: formsApp(engine))
        try await app.test(.router) { client in
            var officer = Browser(client)
            _ = try await officer.signIn("leics.officer")
            let page = try await officer.get("/priorities/\(id)")
            #expect(page.body.contains("Adopt the priorities"))
            var refusal: (any Error)?
            do { try await formsApp(engine).adoptPriorities(id, by: "leics.officer") } catch { refusal = error }
            let messages = Refusal.messages(of: try #require(refusal)).map { html(sentence($0)) }
            #expect(!messages.isEmpty)
            let refused = try await officer.post("/priorities/\(id)/adopt")
            #expect(refused.status == .unprocessableContent)
            for message in messages { #expect(refused.body.contains(message)) }
            #expect(refused.body.contains("href=\"#priority-adopt\""))
            await #expect(try state() == "selecting")

            var finance = Browser(client)
            _ = try await finance.signIn("leics.finance")
            #expect(!(try await finance.get("/priorities/\(id)").body.contains("Adopt the priorities")))
            #expect(try await finance.post("/priorities/\(id)/adopt").status == .forbidden)
            var cumbria = Browser(client)
            _ = try await cumbria.signIn("cumbria.officer")
            #expect(try await cumbria.post("/priorities/\(id)/adopt").status == .notFound, "another office's")
            await #expect(try state() == "selecting")

            try await recordSeedSelection(formsApp(engine), id)
            var chief = Browser(client)
            _ = try await chief.signIn("leics.chief-executive")
            let adopted = try await chief.post("/priorities/\(id)/adopt")
            #expect(adopted.status == .seeOther)
            await #expect(try state() == "adopted")
            let after = try await chief.get("/priorities/\(id)")
            #expect(after.body.contains("tag-adopted"))
            #expect(!after.body.contains("Adopt the priorities"))
        }
    }
}
