import Foundation
import Hummingbird
import HummingbirdTesting
import OPCCCore
import OPCCServices
import OPCCStore
import OPCCTestSupport
import Testing

@testable import OPCCWeb

/// Hostile and malformed input through the browser forms: each gets a clear 4xx, changes nothing it should not, and
/// text is stored as written and echoed escaped.
@Suite("Web: adversarial input")
struct AdversarialInputTests {
    static let injections = [
        "'; DROP TABLE decision_record; --", "<script>alert('x')</script>", "\" onmouseover=\"alert(1)",
        "Robert'); DELETE FROM audit_event; --", "{{csrf}} {{{body}}}", "NEAR(\"a\" \"b\") OR * ^",
    ]

    @Test(arguments: TestEngine.all) func injectionStringsAreStoredAsWrittenAndEchoedEscaped(
        engine: TestEngine
    ) async throws {
        let app = try await webApp(engine: engine)
        try await app.test(.router) { client in
            var officer = Browser(client)
            _ = try await officer.signIn("cumbria.officer")
            for text in Self.injections {
                let raised = try await officer.post(
                    "/decisions", ["title": text, "executiveSummary": text, "recommendation": text])
                #expect(raised.status == .seeOther, "\(text)")
                let path = try #require(raised.location)
                let id = String(path.dropFirst("/decisions/".count))
                let record = try await sharedApp(engine).showDecision(id, by: "cumbria.officer").record
                #expect(record.title == text, "stored exactly as written")
                let page = try await officer.get(path)
                #expect(page.status == .ok)
                #expect(!page.body.contains("<script>alert"), "never echoed as markup")
                #expect(!page.body.contains("\" onmouseover=\"alert(1)"))
                let search = try await officer.get(
                    "/decisions?q=\(text.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)")
                #expect(search.status == .ok, "search text is never read as query syntax: \(text)")
            }
            await #expect(try sharedApp(engine).verifyAudit().isIntact, "the audit chain still verifies")
            await #expect(try sharedApp(engine).financeCheck().isEmpty, "the ledger is untouched")
        }
    }

    @Test(arguments: TestEngine.all) func malformedMoneyDatesAndChoicesAreRefusedClearly(
        engine: TestEngine
    ) async throws {
        let app = try await webApp(engine: engine)
        try await app.test(.router) { client in
            var officer = Browser(client)
            _ = try await officer.signIn("cumbria.officer")
            for amount in ["£12,50.0.0", "12.345", "-£5", "1e9", "£99999999999999999999"] {
                let page = try await officer.post(
                    "/decisions",
                    ["title": "Money \(amount)", "executiveSummary": "x", "recommendation": "y", "amount": amount])
                #expect(page.status == .unprocessableContent, "amount \(amount)")
                #expect(page.body.contains("href=\"#amount\""), "the error links to the amount field: \(amount)")
            }
            var money = DecisionFilter()
            money.text = "\"Money\""
            await #expect(
                try sharedApp(engine).decisionRegister(money, by: "cumbria.officer").isEmpty, "nothing was raised")

            var pcc = Browser(client)
            _ = try await pcc.signIn("cumbria.pcc")
            let draft = try await sharedApp(engine).raiseDecision(
                office: "cumbria", draft: webDraft("Choice test"), by: "cumbria.officer")
            let bogus = try await pcc.post("/decisions/\(draft.id)/decide", ["approve": "maybe", "interests": "None."])
            #expect(bogus.status == .unprocessableContent)
            #expect(bogus.body.contains("href=\"#decide-approve\""))
            await #expect(try sharedApp(engine).showDecision(draft.id, by: "cumbria.officer").status == "draft")

            let register = try await officer.get("/decisions?status=exploded&year=twenty")
            #expect(register.status == .unprocessableContent)
            #expect(register.body.contains("href=\"#status\""))
            #expect(register.body.contains("href=\"#year\""))
            let returns = try await officer.get("/returns?status=lost")
            #expect(returns.status == .badRequest)
            #expect(returns.body.contains("There is no return status"))
        }
    }

    @Test(arguments: TestEngine.all) func oversizedBodiesAreRefusedWithoutAServerError(engine: TestEngine) async throws
    {
        let app = try await webApp(engine: engine)
        try await app.test(.router) { client in
            var officer = Browser(client)
            _ = try await officer.signIn("cumbria.officer")
            let huge = String(repeating: "A", count: 300 * 1024)
            let page = try await officer.post("/decisions", ["title": "Oversized", "executiveSummary": huge])
            #expect(page.status == .contentTooLarge)
            var oversized = DecisionFilter()
            oversized.text = "\"Oversized\""
            await #expect(
                try sharedApp(engine).decisionRegister(oversized, by: "cumbria.officer").isEmpty, "nothing was raised")
        }
    }
}
