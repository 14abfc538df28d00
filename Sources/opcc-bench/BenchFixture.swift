import Foundation
import OPCCCore
import OPCCServices
import OPCCStore

/// A fresh database with the demo offices, a project board member and `count` returns waiting in `submitted`.
func prepare(
    home: ProductHome, returns count: Int, durable: Bool = false
) async throws -> (Commissioning, [String], String) {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("opcc-bench-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let path = dir.appendingPathComponent("bench.sqlite").path
    let app = try Commissioning.open(home: home, databasePath: path, durable: durable)
    _ = try await app.loadDemo(from: home)
    try await app.addPerson(
        name: "bench.board", office: "cumbria", grants: [RoleGrant(role: .projectBoardMember, scope: ["GA-BENCH"])],
        by: "cumbria.chief-executive")
    var ids: [String] = []
    for i in 0..<count {
        let id = "QR-BENCH-\(i)"
        try await app.startInstance(
            id: id, office: "cumbria", workflow: "quarterly-return", recordRef: "GA-BENCH", by: "cumbria.finance",
            role: .finance)
        ids.append(id)
    }
    _ = try await app.fireAll(ids.map { .init("start", on: $0, by: "bench.board") })
    _ = try await app.fireAll(ids.map { .init("submit", on: $0, by: "bench.board", subject: benchReturn) })
    return (app, ids, path)
}

/// What the return guards see in the loop: a complete return submitted by the board (the services attach this
/// from the stored return; the benchmark attaches it directly so each act costs what the engine and store cost).
let benchReturn = WorkflowSubject.quarterlyReturn(
    ReturnSubject(
        dueDay: try! Day(iso: "2016-07-21"), quarter: Quarter(year: FinancialYear(startYear: 2016), number: 1)!,
        agreement: GrantAgreement(
            id: "GA-BENCH", office: "cumbria", decisionID: "bench",
            recipient: .init(orgID: "GB-LAE-BEN", name: "Bench"),
            purpose: "benchmark", period: .init(start: try! Day(iso: "2016-04-01"), end: try! Day(iso: "2017-03-31")),
            amount: .zero),
        content: ReturnContent(spendInQuarter: .zero, spendToDate: .zero, narrative: "On track."),
        previousSpendToDate: .zero, submittedBy: "bench.board"))

/// The n-th act of the review loop: send back (finance, with a reason), then resubmit (the board).
func loopAct(_ n: Int, ids: [String]) -> Commissioning.ActRequest {
    let id = ids[n % ids.count]
    let round = n / ids.count
    return round % 2 == 0
        ? .init(
            "return-for-revision", on: id, by: "cumbria.finance", payload: ["reason": "figures missing"],
            subject: benchReturn)
        : .init("submit", on: id, by: "bench.board", subject: benchReturn)
}
