import Foundation
import OPCCCore
import OPCCStore

/// Eligibility, conflicts, scores, moderation and the panel's recommendations.
extension Commissioning {
    /// Marks a submitted application eligible or not, with the reason (officer).
    public func markEligibility(
        _ applicationID: String, eligible: Bool, reason: String, by actorName: String, on day: Day? = nil
    ) async throws {
        let reason = try checkedText(reason, "reason", .short)
        guard !reason.isBlank else {
            throw ServiceRefusal(rule: .eligibilityOfSubmitted, message: "reason: say why it is or is not eligible")
        }
        try await store.write { tx in
            let application = try staffApplication(applicationID, in: tx, by: actorName)
            let person = try requireOfficer(actorName, office: application.office, in: tx, for: "marking eligibility")
            guard application.state == .submitted else {
                throw ServiceRefusal(
                    rule: .eligibilityOfSubmitted,
                    message: "\(application.id) is \(application.state.rawValue): only a submitted application is "
                        + "marked", kind: .conflict)
            }
            let to = try moveApplication(
                application, eligible ? "mark-eligible" : "mark-ineligible", by: person, in: tx)
            try tx.updateApplication(
                id: application.id, state: to, draft: application.draft, submittedAtMs: application.submittedAtMs)
            try tx.insertEligibility(
                EligibilityMark(applicationID: application.id, eligible: eligible, reason: reason, markedBy: actorName),
                at: clock.timestamp())
            try applicationEvent(
                eligible ? "application-eligible" : "application-ineligible", application, by: actorName,
                role: .officer, ["reason": reason], in: tx)
        }
    }

    /// An assessor declares whether they have a conflict of interest in an eligible application.
    public func declareConflict(
        _ applicationID: String, conflicted: Bool, note: String, by actorName: String, on day: Day? = nil
    ) async throws {
        let note = try checkedText(note, "note", .short)
        try await store.write { tx in
            let (application, _) = try assessedApplication(applicationID, by: actorName, in: tx)
            guard
                try !tx.conflicts(round: application.roundID).contains(where: {
                    $0.applicationID == application.id && $0.assessor == actorName
                })
            else {
                throw ServiceRefusal(
                    rule: .scoresSubmittedOnce,
                    message: "\(actorName) already declared on \(application.id): a declaration is made once",
                    kind: .conflict)
            }
            try tx.insertConflict(
                ConflictDeclaration(
                    applicationID: application.id, assessor: actorName, conflicted: conflicted, note: note),
                at: clock.timestamp())
            try applicationEvent(
                "conflict-declared", application, by: actorName, role: .assessor,
                ["conflicted": conflicted ? "true" : "false", "note": note], in: tx)
        }
    }

    /// An assessor submits their scores (every criterion once, on the scale, each with a comment). Refused when they
    /// declared a conflict, have not declared, or already submitted.
    public func submitScores(
        _ applicationID: String, scores: [CriterionScore], by actorName: String, on day: Day? = nil
    ) async throws -> AssessorScore {
        let scores = try scores.enumerated().map { i, s in
            CriterionScore(
                criterion: s.criterion, score: s.score,
                comment: try checkedText(s.comment, "scores[\(i)].comment", .short))
        }
        return try await store.write { tx in
            let (application, round) = try assessedApplication(applicationID, by: actorName, in: tx)
            let declaration = try tx.conflicts(round: round.id).first {
                $0.applicationID == application.id && $0.assessor == actorName
            }
            guard let declaration else {
                throw ServiceRefusal(
                    rule: .conflictDeclaredBeforeScoring,
                    message: "declare whether you have a conflict of interest in \(application.id) before scoring it")
            }
            guard !declaration.conflicted else {
                throw ServiceRefusal.forbidden(
                    rule: .conflictedAssessorCannotScore,
                    message: "\(actorName) declared a conflict of interest in \(application.id) and cannot score it")
            }
            guard
                try !tx.scores(round: round.id).contains(where: {
                    $0.applicationID == application.id && $0.assessor == actorName
                })
            else {
                throw ServiceRefusal(
                    rule: .scoresSubmittedOnce, message: "\(actorName) already scored \(application.id)",
                    kind: .conflict)
            }
            try Self.checkScores(scores, spec: round.spec)
            let ordered = round.spec.criteria.map { c in scores.first { $0.criterion == c.id }! }
            let score = AssessorScore(
                applicationID: application.id, assessor: actorName, scores: ordered,
                weightedBasisPoints: WeightedScore.basisPoints(
                    ordered, criteria: round.spec.criteria, scale: round.spec.scale))
            try tx.insertScore(score, at: clock.timestamp())
            try applicationEvent(
                "scores-submitted", application, by: actorName, role: .assessor,
                ["weighted": WeightedScore.percent(score.weightedBasisPoints)], in: tx)
            return score
        }
    }

