import Foundation
import Testing

/// The sentence planted in the synthetic Part 2 of Lincolnshire 007/2020 (fixtures/decisions/): no Part 1 output may
/// ever contain it.
private let tripwire = "Part 2 test content: not for publication."

/// Lincolnshire's real reason for a Part 2, which its form prints on Part 1.
private let lincolnshirePart2Reason =
    "Publication of the collated data could draw negative stereotyping on areas that already have significant issues."

/// A small Cumbria draft: a summary well under the 100-word limit.
private let cumbriaDraft = """
    title: Hub works grant
    executiveSummary: Funding for the co-located hub in Whitehaven police station.
    recommendation: That the PCC approves £50,000 from the ASB strand.
    amount: "£50,000"
    fundingSource: {strand: ASB, year: 2016/17}

    """

/// A small Lincolnshire draft (no word limit, no funding strand on this form).
private let lincolnshireDraft = """
    title: Neighbourhood pilot evaluation
    executiveSummary: Commission an evaluation of the place-based pilots.
    recommendation: That the PCC approves £10,000.
    amount: "£10,000"

    """

/// A database loaded by `opcc demo`, and `opcc` run against it.
private struct DemoDatabase {
    let path: String

    init(sourceLocation: SourceLocation = #_sourceLocation) async throws {
        path = temporaryDatabase()
        let demo = try await opcc(["demo", "--db", path])
        try #require(demo.status == 0, "opcc demo: \(demo.stderr)", sourceLocation: sourceLocation)
    }

    /// Runs `opcc ARGUMENTS --db PATH`, whatever the outcome.
    func run(_ arguments: [String]) async throws -> CLIResult { try await opcc(arguments + ["--db", path]) }

