import OPCCCore
import Testing

@testable import OPCCServices

/// The public decision notice must show Part 1 in form order and never Part 2's content.
struct DecisionNoticeTests {
    static let tripwire = "Part 2 test content: not for publication."
    static let lincolnshireReason =
        "Publication of the collated data could draw negative stereotyping on areas that already have "
        + "significant issues."

    /// The shape of fixtures/offices/cumbria.yaml.
    static let cumbriaYAML = """
        id: cumbria
        name: Office of the Police and Crime Commissioner for Cumbria
        decisionNumbering:
          template: "{seq:3}/{year}"
          reset: calendar-year
        publication:
          part1DeadlineWorkingDays: 3
          deferralNeedsUntilDate: false
          part2ReasonPrintedOnPart1: false
        executiveSummaryWordLimit: 100
        signatories:
          - position: originating-officer
            title: Originating officer declaration
            kind: declaration
            role: officer
          - position: chief-executive
            title: Officer approval (Chief Executive or Deputy Chief Executive)
            kind: approval
            role: chief-executive
        decisionDelegation:
          role: chief-executive
        roles: [officer, finance, chief-executive, commissioner, project-board-member, auditor, public]
        """

    /// The shape of fixtures/offices/lincolnshire.yaml.
    static let lincolnshireYAML = """
        id: lincolnshire
        name: Office of the Police and Crime Commissioner for Lincolnshire
        decisionNumbering:
          template: "{seq:3}/{year}"
          reset: calendar-year
        publication:
          part1DeadlineWorkingDays: 1
          deferralNeedsUntilDate: true
          part2ReasonPrintedOnPart1: true
        extraImplicationSections: [human-rights, review-arrangements]
        signatories:
          - position: originating-officer
            title: "Originating Officer: the ACC recommends this proposal"
            kind: declaration
            role: officer
          - position: force-cfo
            title: The CC's Chief Finance Officer has been consulted
            kind: consultation
            role: officer
          - position: chief-constable
            title: The Chief Constable has been consulted
            kind: consultation
            role: officer
          - position: pcc-cfo
            title: The PCC's Chief Finance Officer has been consulted
            kind: consultation
            role: finance
          - position: monitoring-officer
            title: The PCC's Monitoring Officer has been consulted
            kind: consultation
            role: officer
          - position: chief-executive
            title: Officer approval (Chief Executive)
            kind: approval
            role: chief-executive
        roles: [officer, finance, chief-executive, commissioner, project-board-member, auditor, public]
        """

    static func cumbria() throws -> OfficeProfile { try OfficeProfile.parse(yaml: cumbriaYAML, source: "cumbria") }

    static func lincolnshire() throws -> OfficeProfile {
        try OfficeProfile.parse(yaml: lincolnshireYAML, source: "lincolnshire")
    }

    static func date(_ iso: String) -> Day { try! Day(iso: iso) }

    /// Cumbria 014/2016 (seed 000), with a Part 2 holding the tripwire sentence. Sign-offs are recorded out of form
    /// order on purpose.
    static func cumbriaRecord() -> DecisionRecord {
        var record = DecisionRecord(
            id: "cumbria-DR-0001", office: "cumbria", title: "Vulnerable Localities Index (VLI) Project",
            originatingOfficer: "vstafford")
        record.number = "014/2016"
        record.executiveSummary = "The VLI is a method which can help to identify residential neighbourhoods."
        record.recommendation = "That the PCC supports the VLI project and approves £100,000."
        record.amount = Money(pounds: 100_000)
        record.fundingSource = FundingSource(strand: "ASB", year: FinancialYear(startYear: 2015))
        record.introductionAndBackground = "The VLI is a popular analytical method.\n\nIt has been widely adopted."
        record.issuesForConsideration = "Significant partnership working has taken place."
        record.implications = [
            "financial": "The commissioning budget will support the VLI pilot from the ASB strand.",
            "risk": "Each district will have a project board.",
        ]
        record.part2 = Part2(exists: true, reason: lincolnshireReason, content: tripwire, complete: true)
        record.signOffs = [
            SignOff(
                position: "chief-executive", name: "Stuart Edwards", day: date("2016-03-07"), recordedBy: "sedwards"),
            SignOff(
                position: "originating-officer", name: "Vivian Stafford", day: date("2016-03-06"),
                recordedBy: "vstafford"),
        ]
        record.decision = DecisionTaken(
            outcome: .approved, decisionMaker: "Richard Rhodes", role: .commissioner, day: date("2016-03-09"),
            interestsDeclared: "None")
        record.part1Deadline = date("2016-03-14")
        record.publishedOn = date("2016-03-10")
        return record
    }

