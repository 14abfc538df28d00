import Foundation
import OPCCCore
import OPCCServices
import OPCCTestSupport
import PropertyBased
import Synchronization
import Testing

/// The CSV files of `fixtures/import/`, read as bytes.
func importFixture(_ name: String) throws -> [UInt8] {
    [UInt8](try Data(contentsOf: repositoryRoot.appendingPathComponent("fixtures/import/\(name)")))
}

/// A table of `kind` from CSV text (UTF-8).
func importTable(_ text: String, _ kind: ImportKind, source: String = "test.csv") throws -> ImportTable {
    try ImportTable.read(Array(text.utf8), source: source, spec: kind.columns)
}

let registerHeader = ImportRegisterGenerator.header

@Suite("Imports: a historic decisions register")
struct DecisionRegisterImportTests {
    @Test(arguments: TestEngine.all)
    func eachRowBecomesAHistoricRecordByOneEventCitingTheFilesSHA256AndRow(engine: TestEngine) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let table = try ImportTable.read(
            try importFixture("decisions-register.csv"), source: "decisions-register.csv",
            spec: ImportKind.decisions.columns)
        #expect(table.encoding == "UTF-8" && table.rows.count == 40)
        let report = try await app.importDecisionRegister(table, office: "cumbria", by: "cumbria.officer")
        #expect(report.errors == [] && report.written && report.accepted.count == 40)
        let victims = try await app.showDecision("002/2022", office: "cumbria", by: "cumbria.officer")
        #expect(victims.status == "published")
        #expect(victims.record.amount?.pence == 124_650_000)
        #expect(victims.record.decision?.outcome == .approved && victims.record.decision?.day == day("2022-01-21"))
        #expect(victims.record.backgroundPapers.contains("https://www.example-pcc.org.uk/decisions/002-2022"))
        let events = try await app.auditLog(instance: victims.record.id)
        #expect(events.map(\.event) == ["historic-import"])
        #expect(events.first?.payloadFields["importSHA256"] == table.sha256)
        #expect(events.first?.payloadFields["importRow"] == "3")
        #expect(events.first?.fromState == nil && events.first?.toState == "published")
        // The statuses as the README maps them.
        let states = try await [
            "008/2022", "013/2022", "017/2022", "022/2022",
        ].asyncMap { try await app.showDecision($0, office: "cumbria", by: "cumbria.officer").status }
        #expect(states == ["publication-deferred", "withdrawn", "not-approved", "approved"])
        let verified = try await app.verifyAudit()
        #expect(verified.problems == [])
    }

    @Test(arguments: TestEngine.all)
    func anImportedNumberIsNeverAllocatedAgain(engine: TestEngine) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let csv = """
            \(registerHeader)
            003/2017,10/01/2017,Historic one,,£1.00,PCC,published,
            020/2017,20/02/2017,Historic two,,,PCC,decided,
            """
        let report = try await app.importDecisionRegister(
            try importTable(csv, .decisions), office: "cumbria", by: "cumbria.officer")
        #expect(report.written && report.accepted.count == 2)
        var numbers: [String] = []
        for _ in 0..<3 {
            let id = try await app.raiseDecision(
                office: "cumbria", draft: shortDraft(), by: "cumbria.officer", on: day("2017-03-01")
            ).id
            numbers.append(
                try await app.submitDecision(id, by: "cumbria.officer", on: day("2017-03-01")).record.number ?? "")
        }
        #expect(numbers == ["021/2017", "022/2017", "023/2017"])
    }

    @Test(arguments: TestEngine.all)
    func aNumberTheOfficeHoldsRefusesTheRowDecisionNumberUnique(engine: TestEngine) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let before = try await app.auditHead()
        let csv = "\(registerHeader)\n014/2016,09/03/2016,Again,,,,published,\n001/2015,01/01/2015,New,,,,,\n"
        let report = try await app.importDecisionRegister(
            try importTable(csv, .decisions), office: "cumbria", by: "cumbria.officer")
        #expect(!report.written)
        #expect(report.errors.map(\.description) == ["row 2, column number: cumbria already holds decision 014/2016"])
        #expect(report.errors.first?.rule == "decision-number-unique")
        #expect(try await app.auditHead() == before)
    }

    /// Every refusal of a row, each by its rule, row and column; nothing written.
    @Test(arguments: TestEngine.all)
    func everyRowIsCheckedAndEveryErrorNamedByRowAndColumn(engine: TestEngine) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let before = try await app.auditHead()
        let csv = """
            \(registerHeader)
            001/2019,01/02/2019,Fine,,"£1,234.56",PCC,published,https://example.org/1
            002/2019,31/02/2019,Bad date,,,PCC,published,
            003/2019,01/03/2019,Bad amount,,"12,x",PCC,published,
            001/2019,01/04/2019,Duplicate number,,,PCC,published,
            A7/2019,01/05/2019,Bad number,,,PCC,published,
            005/2019,01/06/2019,Bad status,,,PCC,rubber-stamped,
            006/2019,01/07/2019,,,,PCC,published,
            007/2019,01/08/2019,Control \u{7}character,,,PCC,published,
            008/2019,01/09/2019,Bad link,,,PCC,published,not a link
            """
        let report = try await app.importDecisionRegister(
            try importTable(csv, .decisions), office: "cumbria", by: "cumbria.officer")
        #expect(!report.written && report.accepted.map(\.row) == [2])
        let found = report.errors.map { "\($0.row) \($0.column ?? "-") \($0.rule)" }
        #expect(
            found == [
                "3 date valid-date", "4 amount import-rows-valid", "5 number import-rows-valid",
                "6 number decision-number-form", "7 status import-status-known", "8 title import-rows-valid",
                "9 title text-within-limits", "10 link import-rows-valid",
            ])
        #expect(report.errors[1].description.hasPrefix("row 4, column amount: '12,x' is not an amount in pounds"))
        #expect(report.errors[2].message == "'001/2019' is also on row 2")
        #expect(report.errors[4].rule == "import-status-known")
        #expect(try await app.auditHead() == before)
    }

    @Test(arguments: TestEngine.all)
    func aDryRunChecksEveryRowAndWritesNothing(engine: TestEngine) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let before = try await app.auditHead()
        let report = try await app.importDecisionRegister(
            try importTable(ImportRegisterGenerator.register(count: 30), .decisions), office: "cumbria",
            by: "cumbria.officer", options: ImportOptions(dryRun: true))
        #expect(report.errors == [] && report.accepted.count == 30 && !report.written)
        #expect(report.outcome.hasPrefix("dry run: all 30 of 30 rows are valid"))
        #expect(try await app.auditHead() == before)
        await #expect(throws: (any Error).self) {
            try await app.showDecision("001/2018", office: "cumbria", by: "cumbria.officer")
        }
    }

    @Test(arguments: TestEngine.all)
    func skipInvalidWritesOnlyTheValidRowsAndListsTheRest(engine: TestEngine) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let csv = """
            \(registerHeader)
            001/2019,01/02/2019,Fine,,,PCC,published,
            002/2019,01/13/2019,Bad date,,,PCC,published,
            003/2019,01/03/2019,Also fine,,£5,PCC,decided,
            """
        let report = try await app.importDecisionRegister(
            try importTable(csv, .decisions), office: "cumbria", by: "cumbria.officer",
            options: ImportOptions(skipInvalid: true))
        #expect(report.written && report.accepted.map(\.row) == [2, 4] && report.errors.map(\.row) == [3])
        #expect(try await app.showDecision("003/2019", office: "cumbria", by: "cumbria.officer").status == "approved")
        await #expect(throws: (any Error).self) {
            try await app.showDecision("002/2019", office: "cumbria", by: "cumbria.officer")
        }
        #expect(try await app.verifyAudit().problems == [])
    }

    /// Issue 26's done-when: a 500-row register imports, in one transaction, on both engines.
    @Test(arguments: TestEngine.all)
    func aFiveHundredRowRegisterImports(engine: TestEngine) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let seen = Counter()
        let report = try await app.importDecisionRegister(
            try importTable(ImportRegisterGenerator.register(count: 500), .decisions), office: "cumbria",
            by: "cumbria.officer", options: ImportOptions(progress: { done, _ in seen.set(done) }))
        #expect(report.errors == [] && report.written && report.accepted.count == 500)
        #expect(seen.value == 500)
        let register = try await app.decisionRegister(DecisionFilter(), by: "cumbria.officer")
        #expect(register.filter { $0.office == "cumbria" }.count >= 501)
        #expect(try await app.verifyAudit().problems == [])
    }

    @Test(arguments: TestEngine.all)
    func onlyAnOfficerOrTheChiefExecutiveOfTheOfficeImportsRoleRequired(engine: TestEngine) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let table = try importTable("\(registerHeader)\n001/2019,01/02/2019,Fine,,,,,\n", .decisions)
        await #expect(
            refusedRule { _ = try await app.importDecisionRegister(table, office: "cumbria", by: "cumbria.finance") }
                == "role-required")
        await #expect(
            refusedRule { _ = try await app.importDecisionRegister(table, office: "cumbria", by: "lincs.officer") }
                == "role-required")
    }
}

