import OPCCCore

/// The public decision notice: Part 1 of a decision record as the office publishes it, in Markdown (for repositories,
/// email and review) and as a standalone accessible HTML page (for the office's website).
///
/// Part 1 is published under the Freedom of Information Act 2000 and Part 2 is confidential, so this is the one place
/// that turns a record into public text. It drops Part 2's content before reading anything else and never prints it,
/// whatever the caller passes in; it states only whether a Part 2 exists and, where the office's form prints it
/// (Lincolnshire), why. Content follows the order of the offices' own forms (seeds 000 and 004).
public enum DecisionNotice {
    /// Part 1 as Markdown, so that a notice can be reviewed, diffed and pasted where HTML is not wanted.
    /// `status` is the record's workflow state as the reader should see it ("published").
    public static func markdown(_ record: DecisionRecord, status: String, profile: OfficeProfile) -> String {
        renderMarkdown(notice(for: record.withoutPart2Content, status: status, profile: profile))
    }

    /// Part 1 as a complete HTML page with no scripts, so that it can be put on the office's website as it is and
    /// read with a screen reader, at any zoom, on any device, and printed (or saved as PDF) from any browser.
    /// `stylesheet` is where its style comes from: inline (a file standing alone, no external resources), or a
    /// linked file (`/assets/notice.css`, as this server serves it: its Content-Security-Policy allows no inline
    /// style).
    public static func html(
        _ record: DecisionRecord, status: String, profile: OfficeProfile, stylesheet: Stylesheet = .inline
    ) -> String {
        renderHTML(notice(for: record.withoutPart2Content, status: status, profile: profile), stylesheet: stylesheet)
    }

    /// Where a notice page's style comes from.
    public enum Stylesheet: Hashable, Sendable {
        /// In a `<style>` element: the page stands alone.
        case inline
        /// In the stylesheet at this address (same origin), for every medium, screen and print.
        case linked(String)
    }

    /// The FOIA statement printed at the foot of every notice.
    static let foiaFooter =
        "Part 1 of this record is published under the Freedom of Information Act 2000. "
        + "Part 2 is confidential and not published."

    static let noneRecorded = "None recorded."
}

// MARK: - The notice, independent of format

extension DecisionNotice {
    /// A labelled value in the key facts (`<dl>` in HTML, a bullet list in Markdown).
    struct Fact: Hashable {
        let label: String
        let value: String
    }

    /// One row of the sign-off table.
    struct SignOffRow: Hashable {
        let position: String
        let name: String
        let initials: String
        let day: String
    }

    /// A piece of a section's body.
    enum Block: Hashable {
        /// Free text; blank lines separate paragraphs.
        case text(String)
        case facts([Fact])
        case list([String])
        case signOffs(caption: String, rows: [SignOffRow])
    }

    /// A section under its own `<h2>` / `##` heading.
    struct Section: Hashable {
        let heading: String
        let blocks: [Block]
    }

    /// Everything a notice shows, in form order; both renderers print exactly this and nothing else.
    struct Notice: Hashable {
        let office: String
        let formName: String
        let number: String
        let title: String
        let keyFacts: [Fact]
        let sections: [Section]
        let footer: String
        /// Shown as a flag at the top of the page as well as in its section, so a reader sees it first.
        var significantPublicInterest = false
        /// The office's id, for the links of the served page's header.
        var officeID = ""
    }

    /// Builds the notice. `record` must already be without Part 2 content; nothing here reads `part2.content`.
    static func notice(for record: DecisionRecord, status: String, profile: OfficeProfile) -> Notice {
        let number = record.number ?? "(not yet numbered)"
        var sections = [
            section("Executive summary", record.executiveSummary),
            section("Recommendation", record.recommendation),
        ]
        if let money = fundingSection(record) { sections.append(money) }
        sections.append(decisionSection(record.decision))
        if let delegated = delegationSection(record) { sections.append(delegated) }
        sections.append(signOffSection(record.signOffs, profile: profile))
        sections.append(section("Introduction and background", record.introductionAndBackground))
        sections.append(section("Issues for consideration", record.issuesForConsideration))
        sections += implicationSections(record.implications, profile: profile)
        sections.append(section("Consultation", record.consultation ?? ""))
        sections.append(section("Background and supporting papers", record.backgroundPapers))
        sections.append(publicInterestSection(record))
        sections.append(publicationSection(record, profile: profile))
        if !record.exceptions.isEmpty { sections.append(exceptionSection(record.exceptions)) }
        sections.append(part2Section(record.part2, profile: profile))
        return Notice(
            office: profile.name, formName: "Request for PCC Decision", number: number, title: record.title,
            keyFacts: [Fact(label: "Decision number", value: number), Fact(label: "Status", value: status)],
            sections: sections, footer: foiaFooter, significantPublicInterest: record.significantPublicInterest,
            officeID: record.office)
    }