    /// The scores of an application as `actorName` may see them (`ApplicationScoresView`): an assessor of the round
    /// sees the others' only once their own are submitted, even one of the office's staff; other staff see all;
    /// applicants never.
    public func scores(of applicationID: String, by actorName: String) async throws -> ApplicationScoresView {
        try await store.read { tx in
            let person = try actor(named: actorName, in: tx)
            guard let application = try tx.application(id: applicationID) else {
                throw Self.unknownApplication(applicationID)
            }
            let staff = Self.isStaff(person, of: application.office)
            let assessor = Self.isAssessor(person, of: application.roundID)
            guard staff || assessor else { throw Self.unknownApplication(applicationID) }
            let all = try tx.scores(round: application.roundID).filter { $0.applicationID == application.id }
            let own = all.first { $0.assessor == person.name }
            let hidden = assessor && own == nil
            return ApplicationScoresView(
                applicationID: application.id, own: own,
                others: hidden ? [] : all.filter { $0.assessor != person.name }, othersHidden: hidden,
                conflicts: try tx.conflicts(round: application.roundID).filter {
                    $0.applicationID == application.id && (staff || $0.assessor == person.name)
                })
        }
    }

    /// The moderation table of a closed round (officer): every eligible application with its weighted scores and
    /// spread flag.
    public func moderation(round roundID: String, by actorName: String) async throws -> [ModerationRow] {
        try await store.read { tx in
            let round = try knownRound(roundID, in: tx)
            _ = try requireOfficer(actorName, office: round.office, in: tx, for: "moderation")
            return try moderationRows(round, in: tx)
        }
    }

    func moderationRows(_ round: StoredRound, in tx: any StoreTransaction) throws -> [ModerationRow] {
        let scores = try tx.scores(round: round.id)
        let recommendations = try tx.recommendations(round: round.id)
        return try tx.applications(round: round.id, orgID: nil).filter {
            $0.state == .eligible || $0.state == .recommended || $0.state == .awarded || $0.state == .declined
        }.map { a in
            let mine = scores.filter { $0.applicationID == a.id }
            let spread = ModerationRow.spread(
                mine.map(\.weightedBasisPoints), thresholdPercent: round.spec.spreadThresholdPercent)
            return ModerationRow(
                application: a,
                assessorBasisPoints: Dictionary(
                    uniqueKeysWithValues: mine.map { ($0.assessor, $0.weightedBasisPoints) }),
                meanBasisPoints: spread.mean, spreadBasisPoints: spread.spread, spreadFlag: spread.flag,
                recommendation: recommendations.first { $0.applicationID == a.id })
        }
    }