@Suite("Imports: reading the file")
struct ImportFileTests {
    @Test func anUnknownColumnIsRefusedNamingItImportColumnsKnown() throws {
        let error = #expect(throws: ServiceRefusal.self) {
            try importTable("Number,Date,Title,Colour,Mood\n", .decisions)
        }
        #expect(error?.rule == "import-columns-known")
        #expect(error?.message.contains("unknown columns 'Colour', 'Mood'") == true)
        let twice = #expect(throws: ServiceRefusal.self) {
            try importTable("Number,Decision number,Date,Title\n", .decisions)
        }
        #expect(twice?.rule == "import-columns-known")
    }

    @Test func aMissingRequiredColumnIsRefusedNamingItImportColumnsPresent() throws {
        let error = #expect(throws: ServiceRefusal.self) { try importTable("Number,Title\n", .decisions) }
        #expect(error?.rule == "import-columns-present")
        #expect(error?.message.contains("missing column date") == true)
        #expect(throws: ServiceRefusal.self) { try importTable("", .decisions) }
    }

    @Test func headersAreMatchedWhateverTheirCaseSpacesAndSpelling() throws {
        let table = try importTable(
            "DECISION_NO , date of decision,Decision Title,Executive Summary,Value (£),Decided By,STATUS,URL\n",
            .decisions)
        #expect(table.columns == ["number", "date", "title", "summary", "amount", "decision maker", "status", "link"])
    }

    @Test func aFileAboveTheLimitIsRefusedImportFileWithinLimits() throws {
        let big = [UInt8](repeating: 0x41, count: ImportTable.maximumBytes + 1)
        let error = #expect(throws: ServiceRefusal.self) {
            try ImportTable.read(big, source: "big.csv", spec: ImportKind.decisions.columns)
        }
        #expect(error?.rule == "import-file-within-limits")
        let rows = registerHeader + String(repeating: "\n1,2,3", count: ImportTable.maximumRows + 1)
        #expect(throws: ServiceRefusal.self) { try importTable(rows, .decisions) }
    }

    @Test func aQuotedCellNeverClosedIsRefusedByItsRow() throws {
        let error = #expect(throws: ServiceRefusal.self) {
            try importTable("Number,Date,Title\n001/2019,01/01/2019,ok\n002/2019,01/01/2019,\"open\n", .decisions)
        }
        #expect(error?.rule == "import-rows-valid" && error?.message.contains("row 3") == true)
    }

    @Test func quotedCellsHoldCommasQuotesAndLineBreaks() throws {
        let table = try importTable(
            "Number,Date,Title,Summary\r\n001/2019,01/01/2019,\"A, \"\"quoted\"\" title\",\"Two\r\nlines\"\r\n\r\n",
            .decisions)
        #expect(table.rows.count == 1)
        #expect(table.rows[0]["title"] == "A, \"quoted\" title" && table.rows[0]["summary"] == "Two\r\nlines")
    }

    /// Excel's plain CSV on a UK machine: £ is 0xA3, é 0xE9, curly quotes 0x91–0x94.
    @Test func windows1252IsReadWhenTheFileIsNotUTF8() throws {
        let bytes: [UInt8] =
            Array("Number,Date,Title,Amount\n001/2019,01/01/2019,Caf".utf8) + [0xE9, 0x20, 0x91, 0x61, 0x92, 0x20]
            + [0x93, 0x62, 0x94] + Array(",\"".utf8) + [0xA3] + Array("1,234.00\"\n".utf8)
        let table = try ImportTable.read(bytes, source: "excel.csv", spec: ImportKind.decisions.columns)
        #expect(table.encoding == "Windows-1252")
        #expect(table.rows[0]["title"] == "Café ‘a’ “b”" && table.rows[0]["amount"] == "£1,234.00")
        let shipped = try ImportTable.read(
            try importFixture("decisions-register-windows-1252.csv"), source: "w.csv",
            spec: ImportKind.decisions.columns)
        #expect(shipped.encoding == "Windows-1252")
        #expect(shipped.rows[0]["title"] == "Café-based ‘safe space’ pilot")
        #expect(shipped.rows[2]["title"] == "Renée Clarke Trust – victims’ fund")
    }

    @Test func utf8WithAndWithoutBOMIsReadAsUTF8() throws {
        let text = Array("Number,Date,Title\n001/2019,01/01/2019,Café £5\n".utf8)
        let plain = try ImportTable.read(text, source: "a.csv", spec: ImportKind.decisions.columns)
        let bom = try ImportTable.read([0xEF, 0xBB, 0xBF] + text, source: "b.csv", spec: ImportKind.decisions.columns)
        #expect(plain.encoding == "UTF-8" && bom.encoding == "UTF-8 with BOM")
        #expect(plain.rows[0]["title"] == "Café £5" && bom.rows[0]["title"] == "Café £5")
        #expect(bom.columns == ["number", "date", "title"])
    }

    @Test func datesAreReadAsDayMonthYearOrISO() {
        #expect(ImportTable.day("09/03/2016") == day("2016-03-09"))
        #expect(ImportTable.day("9/3/2016") == day("2016-03-09"))
        #expect(ImportTable.day("2016-03-09") == day("2016-03-09"))
        #expect(ImportTable.day("03/13/2016") == nil)
        #expect(ImportTable.day("9 March 2016") == nil)
    }
}

