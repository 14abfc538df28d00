import Foundation
import OPCCCore
import OPCCStore

/// Open grant rounds (issue 29): an officer sets a round up and publishes it; partners sign up and apply; officers
/// mark eligibility; assessors declare conflicts and score; the panel moderates and recommends; the recommendations go
/// to the Commissioner as one decision record, and its approval allocates the awards, drafts their agreements and
/// tells every applicant. Each method is one transaction with its audit event. A round and an application move by
/// their workflows (`workflows/grant-round.yaml`, `workflows/grant-application.yaml`), which the engine decides.
extension Commissioning {
    /// Records a new round in draft (officer). Refused, naming the field, when the spec breaks a rule of
    /// `GrantRoundSpec` (a blank title, no criteria, a closing before the opening, an unknown strand ...).
    public func createRound(
        _ spec: GrantRoundSpec, office: String, by actorName: String, on day: Day? = nil
    ) async throws -> StoredRound {
        let spec = try Self.checkedSpec(spec)
        return try await store.write { tx in
            _ = try requireOfficer(actorName, office: office, in: tx, for: "setting up a round")
            guard try tx.strands(office: office, year: spec.year).contains(where: { $0.strand == spec.strand }) else {
                throw ServiceRefusal(
                    rule: .roundSpecValid,
                    message: "strand: \(office) has no budget strand '\(spec.strand)' for \(spec.year)")
            }
            for name in spec.assessors where try tx.person(named: name) == nil {
                throw ServiceRefusal(
                    rule: .roundSpecValid,
                    message: "assessors: nobody signs in as '\(name)': add them first ('opcc round assessor')")
            }
            let round = StoredRound(
                id: Self.recordID(office: office, kind: "R", existing: try tx.roundCount(office: office)),
                office: office, state: .draft, spec: spec, decisionID: nil, createdBy: actorName)
            try tx.insertRound(round, at: clock.timestamp())
            for name in spec.assessors {
                try tx.addGrant(person: name, role: .assessor, scope: round.id)
                // The person's grants changed: their record is sealed again by this event.
                try tx.append(
                    AuditEventDraft(
                        office: office, event: "assessor-added", actor: actorName, role: Role.officer.rawValue,
                        effectiveDay: day ?? clock.today(), recordedAt: clock.timestamp(),
                        payload: ["round": round.id, "assessor": name], sealSubject: .person(name)))
            }
            try roundEvent(
                "round-created", round: round, by: actorName, role: .officer, day: day,
                payload: ["title": spec.title, "total": spec.total.description, "strand": spec.strand], in: tx)
            return round
        }
    }

    /// Publishes a draft round (officer): it appears on the public site with its criteria and dates.
    public func publishRound(_ roundID: String, by actorName: String, on day: Day? = nil) async throws -> StoredRound {
        try await store.write { tx in
            let round = try knownRound(roundID, in: tx)
            let person = try requireOfficer(actorName, office: round.office, in: tx, for: "publishing a round")
            return try moveRound(round, "publish", by: person, day: day, in: tx)
        }
    }

    /// The rounds of `office` (every office when nil) that `actorName` may see: all of them for the office's staff,
    /// published ones for anyone else (nil: the public).
    public func rounds(office: String?, by actorName: String?) async throws -> [StoredRound] {
        try await store.read { tx in
            let person = try actorName.map { try actor(named: $0, in: tx) }
            return try tx.rounds(office: office).filter { try Self.maySee($0, person, in: tx) }
        }
    }

    /// One round, if `actorName` may see it (the public: published ones only).
    public func round(_ roundID: String, by actorName: String?) async throws -> StoredRound {
        try await store.read { tx in
            let round = try knownRound(roundID, in: tx)
            let person = try actorName.map { try actor(named: $0, in: tx) }
            guard try Self.maySee(round, person, in: tx) else { throw Self.unknownRound(roundID) }
            return round
        }
    }

