import Foundation
import Testing

@testable import OPCCCore

/// The folder holding Package.swift, found by walking up from this file.
private let repositoryRoot: URL = {
    var url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    while !FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
        let parent = url.deletingLastPathComponent()
        precondition(parent.path != url.path, "no Package.swift above \(#filePath)")
        url = parent
    }
    return url
}()

private func loadShippedProfile(_ office: String) throws -> OfficeProfile {
    let url = repositoryRoot.appendingPathComponent("fixtures/offices/\(office).yaml")
    let text = try String(contentsOf: url, encoding: .utf8)
    return try OfficeProfile.parse(yaml: text, source: "\(office).yaml")
}

@Suite("Office profiles: the shipped offices")
struct ShippedOfficeProfileTests {
    @Test(arguments: ["cumbria", "leicestershire", "lincolnshire", "west-midlands"])
    func eachShippedProfileLoadsUnderItsFileName(office: String) async throws {
        let profile = try loadShippedProfile(office)
        #expect(profile.id == office)
        #expect(profile.name.contains("Police and Crime Commissioner"))
        #expect(!profile.signatories.isEmpty)
        // Every sign-off is recorded by a role the office uses.
        #expect(profile.signatories.allSatisfy { profile.roles.contains($0.role) })
        #expect(profile.implicationSections.starts(with: OfficeProfile.standardImplicationSections))
        #expect(profile.returnDueWorkingDays == 15)
        #expect(profile.returnReminderWorkingDays == 5)
        #expect(profile.returnEscalationWorkingDays == 10)
    }

    @Test func cumbriaProfileHasTheValuesOfDecision014Of2016() async throws {
        let cumbria = try loadShippedProfile("cumbria")
        #expect(cumbria.name == "Office of the Police and Crime Commissioner for Cumbria")
        #expect(cumbria.orgID == nil)
        #expect(cumbria.numbering.text == "{seq:3}/{year}")
        #expect(cumbria.numbering.reset == .calendarYear)
        #expect(cumbria.part1DeadlineWorkingDays == 3)
        #expect(cumbria.executiveSummaryWordLimit == 100)
        #expect(cumbria.deferralNeedsUntilDate == false)
        #expect(cumbria.part2ReasonPrintedOnPart1 == false)
        #expect(cumbria.extraImplicationSections.isEmpty)
        #expect(cumbria.signatories.count == 2)
        #expect(cumbria.signatories.map(\.position) == ["originating-officer", "chief-executive"])
        #expect(cumbria.signatories.map(\.kind) == [.declaration, .approval])
        #expect(cumbria.signatories.map(\.role) == [.officer, .chiefExecutive])
        #expect(
            cumbria.roles == [
                .officer, .finance, .chiefExecutive, .commissioner, .projectBoardMember, .auditor, .public,
            ])
        #expect(cumbria.numbering.parse("014/2016")?.sequence == 14)
    }

    @Test func lincolnshireProfileHasTheValuesOfDecision007Of2020() async throws {
        let lincolnshire = try loadShippedProfile("lincolnshire")
        #expect(lincolnshire.numbering.text == "{seq:3}/{year}")
        #expect(lincolnshire.part1DeadlineWorkingDays == 1)
        #expect(lincolnshire.executiveSummaryWordLimit == nil)
        #expect(lincolnshire.deferralNeedsUntilDate == true)
        #expect(lincolnshire.part2ReasonPrintedOnPart1 == true)
        #expect(lincolnshire.signatories.count == 6)
        #expect(
            lincolnshire.signatories.map(\.position) == [
                "originating-officer", "force-cfo", "chief-constable", "pcc-cfo", "monitoring-officer",
                "chief-executive",
            ])
        #expect(lincolnshire.signatories.filter { $0.kind == .consultation }.count == 4)
        #expect(lincolnshire.signatories.first { $0.position == "pcc-cfo" }?.role == .finance)
        #expect(lincolnshire.signatories.last?.kind == .approval)
        #expect(lincolnshire.extraImplicationSections == ["human-rights", "review-arrangements"])
        #expect(lincolnshire.implicationSections.count == 9)
        #expect(lincolnshire.numbering.parse("007/2020")?.text == "007/2020")
    }

    @Test func leicestershireAndWestMidlandsCarryTheirAssumedValues() async throws {
        let leicestershire = try loadShippedProfile("leicestershire")
        #expect(leicestershire.part1DeadlineWorkingDays == 5)
        #expect(leicestershire.signatories.count == 2)
        let westMidlands = try loadShippedProfile("west-midlands")
        #expect(westMidlands.part1DeadlineWorkingDays == 2)
        #expect(westMidlands.numbering.text == "WMPCC {seq:3}/{year}")
        #expect(westMidlands.numbering.parse("WMPCC 012/2017")?.sequence == 12)
        #expect(westMidlands.signatories.map(\.role) == [.officer, .finance, .chiefExecutive])
    }
}

