import Foundation
import GRDB
import OPCCCore
import OPCCServices
import OPCCStore

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

/// An application over a fresh store with the demo offices and people, its clock fixed at `today`.
func demoApp(
    store: SQLiteStore? = nil, today: String = "2016-03-31", catalog: WorkflowCatalog? = nil
) throws -> (Commissioning, SQLiteStore) {
    let store = try store ?? SQLiteStore()
    let app = try Commissioning(
        store: store, catalog: try catalog ?? shippedCatalog(), clock: FixedClock(day: day(today)))
    _ = try app.loadDemo(from: home)
    return (app, store)
}

/// A decision record subject whose sign-offs are all in (or not), for the refer guard.
struct SignOffs: SignOffProgress {
    var missingSignOffs: [String]
}

/// Drives a Cumbria decision request to `with-decision-maker`.
func decisionReferred(_ app: Commissioning, id: String = "DR-1") throws -> WorkflowInstance {
    try app.startInstance(
        id: id, office: "cumbria", workflow: "decision-request", recordRef: id, by: "cumbria.officer",
        on: day("2016-03-01"))
    try app.fire("submit", on: id, by: "cumbria.officer", on: day("2016-03-07"))
    try app.fire(
        "sign-off", on: id, by: "cumbria.officer", on: day("2016-03-07"),
        payload: ["position": "originating-officer"])
    try app.fire(
        "sign-off", on: id, by: "cumbria.chief-executive", on: day("2016-03-07"),
        payload: ["position": "chief-executive"])
    return try app.fire(
        "refer", on: id, by: "cumbria.chief-executive", on: day("2016-03-07"), subject: SignOffs(missingSignOffs: [])
    ).instance
}
