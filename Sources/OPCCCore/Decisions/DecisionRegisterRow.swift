/// One line of the decision register: Part 1 facts only.
public struct DecisionRegisterRow: Hashable, Sendable, Codable {
    public var id: String
    public var office: String
    public var number: String?
    public var title: String
    public var status: String
    public var amountPence: Int64?
    public var strand: String?
    public var financialYear: String?
    public var originatingOfficer: String
    public var decidedOn: Day?
    public var outcome: String?
    public var part1Deadline: Day?
    public var publishedOn: Day?
    public var deferred: Bool
    public var deferralUntil: Day?
    public var part2Exists: Bool
    public var exceptionCount: Int
    /// Who decided in the Commissioner's place (`chief-executive`), when the decision was delegated; nil otherwise.
    public var delegatedTo: String? = nil
    /// The amount the delegation covered when the decision was taken (nil: no limit, or not delegated).
    public var delegationLimitPence: Int64? = nil
    /// The day the Commissioner noted the delegated decision, where the delegation asks for noting.
    public var notedOn: Day? = nil

    public init(
        id: String, office: String, number: String?, title: String, status: String, amountPence: Int64?,
        strand: String?, financialYear: String?, originatingOfficer: String, decidedOn: Day?, outcome: String?,
        part1Deadline: Day?, publishedOn: Day?, deferred: Bool, deferralUntil: Day?, part2Exists: Bool,
        exceptionCount: Int
    ) {
        self.id = id
        self.office = office
        self.number = number
        self.title = title
        self.status = status
        self.amountPence = amountPence
        self.strand = strand
        self.financialYear = financialYear
        self.originatingOfficer = originatingOfficer
        self.decidedOn = decidedOn
        self.outcome = outcome
        self.part1Deadline = part1Deadline
        self.publishedOn = publishedOn
        self.deferred = deferred
        self.deferralUntil = deferralUntil
        self.part2Exists = part2Exists
        self.exceptionCount = exceptionCount
    }
}