/// A small valid profile that each bad case breaks in exactly one place.
private let baseProfile = """
    id: testshire
    name: Office of the Police and Crime Commissioner for Testshire
    orgId: GB-GOR-PC000123
    decisionNumbering:
      template: "{seq:3}/{year}"
      reset: calendar-year
    publication:
      part1DeadlineWorkingDays: 3
      deferralNeedsUntilDate: false
    executiveSummaryWordLimit: 100
    signatories:
      - position: originating-officer
        title: Originating officer declaration
        kind: declaration
        role: officer
      - position: chief-executive
        title: Officer approval
        kind: approval
        role: chief-executive
    roles: [officer, finance, chief-executive, commissioner]
    """

/// One change to `baseProfile` and the field the error must name.
struct BadProfile: Sendable, CustomTestStringConvertible {
    let name: String
    let replace: String
    let with: String
    let field: String
    var testDescription: String { name }

    static let all: [BadProfile] = [
        .init(name: "missing id", replace: "id: testshire\n", with: "", field: "id"),
        .init(name: "bad id characters", replace: "id: testshire", with: "id: Test_Shire", field: "id"),
        .init(
            name: "unknown top-level field", replace: "roles: [", with: "colour: blue\nroles: [", field: "colour"),
        .init(
            name: "deadline as text", replace: "part1DeadlineWorkingDays: 3", with: "part1DeadlineWorkingDays: three",
            field: "publication.part1DeadlineWorkingDays"),
        .init(
            name: "deadline 99", replace: "part1DeadlineWorkingDays: 3", with: "part1DeadlineWorkingDays: 99",
            field: "publication.part1DeadlineWorkingDays"),
        .init(
            name: "deadline missing", replace: "  part1DeadlineWorkingDays: 3\n", with: "",
            field: "publication.part1DeadlineWorkingDays"),
        .init(
            name: "unknown role", replace: "roles: [officer, finance,", with: "roles: [officer, wizard,",
            field: "roles[1]"),
        .init(
            name: "signatory role not in roles", replace: "roles: [officer, finance, chief-executive, commissioner]",
            with: "roles: [officer, finance, commissioner]", field: "signatories[1].role"),
        .init(
            name: "signatory role unknown", replace: "role: chief-executive", with: "role: deputy",
            field: "signatories[1].role"),
        .init(
            name: "duplicate position", replace: "position: chief-executive", with: "position: originating-officer",
            field: "signatories[1].position"),
        .init(
            name: "bad signatory kind", replace: "kind: approval", with: "kind: rubber-stamp",
            field: "signatories[1].kind"),
        .init(
            name: "bad reset name", replace: "reset: calendar-year", with: "reset: yearly",
            field: "decisionNumbering.reset"),
        .init(
            name: "bad template", replace: "\"{seq:3}/{year}\"", with: "\"{seq:3}{year}\"",
            field: "decisionNumbering.template"),
        .init(
            name: "template without year for a yearly reset", replace: "\"{seq:3}/{year}\"", with: "\"{seq:3}\"",
            field: "decisionNumbering.template"),
        .init(name: "bad orgId", replace: "orgId: GB-GOR-PC000123", with: "orgId: gb-gor-PC000123", field: "orgId"),
        .init(
            name: "orgId in two parts", replace: "orgId: GB-GOR-PC000123", with: "orgId: GB-PC000123",
            field: "orgId"),
        .init(
            name: "word limit zero", replace: "executiveSummaryWordLimit: 100", with: "executiveSummaryWordLimit: 0",
            field: "executiveSummaryWordLimit"),
        .init(
            name: "standard section repeated as extra", replace: "roles: [",
            with: "extraImplicationSections: [human-rights, legal]\nroles: [", field: "extraImplicationSections[1]"),
        .init(
            name: "no signatories", replace: "roles: [", with: "signatories: []\nroles: [", field: "signatories"),
        .init(
            name: "return due 61", replace: "roles: [", with: "returnDueWorkingDays: 61\nroles: [",
            field: "returnDueWorkingDays"),
        .init(
            name: "reminder 31", replace: "roles: [", with: "returnReminderWorkingDays: 31\nroles: [",
            field: "returnReminderWorkingDays"),
        .init(
            name: "reminder negative", replace: "roles: [", with: "returnReminderWorkingDays: -1\nroles: [",
            field: "returnReminderWorkingDays"),
        .init(
            name: "reminder as text", replace: "roles: [", with: "returnReminderWorkingDays: five\nroles: [",
            field: "returnReminderWorkingDays"),
        .init(
            name: "escalation 0", replace: "roles: [", with: "returnEscalationWorkingDays: 0\nroles: [",
            field: "returnEscalationWorkingDays"),
        .init(
            name: "escalation 61", replace: "roles: [", with: "returnEscalationWorkingDays: 61\nroles: [",
            field: "returnEscalationWorkingDays"),
        .init(
            name: "misspelled escalation", replace: "roles: [", with: "returnEscalationWorkingDay: 12\nroles: [",
            field: "returnEscalationWorkingDay"),
    ]
}

