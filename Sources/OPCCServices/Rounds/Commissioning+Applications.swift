import Foundation
import OPCCCore
import OPCCStore

/// Applications to a round: written by an applicant of the organisation, seen only by its organisation, the office's
/// staff and (once eligible) the round's assessors; submitted before the close on the clock in Europe/London.
extension Commissioning {
    /// Starts an application to an open round for the applicant's organisation (saved as a draft).
    public func startApplication(
        round roundID: String, draft: ApplicationDraft, by actorName: String
    ) async throws -> StoredApplication {
        let draft = try Self.checkedDraft(draft)
        return try await store.write { tx in
            let round = try knownRound(roundID, in: tx)
            let person = try actor(named: actorName, in: tx)
            guard let orgID = try tx.partnerOrganisation(ofPerson: person.name),
                person.grants.contains(where: { $0.role == .applicant && $0.covers(record: orgID) }),
                let organisation = try tx.organisation(orgID: orgID)
            else {
                throw ServiceRefusal.forbidden(
                    rule: .applicantSeesOwnOrganisation,
                    message: "only an applicant of a partner organisation applies: sign up first")
            }
            guard round.state == .open else {
                throw ServiceRefusal(
                    rule: .roundStateAllows,
                    message: "\(round.id) is \(round.state.rawValue), not open for applications",
                    kind: .conflict)
            }
            let application = StoredApplication(
                id: round.id + "-A-" + Self.threeDigits(try tx.applicationCount(round: round.id) + 1),
                roundID: round.id,
                office: round.office, organisation: organisation, state: .draft, draft: draft, submittedAtMs: nil,
                applicant: person.name)
            try tx.insertApplication(application)
            try roundEvent(
                "application-started", round: round, by: person.name, role: .applicant, day: nil,
                payload: ["application": application.id, "organisation": orgID], in: tx)
            return application
        }
    }

    /// Saves a new version of a draft application (its organisation's applicants only).
    public func saveApplication(
        _ applicationID: String, draft: ApplicationDraft, by actorName: String
    ) async throws -> StoredApplication {
        let draft = try Self.checkedDraft(draft)
        return try await store.write { tx in
            let (application, person) = try ownApplication(applicationID, by: actorName, in: tx)
            guard application.state == .draft else {
                throw ServiceRefusal(
                    rule: .applicationEditedInDraft,
                    message: "\(application.id) is \(application.state.rawValue): only a draft is edited",
                    kind: .conflict)
            }
            _ = try moveApplication(application, "save", by: person, in: tx)
            try tx.updateApplication(id: application.id, state: .draft, draft: draft, submittedAtMs: nil)
            try applicationEvent("application-saved", application, by: person.name, role: .applicant, [:], in: tx)
            return try tx.application(id: application.id)!
        }
    }

    /// Submits a draft: refused at or after the round's close (Europe/London), before its opening, when an answer is
    /// missing or too long, or when the budget lines do not add up to the amount asked.
    public func submitApplication(_ applicationID: String, by actorName: String) async throws -> StoredApplication {
        let now = clock.now()
        return try await store.write { tx in
            let (application, person) = try ownApplication(applicationID, by: actorName, in: tx)
            let round = try knownRound(application.roundID, in: tx)
            guard now < round.spec.closes.instant else {
                throw ServiceRefusal(
                    rule: .submissionBeforeClose,
                    message: "\(round.spec.title) closed at \(round.spec.closes) (Europe/London): a late application "
                        + "cannot be submitted")
            }
            guard now >= round.spec.opens.instant else {
                throw ServiceRefusal(
                    rule: .submissionAfterOpening,
                    message: "\(round.spec.title) opens at \(round.spec.opens) (Europe/London)")
            }
            try Self.checkSubmittable(application.draft, for: round.spec)
            let to = try moveApplication(application, "submit", by: person, in: tx)
            let ms = Int64((now.timeIntervalSince1970 * 1000).rounded(.down))
            try tx.updateApplication(id: application.id, state: to, draft: application.draft, submittedAtMs: ms)
            try applicationEvent(
                "application-submitted", application, by: person.name, role: .applicant,
                ["amount": application.draft.amountRequested.description], in: tx)
            return try tx.application(id: application.id)!
        }
    }

    /// One application, if `actorName` may see it: its organisation's applicants, the office's staff, and the
    /// round's assessors once it is eligible. Anyone else is answered as if it did not exist.
    public func application(_ applicationID: String, by actorName: String) async throws -> StoredApplication {
        try await store.read { tx in
            let person = try actor(named: actorName, in: tx)
            guard let application = try tx.application(id: applicationID),
                try Self.maySee(application, person, in: tx)
            else { throw Self.unknownApplication(applicationID) }
            return application
        }
    }

    /// The applications `actorName` may see: an applicant only its own organisation's (any round when `roundID` is
    /// nil), staff and assessors a round's.
    public func applications(round roundID: String?, by actorName: String) async throws -> [StoredApplication] {
        try await store.read { tx in
            let person = try actor(named: actorName, in: tx)
            if let orgID = try tx.partnerOrganisation(ofPerson: person.name),
                person.grants.contains(where: { $0.role == .applicant })
            {
                return try tx.applications(round: roundID, orgID: orgID)
            }
            guard let roundID else {
                throw ServiceRefusal(rule: .roundKnown, message: "name the round whose applications to list")
            }
            let round = try knownRound(roundID, in: tx)
            guard Self.isStaff(person, of: round.office) || Self.isAssessor(person, of: round.id) else {
                throw Self.unknownRound(roundID)
            }
            return try tx.applications(round: roundID, orgID: nil).filter { try Self.maySee($0, person, in: tx) }
        }
    }

