import Foundation
import OPCCTestSupport
import Testing

/// `opcc import decisions|people|grants`: the shipped examples through the command line, a dry run, a refused file.
@Suite("CLI: opcc import")
struct ImportCommandTests {
    func demo() async throws -> String {
        let db = temporaryDatabase()
        let demo = try await opcc(["demo", "--db", db, "--without-returns"])
        try #require(demo.status == 0, "\(demo.stderr)")
        return db
    }

    @Test func theShippedExamplesImportAfterADryRunThatWritesNothing() async throws {
        let db = try await demo()
        let dry = try await opcc([
            "import", "decisions", "fixtures/import/decisions-register.csv", "--office", "cumbria", "--as",
            "cumbria.officer", "--db", db, "--dry-run",
        ])
        #expect(dry.status == 0, "\(dry.stderr)")
        #expect(dry.stdout.contains("row 3: would write decision 002/2022 (published)"))
        #expect(dry.stdout.contains("dry run: all 40 of 40 rows are valid; nothing written"))
        let shown = try await opcc([
            "decision", "show", "002/2022", "--office", "cumbria", "--as", "cumbria.officer", "--db", db,
        ])
        #expect(shown.status != 0)
        for (kind, file, actor) in [
            ("decisions", "decisions-register.csv", "cumbria.officer"),
            ("decisions", "decisions-register-windows-1252.csv", "cumbria.officer"),
            ("people", "people.csv", "cumbria.chief-executive"), ("grants", "grants.csv", "cumbria.finance"),
        ] {
            let result = try await opcc([
                "import", kind, "fixtures/import/\(file)", "--office", "cumbria", "--as", actor, "--db", db,
            ])
            #expect(result.status == 0, "\(file): \(result.stderr)")
            #expect(result.stdout.contains("imported"), "\(file): \(result.stdout)")
        }
        let verify = try await opcc(["audit", "verify", "--db", db])
        #expect(verify.status == 0, "\(verify.stdout) \(verify.stderr)")
    }

    @Test func aFileWithAnErrorIsRefusedNamingRowAndColumnAndWritesNothing() async throws {
        let db = try await demo()
        let folder = URL(fileURLWithPath: db).deletingLastPathComponent()
        let csv = folder.appendingPathComponent("bad.csv")
        try Data(
            "\(ImportRegisterGenerator.header)\n001/2019,01/02/2019,Fine,,,PCC,published,\n002/2019,01/03/2019,Bad,,\"12,x\",PCC,published,\n"
                .utf8
        ).write(to: csv)
        let refused = try await opcc([
            "import", "decisions", csv.path, "--office", "cumbria", "--as", "cumbria.officer", "--db", db,
        ])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("row 3, column amount: '12,x' is not an amount in pounds"))
        #expect(refused.stderr.contains("refused (import-rows-valid)") || refused.stderr.contains("import-rows-valid"))
        let skipped = try await opcc([
            "import", "decisions", csv.path, "--office", "cumbria", "--as", "cumbria.officer", "--db", db,
            "--skip-invalid",
        ])
        #expect(skipped.status == 0, "\(skipped.stderr)")
        #expect(skipped.stdout.contains("imported 1 of 2 rows; the other rows were skipped"))
        let unknown = folder.appendingPathComponent("unknown.csv")
        try Data("Number,Date,Title,Colour\n".utf8).write(to: unknown)
        let columns = try await opcc([
            "import", "decisions", unknown.path, "--office", "cumbria", "--as", "cumbria.officer", "--db", db,
        ])
        #expect(columns.status == 1 && columns.stderr.contains("unknown column 'Colour'"))
    }

    @Test func aLongFileReportsItsRowsOnStderrWhenStderrIsNotATerminal() async throws {
        let db = try await demo()
        let csv = URL(fileURLWithPath: db).deletingLastPathComponent().appendingPathComponent("long.csv")
        try Data(ImportRegisterGenerator.register(count: 120).utf8).write(to: csv)
        let result = try await opcc([
            "import", "decisions", csv.path, "--office", "cumbria", "--as", "cumbria.officer", "--db", db, "--dry-run",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("120 of 120 rows checked"))
    }

    @Test func everyImportCommandHasHelpWithAnExample() async throws {
        for kind in ["decisions", "people", "grants"] {
            let help = try await opcc(["import", kind, "--help"])
            #expect(help.stdout.contains("Example: opcc import \(kind)"), "\(help.stdout)")
        }
    }
}