    /// Runs a command that must succeed.
    @discardableResult
    func succeed(_ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) async throws -> CLIResult {
        let result = try await run(arguments)
        try #require(
            result.status == 0, "opcc \(arguments.joined(separator: " ")): \(result.stderr)",
            sourceLocation: sourceLocation)
        return result
    }

    /// Raises a draft from YAML text and returns the new record's id (`cumbria-DR-0002`).
    func raise(
        _ yaml: String, office: String, as actor: String, on day: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> String {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("draft-\(UUID().uuidString).yaml")
        try yaml.write(to: file, atomically: true, encoding: .utf8)
        let raised = try await succeed(
            ["decision", "raise", "--file", file.path, "--office", office, "--as", actor, "--on", day],
            sourceLocation: sourceLocation)
        try #require(raised.stdout.hasPrefix("raised "), "\(raised.stdout)", sourceLocation: sourceLocation)
        let id = raised.stdout.dropFirst("raised ".count).prefix { $0 != ":" }
        try #require(id.hasPrefix("\(office)-DR-"), "\(raised.stdout)", sourceLocation: sourceLocation)
        return String(id)
    }

    /// A Cumbria record raised, submitted, signed by both positions and referred, every act on `day`.
    func referredCumbriaRecord(on day: String, sourceLocation: SourceLocation = #_sourceLocation) async throws -> String
    {
        let id = try await raise(cumbriaDraft, office: "cumbria", as: "cumbria.officer", on: day)
        let c = ["--office", "cumbria", "--on", day]
        try await succeed(["decision", "submit", id, "--as", "cumbria.officer"] + c, sourceLocation: sourceLocation)
        try await succeed(
            [
                "decision", "sign", id, "--position", "originating-officer", "--name", "A Officer", "--as",
                "cumbria.officer",
            ] + c, sourceLocation: sourceLocation)
        try await succeed(
            [
                "decision", "sign", id, "--position", "chief-executive", "--name", "B Chief", "--as",
                "cumbria.chief-executive",
            ] + c, sourceLocation: sourceLocation)
        try await succeed(
            ["decision", "refer", id, "--as", "cumbria.chief-executive"] + c, sourceLocation: sourceLocation)
        return id
    }

    /// A Cumbria record taken as far as an approval on `day`, and not published.
    func approvedCumbriaRecord(on day: String, sourceLocation: SourceLocation = #_sourceLocation) async throws -> String
    {
        let id = try await referredCumbriaRecord(on: day, sourceLocation: sourceLocation)
        try await succeed(
            [
                "decision", "decide", id, "--approve", "--interests", "none", "--office", "cumbria", "--as",
                "cumbria.pcc", "--on", day,
            ], sourceLocation: sourceLocation)
        return id
    }

    /// The record as `decision show --json` gives it to the reader.
    func show(_ record: String, office: String, as actor: String) async throws -> ShownDecision {
        let shown = try await succeed(["decision", "show", record, "--office", office, "--json", "--as", actor])
        return try JSONDecoder().decode(ShownDecision.self, from: Data(shown.stdout.utf8))
    }

    /// Every audit event of the reader's office, as `audit log --json` prints them.
    func auditEvents(as actor: String = "lincs.auditor") async throws -> [LoggedEvent] {
        let log = try await succeed(["audit", "log", "--json", "--as", actor])
        return try JSONDecoder().decode([LoggedEvent].self, from: Data(log.stdout.utf8))
    }
}

/// The fields of `decision show --json` these tests read.
private struct ShownDecision: Decodable {
    struct SignOff: Decodable {
        var position: String
        var name: String
        var date: String
        var recordedBy: String
    }
    struct Taken: Decodable {
        var outcome: String
        var decisionMaker: String
        var date: String
    }
    var id: String
    var number: String?
    var status: String
    var signOffs: [SignOff]
    var decision: Taken?
    var part1Deadline: String?
    var publishedOn: String?
    var part2Exists: Bool
    var part2Reason: String?
}

/// The fields of an `audit log --json` event these tests read.
private struct LoggedEvent: Decodable {
    var sequence: Int
    var event: String
    var actor: String
    var role: String?
    var instanceID: String?
    var payload: String
}

/// The real 118-word executive summary of Cumbria 014/2016, as the block-scalar lines of its fixture (indented).
private func cumbria014SummaryLines() throws -> [Substring] {
    let text = try String(
        contentsOf: repositoryRoot.appendingPathComponent("fixtures/decisions/cumbria-014-2016.yaml"), encoding: .utf8)
    var lines: [Substring] = []
    var inside = false
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
        if inside {
            guard line.isEmpty || line.hasPrefix("    ") else { break }
            lines.append(line)
        } else {
            inside = line == "  executiveSummary: |-"
        }
    }
    while lines.last?.isEmpty == true { lines.removeLast() }
    return lines
}

@Suite("opcc decision")
struct DecisionCommandTests {
    // MARK: Part 2 stays sealed

    @Test func aNonPart2ReaderNeverSeesTheTripwire() async throws {
        let db = try await DemoDatabase()
        let l = ["--office", "lincolnshire"]
        var outputs: [(String, CLIResult)] = []
        // cumbria.officer is of another office; lincs.finance is of Lincolnshire but not among its Part 2 readers.
        for reader in ["cumbria.officer", "lincs.finance"] {
            let who = ["--as", reader]
            outputs += [
                (
                    "notice md as \(reader)",
                    try await db.run(["decision", "notice", "007/2020", "--format", "md"] + l + who)
                ),
                (
                    "notice html as \(reader)",
                    try await db.run(["decision", "notice", "007/2020", "--format", "html"] + l + who)
                ),
                ("show json as \(reader)", try await db.run(["decision", "show", "007/2020", "--json"] + l + who)),
                ("show text as \(reader)", try await db.run(["decision", "show", "007/2020"] + l + who)),
                ("list csv as \(reader)", try await db.run(["decision", "list", "--format", "csv"] + who)),
                ("list json as \(reader)", try await db.run(["decision", "list", "--json"] + who)),
                ("list text as \(reader)", try await db.run(["decision", "list"] + who)),
            ]
        }
        // The register with no --as is the public's view of published records.
        await outputs += [
            ("public list csv", try db.run(["decision", "list", "--format", "csv"])),
            ("public list json", try db.run(["decision", "list", "--json"])),
            ("public list text", try db.run(["decision", "list"])),
            ("audit log json", try db.run(["audit", "log", "--json", "--as", "lincs.finance"])),
            ("audit log text", try db.run(["audit", "log", "--as", "lincs.finance"])),
        ]
        for (label, result) in outputs {
            #expect(result.status == 0, "\(label): \(result.stderr)")
            // Each output really covers 007/2020, so its silence about Part 2 means something.
            #expect(result.stdout.contains("007/2020"), "\(label) does not show 007/2020")
            #expect(!result.stdout.contains(tripwire), "\(label) leaks Part 2")
            #expect(!result.stderr.contains(tripwire), "\(label) leaks Part 2 on stderr")
        }
        for (label, result) in outputs where label.hasPrefix("notice") {
            #expect(result.stdout.contains("A Part 2 exists for this decision."), "\(label)")
            #expect(result.stdout.contains(lincolnshirePart2Reason), "\(label)")
        }
        let shown = try await db.show("007/2020", office: "lincolnshire", as: "cumbria.officer")
        #expect(shown.part2Exists)
        #expect(shown.part2Reason == lincolnshirePart2Reason)

        // Part 1 search does not look into Part 2: its words find nothing, Part 1's words find the record.
        let hidden = try await db.succeed(["decision", "list", "--search", "Collated demand"])
        #expect(!hidden.stdout.contains("007/2020"))
        let found = try await db.succeed(["decision", "list", "--search", "placed based pilots"])
        #expect(found.stdout.contains("lincolnshire\t007/2020\tpublished"))
    }

    @Test func aPart2ReadByAnAuditorIsAuditedWithoutItsContent() async throws {
        let db = try await DemoDatabase()
        let read = try await db.run([
            "decision", "part2", "007/2020", "--office", "lincolnshire", "--as", "lincs.auditor",
        ])
        #expect(read.status == 0, "\(read.stderr)")
        #expect(read.stdout.contains(tripwire))

        let reads = try await db.auditEvents().filter { $0.event == "part2-read" }
        #expect(reads.count == 1)
        #expect(reads.first?.actor == "lincs.auditor")
        #expect(reads.first?.role == "auditor")
        #expect(reads.first?.instanceID == "lincolnshire-DR-0001")
        #expect(reads.first?.payload.contains("007/2020") == true)
        for format in [["--json"], []] {
            let log = try await db.succeed(["audit", "log", "--as", "lincs.auditor"] + format)
            #expect(log.stdout.contains("part2-read"))
            #expect(!log.stdout.contains(tripwire))
        }

        let refused = try await db.run(
            ["decision", "part2", "007/2020", "--office", "lincolnshire", "--as", "lincs.finance"])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("part2-readers-only"))
        #expect(!refused.stderr.contains(tripwire))
        #expect(!refused.stdout.contains(tripwire))
        // A refused read leaves no read event behind.
        await #expect(try db.auditEvents().filter { $0.event == "part2-read" }.count == 1)
    }

    // MARK: The live workflow

    @Test func theLiveLifecycleRunsFromRaiseToPublish() async throws {
        let db = try await DemoDatabase()
        let id = try await db.raise(cumbriaDraft, office: "cumbria", as: "cumbria.officer", on: "2016-04-01")
        #expect(id == "cumbria-DR-0003")
        let c = ["--office", "cumbria"]
        let submit = try await db.succeed(
            ["decision", "submit", id, "--as", "cumbria.officer", "--on", "2016-04-04"] + c)
        // The demo imported 014/2016 and its grant round's decision is 015/2016, so 2016's sequence continues at 016.
        #expect(submit.stdout == "016/2016: awaiting-sign-offs\n")
        try await db.succeed(
            [
                "decision", "sign", id, "--position", "originating-officer", "--name", "A Officer", "--as",
                "cumbria.officer", "--on", "2016-04-04",
            ] + c)
        try await db.succeed(
            [
                "decision", "sign", id, "--position", "chief-executive", "--name", "B Chief", "--as",
                "cumbria.chief-executive", "--on", "2016-04-05",
            ] + c)
        let refer = try await db.succeed(
            ["decision", "refer", id, "--as", "cumbria.chief-executive", "--on", "2016-04-05"] + c)
        #expect(refer.stdout == "016/2016: with-decision-maker\n")
        let decide = try await db.succeed(
            [
                "decision", "decide", id, "--approve", "--interests", "none", "--as", "cumbria.pcc", "--on",
                "2016-04-06",
            ] + c)
        // Wednesday 6 April 2016 plus Cumbria's 3 working days.
        #expect(decide.stdout == "016/2016: approved (Part 1 due by 2016-04-11)\n")
        let publish = try await db.succeed(
            ["decision", "publish", id, "--as", "cumbria.officer", "--on", "2016-04-07"] + c)
        #expect(publish.stdout == "016/2016: published\n")

        let shown = try await db.show("016/2016", office: "cumbria", as: "cumbria.auditor")
        #expect(shown.id == id)
        #expect(shown.number == "016/2016")
        #expect(shown.status == "published")
        #expect(shown.signOffs.map(\.position) == ["originating-officer", "chief-executive"])
        #expect(shown.signOffs.map(\.date) == ["2016-04-04", "2016-04-05"])
        #expect(shown.signOffs.map(\.name) == ["A Officer", "B Chief"])
        #expect(shown.signOffs.map(\.recordedBy) == ["cumbria.officer", "cumbria.chief-executive"])
        #expect(shown.decision?.outcome == "approved")
        #expect(shown.decision?.decisionMaker == "Police and Crime Commissioner for Cumbria")
        #expect(shown.decision?.date == "2016-04-06")
        #expect(shown.part1Deadline == "2016-04-11")
        #expect(shown.publishedOn == "2016-04-07")
        let verify = try await db.run(["audit", "verify"])
        #expect(verify.status == 0, "\(verify.stderr)")
    }

    @Test func submittingThe118WordSummaryLiveIsRefused() async throws {
        let lines = try cumbria014SummaryLines()
        #expect(lines.joined(separator: "\n").split(whereSeparator: \.isWhitespace).count == 118)
        let yaml =
            "title: VLI again\nexecutiveSummary: |-\n" + lines.joined(separator: "\n") + "\n"
            + "recommendation: That the PCC supports the VLI project.\namount: \"£100,000\"\n"
        let db = try await DemoDatabase()
        let id = try await db.raise(yaml, office: "cumbria", as: "cumbria.officer", on: "2016-04-01")
        let submit = try await db.run(
            ["decision", "submit", id, "--office", "cumbria", "--as", "cumbria.officer", "--on", "2016-04-04"])
        #expect(submit.status == 1)
        #expect(submit.stderr.contains("executive-summary-word-limit"))
        #expect(submit.stderr.contains("words: 118, limit: 100"))
        // Refused: still a draft, and no number was taken.
        let shown = try await db.show(id, office: "cumbria", as: "cumbria.officer")
        #expect(shown.status == "draft")
        #expect(shown.number == nil)
    }

    @Test func referralBeforeEverySignOffIsRefused() async throws {
        let db = try await DemoDatabase()
        let id = try await db.raise(cumbriaDraft, office: "cumbria", as: "cumbria.officer", on: "2016-04-01")
        let c = ["--office", "cumbria", "--on", "2016-04-04"]
        try await db.succeed(["decision", "submit", id, "--as", "cumbria.officer"] + c)
        try await db.succeed(
            [
                "decision", "sign", id, "--position", "originating-officer", "--name", "A Officer", "--as",
                "cumbria.officer",
            ] + c)
        let early = try await db.run(["decision", "refer", id, "--as", "cumbria.chief-executive"] + c)
        #expect(early.status == 1)
        #expect(early.stderr.contains("all-required-sign-offs-in"))
        #expect(early.stderr.contains("Officer approval (Chief Executive or Deputy Chief Executive)"))
        #expect(!early.stderr.contains("Originating officer declaration"))
        await #expect(try db.show(id, office: "cumbria", as: "cumbria.officer").status == "awaiting-sign-offs")

        try await db.succeed(
            [
                "decision", "sign", id, "--position", "chief-executive", "--name", "B Chief", "--as",
                "cumbria.chief-executive",
            ] + c)
        let refer = try await db.succeed(["decision", "refer", id, "--as", "cumbria.chief-executive"] + c)
        #expect(refer.stdout.contains("with-decision-maker"))
    }

    @Test func anOfficerCannotRecordTheChiefExecutivesApproval() async throws {
        let db = try await DemoDatabase()
        let id = try await db.raise(cumbriaDraft, office: "cumbria", as: "cumbria.officer", on: "2016-04-01")
        let c = ["--office", "cumbria", "--on", "2016-04-04"]
        try await db.succeed(["decision", "submit", id, "--as", "cumbria.officer"] + c)
        let refused = try await db.run(
            ["decision", "sign", id, "--position", "chief-executive", "--name", "B Chief", "--as", "cumbria.officer"]
                + c)
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("sign-off-by-role-holder"))
        await #expect(try db.show(id, office: "cumbria", as: "cumbria.officer").signOffs.isEmpty)
        try await db.succeed(
            [
                "decision", "sign", id, "--position", "chief-executive", "--name", "B Chief", "--as",
                "cumbria.chief-executive",
            ] + c)
        let signed = try await db.show(id, office: "cumbria", as: "cumbria.officer")
        #expect(signed.signOffs.map(\.position) == ["chief-executive"])
    }

    @Test func theDecisionNeedsAnInterestsDeclaration() async throws {
        let db = try await DemoDatabase()
        let id = try await db.referredCumbriaRecord(on: "2016-04-04")
        let c = ["--office", "cumbria", "--as", "cumbria.pcc", "--on", "2016-04-05"]
        let omitted = try await db.run(["decision", "decide", id, "--approve"] + c)
        #expect(omitted.status == 64)
        #expect(omitted.stderr.contains("--interests"))
        let blank = try await db.run(["decision", "decide", id, "--approve", "--interests", ""] + c)
        #expect(blank.status == 1)
        #expect(blank.stderr.contains("declaration-of-interests"))
        let spaces = try await db.run(["decision", "decide", id, "--approve", "--interests", "   "] + c)
        #expect(spaces.status == 1)
        #expect(spaces.stderr.contains("declaration-of-interests"))
        await #expect(try db.show(id, office: "cumbria", as: "cumbria.officer").status == "with-decision-maker")
        let decided = try await db.succeed(["decision", "decide", id, "--approve", "--interests", "none"] + c)
        #expect(decided.stdout.contains("approved"))
    }

    @Test func lincolnshireDeferralNeedsAnUntilDate() async throws {
        let db = try await DemoDatabase()
        let id = try await db.raise(lincolnshireDraft, office: "lincolnshire", as: "lincs.officer", on: "2021-02-01")
        let l = ["--office", "lincolnshire"]
        let submit = try await db.succeed(
            ["decision", "submit", id, "--as", "lincs.officer", "--on", "2021-02-01"] + l)
        #expect(submit.stdout.hasPrefix("001/2021: "))
        // Who records each sign-off, per fixtures/offices/lincolnshire.yaml.
        let signers = [
            ("originating-officer", "lincs.officer"), ("force-cfo", "lincs.officer"),
            ("chief-constable", "lincs.officer"), ("pcc-cfo", "lincs.finance"), ("monitoring-officer", "lincs.officer"),
            ("chief-executive", "lincs.chief-executive"),
        ]
        for (position, signer) in signers {
            try await db.succeed(
                [
                    "decision", "sign", id, "--position", position, "--name", "Signatory", "--initials", "SG", "--as",
                    signer, "--on", "2021-02-02",
                ] + l)
        }
        try await db.succeed(["decision", "refer", id, "--as", "lincs.chief-executive", "--on", "2021-02-02"] + l)
        let decide = try await db.succeed(
            ["decision", "decide", id, "--approve", "--interests", "none", "--as", "lincs.pcc", "--on", "2021-02-03"]
                + l)
        // One working day in Lincolnshire.
        #expect(decide.stdout.contains("Part 1 due by 2021-02-04"))

        let undated = try await db.run(
            [
                "decision", "defer", id, "--reason", "procurement under way", "--as", "lincs.officer", "--on",
                "2021-02-03",
            ] + l)
        #expect(undated.status == 1)
        #expect(undated.stderr.contains("deferral-needs-until-date"))
        let notYet = try await db.succeed(["decision", "list", "--deferred", "--as", "lincs.officer"] + l)
        #expect(!notYet.stdout.contains("001/2021"))

        let dated = try await db.succeed(
            [
                "decision", "defer", id, "--reason", "procurement under way", "--until", "2021-03-01", "--as",
                "lincs.officer", "--on", "2021-02-03",
            ] + l)
        #expect(dated.stdout == "001/2021: publication-deferred (Part 1 due by 2021-03-01)\n")
        let deferred = try await db.succeed(["decision", "list", "--deferred", "--as", "lincs.officer"] + l)
        #expect(deferred.stdout.contains("lincolnshire\t001/2021\tpublication-deferred"))
        #expect(!deferred.stdout.contains("007/2020"))
        let shown = try await db.show(id, office: "lincolnshire", as: "lincs.officer")
        #expect(shown.status == "publication-deferred")
        #expect(shown.part1Deadline == "2021-03-01")
    }

    @Test func anUndatedCumbriaDeferralIsOnTheReviewList() async throws {
        let db = try await DemoDatabase()
        let id = try await db.approvedCumbriaRecord(on: "2017-01-04")
        let c = ["--office", "cumbria", "--as", "cumbria.officer"]
        let before = try await db.succeed(["decision", "list", "--undated-deferrals"] + c)
        #expect(!before.stdout.contains("001/2017"))
        // Cumbria's form asks for an until-date only "if known".
        let deferred = try await db.succeed(
            ["decision", "defer", id, "--reason", "procurement under way", "--on", "2017-01-05"] + c)
        #expect(deferred.stdout == "001/2017: publication-deferred\n")
        let review = try await db.succeed(["decision", "list", "--undated-deferrals"] + c)
        #expect(review.stdout.contains("cumbria\t001/2017\tpublication-deferred"))
        #expect(!review.stdout.contains("014/2016"))
    }

    @Test func anOverdueRecordIsListed() async throws {
        let db = try await DemoDatabase()
        let c = ["--office", "cumbria", "--as", "cumbria.officer"]
        let none = try await db.succeed(["decision", "list", "--overdue"] + c)
        #expect(none.stdout == "no decision records match\n")
        // Approved on 4 January 2017, due by the 9th, never published.
        _ = try await db.approvedCumbriaRecord(on: "2017-01-04")
        let overdue = try await db.succeed(["decision", "list", "--overdue"] + c)
        #expect(overdue.stdout.contains("cumbria\t001/2017\tapproved"))
        #expect(overdue.stdout.contains("due 2017-01-09"))
        #expect(!overdue.stdout.contains("014/2016"))
    }

    @Test func withdrawalNeedsAReasonAndTheNumberIsNeverReused() async throws {
        let db = try await DemoDatabase()
        let c = ["--office", "cumbria", "--as", "cumbria.officer"]
        let first = try await db.raise(cumbriaDraft, office: "cumbria", as: "cumbria.officer", on: "2016-05-02")
        let submitted = try await db.succeed(["decision", "submit", first, "--on", "2016-05-02"] + c)
        #expect(submitted.stdout.hasPrefix("016/2016: "))

        let noReason = try await db.run(["decision", "withdraw", first, "--on", "2016-05-03"] + c)
        #expect(noReason.status == 64)
        let blankReason = try await db.run(["decision", "withdraw", first, "--reason", "", "--on", "2016-05-03"] + c)
        #expect(blankReason.status == 1)
        #expect(blankReason.stderr.contains("reason-given"))
        let withdrawn = try await db.succeed(
            ["decision", "withdraw", first, "--reason", "duplicate", "--on", "2016-05-03"] + c)
        #expect(withdrawn.stdout == "016/2016: withdrawn\n")

        let second = try await db.raise(cumbriaDraft, office: "cumbria", as: "cumbria.officer", on: "2016-05-04")
        let next = try await db.succeed(["decision", "submit", second, "--on", "2016-05-04"] + c)
        #expect(next.stdout == "017/2016: awaiting-sign-offs\n")
        await #expect(try db.show("016/2016", office: "cumbria", as: "cumbria.officer").id == first)
        await #expect(try db.show("016/2016", office: "cumbria", as: "cumbria.officer").status == "withdrawn")
        await #expect(try db.show("017/2016", office: "cumbria", as: "cumbria.officer").id == second)
    }

    // MARK: Import and lookup

    @Test func importingTheSameRecordTwiceIsRefused() async throws {
        let db = try await DemoDatabase()
        let headBefore = try await db.succeed(["audit", "head"]).stdout
        let eventsBefore = try await db.auditEvents(as: "cumbria.auditor").count
        let again = try await db.run(
            [
                "decision", "import", "fixtures/decisions/cumbria-014-2016.yaml", "--office", "cumbria", "--as",
                "cumbria.officer",
            ])
        #expect(again.status == 1)
        #expect(again.stderr.contains("decision-number-unique"))
        await #expect(try db.succeed(["audit", "head"]).stdout == headBefore)
        await #expect(try db.auditEvents(as: "cumbria.auditor").count == eventsBefore)
        let register = try await db.succeed(["decision", "list", "--office", "cumbria", "--as", "cumbria.officer"])
        #expect(register.stdout.components(separatedBy: "014/2016").count == 2)
    }

    @Test func surreyStyleLookupTreatsUnpaddedNumbersAsTheSame() async throws {
        let db = try await DemoDatabase()
        let text = try await db.succeed([
            "decision", "show", "14/2016", "--office", "cumbria", "--as", "cumbria.officer",
        ])
        #expect(text.stdout.contains("Request for PCC Decision 014/2016"))
        let shown = try await db.show("14/2016", office: "cumbria", as: "cumbria.officer")
        #expect(shown.number == "014/2016")
        #expect(shown.id == "cumbria-DR-0001")
        let unknown = try await db.run([
            "decision", "show", "13/2016", "--office", "cumbria", "--as", "cumbria.officer",
        ])
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("known-decision"))
    }
}

