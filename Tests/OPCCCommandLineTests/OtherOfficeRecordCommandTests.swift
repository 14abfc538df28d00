import Foundation
import Testing

/// The CLI's side of "another office's record is not found": the same exit code and, with the id swapped, the same
/// stderr line for a Cumbria record that exists as for one that does not, when a Lincolnshire person asks.
@Suite("opcc: another office's record answers as a missing one")
struct OtherOfficeRecordCommandTests {
    /// One command, run once with a Cumbria id that exists and once with one that does not.
    struct Probe: CustomStringConvertible {
        let arguments: [String]
        let user: String
        let existing: String
        let missing: String
        var description: String { (arguments + [existing, "--as", user]).joined(separator: " ") }
    }

    @Test func anotherOfficesRecordIsNotFoundExactlyAsAMissingOneIsInTheCLI() async throws {
        let db = temporaryDatabase()
        try await #require(try opcc(["demo", "--db", db]).status == 0)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("draft-\(UUID().uuidString).yaml")
        try """
        title: Cumbria's own draft
        executiveSummary: Funding for the co-located hub in Whitehaven police station.
        recommendation: That the PCC approves £50,000 from the ASB strand.
        amount: "£50,000"

        """.write(to: file, atomically: true, encoding: .utf8)
        let raised = try await opcc([
            "decision", "raise", "--file", file.path, "--office", "cumbria", "--as", "cumbria.officer", "--db", db,
        ])
        try #require(raised.status == 0, "\(raised.stderr)")
        let draft = String(raised.stdout.dropFirst("raised ".count).prefix { $0 != ":" })
        try #require(draft.hasPrefix("cumbria-DR-"), "\(raised.stdout)")

        let probes = [
            Probe(arguments: ["decision", "show"], user: "lincs.officer", existing: draft, missing: "cumbria-DR-9999"),
            Probe(
                arguments: ["decision", "part2"], user: "lincs.officer", existing: draft, missing: "cumbria-DR-9999"),
            Probe(
                arguments: ["decision", "submit"], user: "lincs.officer", existing: draft, missing: "cumbria-DR-9999"),
            Probe(
                arguments: ["return", "show"], user: "lincs.officer", existing: "cumbria-QR-0001",
                missing: "cumbria-QR-9999"),
            Probe(
                arguments: ["return", "accept"], user: "lincs.officer", existing: "cumbria-QR-0001",
                missing: "cumbria-QR-9999"),
            Probe(
                arguments: ["finance", "agreement", "close"], user: "lincs.finance", existing: "cumbria-GA-0001",
                missing: "cumbria-GA-9999"),
        ]
        for probe in probes {
            let run = { (id: String) in try await opcc(probe.arguments + [id, "--as", probe.user, "--db", db]) }
            let existing = try await run(probe.existing)
            let missing = try await run(probe.missing)
            #expect(missing.status == 1, "\(probe): \(missing.stderr)")
            #expect(existing.status == missing.status, "\(probe): \(existing.stderr)")
            #expect(existing.stdout.isEmpty, "\(probe)")
            #expect(
                existing.stderr.replacingOccurrences(of: probe.existing, with: probe.missing) == missing.stderr,
                "\(probe)")
            #expect(missing.stderr.contains("refused (known-"), "\(probe): \(missing.stderr)")
        }
    }
}
