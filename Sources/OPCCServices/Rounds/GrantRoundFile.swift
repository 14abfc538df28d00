import OPCCCore

/// A round as written in a YAML file (`opcc round create round.yaml`): unknown keys are refused naming the key and
/// line, like every other loader. Amounts are pounds as text ("533333.50"), times `YYYY-MM-DD HH:MM` in London.
public struct GrantRoundFile: Decodable, Sendable {
    public struct Band: Decodable, Sendable {
        public var name: String
        public var upTo: String?
    }
    public struct Eligibility: Decodable, Sendable {
        public var organisationKinds: [String]
        public var areas: [String]?
    }
    public struct Criterion: Decodable, Sendable {
        public var id: String
        public var title: String
        public var weight: Int
    }
    public struct Point: Decodable, Sendable {
        public var score: Int
        public var descriptor: String
    }
    public struct Question: Decodable, Sendable {
        public var id: String
        public var text: String
        public var maxWords: Int?
    }
    public var title: String
    public var strand: String
    public var year: String
    public var total: String
    public var bands: [Band]
    public var eligibility: Eligibility
    public var criteria: [Criterion]
    public var scale: [Point]
    public var questions: [Question]
    public var opens: String
    public var closes: String
    public var assessors: [String]
    public var spreadThresholdPercent: Int?
    public var endOfGrantReport: Bool?

    /// Reads a round file; refused (`round-spec-valid`) naming the key and line of an unknown or missing key.
    public static func parse(yaml: String, source: String) throws -> GrantRoundSpec {
        try StrictYAML.decode(GrantRoundFile.self, from: yaml, source: source, rule: .roundSpecValid).spec()
    }

    /// The spec the file describes, each field checked (`round-spec-valid`, naming the field).
    public func spec() throws -> GrantRoundSpec {
        func refuse(_ field: String, _ problem: String) -> ServiceRefusal {
            ServiceRefusal(rule: .roundSpecValid, message: "\(field): \(problem)")
        }
        let year: FinancialYear
        do { year = try FinancialYear(parsing: self.year) } catch { throw refuse("year", error.description) }
        let total: Money
        do { total = try Money(parsing: self.total) } catch { throw refuse("total", "\(error)") }
        let bands: SizeBands
        do {
            bands = try SizeBands(
                try self.bands.map { SizeBands.Band($0.name, upTo: try $0.upTo.map { try Money(parsing: $0) }) })
        } catch { throw refuse("bands", "\(error)") }
        var kinds: [OrganisationKind] = []
        for (i, text) in eligibility.organisationKinds.enumerated() {
            guard let kind = OrganisationKind(rawValue: text) else {
                throw refuse(
                    "eligibility.organisationKinds[\(i)]",
                    "'\(text)' is not one of " + OrganisationKind.allCases.map(\.rawValue).joined(separator: ", "))
            }
            kinds.append(kind)
        }
        guard let opens = LondonTime(parsing: self.opens) else {
            throw refuse("opens", "'\(self.opens)' is not a London day and time (YYYY-MM-DD HH:MM)")
        }
        guard let closes = LondonTime(parsing: self.closes) else {
            throw refuse("closes", "'\(self.closes)' is not a London day and time (YYYY-MM-DD HH:MM)")
        }
        let spec = GrantRoundSpec(
            title: title, strand: strand, year: year, total: total, bands: bands,
            eligibility: RoundEligibility(organisationKinds: kinds, areas: eligibility.areas ?? []),
            criteria: criteria.map { RoundCriterion(id: $0.id, title: $0.title, weight: $0.weight) },
            scale: ScoringScale(points: scale.map { ScoringScale.Point(score: $0.score, descriptor: $0.descriptor) }),
            questions: questions.map { RoundQuestion(id: $0.id, text: $0.text, maxWords: $0.maxWords) },
            opens: opens, closes: closes, assessors: assessors,
            spreadThresholdPercent: spreadThresholdPercent ?? 20, endOfGrantReport: endOfGrantReport ?? false)
        return try Commissioning.checkedSpec(spec)
    }
}

