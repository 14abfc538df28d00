/// A non-negative amount of money in whole pence: the unit of every grant award, budget line and claim.
///
/// Money is held as an integer number of pence so that no amount is ever rounded by binary floating point, and every
/// operation that could overflow or go below zero reports it as an error instead of trapping. Amounts that may be
/// negative (variances, ledger balances) are `SignedMoney`.
///
/// Encoded as a single integer: the number of pence.
public struct Money: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The amount in pence (always zero or more).
    public let pence: Int64

    /// Creates an amount from pence, or nil when `pence` is negative (a negative amount is not `Money`).
    public init?(pence: Int64) {
        guard pence >= 0 else { return nil }
        self.pence = pence
    }

    /// Creates an amount of whole pounds, or nil when `pounds` is negative or too large to hold in pence.
    /// A convenience for constants in code and tests, e.g. `Money(pounds: 100_000)!`.
    public init?(pounds: Int64) {
        guard pounds >= 0 else { return nil }
        let (value, overflow) = pounds.multipliedReportingOverflow(by: 100)
        guard !overflow else { return nil }
        self.pence = value
    }

    /// Builds a value already known to be non-negative.
    init(uncheckedPence pence: Int64) {
        self.pence = pence
    }

    /// No money at all: the starting point of every total.
    public static let zero = Money(uncheckedPence: 0)

    /// The largest amount that can be held: £92,233,720,368,547,758.07. Only an old database can hold an amount
    /// above `ceiling`; no amount entering the product can.
    public static let max = Money(uncheckedPence: Int64.max)

    /// The largest amount the product accepts: £10,000,000,000.00, far above any OPCC's budget (a whole force's is a
    /// few hundred million) and far below what 64 bits hold, so that millions of amounts still add up without
    /// overflowing. Text, files and requests above it are refused (`MoneyParseError.Reason.aboveCeiling`).
    public static let ceiling = Money(uncheckedPence: 1_000_000_000_000)

    /// Whether the amount is at most `ceiling`, as every amount entering the product must be.
    public var isWithinCeiling: Bool { pence <= Money.ceiling.pence }

    /// Whether this is no money at all.
    public var isZero: Bool { pence == 0 }

    /// The amount as people write it in the UK: a pound sign, thousands separated by commas and always two decimals,
    /// e.g. "£1,234.56", "£100,000.00", "£0.50".
    public var formatted: String { Money.format(magnitude: UInt64(pence)) }

    /// Same as `formatted`, so that amounts interpolate into messages as people write them.
    public var description: String { formatted }

    /// Orders amounts by value, so that budgets and awards can be compared.
    public static func < (lhs: Money, rhs: Money) -> Bool { lhs.pence < rhs.pence }

    /// Formats a number of pence as "£1,234.56"; shared with `SignedMoney`, which adds the sign.
    static func format(magnitude: UInt64) -> String {
        let pounds = magnitude / 100
        let pennies = magnitude % 100
        let digits = String(pounds)
        var grouped = ""
        grouped.reserveCapacity(digits.count + digits.count / 3)
        for (offset, digit) in digits.enumerated() {
            if offset > 0 && (digits.count - offset) % 3 == 0 { grouped.append(",") }
            grouped.append(digit)
        }
        return "£" + grouped + "." + (pennies < 10 ? "0" : "") + String(pennies)
    }
}

// MARK: - Arithmetic

/// Why a sum, difference or product of money could not be formed: it would not fit, or it would go below zero.
/// Returned instead of trapping so that a bad figure in a grant never brings the engine down.
public enum MoneyArithmeticError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The result is larger than the largest amount that can be held.
    case overflow
    /// Taking `subtrahend` from `minuend` would leave less than nothing.
    case wouldBeNegative(minuend: Money, subtrahend: Money)
    /// Money was multiplied by a negative number, which would make a negative amount.
    case negativeMultiplier(Int64)

    /// Says what went wrong in words a finance officer would recognise.
    public var description: String {
        switch self {
        case .overflow:
            return "the amount is too large to hold (the largest is \(Money.max))"
        case .wouldBeNegative(let minuend, let subtrahend):
            let shortfall = Money(uncheckedPence: subtrahend.pence - minuend.pence)
            return "taking \(subtrahend) from \(minuend) would leave a negative amount (\(shortfall) short)"
        case .negativeMultiplier(let n):
            return "an amount of money cannot be multiplied by a negative number (\(n))"
        }
    }
}

