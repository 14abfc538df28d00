import Foundation
import OPCCCore
import OPCCTestSupport
import Testing

/// Runs `docs/office-profile.schema.json` over profiles with `Fixtures/office-profile/validate.py` (jsonschema, with
/// PyYAML turning the YAML into JSON as the loader reads it: days stay text).
enum OfficeProfileSchema {
    static let tool = OutsideTool.python(package: "jsonschema pyyaml", modules: "jsonschema, yaml")
    static let schema = repositoryRoot.appendingPathComponent("docs/office-profile.schema.json")
    static let script = repositoryRoot.appendingPathComponent(
        "Tests/OPCCServicesTests/Fixtures/office-profile/validate.py")

    /// Validates each file; the validator's exit status and one line per file.
    static func validate(_ files: [URL]) async throws -> (status: Int32, output: String) {
        let arguments = [script.path, schema.path] + files.map(\.path)
        return try await offThePool { try OutsideTool.python3(arguments) }
    }

    /// Validates one profile's text; the validator's exit status and report.
    static func validate(yaml: String) async throws -> (status: Int32, output: String) {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("profile-\(UUID().uuidString).yaml")
        try Data(yaml.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        return try await validate([file])
    }

    /// The complete example in `docs/office-profile.md`, the YAML block after its `complete-example` marker.
    static func completeExample() throws -> String {
        let doc = try String(
            contentsOf: repositoryRoot.appendingPathComponent("docs/office-profile.md"), encoding: .utf8)
        guard let marker = doc.range(of: "<!-- complete-example -->\n```yaml\n"),
            let end = doc.range(of: "\n```", range: marker.upperBound..<doc.endIndex)
        else { throw CocoaError(.fileReadCorruptFile) }
        return String(doc[marker.upperBound..<end.lowerBound]) + "\n"
    }
}

/// One change to the complete example that both the loader and the schema must refuse, and the key the loader names.
struct BrokenProfile: Sendable, CustomTestStringConvertible {
    let name: String
    let replace: String
    let with: String
    /// The field the loader's error names.
    let field: String
    /// For an unknown key: the line the loader's error names (1-based, in the broken text).
    var line: Int? = nil
    var testDescription: String { name }

