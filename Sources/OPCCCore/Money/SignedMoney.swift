/// An amount of money in whole pence that may be below zero: a variance against budget, a ledger balance or an
/// adjustment. Kept apart from `Money` so that an award or a payment can never silently become negative.
///
/// Encoded as a single integer: the number of pence, negative below zero.
public struct SignedMoney: Hashable, Comparable, Sendable, CustomStringConvertible, Codable {
    /// The amount in pence; negative below zero.
    public let pence: Int64

    /// Creates an amount from a signed number of pence.
    public init(pence: Int64) {
        self.pence = pence
    }

    /// The same amount as a signed value, so that it can be compared with or added to variances and balances.
    public init(_ money: Money) {
        self.pence = money.pence
    }

    /// A balance of nothing.
    public static let zero = SignedMoney(pence: 0)

    /// Whether the amount is below zero (an overspend, a debit balance).
    public var isNegative: Bool { pence < 0 }

    /// The amount as `Money` when it is zero or more, nil when it is negative.
    public var money: Money? { Money(pence: pence) }

    /// The size of the amount ignoring its sign, or nil for the one value whose size cannot be held
    /// (`Int64.min` pence).
    public var magnitude: Money? {
        pence == Int64.min ? nil : Money(uncheckedPence: pence < 0 ? -pence : pence)
    }

    /// The amount as people write it: "-£38,000.00", "£1.00" (a minus sign before the pound sign when negative).
    public var formatted: String { (pence < 0 ? "-" : "") + Money.format(magnitude: pence.magnitude) }

    /// Same as `formatted`, so that balances interpolate into messages as people write them.
    public var description: String { formatted }

    /// Orders amounts by value, negative amounts first.
    public static func < (lhs: SignedMoney, rhs: SignedMoney) -> Bool { lhs.pence < rhs.pence }

    /// The total of this amount and `other`, or `.overflow` when it would not fit.
    public func adding(_ other: SignedMoney) throws(MoneyArithmeticError) -> SignedMoney {
        let (value, overflow) = pence.addingReportingOverflow(other.pence)
        guard !overflow else { throw .overflow }
        return SignedMoney(pence: value)
    }

    /// This amount less `other` (which may take it below zero), or `.overflow` when it would not fit.
    public func subtracting(_ other: SignedMoney) throws(MoneyArithmeticError) -> SignedMoney {
        let (value, overflow) = pence.subtractingReportingOverflow(other.pence)
        guard !overflow else { throw .overflow }
        return SignedMoney(pence: value)
    }

    /// The amount with its sign reversed (a credit as a debit), or `.overflow` for `Int64.min` pence.
    public func negated() throws(MoneyArithmeticError) -> SignedMoney {
        guard pence != Int64.min else { throw .overflow }
        return SignedMoney(pence: -pence)
    }

    /// The total of `amounts` (zero when there are none), or `.overflow` when a running total would not fit.
    public static func sum(_ amounts: some Sequence<SignedMoney>) throws(MoneyArithmeticError) -> SignedMoney {
        var total = SignedMoney.zero
        for amount in amounts {
            total = try total.adding(amount)
        }
        return total
    }

    /// Decodes an integer number of pence.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        self.pence = try container.decode(Int64.self)
    }

    /// Encodes the amount as an integer number of pence.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(pence)
    }
}

extension Money {
    /// The difference `self − other` as a signed amount (e.g. a variance: spent minus budgeted). Never fails,
    /// because the difference of two non-negative 64-bit amounts always fits.
    public func difference(from other: Money) -> SignedMoney {
        SignedMoney(pence: pence - other.pence)
    }
}
