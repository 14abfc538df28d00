import Foundation
import OPCCCore
import OPCCServices
import OPCCStore
import OPCCTestSupport
import Testing

/// `text` with `line` inserted after the first line containing `anchor`, indented as that line's key (a list item's
/// `- ` counts as indentation), with the 1-based number of the new line and its indentation.
private func inserting(_ line: String, after anchor: String, in text: String) -> (text: String, line: Int, indent: Int)
{
    var lines = text.components(separatedBy: "\n")
    let index = lines.firstIndex { $0.contains(anchor) }!
    let found = lines[index]
    var indent = found.prefix { $0 == " " }.count
    if found.dropFirst(indent).hasPrefix("- ") { indent += 2 }
    lines.insert(String(repeating: " ", count: indent) + line, at: index + 1)
    return (lines.joined(separator: "\n"), index + 2, indent)
}

private func shipped(_ path: String) -> String {
    try! String(contentsOf: repositoryRoot.appendingPathComponent(path), encoding: .utf8)
}

/// The message a reader refuses a text with, or nil when it reads it.
private func refusal(_ read: () throws -> Void) -> String? {
    do { try read() } catch let refusal as ServiceRefusal { return refusal.message } catch { return "\(error)" }
    return nil
}

/// One kind of file the services (and the CLI, through the same reader) take from a person: a real or typical file of
/// the kind, where a misspelt key goes, and how it is read.
struct ServiceInputFile: Sendable, CustomTestStringConvertible {
    let kind: String
    let text: String
    let anchor: String
    let misspelt: String
    let field: String
    let read: @Sendable (String) -> String?
    var testDescription: String { kind }

    static let split = """
        year: 2016/17
        strand: ASB
        decision: 014/2016
        purpose: VLI pilot
        method: fixed-per-area
        amountEach: "£50,000"
        recipients:
          - orgId: GB-LAE-BAR
            name: Barrow Borough Council
            area: Ormsgill
        """

    static let round = """
        year: 2020/21
        strand: CSF
        decision: 001/2020
        purpose: Community Safety Fund
        method: grant-round
        bands: [{ name: small, upTo: "5000.00" }, { name: standard }]
        recipients:
          - orgId: GB-CHC-1000001
            name: Neighbourhood Watch
            amount: "4000.00"
        """

    static let agreementTerms = """
        allocations: [cumbria-AL-0001]
        purpose: Targeted community interventions
        crimeAndDisorderStatement: Reduces anti-social behaviour in the ward.
        start: 2016-04-01
        end: 2017-03-31
        planLines:
          - priority: Youth diversion
            description: Twice-weekly sessions
            amount: "£10,000"
        """

    static let draft = """
        title: Hub works grant
        executiveSummary: Funding for the co-located hub in Whitehaven police station.
        recommendation: That the PCC approves £50,000 from the ASB strand.
        amount: "£50,000"
        fundingSource:
          strand: ASB
          year: 2016/17
        """

    static let returnFile = """
        spendInQuarter: "£12,000"
        spendToDate: "£12,000"
        narrative: Problem-solving group formed.
        milestones:
          - name: Group meeting monthly
            rag: green
        """

    static let assessment = """
        office: leicestershire
        partnership: { code: SNWP, name: Safer North West Partnership }
        year: 2018/19
        method:
          model: ACPO 3 PLEM
          combination: { kind: mean, rounding: half-up }
          probabilityScale:
            uncontrolled: [{ atLeast: 0%, score: 3 }]
            under-control: [{ atLeast: 0%, score: 2 }]
            reducing: [{ atLeast: 0%, score: 1 }]
          bands: { highFrom: 40, mediumFrom: 20 }
          priorities: 2
        agencies: [NWLDC, Police]
        threats:
          - threat: Robbery
            scores: [15, 12]
        """

    static func file<T: Decodable & Sendable>(_ type: T.Type, rule: String) -> @Sendable (String) -> String? {
        { text in
            refusal { _ = try StrictYAML.decode(type, from: text, source: "file.yaml", rule: .init(rawValue: rule)!) }
        }
    }