    /// Lincolnshire 007/2020 (seed 004) with its initialled consultations, recorded in reverse form order.
    static func lincolnshireRecord() -> DecisionRecord {
        var record = DecisionRecord(
            id: "lincolnshire-DR-0007", office: "lincolnshire", title: "Demand and Data Quality",
            originatingOfficer: "mhousley")
        record.number = "007/2020"
        record.implications = ["financial": "This programme requests £100K as a one-off cost."]
        record.part2 = Part2(exists: true, reason: lincolnshireReason, content: tripwire, complete: true)
        let people: [(String, String, String?)] = [
            ("originating-officer", "K R", "KR"), ("force-cfo", "S C", "SC"), ("chief-constable", "B S", "BS"),
            ("pcc-cfo", "J F", "JF"), ("monitoring-officer", "M B", "MB"), ("chief-executive", "Chief Executive", nil),
        ]
        record.signOffs = people.enumerated().reversed().map { offset, person in
            SignOff(
                position: person.0, name: person.1, initials: person.2, day: date("2020-05-\(10 + offset)"),
                recordedBy: "officer")
        }
        return record
    }

    static func position(of needle: String, in haystack: String) -> String.Index? {
        haystack.firstRange(of: needle)?.lowerBound
    }

    @Test func theNoticeNeverContainsPart2Content() async throws {
        let cases = [(Self.cumbriaRecord(), try Self.cumbria()), (Self.lincolnshireRecord(), try Self.lincolnshire())]
        for (record, profile) in cases {
            for output in [
                DecisionNotice.markdown(record, status: "published", profile: profile),
                DecisionNotice.html(record, status: "published", profile: profile),
            ] {
                #expect(!output.contains(Self.tripwire))
                #expect(!output.contains("not for publication"))
                #expect(output.contains("A Part 2 exists for this decision."))
                #expect(output.contains(DecisionNotice.foiaFooter))
            }
        }
        var none = Self.cumbriaRecord()
        none.part2 = Part2(exists: false, content: Self.tripwire)
        let markdown = DecisionNotice.markdown(none, status: "draft", profile: try Self.cumbria())
        #expect(markdown.contains("There is no Part 2 for this decision."))
        #expect(!markdown.contains(Self.tripwire))
    }

