import Foundation
import GRDB
import OPCCCore
import OPCCServices
import OPCCStore
import OPCCTestSupport

/// The repository root, found from this file's path, so tests read the shipped workflows and fixtures.
let repositoryRoot: URL = {
    var url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    while !FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
        url = url.deletingLastPathComponent()
    }
    return url
}()

let home = ProductHome(root: repositoryRoot)

func day(_ text: String) -> Day { try! Day(iso: text) }

/// A temporary database file, removed when the test process ends.
func temporaryDatabasePath() -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("opcc-tests-\(UUID().uuidString)")
    try! FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir.appendingPathComponent("test.sqlite").path
}

func shippedCatalog() throws -> WorkflowCatalog { try WorkflowCatalog.load(from: home, registry: .standard) }

/// An application over a fresh store with the demo offices and people, its clock fixed at `today`; with `returns`,
/// the Cumbria quarterly returns scenario is played too (else finance stands as at the agreements' activation).
func demoApp(
    store: SQLiteStore? = nil, today: String = "2026-11-20", catalog: WorkflowCatalog? = nil, returns: Bool = false
) async throws -> (Commissioning, SQLiteStore) {
    let store = try store ?? SQLiteStore()
    let app = try Commissioning(
        store: store, catalog: try catalog ?? shippedCatalog(), clock: FixedClock(day: day(today)))
    _ = try await app.loadDemo(from: home, returns: returns)
    return (app, store)
}

/// `demoApp` on `engine`: over `store`, or a new store of its own (SQLite in memory, a PostgreSQL database cloned for
/// the test).
func demoApp(
    engine: TestEngine, store: TestStore? = nil, today: String = "2026-11-20", catalog: WorkflowCatalog? = nil,
    returns: Bool = false
) async throws -> (Commissioning, TestStore) {
    let store = try store ?? engine.makeStore()
    let app = try Commissioning(
        store: store, catalog: try catalog ?? shippedCatalog(), clock: FixedClock(day: day(today)))
    _ = try await app.loadDemo(from: home, returns: returns)
    return (app, store)
}

/// A short Cumbria draft that passes the form's rules.
func shortDraft(_ title: String = "VLI pilot") -> DecisionDraft {
    var draft = DecisionDraft()
    draft.title = title
    draft.executiveSummary = "Pilot the Vulnerable Localities Index approach in two wards."
    draft.recommendation = "Approve £100,000 (£50,000 per pilot area)."
    draft.amount = "£100,000"
    return draft
}

/// Raises a Cumbria decision record and drives it to `with-decision-maker` on the 014/2016 dates; returns its id.
@discardableResult
func decisionReferred(_ app: Commissioning, title: String = "VLI pilot") async throws -> String {
    let record = try await app.raiseDecision(
        office: "cumbria", draft: shortDraft(title), by: "cumbria.officer", on: day("2016-03-01"))
    try await app.submitDecision(record.id, by: "cumbria.officer", on: day("2016-03-07"))
    try await app.signDecision(
        record.id, position: "originating-officer", name: "Vivian Stafford", by: "cumbria.officer",
        on: day("2016-03-07"))
    try await app.signDecision(
        record.id, position: "chief-executive", name: "Stuart Edwards", by: "cumbria.chief-executive",
        on: day("2016-03-07"))
    try await app.referDecision(record.id, by: "cumbria.chief-executive", on: day("2016-03-07"))
    return record.id
}

/// An approved Cumbria decision for `amount` (raised, signed off and referred on `raised`, approved the next day).
func approvedDecision(
    _ app: Commissioning, title: String = "Big programme", amount: String, raised: String = "2016-05-03"
) async throws -> String {
    var draft = shortDraft(title)
    draft.amount = amount
    let on = day(raised)
    let id = try await app.raiseDecision(office: "cumbria", draft: draft, by: "cumbria.officer", on: on).id
    try await app.submitDecision(id, by: "cumbria.officer", on: on)
    try await app.signDecision(id, position: "originating-officer", name: "A", by: "cumbria.officer", on: on)
    try await app.signDecision(id, position: "chief-executive", name: "B", by: "cumbria.chief-executive", on: on)
    try await app.referDecision(id, by: "cumbria.chief-executive", on: on)
    try await app.decide(id, approve: true, interests: "none", by: "cumbria.pcc", on: on.adding(days: 1))
    return id
}