    static let all: [BrokenProfile] = [
        .init(
            name: "unknown top-level key", replace: "roles: [", with: "colour: blue\nroles: [", field: "colour",
            line: 32),
        .init(
            name: "unknown key in publication", replace: "  deferralNeedsUntilDate: true",
            with: "  deferralNeedsUntilDate: true\n  deferralReason: true", field: "publication.deferralReason",
            line: 16),
        .init(
            name: "unknown key in a term", replace: "      starts: 2021-05-13", with: "      start: 2021-05-13",
            field: "decisionNumbering.terms[1].start", line: 12),
        .init(
            name: "deadline as text", replace: "part1DeadlineWorkingDays: 3", with: "part1DeadlineWorkingDays: three",
            field: "publication.part1DeadlineWorkingDays"),
        .init(
            name: "a yes/no as a word", replace: "deferralNeedsUntilDate: true",
            with: "deferralNeedsUntilDate: perhaps",
            field: "publication.deferralNeedsUntilDate"),
        .init(
            name: "noting as a word", replace: "notedByCommissioner: true", with: "notedByCommissioner: perhaps",
            field: "decisionDelegation.notedByCommissioner"),
        .init(
            name: "roles as one text",
            replace: "roles: [officer, finance, chief-executive, commissioner, project-board-member, auditor, public]",
            with: "roles: officer", field: "roles"),
        .init(
            name: "missing name", replace: "name: Office of the Police and Crime Commissioner for Testshire\n",
            with: "", field: "name"),
        .init(name: "missing reset", replace: "  reset: term\n", with: "", field: "decisionNumbering.reset"),
        .init(
            name: "missing signatories", replace: "signatories:\n  - position: originating-officer",
            with: "oldSignatories:\n  - position: originating-officer", field: "oldSignatories", line: 19),
        .init(name: "bad id", replace: "id: testshire", with: "id: Testshire", field: "id"),
        .init(
            name: "deadline 61", replace: "part1DeadlineWorkingDays: 3", with: "part1DeadlineWorkingDays: 61",
            field: "publication.part1DeadlineWorkingDays"),
        .init(
            name: "reminder 31", replace: "returnReminderWorkingDays: 5", with: "returnReminderWorkingDays: 31",
            field: "returnReminderWorkingDays"),
        .init(
            name: "escalation 0", replace: "returnEscalationWorkingDays: 10", with: "returnEscalationWorkingDays: 0",
            field: "returnEscalationWorkingDays"),
        .init(
            name: "over-commitment 101", replace: "overCommitmentPercent: 3", with: "overCommitmentPercent: 101",
            field: "overCommitmentPercent"),
        .init(
            name: "word limit 0", replace: "executiveSummaryWordLimit: 100", with: "executiveSummaryWordLimit: 0",
            field: "executiveSummaryWordLimit"),
        .init(
            name: "term number 0", replace: "    - number: 3", with: "    - number: 0",
            field: "decisionNumbering.terms[0].number"),
        .init(
            name: "unknown placeholder", replace: "\"TPC{term}-{seq:4}\"", with: "\"TPC{term}-{seq:4}-{month}\"",
            field: "decisionNumbering.template"),
        .init(
            name: "two sequences", replace: "\"TPC{term}-{seq:4}\"", with: "\"TPC{term}-{seq:4}-{seq}\"",
            field: "decisionNumbering.template"),
        .init(
            name: "placeholders touching", replace: "\"TPC{term}-{seq:4}\"", with: "\"TPC{term}{seq:4}\"",
            field: "decisionNumbering.template"),
        .init(
            name: "term reset without {term}", replace: "\"TPC{term}-{seq:4}\"", with: "\"TPC-{seq:4}\"",
            field: "decisionNumbering.template"),
        .init(
            name: "{term} without terms",
            replace: "  terms:\n    - number: 3\n      starts: 2016-05-12\n    - number: 4\n      starts: 2021-05-13\n",
            with: "", field: "decisionNumbering.terms"),
        .init(name: "bad reset", replace: "reset: term", with: "reset: yearly", field: "decisionNumbering.reset"),
        .init(
            name: "unknown role in part2Readers", replace: "part2Readers: [officer,", with: "part2Readers: [wizard,",
            field: "part2Readers[0]"),
        .init(
            name: "public in part2Readers", replace: "part2Readers: [officer,", with: "part2Readers: [public,",
            field: "part2Readers[0]"),
        .init(
            name: "commissioner as delegate", replace: "  role: chief-executive\n  upTo:",
            with: "  role: commissioner\n  upTo:", field: "decisionDelegation.role"),
        .init(name: "amount in thousands", replace: "\"£25,000\"", with: "\"£25k\"", field: "decisionDelegation.upTo"),
        .init(
            name: "virement threshold badly grouped", replace: "\"£50,000\"", with: "\"£5,0000\"",
            field: "virementDecisionAbove"),
        .init(
            name: "carry-forward delegation without below", replace: "  below: \"£10,000\"\n", with: "",
            field: "carryForwardDelegation.below"),
        .init(
            name: "no such day", replace: "assessmentDocumentsRequired: 2026-12-08",
            with: "assessmentDocumentsRequired: 2026-02-30", field: "assessmentDocumentsRequired"),
        .init(
            name: "public must use a second factor", replace: "secondFactorRequiredFor: [finance,",
            with: "secondFactorRequiredFor: [public,", field: "secondFactorRequiredFor[0]"),
        .init(
            name: "unknown role must use a second factor", replace: "secondFactorRequiredFor: [finance,",
            with: "secondFactorRequiredFor: [treasurer,", field: "secondFactorRequiredFor[0]"),
        .init(
            name: "a role twice must use a second factor", replace: "secondFactorRequiredFor: [finance,",
            with: "secondFactorRequiredFor: [commissioner,", field: "secondFactorRequiredFor[2]"),
        .init(
            name: "unknown signatory kind", replace: "kind: consultation", with: "kind: rubber-stamp",
            field: "signatories[1].kind"),
        .init(
            name: "standard section as extra", replace: "[human-rights, sustainability]", with: "[human-rights, legal]",
            field: "extraImplicationSections[1]"),
        .init(
            name: "bad 360Giving prefix", replace: "360G-opcc-testshire", with: "opcc-testshire",
            field: "threeSixtyGivingPrefix"),
        .init(
            name: "unknown key in forwardPlan", replace: "  noticeClearDays: 28",
            with: "  noticeClearDays: 28\n  noticeWorkingDays: 20", field: "forwardPlan.noticeWorkingDays", line: 52),
        .init(
            name: "forward plan on which nothing is key",
            replace: "  keyDecisionAbove: \"£100,000\"\n  significantPublicInterest: true\n", with: "",
            field: "forwardPlan"),
        .init(
            name: "forward plan notice of 0 days", replace: "  noticeClearDays: 28", with: "  noticeClearDays: 0",
            field: "forwardPlan.noticeClearDays"),
        .init(
            name: "forward plan without its notice", replace: "  noticeClearDays: 28\n", with: "",
            field: "forwardPlan.noticeClearDays"),
    ]
}

@Suite(
    "Office profiles: the schema agrees with the loader",
    .enabled(if: OfficeProfileSchema.tool.runs, Comment(rawValue: OfficeProfileSchema.tool.skipReason)))
struct OfficeProfileSchemaTests {
    @Test func everyShippedProfileValidatesAgainstTheSchema() async throws {
        try #require(OfficeProfileSchema.tool.available, Comment(rawValue: OfficeProfileSchema.tool.missingInCI))
        let folder = repositoryRoot.appendingPathComponent("fixtures/offices")
        let files =
            try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "yaml" }
            + ["surrey", "lancashire"].map { repositoryRoot.appendingPathComponent("fixtures/new-office/\($0).yaml") }
        #expect(files.count >= 6)
        let result = try await OfficeProfileSchema.validate(files)
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.components(separatedBy: ": valid").count - 1 == files.count, "\(result.output)")
    }

    @Test func theDocumentsCompleteExampleLoadsAndValidates() async throws {
        try #require(OfficeProfileSchema.tool.available, Comment(rawValue: OfficeProfileSchema.tool.missingInCI))
        let yaml = try OfficeProfileSchema.completeExample()
        let profile = try OfficeProfile.parse(yaml: yaml, source: "example.yaml")
        #expect(profile.numbering.terms.map(\.number) == [3, 4])
        #expect(profile.part2Readers == [.officer, .chiefExecutive, .commissioner, .auditor])
        #expect(profile.assessmentDocumentsRequired == day("2026-12-08"))
        #expect(profile.secondFactorRequiredFor == [.finance, .chiefExecutive, .commissioner])
        #expect(profile.decisionDelegation?.notedByCommissioner == true)
        let result = try await OfficeProfileSchema.validate(yaml: yaml)
        #expect(result.status == 0, "\(result.output)")
    }

    @Test(arguments: BrokenProfile.all)
    func aBrokenProfileIsRefusedByTheLoaderNamingTheKeyAndByTheSchema(broken: BrokenProfile) async throws {
        try #require(OfficeProfileSchema.tool.available, Comment(rawValue: OfficeProfileSchema.tool.missingInCI))
        let example = try OfficeProfileSchema.completeExample()
        try #require(example.contains(broken.replace), "the case must change the example")
        let yaml = example.replacingOccurrences(of: broken.replace, with: broken.with)
        let error = #expect(throws: OfficeProfileError.self) { try OfficeProfile.parse(yaml: yaml, source: "t.yaml") }
        #expect(error?.field == broken.field, "\(String(describing: error))")
        if let line = broken.line {
            #expect(error?.problem.contains("unknown key on line \(line) ") == true, "\(String(describing: error))")
        }
        let result = try await OfficeProfileSchema.validate(yaml: yaml)
        #expect(result.status == 1, "\(result.output)")
        #expect(result.output.contains(": invalid: "), "\(result.output)")
    }
}

