/// A request to carry a recipient's forecast underspend from one year into the next.
public struct CarryForwardRequest: Hashable, Sendable {
    public var id: String
    public var office: String
    public var year: FinancialYear
    public var strand: String
    public var recipientOrgID: String
    public var forecast: Money
    public var reason: String
    /// The decision record giving the Commissioner's permission, where one was made.
    public var decisionID: String?
    /// The actual underspend confirmed at year end.
    public var actual: Money?

    public init(
        id: String, office: String, year: FinancialYear, strand: String, recipientOrgID: String, forecast: Money,
        reason: String, decisionID: String? = nil, actual: Money? = nil
    ) {
        self.id = id
        self.office = office
        self.year = year
        self.strand = strand
        self.recipientOrgID = recipientOrgID
        self.forecast = forecast
        self.reason = reason
        self.decisionID = decisionID
        self.actual = actual
    }
}
