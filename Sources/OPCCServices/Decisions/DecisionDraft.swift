import OPCCCore

/// The editable fields of a decision record as a user writes them in a YAML or JSON file (`opcc decision raise
/// --file`, `edit --file`, and the `record:` part of an import). Every field is optional: an edit changes only the
/// fields it gives.
public struct DecisionDraft: Decodable, Sendable {
    public struct Funding: Decodable, Sendable {
        public var strand: String
        public var year: String

        public init(strand: String, year: String) {
            self.strand = strand
            self.year = year
        }
    }
    public struct Publication: Decodable, Sendable {
        public var deferred: Bool?
        public var reason: String?
        public var until: Day?

        public init(deferred: Bool? = nil, reason: String? = nil, until: Day? = nil) {
            self.deferred = deferred
            self.reason = reason
            self.until = until
        }
    }
    public struct Part2Draft: Decodable, Sendable {
        public var exists: Bool?
        public var reason: String?
        public var content: String?
        public var complete: Bool?

        public init(exists: Bool? = nil, reason: String? = nil, content: String? = nil, complete: Bool? = nil) {
            self.exists = exists
            self.reason = reason
            self.content = content
            self.complete = complete
        }
    }
    public struct Media: Decodable, Sendable {
        public var pressReleaseRequired: Bool?
        public var strategyFormulated: Bool?
        public var strategyAttached: Bool?
        public var proposedPressReleaseDate: Day?

        public init(
            pressReleaseRequired: Bool? = nil, strategyFormulated: Bool? = nil, strategyAttached: Bool? = nil,
            proposedPressReleaseDate: Day? = nil
        ) {
            self.pressReleaseRequired = pressReleaseRequired
            self.strategyFormulated = strategyFormulated
            self.strategyAttached = strategyAttached
            self.proposedPressReleaseDate = proposedPressReleaseDate
        }
    }

    public var title: String?
    public var executiveSummary: String?
    public var recommendation: String?
    /// Written as on the form: "£100,000" or "100000.00".
    public var amount: String?
    public var fundingSource: Funding?
    public var introductionAndBackground: String?
    public var issuesForConsideration: String?
    public var implications: [String: String]?
    public var backgroundPapers: String?
    /// Those consulted and their views.
    public var consultation: String?
    public var significantPublicInterest: Bool?
    public var publication: Publication?
    public var part2: Part2Draft?
    public var media: Media?

    public init() {}

    /// The names of the fields this draft sets (for the audit trail, which records what changed, never Part 2 text).
    public var fieldNames: [String] {
        var names: [String] = []
        if title != nil { names.append("title") }
        if executiveSummary != nil { names.append("executiveSummary") }
        if recommendation != nil { names.append("recommendation") }
        if amount != nil { names.append("amount") }
        if fundingSource != nil { names.append("fundingSource") }
        if introductionAndBackground != nil { names.append("introductionAndBackground") }
        if issuesForConsideration != nil { names.append("issuesForConsideration") }
        if let implications { names += implications.keys.sorted().map { "implications.\($0)" } }
        if backgroundPapers != nil { names.append("backgroundPapers") }
        if consultation != nil { names.append("consultation") }
        if significantPublicInterest != nil { names.append("significantPublicInterest") }
        if publication != nil { names.append("publication") }
        if part2 != nil { names.append("part2") }
        if media != nil { names.append("media") }
        return names
    }

