/// Why an allocation method or its inputs cannot be used. Each message names the recipient, factor, area or band and
/// the numbers involved, so that the person preparing a decision can correct the figures without guessing.
public enum AllocationError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A fixed-per-area allocation with no areas.
    case noAreas
    /// The area at this position (from 1) has a blank name.
    case blankArea(position: Int)
    /// The same area is listed more than once.
    case duplicateArea(String)
    /// `amount` × `areas` is too large to hold.
    case fixedTotalTooLarge(amount: Money, areas: Int)
    /// A formula with no factors.
    case noFactors
    /// The factor at this position (from 1) has a blank name.
    case blankFactorName(position: Int)
    /// The same factor is named twice in a formula.
    case duplicateFactor(String)
    /// A factor's weight is below zero.
    case negativeWeight(factor: String, weight: Int64)
    /// Every weight is zero.
    case weightsSumToZero(factors: [String])
    /// The weights add up to more than can be held.
    case weightsTooLarge
    /// A formula split with no recipients.
    case noRecipients
    /// The recipient at this position (from 1) has a blank org-id.
    case blankRecipient(position: Int)
    /// A recipient appears more than once.
    case duplicateRecipient(String, times: Int)
    /// A recipient has no value for a factor of the formula.
    case missingFactor(recipient: String, factor: String, formula: [String])
    /// A recipient has a value for a factor that is not in the formula (often a misspelling).
    case unknownFactor(recipient: String, factor: String, formula: [String])
    /// A recipient's factor value is below zero.
    case negativeFactorValue(recipient: String, factor: String, value: Int64)
    /// A factor is zero for every recipient.
    case factorSumIsZero(factor: String, recipients: Int)
    /// A factor's values add up to more than can be held.
    case factorSumTooLarge(factor: String)
    /// The factor totals and weights are too large to combine exactly.
    case formulaTooLarge(weightTotal: Int64, factorTotals: [String: Int64])
    /// Size bands with no bands.
    case noBands
    /// The band at this position (from 1) has a blank name.
    case blankBandName(position: Int)
    /// Two bands have the same name.
    case duplicateBandName(String)
    /// A band's limit is not above the previous band's limit.
    case bandLimitsNotAscending(band: String, limit: Money, previous: String, previousLimit: Money)
    /// An open-ended band (no upper limit) is followed by another band.
    case openBandNotLast(String)

    /// Says what is wrong and how to put it right.
    public var description: String {
        switch self {
        case .noAreas:
            return "a fixed amount per area needs at least one area"
        case .blankArea(let position):
            return "area \(position) in the list has no name"
        case .duplicateArea(let area):
            return "area '\(area)' is listed more than once, so it would be allocated twice: list each area once"
        case .fixedTotalTooLarge(let amount, let areas):
            return "\(areas) areas at \(amount) each add up to more than can be held (the largest is \(Money.max))"
        case .noFactors:
            return "a formula needs at least one factor, e.g. population"
        case .blankFactorName(let position):
            return "factor \(position) of the formula has no name"
        case .duplicateFactor(let factor):
            return "factor '\(factor)' is named more than once in the formula: name each factor once"
        case .negativeWeight(let factor, let weight):
            return "factor '\(factor)' has weight \(grouped(weight)): weights must be zero or more"
        case .weightsSumToZero(let factors):
            return "every weight in the formula (\(factors.joined(separator: ", "))) is zero, so there is nothing to "
                + "share by: give at least one factor a positive weight"
        case .weightsTooLarge:
            return "the formula's weights add up to more than can be held: use percent or basis points"
        case .noRecipients:
            return "a formula split needs at least one recipient"
        case .blankRecipient(let position):
            return "recipient \(position) in the list has no org-id"
        case .duplicateRecipient(let recipient, let times):
            return "recipient \(recipient) appears \(times) times: each recipient may appear once"
        case .missingFactor(let recipient, let factor, let formula):
            return "recipient \(recipient) has no value for factor '\(factor)': every recipient needs a value for "
                + "every factor of the formula (\(formula.joined(separator: ", ")))"
        case .unknownFactor(let recipient, let factor, let formula):
            return "recipient \(recipient) has a value for '\(factor)', which is not a factor of the formula ("
                + "\(formula.joined(separator: ", "))): check the spelling or remove it"
        case .negativeFactorValue(let recipient, let factor, let value):
            return "recipient \(recipient) has \(factor) \(grouped(value)): factor values are counts and must be "
                + "zero or more"
        case .factorSumIsZero(let factor, let recipients):
            return "factor '\(factor)' is 0 for all \(recipients) recipient\(recipients == 1 ? "" : "s"), so no share "
                + "of it can be worked out: give a recipient a positive value or take the factor out of the formula"
        case .factorSumTooLarge(let factor):
            return "the values of factor '\(factor)' add up to more than \(grouped(Int64.max)): use larger units "
                + "(e.g. thousands)"
        case .formulaTooLarge(let weightTotal, let factorTotals):
            let totals = factorTotals.sorted { $0.key < $1.key }.map { "\($0.key) \(grouped($0.value))" }
            return "the formula's figures are too large to share exactly (weights adding up to \(grouped(weightTotal))"
                + "; factor totals \(totals.joined(separator: ", "))): express the factors in larger units "
                + "(e.g. thousands of people) or the weights in percent"
        case .noBands:
            return "a grant round needs at least one size band"
        case .blankBandName(let position):
            return "size band \(position) has no name"
        case .duplicateBandName(let band):
            return "size band '\(band)' is named more than once: name each band once"
        case .bandLimitsNotAscending(let band, let limit, let previous, let previousLimit):
            return "size band '\(band)' goes up to \(limit), which is not above the \(previousLimit) limit of the band "
                + "before it ('\(previous)'): list the bands smallest first, each with a higher limit"
        case .openBandNotLast(let band):
            return "size band '\(band)' has no upper limit, so the bands after it could never be reached: make it "
                + "the last band"
        }
    }
}

/// A whole number with thousands separated by commas ("700,000", "-5"), as figures are written in papers.
private func grouped(_ n: Int64) -> String {
    let digits = String(n.magnitude)
    var result = ""
    for (offset, digit) in digits.enumerated() {
        if offset > 0 && (digits.count - offset) % 3 == 0 { result.append(",") }
        result.append(digit)
    }
    return (n < 0 ? "-" : "") + result
}