@Suite("Imports: arbitrary text in a cell")
struct ImportUnicodeTests {
    static let scalar = Gen<UInt32>.value(in: 0...0x10_FFFF).map { String(Unicode.Scalar($0) ?? "\u{FFFD}") }
    static let fragments = Gen.element(of: [
        "\"", ",", "\n", "\r\n", "\r", "'", "=1+2", "£", "é", "e\u{301}", "\u{301}", "\u{202E}", "\u{0}", " ", "😀",
        "\u{FEFF}", "014/2016",
    ]).map { $0 ?? "" }
    static let text = Gen.oneOf(scalar, fragments).array(of: 0...16).map { $0.joined() }

    /// Any text in the title, summary and decision maker cells, written as RFC 4180 quotes it: never a crash;
    /// either the record holds exactly each cell (trimmed, line breaks made LF) or the row is refused by its row and
    /// the columns at fault.
    @Test(arguments: TestEngine.all)
    func anyTextIsImportedExactlyOrRefusedByRowAndColumn(engine: TestEngine) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let sequence = Counter()
        func expected(_ text: String, _ kind: TextField.Kind) -> String? {
            let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
            return trimmed.isEmpty ? nil : try? TextField.normalized(trimmed, field: "", kind: kind)
        }
        await propertyCheck(count: 40, input: Self.text) { text in
            let number = String(format: "%03d/2025", sequence.next())
            let cell = ImportRegisterGenerator.quoted(text)
            let csv = "Number,Date,Title,Summary,Decision maker\r\n\(number),01/01/2025,\(cell),\(cell),\(cell)\r\n"
            let report = try await app.importDecisionRegister(
                try importTable(csv, .decisions), office: "cumbria", by: "cumbria.officer")
            if report.written {
                let record = try await app.showDecision(number, office: "cumbria", by: "cumbria.officer").record
                #expect(record.title == expected(text, .name))
                #expect(record.executiveSummary == expected(text, .long))
                #expect(record.decision?.decisionMaker == expected(text, .name))
            } else {
                #expect(!report.errors.isEmpty)
                #expect(report.errors.allSatisfy { $0.row == 2 })
                #expect(Set(report.errors.compactMap(\.column)).isSubset(of: ["title", "summary", "decision maker"]))
                #expect(report.errors.allSatisfy { $0.column != nil })
                #expect(expected(text, .name) == nil)
            }
        }
    }

    /// Any display name: the person is added with exactly it, or the row is refused at that column.
    @Test(arguments: TestEngine.all)
    func anyDisplayNameIsImportedExactlyOrRefusedByRowAndColumn(engine: TestEngine) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let sequence = Counter()
        await propertyCheck(count: 30, input: Self.text) { text in
            let name = "imported.\(sequence.next())"
            let csv = "name,display name,roles\n\(name),\(ImportRegisterGenerator.quoted(text)),officer\n"
            let report = try await app.importPeople(
                try importTable(csv, .people), office: "cumbria", by: "cumbria.chief-executive")
            let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
            if report.written {
                let person = try #require(try await app.people(office: "cumbria").first { $0.name == name })
                #expect(
                    person.displayName
                        == (trimmed.isEmpty ? name : try TextField.normalized(trimmed, field: "", kind: .name)))
            } else {
                #expect(report.errors.map { "\($0.row) \($0.column ?? "-")" } == ["2 display name"])
            }
        }
    }
}

