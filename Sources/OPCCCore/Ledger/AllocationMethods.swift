/// How an office divides a pot of money between recipients. Offices use three methods (see DOMAIN.md, "Money,
/// budgets and years"), and a decision or a commissioning round records which one it used so that every allocation
/// can be re-derived and checked:
/// - a fixed amount per area (Cumbria: £50,000 per pilot ward; Warwickshire: £35,000 per CSP area);
/// - a needs-based formula over weighted factors (Thames Valley: population 50%, crime 25%, non-crime demand 25%);
/// - a competitive grant round whose applications are sorted into size bands (Surrey: small grants up to £5,000,
///   standard grants over £5,000).
public enum AllocationMethod: Hashable, Sendable {
    /// Every area receives the same `amount`, whatever its size or need.
    case fixedPerArea(amount: Money)
    /// Each recipient receives a share of the total worked out from its factors (population, crime, ...) and the
    /// weights of those factors.
    case formula(FormulaWeights)
    /// Recipients apply and are chosen on merit; the bands decide which process (and which panel) an application
    /// goes through.
    case grantRound(SizeBands)
}

// MARK: - Fixed amount per area

extension AllocationMethod {
    /// The allocation for each area when every area receives `amount` (e.g. £50,000 for each of Mirehouse and
    /// Ormsgill), in the order the areas are given.
    ///
    /// Refused when there are no areas, an area name is blank or repeated (one area would silently be paid twice),
    /// or the total (`amount` × number of areas) is too large to hold, so that the pot the decision approves is
    /// always a real amount.
    public static func fixedPerArea(
        amount: Money, areas: [String]
    ) throws(AllocationError) -> [(area: String, amount: Money)] {
        _ = try fixedPerAreaTotal(amount: amount, areas: areas)
        return areas.map { (area: $0, amount: amount) }
    }

    /// The whole pot a fixed-per-area allocation needs (`amount` × number of areas, e.g. 2 × £50,000 = £100,000),
    /// checked for overflow, so that a decision can approve exactly that sum. The areas are checked as in
    /// `fixedPerArea(amount:areas:)`.
    public static func fixedPerAreaTotal(amount: Money, areas: [String]) throws(AllocationError) -> Money {
        guard !areas.isEmpty else { throw .noAreas }
        var seen: Set<String> = []
        for (index, area) in areas.enumerated() {
            guard !isBlank(area) else { throw .blankArea(position: index + 1) }
            guard seen.insert(area).inserted else { throw .duplicateArea(area) }
        }
        do {
            return try amount.multiplied(by: Int64(areas.count))
        } catch {
            throw .fixedTotalTooLarge(amount: amount, areas: areas.count)
        }
    }
}

// MARK: - Formula

/// The named factors of a needs-based formula and how much each counts, e.g. population 50, crime 25, non-crime
/// demand 25.
///
/// Weights are whole numbers and only their proportions matter, so percent (50/25/25) and basis points
/// (5000/2500/2500) give the same split; whole numbers keep the split exact and reproducible, where fractions
/// written as decimals would not be. The factors keep the order they were given in, for display.
public struct FormulaWeights: Hashable, Sendable {
    /// One factor of the formula and its weight.
    public struct Factor: Hashable, Sendable {
        /// The factor's name, as used in each recipient's `FormulaInput.factors` (e.g. "population").
        public let name: String
        /// How much the factor counts, relative to the other weights (zero or more).
        public let weight: Int64
    }

    /// The factors in the order given.
    public let factors: [Factor]
    /// The sum of the weights: the denominator of every share (always more than zero).
    public let totalWeight: Int64

    /// Creates validated weights, e.g. `try FormulaWeights(["population": 50, "crime": 25, "nonCrimeDemand": 25])`.
    ///
    /// Refused when there are no factors, a name is blank or repeated, a weight is negative, every weight is zero
    /// (nothing could be shared) or the weights add up to more than can be held; a formula that cannot be applied
    /// is caught when it is written down, not when money is about to move.
    public init(_ weights: KeyValuePairs<String, Int64>) throws(AllocationError) {
        try self.init(factors: weights.map { (name: $0.key, weight: $0.value) })
    }

    /// Creates validated weights from (name, weight) pairs, e.g. as read from an office's configuration. Refused as
    /// for `init(_:)`.
    public init(factors pairs: [(name: String, weight: Int64)]) throws(AllocationError) {
        guard !pairs.isEmpty else { throw .noFactors }
        var seen: Set<String> = []
        var total: Int64 = 0
        for (index, pair) in pairs.enumerated() {
            guard !isBlank(pair.name) else { throw .blankFactorName(position: index + 1) }
            guard seen.insert(pair.name).inserted else { throw .duplicateFactor(pair.name) }
            guard pair.weight >= 0 else { throw .negativeWeight(factor: pair.name, weight: pair.weight) }
            let (sum, overflow) = total.addingReportingOverflow(pair.weight)
            guard !overflow else { throw .weightsTooLarge }
            total = sum
        }
        guard total > 0 else { throw .weightsSumToZero(factors: pairs.map(\.name)) }
        self.factors = pairs.map { Factor(name: $0.name, weight: $0.weight) }
        self.totalWeight = total
    }
}

