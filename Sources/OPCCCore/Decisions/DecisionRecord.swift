/// A Request for PCC Decision: every field the Cumbria (seed 000) and Lincolnshire (seed 004) forms carry.
///
/// Part 1 is public under the Freedom of Information Act 2000 once published; `part2.content` is never published
/// and is kept apart from Part 1 wherever the record is stored, rendered or exported.
public struct DecisionRecord: Hashable, Sendable, Codable {
    /// Stable identifier from the moment the draft is raised (`cumbria-DR-0001`); the decision number comes later.
    public var id: String
    public var office: String
    /// Allocated from the office's template at first submission and never reused, even after withdrawal.
    public var number: String?
    public var title: String
    public var executiveSummary: String
    public var recommendation: String
    public var amount: Money?
    public var fundingSource: FundingSource?
    public var introductionAndBackground: String
    public var issuesForConsideration: String
    /// Implication sections by key (`financial`, `legal`, `risk`, `hr-equality`, `it`, `procurement`, `victims`, and
    /// any the office profile adds); an empty text is a section the form leaves blank.
    public var implications: [String: String]
    public var backgroundPapers: String
    /// Those consulted and their views, whether they agree or disagree and why (Cumbria's form asks for them under
    /// its implications; Lincolnshire initials its consultations as sign-offs). nil on records raised before the
    /// form asked for it.
    public var consultation: String?
    public var significantPublicInterest: Bool
    public var publication: PublicationChoice
    public var part2: Part2
    public var media: MediaStrategy
    /// The sign-in name of the officer who raised it.
    public var originatingOfficer: String
    public var signOffs: [SignOff]
    public var decision: DecisionTaken?
    /// The Commissioner's noting of a decision the delegate took, where the office's delegation asks for it; nil
    /// until noted (and always for a decision the Commissioner took).
    public var noting: DecisionNoting?
    /// Effective date of the decision plus the office's working days, or the deferral date.
    public var part1Deadline: Day?
    public var publishedOn: Day?
    /// Rules a historic import broke, accepted as flagged exceptions and shown on the record.
    public var exceptions: [FlaggedException]
    /// Its entry on the office's forward plan of key decisions; nil when not listed. Absent from records stored
    /// before the forward plan, which decode as not listed.
    public var forwardPlan: ForwardPlanEntry? = nil
    /// The recorded reason of urgency for a key decision taken without the forward plan's notice.
    public var urgencyReason: String? = nil

    public init(id: String, office: String, title: String, originatingOfficer: String) {
        self.id = id
        self.office = office
        self.number = nil
        self.title = title
        self.executiveSummary = ""
        self.recommendation = ""
        self.amount = nil
        self.fundingSource = nil
        self.introductionAndBackground = ""
        self.issuesForConsideration = ""
        self.implications = [:]
        self.backgroundPapers = ""
        self.significantPublicInterest = false
        self.publication = PublicationChoice()
        self.part2 = Part2()
        self.media = MediaStrategy()
        self.originatingOfficer = originatingOfficer
        self.signOffs = []
        self.decision = nil
        self.noting = nil
        self.part1Deadline = nil
        self.publishedOn = nil
        self.exceptions = []
    }

    /// The record with Part 2's content removed: what anyone without Part 2 access may see.
    public var withoutPart2Content: DecisionRecord {
        var copy = self
        copy.part2.content = nil
        return copy
    }
}

/// The budget a decision draws on: a strand of the commissioning budget in one financial year (seed 000: "the ASB
/// strand").
public struct FundingSource: Hashable, Sendable, Codable {
    public var strand: String
    public var year: FinancialYear

    public init(strand: String, year: FinancialYear) {
        self.strand = strand
        self.year = year
    }
}

/// Whether publication of Part 1 is deferred, why, and until when (Cumbria: "if known"; Lincolnshire requires it).
public struct PublicationChoice: Hashable, Sendable, Codable {
    public var deferred: Bool = false
    public var reason: String?
    public var until: Day?

    public init(deferred: Bool = false, reason: String? = nil, until: Day? = nil) {
        self.deferred = deferred
        self.reason = reason
        self.until = until
    }
}

/// The confidential part. Its existence and (where the office prints it) its reason are public; its content never is.
public struct Part2: Hashable, Sendable, Codable {
    public var exists: Bool = false
    public var reason: String?
    /// The confidential content; nil when absent or not visible to the reader.
    public var content: String?
    /// Whether the author has marked the content complete ("please ensure Part 2 form is completed prior to
    /// submission").
    public var complete: Bool = false

