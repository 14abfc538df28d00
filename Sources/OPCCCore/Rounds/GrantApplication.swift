/// One line of an application's budget: what the money is for and how much.
public struct BudgetLine: Hashable, Sendable, Codable {
    public var item: String
    public var amount: Money

    public init(item: String, amount: Money) {
        self.item = item
        self.amount = amount
    }
}

/// What an applicant writes: the answers to the round's questions, the amount asked for with its budget by line
/// (which must add up to the amount), the area the work is in and the outcomes it aims for. Saved as a draft as
/// often as wanted; checked in full on submission.
public struct ApplicationDraft: Hashable, Sendable {
    /// The project's title.
    public var title: String
    /// Answers keyed by question id.
    public var answers: [String: String]
    /// The amount asked for.
    public var amountRequested: Money
    /// The budget, line by line.
    public var budget: [BudgetLine]
    /// The area the work is in (one of the round's areas when it names any).
    public var area: String
    /// The outcomes the project aims for, one per line.
    public var outcomes: [String]

    public init(
        title: String, answers: [String: String], amountRequested: Money, budget: [BudgetLine], area: String,
        outcomes: [String]
    ) {
        self.title = title
        self.answers = answers
        self.amountRequested = amountRequested
        self.budget = budget
        self.area = area
        self.outcomes = outcomes
    }

    /// The sum of the budget lines, nil if it overflows.
    public var budgetTotal: Money? {
        var sum = Money.zero
        for line in budget {
            guard let next = try? sum.adding(line.amount) else { return nil }
            sum = next
        }
        return sum
    }
}

/// Where an application is, as its workflow (`workflows/grant-application.yaml`) names the states.
public enum ApplicationState: String, CaseIterable, Codable, Hashable, Sendable {
    /// Being written by the applicant; only its organisation sees it.
    case draft
    /// Submitted before the close; waiting for the eligibility check.
    case submitted
    /// Marked eligible: assessors declare conflicts and score it.
    case eligible
    /// Marked ineligible, with the reason; goes no further.
    case ineligible
    /// The panel recorded its moderated score and recommendation.
    case recommended
    /// The Commissioner approved an award; allocated, agreement drafted.
    case awarded
    /// Declined by the panel's recommendation (or the decision not approved).
    case declined
}

/// An application as stored.
public struct StoredApplication: Hashable, Sendable {
    /// `A-R-2026-001-007`.
    public let id: String
    public let roundID: String
    public let office: String
    public let organisation: PartnerOrganisation
    public let state: ApplicationState
    public let draft: ApplicationDraft
    /// When it was submitted (milliseconds since 1970), nil while a draft.
    public let submittedAtMs: Int64?
    /// Who wrote it.
    public let applicant: String

    public init(
        id: String, roundID: String, office: String, organisation: PartnerOrganisation, state: ApplicationState,
        draft: ApplicationDraft, submittedAtMs: Int64?, applicant: String
    ) {
        self.id = id
        self.roundID = roundID
        self.office = office
        self.organisation = organisation
        self.state = state
        self.draft = draft
        self.submittedAtMs = submittedAtMs
        self.applicant = applicant
    }
}
