import Foundation
import GRDB
import Testing

@Suite("opcc return and opcc deadlines")
struct ReturnCommandTests {
    @Test func aBoardListsOnlyItsOwnGrantsReturnsAndCannotReadAnothers() async throws {
        let db = temporaryDatabase()
        await #expect(try opcc(["demo", "--db", db]).status == 0)
        let list = try await opcc(["return", "list", "--db", db, "--as", "cumbria.barrow-board", "--json"])
        #expect(list.status == 0, "\(list.stderr)")
        let rows = try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]] ?? []
        #expect(rows.count == 4)
        #expect(
            rows.allSatisfy { $0["agreement"] as? String == "cumbria-GA-0001" && $0["state"] as? String == "accepted" })
        let theirs = try await opcc(["return", "show", "cumbria-QR-0005", "--db", db, "--as", "cumbria.barrow-board"])
        #expect(theirs.status == 1)
        #expect(theirs.stderr.contains("refused (known-return): no quarterly return 'cumbria-QR-0005'"))
        let sweep = try await opcc(["deadlines", "sweep", "--on", "2016-11-04", "--db", db])
        #expect(sweep.status == 0)
        #expect(sweep.stdout.contains("nothing to record"))
        let history = try await opcc([
            "return", "history", "--grant", "cumbria-GA-0002", "--csv", "--db", db, "--as", "cumbria.finance",
        ])
        let lines = history.stdout.split(separator: "\n")
        #expect(lines.count == 5)
        #expect(lines[3].hasPrefix("2016/17 Q3,cumbria-QR-0007,accepted,1250000,937500,3750000,3487500,-2500,"))
    }

    @Test func anUnexplainedVarianceIsRefusedWithTheVarianceAndTheThreshold() async throws {
        let db = temporaryDatabase()
        await #expect(try opcc(["demo", "--db", db, "--without-returns"]).status == 0)
        let file = URL(fileURLWithPath: db).deletingLastPathComponent().appendingPathComponent("q1.yaml")
        try """
        spendInQuarter: "£9,375"
        spendToDate: "£9,375"
        narrative: Hub design agreed.
        indicators:
          - { name: Incidents in Mirehouse, actual: "70" }
          - { name: IOM offenders in Mirehouse, actual: "4" }
        """.write(to: file, atomically: true, encoding: .utf8)
        let refused = try await opcc([
            "return", "submit", "cumbria-QR-0005", "--file", file.path, "--db", db, "--as", "cumbria.copeland-board",
            "--on", "2016-07-14",
        ])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("[variance-explained]"))
        #expect(refused.stderr.contains("25.0% below"))
        #expect(refused.stderr.contains("10%"))
        let state = try await opcc([
            "return", "show", "cumbria-QR-0005", "--db", db, "--as", "cumbria.officer", "--json",
        ])
        // The content is kept as a draft; only the submission was refused.
        #expect(state.stdout.contains("\"state\" : \"draft\""))
    }
}

@Suite("opcc vli")
struct VLICommandTests {
    @Test func showOrmsgillNamesTheDecisionAndItsFiftyThousand() async throws {
        let db = temporaryDatabase()
        await #expect(try opcc(["demo", "--db", db]).status == 0)
        let shown = try await opcc(["vli", "show", "Ormsgill", "--office", "cumbria", "--db", db, "--json"])
        #expect(shown.status == 0, "\(shown.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any] ?? [:]
        #expect(json["decision"] as? String == "014/2016")
        let allocations = json["allocations"] as? [[String: Any]] ?? []
        #expect(allocations.map { $0["amountPence"] as? Int } == [5_000_000])
        let svg = URL(fileURLWithPath: db).deletingLastPathComponent().appendingPathComponent("wards.svg")
        let wards = try await opcc(["vli", "wards", "--office", "cumbria", "--db", db, "--csv", "--svg", svg.path])
        #expect(wards.stdout.split(separator: "\n")[1].hasPrefix("1,SYN-W009,Ormsgill,10,7,"))
        let chart = try String(contentsOf: svg, encoding: .utf8)
        #expect(chart.contains("<title id=\"t\">Wards ranked by LSOAs over 200"))
        #expect(chart.contains("Ormsgill 7, Mirehouse 5"))
    }
}

@Suite("opcc backup and restore")
struct BackupCommandTests {
    @Test func aBackupVerifiesAndARestoreRefusesATamperedCopy() async throws {
        let db = temporaryDatabase()
        await #expect(try opcc(["demo", "--db", db]).status == 0)
        let folder = URL(fileURLWithPath: db).deletingLastPathComponent()
        let backup = folder.appendingPathComponent("backup.sqlite").path
        let made = try await opcc(["backup", backup, "--db", db])
        #expect(made.status == 0, "\(made.stderr)")
        #expect(made.stdout.contains("chain verified"))
        let again = try await opcc(["backup", backup, "--db", db])
        #expect(again.status == 1)
        #expect(again.stderr.contains("backup-never-overwrites"))
        // Restore into a new place: verified, in place.
        let restored = folder.appendingPathComponent("restored.sqlite").path
        let ok = try await opcc(["restore", backup, "--db", restored])
        #expect(ok.status == 0, "\(ok.stderr)")
        await #expect(try opcc(["audit", "verify", "--db", restored]).status == 0)
        // A copy whose audit log was altered behind the application's back is refused; nothing is replaced.
        let tampered = folder.appendingPathComponent("tampered.sqlite").path
        await #expect(try opcc(["backup", tampered, "--db", db]).status == 0)
        let queue = try DatabaseQueue(path: tampered)
        try await queue.write { db in
            try db.execute(sql: "DROP TRIGGER audit_event_is_never_updated")
            try db.execute(sql: "UPDATE audit_event SET actor = 'someone.else' WHERE seq = 5")
        }
        try queue.close()
        await #expect(try opcc(["audit", "verify", "--db", tampered]).status == 1, "the alteration is in the copy")
        let before = try Data(contentsOf: URL(fileURLWithPath: restored))
        let refused = try await opcc(["restore", tampered, "--db", restored])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("restore-needs-verified-audit"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: restored)) == before)
        let left = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        #expect(!left.contains { $0.contains(".restoring-") }, "the scratch copy is discarded: \(left)")
        // A file that is not a database at all is refused too, and nothing is replaced.
        let junk = folder.appendingPathComponent("junk.sqlite")
        try Data("not a database".utf8).write(to: junk)
        let unreadable = try await opcc(["restore", junk.path, "--db", restored])
        #expect(unreadable.status == 1)
        #expect(unreadable.stderr.contains("backup-readable"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: restored)) == before)
    }
}
