import Foundation
import Testing

/// Issue 21 items 3 to 5 through the command line: the money ceiling, text limits and CSV cells.
@Suite("opcc: the money ceiling, text limits and CSV cells")
struct LimitsCommandTests {
    /// A demo database and `opcc … --db PATH` against it.
    private struct Demo {
        let path = temporaryDatabase()

        init() async throws {
            let demo = try await opcc(["demo", "--db", path])
            try #require(demo.status == 0, "opcc demo: \(demo.stderr)")
        }

        func run(_ arguments: [String]) async throws -> CLIResult { try await opcc(arguments + ["--db", path]) }

        /// `opcc decision raise --file` with `yaml`, as the Cumbria officer.
        func raise(_ yaml: String) async throws -> CLIResult {
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("limits-\(UUID().uuidString).yaml")
            try yaml.write(to: file, atomically: true, encoding: .utf8)
            return try await run([
                "decision", "raise", "--file", file.path, "--office", "cumbria", "--as", "cumbria.officer",
            ])
        }
    }

    @Test func aBudgetAboveTenBillionPoundsIsRefusedAndTheBooksStillBalance() async throws {
        let demo = try await Demo()
        let budget = try await demo.run([
            "finance", "budget", "--year", "2016/17", "--strand", "ASB", "--name", "ASB", "--amount",
            "£92,233,720,368,547,758.07", "--office", "cumbria", "--as", "cumbria.finance",
        ])
        #expect(budget.status != 0)
        #expect(budget.stderr.contains("above £10,000,000,000.00"), "\(budget.stderr)")
        let check = try await demo.run(["finance", "check"])
        #expect(check.status == 0, "\(check.stderr)")
    }

    @Test func aMillionCharacterTitleAndANulAreRefusedAndCRLFIsStoredAsLF() async throws {
        let demo = try await Demo()
        let huge = try await demo.raise("title: \(String(repeating: "x", count: 1_000_000))\n")
        #expect(huge.status == 1)
        #expect(
            huge.stderr.contains("title: is 1,000,000 characters long; the most it may be is 300"),
            "\(huge.stderr.prefix(300))")
        let nul = try await demo.raise(#"title: "Limits\0NUL""# + "\n")
        #expect(nul.status == 1)
        #expect(nul.stderr.contains("title: character 7 is the control character U+0000"), "\(nul.stderr)")
        let crlf = try await demo.raise("title: Limits CRLF\nexecutiveSummary: \"One.\\r\\nTwo.\"\n")
        #expect(crlf.status == 0, "\(crlf.stderr)")
        let id = String(crlf.stdout.dropFirst("raised ".count).prefix { $0 != ":" })
        let shown = try await demo.run([
            "decision", "show", id, "--office", "cumbria", "--json", "--as", "cumbria.officer",
        ])
        let object = try JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any]
        #expect(object?["executiveSummary"] as? String == "One.\nTwo.")
    }

    @Test func theRegisterAndReconciliationCSVGuardTextAndLeaveNumbers() async throws {
        let demo = try await Demo()
        let raised = try await demo.raise("title: \"=1+2\"\namount: \"£100\"\n")
        #expect(raised.status == 0, "\(raised.stderr)")
        let list = try await demo.run(["decision", "list", "--format", "csv", "--as", "cumbria.officer"])
        #expect(list.stdout.contains(",'=1+2,draft,10000,"), "\(list.stdout)")
        let strand = try await demo.run([
            "finance", "budget", "--year", "2016/17", "--strand", "@SUM(A1)", "--name", "Formula", "--amount", "£1",
            "--office", "cumbria", "--as", "cumbria.finance",
        ])
        #expect(strand.status == 0, "\(strand.stderr)")
        let csv = try await demo.run(["finance", "reconciliation", "--year", "2016/17", "--office", "cumbria", "--csv"])
        #expect(
            csv.stdout.contains("\ncumbria,2016/17,'@SUM(A1),(strand),100,0,0,0,0,0,0,0,100,0,0\n"), "\(csv.stdout)")
    }
}