@Suite("Imports: people")
struct PeopleImportTests {
    @Test(arguments: TestEngine.all)
    func theChiefExecutiveImportsPeopleWithTheirRolesScopesAndAddresses(engine: TestEngine) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let table = try ImportTable.read(
            try importFixture("people.csv"), source: "people.csv", spec: ImportKind.people.columns)
        let report = try await app.importPeople(table, office: "cumbria", by: "cumbria.chief-executive")
        #expect(report.errors == [] && report.written && report.accepted.count == 7)
        let people = try await app.people(office: "cumbria")
        let brennan = try #require(people.first { $0.name == "m.brennan" })
        #expect(brennan.actor.roles(covering: nil) == [.finance, .officer])
        let events = try await app.auditLog(office: "cumbria").filter {
            $0.event == "person-added" && $0.payloadFields["person"] == "s.lloyd-evans"
        }
        #expect(events.count == 1 && events.first?.payloadFields["importSHA256"] == table.sha256)
        #expect(events.first?.payloadFields["importRow"] == "5")
        let scoped = try await app.importPeople(
            try importTable("name,roles,scope\nboard.one,project-board-member,cumbria-GA-0001\n", .people),
            office: "cumbria", by: "cumbria.chief-executive")
        #expect(scoped.written)
        let board = try #require(try await app.people(office: "cumbria").first { $0.name == "board.one" })
        #expect(board.actor.roles(covering: "cumbria-GA-0001") == [.projectBoardMember])
        #expect(board.actor.roles(covering: "cumbria-GA-0002") == [])
    }

    @Test(arguments: TestEngine.all)
    func anUnknownRoleANameTakenAndABadAddressAreRefusedByRowAndColumn(engine: TestEngine) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let before = try await app.auditHead()
        let csv = """
            name,display name,email,roles
            new.one,New One,new.one@example.org,officer
            new.two,New Two,,sheriff
            cumbria.officer,Taken,,officer
            new.three,New Three,not-an-address,officer
            new one,Spaces,,officer
            new.four,,,
            new.one,Again,,finance
            """
        let report = try await app.importPeople(
            try importTable(csv, .people), office: "cumbria", by: "cumbria.chief-executive")
        #expect(!report.written)
        #expect(
            report.errors.map { "\($0.row) \($0.column ?? "-") \($0.rule)" } == [
                "3 roles office-role", "4 name person-name", "5 email email-address", "6 name person-name",
                "7 roles role-required", "8 name import-rows-valid",
            ])
        #expect(try await app.auditHead() == before)
    }

    @Test(arguments: TestEngine.all)
    func onlyTheChiefExecutiveImportsPeoplePeopleManagedByChiefExecutive(engine: TestEngine) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let table = try importTable("name,roles\nnew.one,officer\n", .people)
        await #expect(
            refusedRule { _ = try await app.importPeople(table, office: "cumbria", by: "cumbria.officer") }
                == "people-managed-by-chief-executive")
    }
}

