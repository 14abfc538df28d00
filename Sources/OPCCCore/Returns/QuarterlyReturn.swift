/// A red / amber / green status, as project boards rate each milestone of a funded project (seeds 000, 002, 003).
///
/// Encoded as "red", "amber" or "green".
public enum RAG: String, Hashable, Sendable, Codable, CaseIterable, CustomStringConvertible {
    case red, amber, green

    /// "red", "amber" or "green".
    public var description: String { rawValue }
}

/// What a project board reports for one quarter: spend in the quarter and to date against the agreement's spend
/// profile, the progress narrative, milestones with their RAG status, readings of the agreement's outcome indicators,
/// risks and issues, an explanation of any variance of 10% or more, and the changes it asks for (the contents of a
/// return as seeds 000, 002 and 003 describe it). `ReturnRules.checkSubmission` says whether it may be submitted.
///
/// Money is whole pence; the quarter and period come from the `ScheduledReturn` the content answers.
public struct ReturnContent: Hashable, Sendable, Codable {
    /// A milestone of the project plan and how it stands: red or amber needs a reason.
    public struct Milestone: Hashable, Sendable, Codable {
        public var name: String
        public var rag: RAG
        /// Why the milestone is red or amber (and, if the board likes, a note on a green one).
        public var reason: String?

        public init(name: String, rag: RAG, reason: String? = nil) {
            self.name = name
            self.rag = rag
            self.reason = reason
        }
    }

    /// The value an outcome indicator has reached. The indicator is named as in the agreement, whose
    /// `GrantAgreement.OutcomeIndicator` gives its unit, baseline and target; `actual` is text for the same reason
    /// they are ("11 per month", "26.4").
    public struct IndicatorReading: Hashable, Sendable, Codable {
        public var name: String
        public var actual: String

        public init(name: String, actual: String) {
            self.name = name
            self.actual = actual
        }
    }

    /// A change to the agreement the board asks the OPCC for (moving money between plan lines needs written OPCC
    /// approval, seeds 000 and 002): what kind, in words, and for a change of amount the change in pence.
    public struct RequestedChange: Hashable, Sendable, Codable {
        public var kind: GrantAgreement.Variation.Kind
        public var description: String
        /// The change of amount asked for, negative for a reduction; only for a change of kind `.amount`.
        public var amountChange: SignedMoney?

        public init(kind: GrantAgreement.Variation.Kind, description: String, amountChange: SignedMoney? = nil) {
            self.kind = kind
            self.description = description
            self.amountChange = amountChange
        }
    }

    /// What was spent in the quarter reported on.
    public var spendInQuarter: Money
    /// What has been spent under the agreement up to the end of the quarter: the previous return's spend to date
    /// plus `spendInQuarter`.
    public var spendToDate: Money
    /// Why spend differs from the profile, needed when it does so by 10% or more either way.
    public var varianceExplanation: String?
    /// The progress narrative.
    public var narrative: String
    public var milestones: [Milestone]
    /// One reading for each of the agreement's outcome indicators.
    public var indicators: [IndicatorReading]
    public var risks: [String]
    public var issues: [String]
    public var requestedChanges: [RequestedChange]

    public init(
        spendInQuarter: Money, spendToDate: Money, varianceExplanation: String? = nil, narrative: String,
        milestones: [Milestone] = [], indicators: [IndicatorReading] = [], risks: [String] = [], issues: [String] = [],
        requestedChanges: [RequestedChange] = []
    ) {
        self.spendInQuarter = spendInQuarter
        self.spendToDate = spendToDate
        self.varianceExplanation = varianceExplanation
        self.narrative = narrative
        self.milestones = milestones
        self.indicators = indicators
        self.risks = risks
        self.issues = issues
        self.requestedChanges = requestedChanges
    }
}

/// The OPCC's review of a submitted return: accepted (which may release a payment tied to the quarter) or sent back
/// for revision, by whom, when and why (seeds 000, 002: "Returns are reviewed (accepted or sent back)").
public struct ReturnReview: Hashable, Sendable, Codable {
    /// What the reviewer decided.
    public enum Outcome: String, Hashable, Sendable, Codable, CaseIterable, CustomStringConvertible {
        case accepted
        case returnedForRevision = "returned-for-revision"

        /// "accepted" or "returned for revision".
        public var description: String {
            switch self {
            case .accepted: return "accepted"
            case .returnedForRevision: return "returned for revision"
            }
        }
    }

    public var outcome: Outcome
    /// The person who reviewed it.
    public var by: String
    public var on: Day
    /// What to revise, or any note on an acceptance.
    public var reasons: String?

    public init(outcome: Outcome, by: String, on: Day, reasons: String? = nil) {
        self.outcome = outcome
        self.by = by
        self.on = on
        self.reasons = reasons
    }
}

/// One version of a quarter's return. A return sent back for revision, or corrected after acceptance, gets a new
/// version rather than an edit, so that what was submitted, reviewed and paid against stays on record.
public struct ReturnVersion: Hashable, Sendable, Codable {
    /// 1 for the first version, then 2, 3, …
    public var number: Int
    public var content: ReturnContent
    /// Who submitted it; nil while it is a draft.
    public var submittedBy: String?
    /// The day it was submitted; nil while it is a draft.
    public var submittedOn: Day?
    /// Why a version after the first was made.
    public var correctionReason: String?
    /// The OPCC's review; nil until reviewed.
    public var review: ReturnReview?

    public init(
        number: Int, content: ReturnContent, submittedBy: String? = nil, submittedOn: Day? = nil,
        correctionReason: String? = nil, review: ReturnReview? = nil
    ) {
        self.number = number
        self.content = content
        self.submittedBy = submittedBy
        self.submittedOn = submittedOn
        self.correctionReason = correctionReason
        self.review = review
    }
}
