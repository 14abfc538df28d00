/// Why a quarterly return may not be submitted as it stands, in the terms a project board and the OPCC's reviewer
/// use. Each case names its rule, says what is wrong with the figures or the text and says what to do.
public enum ReturnRefusal: Error, Hashable, Sendable, CustomStringConvertible {
    /// Spend is 10% or more from the profile, either way, and the return does not say why (seeds 000, 002, 003: "an
    /// explanation of any variance of 10% or more").
    case varianceUnexplained(Variance)
    /// Spend to date is not the previous spend to date plus the quarter's spend.
    case spendToDateDoesNotAddUp(reported: Money, previous: Money, inQuarter: Money)
    /// The progress narrative is empty.
    case narrativeMissing
    /// A red or amber milestone gives no reason.
    case ragReasonMissing(milestone: String, rag: RAG)
    /// A reading names an indicator the agreement does not have (`agreementIndicators` lists those it has).
    case indicatorNotInAgreement(name: String, agreementIndicators: [String])
    /// One of the agreement's indicators has no reading.
    case indicatorNotReported(name: String)
    /// Requested change `number` (counting from 1) does not say what is asked for.
    case requestedChangeNotDescribed(number: Int, kind: GrantAgreement.Variation.Kind)
    /// Requested change `number` (counting from 1) carries an amount change but is not a change of amount.
    case amountChangeNotForAmount(number: Int, kind: GrantAgreement.Variation.Kind, amountChange: SignedMoney)

    public var rule: String {
        switch self {
        case .varianceUnexplained: return "variance-explained"
        case .spendToDateDoesNotAddUp: return "spend-to-date-adds-up"
        case .narrativeMissing: return "progress-narrative-given"
        case .ragReasonMissing: return "rag-reason-for-red-or-amber"
        case .indicatorNotInAgreement: return "indicator-in-agreement"
        case .indicatorNotReported: return "indicator-reported"
        case .requestedChangeNotDescribed, .amountChangeNotForAmount: return "requested-change-described"
        }
    }

    public var description: String {
        switch self {
        case .varianceUnexplained(let variance):
            let threshold = Variance.percentText(basisPoints: ReturnRules.varianceThresholdBasisPoints)
            let spent: String
            let nothing: String
            switch variance.basis {
            case .quarter:
                spent = "spend in \(variance.quarter) was \(variance.actual)"
                nothing = "the spend profile has nothing for the quarter"
            case .toDate:
                spent = "spend to date at the end of \(variance.quarter) was \(variance.actual)"
                nothing = "the spend profile has nothing up to the end of the quarter"
            }
            guard let percent = variance.percentText else {
                return "\(spent) but \(nothing), which is a variance of \(threshold) or more "
                    + "and needs an explanation"
            }
            let profiled = variance.basis == .quarter ? "profiled" : "profiled to then"
            return "\(spent) against \(variance.profiled) \(profiled), \(percent): "
                + "a variance of \(threshold) or more either way needs an explanation"
        case .spendToDateDoesNotAddUp(let reported, let previous, let inQuarter):
            let sum = (try? previous.adding(inQuarter)).map { "\($0)" } ?? "more than can be held"
            return "spend to date is given as \(reported), but the previous spend to date of \(previous) "
                + "plus this quarter's \(inQuarter) is \(sum)"
        case .narrativeMissing:
            return "the return has no progress narrative"
        case .ragReasonMissing(let milestone, let rag):
            return "milestone '\(milestone)' is \(rag) but gives no reason"
        case .indicatorNotInAgreement(let name, let known):
            let listed =
                known.isEmpty
                ? "the agreement has no outcome indicators"
                : "the agreement's are " + known.map { "'\($0)'" }.joined(separator: ", ")
            return "the return reports '\(name)', which is not one of the agreement's outcome indicators (\(listed))"
        case .indicatorNotReported(let name):
            return "the return gives no reading for the agreement's outcome indicator '\(name)'"
        case .requestedChangeNotDescribed(let number, let kind):
            return "requested change \(number) (\(ReturnRefusal.words(kind))) does not say what is asked for"
        case .amountChangeNotForAmount(let number, let kind, let amountChange):
            return "requested change \(number) is \(ReturnRefusal.words(kind)) but gives an amount change of "
                + "\(amountChange); only a change of amount may"
        }
    }

    /// What to do about it.
    public var remedy: String {
        switch self {
        case .varianceUnexplained:
            return "explain in the variance explanation why spend differs from the profile and what will happen to "
                + "the difference"
        case .spendToDateDoesNotAddUp:
            return "correct the spend in the quarter or the spend to date: spend to date is the previous return's "
                + "spend to date plus this quarter's spend"
        case .narrativeMissing:
            return "write the progress narrative: what was done in the quarter against the plan"
        case .ragReasonMissing(let milestone, let rag):
            return "say why '\(milestone)' is \(rag) and what is being done about it"
        case .indicatorNotInAgreement:
            return "report only the agreement's indicators, named as the agreement names them "
                + "(ask for a variation to add one)"
        case .indicatorNotReported(let name):
            return "give a reading for '\(name)' (if there is no figure yet, say so, e.g. 'not yet measured')"
        case .requestedChangeNotDescribed:
            return "describe the change asked for and why"
        case .amountChangeNotForAmount:
            return "give an amount change only with a change of amount; ask for that as a separate change"
        }
    }

