import Foundation
import Hummingbird
import HummingbirdTesting
import OPCCCore
import OPCCServices
import OPCCTestSupport
import Testing

@testable import OPCCWeb

/// A Cumbria record taken through the services to `state` ("awaiting-sign-offs", "with-decision-maker" or
/// "approved"), for the screens that act on it.
private func cumbriaRecord(_ engine: TestEngine, _ title: String, to state: String) async throws -> String {
    let app = try await sharedApp(engine)
    let id = try await app.raiseDecision(office: "cumbria", draft: webDraft(title), by: "cumbria.officer").id
    try await app.submitDecision(id, by: "cumbria.officer")
    if state == "awaiting-sign-offs" { return id }
    try await app.signDecision(id, position: "originating-officer", name: "Vivian Stafford", by: "cumbria.officer")
    try await app.signDecision(id, position: "chief-executive", name: "Stuart Edwards", by: "cumbria.chief-executive")
    try await app.referDecision(id, by: "cumbria.chief-executive")
    if state == "with-decision-maker" { return id }
    try await app.decide(id, approve: true, interests: "None.", by: "cumbria.pcc")
    return id
}

private func state(_ engine: TestEngine, _ id: String) async throws -> String {
    try await sharedApp(engine).showDecision(id, by: "cumbria.officer").status
}

/// The error summary's links: each `href="#…"` it holds.
private func summaryLinks(_ body: String) -> [String] {
    guard let start = body.range(of: "class=\"error-summary\""),
        let end = body.range(of: "</div>", range: start.upperBound..<body.endIndex)
    else { return [] }
    let summary = body[start.upperBound..<end.lowerBound]
    return summary.components(separatedBy: "href=\"#").dropFirst().compactMap {
        $0.split(separator: "\"").first.map(String.init)
    }
}

@Suite("Web: editing a draft, returning, withdrawing, deferring and correcting in the browser")
struct DecisionStepTests {
    @Test(arguments: TestEngine.all) func unknownPagesAndExpiredFormsGetTheServicesErrorPage(
        engine: TestEngine
    ) async throws {
        let app = try await webApp(engine: engine)
        try await app.test(.router) { client in
            var visitor = Browser(client)
            let missing = try await visitor.get("/no-such-page")
            #expect(missing.status == .notFound)
            #expect(missing.body.contains("<h1>Page not found</h1>"))
            #expect(missing.body.contains("<main id=\"main\""))
            _ = try await visitor.signIn("cumbria.officer")
            let expired = try await visitor.post("/decisions", ["title": "x"], csrf: "stale")
            #expect(expired.status == .forbidden)
            #expect(expired.body.contains("The form has expired or did not come from this site."))
        }
    }

