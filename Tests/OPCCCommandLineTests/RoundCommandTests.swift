import Foundation
import Testing

@Suite("opcc round")
struct RoundCommandTests {
    @Test func anOfficerCreatesAndPublishesARoundFromTheExampleFileAndThePublicListsIt() async throws {
        let db = temporaryDatabase()
        await #expect(try opcc(["demo", "--db", db]).status == 0)
        let file = repositoryRoot.appendingPathComponent("fixtures/rounds/community-safety-fund.yaml").path
        let created = try await opcc([
            "round", "create", file, "--office", "cumbria", "--db", db, "--as", "cumbria.officer",
        ])
        #expect(created.status == 0, "\(created.stderr)")
        // The demo's own closed round is cumbria-R-0001: this one is the office's second.
        #expect(created.stdout.contains("cumbria-R-0002  Community Safety Fund 2016/17  [draft]"))
        let hidden = try await opcc(["round", "list", "--office", "cumbria", "--db", db])
        #expect(hidden.status == 0 && !hidden.stdout.contains("cumbria-R-0002"))
        #expect(hidden.stdout.contains("cumbria-R-0001\tdecided"), "the demo's round is published")
        let published = try await opcc(["round", "publish", "cumbria-R-0002", "--db", db, "--as", "cumbria.officer"])
        #expect(published.stdout.contains("[open]"), "\(published.stderr)")
        let listed = try await opcc(["round", "list", "--office", "cumbria", "--db", db])
        #expect(listed.stdout.contains("cumbria-R-0002\topen\t£100,000.00\tCommunity Safety Fund 2016/17"))
        let refused = try await opcc(["round", "publish", "cumbria-R-0002", "--db", db, "--as", "cumbria.pcc"])
        #expect(refused.status == 1 && refused.stderr.contains("rounds-run-by-officers"))
        let help = try await opcc(["round", "score", "--help"])
        #expect(help.stdout.contains("Example: opcc round score"))
    }

    @Test func aRoundFileWithAnUnknownKeyIsRefusedNamingTheKey() async throws {
        let db = temporaryDatabase()
        await #expect(try opcc(["demo", "--db", db]).status == 0)
        let file = URL(fileURLWithPath: db).deletingLastPathComponent().appendingPathComponent("round.yaml")
        let example = try String(
            contentsOf: repositoryRoot.appendingPathComponent("fixtures/rounds/community-safety-fund.yaml"),
            encoding: .utf8)
        try (example + "colour: blue\n").write(to: file, atomically: true, encoding: .utf8)
        let refused = try await opcc([
            "round", "create", file.path, "--office", "cumbria", "--db", db, "--as", "cumbria.officer",
        ])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("round-spec-valid") && refused.stderr.contains("colour"), "\(refused.stderr)")
    }
}

@Suite("opcc demo: Cumbria's closed round, unless --without-round")
struct DemoRoundCommandTests {
    @Test func theDemoHasAClosedRoundWithAwardsAndItsBooksAndAuditHold() async throws {
        let db = temporaryDatabase()
        let demo = try await opcc(["demo", "--db", db])
        #expect(demo.status == 0, "\(demo.stderr)")
        #expect(demo.stdout.contains("grant round cumbria-R-0001: 5 applications, 3 awards allocated"))
        #expect(demo.stdout.contains("chain verified") && demo.stdout.contains("they balance"))
        let outcome = try await opcc(["round", "outcome", "cumbria-R-0001", "--db", db, "--as", "cumbria.officer"])
        #expect(outcome.stdout.contains("cumbria-AL-0005\tGB-COH-09876543\t£4,250.00\tsmall"), "\(outcome.stderr)")
        // --with-round, from when the round was optional, is still accepted and changes nothing.
        let again = try await opcc(["demo", "--with-round", "--db", db])
        #expect(again.status == 0 && !again.stdout.contains("grant round"))
        let help = try await opcc(["demo", "--help"])
        #expect(help.stdout.contains("--without-round") && help.stdout.contains("Example: opcc demo --without-round"))
    }

    @Test func theDemoWithoutTheRoundHasNoRoundAndItsBooksAndAuditHold() async throws {
        let db = temporaryDatabase()
        let demo = try await opcc(["demo", "--without-round", "--db", db])
        #expect(demo.status == 0, "\(demo.stderr)")
        #expect(!demo.stdout.contains("grant round"))
        #expect(demo.stdout.contains("chain verified") && demo.stdout.contains("they balance"))
        let listed = try await opcc(["round", "list", "--office", "cumbria", "--db", db])
        #expect(listed.status == 0 && !listed.stdout.contains("cumbria-R-"))
        let both = try await opcc(["demo", "--with-round", "--without-round", "--db", db])
        #expect(both.status != 0 && both.stderr.contains("exclude each other"))
    }
}
