import Foundation
import Testing

/// The files a person hands the CLI go through the strict reader: a misspelt key is refused with its line and the
/// command changes nothing.
@Suite("CLI: input files refuse unknown keys")
struct InputFileCommandTests {
    @Test func aDraftWithAMisspeltKeyIsRefusedNamingTheKeyAndLineAndNothingIsRaised() async throws {
        let db = temporaryDatabase()
        let demo = try await opcc(["demo", "--db", db])
        try #require(demo.status == 0, "\(demo.stderr)")
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("draft-\(UUID().uuidString).yaml")
        try """
        title: Hub works grant
        executiveSummary: Funding for the co-located hub in Whitehaven police station.
        recomendation: That the PCC approves £50,000 from the ASB strand.
        """.write(to: file, atomically: true, encoding: .utf8)
        let who = ["--office", "cumbria", "--as", "cumbria.officer", "--db", db]
        let before = try await opcc(["decision", "list"] + who)
        let raised = try await opcc(["decision", "raise", "--file", file.path] + who)
        #expect(raised.status == 1)
        #expect(
            raised.stderr.contains(
                "refused (valid-decision-file): \(file.path): recomendation: unknown key on line 3 (known keys: "),
            "\(raised.stderr)")
        await #expect(try opcc(["decision", "list"] + who).stdout == before.stdout)
    }
}
