import Foundation
import OPCCCore
import OPCCServices
import OPCCStore

/// Fires, forever, one act or ledger posting per transaction on the database at `path` (preparing it on first use),
/// printing `COMMIT SEQ:HASH` (the audit head) after each commit returns; meant to be killed with SIGKILL at random.
/// Every head it printed must still be reachable after the kill (`opcc audit verify --head SEQ:HASH`).
func crashWriter(path: String, home: ProductHome) async throws -> Never {
    func say(_ line: String) { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }
    let app = try Commissioning.open(home: home, databasePath: path)
    if try await app.instance("QR-CRASH-0") == nil {
        _ = try await app.loadDemo(from: home, returns: false)
        try await app.addPerson(
            name: "crash.board", office: "cumbria",
            grants: [RoleGrant(role: .projectBoardMember, scope: ["GA-CRASH"])], by: "cumbria.chief-executive")
        for i in 0..<10 {
            try await app.startInstance(
                id: "QR-CRASH-\(i)", office: "cumbria", workflow: "quarterly-return", recordRef: "GA-CRASH",
                by: "cumbria.finance", role: .finance)
            _ = try await app.fire("start", on: "QR-CRASH-\(i)", by: "crash.board")
        }
    }
    say("READY")
    var n = 0
    while true {
        n += 1
        let id = "QR-CRASH-\(n % 10)"
        if n % 3 == 0 {
            // A ledger posting: the strand's budget moves by a pound either way.
            try await app.setBudget(
                office: "cumbria", year: FinancialYear(startYear: 2016), strand: "ASB", name: "Anti-social behaviour",
                amount: Money(pence: 25_000_000 + Int64(n % 2) * 100)!, by: "cumbria.finance")
        } else if try await app.instance(id)?.state == "submitted" {
            _ = try await app.fire(
                "return-for-revision", on: id, by: "cumbria.finance", payload: ["reason": "figures missing"],
                subject: benchReturn)
        } else {
            _ = try await app.fire("submit", on: id, by: "crash.board", subject: benchReturn)
        }
        say("COMMIT \(try await app.auditHead())")
    }
}
