import Foundation
import Hummingbird
import HummingbirdTesting
import OPCCCore
import OPCCTestSupport
import Testing

@testable import OPCCServices
@testable import OPCCWeb

/// A demo of its own for these tests: every post below is refused, so it stays as loaded.
let ruleFormsApp = PerEngine { try await makeDemoApp($0, returns: false) }

/// A form post only the web refuses, by the rule it names: the page shows the rule's message (a page names no rule
/// ids, so the message is what tells the rule), with 422.
struct FormRefusal: Sendable, CustomTestStringConvertible {
    let rule: String
    let user: String
    let path: String
    let fields: [String: String]
    let message: String
    var testDescription: String { "\(rule) at \(path)" }
}

/// One test for each rule only the web forms refuse by that no test triggered before (issue 22, item 3): each posts
/// the form into the refusal, checks the status and the rule's message, and checks that nothing changed.
@Suite("Rules: web form refusals, each triggered")
struct RuleRefusalFormTests {
    static let grant = "cumbria-GA-0001"
    static let assessment = "leicestershire-PA-0001"

    static let cases: [FormRefusal] = [
        FormRefusal(
            rule: "strand-given", user: "leics.finance", path: "/priorities/\(assessment)/link-money",
            fields: ["priority": "P3", "share": "10%"], message: "enter the strand code the priority is funded from"),
        FormRefusal(
            rule: "valid-share", user: "leics.finance", path: "/priorities/\(assessment)/link-money",
            fields: ["priority": "P3", "strand": "SAFER", "share": "a tenth"],
            message: "enter the share as a percentage, like 40%"),
        FormRefusal(
            rule: "valid-amount", user: "cumbria.finance", path: "/grants/\(grant)/vary",
            fields: ["kind": "amount", "change": "five pounds", "reason": "fewer sessions"],
            message: "the change must be in pounds, like -500.00"),
        FormRefusal(
            rule: "valid-date", user: "cumbria.finance", path: "/grants/\(grant)/vary",
            fields: ["kind": "dates", "end": "next summer", "reason": "later start"],
            message: "enter the new end date, like 2017-06-30"),
        FormRefusal(
            rule: "valid-choice", user: "cumbria.finance", path: "/grants/\(grant)/signature",
            fields: ["party": "nobody", "name": "A. Person"], message: "choose which party signed"),
        FormRefusal(
            rule: "valid-choice", user: "cumbria.officer", path: "/vli/wards/Ormsgill/note",
            fields: ["kind": "gossip", "text": "heard it somewhere"], message: "choose the kind of note"),
        FormRefusal(
            rule: "valid-version", user: "cumbria.finance", path: "/grants/\(grant)/vary",
            fields: ["kind": "amount", "change": "-500.00", "reason": "fewer sessions", "version": "latest"],
            message: "is not a version: open the record again"),
    ]

    @Test(arguments: TestEngine.all, cases)
    func aFormTheWebRefusesIsA422WithTheRulesMessageAndChangesNothing(
        engine: TestEngine, _ refusal: FormRefusal
    ) async throws {
        let server = try await webApp(commissioning: ruleFormsApp(engine))
        try await server.test(.router) { client in
            var browser = Browser(client)
            _ = try await browser.signIn(refusal.user)
            let head = try await ruleFormsApp(engine).auditHead()
            let agreement = try await ruleFormsApp(engine).agreement(Self.grant)
            let selection = try await ruleFormsApp(engine).priorityView(Self.assessment, as: "leics.finance").selection
            let page = try await browser.post(refusal.path, refusal.fields)
            #expect(page.status == .unprocessableContent)
            // The page begins the message with a capital.
            #expect(page.body.lowercased().contains(refusal.message.lowercased()), "\(page.body.prefix(2_000))")
            #expect(try await ruleFormsApp(engine).auditHead() == head)
            #expect(try await ruleFormsApp(engine).agreement(Self.grant) == agreement)
            #expect(
                try await ruleFormsApp(engine).priorityView(Self.assessment, as: "leics.finance").selection == selection
            )
        }
    }
}