/// One recipient's figures for a formula split: its org-id and a value for each factor of the formula (a
/// population count, a number of recorded crimes, ...). Values are whole counts, so that shares are exact.
public struct FormulaInput: Hashable, Sendable {
    /// The recipient's org-id (`GB-LAE-BAR`, `GB-CHC-1234567`).
    public let recipient: String
    /// The value of each factor for this recipient, keyed by factor name.
    public let factors: [String: Int64]

    /// Pairs a recipient with its factor values.
    public init(recipient: String, factors: [String: Int64]) {
        self.recipient = recipient
        self.factors = factors
    }
}

extension AllocationMethod {
    /// Splits `total` between recipients by a needs-based formula, distributing every penny.
    ///
    /// Recipient r's exact quota is `total × Σ_f (w_f × x_{f,r} ÷ X_f) ÷ W`, where `w_f` is factor f's weight, `W`
    /// the sum of the weights, `x_{f,r}` the recipient's value of f and `X_f` the sum of f over all recipients.
    /// It is worked out exactly, in integers over a common denominator (128-bit, with 256-bit products), never in
    /// floating point, so that the same figures always give the same pennies on every machine.
    ///
    /// Pennies are then handed out by the largest-remainder method, the same rule as `Money.split(byWeights:)`
    /// (which this cannot call, because a formula's common denominator is far larger than its 64-bit weights):
    /// each recipient first gets its quota rounded down; the pennies left over (fewer than the number of
    /// recipients) go one each to the largest fractional remainders, equal remainders going to the recipient id
    /// that sorts first. So the shares always add up exactly to `total`, and each is within 1p of its exact quota.
    ///
    /// The result is ordered by recipient id. Refused, naming the recipient, factor and numbers: no recipients, a
    /// blank or repeated recipient, a factor missing for a recipient or not in the formula, a negative value, a
    /// factor that is zero for every recipient (no share of it can be worked out), or figures too large to combine.
    public static func formulaSplit(
        total: Money, weights: FormulaWeights, inputs: [FormulaInput]
    ) throws(AllocationError) -> [(recipient: String, amount: Money)] {
        let quotas = try exactQuotas(total: total, weights: weights, inputs: inputs)
        var shares = quotas.map(\.floor)
        let allocated = shares.reduce(0, +)  // ≤ total: each floor ≤ its quota and the quotas sum to total
        let leftover = Int(total.pence - allocated)
        if leftover > 0 {
            // quotas are sorted by recipient id, so the lower index is the recipient id that sorts first.
            let order = quotas.indices.sorted { a, b in
                quotas[a].remainder != quotas[b].remainder ? quotas[a].remainder > quotas[b].remainder : a < b
            }
            for index in order.prefix(leftover) {
                shares[index] += 1
            }
        }
        return quotas.indices.map { (recipient: quotas[$0].recipient, amount: Money(uncheckedPence: shares[$0])) }
    }

    /// One recipient's exact quota `floor + remainder ÷ denominator` pence (0 ≤ remainder < denominator).
    struct ExactQuota {
        let recipient: String
        let floor: Int64
        let remainder: UInt128
    }

    /// The inputs sorted by recipient id, refused unless each recipient is named once and has a value of zero or more
    /// for every factor of the formula and no other.
    static func checkedInputs(
        _ inputs: [FormulaInput], weights: FormulaWeights
    ) throws(AllocationError) -> [FormulaInput] {
        guard !inputs.isEmpty else { throw .noRecipients }
        var seen: Set<String> = []
        for (index, input) in inputs.enumerated() {
            guard !isBlank(input.recipient) else { throw .blankRecipient(position: index + 1) }
            guard seen.insert(input.recipient).inserted else {
                let times = inputs.count { $0.recipient == input.recipient }
                throw .duplicateRecipient(input.recipient, times: times)
            }
        }
        let sorted = inputs.sorted { $0.recipient < $1.recipient }
        let names = weights.factors.map(\.name)
        let known = Set(names)
        for input in sorted {
            for name in names {
                guard let value = input.factors[name] else {
                    throw .missingFactor(recipient: input.recipient, factor: name, formula: names)
                }
                guard value >= 0 else {
                    throw .negativeFactorValue(recipient: input.recipient, factor: name, value: value)
                }
            }
            if let extra = input.factors.keys.filter({ !known.contains($0) }).min() {
                throw .unknownFactor(recipient: input.recipient, factor: extra, formula: names)
            }
        }
        return sorted
    }