    @Test(arguments: TestEngine.all) func editsOnlyInDraft(engine: TestEngine) async throws {
        let app = try await webApp(engine: engine)
        try await app.test(.router) { client in
            var officer = Browser(client)
            _ = try await officer.signIn("cumbria.officer")
            let raised = try await officer.post(
                "/decisions",
                ["title": "Draft to edit", "executiveSummary": "First text.", "recommendation": "Approve."])
            let path = try #require(raised.location)
            let id = String(path.dropFirst("/decisions/".count))
            #expect(try await officer.get(path).body.contains("Edit the draft"))
            let form = try await officer.get("\(path)/edit")
            #expect(form.status == .ok)
            #expect(form.body.contains("First text."))

            // A blank title is refused, the error summary links to the title field, and nothing changes.
            let blank = try await officer.post(
                "\(path)/edit", ["title": "", "executiveSummary": "Second text.", "recommendation": "Approve."])
            #expect(blank.status == .unprocessableContent)
            #expect(summaryLinks(blank.body) == ["title"])
            #expect(blank.body.contains("Second text."), "what was entered is kept")
            await #expect(
                try sharedApp(engine).showDecision(id, by: "cumbria.officer").record.executiveSummary == "First text.")

            let saved = try await officer.post(
                "\(path)/edit",
                [
                    "title": "Draft edited", "executiveSummary": "Second text.", "recommendation": "Approve.",
                    "amount": "£2,000",
                ])
            #expect(saved.status == .seeOther)
            let record = try await sharedApp(engine).showDecision(id, by: "cumbria.officer").record
            #expect(record.title == "Draft edited")
            #expect(record.executiveSummary == "Second text.")
            #expect(record.amount?.pence == 200_000)

            // Another role may not edit; once submitted nobody edits.
            var finance = Browser(client)
            _ = try await finance.signIn("cumbria.finance")
            #expect(try await finance.post("\(path)/edit", ["title": "Finance's title"]).status == .forbidden)
            _ = try await officer.post("\(path)/submit")
            #expect(try await officer.get("\(path)/edit").status == .unprocessableContent)
            let late = try await officer.post("\(path)/edit", ["title": "Too late"])
            #expect(late.status == .unprocessableContent)
            #expect(late.body.contains("drafts are edited"))
            await #expect(try sharedApp(engine).showDecision(id, by: "cumbria.officer").record.title == "Draft edited")
        }
    }

    @Test(arguments: TestEngine.all) func returnForRevisionNeedsAReason(engine: TestEngine) async throws {
        let id = try await cumbriaRecord(engine, "Returned in the browser", to: "with-decision-maker")
        let app = try await webApp(engine: engine)
        try await app.test(.router) { client in
            var pcc = Browser(client)
            _ = try await pcc.signIn("cumbria.pcc")
            let page = try await pcc.get("/decisions/\(id)")
            #expect(page.body.contains("Return for revision"))
            let refused = try await pcc.post("/decisions/\(id)/return", ["reason": "  "])
            #expect(refused.status == .unprocessableContent)
            #expect(summaryLinks(refused.body) == ["return-reason"])
            #expect(refused.body.contains("id=\"return-reason\""))
            await #expect(try state(engine, id) == "with-decision-maker")
            #expect(try await pcc.post("/decisions/\(id)/return", ["reason": "Costs unclear."]).status == .seeOther)
            await #expect(try state(engine, id) == "draft")
            let history = try await pcc.get("/decisions/\(id)")
            #expect(history.body.contains("return-for-revision"))
        }
    }

    /// Issue 21 item 10: a refused decision told a browser user `--interests "none"`; the page's label instead.
    @Test(arguments: TestEngine.all) func aRefusedDecisionSaysWhatToDoInThePagesWordsNeverACommandLineFlag(
        engine: TestEngine
    ) async throws {
        let id = try await cumbriaRecord(engine, "Decided in the browser", to: "with-decision-maker")
        let app = try await webApp(engine: engine)
        try await app.test(.router) { client in
            var pcc = Browser(client)
            _ = try await pcc.signIn("cumbria.pcc")
            let refused = try await pcc.post("/decisions/\(id)/decide", ["approve": "yes", "interests": " "])
            #expect(refused.status == .unprocessableContent)
            #expect(summaryLinks(refused.body) == ["decide-interests"])
            let start = try #require(refused.body.range(of: "class=\"error-summary\""))
            let end = try #require(refused.body.range(of: "</div>", range: start.upperBound..<refused.body.endIndex))
            let summary = refused.body[start.upperBound..<end.lowerBound]
            #expect(summary.contains("declaration of interests"), "\(summary)")
            #expect(refused.body.contains(">Declaration of interests</label>"))
            #expect(!summary.contains("--"), "\(summary)")
            #expect(!refused.body.contains("--interests"))
            await #expect(try state(engine, id) == "with-decision-maker")
        }
    }

    @Test(arguments: TestEngine.all) func withdrawalReasonRequired(engine: TestEngine) async throws {
        let id = try await cumbriaRecord(engine, "Withdrawn in the browser", to: "awaiting-sign-offs")
        let app = try await webApp(engine: engine)
        try await app.test(.router) { client in
            var board = Browser(client)
            _ = try await board.signIn("cumbria.barrow-board")
            #expect(try await board.post("/decisions/\(id)/withdraw", ["reason": "Not ours."]).status == .forbidden)
            var officer = Browser(client)
            _ = try await officer.signIn("cumbria.officer")
            let refused = try await officer.post("/decisions/\(id)/withdraw", ["reason": ""])
            #expect(refused.status == .unprocessableContent)
            #expect(summaryLinks(refused.body) == ["withdraw-reason"])
            await #expect(try state(engine, id) == "awaiting-sign-offs")
            #expect(
                try await officer.post("/decisions/\(id)/withdraw", ["reason": "Funding found elsewhere."]).status
                    == .seeOther)
            await #expect(try state(engine, id) == "withdrawn")
            #expect(try await officer.get("/decisions/\(id)").body.contains("Withdrawn"))
        }
    }

    @Test(arguments: TestEngine.all) func deferralReasonAndUntilDate(engine: TestEngine) async throws {
        let id = try await cumbriaRecord(engine, "Deferred in the browser", to: "approved")
        let app = try await webApp(engine: engine)
        try await app.test(.router) { client in
            var officer = Browser(client)
            _ = try await officer.signIn("cumbria.officer")
            #expect(try await officer.get("/decisions/\(id)").body.contains("Defer publication"))
            let badDate = try await officer.post(
                "/decisions/\(id)/defer", ["reason": "Operation under way.", "until": "31/03/2027"])
            #expect(badDate.status == .unprocessableContent)
            #expect(summaryLinks(badDate.body) == ["defer-until"])
            #expect(badDate.body.contains("Operation under way."), "the reason entered is kept")
            let noReason = try await officer.post("/decisions/\(id)/defer", ["reason": ""])
            #expect(noReason.status == .unprocessableContent)
            #expect(summaryLinks(noReason.body).contains("defer-reason"))
            await #expect(try state(engine, id) == "approved")
            #expect(
                try await officer.post(
                    "/decisions/\(id)/defer", ["reason": "Operation under way.", "until": "2027-03-31"]
                ).status == .seeOther)
            await #expect(try state(engine, id) == "publication-deferred")
            await #expect(
                try sharedApp(engine).showDecision(id, by: "cumbria.officer").record.part1Deadline?.iso == "2027-03-31")
        }
    }

    @Test(arguments: TestEngine.all) func correctionsAfterDecisionAreAuditedEvents(engine: TestEngine) async throws {
        let id = try await cumbriaRecord(engine, "Corrected in the browser", to: "approved")
        let app = try await webApp(engine: engine)
        try await app.test(.router) { client in
            var officer = Browser(client)
            _ = try await officer.signIn("cumbria.officer")
            let page = try await officer.get("/decisions/\(id)")
            #expect(page.body.contains("Correct Part 1"))
            let noReason = try await officer.post(
                "/decisions/\(id)/correct", ["title": "Corrected title", "reason": ""])
            #expect(noReason.status == .unprocessableContent)
            #expect(summaryLinks(noReason.body) == ["correct-reason"])
            #expect(noReason.body.contains("value=\"Corrected title\""), "what was entered is kept")
            #expect(
                try await officer.post(
                    "/decisions/\(id)/correct",
                    [
                        "title": "Corrected title", "executiveSummary": webDraft("x").executiveSummary ?? "",
                        "recommendation": webDraft("x").recommendation ?? "", "reason": "Typing error in the title.",
                    ]
                ).status == .seeOther)
            let record = try await sharedApp(engine).showDecision(id, by: "cumbria.officer").record
            #expect(record.title == "Corrected title")
            let correct = try await #require(
                try sharedApp(engine).auditLog(instance: id, by: "cumbria.officer").last { $0.event == "correct" })
            let payload = try JSONDecoder().decode([String: String].self, from: Data(correct.payload.utf8))
            #expect(payload["reason"] == "Typing error in the title.")
            #expect(payload["fields"] == "title", "only the changed field is recorded")
            await #expect(try state(engine, id) == "approved")
        }
    }
}
