import Foundation
import OPCCCore
import OPCCServices
import OPCCStore
import OPCCTestSupport
import Testing

/// What any change to a record moves: the audit chain's head and the number of Cumbria's decision records.
private func records(_ app: Commissioning) async throws -> (AuditHead, Int) {
    (try await app.auditHead(), try await app.store.read { try $0.decisionCount(office: "cumbria") })
}

/// One test for each rule of decision records, returns and workflow records that no test triggered before (issue 22,
/// item 3): each drives the service into the refusal, checks the rule id, and checks that nothing changed.
@Suite("Rules: record refusals, each triggered")
struct RuleRefusalRecordTests {
    func importFile() throws -> DecisionImportFile {
        let url = repositoryRoot.appendingPathComponent("fixtures/decisions/cumbria-014-2016.yaml")
        return try DecisionImportFile.parse(yaml: String(contentsOf: url, encoding: .utf8), source: "014.yaml")
    }

    @Test(arguments: TestEngine.all) func anImportedNumberNotInTheOfficesFormIsRefused(engine: TestEngine) async throws
    {
        let (app, _) = try await demoApp(engine: engine)
        var file = try importFile()
        file.number = "14-2016"
        let before = try await records(app)
        let refused = await #expect(throws: ServiceRefusal.self) {
            try await app.importDecision(file, source: "014.yaml", by: "cumbria.officer")
        }
        #expect(refused?.rule == "decision-number-form")
        #expect(refused?.message == "014.yaml: '14-2016' is not a number in cumbria's form ({seq:3}/{year})")
        #expect(try await records(app) == before)
    }

    @Test func anImportFileMissingAFieldIsRefusedNamingIt() async throws {
        let refused = #expect(throws: ServiceRefusal.self) {
            try DecisionImportFile.parse(yaml: "office: cumbria\nnumber: 1/2016\n", source: "short.yaml")
        }
        #expect(refused?.rule == "valid-import-file")
        #expect(refused?.message.hasPrefix("short.yaml: originatingOfficer") == true)
    }

    @Test(arguments: TestEngine.all) func anImportedActMissingWhatItNeedsIsRefusedAndNothingIsImported(
        engine: TestEngine
    ) async throws {
        let (app, _) = try await demoApp(engine: engine)
        var file = try importFile()
        file.number = "099/2016"
        let approval = try #require(file.acts.firstIndex { $0.act == "approve" })
        file.acts[approval].interests = nil
        let before = try await records(app)
        let refused = await #expect(throws: ServiceRefusal.self) {
            try await app.importDecision(file, source: "014.yaml", by: "cumbria.officer")
        }
        #expect(refused?.rule == "valid-import-file")
        #expect(refused?.message == "014.yaml: acts[\(approval)] (approve) needs 'interests'")
        #expect(try await records(app) == before)
    }

    @Test(arguments: TestEngine.all) func aNewRecordWithoutATitleIsRefused(engine: TestEngine) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let before = try await records(app)
        let refused = await #expect(throws: ServiceRefusal.self) {
            try await app.raiseDecision(office: "cumbria", draft: DecisionDraft(), by: "cumbria.officer")
        }
        #expect(refused?.rule == "valid-decision-field")
        #expect(refused?.message == "title: a new record needs a title")
        #expect(try await records(app) == before)
    }

    @Test(arguments: TestEngine.all) func aCorrectionOfPart1ThatCarriesPart2IsRefused(engine: TestEngine) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let id = try await app.decisionID("014/2016", office: "cumbria")
        let version = try await app.version(of: id, by: "cumbria.officer")
        var change = DecisionDraft()
        change.title = "VLI Project (corrected)"
        change.part2 = .init(exists: true, reason: "names victims", content: "Secret", complete: true)
        let before = try await records(app)
        let refused = await #expect(throws: ServiceRefusal.self) {
            try await app.correctDecision(
                "014/2016", office: "cumbria", draft: change, reason: "typo", by: "cumbria.officer")
        }
        #expect(refused?.rule == "part2-not-corrected-here")
        #expect(try await records(app) == before)
        #expect(try await app.version(of: id, by: "cumbria.officer") == version)
        #expect(
            try await app.showDecision("014/2016", office: "cumbria", by: "cumbria.officer").record.title
                == "Vulnerable Localities Index (VLI) Project")
    }

    @Test(arguments: TestEngine.all) func readingThePart2OfARecordThatHasNoneIsRefusedAndNotLogged(
        engine: TestEngine
    ) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let draft = try await app.raiseDecision(
            office: "cumbria", draft: shortDraft(), by: "cumbria.officer", on: day("2016-03-01"))
        let before = try await records(app)
        let refused = await #expect(throws: ServiceRefusal.self) {
            try await app.readPart2(draft.id, by: "cumbria.pcc")
        }
        #expect(refused?.rule == "part2-exists")
        #expect(try await records(app) == before)
    }

    @Test(arguments: TestEngine.all) func anActOnARecordThatDoesNotExistIsNotFound(engine: TestEngine) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let before = try await records(app)
        let refused = await #expect(throws: ServiceRefusal.self) {
            try await app.recordAct("reminder", on: "cumbria-DR-0999", by: "cumbria.officer", role: .officer)
        }
        #expect(refused?.rule == "known-record")
        #expect(refused?.kind == .notFound)
        #expect(try await records(app) == before)
    }

    @Test(arguments: TestEngine.all) func aRecordOfAWorkflowTheCatalogDoesNotHoldIsNotStarted(
        engine: TestEngine
    ) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let before = try await records(app)
        let refused = await #expect(throws: ServiceRefusal.self) {
            try await app.startInstance(
                id: "cumbria-XX-0001", office: "cumbria", workflow: "no-such-workflow", recordRef: nil,
                by: "cumbria.officer")
        }
        #expect(refused?.rule == "known-workflow")
        #expect(try await records(app) == before)
        #expect(try await app.instance("cumbria-XX-0001") == nil)
    }

    @Test(arguments: TestEngine.all) func nobodyStartsARecordInAnotherOffice(engine: TestEngine) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let before = try await records(app)
        let refused = await #expect(throws: ServiceRefusal.self) {
            try await app.startInstance(
                id: "lincolnshire-DR-0099", office: "lincolnshire", workflow: "decision-request", recordRef: nil,
                by: "cumbria.officer", role: .officer)
        }
        #expect(refused?.rule == "own-office")
        #expect(refused?.kind == .forbidden)
        #expect(try await records(app) == before)
        #expect(try await app.instance("lincolnshire-DR-0099") == nil)
    }

    @Test(arguments: TestEngine.all) func aReturnNotYetAcceptedIsNotCorrectedButEdited(engine: TestEngine) async throws
    {
        let (app, store) = try await demoApp(engine: engine)
        let id = try #require(
            try await store.read { try $0.returnRecords(office: "cumbria", agreement: "cumbria-GA-0001") }.first
        ).id
        let version = try await app.version(of: id, by: "cumbria.officer")
        let content = ReturnContent(
            spendInQuarter: money("£12,000"), spendToDate: money("£12,000"), narrative: "Group formed.",
            milestones: [.init(name: "Group meeting monthly", rag: .green)], indicators: [])
        let before = try await records(app)
        let refused = await #expect(throws: ServiceRefusal.self) {
            try await app.correctReturn(id, content: content, reason: "typo", by: "cumbria.officer")
        }
        #expect(refused?.rule == "correction-after-acceptance")
        #expect(try await records(app) == before)
        #expect(try await app.version(of: id, by: "cumbria.officer") == version)
    }
}