extension Money {
    /// The total of this amount and `other`, or `.overflow` when it would not fit.
    public func adding(_ other: Money) throws(MoneyArithmeticError) -> Money {
        let (value, overflow) = pence.addingReportingOverflow(other.pence)
        guard !overflow else { throw .overflow }
        return Money(uncheckedPence: value)
    }

    /// What is left after taking `other` away, or `.wouldBeNegative` when `other` is the larger amount
    /// (e.g. paying out more than remains in a budget).
    public func subtracting(_ other: Money) throws(MoneyArithmeticError) -> Money {
        guard other.pence <= pence else { throw .wouldBeNegative(minuend: self, subtrahend: other) }
        return Money(uncheckedPence: pence - other.pence)
    }

    /// This amount `n` times over (e.g. a quarterly payment times four), or an error when `n` is negative or the
    /// result would not fit.
    public func multiplied(by n: Int64) throws(MoneyArithmeticError) -> Money {
        guard n >= 0 else { throw .negativeMultiplier(n) }
        let (value, overflow) = pence.multipliedReportingOverflow(by: n)
        guard !overflow else { throw .overflow }
        return Money(uncheckedPence: value)
    }

    /// The total of `amounts` (zero when there are none), or `.overflow` when it would not fit.
    public static func sum(_ amounts: some Sequence<Money>) throws(MoneyArithmeticError) -> Money {
        var total = Money.zero
        for amount in amounts {
            total = try total.adding(amount)
        }
        return total
    }
}

// MARK: - Splitting

/// Why an amount could not be split by weights: there is nothing to split it by, or a weight makes no sense.
public enum MoneySplitError: Error, Hashable, Sendable, CustomStringConvertible {
    /// No weights were given.
    case noWeights
    /// The weight at `index` is below zero.
    case negativeWeight(index: Int, weight: Int64)
    /// Every weight is zero, so no part can receive anything.
    case allWeightsZero
    /// The weights add up to more than can be held.
    case weightsTooLarge

    /// Says what is wrong with the weights.
    public var description: String {
        switch self {
        case .noWeights:
            return "an amount cannot be split between no parts: give at least one weight"
        case .negativeWeight(let index, let weight):
            return "weight \(index + 1) is \(weight): weights must be zero or more"
        case .allWeightsZero:
            return "every weight is zero, so there is no way to share the amount: give at least one positive weight"
        case .weightsTooLarge:
            return "the weights add up to more than can be held: use smaller weights in the same proportion"
        }
    }
}

extension Money {
    /// Splits this amount into parts in proportion to `weights`, distributing every penny so that the parts add up
    /// exactly to the whole (e.g. sharing a fund between partner organisations, or an award across quarters).
    ///
    /// The rule is deterministic (largest-remainder method):
    /// 1. each part first gets `floor(pence × weight ÷ total weight)` pence;
    /// 2. the pennies left over (fewer than the number of parts) go one each to the parts with the largest
    ///    remainders from step 1, and where remainders are equal, to the part with the lower index first.
    ///
    /// So £100.00 split 1/1/1 is £33.34, £33.33, £33.33. A part with weight zero always gets £0.00.
    /// Throws when `weights` is empty, has a negative weight, is all zero, or adds up to more than `Int64.max`.
    public func split(byWeights weights: [Int64]) throws(MoneySplitError) -> [Money] {
        guard !weights.isEmpty else { throw .noWeights }
        var total: Int64 = 0
        for (index, weight) in weights.enumerated() {
            guard weight >= 0 else { throw .negativeWeight(index: index, weight: weight) }
            let (value, overflow) = total.addingReportingOverflow(weight)
            guard !overflow else { throw .weightsTooLarge }
            total = value
        }
        guard total > 0 else { throw .allWeightsZero }

        var shares: [Int64] = []
        var remainders: [Int64] = []
        shares.reserveCapacity(weights.count)
        remainders.reserveCapacity(weights.count)
        var allocated: Int64 = 0
        for weight in weights {
            // pence × weight may not fit in 64 bits; the quotient always does, because weight ≤ total.
            let product = pence.multipliedFullWidth(by: weight)
            let (quotient, remainder) = total.dividingFullWidth(product)
            shares.append(quotient)
            remainders.append(remainder)
            allocated += quotient
        }
        let leftover = Int(pence - allocated)
        if leftover > 0 {
            let order = weights.indices.sorted { a, b in
                remainders[a] != remainders[b] ? remainders[a] > remainders[b] : a < b
            }
            for index in order.prefix(leftover) {
                shares[index] += 1
            }
        }
        return shares.map { Money(uncheckedPence: $0) }
    }
}
