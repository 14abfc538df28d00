/// What an office's forward plan holds to be a key decision, and the notice one needs (the profile's `forwardPlan:`).
/// Offices publish a plan of key decisions to come so that the public and the Police and Crime Panel see them before
/// they are taken; a key decision taken with less notice needs a recorded reason of urgency and is flagged.
public struct ForwardPlanPolicy: Hashable, Sendable {
    /// A decision of more than this amount is key; nil: the amount alone never makes a decision key.
    public let keyDecisionAbove: Money?
    /// Whether a decision of significant public interest is key, whatever its amount.
    public let significantPublicInterestIsKey: Bool
    /// How many clear days a key decision must be on the plan before it is taken (e.g. 28): whole days between the
    /// day it was listed and the day of the decision, neither counted.
    public let noticeClearDays: Int

    public init(keyDecisionAbove: Money?, significantPublicInterestIsKey: Bool, noticeClearDays: Int) {
        self.keyDecisionAbove = keyDecisionAbove
        self.significantPublicInterestIsKey = significantPublicInterestIsKey
        self.noticeClearDays = noticeClearDays
    }

    /// Why a record is key, in words ("above £100,000", "of significant public interest"); empty when it is not.
    public func keyReasons(amount: Money?, significantPublicInterest: Bool) -> [String] {
        var reasons: [String] = []
        if let above = keyDecisionAbove, let amount, amount.pence > above.pence { reasons.append("above \(above)") }
        if significantPublicInterestIsKey && significantPublicInterest {
            reasons.append("of significant public interest")
        }
        return reasons
    }

    public func isKey(_ record: DecisionRecord) -> Bool {
        !keyReasons(amount: record.amount, significantPublicInterest: record.significantPublicInterest).isEmpty
    }

    /// Clear days from `listed` to `decided`: the days strictly between them (listed on the 1st, decided on the 30th:
    /// 28 clear days). Never below zero.
    public static func clearDays(from listed: Day, to decided: Day) -> Int { max(0, listed.days(until: decided) - 1) }

    /// Whether a decision taken on `decided` had its notice: listed on the plan at least `noticeClearDays` clear days
    /// before. A record never listed had none.
    public func noticeGiven(listedOn: Day?, decidedOn decided: Day) -> Bool {
        guard let listedOn else { return false }
        return Self.clearDays(from: listedOn, to: decided) >= noticeClearDays
    }

    /// The earliest day a key decision listed on `listed` may be taken with its notice.
    public func earliestDecisionDay(listedOn listed: Day) -> Day { listed.adding(days: noticeClearDays + 1) }

    /// The rule's id, as a flagged exception and a refusal name it.
    public static let rule = "forward-plan-notice"
}

/// A record's entry on its office's forward plan: the day it was listed (from which the notice counts) and the day
/// the decision is expected.
public struct ForwardPlanEntry: Hashable, Sendable, Codable {
    public var listedOn: Day
    public var expectedOn: Day

    public init(listedOn: Day, expectedOn: Day) {
        self.listedOn = listedOn
        self.expectedOn = expectedOn
    }
}