@Suite("Imports: budgets, allocations and agreements")
struct GrantsImportTests {
    /// The shipped register, then the shipped grants file, into Cumbria.
    func imported(_ engine: TestEngine) async throws -> (Commissioning, ImportReport) {
        let (app, _) = try await demoApp(engine: engine)
        let register = try ImportTable.read(
            try importFixture("decisions-register.csv"), source: "decisions-register.csv",
            spec: ImportKind.decisions.columns)
        _ = try await app.importDecisionRegister(register, office: "cumbria", by: "cumbria.officer")
        let grants = try ImportTable.read(
            try importFixture("grants.csv"), source: "grants.csv", spec: ImportKind.grants.columns)
        return (app, try await app.importGrants(grants, office: "cumbria", by: "cumbria.finance"))
    }

    @Test(arguments: TestEngine.all)
    func budgetsAllocationsAndActiveAgreementsWithWhatWasPaidImport(engine: TestEngine) async throws {
        let (app, report) = try await imported(engine)
        #expect(report.errors == [] && report.written && report.accepted.count == 18)
        let agreements = try await app.agreements(office: "cumbria").filter {
            $0.agreement.recipient.orgID.hasPrefix("GB-CHC-11") || $0.agreement.recipient.orgID.hasPrefix("GB-LAE-NS")
        }
        #expect(agreements.count == 5 && agreements.allSatisfy { $0.state == "active" })
        let womensAid = try #require(agreements.first { $0.agreement.recipient.orgID == "GB-CHC-1100001" })
        #expect(womensAid.agreement.amount.pence == 41_200_000 && womensAid.agreement.paidPence == 30_900_000)
        #expect(womensAid.agreement.payments.map(\.id) == ["paid-before-import", "balance"])
        // The balance is released as any instalment is.
        try await app.releasePayment(womensAid.agreement.id, instalment: "balance", by: "cumbria.finance")
        #expect(try await app.agreement(womensAid.agreement.id).paidPence == 41_200_000)
        let events = try await app.auditLog(instance: womensAid.agreement.id)
        #expect(events.first?.event == "historic-import" && events.first?.payloadFields["importRow"] == "15")
        #expect(try await app.verifyAudit().problems == [])
    }