/// The loader's own rules for PCC terms, which need no outside tool.
@Suite("Office profiles: PCC terms are named and in range")
struct OfficeProfileTermsTests {
    @Test func aTemplateWithTermButNoTermsNamesTheTermsKey() throws {
        let yaml = """
            id: t
            name: T
            decisionNumbering:
              template: "WPC{term}-{seq:4}"
              reset: term
            publication:
              part1DeadlineWorkingDays: 3
            signatories:
              - {position: o, title: O, kind: declaration, role: officer}
            roles: [officer]
            """
        let error = #expect(throws: OfficeProfileError.self) { try OfficeProfile.parse(yaml: yaml, source: "t.yaml") }
        #expect(error?.field == "decisionNumbering.terms")
        #expect(error?.description.contains("terms: [{number:") == true, "\(String(describing: error))")
    }

    @Test func aTermNumberOutside1To999IsRefused() throws {
        let yaml = try OfficeProfileSchema.completeExample().replacingOccurrences(
            of: "    - number: 4", with: "    - number: 1000")
        let error = #expect(throws: OfficeProfileError.self) { try OfficeProfile.parse(yaml: yaml, source: "t.yaml") }
        #expect(error?.field == "decisionNumbering.terms[1].number")
        #expect(error?.problem.contains("1000") == true)
    }
}
