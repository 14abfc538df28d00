/// How far actual spend is from the agreement's spend profile, for one quarter or cumulatively to the end of it: the
/// figure behind "explanation of any variance of 10% or more" in a quarterly return (seeds 000, 002, 003). Kept as a
/// value so that checks, views and CSV exports compute and print it the same way.
///
/// Percentages are computed in integer arithmetic on whole pence, never in floating point, and truncated towards
/// zero: a variance shown as "10.0%" or more is always at or beyond a 10% threshold, one shown below it never is.
public struct Variance: Hashable, Sendable, Codable {
    /// What is compared with the profile.
    public enum Basis: String, Hashable, Sendable, Codable, CaseIterable {
        /// Spend in the quarter against the profile's amount for that quarter.
        case quarter
        /// Spend to date against the profile's total up to and including the quarter.
        case toDate = "to-date"
    }

    public let basis: Basis
    /// The quarter reported on (for `.toDate`, the last quarter counted).
    public let quarter: Quarter
    /// What was spent.
    public let actual: Money
    /// What the spend profile expected.
    public let profiled: Money

    public init(basis: Basis, quarter: Quarter, actual: Money, profiled: Money) {
        self.basis = basis
        self.quarter = quarter
        self.actual = actual
        self.profiled = profiled
    }

    /// Actual less profiled: negative for an underspend, positive for an overspend.
    public var difference: SignedMoney { actual.difference(from: profiled) }

    /// Whether the profile expected nothing, so that no percentage can be given.
    public var nothingProfiled: Bool { profiled.isZero }

    /// The variance in basis points of the profiled amount (100 basis points = 1%), negative below profile,
    /// truncated towards zero; nil when nothing was profiled. Saturates at `Int.min`/`Int.max` for a variance beyond
    /// any meaning (over 900 trillion percent).
    public var basisPoints: Int? {
        guard !nothingProfiled else { return nil }
        return Int(clamping: Int128(difference.pence) * 10_000 / Int128(profiled.pence))
    }

    /// Whether the variance is `thresholdBasisPoints` or more either way. Spending anything against nothing profiled
    /// always reaches it; spending nothing against nothing never does. Exact: compares |actual − profiled| × 10,000
    /// with threshold × profiled in 128-bit integers.
    public func reaches(thresholdBasisPoints: Int) -> Bool {
        guard !nothingProfiled else { return !actual.isZero }
        let size = Int128(difference.pence).magnitude
        return Int128(size) * 10_000 >= Int128(thresholdBasisPoints) * Int128(profiled.pence)
    }

    /// Whether the return must explain it: the variance is `ReturnRules.varianceThresholdBasisPoints` (10%) or more
    /// either way.
    public var needsExplanation: Bool { reaches(thresholdBasisPoints: ReturnRules.varianceThresholdBasisPoints) }

    /// The variance as a percentage of the profile to one decimal place, with its direction: "25.0% below",
    /// "12.5% above", "0.0% above" for a penny over, "on profile" for none; nil when nothing was profiled.
    public var percentText: String? {
        guard !nothingProfiled else { return nil }
        let pence = difference.pence
        if pence == 0 { return "on profile" }
        let tenths = Int128(pence).magnitude * 1_000 / UInt128(profiled.pence)
        return "\(tenths / 10).\(tenths % 10)% " + (pence < 0 ? "below" : "above")
    }

    /// A threshold in basis points as people write it: 1,000 as "10%", 1,250 as "12.5%", 1,225 as "12.25%".
    public static func percentText(basisPoints: Int) -> String {
        let sign = basisPoints < 0 ? "-" : ""
        let size = basisPoints.magnitude
        let whole = size / 100
        let fraction = size % 100
        if fraction == 0 { return "\(sign)\(whole)%" }
        if fraction % 10 == 0 { return "\(sign)\(whole).\(fraction / 10)%" }
        return "\(sign)\(whole).\(fraction < 10 ? "0" : "")\(fraction)%"
    }
}
