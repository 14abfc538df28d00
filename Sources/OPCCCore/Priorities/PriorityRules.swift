/// Why an assessment or a selection of priorities may not stand, in the terms a partnership's analyst and board use.
/// Each case names its rule, says what is wrong with the figures and says what to do; the guards registered by
/// `WorkflowRegistry.registerPriorityGuards()` turn them into refusals.
public enum PriorityRefusal: Error, Hashable, Sendable, CustomStringConvertible {
    // The declared method
    /// The combination cannot produce a harm score (a divisor below 1).
    case combinationUnusable(CombinationMethod)
    /// A control status has no step from 0%, so some shares would have no probability.
    case probabilityScaleIncomplete(ControlStatus)
    /// A step of the scale gives a probability below 1.
    case probabilityScoreBelowOne(ControlStatus, score: Int)
    /// High must start above Medium, and Medium above zero.
    case bandLimitsOutOfOrder(highFrom: Int, mediumFrom: Int)
    /// The partnership must set at least one priority.
    case priorityCountBelowOne(Int)

    // The assessment
    case noAgencies
    case agencyNamedTwice(String)
    case noThreats
    case threatNamedTwice(String)
    /// A score from an agency that is not one of the assessment's partners.
    case unknownAgency(threat: String, agency: String, agencies: [String])
    /// A factor scored outside 1–4.
    case factorScoreOutOfRange(threat: String, agency: String, factor: HarmFactor, score: Int)
    /// Factor scoring that does not give all six factors.
    case factorsIncomplete(threat: String, agency: String, given: Int)
    /// A published sum outside 6–24 (six factors of 1–4 each).
    case harmSumOutOfRange(threat: String, agency: String, sum: Int)
    /// Agencies that have not scored the threat yet.
    case agencyScoreMissing(threat: String, agencies: [String])
    /// The threat has no control status or no share of volume, so it has no probability.
    case probabilityInputMissing(threat: String, missing: [String])
    /// The scale gives no probability for the threat's inputs.
    case noProbabilityForInputs(threat: String, control: ControlStatus, share: Percentage)

    // The selection
    case priorityCodeTwice(String)
    /// A priority names a threat the assessment does not list.
    case unknownThreat(priority: String, threat: String)
    /// A local priority that covers no threat.
    case localPriorityCoversNothing(priority: String)
    /// A High threat that no selected priority covers; `highs` and `slots` say whether grouping or a change of number
    /// is needed.
    case highNotCovered(ScoredThreat, highs: Int, slots: Int)
    /// A Medium threat with no recorded board decision.
    case mediumNotDiscussed(ScoredThreat)
    /// The board's decision on a Medium threat says the opposite of what the selection does.
    case mediumDecisionContradicted(ScoredThreat, decidedSelected: Bool)
    /// A Low threat covered by a priority without a recorded compulsion.
    case lowWithoutCompulsion(ScoredThreat, priority: String)
    /// The number of local priorities differs from the number the partnership sets.
    case priorityCountDiffers(selected: Int, expected: Int, declared: Int, changedByBoard: Bool)
    /// A statutory obligation the partnership declared is not delivered by the selection.
    case statutoryObligationMissing(String)
    /// The shares of one budget line that the priorities claim add up to more than the whole line.
    case moneySharesBeyondWhole(strand: String, recipient: String?, basisPoints: Int)

