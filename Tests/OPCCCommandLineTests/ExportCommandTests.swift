import Foundation
import Testing

@Suite("opcc export")
struct ExportCommandTests {
    /// One demo database for these tests (loading it takes a while); they only read it.
    static let dbTask = Task {
        let db = temporaryDatabase()
        _ = try? await opcc(["demo", "--db", db])
        return db
    }
    static var db: String { get async { await dbTask.value } }

    static func out(_ name: String) async -> String {
        await URL(fileURLWithPath: db).deletingLastPathComponent().appendingPathComponent(
            "\(UUID().uuidString)-\(name)"
        ).path
    }

    @Test(arguments: [
        ["export"], ["export", "360giving"], ["export", "grants-register"], ["export", "spending"],
        ["export", "contracts"],
    ])
    func everyExportCommandHasHelpWithAnExample(command: [String]) async throws {
        let result = try await opcc(command + ["--help"])
        #expect(result.status == 0)
        #expect(
            result.stdout.contains("USAGE:") && result.stdout.contains("Example")
                && result.stdout.contains("opcc export"))
    }

    @Test("export-writes-file: 360giving writes the package to --out, amounts in pounds")
    func threeSixtyGivingWritesTheFile() async throws {
        let path = await Self.out("360.json")
        let result = try await opcc(["export", "360giving", "--office", "cumbria", "--out", path, "--db", Self.db])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "wrote the 360Giving package to \(path)\n")
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.contains(#""id": "360G-opcc-cumbria-cumbria-GA-0001""#))
        #expect(text.contains(#""amountAwarded": 50000,"#))
        #expect(!text.contains("Part 2 test content"))
    }

    @Test("export-never-overwrites: an existing --out file is refused without --force, and replaced with it")
    func refusesToOverwriteWithoutForce() async throws {
        let path = await Self.out("grants.csv")
        try "keep me\n".write(toFile: path, atomically: true, encoding: .utf8)
        let refused = try await opcc([
            "export", "grants-register", "--office", "cumbria", "--out", path, "--db", Self.db,
        ])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("export-never-overwrites") && refused.stderr.contains("--force"))
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "keep me\n")
        let forced = try await opcc([
            "export", "grants-register", "--office", "cumbria", "--out", path, "--force", "--db", Self.db,
        ])
        #expect(forced.status == 0, "\(forced.stderr)")
        #expect(forced.stdout == "wrote 2 grants to \(path)\n")
        let csv = try String(contentsOfFile: path, encoding: .utf8)
        #expect(csv.hasPrefix("office,grant,recipient,recipientOrgId,"))
        #expect(csv.contains("cumbria,cumbria-GA-0002,Copeland Borough Council,GB-LAE-COP,"))
    }

    @Test("spending-over-500: the month's payments to standard output, as CSV or JSON")
    func spendingByMonth() async throws {
        let csv = try await opcc(["export", "spending", "--month", "2016-04", "--db", Self.db])
        #expect(csv.status == 0, "\(csv.stderr)")
        let lines = csv.stdout.split(separator: "\r\n")
        #expect(lines.count == 3, "a header and the two councils' first instalments")
        #expect(lines[1].hasPrefix("cumbria,2016-04-13,Barrow Borough Council,GB-LAE-BAR,1250000,12500.00,"))
        let json = try await opcc(["export", "spending", "--office", "cumbria", "--format", "json", "--db", Self.db])
        #expect(json.status == 0, "\(json.stderr)")
        let parsed = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        #expect((parsed?["items"] as? [Any])?.count == 8)
    }

    @Test("month-parsing: a malformed --month is a usage error naming the form")
    func badMonthIsAUsageError() async throws {
        let result = try await opcc(["export", "contracts", "--month", "April", "--db", Self.db])
        #expect(result.status == 64)
        #expect(result.stderr.contains("write it as YYYY-MM"))
    }
}
