/// Money from one budget strand in one year to one recipient for one purpose, always citing an approved decision.
public struct Allocation: Hashable, Sendable, Codable {
    /// Capital or revenue spending.
    public enum SpendKind: String, Hashable, Sendable, Codable, CaseIterable { case revenue, capital }
    /// How the amount was arrived at.
    public enum Method: String, Hashable, Sendable, Codable, CaseIterable {
        case single, fixedPerArea = "fixed-per-area", formula, grantRound = "grant-round"
    }

    public var id: String
    public var office: String
    public var year: FinancialYear
    public var strand: String
    /// Org-id of the recipient (`GB-LAE-…` local authority, `GB-CHC-…` charity).
    public var recipientOrgID: String
    public var recipientName: String
    public var purpose: String
    /// A ward or district code, where the money is for an area.
    public var area: String?
    /// The decision record's id (the number is shown from it).
    public var decisionID: String
    public var amount: Money
    public var spendKind: SpendKind
    /// A revenue contribution to capital outlay (Copeland's ~£30k hub works in seed 000).
    public var revenueContributionToCapital: Bool
    public var method: Method
    /// The office's declared over-commitment percentage, recorded when this allocation relied on it.
    public var overCommitmentPercent: Int?
    public var day: Day
    /// The size band of a grant round the award fell in (Surrey: "small" up to £5,000), for `grant-round` awards.
    public var sizeBand: String?

    public init(
        id: String, office: String, year: FinancialYear, strand: String, recipientOrgID: String, recipientName: String,
        purpose: String, area: String?, decisionID: String, amount: Money, spendKind: SpendKind,
        revenueContributionToCapital: Bool, method: Method, overCommitmentPercent: Int?, day: Day,
        sizeBand: String? = nil
    ) {
        self.id = id
        self.office = office
        self.year = year
        self.strand = strand
        self.recipientOrgID = recipientOrgID
        self.recipientName = recipientName
        self.purpose = purpose
        self.area = area
        self.decisionID = decisionID
        self.amount = amount
        self.spendKind = spendKind
        self.revenueContributionToCapital = revenueContributionToCapital
        self.method = method
        self.overCommitmentPercent = overCommitmentPercent
        self.day = day
        self.sizeBand = sizeBand
    }

    /// Whether `text` looks like an org-id (`GB-LAE-BAR`): a two-letter country, a list code, an identifier.
    public static func isOrgID(_ text: String) -> Bool {
        let parts = text.split(separator: "-", maxSplits: 2, omittingEmptySubsequences: false)
        return parts.count == 3 && parts[0].count == 2 && parts[0].allSatisfy({ $0.isASCII && $0.isUppercase })
            && !parts[1].isEmpty && !parts[2].isEmpty && !text.contains("/") && !text.contains(where: \.isWhitespace)
    }
}

/// Why money may not be allocated, with the numbers.
public enum AllocationRefusal: Error, Hashable, Sendable, CustomStringConvertible {
    case decisionNotApproved(decision: String, status: String)
    case beyondDecision(decision: String, approved: Money, alreadyAllocated: Money, requested: Money)
    case decisionHasNoAmount(decision: String)
    case beyondStrand(
        strand: String, year: FinancialYear, remaining: Money, requested: Money, overCommitmentPercent: Int?)
    case unknownStrand(strand: String, year: FinancialYear)
    case notAnOrgID(String)

    public var rule: String {
        switch self {
        case .decisionNotApproved: return "allocation-needs-approved-decision"
        case .beyondDecision: return "allocation-within-decision"
        case .decisionHasNoAmount: return "decision-states-amount"
        case .beyondStrand: return "allocation-within-strand-budget"
        case .unknownStrand: return "known-strand"
        case .notAnOrgID: return "recipient-org-id"
        }
    }

    public var description: String {
        switch self {
        case .decisionNotApproved(let decision, let status):
            return
                "decision \(decision) is \(status), not approved: money may only be allocated under an approved decision"
        case .beyondDecision(let decision, let approved, let already, let requested):
            return "decision \(decision) approved \(approved); \(already) is already allocated, so \(requested) more "
                + "would exceed it"
        case .decisionHasNoAmount(let decision):
            return "decision \(decision) states no amount, so nothing can be allocated under it"
        case .beyondStrand(let strand, let year, let remaining, let requested, let percent):
            return "the \(strand) strand for \(year) has \(remaining) unallocated, less than the \(requested) requested"
                + (percent.map { " (even with the office's declared \($0)% over-commitment)" } ?? "")
        case .unknownStrand(let strand, let year):
            return "there is no \(strand) strand in the \(year) budget: set it with 'opcc finance budget'"
        case .notAnOrgID(let text):
            return "'\(text)' is not an org-id such as GB-LAE-BAR (local authority) or GB-CHC-1234567 (charity)"
        }
    }
}
