/// The six harm factors of the ACPO 3 PLEM risk/harm matrix (seed 001), each scored 1 to 4 by each partner agency
/// for each threat and added together into the agency's harm score.
public enum HarmFactor: String, CaseIterable, Hashable, Sendable, Codable {
    /// Death or serious injury; a less serious injury; threats of violence or harassment without physical injury.
    case physicalIndividual = "physical-individual"
    /// Extreme, significant or minor concern to the individual.
    case psychologicalIndividual = "psychological-individual"
    /// The psychological impact on the community as a whole.
    case psychologicalCommunity = "psychological-community"
    /// Whether this area of criminality is an issue for the scoring organisation.
    case politicalOrganisation = "political-organisation"
    /// A very high, high or medium economic impact on the scoring organisation.
    case economicOrganisation = "economic-organisation"
    /// A very high, high or medium economic impact in the community.
    case economicSocial = "economic-social"

    /// As the seed's table names it.
    public var title: String {
        switch self {
        case .physicalIndividual: return "Physical – Individual"
        case .psychologicalIndividual: return "Psychological – Individual"
        case .psychologicalCommunity: return "Psychological – Community"
        case .politicalOrganisation: return "Political – Organisation"
        case .economicOrganisation: return "Economic – Organisation"
        case .economicSocial: return "Economic – Social"
        }
    }
}

/// One partner agency's harm score for one threat: the sum of its six factor scores, with the factors themselves
/// when they were recorded. Seed 001 publishes only the sums, so an imported table carries sums alone; a new
/// assessment scored factor by factor keeps both. `PriorityRules` checks the ranges.
public struct HarmScore: Hashable, Sendable, Codable {
    /// Each factor is scored 1 to 4.
    public static let factorRange = 1...4
    /// So a sum of six factors lies between 6 and 24.
    public static let sumRange = 6...24

    public let sum: Int
    /// In `HarmFactor.allCases` order; nil when only the sum is known (a published table).
    public let factors: [Int]?

    /// A published sum, without its factors.
    public init(sum: Int) {
        self.sum = sum
        self.factors = nil
    }

    /// An agency's six factor scores, in `HarmFactor.allCases` order; the sum is theirs.
    public init(factors: [Int]) {
        self.factors = factors
        self.sum = factors.reduce(0) { $0 &+ $1 }
    }
}
