/// A grant made on the Commissioner's conditions to one recipient for one purpose, citing the decision that approved
/// it: the terms a district council, a community safety partnership (through its accountable body) or a charity
/// signs, the money it may draw and when, and the record of what was varied since.
///
/// Kept as one value so that the rules in `GrantRules` can check it whole: its plan lines, spend profile and
/// payment instalments are three views of the same money and must each add up to `amount` (see `problems()`).
/// `amount` is the current amount, with any agreed variations already applied; `variations` is their history.
public struct GrantAgreement: Hashable, Sendable, Codable {
    /// An organisation named in an agreement, by org-id (`GB-LAE-WLV`) and as it is written on the agreement.
    public struct Organisation: Hashable, Sendable, Codable {
        public var orgID: String
        public var name: String

        public init(orgID: String, name: String) {
            self.orgID = orgID
            self.name = name
        }
    }

    /// The days the agreement runs, first and last included (2017/18 programmes run 1 April 2017 to 31 March 2018).
    public struct Period: Hashable, Sendable, Codable, CustomStringConvertible {
        public var start: Day
        public var end: Day

        public init(start: Day, end: Day) {
            self.start = start
            self.end = end
        }

        /// Whether `day` falls within the period.
        public func contains(_ day: Day) -> Bool { start <= day && day <= end }

        /// Whether any day of `quarter` falls within the period (a period may start or end mid-quarter).
        public func overlaps(_ quarter: Quarter) -> Bool { quarter.firstDay <= end && start <= quarter.lastDay }

        /// "2017-04-01 to 2018-03-31".
        public var description: String { "\(start.iso) to \(end.iso)" }
    }

    /// One costed line of the recipient's plan under a strategic priority (Wolverhampton's Appendix A: reducing
    /// reoffending, violence prevention, reducing victimisation). Money may not move between lines without the
    /// OPCC's written approval, so each line is kept.
    public struct PlanLine: Hashable, Sendable, Codable {
        public var priority: String
        public var description: String
        public var amount: Money

        public init(priority: String, description: String, amount: Money) {
            self.priority = priority
            self.description = description
            self.amount = amount
        }
    }

    /// The money the recipient expects to spend in one quarter: what each quarterly return reports against.
    public struct QuarterSpend: Hashable, Sendable, Codable {
        public var quarter: Quarter
        public var amount: Money

        public init(quarter: Quarter, amount: Money) {
            self.quarter = quarter
            self.amount = amount
        }
    }

    /// An outcome the recipient reports against each quarter, with where it started and where it should get to.
    /// Baseline and target are text because offices write them so ("12 per month", "reduce by 10%").
    public struct OutcomeIndicator: Hashable, Sendable, Codable {
        public var name: String
        public var unit: String
        public var baseline: String
        public var target: String

        public init(name: String, unit: String, baseline: String, target: String) {
            self.name = name
            self.unit = unit
            self.baseline = baseline
            self.target = target
        }
    }

    /// What must hold before an instalment may be paid. Payments are tied to signature, to a date, or to the
    /// acceptance of a quarter's return, so that money follows evidence of progress.
    public enum PaymentCondition: Hashable, Sendable, Codable, CustomStringConvertible {
        /// Payable once both parties have signed.
        case onSignature
        /// Payable on or after the day.
        case onDate(Day)
        /// Payable once the return for the quarter has been accepted.
        case onAcceptedReturn(Quarter)

        public var description: String {
            switch self {
            case .onSignature: return "on signature of the agreement"
            case .onDate(let day): return "on or after \(day.iso)"
            case .onAcceptedReturn(let quarter): return "on acceptance of the \(quarter) return"
            }
        }

        private enum CodingKeys: String, CodingKey { case kind, day, quarter }

