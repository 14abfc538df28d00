/// A kind of organisation a round may fund, as the eligibility rules of a round name them.
public enum OrganisationKind: String, CaseIterable, Codable, Hashable, Sendable, CustomStringConvertible {
    /// A registered charity (org-id `GB-CHC-…`).
    case charity
    /// A company, including a community interest company or a company limited by guarantee (org-id `GB-COH-…`).
    case company
    /// A local council, parish or town council.
    case council
    /// A constituted community group (registered with the Charity Commission or Companies House to be funded here).
    case communityGroup = "community-group"

    public var description: String { rawValue }
}

/// One criterion applications are scored against, with its weight (whole numbers; only their proportions matter,
/// as for `FormulaWeights`).
public struct RoundCriterion: Hashable, Sendable, Codable {
    /// A short id, used by scores and the CLI (`need`, `deliverability`).
    public let id: String
    /// The criterion as published (e.g. "Evidence of need in the area").
    public let title: String
    /// How much it counts relative to the others (1 or more).
    public let weight: Int

    public init(id: String, title: String, weight: Int) {
        self.id = id
        self.title = title
        self.weight = weight
    }
}

/// The scale an assessor scores each criterion on (e.g. 0-4), with a descriptor for each point so that two
/// assessors mean the same by a 3.
public struct ScoringScale: Hashable, Sendable, Codable {
    /// One point of the scale and what it means.
    public struct Point: Hashable, Sendable, Codable {
        public let score: Int
        public let descriptor: String
        public init(score: Int, descriptor: String) {
            self.score = score
            self.descriptor = descriptor
        }
    }
    /// The points, lowest first, contiguous (0, 1, 2, 3, 4).
    public let points: [Point]

    public init(points: [Point]) {
        self.points = points
    }

    /// The lowest score.
    public var minimum: Int { points.first?.score ?? 0 }
    /// The highest score.
    public var maximum: Int { points.last?.score ?? 0 }
}

/// A question of the application form.
public struct RoundQuestion: Hashable, Sendable, Codable {
    /// A short id the answers are keyed by (`project`, `need`).
    public let id: String
    /// The question as the applicant reads it.
    public let text: String
    /// The most words an answer may have (nil: no limit beyond the text limits).
    public let maxWords: Int?

    public init(id: String, text: String, maxWords: Int? = nil) {
        self.id = id
        self.text = text
        self.maxWords = maxWords
    }
}

/// Who may apply: which kinds of organisation, for work in which areas (empty areas: anywhere in the office's area).
public struct RoundEligibility: Hashable, Sendable, Codable {
    public let organisationKinds: [OrganisationKind]
    public let areas: [String]

    public init(organisationKinds: [OrganisationKind], areas: [String]) {
        self.organisationKinds = organisationKinds
        self.areas = areas
    }
}

/// Everything an officer sets up for a round before it is published (`opcc round create round.yaml`): the fund it
/// pays from, how much, in what bands, who may apply, how applications are judged, when it is open and who assesses.
/// Validated by `GrantRoundSpec.validate()`, which refuses with a `RoundRefusal` naming the field.
public struct GrantRoundSpec: Hashable, Sendable {
    /// The round's name as published ("Community Safety Fund 2026/27").
    public var title: String
    /// The budget strand the awards are allocated from (the fund).
    public var strand: String
    /// The financial year of the strand's budget and the awards.
    public var year: FinancialYear
    /// The most the round may award in total.
    public var total: Money
    /// The size bands awards fall in (small up to £5,000, ...): an award above a closed last band is refused.
    public var bands: SizeBands
    /// Who may apply.
    public var eligibility: RoundEligibility
    /// What applications are scored on.
    public var criteria: [RoundCriterion]
    /// How each criterion is scored.
    public var scale: ScoringScale
    /// The application form.
    public var questions: [RoundQuestion]
    /// When applications may first be submitted (London).
    public var opens: LondonTime
    /// The last moment a submission is accepted (London): one at or after it is refused.
    public var closes: LondonTime
    /// Sign-in names of the assessors (people of the office or from outside it).
    public var assessors: [String]
    /// How far apart two assessors' weighted scores (in percentage points of the maximum) may be before moderation
    /// flags the application for discussion.
    public var spreadThresholdPercent: Int
    /// Whether funded projects send one end-of-grant report instead of quarterly returns (small grants).
    public var endOfGrantReport: Bool

    public init(
        title: String, strand: String, year: FinancialYear, total: Money, bands: SizeBands,
        eligibility: RoundEligibility, criteria: [RoundCriterion], scale: ScoringScale, questions: [RoundQuestion],
        opens: LondonTime, closes: LondonTime, assessors: [String], spreadThresholdPercent: Int = 20,
        endOfGrantReport: Bool = false
    ) {
        self.title = title
        self.strand = strand
        self.year = year
        self.total = total
        self.bands = bands
        self.eligibility = eligibility
        self.criteria = criteria
        self.scale = scale
        self.questions = questions
        self.opens = opens
        self.closes = closes
        self.assessors = assessors
        self.spreadThresholdPercent = spreadThresholdPercent
        self.endOfGrantReport = endOfGrantReport
    }

    /// The largest award the round's bands allow, nil when the last band is open-ended.
    public var largestAward: Money? { bands.bands.last?.upTo }
}

/// Where a round is in its life, as its workflow (`workflows/grant-round.yaml`) names the states.
public enum RoundState: String, CaseIterable, Codable, Hashable, Sendable {
    /// Being set up; not public.
    case draft
    /// Published: public, taking applications between its opening and closing times.
    case open
    /// Closed to applications (the close passed); eligibility, assessment and moderation happen here.
    case closed
    /// The panel's recommendations went to the Commissioner as one decision record.
    case recommended
    /// The Commissioner decided; approved awards are allocated and their agreements drafted.
    case decided
}

/// A round as stored: its id (`R-2026-001`), office, state and spec.
public struct StoredRound: Hashable, Sendable {
    public let id: String
    public let office: String
    public let state: RoundState
    public let spec: GrantRoundSpec
    /// The decision record the panel's recommendations went to, once raised.
    public let decisionID: String?
    public let createdBy: String

    public init(
        id: String, office: String, state: RoundState, spec: GrantRoundSpec, decisionID: String?, createdBy: String
    ) {
        self.id = id
        self.office = office
        self.state = state
        self.spec = spec
        self.decisionID = decisionID
        self.createdBy = createdBy
    }
}