@Suite("opcc decision: an act taken at a version")
struct DecisionActVersionCommandTests {
    /// `--version N` on an act: a stale version is refused as a conflict and nothing changes; the current one (as
    /// `decision show --as` prints it) is taken.
    @Test func anActAtAStaleVersionIsRefusedAndChangesNothingAndTheCurrentVersionIsTaken() async throws {
        let db = try await DemoDatabase()
        let id = try await db.raise(cumbriaDraft, office: "cumbria", as: "cumbria.officer", on: "2016-03-01")
        let stale = try await db.run(
            ["decision", "submit", id, "--version", "99", "--office", "cumbria", "--as", "cumbria.officer"])
        #expect(stale.status != 0)
        #expect(stale.stderr.contains("changed since you opened it at version 99"), "\(stale.stderr)")
        let shown = try await db.succeed(["decision", "show", id, "--office", "cumbria", "--as", "cumbria.officer"])
        #expect(shown.stdout.contains("draft"), "\(shown.stdout)")
        let version = try #require(
            shown.stdout.split(separator: "\n").first { $0.hasPrefix("Version ") }?
                .dropFirst("Version ".count).prefix { $0.isNumber })
        let submitted = try await db.succeed(
            ["decision", "submit", id, "--version", String(version), "--office", "cumbria", "--as", "cumbria.officer"])
        #expect(submitted.stdout.contains("awaiting-sign-offs"), "\(submitted.stdout)")
    }
}