    /// Makes `person` an assessor of the round (officer): an `assessor` role scoped to the round. A person from
    /// outside the office is first added as a partner person with `displayName` and `email`.
    public func addAssessor(
        _ person: String, to roundID: String, displayName: String? = nil, email: String? = nil, by actorName: String,
        on day: Day? = nil
    ) async throws {
        try Self.checkPersonName(person)
        let displayName = try checkedOptionalText(displayName, "displayName", .name)
        let email = try email.map(Self.checkedEmail)
        try await store.write { tx in
            let round = try knownRound(roundID, in: tx)
            _ = try requireOfficer(actorName, office: round.office, in: tx, for: "adding an assessor")
            if try tx.person(named: person) == nil {
                try tx.addPerson(
                    name: person, displayName: displayName ?? person, office: round.office, addedAt: clock.timestamp())
                if let email { try tx.setPersonEmail(name: person, email: email) }
            }
            let existing = try actor(named: person, in: tx)
            if !existing.grants.contains(RoleGrant(role: .assessor, scope: [round.id])) {
                try tx.addGrant(person: person, role: .assessor, scope: round.id)
            }
            try tx.append(
                AuditEventDraft(
                    office: round.office, event: "assessor-added", actor: actorName, role: Role.officer.rawValue,
                    effectiveDay: day ?? clock.today(), recordedAt: clock.timestamp(),
                    payload: ["round": round.id, "assessor": person], sealSubject: .person(person)))
        }
    }

    /// A partner's sign-up through a round of `office`: records the organisation (if new) and the person with an
    /// `applicant` role scoped to its org-id, and mails a one-time link to set a password, which verifies the address.
    /// Counted on the sign-in throttle's counters (per name and per `address`, the client's).
    public func signUpApplicant(
        name: String, displayName: String, email: String, organisation: PartnerOrganisation, office: String,
        address: String, throttle policy: SignInThrottlePolicy = .init(), linkBase: String? = nil
    ) async throws -> ApplicantSignUp {
        let nowMs = SignInFormTokens.milliseconds(clock.now())
        let keys = Self.throttleKeys(name: "sign-up\u{0}" + name, address: "sign-up\u{0}" + address)
        if let seconds = try await countAttempt(keys, nowMs: nowMs, policy: policy) { return .wait(seconds: seconds) }
        try Self.checkPersonName(name)
        let displayName = try checkedText(displayName, "displayName", .name)
        let email = try Self.checkedEmail(email)
        if let problem = PartnerOrganisation.orgIDProblem(organisation.orgID) {
            throw ServiceRefusal(rule: .partnerOrgId, message: problem)
        }
        let organisation = PartnerOrganisation(
            orgID: organisation.orgID, name: try checkedText(organisation.name, "organisation.name", .name),
            kind: organisation.kind)
        guard !organisation.name.isBlank else {
            throw ServiceRefusal(rule: .partnerOrgId, message: "organisation.name: give the organisation's name")
        }
        let today = clock.today()
        let link = try await store.write { tx -> IssuedAccountLink in
            _ = try profile(of: office, in: tx)
            guard try tx.person(named: name) == nil else {
                throw ServiceRefusal(
                    rule: .signUpNameFree, message: "the sign-in name '\(name)' is taken: choose another")
            }
            if let known = try tx.organisation(orgID: organisation.orgID) {
                guard known.name == organisation.name, known.kind == organisation.kind else {
                    throw ServiceRefusal(
                        rule: .partnerOrgId,
                        message: "\(organisation.orgID) is registered as \(known.name) (\(known.kind)): ask one of its "
                            + "applicants, or the office, to correct it")
                }
            } else {
                try tx.insertOrganisation(organisation, at: clock.timestamp())
            }
            try tx.addPerson(name: name, displayName: displayName, office: office, addedAt: clock.timestamp())
            try tx.setPersonEmail(name: name, email: email)
            try tx.addGrant(person: name, role: .applicant, scope: organisation.orgID)
            try tx.addPartnerMember(person: name, orgID: organisation.orgID)
            try tx.append(
                AuditEventDraft(
                    office: office, event: "applicant-signed-up", actor: name, role: Role.applicant.rawValue,
                    effectiveDay: today,
                    recordedAt: clock.timestamp(),
                    payload: ["person": name, "organisation": organisation.orgID, "email": email],
                    sealSubject: .person(name)))
            return try issueLink(
                .invitation, to: try actor(named: name, in: tx), by: name, linkBase: linkBase, on: today, in: tx,
                requestedFrom: "the grant round sign-up")
        }
        return .linkSent(link)
    }

    // MARK: - Helpers

    static func unknownRound(_ id: String) -> ServiceRefusal {
        .notFound(rule: .roundKnown, message: "no grant round '\(id)'")
    }

    func knownRound(_ id: String, in tx: any StoreTransaction) throws -> StoredRound {
        guard let round = try tx.round(id: id) else { throw Self.unknownRound(id) }
        return round
    }