    /// The draft with every text checked and normalised (`TextField`): the title is a name, reasons short fields,
    /// the rest long texts; the refusal names the field.
    func checkedTexts() throws(ServiceRefusal) -> DecisionDraft {
        var d = self
        d.title = try checkedOptionalText(title, "title", .name)
        d.executiveSummary = try checkedOptionalText(executiveSummary, "executiveSummary", .long)
        d.recommendation = try checkedOptionalText(recommendation, "recommendation", .long)
        d.amount = try checkedOptionalText(amount, "amount", .name)
        if let funding = fundingSource {
            d.fundingSource?.strand = try checkedText(funding.strand, "fundingSource.strand", .name)
            d.fundingSource?.year = try checkedText(funding.year, "fundingSource.year", .name)
        }
        d.introductionAndBackground = try checkedOptionalText(
            introductionAndBackground, "introductionAndBackground", .long)
        d.issuesForConsideration = try checkedOptionalText(issuesForConsideration, "issuesForConsideration", .long)
        if let implications {
            var checked: [String: String] = [:]
            for (key, text) in implications {
                let section = try checkedText(key, "implications", .name)
                checked[section] = try checkedText(text, "implications.\(key)", .long)
            }
            d.implications = checked
        }
        d.backgroundPapers = try checkedOptionalText(backgroundPapers, "backgroundPapers", .long)
        d.consultation = try checkedOptionalText(consultation, "consultation", .long)
        d.publication?.reason = try checkedOptionalText(publication?.reason, "publication.reason", .short)
        d.part2?.reason = try checkedOptionalText(part2?.reason, "part2.reason", .short)
        d.part2?.content = try checkedOptionalText(part2?.content, "part2.content", .long)
        return d
    }

    /// Applies the draft to a record, checking each value against the office profile.
    public func apply(to record: inout DecisionRecord, profile: OfficeProfile) throws(ServiceRefusal) {
        func refuse(_ field: String, _ message: String) -> ServiceRefusal {
            ServiceRefusal(rule: .validDecisionField, message: "\(field): \(message)")
        }
        // Every text through the one check of lengths and characters first, so that nothing is stored half-checked.
        let d = try checkedTexts()
        if let title = d.title {
            guard !title.isBlank else { throw refuse("title", "must not be empty") }
            record.title = title
        }
        if let executiveSummary = d.executiveSummary { record.executiveSummary = executiveSummary }
        if let recommendation = d.recommendation { record.recommendation = recommendation }
        if let amount {
            do { record.amount = try Money(parsing: amount) } catch { throw refuse("amount", error.description) }
        }
        if let funding = d.fundingSource {
            guard !funding.strand.isBlank else { throw refuse("fundingSource.strand", "is empty") }
            do {
                record.fundingSource = FundingSource(
                    strand: funding.strand, year: try FinancialYear(parsing: funding.year))
            } catch { throw refuse("fundingSource.year", error.description) }
        }
        if let introductionAndBackground = d.introductionAndBackground {
            record.introductionAndBackground = introductionAndBackground
        }
        if let issuesForConsideration = d.issuesForConsideration {
            record.issuesForConsideration = issuesForConsideration
        }
        if let implications = d.implications {
            for (key, text) in implications {
                guard profile.implicationSections.contains(key) else {
                    throw refuse(
                        "implications.\(key)",
                        "not a section of this office's form; the sections are "
                            + profile.implicationSections.joined(separator: ", "))
                }
                record.implications[key] = text
            }
        }
        if let backgroundPapers = d.backgroundPapers { record.backgroundPapers = backgroundPapers }
        if let consultation = d.consultation { record.consultation = consultation }
        if let significantPublicInterest { record.significantPublicInterest = significantPublicInterest }
        if let p = d.publication {
            record.publication = PublicationChoice(
                deferred: p.deferred ?? record.publication.deferred, reason: p.reason ?? record.publication.reason,
                until: p.until ?? record.publication.until)
        }
        if let p = d.part2 {
            record.part2.exists = p.exists ?? record.part2.exists
            record.part2.reason = p.reason ?? record.part2.reason
            record.part2.content = p.content ?? record.part2.content
            record.part2.complete = p.complete ?? record.part2.complete
        }
        if let m = media {
            record.media.pressReleaseRequired = m.pressReleaseRequired ?? record.media.pressReleaseRequired
            record.media.strategyFormulated = m.strategyFormulated ?? record.media.strategyFormulated
            record.media.strategyAttached = m.strategyAttached ?? record.media.strategyAttached
            record.media.proposedPressReleaseDate = m.proposedPressReleaseDate ?? record.media.proposedPressReleaseDate
        }
    }
}