@Suite("CLI: a delegated decision noted by the Commissioner (opcc decision note)")
struct DecisionNoteCommandTests {
    @Test func theCommissionerNotesALancashireDelegatedDecisionOnTheDayGivenAndOnlyOnce() async throws {
        let db = try await DemoDatabase()
        let profile = repositoryRoot.appendingPathComponent("fixtures/new-office/lancashire.yaml").path
        try await db.succeed(["office", "add", "--file", profile, "--as", "t.setup"])
        let l = ["--office", "lancashire"]
        try await db.succeed(["user", "add", "lancs.chief-executive", "--role", "chief-executive"] + l)
        try await db.succeed(
            ["user", "add", "lancs.officer", "--role", "officer", "--as", "lancs.chief-executive"] + l)
        try await db.succeed(
            ["user", "add", "lancs.pcc", "--role", "commissioner", "--as", "lancs.chief-executive"] + l)
        let id = try await db.raise(lincolnshireDraft, office: "lancashire", as: "lancs.officer", on: "2026-11-02")
        let on = l + ["--on", "2026-11-02"]
        try await db.succeed(["decision", "submit", id, "--as", "lancs.officer"] + on)
        try await db.succeed(
            [
                "decision", "sign", id, "--position", "originating-officer", "--name", "A Officer", "--as",
                "lancs.officer",
            ]
                + on)
        try await db.succeed(["decision", "refer", id, "--as", "lancs.officer"] + on)
        try await db.succeed(
            ["decision", "decide", id, "--approve", "--interests", "none", "--as", "lancs.chief-executive"] + on)
        let early = try await db.run(["decision", "publish", id, "--as", "lancs.officer"] + on)
        #expect(early.status == 1)
        #expect(early.stderr.contains("noted-before-publication"), "\(early.stderr)")
        let backwards = try await db.run(["decision", "note", id, "--as", "lancs.pcc"] + l + ["--on", "2026-11-01"])
        #expect(backwards.status == 1)
        #expect(backwards.stderr.contains("effective-dates-never-go-backwards"), "\(backwards.stderr)")
        let noted = try await db.succeed(["decision", "note", id, "--as", "lancs.pcc"] + l + ["--on", "2026-11-04"])
        #expect(noted.stdout.contains("approved"))
        let again = try await db.run(["decision", "note", id, "--as", "lancs.pcc"] + l)
        #expect(again.status == 1)
        #expect(again.stderr.contains("noted-once"), "\(again.stderr)")
        let shown = try await db.succeed(["decision", "show", id, "--as", "lancs.officer"] + l)
        #expect(shown.stdout.contains("Delegated decision"))
        #expect(shown.stdout.contains("Decisions up to £50,000"))
        #expect(shown.stdout.contains("2026-11-04"))
        let help = try await db.run(["decision", "note", "--help"])
        #expect(help.stdout.contains("Example: opcc decision note"))
    }
}
