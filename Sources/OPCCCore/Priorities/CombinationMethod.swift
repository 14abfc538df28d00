/// How a partnership combines its agencies' harm scores for a threat into the threat's harm: declared by the
/// partnership, never assumed by the code. Seed 001's recorded totals are, on all 17 rows, the five agencies' sum
/// divided by 6 and rounded half up (Domestic Abuse: 75 ÷ 6 = 12.5 → 13); other partnerships may take the mean or
/// the median of the agencies' scores.
public struct CombinationMethod: Hashable, Sendable, Codable, CustomStringConvertible {
    public enum Kind: String, Hashable, Sendable, Codable, CaseIterable {
        /// The agencies' scores added up and divided by a declared divisor (seed 001: 6).
        case sumDividedBy = "sum-divided-by"
        /// The agencies' scores added up and divided by the number of agencies that scored.
        case mean
        /// The middle agency score (the mean of the two middle ones when their number is even).
        case median
    }

    /// How a fraction becomes a whole harm score.
    public enum Rounding: String, Hashable, Sendable, Codable, CaseIterable {
        /// A half or more goes up (12.5 → 13, 11.17 → 11).
        case halfUp = "half-up"
        /// Any fraction is dropped.
        case down
        /// Any fraction goes up.
        case up
    }

    public var kind: Kind
    /// For `sum-divided-by` only.
    public var divisor: Int?
    public var rounding: Rounding

    public init(kind: Kind, divisor: Int? = nil, rounding: Rounding = .halfUp) {
        self.kind = kind
        self.divisor = divisor
        self.rounding = rounding
    }

    /// Seed 001's method, as its totals show it.
    public static let sumDividedBySixHalfUp = CombinationMethod(kind: .sumDividedBy, divisor: 6, rounding: .halfUp)

    /// A combined harm score as an exact fraction, its rounded value and the working ("75 ÷ 6 = 12.5 → 13").
    public struct Combined: Hashable, Sendable {
        public let numerator: Int
        public let denominator: Int
        public let total: Int
        public let working: String
    }

    /// Combines the agencies' scores; nil when there are none or the method is not usable (a divisor below 1).
    public func combine(_ scores: [Int]) -> Combined? {
        guard !scores.isEmpty else { return nil }
        let sum = scores.reduce(0, +)
        switch kind {
        case .sumDividedBy:
            guard let divisor, divisor >= 1 else { return nil }
            return combined(sum, divisor, label: "\(sum) ÷ \(divisor)")
        case .mean:
            return combined(sum, scores.count, label: "\(sum) ÷ \(scores.count)")
        case .median:
            let sorted = scores.sorted()
            let middle = sorted.count / 2
            let listed = "median of " + sorted.map(String.init).joined(separator: ", ")
            if sorted.count % 2 == 1 { return combined(sorted[middle], 1, label: listed) }
            return combined(sorted[middle - 1] + sorted[middle], 2, label: listed)
        }
    }

    private func combined(_ numerator: Int, _ denominator: Int, label: String) -> Combined {
        let total: Int
        switch rounding {
        case .halfUp: total = (2 * numerator + denominator) / (2 * denominator)
        case .down: total = numerator / denominator
        case .up: total = (numerator + denominator - 1) / denominator
        }
        let working: String
        if numerator % denominator == 0 {
            working = "\(label) = \(total)"
        } else {
            let sign = Self.isExactInTwoDecimals(numerator, denominator) ? "=" : "≈"
            working = "\(label) \(sign) \(Self.decimal(numerator, denominator)) → \(total)"
        }
        return Combined(numerator: numerator, denominator: denominator, total: total, working: working)
    }

    /// n ÷ d to at most two decimals, rounded half up, trailing zeros dropped ("12.5", "11.17", "13").
    static func decimal(_ n: Int, _ d: Int) -> String {
        let hundredths = (200 * n + d) / (2 * d)
        let whole = hundredths / 100
        let fraction = hundredths % 100
        guard fraction != 0 else { return String(whole) }
        if fraction % 10 == 0 { return "\(whole).\(fraction / 10)" }
        return "\(whole).\(fraction < 10 ? "0" : "")\(fraction)"
    }

    static func isExactInTwoDecimals(_ n: Int, _ d: Int) -> Bool { (100 * n) % d == 0 }

    /// "sum ÷ 6, round half up", "mean of the agencies' scores, round half up", "median of the agencies' scores, …".
    public var description: String {
        let head: String
        switch kind {
        case .sumDividedBy: head = "sum ÷ \(divisor.map(String.init) ?? "?")"
        case .mean: head = "mean of the agencies' scores"
        case .median: head = "median of the agencies' scores"
        }
        let tail: String
        switch rounding {
        case .halfUp: tail = "round half up"
        case .down: tail = "round down"
        case .up: tail = "round up"
        }
        return "\(head), \(tail)"
    }
}