    @Test func lincolnshirePrintsThePart2ReasonAndCumbriaDoesNot() async throws {
        let lincolnshire = try Self.lincolnshire()
        let cumbria = try Self.cumbria()
        let record = Self.lincolnshireRecord()
        #expect(
            DecisionNotice.markdown(record, status: "published", profile: lincolnshire)
                .contains("- **Reason for Part 2:** \(Self.lincolnshireReason)"))
        #expect(
            DecisionNotice.html(record, status: "published", profile: lincolnshire)
                .contains("<dt>Reason for Part 2</dt><dd>\(Self.lincolnshireReason)</dd>"))
        for output in [
            DecisionNotice.markdown(Self.cumbriaRecord(), status: "published", profile: cumbria),
            DecisionNotice.html(Self.cumbriaRecord(), status: "published", profile: cumbria),
        ] {
            #expect(!output.contains(Self.lincolnshireReason))
            #expect(!output.contains("Reason for Part 2"))
            #expect(output.contains("A Part 2 exists for this decision."))
        }
    }

    @Test func htmlEscapesEveryField() async throws {
        let hostile = "<script>alert(\"x\")</script> & 'q'"
        let escaped = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;q&#39;"
        var record = Self.cumbriaRecord()
        record.title = hostile
        record.number = hostile
        record.executiveSummary = hostile
        record.recommendation = hostile
        record.fundingSource = FundingSource(strand: hostile, year: FinancialYear(startYear: 2015))
        record.introductionAndBackground = hostile
        record.issuesForConsideration = hostile
        record.implications = ["financial": hostile, "<b>odd-key</b>": hostile]
        record.backgroundPapers = hostile
        record.publication = PublicationChoice(deferred: true, reason: hostile, until: Self.date("2016-04-01"))
        record.signOffs = [
            SignOff(
                position: hostile, name: hostile, initials: hostile, day: Self.date("2016-03-07"), recordedBy: "x")
        ]
        record.decision = DecisionTaken(
            outcome: .notApproved, decisionMaker: hostile, role: .chiefExecutive, day: Self.date("2016-03-09"),
            interestsDeclared: hostile)
        record.exceptions = [
            FlaggedException(rule: hostile, message: hostile, act: "import", day: Self.date("2016-03-09"))
        ]
        let html = DecisionNotice.html(record, status: hostile, profile: try Self.lincolnshire())
        #expect(html.contains("<h1>\(escaped)</h1>"))
        #expect(html.contains("<title>Decision \(escaped): \(escaped)</title>"))
        #expect(html.ranges(of: escaped).count >= 18)
        #expect(!html.contains("<script"))
        #expect(!html.contains("alert(\"x\")"))
        #expect(!html.contains("'q'"))
        #expect(!html.contains("<b>"))
        #expect(html.contains("Implications: &lt;b&gt;odd key&lt;/b&gt;"))
    }

    /// The notice and the notification mails escaped a `Character` at a time, so a quote followed by a combining
    /// mark (one `Character`) was left bare and could end an attribute value.
    @Test func aQuoteFollowedByACombiningMarkIsEscapedInTheNotice() {
        #expect(DecisionNotice.escape("x\"\u{301} onmouseover=y") == "x&quot;\u{301} onmouseover=y")
        #expect(DecisionNotice.escape("'\u{20DD}<\u{338}") == "&#39;\u{20DD}&lt;\u{338}")
    }

    @Test func htmlIsAStandaloneAccessiblePage() async throws {
        let html = DecisionNotice.html(Self.cumbriaRecord(), status: "published", profile: try Self.cumbria())
        #expect(html.hasPrefix("<!DOCTYPE html>\n"))
        #expect(html.contains("<html lang=\"en-GB\">"))
        #expect(html.contains("<meta charset=\"utf-8\">"))
        #expect(html.contains("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"))
        #expect(html.contains("<title>Decision 014/2016: Vulnerable Localities Index (VLI) Project</title>"))
        #expect(html.ranges(of: "<h1").count == 1)
        #expect(html.ranges(of: "<main").count == 1)
        #expect(html.ranges(of: "</main>").count == 1)
        #expect(html.contains("<h2>Executive summary</h2>"))
        #expect(html.contains("<dl>"))
        #expect(html.contains("<caption>"))
        #expect(html.contains("<th scope=\"col\">Position</th>"))
        #expect(html.contains("<style>"))
        #expect(html.contains(":focus"))
        #expect(html.contains("<p>The VLI is a popular analytical method.</p>\n<p>It has been widely adopted.</p>"))
        #expect(html.contains("<dt>Amount</dt><dd>£100,000.00</dd>"))
        #expect(html.contains("<dt>Financial year</dt><dd>2015/16</dd>"))
        #expect(!html.contains("<script"))
        #expect(!html.contains("<link"))
        #expect(!html.contains("src="))
        #expect(!html.contains("http"))
        #expect(html.hasSuffix("</html>\n"))
    }

    @Test func signOffsAppearInFormOrderWithDates() async throws {
        let cumbria = DecisionNotice.markdown(Self.cumbriaRecord(), status: "published", profile: try Self.cumbria())
        let originating = "| Originating officer declaration | Vivian Stafford | — | 2016-03-06 |"
        let approval =
            "| Officer approval (Chief Executive or Deputy Chief Executive) | Stuart Edwards | — | 2016-03-07 |"
        let first = try #require(Self.position(of: originating, in: cumbria))
        let second = try #require(Self.position(of: approval, in: cumbria))
        #expect(first < second)

        let html = DecisionNotice.html(Self.lincolnshireRecord(), status: "published", profile: try Self.lincolnshire())
        let rows = [
            "<th scope=\"row\">Originating Officer: the ACC recommends this proposal</th><td>K R</td><td>KR</td>"
                + "<td>2020-05-10</td>",
            "<th scope=\"row\">The CC&#39;s Chief Finance Officer has been consulted</th><td>S C</td><td>SC</td>"
                + "<td>2020-05-11</td>",
            "<th scope=\"row\">The Chief Constable has been consulted</th><td>B S</td><td>BS</td><td>2020-05-12</td>",
            "<th scope=\"row\">The PCC&#39;s Chief Finance Officer has been consulted</th><td>J F</td><td>JF</td>"
                + "<td>2020-05-13</td>",
            "<th scope=\"row\">The PCC&#39;s Monitoring Officer has been consulted</th><td>M B</td><td>MB</td>"
                + "<td>2020-05-14</td>",
            "<th scope=\"row\">Officer approval (Chief Executive)</th><td>Chief Executive</td><td>—</td>"
                + "<td>2020-05-15</td>",
        ]
        let positions = try rows.map { try #require(Self.position(of: $0, in: html)) }
        #expect(positions == positions.sorted())
    }

    @Test func flaggedExceptionsAreShown() async throws {
        var record = Self.cumbriaRecord()
        record.exceptions = [
            FlaggedException(
                rule: "part1-deadline",
                message: "Part 1 was published 5 working days after approval; the office allows 3.",
                act: "import", day: Self.date("2024-01-15"))
        ]
        let expected =
            "Accepted as an exception on import (2024-01-15): rule part1-deadline: "
            + "Part 1 was published 5 working days after approval; the office allows 3."
        let markdown = DecisionNotice.markdown(record, status: "published", profile: try Self.cumbria())
        #expect(markdown.contains("## Flagged exceptions"))
        #expect(markdown.contains("- \(expected)"))
        let html = DecisionNotice.html(record, status: "published", profile: try Self.cumbria())
        #expect(html.contains("<h2>Flagged exceptions</h2>"))
        #expect(html.contains("<li>\(expected)</li>"))

        let clean = DecisionNotice.markdown(Self.cumbriaRecord(), status: "published", profile: try Self.cumbria())
        #expect(!clean.contains("Flagged exceptions"))
    }

    @Test func emptyImplicationSectionsSayNoneRecorded() async throws {
        var record = Self.lincolnshireRecord()
        record.implications["legal"] = "  \n "
        let markdown = DecisionNotice.markdown(record, status: "published", profile: try Self.lincolnshire())
        for heading in [
            "Legal", "Risk", "HR / Equality", "I.T.", "Procurement", "Victims", "Human rights",
            "Review arrangements",
        ] {
            #expect(markdown.contains("## Implications: \(heading)\n\nNone recorded.\n"))
        }
        #expect(markdown.contains("## Implications: Financial\n\nThis programme requests £100K as a one-off cost.\n"))
        let headings = markdown.split(separator: "\n").filter { $0.hasPrefix("## Implications: ") }
        #expect(headings.count == 9)
        #expect(headings.first == "## Implications: Financial")
        #expect(headings.last == "## Implications: Review arrangements")

        let html = DecisionNotice.html(record, status: "published", profile: try Self.lincolnshire())
        #expect(html.contains("<h2>Implications: HR / Equality</h2>\n<p>None recorded.</p>"))
        #expect(html.contains("<h2>Implications: Human rights</h2>\n<p>None recorded.</p>"))
    }

    @Test func markdownEscapesPipesInTableCells() async throws {
        var record = Self.cumbriaRecord()
        record.signOffs = [
            SignOff(
                position: "originating-officer", name: "Smith | Jones", initials: "S|J", day: Self.date("2016-03-06"),
                recordedBy: "x")
        ]
        let markdown = DecisionNotice.markdown(record, status: "published", profile: try Self.cumbria())
        #expect(markdown.contains("| Originating officer declaration | Smith \\| Jones | S\\|J | 2016-03-06 |"))
        #expect(!markdown.contains("Smith | Jones"))
        let tableRows = markdown.split(separator: "\n").filter { $0.hasPrefix("| ") }
        #expect(tableRows.count == 3)
        for row in tableRows {
            let unescaped = row.enumerated().filter { offset, character in
                character == "|" && (offset == 0 || row[row.index(row.startIndex, offsetBy: offset - 1)] != "\\")
            }
            #expect(unescaped.count == 5)
        }
    }
}