    public var rule: String {
        switch self {
        case .combinationUnusable: return "combination-method-usable"
        case .probabilityScaleIncomplete: return "probability-scale-covers-every-share"
        case .probabilityScoreBelowOne: return "probability-scores-positive"
        case .bandLimitsOutOfOrder: return "band-limits-ordered"
        case .priorityCountBelowOne: return "priority-count-at-least-one"
        case .noAgencies, .agencyNamedTwice: return "agencies-named-once"
        case .noThreats, .threatNamedTwice: return "threats-named-once"
        case .unknownAgency: return "known-agency"
        case .factorScoreOutOfRange: return "harm-factor-scored-1-to-4"
        case .factorsIncomplete: return "harm-scored-on-six-factors"
        case .harmSumOutOfRange: return "harm-sum-6-to-24"
        case .agencyScoreMissing: return "every-agency-scores-every-threat"
        case .probabilityInputMissing, .noProbabilityForInputs: return "probability-inputs-given"
        case .priorityCodeTwice: return "priority-code-once"
        case .unknownThreat: return "priority-covers-known-threats"
        case .localPriorityCoversNothing: return "local-priority-covers-a-threat"
        case .highNotCovered: return "every-high-covered"
        case .mediumNotDiscussed, .mediumDecisionContradicted: return "medium-discussed"
        case .lowWithoutCompulsion: return "low-only-when-compelled"
        case .priorityCountDiffers: return "priority-count-as-declared"
        case .statutoryObligationMissing: return "statutory-obligations-delivered"
        case .moneySharesBeyondWhole: return "money-shares-within-whole"
        }
    }

    public var description: String {
        switch self {
        case .combinationUnusable(let method):
            return "the combination method '\(method)' cannot combine scores: a divisor must be 1 or more"
        case .probabilityScaleIncomplete(let status):
            return "the probability scale has no step from 0% for \(status) threats, so some shares have no score"
        case .probabilityScoreBelowOne(let status, let score):
            return "the probability scale gives \(status) threats a score of \(score); scores start at 1"
        case .bandLimitsOutOfOrder(let high, let medium):
            return "the band limits give High from \(high) and Medium from \(medium): High must start above Medium, "
                + "and Medium above 0"
        case .priorityCountBelowOne(let count):
            return "the partnership would set \(count) priorities; it sets at least one"
        case .noAgencies:
            return "the assessment names no partner agencies"
        case .agencyNamedTwice(let name):
            return "the agency '\(name)' is named twice"
        case .noThreats:
            return "the assessment lists no threats"
        case .threatNamedTwice(let name):
            return "the threat '\(name)' is listed twice"
        case .unknownAgency(let threat, let agency, let agencies):
            return "'\(threat)' has a score from '\(agency)', which is not one of the partner agencies ("
                + agencies.joined(separator: ", ") + ")"
        case .factorScoreOutOfRange(let threat, let agency, let factor, let score):
            return "\(agency) scored '\(threat)' \(score) for \(factor.title); each factor is scored 1 to 4"
        case .factorsIncomplete(let threat, let agency, let given):
            return "\(agency) scored '\(threat)' on \(given) factor(s); the harm score needs all six"
        case .harmSumOutOfRange(let threat, let agency, let sum):
            return "\(agency)'s harm score for '\(threat)' is \(sum); six factors of 1 to 4 each sum to 6 to 24"
        case .agencyScoreMissing(let threat, let agencies):
            return "'\(threat)' has no harm score yet from " + agencies.joined(separator: ", ")
        case .probabilityInputMissing(let threat, let missing):
            return "'\(threat)' has no " + missing.joined(separator: " and ") + ", so it has no probability"
        case .noProbabilityForInputs(let threat, let control, let share):
            return "the probability scale gives no score for '\(threat)' (\(control), \(share) of volume)"
        case .priorityCodeTwice(let code):
            return "two priorities have the code \(code)"
        case .unknownThreat(let priority, let threat):
            return "priority \(priority) covers '\(threat)', which the assessment does not list"
        case .localPriorityCoversNothing(let priority):
            return "priority \(priority) covers no threat from the assessment"
        case .highNotCovered(let threat, let highs, let slots):
            return "'\(threat.name)' is High (\(threat.riskWorking)) but no selected priority covers it"
                + (highs > slots ? " (there are \(highs) High threats and \(slots) priorities)" : "")
        case .mediumNotDiscussed(let threat):
            return "'\(threat.name)' is Medium (\(threat.riskWorking)) and the board's decision on it is not recorded"
        case .mediumDecisionContradicted(let threat, let decidedSelected):
            return "the board decided '\(threat.name)' (Medium) was "
                + (decidedSelected
                    ? "to be a priority, but no selected priority covers it"
                    : "not to be a priority, but a selected priority covers it")
        case .lowWithoutCompulsion(let threat, let priority):
            return "'\(threat.name)' is Low (\(threat.riskWorking)) but priority \(priority) covers it and no "
                + "compulsion to select it is recorded"
        case .priorityCountDiffers(let selected, let expected, let declared, let changed):
            return "\(selected) priorities are selected but the partnership sets \(expected)"
                + (changed ? " (the board changed it from \(declared))" : " (as declared)")
        case .statutoryObligationMissing(let obligation):
            return "the statutory obligation '\(obligation)' is not among the selected priorities"
        case .moneySharesBeyondWhole(let strand, let recipient, let basisPoints):
            let share = Percentage.text(basisPoints: basisPoints)
            return "the priorities claim \(share) of " + (recipient.map { "\(strand)/\($0)" } ?? "the \(strand) strand")
                + "; together they may claim at most 100%"
        }
    }

