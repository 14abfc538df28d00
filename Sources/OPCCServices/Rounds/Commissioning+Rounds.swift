import Foundation
import OPCCCore
import OPCCStore

/// Open grant rounds (issue 29): an officer sets a round up and publishes it; partners sign up and apply; officers
/// mark eligibility; assessors declare conflicts and score; the panel moderates and recommends; the recommendations go
/// to the Commissioner as one decision record, and its approval allocates the awards, drafts their agreements and
/// tells every applicant. Each method is one transaction with its audit event.
extension Commissioning {
    /// Records a new round in draft (officer). Refused, naming the field, when the spec breaks a rule of
    /// `GrantRoundSpec` (a blank title, no criteria, a closing before the opening, an unknown strand ...).
    public func createRound(
        _ spec: GrantRoundSpec, office: String, by actorName: String, on day: Day? = nil
    ) async throws -> StoredRound {
        throw RoundsNotYet()
    }

    /// Publishes a draft round (officer): it appears on the public site with its criteria and dates.
    public func publishRound(_ roundID: String, by actorName: String, on day: Day? = nil) async throws -> StoredRound {
        throw RoundsNotYet()
    }

    /// The rounds of `office` (every office when nil) that `actorName` may see: all of them for the office's staff,
    /// published ones for anyone else (nil: the public).
    public func rounds(office: String?, by actorName: String?) async throws -> [StoredRound] {
        throw RoundsNotYet()
    }

    /// One round, if `actorName` may see it (the public: published ones only).
    public func round(_ roundID: String, by actorName: String?) async throws -> StoredRound {
        throw RoundsNotYet()
    }

    /// Makes `person` an assessor of the round (officer): an `assessor` role scoped to the round. A person from
    /// outside the office is first added as a partner person with `displayName` and `email`.
    public func addAssessor(
        _ person: String, to roundID: String, displayName: String? = nil, email: String? = nil, by actorName: String,
        on day: Day? = nil
    ) async throws {
        throw RoundsNotYet()
    }

    /// A partner's sign-up through a round of `office`: records the organisation (if new) and the person with an
    /// `applicant` role scoped to its org-id, and mails a one-time link to set a password, which verifies the address.
    /// Counted on the sign-in throttle's counters (per name and per `address`, the client's).
    public func signUpApplicant(
        name: String, displayName: String, email: String, organisation: PartnerOrganisation, office: String,
        address: String, throttle policy: SignInThrottlePolicy = .init(), linkBase: String? = nil
    ) async throws -> ApplicantSignUp {
        throw RoundsNotYet()
    }

    /// Starts an application to an open round for the applicant's organisation (saved as a draft).
    public func startApplication(
        round roundID: String, draft: ApplicationDraft, by actorName: String
    ) async throws -> StoredApplication {
        throw RoundsNotYet()
    }

    /// Saves a new version of a draft application (its organisation's applicants only).
    public func saveApplication(
        _ applicationID: String, draft: ApplicationDraft, by actorName: String
    ) async throws -> StoredApplication {
        throw RoundsNotYet()
    }

    /// Submits a draft: refused after the round's close (Europe/London), before its opening, when an answer is
    /// missing or too long, or when the budget lines do not add up to the amount asked.
    public func submitApplication(_ applicationID: String, by actorName: String) async throws -> StoredApplication {
        throw RoundsNotYet()
    }

    /// One application, if `actorName` may see it: its organisation's applicants, the office's staff, and the
    /// round's assessors once it is eligible.
    public func application(_ applicationID: String, by actorName: String) async throws -> StoredApplication {
        throw RoundsNotYet()
    }

    /// The applications `actorName` may see: an applicant only its own organisation's (any round when `roundID` is
    /// nil), staff and assessors a round's.
    public func applications(round roundID: String?, by actorName: String) async throws -> [StoredApplication] {
        throw RoundsNotYet()
    }

    /// Marks a submitted application eligible or not, with the reason (officer).
    public func markEligibility(
        _ applicationID: String, eligible: Bool, reason: String, by actorName: String, on day: Day? = nil
    ) async throws {
        throw RoundsNotYet()
    }

    /// An assessor declares whether they have a conflict of interest in an eligible application.
    public func declareConflict(
        _ applicationID: String, conflicted: Bool, note: String, by actorName: String, on day: Day? = nil
    ) async throws {
        throw RoundsNotYet()
    }

    /// An assessor submits their scores (every criterion once, on the scale, each with a comment). Refused when they
    /// declared a conflict, have not declared, or already submitted.
    public func submitScores(
        _ applicationID: String, scores: [CriterionScore], by actorName: String, on day: Day? = nil
    ) async throws -> AssessorScore {
        throw RoundsNotYet()
    }

    /// The scores of an application as `actorName` may see them (`ApplicationScoresView`).
    public func scores(of applicationID: String, by actorName: String) async throws -> ApplicationScoresView {
        throw RoundsNotYet()
    }

    /// The moderation table of a closed round (officer): every eligible application with its weighted scores and
    /// spread flag.
    public func moderation(round roundID: String, by actorName: String) async throws -> [ModerationRow] {
        throw RoundsNotYet()
    }

    /// Records the panel's moderated score and recommendation for an eligible application (officer).
    public func recommend(
        _ applicationID: String, moderatedBasisPoints: Int, recommendation: Recommendation, amount: Money?,
        reasons: String, by actorName: String, on day: Day? = nil
    ) async throws -> PanelRecommendation {
        throw RoundsNotYet()
    }

    /// Raises one Request for PCC Decision listing every recommended award (officer), once every eligible
    /// application has a recommendation. Returns the decision record's id. Approving it (the Commissioner's decide)
    /// allocates the awards, drafts their agreements and queues the outcome mails, in the decide's transaction.
    public func raiseRoundDecision(round roundID: String, by actorName: String, on day: Day? = nil) async throws
        -> String
    {
        throw RoundsNotYet()
    }

    /// What the round's decision did (after it was decided).
    public func roundOutcome(round roundID: String, by actorName: String) async throws -> RoundOutcome {
        throw RoundsNotYet()
    }
}

/// Thrown by the interface's stubs until they are written.
struct RoundsNotYet: Error, CustomStringConvertible {
    var description: String { "grant rounds: not yet" }
}
