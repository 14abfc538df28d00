import Foundation
import GRDB
import OPCCCore
import OPCCServices
import OPCCStore
import OPCCTestSupport
import Testing

/// The register's search: what a person types is text (no string is a syntax error), words match as prefixes, and
/// a decision number finds its record in any spelling its office accepts.
@Suite("Decision register: search")
struct DecisionSearchTests {
    /// The strings issue 21 found to break search (an FTS5 syntax error each), and more of their kind.
    static let queryLanguage = [
        "014/2016", "WPC4-0045", "Kick Off @ 3", "\"Mire", "NOT", "a OR", "NEAR(a b", "*", "\u{0}", "Mire\u{0}",
        "\"\"", "(", ")", "^Mire", "title:Mire", "Mire*", "-Mire", "+", "AND", "OR OR", "NEAR(\"a\" \"b\", 3)",
        "\u{202E}Mire\u{202C}", "'; DROP TABLE decision_record; --",
    ]

    func numbers(_ app: Commissioning, _ text: String, office: String? = nil) async throws -> [String] {
        var filter = DecisionFilter()
        filter.text = text
        filter.office = office
        return try await app.decisionRegister(filter, by: nil).map { "\($0.office) \($0.number ?? "")" }
    }

    @Test(arguments: TestEngine.all) func textAQueryLanguageWouldReadAsSyntaxIsSearchedAsText(
        engine: TestEngine
    ) async throws {
        let (app, _) = try await demoApp(engine: engine)
        for text in Self.queryLanguage {
            await #expect(throws: Never.self, "\(text.debugDescription)") { try await numbers(app, text) }
        }
        await #expect(try numbers(app, "014/2016") == ["cumbria 014/2016"])
        await #expect(try numbers(app, "\"Mire") == ["cumbria 014/2016"])
    }

    @Test(arguments: TestEngine.all) func wordsMatchAsPrefixesInAnyCaseAndAllMustMatch(engine: TestEngine) async throws
    {
        let (app, _) = try await demoApp(engine: engine)
        await #expect(try numbers(app, "Mirehouse") == ["cumbria 014/2016"])
        await #expect(try numbers(app, "mire") == ["cumbria 014/2016"])
        await #expect(try numbers(app, "\"Mire") == ["cumbria 014/2016"], "the quote is punctuation, not syntax")
        await #expect(try numbers(app, "mire nosuchword") == [])
        await #expect(try numbers(app, "NEAR(mire") == [], "NEAR is a word like any other, and no record has it")
    }