    public var guardRefusal: GuardRefusal { GuardRefusal(rule: rule, message: description, remedy: remedy) }

    /// "a change of amount", "a change of dates", "a change of plan lines".
    private static func words(_ kind: GrantAgreement.Variation.Kind) -> String {
        switch kind {
        case .amount: return "a change of amount"
        case .dates: return "a change of dates"
        case .planLines: return "a change of plan lines"
        }
    }
}

/// The rules a quarterly return must meet before it is submitted, as pure functions of the return, the agreement
/// and the figures around it.
public enum ReturnRules {
    /// A variance from the spend profile of this many basis points (10%) or more, either way, must be explained
    /// (seeds 000, 002, 003: "explanation of any variance of 10% or more").
    public static let varianceThresholdBasisPoints = 1_000

    /// Every reason `content` may not be submitted as the return for `quarter` under `agreement`, in the order the
    /// return is read: spend, variance, narrative, milestones, indicators, requested changes. Empty when it may be.
    ///
    /// - `spend-to-date-adds-up`: `spendToDate` is `previousSpendToDate` (the last accepted return's spend to date,
    ///   zero for the first return) plus `spendInQuarter`.
    /// - `variance-explained`: spend in the quarter against the profile's amount for the quarter, and spend to date
    ///   against the profile's total for every quarter up to and including this one (`Variance`); either, if
    ///   `varianceThresholdBasisPoints` or more either way, needs a non-blank `varianceExplanation`. Spending anything
    ///   where the profile has nothing is such a variance. Not checked when the agreement has no spend profile (not
    ///   broken down yet), nor for a to-date total too large to hold (`GrantAgreement.problems()` reports that).
    /// - `progress-narrative-given`: the narrative is not blank.
    /// - `rag-reason-for-red-or-amber`: every red or amber milestone has a non-blank reason.
    /// - `indicator-in-agreement`: every reading names one of the agreement's indicators, exactly as it is written;
    ///   `indicator-reported`: every one of the agreement's indicators has a reading.
    /// - `requested-change-described`: every requested change has a non-blank description, and only a change of
    ///   kind `.amount` gives an amount change.
    public static func checkSubmission(
        content: ReturnContent, agreement: GrantAgreement, quarter: Quarter, previousSpendToDate: Money
    ) -> [ReturnRefusal] {
        var found: [ReturnRefusal] = []
        let sum = try? previousSpendToDate.adding(content.spendInQuarter)
        if sum != content.spendToDate {
            found.append(
                .spendToDateDoesNotAddUp(
                    reported: content.spendToDate, previous: previousSpendToDate, inQuarter: content.spendInQuarter))
        }
        if (content.varianceExplanation ?? "").isBlank {
            for variance in variances(content: content, agreement: agreement, quarter: quarter)
            where variance.needsExplanation {
                found.append(.varianceUnexplained(variance))
            }
        }
        if content.narrative.isBlank { found.append(.narrativeMissing) }
        for milestone in content.milestones where milestone.rag != .green && (milestone.reason ?? "").isBlank {
            found.append(.ragReasonMissing(milestone: milestone.name, rag: milestone.rag))
        }
        let known = agreement.indicators.map(\.name)
        for reading in content.indicators where !known.contains(reading.name) {
            found.append(.indicatorNotInAgreement(name: reading.name, agreementIndicators: known))
        }
        let reported = Set(content.indicators.map(\.name))
        for name in known where !reported.contains(name) {
            found.append(.indicatorNotReported(name: name))
        }
        for (index, change) in content.requestedChanges.enumerated() {
            if change.description.isBlank {
                found.append(.requestedChangeNotDescribed(number: index + 1, kind: change.kind))
            }
            if let amountChange = change.amountChange, change.kind != .amount {
                found.append(
                    .amountChangeNotForAmount(number: index + 1, kind: change.kind, amountChange: amountChange))
            }
        }
        return found
    }

    /// The variances of `content` from `agreement`'s spend profile for `quarter`: the quarter's, then the to-date
    /// one, whatever their size. Empty when the agreement has no spend profile; either is left out when the
    /// profile's total for it is too large to hold. A quarter the profile names more than once counts each entry.
    public static func variances(content: ReturnContent, agreement: GrantAgreement, quarter: Quarter) -> [Variance] {
        let profile = agreement.spendProfile
        guard !profile.isEmpty else { return [] }
        var result: [Variance] = []
        if let inQuarter = try? Money.sum(profile.filter { $0.quarter == quarter }.map(\.amount)) {
            result.append(
                Variance(basis: .quarter, quarter: quarter, actual: content.spendInQuarter, profiled: inQuarter))
        }
        if let toDate = try? Money.sum(profile.filter { $0.quarter <= quarter }.map(\.amount)) {
            result.append(Variance(basis: .toDate, quarter: quarter, actual: content.spendToDate, profiled: toDate))
        }
        return result
    }
}