    static func text(_ value: String) -> Block {
        .text(isBlank(value) ? noneRecorded : value)
    }

    /// A section of free text, saying "None recorded." when the form left it blank.
    static func section(_ heading: String, _ value: String) -> Section {
        Section(heading: heading, blocks: [text(value)])
    }

    static func fundingSection(_ record: DecisionRecord) -> Section? {
        var facts: [Fact] = []
        if let amount = record.amount { facts.append(Fact(label: "Amount", value: amount.description)) }
        if let source = record.fundingSource {
            facts.append(Fact(label: "Funding source", value: source.strand))
            facts.append(Fact(label: "Financial year", value: source.year.description))
        }
        return facts.isEmpty ? nil : Section(heading: "Amount and funding", blocks: [.facts(facts)])
    }

    static func decisionSection(_ decision: DecisionTaken?) -> Section {
        guard let decision else {
            return Section(heading: "Decision", blocks: [.text("No decision has been recorded yet.")])
        }
        let outcome = decision.outcome == .approved ? "Approved" : "Not approved"
        return Section(
            heading: "Decision",
            blocks: [
                .facts([
                    Fact(label: "Decision", value: outcome),
                    Fact(label: "Decided by", value: decision.decisionMaker),
                    Fact(label: "Role", value: roleName(decision.role)),
                    Fact(label: "Date", value: decision.day.iso),
                    Fact(label: "Declaration of interests", value: orNone(decision.interestsDeclared)),
                ])
            ])
    }

    /// Sign-offs in the order the profile lists its signatories (the form's order), then any others as recorded.
    static func signOffSection(_ signOffs: [SignOff], profile: OfficeProfile) -> Section {
        guard !signOffs.isEmpty else {
            return Section(heading: "Sign-offs", blocks: [.text("No sign-offs recorded.")])
        }
        let positions = profile.signatories.map(\.position)
        let ordered = signOffs.enumerated().sorted { lhs, rhs in
            let left = positions.firstIndex(of: lhs.element.position) ?? positions.count
            let right = positions.firstIndex(of: rhs.element.position) ?? positions.count
            return (left, lhs.offset) < (right, rhs.offset)
        }.map(\.element)
        let rows = ordered.map { signOff in
            SignOffRow(
                position: profile.signatories.first { $0.position == signOff.position }?.title
                    ?? humanHeading(signOff.position),
                name: signOff.name, initials: orDash(signOff.initials), day: signOff.day.iso)
        }
        let caption = "Sign-offs before the decision, in form order"
        return Section(heading: "Sign-offs", blocks: [.signOffs(caption: caption, rows: rows)])
    }

    /// The profile's sections in form order, then any others the record holds, so no Part 1 text is dropped.
    static func implicationSections(_ implications: [String: String], profile: OfficeProfile) -> [Section] {
        let listed = profile.implicationSections
        let others = implications.keys.filter { !listed.contains($0) }.sorted()
        return (listed + others).map { key in
            Section(heading: "Implications: \(implicationHeading(key))", blocks: [text(implications[key] ?? "")])
        }
    }

    static func publicInterestSection(_ record: DecisionRecord) -> Section {
        let media = record.media
        return Section(
            heading: "Public interest and media",
            blocks: [
                .facts([
                    Fact(label: "Significant public interest", value: yesNo(record.significantPublicInterest)),
                    Fact(label: "Press release required", value: yesNo(media.pressReleaseRequired)),
                    Fact(
                        label: "Media strategy formulated", value: media.strategyFormulated.map(yesNo) ?? "Not answered"
                    ),
                    Fact(label: "Media strategy attached", value: media.strategyAttached.map(yesNo) ?? "Not answered"),
                    Fact(
                        label: "Proposed press release date", value: media.proposedPressReleaseDate?.iso ?? "Not given"),
                ])
            ])
    }

