import OPCCCore

/// What a partner's sign-up answers: the verification link was sent (the person must set a password with it before
/// they can sign in, which proves the address is theirs), or too many sign-ups came from this address or for this
/// name recently and nothing was done.
public enum ApplicantSignUp: Hashable, Sendable {
    /// The person and their organisation are recorded; the one-time link is in the outbox.
    case linkSent(IssuedAccountLink)
    /// Throttled: try again after this many seconds.
    case wait(seconds: Int)
}

/// What an officer sees of a round's applications at a glance.
public struct RoundApplicationsView: Hashable, Sendable {
    public let round: StoredRound
    public let applications: [StoredApplication]
    public let eligibility: [String: EligibilityMark]

    public init(round: StoredRound, applications: [StoredApplication], eligibility: [String: EligibilityMark]) {
        self.round = round
        self.applications = applications
        self.eligibility = eligibility
    }
}

/// The scores of one application as one assessor may see them: their own always, the others' only once their own
/// are submitted (or they are not an assessor of the round: officers and the panel see all).
public struct ApplicationScoresView: Hashable, Sendable {
    public let applicationID: String
    /// The asking assessor's own scores, when submitted.
    public let own: AssessorScore?
    /// Other assessors' scores; empty while the asking assessor has not submitted theirs.
    public let others: [AssessorScore]
    /// Whether others' scores are hidden because the asking assessor has not submitted their own.
    public let othersHidden: Bool
    /// Declared conflicts, by assessor.
    public let conflicts: [ConflictDeclaration]

    public init(
        applicationID: String, own: AssessorScore?, others: [AssessorScore], othersHidden: Bool,
        conflicts: [ConflictDeclaration]
    ) {
        self.applicationID = applicationID
        self.own = own
        self.others = others
        self.othersHidden = othersHidden
        self.conflicts = conflicts
    }
}

/// What became of a round's decision: the allocations made, the agreements drafted and the mails queued.
public struct RoundOutcome: Hashable, Sendable {
    public let roundID: String
    public let decisionID: String
    public let allocations: [Allocation]
    /// Agreement ids, one per award.
    public let agreements: [String]
    public let mailsQueued: Int

    public init(roundID: String, decisionID: String, allocations: [Allocation], agreements: [String], mailsQueued: Int)
    {
        self.roundID = roundID
        self.decisionID = decisionID
        self.allocations = allocations
        self.agreements = agreements
        self.mailsQueued = mailsQueued
    }
}
