import Foundation
import Hummingbird
import HummingbirdTesting
import OPCCCore
import OPCCTestSupport
import Testing

@testable import OPCCServices
@testable import OPCCWeb

/// A demo of its own for these tests (before the Cumbria returns were played), so what they change reaches no other
/// suite.
let actsApp = PerEngine { try await makeDemoApp($0, returns: false) }

/// The steps of the forms a page posts to under `prefix` (`/grants/ID/`), from their `action`s.
func formSteps(_ body: String, under prefix: String) -> Set<String> {
    Set(
        body.components(separatedBy: "action=\"\(prefix)").dropFirst().compactMap {
            $0.split(separator: "\"").first.map(String.init)
        })
}

/// How many forms post to `prefix`.
func formCount(_ body: String, under prefix: String) -> Int {
    body.components(separatedBy: "action=\"\(prefix)").count - 1
}

/// How many forms carry the hidden `version` field at `version`.
func versionFields(_ body: String, _ version: Int) -> Int {
    body.components(separatedBy: "name=\"version\" value=\"\(version)\"").count - 1
}

/// Each test counts its own record's events, not the audit head: other suites act on the same demo meanwhile.
@Suite("Web: a stale act form on an agreement, a return, a carry-forward or an assessment", .serialized)
struct StaleActFormTests {
    @Test(arguments: TestEngine.all) func aStaleAgreementFormIsA409WithItsEntriesKeptAndWhatChangedAndChangesNothing(
        engine: TestEngine
    ) async throws {
        let id = "cumbria-GA-0002"
        let opened = try await actsApp(engine).version(of: id, by: "cumbria.finance")
        let server = try await webApp(commissioning: actsApp(engine))
        try await server.test(.router) { client in
            var finance = Browser(client)
            _ = try await finance.signIn("cumbria.finance")
            let page = try await finance.get("/grants/\(id)").body
            // The document forms are not workflow acts, and carry no version.
            let acts = formCount(page, under: "/grants/\(id)/") - formCount(page, under: "/grants/\(id)/documents")
            #expect(versionFields(page, opened) == acts, "every act's form has it")
            try await actsApp(engine).recordAssessment(
                id, equality: false, reference: "RA-2016-7", by: "cumbria.finance")
            let head = try await actsApp(engine).auditLog(instance: id).count
            let stale = try await finance.post(
                "/grants/\(id)/terminate", ["terminateReason": "Ended by a stale form", "version": String(opened)])
            #expect(stale.status == .conflict)
            #expect(stale.body.contains("Ended by a stale form"), "what was entered is kept")
            #expect(stale.body.contains("it is now at version \(opened + 1)"))
            #expect(stale.body.contains("risk-assessment-recorded by cumbria.finance"), "the last act and who")
            #expect(versionFields(stale.body, opened + 1) > 0, "the forms again, at the new version")
            await #expect(try actsApp(engine).auditLog(instance: id).count == head, "nothing was recorded")
            await #expect(
                try actsApp(engine).agreements(office: "cumbria").first { $0.agreement.id == id }?.state == "active")
        }
    }

    @Test(arguments: TestEngine.all) func aStaleReturnFormIsA409WithItsEntriesKeptAndWhatChangedAndChangesNothing(
        engine: TestEngine
    ) async throws {
        let id = try await #require(
            try actsApp(engine).returns(.init(office: "cumbria", grant: "cumbria-GA-0001"), as: "cumbria.finance").last
            {
                $0.state == "scheduled"
            }?.id)
        let opened = try await actsApp(engine).version(of: id, by: "cumbria.finance")
        let server = try await webApp(commissioning: actsApp(engine))
        try await server.test(.router) { client in
            var board = Browser(client)
            _ = try await board.signIn("cumbria.barrow-board")
            _ = try await board.get("/returns/\(id)")
            try await actsApp(engine).escalateReturn(id, by: "cumbria.finance")
            let head = try await actsApp(engine).auditLog(instance: id).count
            let stale = try await board.post(
                "/returns/\(id)/save",
                [
                    "spendInQuarter": "£1,000", "spendToDate": "£1,000", "narrative": "Written on a stale form.",
                    "version": String(opened),
                ])
            #expect(stale.status == .conflict)
            #expect(stale.body.contains("Written on a stale form."), "what was entered is kept")
            #expect(stale.body.contains("it is now at version \(opened + 1)"))
            #expect(stale.body.contains("escalate by cumbria.finance"))
            #expect(versionFields(stale.body, opened + 1) == 1)
            await #expect(try actsApp(engine).auditLog(instance: id).count == head)
            await #expect(try actsApp(engine).quarterlyReturn(id, as: "cumbria.finance").record.versions.isEmpty)
        }
    }

    @Test(arguments: TestEngine.all) func aStaleCarryForwardFormIsA409WithItsEntriesKeptAndWhatChangedAndChangesNothing(
        engine: TestEngine
    ) async throws {
        let request = try await actsApp(engine).requestCarryForward(
            office: "cumbria", from: try FinancialYear(parsing: "2016/17"), strand: "ASB", recipient: "GB-LAE-BAR",
            forecast: try Money(parsing: "£2,000"), reason: "Slippage", by: "cumbria.finance")
        let id = request.id
        let opened = try await actsApp(engine).version(of: id, by: "cumbria.finance")
        let server = try await webApp(commissioning: actsApp(engine))
        try await server.test(.router) { client in
            var pcc = Browser(client)
            _ = try await pcc.signIn("cumbria.pcc")
            let page = try await pcc.get("/finance/carry-forwards").body
            #expect(formSteps(page, under: "/finance/carry-forwards/\(id)/") == ["decide"])
            // Someone changes the request meanwhile (an edit, which keeps its state but moves its version).
            var edit = Commissioning.ActRequest("note-recorded", on: id, by: "cumbria.finance")
            edit.edit = Commissioning.Edit { _, _, _, _ in .finance }
            _ = try await actsApp(engine).runLogged(edit, on: actsApp(engine).bareInstance)
            let head = try await actsApp(engine).auditLog(instance: id).count
            let stale = try await pcc.post(
                "/finance/carry-forwards/\(id)/decide",
                ["outcome": "approve", "decideReason": "Decided on a stale form", "version": String(opened)])
            #expect(stale.status == .conflict)
            #expect(stale.body.contains("Decided on a stale form"), "what was entered is kept")
            #expect(stale.body.contains("it is now at version \(opened + 1)"))
            #expect(stale.body.contains("note-recorded by cumbria.finance"))
            await #expect(try actsApp(engine).auditLog(instance: id).count == head)
            await #expect(
                try actsApp(engine).financeOverview(as: "cumbria.finance").carryForwards.first { $0.request.id == id }?
                    .state
                    == "requested")
        }
    }

    @Test(arguments: TestEngine.all) func aStalePriorityFormIsA409WithItsEntriesKeptAndWhatChangedAndChangesNothing(
        engine: TestEngine
    ) async throws {
        let (id, _) = try await selectingAssessment(actsApp(engine), year: "2031/32")
        try await recordSeedSelection(actsApp(engine), id)
        let opened = try await actsApp(engine).version(of: id, by: "leics.officer")
        let server = try await webApp(commissioning: actsApp(engine))
        try await server.test(.router) { client in
            var officer = Browser(client)
            _ = try await officer.signIn("leics.officer")
            let page = try await officer.get("/priorities/\(id)").body
            #expect(formSteps(page, under: "/priorities/\(id)/") == ["adopt", "link-money"])
            #expect(versionFields(page, opened) == 2)
            try await actsApp(engine).setPriority(
                id, .init(code: "S3", title: "Road safety", kind: .statutory), by: "leics.officer")
            let before = try await actsApp(engine).priorityView(id, as: "leics.officer").selection
            let head = try await actsApp(engine).auditLog(instance: id).count
            let stale = try await officer.post(
                "/priorities/\(id)/link-money",
                ["priority": "P3", "strand": "VICTIMS", "share": "12%", "version": String(opened)])
            #expect(stale.status == .conflict)
            #expect(stale.body.contains("value=\"12%\""), "what was entered is kept")
            #expect(stale.body.contains("it is now at version \(opened + 1)"))
            #expect(stale.body.contains("set-priority by leics.officer"))
            await #expect(try actsApp(engine).auditLog(instance: id).count == head)
            await #expect(try actsApp(engine).priorityView(id, as: "leics.officer").selection == before)
        }
    }
}