        /// Decodes `{"kind": "on-signature"}`, `{"kind": "on-date", "day": "2017-10-01"}` or
        /// `{"kind": "on-accepted-return", "quarter": "2017/18 Q2"}`.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            let kind = try container.decode(String.self, forKey: .kind)
            switch kind {
            case "on-signature": self = .onSignature
            case "on-date": self = .onDate(try container.decode(Day.self, forKey: .day))
            case "on-accepted-return": self = .onAcceptedReturn(try container.decode(Quarter.self, forKey: .quarter))
            default:
                throw DecodingError.dataCorruptedError(
                    forKey: .kind, in: container,
                    debugDescription:
                        "'\(kind)' is not a payment condition (on-signature, on-date or on-accepted-return)")
            }
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            switch self {
            case .onSignature:
                try container.encode("on-signature", forKey: .kind)
            case .onDate(let day):
                try container.encode("on-date", forKey: .kind)
                try container.encode(day, forKey: .day)
            case .onAcceptedReturn(let quarter):
                try container.encode("on-accepted-return", forKey: .kind)
                try container.encode(quarter, forKey: .quarter)
            }
        }
    }

    /// One payment of the grant, released only when its condition holds; `paidOn` is set once it is paid.
    public struct PaymentInstalment: Hashable, Sendable, Codable {
        public var id: String
        public var amount: Money
        public var condition: PaymentCondition
        public var paidOn: Day?

        public init(id: String, amount: Money, condition: PaymentCondition, paidOn: Day? = nil) {
            self.id = id
            self.amount = amount
            self.condition = condition
            self.paidOn = paidOn
        }
    }

    /// A completed assessment the agreement depends on (Leicestershire requires an equality impact assessment and a
    /// risk assessment for each funding agreement), identified by the office's reference for it.
    public struct Assessment: Hashable, Sendable, Codable {
        public var reference: String
        public var recordedOn: Day

        public init(reference: String, recordedOn: Day) {
            self.reference = reference
            self.recordedOn = recordedOn
        }
    }

    /// The two parties who sign: the Commissioner's office and the recipient (or its accountable body).
    public enum Party: String, Hashable, Sendable, Codable, CaseIterable, CustomStringConvertible {
        case opcc, recipient

        public var description: String {
            switch self {
            case .opcc: return "the OPCC"
            case .recipient: return "the recipient"
            }
        }
    }

    /// A party's signature: who signed for it and on what day.
    public struct PartySignature: Hashable, Sendable, Codable {
        public var party: Party
        public var name: String
        public var on: Day

        public init(party: Party, name: String, on: Day) {
            self.party = party
            self.name = name
            self.on = on
        }
    }

    /// A change agreed in writing while the agreement runs. A change of amount beyond what the decision approved
    /// needs a new decision, whose id is recorded here.
    public struct Variation: Hashable, Sendable, Codable {
        /// What the variation changes.
        public enum Kind: String, Hashable, Sendable, Codable, CaseIterable {
            case amount, dates, planLines = "plan-lines"
        }

        public var kind: Kind
        public var description: String
        public var amountChange: SignedMoney?
        public var approvedBy: String
        public var on: Day
        public var newDecisionID: String?

        public init(
            kind: Kind, description: String, amountChange: SignedMoney? = nil, approvedBy: String, on: Day,
            newDecisionID: String? = nil
        ) {
            self.kind = kind
            self.description = description
            self.amountChange = amountChange
            self.approvedBy = approvedBy
            self.on = on
            self.newDecisionID = newDecisionID
        }
    }

    /// The conditions every agreement carries unless the office writes its own (seeds 000, 002, 003).
    public static let standardConditions: [String] = [
        "Spend only on the agreed purpose",
        "No moving money between plan lines without written OPCC approval",
        "Unspent money is returned",
        "Records are kept for inspection",
    ]

    public var id: String
    public var office: String
    /// The decision record that approved the grant.
    public var decisionID: String
    public var recipient: Organisation
    /// The body that receives and accounts for the money on the recipient's behalf (City of Wolverhampton Council
    /// for the Safer Wolverhampton Partnership), when it is not the recipient itself.
    public var accountableBody: Organisation?
    public var purpose: String
    /// How the grant will reduce crime and disorder, as the Specified Information Order asks the office to publish.
    public var crimeAndDisorderStatement: String
    public var period: Period
    /// Whether the money may be used only for this purpose (Wolverhampton's community safety grant).
    public var ringFenced: Bool
    /// The ledger allocations the agreement pays out; their total must equal `amount`.
    public var allocationIDs: [String]
    public var amount: Money
    public var planLines: [PlanLine]
    public var spendProfile: [QuarterSpend]
    public var indicators: [OutcomeIndicator]
    public var conditions: [String]
    /// The last day of any fixed-term posts the grant funds (Wolverhampton's five posts to 31 March 2018).
    public var fixedTermPostsEnd: Day?
    public var payments: [PaymentInstalment]
    /// What the instalments paid so far add up to, in pence.
    public var paidPence: Int64 { payments.filter { $0.paidOn != nil }.reduce(0) { $0 + $1.amount.pence } }
    public var equalityImpactAssessment: Assessment?
    public var riskAssessment: Assessment?
    public var signatures: [PartySignature]
    public var variations: [Variation]
    /// True when the grant reports once, at its end, instead of quarterly (a grant round's small grants, where the
    /// round says so): activation then schedules one end-of-grant report. Nil (absent from older agreements' terms)
    /// means quarterly returns.
    public var endOfGrantReport: Bool?

    public init(
        id: String, office: String, decisionID: String, recipient: Organisation, accountableBody: Organisation? = nil,
        purpose: String, crimeAndDisorderStatement: String = "", period: Period, ringFenced: Bool = false,
        allocationIDs: [String] = [], amount: Money, planLines: [PlanLine] = [], spendProfile: [QuarterSpend] = [],
        indicators: [OutcomeIndicator] = [], conditions: [String] = GrantAgreement.standardConditions,
        fixedTermPostsEnd: Day? = nil, payments: [PaymentInstalment] = [], equalityImpactAssessment: Assessment? = nil,
        riskAssessment: Assessment? = nil, signatures: [PartySignature] = [], variations: [Variation] = []
    ) {
        self.id = id
        self.office = office
        self.decisionID = decisionID
        self.recipient = recipient
        self.accountableBody = accountableBody
        self.purpose = purpose
        self.crimeAndDisorderStatement = crimeAndDisorderStatement
        self.period = period
        self.ringFenced = ringFenced
        self.allocationIDs = allocationIDs
        self.amount = amount
        self.planLines = planLines
        self.spendProfile = spendProfile
        self.indicators = indicators
        self.conditions = conditions
        self.fixedTermPostsEnd = fixedTermPostsEnd
        self.payments = payments
        self.equalityImpactAssessment = equalityImpactAssessment
        self.riskAssessment = riskAssessment
        self.signatures = signatures
        self.variations = variations
    }

    /// The parties whose signature is not yet recorded, OPCC first.
    public var partiesYetToSign: [Party] {
        Party.allCases.filter { party in !signatures.contains { $0.party == party } }
    }

    /// Where the agreement contradicts itself, in the order a reader meets them: the period, the quarters and posts
    /// it covers, then the plan lines, spend profile and payments, each of which must add up to `amount`.
    ///
    /// An empty list of plan lines, spend profile or payments is "not broken down yet" and is not checked; a list
    /// that is given must account for every penny.
    public func problems() -> [GrantRefusal] {
        var found: [GrantRefusal] = []
        if period.end < period.start { found.append(.periodInvalid(start: period.start, end: period.end)) }
        var seen: Set<Quarter> = []
        for spend in spendProfile {
            if !seen.insert(spend.quarter).inserted { found.append(.quarterProfiledTwice(spend.quarter)) }
            if !period.overlaps(spend.quarter) { found.append(.quarterOutsidePeriod(spend.quarter, period: period)) }
        }
        for instalment in payments {
            if case .onAcceptedReturn(let quarter) = instalment.condition, !period.overlaps(quarter) {
                found.append(.quarterOutsidePeriod(quarter, period: period))
            }
        }
        if let postsEnd = fixedTermPostsEnd, !period.contains(postsEnd) {
            found.append(.fixedTermPostsOutsidePeriod(postsEnd: postsEnd, period: period))
        }
        func check(_ what: String, _ amounts: [Money], _ refusal: (Money) -> GrantRefusal) {
            guard !amounts.isEmpty else { return }
            guard let total = try? Money.sum(amounts) else {
                found.append(.totalTooLarge(of: what))
                return
            }
            if total != amount { found.append(refusal(total)) }
        }
        check("the plan lines", planLines.map(\.amount)) { .planLinesDoNotSum(lines: $0, agreement: amount) }
        check("the spend profile", spendProfile.map(\.amount)) {
            .spendProfileDoesNotSum(profile: $0, agreement: amount)
        }
        check("the payments", payments.map(\.amount)) { .paymentsDoNotSum(payments: $0, agreement: amount) }
        return found
    }
}
