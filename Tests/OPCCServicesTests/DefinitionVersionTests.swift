import Foundation
import OPCCCore
import OPCCServices
import OPCCStore
import OPCCTestSupport
import Testing

/// Workflow definitions are pinned: the first use stores their text and hash; a running instance stays on its
/// version; a file changed without a new version is refused at start-up.
@Suite("Workflow definition versions")
struct DefinitionVersionTests {
    func shipped(_ name: String) throws -> WorkflowDefinition {
        let url = repositoryRoot.appendingPathComponent("workflows/\(name).yaml")
        return try WorkflowDefinition.parse(yaml: String(contentsOf: url, encoding: .utf8), source: url.path)
    }

    /// Version 2 of the carry-forward workflow renames `request` to `ask`.
    func carryForwardV2() throws -> WorkflowDefinition {
        let v1 = try shipped("carry-forward")
        let text = v1.sourceText.replacingOccurrences(of: "version: 1", with: "version: 2")
            .replacingOccurrences(of: "  request: Finance asks", with: "  ask: Finance asks")
            .replacingOccurrences(of: "event: request,", with: "event: ask,")
        return try WorkflowDefinition.parse(yaml: text, source: "carry-forward v2")
    }

    func catalog(_ extra: [WorkflowDefinition], replacing: String? = nil) throws -> WorkflowCatalog {
        let base = try shippedCatalog().all.filter { $0.name != replacing }
        return WorkflowCatalog(definitions: base + extra)
    }

    @Test(arguments: TestEngine.all) func aRunningInstanceKeepsVersionOneAfterVersionTwoShips(
        engine: TestEngine
    ) async throws {
        let (app, store) = try await demoApp(engine: engine)
        try await app.startInstance(
            id: "CF-1", office: "west-midlands", workflow: "carry-forward", recordRef: "CF-1", by: "wm.finance",
            on: day("2017-03-01"))
        let upgraded = try Commissioning(
            store: store, catalog: try catalog([carryForwardV2()]), clock: FixedClock(day: day("2026-11-20")))
        let fired = try await upgraded.fire("request", on: "CF-1", by: "wm.finance", on: day("2017-03-02"))
        #expect(fired.instance.workflowVersion == 1)
        #expect(fired.instance.state == "requested")
        let newer = try await upgraded.startInstance(
            id: "CF-2", office: "west-midlands", workflow: "carry-forward", recordRef: "CF-2", by: "wm.finance",
            on: day("2017-03-01"))
        #expect(newer.workflowVersion == 2)
        let refused = await #expect(throws: ActRefused.self) {
            try await upgraded.fire("request", on: "CF-2", by: "wm.finance", on: day("2017-03-02"))
        }
        #expect(refused?.rules == ["unknown-event"])
        await #expect(
            try upgraded.fire("ask", on: "CF-2", by: "wm.finance", on: day("2017-03-02")).instance.state == "requested")
        await #expect(try upgraded.verifyAudit().isIntact)
    }

    @Test(arguments: TestEngine.all) func aDefinitionChangedWithoutANewVersionIsRefusedAtStartUp(
        engine: TestEngine
    ) async throws {
        let (app, store) = try await demoApp(engine: engine)
        try await app.startInstance(
            id: "CF-1", office: "west-midlands", workflow: "carry-forward", recordRef: "CF-1", by: "wm.finance",
            on: day("2017-03-01"))
        let original = try shipped("carry-forward").sourceText
        let changed = original.replacingOccurrences(
            of: "to: requested, roles: [finance]", with: "to: requested, roles: [finance, officer]")
        try #require(changed != original)
        let edited = try WorkflowDefinition.parse(yaml: changed, source: "edited")
        let error = #expect(throws: Commissioning.DefinitionChanged.self) {
            _ = try Commissioning(store: store, catalog: try catalog([edited], replacing: "carry-forward"))
        }
        #expect(error?.description.contains("carry-forward version 1 has changed since it was first used") == true)
        #expect(error?.description.contains("version: 2") == true)
    }

    @Test(arguments: TestEngine.all) func anUnusedDefinitionMayStillBeEdited(engine: TestEngine) async throws {
        // A database in which carry-forward was never used (no demo): its definition is not pinned yet.
        let store = try engine.makeStore()
        _ = try Commissioning(store: store, catalog: try shippedCatalog())
        let edited = try WorkflowDefinition.parse(
            yaml: try shipped("carry-forward").sourceText + "\n# a comment\n", source: "edited")
        #expect(throws: Never.self) {
            _ = try Commissioning(store: store, catalog: try catalog([edited], replacing: "carry-forward"))
        }
    }
}

@Suite("Demo and office profiles")
struct DemoTests {
    @Test(arguments: TestEngine.all) func theDemoLoadsFourOfficesAndTheirPeopleAndVerifies(
        engine: TestEngine
    ) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let offices = try await app.store.read { try $0.offices() }.map(\.id)
        #expect(offices == ["cumbria", "leicestershire", "lincolnshire", "west-midlands"])
        await #expect(try app.people(office: "cumbria").count == 7)
        await #expect(try app.verifyAudit().isIntact)
    }

    @Test(arguments: TestEngine.all) func theDemoIsIdempotent(engine: TestEngine) async throws {
        let (app, _) = try await demoApp(engine: engine, returns: true)
        let head = try await app.auditHead()
        let report = try await app.loadDemo(from: home)
        await #expect(try app.auditHead() == head)
        #expect(report.lines.contains("people in cumbria: 7 (0 added)"))
    }

    @Test(arguments: TestEngine.all) func theOfficeIsOptionalOnlyWhenTheDatabaseHoldsOne(
        engine: TestEngine
    ) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let error = await #expect(throws: ServiceRefusal.self) { try await app.resolveOffice(nil) }
        #expect(error?.rule == "office-required")
        #expect(error?.message.contains("cumbria, leicestershire, lincolnshire, west-midlands") == true)
        await #expect(try app.resolveOffice("lincolnshire") == "lincolnshire")
    }

    @Test(arguments: TestEngine.all) func onlyTheChiefExecutiveAddsPeopleOnceAnOfficeHasSome(
        engine: TestEngine
    ) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let error = await #expect(throws: ServiceRefusal.self) {
            try await app.addPerson(
                name: "new.one", office: "cumbria", grants: [RoleGrant(role: .officer)], by: "cumbria.officer")
        }
        #expect(error?.rule == "people-managed-by-chief-executive")
        await #expect(try app.people(office: "cumbria").count == 7)
    }

    @Test func theProductHomeErrorListsEveryPlaceItLooked() {
        let error = #expect(throws: ProductHome.NotFound.self) {
            _ = try ProductHome.locate(
                explicit: nil, environment: ["OPCC_HOME": "/nonexistent/a"], currentDirectory: "/nonexistent/b",
                executable: "/nonexistent/c/bin/opcc")
        }
        #expect(error?.description.contains("OPCC_HOME=/nonexistent/a") == true)
        #expect(error?.description.contains("the current directory /nonexistent/b") == true)
        #expect(error?.description.contains("above the executable: /nonexistent/c/bin") == true)
    }
}