    @Test(arguments: TestEngine.all) func textWithoutWordsFiltersNothingOut(engine: TestEngine) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let everything = try await app.decisionRegister(DecisionFilter(), by: nil).count
        #expect(everything >= 6)
        for text in ["", " ", "*", "/", "\u{0}", "()\"^", "\u{202E}"] {
            await #expect(try numbers(app, text).count == everything, "\(text.debugDescription)")
        }
    }

    @Test(arguments: TestEngine.all) func aDecisionNumberFindsItsRecordInAnySpellingTheOfficeAccepts(
        engine: TestEngine
    ) async throws {
        let (app, _) = try await demoApp(engine: engine)
        for typed in ["014/2016", "14/2016", "0014/2016", " 14 / 2016 "] {
            await #expect(try numbers(app, typed).contains("cumbria 014/2016"), "\(typed)")
        }
        for typed in ["WMPCC 001/2016", "wmpcc 1/2016", "WMPCC1/2016"] {
            await #expect(try numbers(app, typed).contains("west-midlands WMPCC 001/2016"), "\(typed)")
        }
        await #expect(try numbers(app, "7/2020") == ["lincolnshire 007/2020"])
        await #expect(try numbers(app, "14/2016", office: "lincolnshire") == [], "only the offices the filter covers")
        await #expect(try numbers(app, "14/2016", office: "nowhere") == [], "an unknown office covers none")
    }

    /// Every record of the demo, in every office and so every shipped numbering template, is found by its number
    /// written without its zero padding, in lower case and with spaces around its separators.
    @Test(arguments: TestEngine.all) func everyRecordOfEveryShippedOfficeIsFoundByItsNumberRespelled(
        engine: TestEngine
    ) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let records = try await app.decisionRegister(DecisionFilter(), by: nil).filter { $0.number != nil }
        #expect(Set(records.map(\.office)) == ["cumbria", "leicestershire", "lincolnshire", "west-midlands"])
        for record in records {
            let number = try #require(record.number)
            let respelled = number.lowercased()
                .replacingOccurrences(of: "/", with: " / ")
                .replacingOccurrences(of: " 0", with: " ")
                .replacingOccurrences(of: " 0", with: " ")
            let unpadded = String(number.drop { $0 == "0" })
            for typed in [number, respelled, respelled.hasPrefix("0") ? unpadded : respelled] {
                await #expect(
                    try numbers(app, typed, office: record.office).contains("\(record.office) \(number)"),
                    "\(record.office): '\(typed)'")
            }
        }
    }

    // SQLite only: it drops SQLite's search table through GRDB's writer, and the message names SQLite's result code.
    /// A record's text in the index is replaced when the record is edited: found by its new words, not its old.
    @Test(arguments: TestEngine.all) func anEditedRecordIsFoundByItsNewWordsAndNoLongerByItsOld(
        engine: TestEngine
    ) async throws {
        let (app, _) = try await demoApp(engine: engine)
        var draft = DecisionDraft()
        draft.title = "Quillwort outreach"
        draft.executiveSummary = "Outreach in Quillwort."
        let id = try await app.raiseDecision(office: "cumbria", draft: draft, by: "cumbria.officer").id
        func found(_ text: String) async throws -> [String] {
            var filter = DecisionFilter()
            filter.text = text
            return try await app.decisionRegisterPage(filter, by: "cumbria.officer").rows.map(\.id)
        }
        #expect(try await found("quillwort") == [id])
        var change = DecisionDraft()
        change.title = "Bladderwrack outreach"
        change.executiveSummary = "Outreach in Bladderwrack."
        try await app.editDecision(id, draft: change, by: "cumbria.officer")
        #expect(try await found("quillwort") == [])
        #expect(try await found("bladderwrack") == [id])
        #expect(try await found("outreach").contains(id))
    }

    /// SQLite: each row of the full-text index is under its record's own rowid (`2026-12-14-search-by-record-rowid`),
    /// one row a record, in a database written before the migration as in a new one; the search finds by it.
    @Test func everyIndexRowIsUnderItsRecordsRowidInAMigratedDatabaseAndANewOne() async throws {
        let (legacy, legacyStore) = try OfficeChainMigrationTests().migratedLegacyDatabase()
        let (demo, demoStore) = try await demoApp()
        for (app, store) in [(legacy, legacyStore), (demo, demoStore)] {
            let (records, rows, under) = try await store.writer.read { db in
                (
                    try Int.fetchOne(db, sql: "SELECT count(*) FROM decision_record") ?? 0,
                    try Int.fetchOne(db, sql: "SELECT count(*) FROM decision_fts") ?? 0,
                    try Int.fetchOne(
                        db,
                        sql: """
                            SELECT count(*) FROM decision_fts f JOIN decision_record r
                                ON r.rowid = f.rowid AND r.id = f.record_id
                            """) ?? 0
                )
            }
            #expect(records > 0)
            #expect(rows == records)
            #expect(under == records)
            #expect(try await numbers(app, "Mirehouse") == ["cumbria 014/2016"])
        }
    }

    @Test func anUnexpectedStoreErrorIsAGenericMessageWithoutSQL() async throws {
        let path = temporaryDatabasePath()
        let (app, store) = try await demoApp(store: try SQLiteStore(path: path))
        try await store.writer.write { try $0.execute(sql: "DROP TABLE decision_fts") }
        let error = try #require(await #expect(throws: (any Error).self) { try await numbers(app, "Mirehouse") })
        #expect(error is StorageFailure, "the services' storage failure, not GRDB's nor the store's")
        let message = String(describing: error)
        #expect(message == "the database could not answer (SQLite result code 1), so nothing was changed")
        await #expect(try numbers(app, "").count >= 6, "a register without search still reads")
    }
}