    /// What to do about it.
    public var remedy: String {
        switch self {
        case .combinationUnusable: return "declare a divisor of 1 or more, or use mean or median"
        case .probabilityScaleIncomplete(let status): return "add a step 'atLeast: 0%' for \(status)"
        case .probabilityScoreBelowOne: return "give every step a score of 1 or more"
        case .bandLimitsOutOfOrder: return "declare High from a higher risk than Medium"
        case .priorityCountBelowOne: return "declare how many priorities the partnership sets (1 or more)"
        case .noAgencies: return "name the partner agencies that score the threats"
        case .agencyNamedTwice: return "name each agency once"
        case .noThreats: return "list the threats (crime types) to assess"
        case .threatNamedTwice: return "list each threat once"
        case .unknownAgency: return "score only as one of the partner agencies, named as the assessment names them"
        case .factorScoreOutOfRange: return "score each factor 1, 2, 3 or 4"
        case .factorsIncomplete:
            return "give all six factors: " + HarmFactor.allCases.map(\.rawValue).joined(separator: ", ")
        case .harmSumOutOfRange: return "check the agency's sum against its six factor scores"
        case .agencyScoreMissing: return "record each missing agency's score (opcc priorities score)"
        case .probabilityInputMissing, .noProbabilityForInputs:
            return "record the threat's control status and share of volume (opcc priorities probability)"
        case .priorityCodeTwice: return "give each priority its own code"
        case .unknownThreat: return "name the threat exactly as the assessment lists it"
        case .localPriorityCoversNothing: return "say which threats the priority covers"
        case .highNotCovered(_, let highs, let slots):
            return "select every High: add it to a priority's threats (a priority may group several threats)"
                + (highs > slots ? " or record a board decision to change the number of priorities (set-count)" : "")
        case .mediumNotDiscussed:
            return "record the board's decision on it, selected or not, with the reason (opcc priorities decide)"
        case .mediumDecisionContradicted:
            return "record the board's decision again, or change the priority's threats to match it"
        case .lowWithoutCompulsion:
            return "remove it from the priority, or record what compels its selection, e.g. a national steer "
                + "(opcc priorities compel)"
        case .priorityCountDiffers:
            return "group threats into fewer priorities or add one, or record a board decision to change the number "
                + "(opcc priorities set-count)"
        case .statutoryObligationMissing(let obligation):
            return "add '\(obligation)' as a statutory priority: it is delivered whatever the matrix says"
        case .moneySharesBeyondWhole: return "reduce the shares so that they add up to 100% or less"
        }
    }

    public var guardRefusal: GuardRefusal { GuardRefusal(rule: rule, message: description, remedy: remedy) }
}

