/// An officer's check of an application against the round's eligibility rules, with the reason.
public struct EligibilityMark: Hashable, Sendable {
    public let applicationID: String
    public let eligible: Bool
    public let reason: String
    public let markedBy: String

    public init(applicationID: String, eligible: Bool, reason: String, markedBy: String) {
        self.applicationID = applicationID
        self.eligible = eligible
        self.reason = reason
        self.markedBy = markedBy
    }
}

/// An assessor's declaration, per application, of whether they have a conflict of interest: one who declares a
/// conflict cannot score it. An assessor declares before scoring (a declaration of no conflict is recorded too).
public struct ConflictDeclaration: Hashable, Sendable {
    public let applicationID: String
    public let assessor: String
    public let conflicted: Bool
    /// What the interest is (blank for none).
    public let note: String

    public init(applicationID: String, assessor: String, conflicted: Bool, note: String) {
        self.applicationID = applicationID
        self.assessor = assessor
        self.conflicted = conflicted
        self.note = note
    }
}

/// One criterion's score with the assessor's comment.
public struct CriterionScore: Hashable, Sendable, Codable {
    public let criterion: String
    public let score: Int
    public let comment: String

    public init(criterion: String, score: Int, comment: String) {
        self.criterion = criterion
        self.score = score
        self.comment = comment
    }
}

/// One assessor's submitted scores for one application, every criterion once.
public struct AssessorScore: Hashable, Sendable {
    public let applicationID: String
    public let assessor: String
    public let scores: [CriterionScore]
    /// The weighted score in basis points of the maximum (0-10000), see `WeightedScore`.
    public let weightedBasisPoints: Int

    public init(applicationID: String, assessor: String, scores: [CriterionScore], weightedBasisPoints: Int) {
        self.applicationID = applicationID
        self.assessor = assessor
        self.scores = scores
        self.weightedBasisPoints = weightedBasisPoints
    }
}

/// Weighted scores as whole basis points of the most an application could score (10000 = every criterion at the top
/// of the scale), so that moderation compares integers and two machines always agree.
public enum WeightedScore {
    /// Σ weight × (score − min) ÷ Σ weight × (max − min), in basis points rounded half up. Scores are assumed
    /// checked (`RoundRules.checkScores`).
    public static func basisPoints(
        _ scores: [CriterionScore], criteria: [RoundCriterion], scale: ScoringScale
    ) -> Int {
        let range = scale.maximum - scale.minimum
        let denominator = criteria.reduce(0) { $0 + $1.weight } * range
        guard denominator > 0 else { return 0 }
        let byID = Dictionary(scores.map { ($0.criterion, $0.score) }, uniquingKeysWith: { a, _ in a })
        let numerator = criteria.reduce(0) { $0 + $1.weight * ((byID[$1.id] ?? scale.minimum) - scale.minimum) }
        return (numerator * 20_000 + denominator) / (2 * denominator)
    }

    /// `72.50%` for 7250.
    public static func percent(_ basisPoints: Int) -> String {
        let whole = basisPoints / 100
        let fraction = basisPoints % 100
        return "\(whole).\(fraction < 10 ? "0" : "")\(fraction)%"
    }
}

/// What the panel recommends for an application.
public enum Recommendation: String, CaseIterable, Codable, Hashable, Sendable, CustomStringConvertible {
    /// Award the amount asked for.
    case award
    /// Award less than asked (the amount is recorded).
    case awardReduced = "award-reduced"
    /// Do not fund; the reasons become the applicant's feedback.
    case decline

    public var description: String { rawValue }
}

/// The panel's moderated score and recommendation for one application, with its reasons.
public struct PanelRecommendation: Hashable, Sendable {
    public let applicationID: String
    /// The moderated score in basis points of the maximum.
    public let moderatedBasisPoints: Int
    public let recommendation: Recommendation
    /// The award when recommended (the amount asked for, or the reduced amount); nil when declined.
    public let amount: Money?
    public let reasons: String
    public let recordedBy: String

    public init(
        applicationID: String, moderatedBasisPoints: Int, recommendation: Recommendation, amount: Money?,
        reasons: String, recordedBy: String
    ) {
        self.applicationID = applicationID
        self.moderatedBasisPoints = moderatedBasisPoints
        self.recommendation = recommendation
        self.amount = amount
        self.reasons = reasons
        self.recordedBy = recordedBy
    }
}

/// One line of the moderation table: an eligible application, every assessor's weighted score, their mean, and
/// whether they differ by more than the round's spread.
public struct ModerationRow: Hashable, Sendable {
    public let application: StoredApplication
    /// Each submitted assessor's weighted score, by assessor name.
    public let assessorBasisPoints: [String: Int]
    /// The mean of the assessors' weighted scores (rounded half up), nil until one has scored.
    public let meanBasisPoints: Int?
    /// Highest minus lowest assessor score.
    public let spreadBasisPoints: Int
    /// Whether the spread is above the round's threshold: the panel should discuss it.
    public let spreadFlag: Bool
    /// The panel's recommendation once recorded.
    public let recommendation: PanelRecommendation?

    public init(
        application: StoredApplication, assessorBasisPoints: [String: Int], meanBasisPoints: Int?,
        spreadBasisPoints: Int, spreadFlag: Bool, recommendation: PanelRecommendation?
    ) {
        self.application = application
        self.assessorBasisPoints = assessorBasisPoints
        self.meanBasisPoints = meanBasisPoints
        self.spreadBasisPoints = spreadBasisPoints
        self.spreadFlag = spreadFlag
        self.recommendation = recommendation
    }

    /// The moderation row for `scores`, flagged when the highest and lowest differ by more than `thresholdPercent`
    /// percentage points of the maximum.
    public static func spread(_ scores: [Int], thresholdPercent: Int) -> (mean: Int?, spread: Int, flag: Bool) {
        guard let low = scores.min(), let high = scores.max() else { return (nil, 0, false) }
        let sum = scores.reduce(0, +)
        let mean = (2 * sum + scores.count) / (2 * scores.count)
        return (mean, high - low, high - low > thresholdPercent * 100)
    }
}