extension Commissioning {
    /// The spec with its texts checked and normalised, or a refusal (`round-spec-valid`) naming the field.
    public static func checkedSpec(_ spec: GrantRoundSpec) throws -> GrantRoundSpec {
        func refuse(_ field: String, _ problem: String) -> ServiceRefusal {
            ServiceRefusal(rule: .roundSpecValid, message: "\(field): \(problem)")
        }
        func idOK(_ id: String) -> Bool {
            !id.isEmpty && id.count <= 40
                && id.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") }
        }
        var s = spec
        s.title = try checkedText(spec.title, "title", .name)
        guard !s.title.isBlank else { throw refuse("title", "a round needs a title") }
        s.strand = try checkedText(spec.strand, "strand", .name)
        guard !s.strand.isBlank else { throw refuse("strand", "name the budget strand the awards are paid from") }
        guard s.total > .zero else { throw refuse("total", "a round must have more than £0.00 to award") }
        guard !s.eligibility.organisationKinds.isEmpty else {
            throw refuse("eligibility.organisationKinds", "name at least one kind of organisation that may apply")
        }
        s.eligibility = RoundEligibility(
            organisationKinds: spec.eligibility.organisationKinds,
            areas: try spec.eligibility.areas.enumerated().map {
                try checkedText($1, "eligibility.areas[\($0)]", .name)
            })
        guard !s.criteria.isEmpty else { throw refuse("criteria", "a round needs at least one criterion") }
        var ids: Set<String> = []
        for (i, c) in spec.criteria.enumerated() {
            guard idOK(c.id) else { throw refuse("criteria[\(i)].id", "'\(c.id)': use a-z, 0-9 and '-'") }
            guard ids.insert(c.id).inserted else { throw refuse("criteria[\(i)].id", "'\(c.id)' is repeated") }
            guard c.weight >= 1, c.weight <= 1000 else {
                throw refuse("criteria[\(i)].weight", "a weight is a whole number from 1 to 1000, not \(c.weight)")
            }
            s.criteria[i] = RoundCriterion(
                id: c.id, title: try checkedText(c.title, "criteria[\(i)].title", .short), weight: c.weight)
        }
        guard s.scale.points.count >= 2 else { throw refuse("scale", "a scale needs at least two points") }
        for (i, p) in spec.scale.points.enumerated() {
            guard p.score >= 0, p.score <= 100 else { throw refuse("scale[\(i)].score", "a score is from 0 to 100") }
            if i > 0, p.score != spec.scale.points[i - 1].score + 1 {
                throw refuse(
                    "scale[\(i)].score",
                    "the scale's points go up by one (\(spec.scale.points[i - 1].score) "
                        + "then \(p.score))")
            }
            guard !p.descriptor.isBlank else { throw refuse("scale[\(i)].descriptor", "say what a \(p.score) means") }
        }
        s.scale = ScoringScale(
            points: try spec.scale.points.enumerated().map {
                ScoringScale.Point(
                    score: $1.score, descriptor: try checkedText($1.descriptor, "scale[\($0)].descriptor", .short))
            })
        guard !s.questions.isEmpty else {
            throw refuse("questions", "the application form needs at least one question")
        }
        ids = []
        for (i, q) in spec.questions.enumerated() {
            guard idOK(q.id) else { throw refuse("questions[\(i)].id", "'\(q.id)': use a-z, 0-9 and '-'") }
            guard ids.insert(q.id).inserted else { throw refuse("questions[\(i)].id", "'\(q.id)' is repeated") }
            guard !q.text.isBlank else { throw refuse("questions[\(i)].text", "the question is blank") }
            if let m = q.maxWords, m < 1 { throw refuse("questions[\(i)].maxWords", "a word limit is 1 or more") }
            s.questions[i] = RoundQuestion(
                id: q.id, text: try checkedText(q.text, "questions[\(i)].text", .short), maxWords: q.maxWords)
        }
        guard s.opens < s.closes else {
            throw refuse("closes", "the round closes (\(s.closes)) before it opens (\(s.opens))")
        }
        guard Set(s.assessors).count == s.assessors.count else { throw refuse("assessors", "an assessor is repeated") }
        guard (1...100).contains(s.spreadThresholdPercent) else {
            throw refuse("spreadThresholdPercent", "a spread is from 1 to 100 percentage points")
        }
        return s
    }
}
