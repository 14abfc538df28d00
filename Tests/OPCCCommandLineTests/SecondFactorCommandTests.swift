import Foundation
import GRDB
import Testing

@Suite("opcc user second-factor")
struct SecondFactorCommandTests {
    @Test func statusSaysWhetherItIsOnAndResetIsByThePersonOrTheirChiefExecutive() async throws {
        let db = temporaryDatabase()
        await #expect(try opcc(["demo", "--db", db, "--without-returns"]).status == 0)
        let off = try await opcc(["user", "second-factor", "status", "cumbria.finance", "--db", db])
        #expect(off.status == 0 && off.stdout.contains("cumbria.finance: second factor off"), "\(off.stderr)")
        let nothing = try await opcc(
            ["user", "second-factor", "reset", "cumbria.finance", "--as", "cumbria.chief-executive", "--db", db])
        #expect(nothing.status == 1 && nothing.stderr.contains("second-factor-pending"), "\(nothing.stderr)")
        // A factor set up in the browser, as the store keeps it (the set-up itself is the web's and the services').
        let queue = try DatabaseQueue(path: db)
        try await queue.write {
            try $0.execute(
                sql: """
                    INSERT INTO person_second_factor (person_name, secret_base32, created_at_ms, confirmed_at_ms)
                    VALUES ('cumbria.finance', 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', 1, 2)
                    """)
        }
        try queue.close()
        let on = try await opcc(["user", "second-factor", "status", "cumbria.finance", "--db", db])
        #expect(on.stdout.contains("second factor on, 0 recovery code(s) left"), "\(on.stdout)")
        for other in ["cumbria.officer", "lincs.chief-executive"] {
            let refused = try await opcc(
                ["user", "second-factor", "reset", "cumbria.finance", "--as", other, "--db", db])
            #expect(refused.status == 1, "\(other)")
            #expect(refused.stderr.contains("second-factor-removed-by-self-or-chief-executive"), "\(refused.stderr)")
        }
        let reset = try await opcc(
            ["user", "second-factor", "reset", "cumbria.finance", "--as", "cumbria.chief-executive", "--db", db])
        #expect(reset.status == 0 && reset.stdout.contains("removed the second factor of cumbria.finance"))
        let queue2 = try DatabaseQueue(path: db)
        let events = try await queue2.read {
            try String.fetchAll($0, sql: "SELECT actor FROM audit_event WHERE event = 'second-factor-removed'")
        }
        try queue2.close()
        #expect(events == ["cumbria.chief-executive"])
        await #expect(try opcc(["audit", "verify", "--db", db]).status == 0)
    }
}