    /// Staff of the office: a person of the office holding an office-wide role.
    static func isStaff(_ person: StoredPerson, of office: String) -> Bool {
        person.office == office && person.grants.contains { $0.scope.isEmpty && !$0.role.isPartnerRole }
    }

    static func isAssessor(_ person: StoredPerson, of roundID: String) -> Bool {
        person.grants.contains { $0.role == .assessor && $0.covers(record: roundID) }
    }

    static func maySee(_ round: StoredRound, _ person: StoredPerson?, in tx: any StoreTransaction) throws -> Bool {
        if round.state != .draft { return true }
        guard let person else { return false }
        return isStaff(person, of: round.office)
    }

    /// The person, if an officer of `office`; else refused by `rounds-run-by-officers`.
    func requireOfficer(
        _ actorName: String, office: String, in tx: any StoreTransaction, for what: String
    ) throws -> StoredPerson {
        let person = try actor(named: actorName, in: tx)
        guard person.office == office, person.actor.roles(covering: nil).contains(.officer) else {
            throw ServiceRefusal.forbidden(
                rule: .roundsRunByOfficers, message: "\(what) needs the officer role in \(office)")
        }
        return person
    }

    /// Asks the engine to move the round by `event` of `workflows/grant-round.yaml`; saves and records it.
    func moveRound(
        _ round: StoredRound, _ event: String, by person: StoredPerson, day: Day?, decisionID: String? = nil,
        in tx: any StoreTransaction
    ) throws -> StoredRound {
        let (to, role) = try decideMove(
            workflow: "grant-round", id: round.id, office: round.office, state: round.state.rawValue,
            recordRef: round.id, event: event, by: person, day: day)
        guard let state = RoundState(rawValue: to) else {
            throw StoreError.invalidData(what: "grant-round state '\(to)'")
        }
        try tx.updateRound(id: round.id, state: state, decisionID: decisionID ?? round.decisionID)
        let moved = StoredRound(
            id: round.id, office: round.office, state: state, spec: round.spec,
            decisionID: decisionID ?? round.decisionID, createdBy: round.createdBy)
        try roundEvent(
            "round-\(event)", round: moved, by: person.name, role: role, day: day,
            payload: ["from": round.state.rawValue, "to": to], in: tx)
        return moved
    }

    /// The engine's decision on a round's or application's act: the new state and the role it was taken in, or a
    /// refusal naming the workflow's rule (`round-state-allows` for a state that does not allow it).
    func decideMove(
        workflow: String, id: String, office: String, state: String, recordRef: String, event: String,
        by person: StoredPerson, day: Day?
    ) throws -> (to: String, role: Role) {
        guard let definition = catalog.latest(workflow) else {
            throw ServiceRefusal.notFound(rule: .knownWorkflow, message: "no workflow named '\(workflow)'")
        }
        let instance = WorkflowInstance(
            id: id, office: office, workflow: workflow, workflowVersion: definition.version, state: state, version: 0,
            recordRef: recordRef, lastEffectiveDay: nil)
        let today = clock.today()
        let act = Act(event: event, actor: person.actor, effectiveDay: day ?? today, today: today)
        switch engine.fire(act, on: instance, definition: definition) {
        case .accepted(let accepted): return (accepted.to, accepted.role)
        case .refused(let reasons):
            let refused = ActRefused(reasons: reasons)
            if reasons.contains(where: { if case .eventNotAllowedInState = $0 { true } else { false } }) {
                throw ServiceRefusal(
                    rule: .roundStateAllows, message: reasons.map(\.description).joined(separator: "; "),
                    kind: .conflict)
            }
            throw refused
        }
    }

    /// Appends a round's audit event, with the role the person acted in (an office role, or a partner's).
    func roundEvent(
        _ event: String, round: StoredRound, by actorName: String, role: Role?, day: Day?,
        payload: [String: String], in tx: any StoreTransaction
    ) throws {
        var payload = payload
        payload["round"] = round.id
        // Partner acts are recorded under their own role (applicant, assessor) from `2026-12-13-application-documents`
        // on; earlier ones kept no role and said it in the payload's `actingAs`, and stay so (events are never
        // rewritten).
        try tx.append(
            AuditEventDraft(
                office: round.office, event: event, actor: actorName, role: role?.rawValue,
                effectiveDay: day ?? clock.today(),
                recordedAt: clock.timestamp(), payload: payload))
    }
}