/// The notice's text helpers give what their first, slower forms gave, for every kind of text a field can hold.
struct DecisionNoticeTextHelperTests {
    static let samples = [
        "", " ", "plain words", "trailing spaces   ", "tabs\t\t", "line one  \nline two\t\n\n  \npara two ",
        "crlf  \r\nnext\r\n\r\nthird", "no-break\u{00A0}\u{00A0}", "ideographic\u{3000}", "a\u{2028}b \u{2029}c",
        "e\u{301} and cafe\u{301}  ", "&\u{301} <\u{338} >\u{301}", "O'Neill & Sons <b>\"bold\"</b>",
        "emoji 👩🏽‍⚖️ \u{1F1EC}\u{1F1E7} ", "mixed \n \u{00A0}\n\u{85}next", "'quoted' \"double\" &amp;",
    ]

    /// The first forms: trailing whitespace dropped by reversing twice; escaping character by character.
    static func referenceParagraphs(_ text: String) -> [[String]] {
        var result: [[String]] = []
        var current: [String] = []
        for line in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            if line.allSatisfy(\.isWhitespace) {
                if !current.isEmpty { result.append(current) }
                current = []
            } else {
                current.append(String(line.reversed().drop(while: \.isWhitespace).reversed()))
            }
        }
        if !current.isEmpty { result.append(current) }
        return result
    }

    /// The escaping the notice must give, scalar by scalar. (It was a `Character` loop, the notice's own before it
    /// used `HTMLText.escape`, which left a markup character followed by a combining mark unescaped: "&\u{301}"
    /// among the samples.)
    static func referenceEscape(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;".unicodeScalars
            case "<": out += "&lt;".unicodeScalars
            case ">": out += "&gt;".unicodeScalars
            case "\"": out += "&quot;".unicodeScalars
            case "'": out += "&#39;".unicodeScalars
            default: out.append(scalar)
            }
        }
        return String(out)
    }

    @Test(arguments: samples) func paragraphsDropTrailingWhitespaceAsBefore(_ text: String) {
        let got = DecisionNotice.paragraphs(text)
        let expected = Self.referenceParagraphs(text)
        #expect(got == expected)
        #expect(got.flatMap { $0.map { Array($0.utf8) } } == expected.flatMap { $0.map { Array($0.utf8) } })
    }

    @Test(arguments: samples) func escapeGivesTheSameBytesAsBefore(_ text: String) {
        #expect(Array(DecisionNotice.escape(text).utf8) == Array(Self.referenceEscape(text).utf8))
    }
}