    static let all: [ServiceInputFile] = [
        .init(
            kind: "finance fixture", text: shipped("fixtures/finance/cumbria.yaml"),
            anchor: "recipientName: Barrow Borough Council", misspelt: "purpse: Youth work",
            field: "allocations[0].purpse",
            read: { text in refusal { _ = try FinanceFixture.parse(yaml: text, source: "cumbria.yaml") } }),
        .init(
            kind: "decision import", text: shipped("fixtures/decisions/cumbria-014-2016.yaml"),
            anchor: "title: Vulnerable Localities Index", misspelt: "titel: VLI", field: "record.titel",
            read: { text in refusal { _ = try DecisionImportFile.parse(yaml: text, source: "014.yaml") } }),
        .init(
            kind: "VLI fixture", text: shipped("fixtures/vli/cumbria.yaml"), anchor: "- ward: Ormsgill",
            misspelt: "note: first choice", field: "shortlist[0].note",
            read: { text in refusal { _ = try VLIFixture.parse(yaml: text, source: "vli.yaml") } }),
        .init(
            kind: "priorities fixture", text: shipped("fixtures/priorities/safer-north-west-2017-18.yaml"),
            anchor: "priorities: 3", misspelt: "prioritys: 4", field: "method.prioritys",
            read: { text in refusal { _ = try PriorityFixture.parse(yaml: text, source: "snwp.yaml") } }),
        .init(
            kind: "priorities import", text: assessment, anchor: "- threat: Robbery", misspelt: "totl: 13",
            field: "threats[0].totl",
            read: { text in refusal { _ = try PriorityFile.parse(yaml: text, source: "snwp.yaml") } }),
        .init(
            kind: "returns fixture", text: shipped("fixtures/returns/cumbria.yaml"),
            anchor: "narrative: Ormsgill problem-solving", misspelt: "narative: x",
            field: "contents.barrow-q1.narative",
            read: { text in refusal { _ = try ReturnFixture.parse(yaml: text, source: "returns.yaml") } }),
        .init(
            kind: "split", text: split, anchor: "name: Barrow Borough Council", misspelt: "aera: Ormsgill",
            field: "recipients[0].aera",
            read: { text in refusal { _ = try Commissioning.SplitFile.parse(yaml: text, source: "split.yaml") } }),
        .init(
            kind: "grant round", text: round, anchor: "name: Neighbourhood Watch", misspelt: "purpse: Street patrols",
            field: "recipients[0].purpse",
            read: { text in refusal { _ = try Commissioning.SplitFile.parse(yaml: text, source: "round.yaml") } }),
        .init(
            kind: "agreement plan lines", text: agreementTerms, anchor: "description: Twice-weekly sessions",
            misspelt: "cost: \"£10,000\"", field: "planLines[0].cost",
            read: file(Commissioning.AgreementFile.self, rule: "valid-agreement-file")),
        .init(
            kind: "decision draft", text: draft, anchor: "strand: ASB", misspelt: "yaer: 2016/17",
            field: "fundingSource.yaer", read: file(DecisionDraft.self, rule: "valid-decision-file")),
        .init(
            kind: "return", text: returnFile, anchor: "- name: Group meeting monthly", misspelt: "reasn: on track",
            field: "milestones[0].reasn", read: file(ReturnFile.self, rule: "valid-return-file")),
    ]
}

@Suite("Input files: every file the services read refuses an unknown key and names a syntax error's place")
struct InputFileTests {
    @Test(arguments: ServiceInputFile.all)
    func anUnknownKeyIsRefusedNamingTheKeyAndItsLine(file: ServiceInputFile) throws {
        #expect(file.read(file.text) == nil, "the file must read as it is")
        let (text, line, _) = inserting(file.misspelt, after: file.anchor, in: file.text)
        let message = try #require(file.read(text))
        #expect(message.contains("\(file.field): unknown key on line \(line) (known keys: "), "\(message)")
    }

    @Test(arguments: ServiceInputFile.all)
    func aSyntaxErrorIsRefusedNamingItsLineAndColumn(file: ServiceInputFile) throws {
        // The second colon of `broken: a: b` is where YAML finds a mapping inside a plain value.
        let (text, line, indent) = inserting("broken: a: b", after: file.anchor, in: file.text)
        let message = try #require(file.read(text))
        #expect(message.contains("(file): not valid YAML at line \(line), column \(indent + 10): "), "\(message)")
    }

    /// A copy of the shipped fixtures and workflows whose people file has one line changed.
    static func homeWithPeople(_ change: (String) -> String) throws -> ProductHome {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("opcc-home-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        for folder in ["fixtures", "workflows"] {
            try FileManager.default.copyItem(
                at: repositoryRoot.appendingPathComponent(folder), to: root.appendingPathComponent(folder))
        }
        let people = root.appendingPathComponent("fixtures/people.yaml")
        try change(try String(contentsOf: people, encoding: .utf8)).write(to: people, atomically: true, encoding: .utf8)
        return ProductHome(root: root)
    }

    @Test(arguments: TestEngine.all) func thePeopleFileRefusesAnUnknownKeyNamingItAndItsLineAndAddsNoOne(
        engine: TestEngine
    ) async throws {
        let original = shipped("fixtures/people.yaml")
        let (changed, line, _) = inserting("role: [officer]", after: "- name: cumbria.barrow-board", in: original)
        let home = try Self.homeWithPeople { _ in changed }
        let store = try await engine.makeStore()
        let app = try Commissioning(
            store: store, catalog: try shippedCatalog(), clock: FixedClock(day: day("2026-11-20")))
        let error = await #expect(throws: ServiceRefusal.self) { try await app.loadDemo(from: home) }
        #expect(error?.rule == "valid-fixture")
        #expect(
            error?.message
                == "fixtures/people.yaml: cumbria[5].role: unknown key on line \(line) (known keys: displayName, email, name, "
                + "roles, scope)")
        let nobody = try await store.read { try $0.person(named: "cumbria.officer") }
        #expect(nobody == nil)
    }
}