    @Test(arguments: TestEngine.all)
    func anAllocationUnderADecisionTheOfficeDoesNotHoldIsRefusedKnownDecision(engine: TestEngine) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let before = try await app.auditHead()
        let csv = """
            kind,year,strand,name,decision,recipient,recipient name,purpose,amount,paid,start,end,date
            budget,2022/23,NEW,New strand,,,,,"£10,000.00",,,,01/04/2022
            allocation,2022/23,NEW,,999/2022,GB-CHC-1,Somebody,Something,£500.00,,,,02/04/2022
            allocation,2022/23,NONE,,014/2016,GB-CHC-1,Somebody,Something,£500.00,,,,02/04/2022
            agreement,,,,014/2016,GB-CHC-9,,Something,,,01/04/2022,31/03/2023,
            budget,2022/23,NEW,,,,,,,,,,
            party,,,,,,,,,,,,
            """
        let report = try await app.importGrants(
            try importTable(csv, .grants), office: "cumbria", by: "cumbria.finance")
        #expect(!report.written)
        #expect(
            report.errors.map { "\($0.row) \($0.column ?? "-") \($0.rule)" } == [
                "3 decision known-decision", "4 strand known-strand", "5 recipient agreement-over-allocations",
                "6 amount import-rows-valid", "6 name import-rows-valid", "7 kind import-rows-valid",
            ])
        #expect(try await app.auditHead() == before)
    }

    @Test(arguments: TestEngine.all)
    func onlyFinanceImportsBudgetsAndGrantsRoleRequired(engine: TestEngine) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let table = try importTable("kind,year,strand,name,amount\nbudget,2022/23,X,X,£1.00\n", .grants)
        await #expect(
            refusedRule { _ = try await app.importGrants(table, office: "cumbria", by: "cumbria.officer") }
                == "role-required")
    }
}

/// A count shared with a `@Sendable` closure.
final class Counter: Sendable {
    private let count = Mutex<Int>(0)
    var value: Int { count.withLock { $0 } }
    func set(_ value: Int) { count.withLock { $0 = value } }
    func next() -> Int {
        count.withLock {
            $0 += 1; return $0
        }
    }
}

extension Array {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var out: [T] = []
        for element in self { out.append(try await transform(element)) }
        return out
    }
}