@Suite("Office profiles: refusing bad profiles")
struct BadOfficeProfileTests {
    @Test func theBaseProfileOfTheBadCasesIsValid() async throws {
        let profile = try OfficeProfile.parse(yaml: baseProfile, source: "testshire.yaml")
        #expect(profile.id == "testshire")
        #expect(profile.orgID == "GB-GOR-PC000123")
        #expect(profile.part1DeadlineWorkingDays == 3)
        #expect(profile.signatories.count == 2)
    }

    @Test(arguments: BadProfile.all)
    func badProfileIsRefusedNamingTheFileAndTheField(bad: BadProfile) async throws {
        try #require(baseProfile.contains(bad.replace), "the case must change the base profile")
        var yaml = baseProfile.replacingOccurrences(of: bad.replace, with: bad.with)
        if bad.name == "no signatories" {
            // Drop the original list so the empty one replaces it rather than duplicating the key.
            let start = try #require(yaml.range(of: "signatories:\n"))
            let end = try #require(yaml.range(of: "signatories: []"))
            yaml.removeSubrange(start.lowerBound..<end.lowerBound)
        }
        let source = "bad-\(bad.name.replacingOccurrences(of: " ", with: "-")).yaml"
        let error = #expect(throws: OfficeProfileError.self) {
            try OfficeProfile.parse(yaml: yaml, source: source)
        }
        #expect(error?.source == source)
        #expect(error?.field == bad.field)
        #expect(error?.description.contains(source) == true)
        #expect(error?.description.contains(bad.field) == true)
        #expect(error?.problem.isEmpty == false)
    }

    @Test func theDeadlineProblemQuotesTheValueAndTheRange() {
        let yaml = baseProfile.replacingOccurrences(
            of: "part1DeadlineWorkingDays: 3", with: "part1DeadlineWorkingDays: 99")
        let error = #expect(throws: OfficeProfileError.self) {
            try OfficeProfile.parse(yaml: yaml, source: "x.yaml")
        }
        #expect(error?.problem.contains("99") == true)
        #expect(error?.problem.contains("60") == true)
    }

    @Test func anUnknownRoleProblemListsTheRoles() {
        let yaml = baseProfile.replacingOccurrences(of: "roles: [officer, finance,", with: "roles: [officer, wizard,")
        let error = #expect(throws: OfficeProfileError.self) {
            try OfficeProfile.parse(yaml: yaml, source: "x.yaml")
        }
        #expect(error?.problem.contains("'wizard'") == true)
        #expect(error?.problem.contains(Role.namesForHelp) == true)
    }

    @Test(arguments: ["", "just text", "- a\n- list\n", "id: [unclosed"])
    func aFileThatIsNotAMappingIsRefusedAsAWhole(yaml: String) {
        let error = #expect(throws: OfficeProfileError.self) {
            try OfficeProfile.parse(yaml: yaml, source: "broken.yaml")
        }
        #expect(error?.source == "broken.yaml")
        #expect(error?.field == "(file)")
    }

    @Test func aMisspelledNestedFieldIsRefusedRatherThanIgnored() {
        // A typo must not silently turn a policy off: here the office means to require an until-date.
        let yaml = baseProfile.replacingOccurrences(
            of: "deferralNeedsUntilDate: false", with: "deferralNeedsUntilDat: true")
        let error = #expect(throws: OfficeProfileError.self) {
            try OfficeProfile.parse(yaml: yaml, source: "typo.yaml")
        }
        #expect(error?.field == "publication.deferralNeedsUntilDat")
    }

    @Test func defaultsApplyWhenOptionalFieldsAreLeftOut() async throws {
        let profile = try OfficeProfile.parse(yaml: baseProfile, source: "testshire.yaml")
        #expect(profile.part2ReasonPrintedOnPart1 == false)
        #expect(profile.returnDueWorkingDays == 15)
        #expect(profile.returnReminderWorkingDays == 5)
        #expect(profile.returnEscalationWorkingDays == 10)
        #expect(profile.extraImplicationSections.isEmpty)
        #expect(profile.implicationSections == OfficeProfile.standardImplicationSections)
    }

    @Test func returnDeadlinesAreReadWhenGiven() async throws {
        let yaml = baseProfile.replacingOccurrences(
            of: "roles: [",
            with: "returnDueWorkingDays: 20\nreturnReminderWorkingDays: 0\nreturnEscalationWorkingDays: 60\nroles: [")
        let profile = try OfficeProfile.parse(yaml: yaml, source: "testshire.yaml")
        #expect(profile.returnDueWorkingDays == 20)
        #expect(profile.returnReminderWorkingDays == 0)
        #expect(profile.returnEscalationWorkingDays == 60)
    }

    @Test(arguments: [
        ("returnReminderWorkingDays", 31, "31 is outside 0…30 working days"),
        ("returnReminderWorkingDays", -1, "-1 is outside 0…30 working days"),
        ("returnEscalationWorkingDays", 0, "0 is outside 1…60 working days"),
        ("returnEscalationWorkingDays", 61, "61 is outside 1…60 working days"),
    ])
    func aReturnDeadlineOutOfRangeIsRefusedQuotingTheValueAndTheRange(field: String, value: Int, problem: String) {
        let yaml = baseProfile.replacingOccurrences(of: "roles: [", with: "\(field): \(value)\nroles: [")
        let error = #expect(throws: OfficeProfileError.self) {
            try OfficeProfile.parse(yaml: yaml, source: "x.yaml")
        }
        #expect(error?.field == field)
        #expect(error?.problem == problem)
        #expect(error?.description == "x.yaml: \(field): \(problem)")
    }
}