    public init(exists: Bool = false, reason: String? = nil, content: String? = nil, complete: Bool = false) {
        self.exists = exists
        self.reason = reason
        self.content = content
        self.complete = complete
    }
}

/// The form's media strategy questions.
public struct MediaStrategy: Hashable, Sendable, Codable {
    public var pressReleaseRequired: Bool = false
    public var strategyFormulated: Bool?
    public var strategyAttached: Bool?
    public var proposedPressReleaseDate: Day?

    public init(
        pressReleaseRequired: Bool = false, strategyFormulated: Bool? = nil, strategyAttached: Bool? = nil,
        proposedPressReleaseDate: Day? = nil
    ) {
        self.pressReleaseRequired = pressReleaseRequired
        self.strategyFormulated = strategyFormulated
        self.strategyAttached = strategyAttached
        self.proposedPressReleaseDate = proposedPressReleaseDate
    }
}

/// One required sign-off as recorded: a declaration, an initialled consultation or an officer approval.
public struct SignOff: Hashable, Sendable, Codable {
    /// The profile's signatory position (`originating-officer`, `force-cfo`, `chief-executive`).
    public var position: String
    /// Who signed, as the form shows it ("Stuart Edwards").
    public var name: String
    /// Initials, where the form is initialled (Lincolnshire: "SC").
    public var initials: String?
    public var day: Day
    /// The sign-in name of the person who recorded it in the product.
    public var recordedBy: String

    public init(position: String, name: String, initials: String? = nil, day: Day, recordedBy: String) {
        self.position = position
        self.name = name
        self.initials = initials
        self.day = day
        self.recordedBy = recordedBy
    }
}

/// The decision-maker's decision with their declaration of interests.
public struct DecisionTaken: Hashable, Sendable, Codable {
    public enum Outcome: String, Hashable, Sendable, Codable, CaseIterable {
        case approved
        case notApproved = "not-approved"
    }
    public var outcome: Outcome
    public var decisionMaker: String
    public var role: Role
    public var day: Day
    /// The declaration of personal or prejudicial interests, as recorded ("none").
    public var interestsDeclared: String
    /// The delegation the decision was taken under, as the office profile stated it that day; nil when the
    /// Commissioner decided (and on records decided before delegations were kept: see `isDelegated`).
    public var delegation: DelegationUsed?

    public init(
        outcome: Outcome, decisionMaker: String, role: Role, day: Day, interestsDeclared: String,
        delegation: DelegationUsed? = nil
    ) {
        self.outcome = outcome
        self.decisionMaker = decisionMaker
        self.role = role
        self.day = day
        self.interestsDeclared = interestsDeclared
        self.delegation = delegation
    }

    /// Whether someone other than the Commissioner decided, in the Commissioner's place.
    public var isDelegated: Bool { delegation != nil || role != .commissioner }
}

/// The delegation a decision was taken under (the office profile's `decisionDelegation` on the day): who may decide
/// in the Commissioner's place, within which limit, and whether the Commissioner notes it.
public struct DelegationUsed: Hashable, Sendable, Codable {
    public var role: Role
    /// The largest amount the delegate may decide; nil for no limit.
    public var upTo: Money?
    public var notingRequired: Bool

    public init(role: Role, upTo: Money?, notingRequired: Bool) {
        self.role = role
        self.upTo = upTo
        self.notingRequired = notingRequired
    }
}

/// The Commissioner's noting of a delegated decision: an act with its own date (Lancashire's scheme of delegation).
public struct DecisionNoting: Hashable, Sendable, Codable {
    /// Who noted it, as the notice names them ("Police and Crime Commissioner for Lancashire").
    public var notedBy: String
    public var day: Day
    /// The sign-in name of the person who recorded it.
    public var recordedBy: String

    public init(notedBy: String, day: Day, recordedBy: String) {
        self.notedBy = notedBy
        self.day = day
        self.recordedBy = recordedBy
    }
}

/// A rule a historic record broke, accepted on import and shown wherever the record is.
public struct FlaggedException: Hashable, Sendable, Codable {
    public var rule: String
    public var message: String
    public var act: String
    public var day: Day

    public init(rule: String, message: String, act: String, day: Day) {
        self.rule = rule
        self.message = message
        self.act = act
        self.day = day
    }
}