/// The rules of priority setting, as pure functions of the assessment and the selection.
public enum PriorityRules {
    /// What is wrong with the method a partnership declares.
    public static func checkMethod(_ method: PartnershipMethod) -> [PriorityRefusal] {
        var found: [PriorityRefusal] = []
        if method.combination.combine([HarmScore.sumRange.lowerBound]) == nil {
            found.append(.combinationUnusable(method.combination))
        }
        for status in ControlStatus.allCases {
            let steps = method.probabilityScale.steps(for: status)
            if !steps.contains(where: { $0.atLeast == .zero }) { found.append(.probabilityScaleIncomplete(status)) }
            for step in steps where step.score < 1 {
                found.append(.probabilityScoreBelowOne(status, score: step.score))
            }
        }
        let bands = method.bands
        if bands.mediumFrom < 1 || bands.highFrom <= bands.mediumFrom {
            found.append(.bandLimitsOutOfOrder(highFrom: bands.highFrom, mediumFrom: bands.mediumFrom))
        }
        if method.priorityCount < 1 { found.append(.priorityCountBelowOne(method.priorityCount)) }
        return found
    }

    /// What is wrong with an assessment: its method, agencies, threats and every score given. With `complete`, also
    /// every score and probability input still missing (scoring is finished only when there are none).
    public static func checkAssessment(_ assessment: PriorityAssessment, complete: Bool) -> [PriorityRefusal] {
        var found = checkMethod(assessment.method)
        if assessment.agencies.isEmpty { found.append(.noAgencies) }
        for name in duplicates(assessment.agencies) { found.append(.agencyNamedTwice(name)) }
        if assessment.threats.isEmpty { found.append(.noThreats) }
        for name in duplicates(assessment.threats.map(\.name)) { found.append(.threatNamedTwice(name)) }
        for threat in assessment.threats {
            found += checkScores(threat, agencies: assessment.agencies)
            guard complete else { continue }
            let missing = assessment.agencies.filter { threat.scores[$0] == nil }
            if !missing.isEmpty { found.append(.agencyScoreMissing(threat: threat.name, agencies: missing)) }
            let inputs = [threat.control == nil ? "control status" : nil, threat.volumeShare == nil ? "share" : nil]
            if !inputs.compactMap({ $0 }).isEmpty {
                found.append(.probabilityInputMissing(threat: threat.name, missing: inputs.compactMap { $0 }))
            } else if let control = threat.control, let share = threat.volumeShare,
                assessment.method.probabilityScale.score(control, share: share) == nil
            {
                found.append(.noProbabilityForInputs(threat: threat.name, control: control, share: share))
            }
        }
        return found
    }

    /// The scores one threat has, each within its range and from a partner agency.
    public static func checkScores(_ threat: PriorityAssessment.Threat, agencies: [String]) -> [PriorityRefusal] {
        var found: [PriorityRefusal] = []
        for agency in threat.scores.keys.sorted() {
            let score = threat.scores[agency]!
            if !agencies.contains(agency) {
                found.append(.unknownAgency(threat: threat.name, agency: agency, agencies: agencies))
            }
            if let factors = score.factors {
                if factors.count != HarmFactor.allCases.count {
                    found.append(.factorsIncomplete(threat: threat.name, agency: agency, given: factors.count))
                }
                for (factor, value) in zip(HarmFactor.allCases, factors) where !HarmScore.factorRange.contains(value) {
                    found.append(
                        .factorScoreOutOfRange(threat: threat.name, agency: agency, factor: factor, score: value))
                }
            } else if !HarmScore.sumRange.contains(score.sum) {
                found.append(.harmSumOutOfRange(threat: threat.name, agency: agency, sum: score.sum))
            }
        }
        return found
    }