    /// Validates the inputs and works out every recipient's exact quota, sorted by recipient id.
    static func exactQuotas(
        total: Money, weights: FormulaWeights, inputs: [FormulaInput]
    ) throws(AllocationError) -> [ExactQuota] {
        let sorted = try checkedInputs(inputs, weights: weights)
        let names = weights.factors.map(\.name)
        // X_f for each factor, then the common denominator D = W × lcm(X_f).
        var factorTotals: [Int64] = []
        for name in names {
            var sum: Int64 = 0
            for input in sorted {
                let (next, overflow) = sum.addingReportingOverflow(input.factors[name]!)
                guard !overflow else { throw .factorSumTooLarge(factor: name) }
                sum = next
            }
            guard sum > 0 else { throw .factorSumIsZero(factor: name, recipients: sorted.count) }
            factorTotals.append(sum)
        }
        let tooLarge = AllocationError.formulaTooLarge(
            weightTotal: weights.totalWeight,
            factorTotals: Dictionary(uniqueKeysWithValues: zip(names, factorTotals)))
        var lcm: UInt128 = 1
        for x in factorTotals {
            let value = UInt128(x)
            let (product, overflow) = (lcm / gcd(lcm, value)).multipliedReportingOverflow(by: value)
            guard !overflow else { throw tooLarge }
            lcm = product
        }
        let (denominator, overflowD) = UInt128(weights.totalWeight).multipliedReportingOverflow(by: lcm)
        guard !overflowD else { throw tooLarge }

        // S_r = Σ_f w_f × x_{f,r} × (lcm ÷ X_f), so that quota_r = total × S_r ÷ D. Σ_r S_r = W × lcm = D, so each
        // S_r ≤ D and nothing here can overflow once D fits; the checks stay as a guard.
        var quotas: [ExactQuota] = []
        quotas.reserveCapacity(sorted.count)
        for input in sorted {
            var numerator: UInt128 = 0
            for (factor, x) in zip(weights.factors, factorTotals) {
                let scale = lcm / UInt128(x)
                let value = UInt128(input.factors[factor.name]!)
                let (a, o1) = UInt128(factor.weight).multipliedReportingOverflow(by: value)
                let (b, o2) = a.multipliedReportingOverflow(by: scale)
                let (c, o3) = numerator.addingReportingOverflow(b)
                guard !o1, !o2, !o3 else { throw tooLarge }
                numerator = c
            }
            // total × S_r < 2^64 × D, so the high half is below D and the quotient (≤ total) fits.
            let (quotient, remainder) = denominator.dividingFullWidth(
                UInt128(total.pence).multipliedFullWidth(by: numerator))
            quotas.append(ExactQuota(recipient: input.recipient, floor: Int64(quotient), remainder: remainder))
        }
        return quotas
    }
}

/// The greatest common divisor of two non-negative numbers (Euclid).
private func gcd(_ a: UInt128, _ b: UInt128) -> UInt128 {
    var (a, b) = (a, b)
    while b != 0 { (a, b) = (b, a % b) }
    return a
}

/// Whether a name or id is empty or only whitespace, so cannot identify anything.
private func isBlank(_ text: String) -> Bool { text.allSatisfy(\.isWhitespace) }

// MARK: - Size bands

/// The size bands of a competitive grant round (Surrey: small grants up to £5,000, standard grants over £5,000).
/// The band decides which application form, panel and approval route an application takes, so every amount must
/// fall in exactly one band: bands are ordered, each covers from just above the previous band's limit up to and
/// including its own limit, and only the last may be open-ended. An amount above a closed last band is in none
/// (the round does not fund grants that large).
public struct SizeBands: Hashable, Sendable {
    /// One band: its name and its inclusive upper limit (nil for no limit, last band only).
    public struct Band: Hashable, Sendable {
        /// The band's name, e.g. "small".
        public let name: String
        /// The largest amount in the band, or nil when the band has no upper limit.
        public let upTo: Money?

        /// A band named `name` covering amounts up to and including `upTo` (nil: no upper limit).
        public init(_ name: String, upTo: Money?) {
            self.name = name
            self.upTo = upTo
        }
    }

    /// The bands, smallest first.
    public let bands: [Band]

    /// Creates validated bands, e.g. small up to £5,000 then standard:
    /// `try SizeBands([.init("small", upTo: Money(pounds: 5_000)), .init("standard", upTo: nil)])`.
    ///
    /// Refused when there are no bands, a name is blank or repeated, the limits do not strictly increase (two
    /// bands would overlap or one would be empty) or an open-ended band is not the last (the bands after it could
    /// never be reached); the bands then leave no gaps, because each starts just above the previous limit.
    public init(_ bands: [Band]) throws(AllocationError) {
        guard !bands.isEmpty else { throw .noBands }
        var seen: Set<String> = []
        for (index, band) in bands.enumerated() {
            guard !isBlank(band.name) else { throw .blankBandName(position: index + 1) }
            guard seen.insert(band.name).inserted else { throw .duplicateBandName(band.name) }
            guard index > 0 else { continue }
            let previous = bands[index - 1]
            guard let previousLimit = previous.upTo else { throw .openBandNotLast(previous.name) }
            if let limit = band.upTo, limit <= previousLimit {
                throw .bandLimitsNotAscending(
                    band: band.name, limit: limit, previous: previous.name, previousLimit: previousLimit)
            }
        }
        self.bands = bands
    }

    /// The name of the band `amount` falls in (e.g. £5,000.00 → "small", £5,000.01 → "standard"), or nil when it
    /// is above the limit of a closed last band.
    public func band(for amount: Money) -> String? {
        bands.first { band in band.upTo.map { amount <= $0 } ?? true }?.name
    }
}