    static func publicationSection(_ record: DecisionRecord, profile: OfficeProfile) -> Section {
        let days = profile.part1DeadlineWorkingDays
        let publication = record.publication
        var facts = [
            Fact(
                label: "Publication rule",
                value: "Part 1 is published within \(days) working day\(days == 1 ? "" : "s") of approval."),
            Fact(label: "Publication deferred", value: yesNo(publication.deferred)),
        ]
        if publication.deferred || !isBlank(publication.reason ?? "") {
            facts.append(Fact(label: "Reason for deferral", value: orNone(publication.reason ?? "")))
        }
        if let until = publication.until { facts.append(Fact(label: "Deferred until", value: until.iso)) }
        if let deadline = record.part1Deadline { facts.append(Fact(label: "Part 1 deadline", value: deadline.iso)) }
        if let published = record.publishedOn { facts.append(Fact(label: "Published on", value: published.iso)) }
        return Section(heading: "Publication", blocks: [.facts(facts)])
    }

    static func exceptionSection(_ exceptions: [FlaggedException]) -> Section {
        let items = exceptions.map { exception in
            "Accepted as an exception on import (\(exception.day.iso)): rule \(exception.rule): \(exception.message)"
        }
        return Section(
            heading: "Flagged exceptions",
            blocks: [
                .text("This historic record broke the rules below. Each was accepted as an exception on import."),
                .list(items),
            ])
    }

    /// Whether a Part 2 exists and, only where the office prints it, why. Never its content.
    static func part2Section(_ part2: Part2, profile: OfficeProfile) -> Section {
        guard part2.exists else {
            return Section(heading: "Part 2", blocks: [.text("There is no Part 2 for this decision.")])
        }
        var blocks: [Block] = [.text("A Part 2 exists for this decision. It is confidential and is not published.")]
        if profile.part2ReasonPrintedOnPart1, let reason = part2.reason, !isBlank(reason) {
            blocks.append(.facts([Fact(label: "Reason for Part 2", value: reason)]))
        }
        return Section(heading: "Part 2", blocks: blocks)
    }
}

// MARK: - Words

extension DecisionNotice {
    /// The form's heading for an implication key: `hr-equality` → "HR / Equality", `review-arrangements` →
    /// "Review arrangements".
    static func implicationHeading(_ key: String) -> String {
        switch key {
        case "financial": return "Financial"
        case "hr-equality": return "HR / Equality"
        case "it": return "I.T."
        case "human-rights": return "Human rights"
        default: return humanHeading(key)
        }
    }

    /// Capitalises the first letter and turns hyphens into spaces.
    static func humanHeading(_ key: String) -> String {
        let spaced = key.replacing("-", with: " ")
        return spaced.prefix(1).uppercased() + spaced.dropFirst()
    }

    static func roleName(_ role: Role) -> String {
        switch role {
        case .commissioner: return "Police and Crime Commissioner"
        case .chiefExecutive: return "Chief Executive"
        default: return humanHeading(role.rawValue)
        }
    }

    static func yesNo(_ value: Bool) -> String { value ? "Yes" : "No" }

    static func orNone(_ value: String) -> String { isBlank(value) ? noneRecorded : value }

    static func orDash(_ value: String?) -> String {
        guard let value, !isBlank(value) else { return "—" }
        return value
    }

    static func isBlank(_ value: String) -> Bool { value.allSatisfy(\.isWhitespace) }

    /// Splits text into paragraphs at blank lines; each paragraph is its lines, without trailing spaces.
    static func paragraphs(_ text: String) -> [[String]] {
        var result: [[String]] = []
        var current: [String] = []
        for line in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            if line.allSatisfy(\.isWhitespace) {
                if !current.isEmpty { result.append(current) }
                current = []
            } else {
                // Trailing whitespace dropped by walking back from the end: the same characters as reversing the
                // line twice, without building a string one character at a time (most of a page's cost).
                var end = line.endIndex
                while end > line.startIndex, line[line.index(before: end)].isWhitespace {
                    end = line.index(before: end)
                }
                current.append(String(line[..<end]))
            }
        }
        if !current.isEmpty { result.append(current) }
        return result
    }

    /// The text on one line, for places that cannot hold a line break (a bullet, a table cell, a heading).
    static func oneLine(_ text: String) -> String {
        paragraphs(text).flatMap { $0 }.joined(separator: " ")
    }
}