    // MARK: - Helpers

    static func unknownApplication(_ id: String) -> ServiceRefusal {
        .notFound(rule: .applicantSeesOwnOrganisation, message: "no application '\(id)'")
    }

    static func threeDigits(_ n: Int) -> String {
        let digits = String(n)
        return String(repeating: "0", count: max(0, 3 - digits.count)) + digits
    }

    static func maySee(_ a: StoredApplication, _ person: StoredPerson, in tx: any StoreTransaction) throws -> Bool {
        if isStaff(person, of: a.office) { return true }
        if person.grants.contains(where: { $0.role == .applicant && $0.covers(record: a.organisation.orgID) }) {
            return true
        }
        return isAssessor(person, of: a.roundID) && a.state != .draft && a.state != .submitted
            && a.state != .ineligible
    }

    /// The application and its applicant, if `actorName` is an applicant of its organisation; anyone else is
    /// answered as if it did not exist (`applicant-sees-own-organisation`).
    func ownApplication(
        _ id: String, by actorName: String, in tx: any StoreTransaction
    ) throws -> (StoredApplication, StoredPerson) {
        let person = try actor(named: actorName, in: tx)
        guard let application = try tx.application(id: id),
            person.grants.contains(where: { $0.role == .applicant && $0.covers(record: application.organisation.orgID) }
            )
        else { throw Self.unknownApplication(id) }
        return (application, person)
    }

    /// Asks the engine to move the application by `event` of `workflows/grant-application.yaml`; the caller saves.
    func moveApplication(
        _ a: StoredApplication, _ event: String, by person: StoredPerson, in tx: any StoreTransaction
    ) throws -> ApplicationState {
        let (to, _) = try decideMove(
            workflow: "grant-application", id: a.id, office: a.office, state: a.state.rawValue,
            recordRef: a.organisation.orgID, event: event, by: person, day: nil)
        guard let state = ApplicationState(rawValue: to) else {
            throw StoreError.invalidData(what: "grant-application state '\(to)'")
        }
        return state
    }

    func applicationEvent(
        _ event: String, _ a: StoredApplication, by actorName: String, role: Role?, _ payload: [String: String],
        in tx: any StoreTransaction
    ) throws {
        var payload = payload
        payload["application"] = a.id
        try roundEvent(
            event, round: try knownRound(a.roundID, in: tx), by: actorName, role: role, day: nil, payload: payload,
            in: tx)
    }

    /// The draft with its texts checked (every text a person types passes `TextField`).
    static func checkedDraft(_ d: ApplicationDraft) throws -> ApplicationDraft {
        var d = d
        d.title = try checkedText(d.title, "title", .name)
        var answers: [String: String] = [:]
        for (key, value) in d.answers { answers[key] = try checkedText(value, "answers.\(key)", .long) }
        d.answers = answers
        for i in d.budget.indices { d.budget[i].item = try checkedText(d.budget[i].item, "budget[\(i)].item", .name) }
        d.area = try checkedText(d.area, "area", .name)
        d.outcomes = try d.outcomes.enumerated().map { try checkedText($1, "outcomes[\($0)]", .short) }
        return d
    }

    /// Refused unless the draft can be submitted to a round with `spec`.
    static func checkSubmittable(_ d: ApplicationDraft, for spec: GrantRoundSpec) throws {
        guard !d.title.isBlank else {
            throw ServiceRefusal(rule: .applicationAnswersComplete, message: "title: give the project a title")
        }
        for q in spec.questions {
            guard let answer = d.answers[q.id], !answer.isBlank else {
                throw ServiceRefusal(
                    rule: .applicationAnswersComplete, message: "answers.\(q.id): answer \"\(q.text)\"")
            }
            if let limit = q.maxWords {
                let words = answer.split(whereSeparator: { $0.isWhitespace }).count
                guard words <= limit else {
                    throw ServiceRefusal(
                        rule: .applicationAnswersComplete,
                        message: "answers.\(q.id): \(words) words, more than the \(limit) allowed")
                }
            }
        }
        if let extra = d.answers.keys.sorted().first(where: { key in !spec.questions.contains { $0.id == key } }) {
            throw ServiceRefusal(
                rule: .applicationAnswersComplete, message: "answers.\(extra): the round asks no such question")
        }
        guard d.amountRequested > .zero else {
            throw ServiceRefusal(rule: .applicationWithinBands, message: "amountRequested: ask for more than £0.00")
        }
        guard spec.bands.band(for: d.amountRequested) != nil else {
            throw ServiceRefusal(
                rule: .applicationWithinBands,
                message: "amountRequested: \(d.amountRequested) is above the round's largest grant "
                    + "(\(spec.largestAward?.description ?? "none"))")
        }
        guard !d.budget.isEmpty, let total = d.budgetTotal, total == d.amountRequested else {
            throw ServiceRefusal(
                rule: .budgetLinesAddUp,
                message: "budget: the lines add up to \(d.budgetTotal?.description ?? "too much"), not the "
                    + "\(d.amountRequested) asked for")
        }
        guard spec.eligibility.areas.isEmpty || spec.eligibility.areas.contains(d.area) else {
            throw ServiceRefusal(
                rule: .applicationAreaInRound,
                message: "area: '\(d.area)' is not one of the round's areas ("
                    + spec.eligibility.areas.joined(separator: ", ") + ")")
        }
        guard !d.outcomes.filter({ !$0.isBlank }).isEmpty else {
            throw ServiceRefusal(rule: .applicationAnswersComplete, message: "outcomes: name at least one outcome")
        }
    }
}