    /// Records the panel's moderated score and recommendation for an eligible application (officer).
    public func recommend(
        _ applicationID: String, moderatedBasisPoints: Int, recommendation: Recommendation, amount: Money?,
        reasons: String, by actorName: String, on day: Day? = nil
    ) async throws -> PanelRecommendation {
        let reasons = try checkedText(reasons, "reasons", .short)
        return try await store.write { tx in
            let application = try staffApplication(applicationID, in: tx, by: actorName)
            let person = try requireOfficer(actorName, office: application.office, in: tx, for: "a recommendation")
            let round = try knownRound(application.roundID, in: tx)
            func refuse(_ message: String) -> ServiceRefusal {
                ServiceRefusal(rule: .recommendationComplete, message: message)
            }
            guard round.state == .closed else {
                throw ServiceRefusal(
                    rule: .roundStateAllows,
                    message: "\(round.id) is \(round.state.rawValue): the panel moderates "
                        + "a closed round", kind: .conflict)
            }
            guard application.state == .eligible else {
                throw refuse("\(application.id) is \(application.state.rawValue): only an eligible one is recommended")
            }
            guard !reasons.isBlank else { throw refuse("reasons: say why") }
            guard (0...10_000).contains(moderatedBasisPoints) else {
                throw refuse("moderatedBasisPoints: from 0 to 10000, not \(moderatedBasisPoints)")
            }
            let asked = application.draft.amountRequested
            let award: Money?
            switch recommendation {
            case .award:
                guard amount == nil || amount == asked else {
                    throw refuse("an award is the \(asked) asked for: recommend award-reduced for less")
                }
                award = asked
            case .awardReduced:
                guard let amount, amount > .zero, amount < asked else {
                    throw refuse("a reduced award is more than £0.00 and less than the \(asked) asked for")
                }
                award = amount
            case .decline:
                guard amount == nil else { throw refuse("a declined application has no amount") }
                award = nil
            }
            let made = PanelRecommendation(
                applicationID: application.id, moderatedBasisPoints: moderatedBasisPoints,
                recommendation: recommendation, amount: award, reasons: reasons, recordedBy: actorName)
            let to = try moveApplication(application, "recommend", by: person, in: tx)
            try tx.updateApplication(
                id: application.id, state: to, draft: application.draft, submittedAtMs: application.submittedAtMs)
            try tx.insertRecommendation(made, at: clock.timestamp())
            try applicationEvent(
                "application-recommended", application, by: actorName, role: .officer,
                [
                    "recommendation": recommendation.rawValue, "amount": award?.description ?? "",
                    "moderated": WeightedScore.percent(moderatedBasisPoints),
                ], in: tx)
            return made
        }
    }

    // MARK: - Helpers

    /// An application of the office of `actorName` (staff); anyone else is answered as if it did not exist.
    func staffApplication(
        _ id: String, in tx: any StoreTransaction, by actorName: String
    ) throws -> StoredApplication {
        let person = try actor(named: actorName, in: tx)
        guard let application = try tx.application(id: id) else { throw Self.unknownApplication(id) }
        guard Self.isStaff(person, of: application.office) else {
            if person.office == application.office {
                throw ServiceRefusal.forbidden(rule: .roundsRunByOfficers, message: "this needs the officer role")
            }
            throw Self.unknownApplication(id)
        }
        return application
    }

    /// An eligible application of a closed round, and the round, for one of its assessors.
    func assessedApplication(
        _ id: String, by actorName: String, in tx: any StoreTransaction
    ) throws -> (StoredApplication, StoredRound) {
        let person = try actor(named: actorName, in: tx)
        guard let application = try tx.application(id: id) else { throw Self.unknownApplication(id) }
        guard Self.isAssessor(person, of: application.roundID) else {
            throw ServiceRefusal.forbidden(
                rule: .assessorOfRound, message: "\(actorName) is not an assessor of \(application.roundID)")
        }
        guard application.state == .eligible else {
            throw ServiceRefusal(
                rule: .roundStateAllows,
                message: "\(application.id) is \(application.state.rawValue): assessors score eligible applications",
                kind: .conflict)
        }
        return (application, try knownRound(application.roundID, in: tx))
    }

    /// Refused unless every criterion is scored once, on the scale, with a comment.
    static func checkScores(_ scores: [CriterionScore], spec: GrantRoundSpec) throws {
        func refuse(_ message: String) -> ServiceRefusal { ServiceRefusal(rule: .scoresOnScale, message: message) }
        for (i, s) in scores.enumerated() {
            guard spec.criteria.contains(where: { $0.id == s.criterion }) else {
                throw refuse("scores[\(i)]: the round has no criterion '\(s.criterion)'")
            }
            guard scores.filter({ $0.criterion == s.criterion }).count == 1 else {
                throw refuse("scores[\(i)]: '\(s.criterion)' is scored twice")
            }
            guard (spec.scale.minimum...spec.scale.maximum).contains(s.score) else {
                throw refuse(
                    "scores[\(i)]: \(s.score) is off the scale (\(spec.scale.minimum) to \(spec.scale.maximum))")
            }
            guard !s.comment.isBlank else { throw refuse("scores[\(i)]: give a comment for '\(s.criterion)'") }
        }
        for c in spec.criteria where !scores.contains(where: { $0.criterion == c.id }) {
            throw refuse("'\(c.id)' (\(c.title)) is not scored")
        }
    }
}