    /// Every reason the board's selection may not be adopted from this assessment, in the order the board meets
    /// them: the assessment itself (it must be complete), the priorities' threats, the Highs, the Mediums, the Lows,
    /// the number of priorities, the statutory obligations and the money.
    ///
    /// - `every-high-covered`: each High threat is covered by a selected priority (one priority may group several).
    /// - `medium-discussed`: each Medium threat has a recorded board decision, with its reason, and the selection
    ///   does what the latest decision says.
    /// - `low-only-when-compelled`: a Low threat is covered only when a compulsion (e.g. a national steer) is
    ///   recorded for it.
    /// - `priority-count-as-declared`: the local priorities number what the partnership declares, or what the board
    ///   last recorded instead.
    /// - `statutory-obligations-delivered`: each declared statutory obligation is a statutory priority.
    /// - `money-shares-within-whole`: the priorities' shares of one budget line add up to 100% or less.
    public static func checkSelection(
        _ selection: PrioritySelection, of assessment: PriorityAssessment
    ) -> [PriorityRefusal] {
        var found = checkAssessment(assessment, complete: true)
        guard found.isEmpty else { return found }
        for code in duplicates(selection.priorities.map(\.code)) { found.append(.priorityCodeTwice(code)) }
        let known = Set(assessment.threats.map(\.name))
        for priority in selection.priorities {
            for threat in priority.threats where !known.contains(threat) {
                found.append(.unknownThreat(priority: priority.code, threat: threat))
            }
            if priority.kind == .local && !priority.threats.contains(where: known.contains) {
                found.append(.localPriorityCoversNothing(priority: priority.code))
            }
        }
        let scored = assessment.scored()
        let declared = assessment.method.priorityCount
        let expected = selection.changedPriorityCount?.count ?? declared
        let highs = scored.filter { $0.band == .high }
        for threat in scored {
            let covering = selection.covering(threat.name)
            switch threat.band {
            case .high?:
                if covering.isEmpty { found.append(.highNotCovered(threat, highs: highs.count, slots: expected)) }
            case .medium?:
                guard let decision = selection.mediumDecision(on: threat.name) else {
                    found.append(.mediumNotDiscussed(threat))
                    continue
                }
                if decision.selected == covering.isEmpty {
                    found.append(.mediumDecisionContradicted(threat, decidedSelected: decision.selected))
                }
            case .low?:
                if let priority = covering.first, selection.compulsion(for: threat.name) == nil {
                    found.append(.lowWithoutCompulsion(threat, priority: priority.code))
                }
            case nil: break
            }
        }
        if selection.local.count != expected {
            found.append(
                .priorityCountDiffers(
                    selected: selection.local.count, expected: expected, declared: declared,
                    changedByBoard: selection.changedPriorityCount != nil))
        }
        let delivered = Set(selection.statutory.map { $0.title.lowercased() })
        for obligation in assessment.method.statutoryObligations where !delivered.contains(obligation.lowercased()) {
            found.append(.statutoryObligationMissing(obligation))
        }
        found += checkMoney(selection)
        return found
    }

    /// The priorities' shares of each budget line (strand, or strand and recipient) add up to 100% or less.
    public static func checkMoney(_ selection: PrioritySelection) -> [PriorityRefusal] {
        var claimed: [String: (strand: String, recipient: String?, basisPoints: Int)] = [:]
        var order: [String] = []
        for link in selection.priorities.flatMap(\.money) {
            let key = link.strand + "/" + (link.recipient ?? "")
            if claimed[key] == nil {
                claimed[key] = (link.strand, link.recipient, 0)
                order.append(key)
            }
            claimed[key]!.basisPoints += link.share.basisPoints
        }
        return order.compactMap { key in
            let line = claimed[key]!
            return line.basisPoints > Percentage.whole.basisPoints
                ? .moneySharesBeyondWhole(strand: line.strand, recipient: line.recipient, basisPoints: line.basisPoints)
                : nil
        }
    }

    static func duplicates(_ names: [String]) -> [String] {
        var seen: Set<String> = []
        var twice: [String] = []
        for name in names where !seen.insert(name).inserted && !twice.contains(name) { twice.append(name) }
        return twice
    }
}
