/// Everything a Community Safety Partnership declares about how it sets its priorities, kept with each assessment so
/// that the method in force is shown with the result: how agencies' harm scores combine, the probability scale, the
/// band limits, how many priorities it sets and the statutory obligations it always delivers (seed 001: three
/// priorities, plus reducing reoffending and substance misuse). None of it is assumed by the code.
public struct PartnershipMethod: Hashable, Sendable, Codable {
    /// The model named (seed 001: "ACPO 3 PLEM", adapted).
    public var model: String
    public var combination: CombinationMethod
    public var probabilityScale: ProbabilityScale
    public var bands: RiskBands
    /// How many priorities the partnership sets, besides its statutory obligations (seed 001: three).
    public var priorityCount: Int
    /// Always delivered, whatever the matrix says (seed 001: reducing reoffending, substance misuse).
    public var statutoryObligations: [String]

    public init(
        model: String, combination: CombinationMethod, probabilityScale: ProbabilityScale, bands: RiskBands,
        priorityCount: Int, statutoryObligations: [String]
    ) {
        self.model = model
        self.combination = combination
        self.probabilityScale = probabilityScale
        self.bands = bands
        self.priorityCount = priorityCount
        self.statutoryObligations = statutoryObligations
    }
}
