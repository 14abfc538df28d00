/// A threat as the matrix places it: each agency's harm score, the total the partnership recorded and the one its
/// declared method computes (a difference is shown, never hidden), the probability from the scale, risk =
/// probability × computed harm, and the band that risk falls in.
public struct ScoredThreat: Hashable, Sendable {
    /// 1 for the first threat the partnership lists: how the chart labels it.
    public let number: Int
    public let name: String
    /// In the assessment's agency order; nil where an agency has not scored it.
    public let agencySums: [Int?]
    public let recordedTotal: Int?
    /// By the declared method, once every agency has scored.
    public let computed: CombinationMethod.Combined?
    public let control: ControlStatus?
    public let volumeShare: Percentage?
    public let probability: Int?
    let bands: RiskBands

    /// The agencies' scores added up.
    public var sumOfAgencies: Int { agencySums.compactMap { $0 }.reduce(0, +) }
    public var computedTotal: Int? { computed?.total }
    /// The harm the risk is computed from: the declared method's total.
    public var harm: Int? { computedTotal }

    /// Recorded total less computed total, when both exist and differ.
    public var totalDifference: Int? {
        guard let recordedTotal, let computedTotal, recordedTotal != computedTotal else { return nil }
        return recordedTotal - computedTotal
    }

    public var risk: Int? {
        guard let probability, let harm else { return nil }
        return probability * harm
    }

    public var band: RiskBand? { risk.map(bands.band) }

    /// "risk 60 = probability 5 × harm 12; High from 50".
    public var riskWorking: String {
        guard let risk, let probability, let harm, let band else { return "risk not yet known" }
        return "risk \(risk) = probability \(probability) × harm \(harm); \(bands.limits(of: band))"
    }
}
