import Foundation
import OPCCCore
import OPCCStore

/// The round's decision: one Request for PCC Decision listing the recommended awards, and what its approval does.
extension Commissioning {
    /// Closes an open round once its closing time has passed (officer): assessment and moderation begin.
    public func closeRound(_ roundID: String, by actorName: String, on day: Day? = nil) async throws -> StoredRound {
        let now = clock.now()
        return try await store.write { tx in
            let round = try knownRound(roundID, in: tx)
            let person = try requireOfficer(actorName, office: round.office, in: tx, for: "closing a round")
            guard now >= round.spec.closes.instant else {
                throw ServiceRefusal(
                    rule: .roundStateAllows,
                    message: "\(round.id) closes at \(round.spec.closes) (Europe/London): it cannot close before",
                    kind: .conflict)
            }
            return try moveRound(round, "close", by: person, day: day, in: tx)
        }
    }

    /// Raises one Request for PCC Decision listing every recommended award (officer), once every eligible
    /// application has a recommendation. Returns the decision record's id. Approving it (the Commissioner's decide)
    /// allocates the awards, drafts their agreements and queues the outcome mails, in the decide's transaction.
    public func raiseRoundDecision(
        round roundID: String, by actorName: String, on day: Day? = nil
    ) async throws
        -> String
    {
        let (round, awards, total) = try await store.read { tx in
            let round = try knownRound(roundID, in: tx)
            _ = try requireOfficer(actorName, office: round.office, in: tx, for: "raising the round's decision")
            guard round.state == .closed else {
                throw ServiceRefusal(
                    rule: .roundDecisionReady,
                    message: "\(round.id) is \(round.state.rawValue): its decision is raised once, when it is closed",
                    kind: .conflict)
            }
            let rows = try moderationRows(round, in: tx)
            if let waiting = rows.first(where: { $0.recommendation == nil }) {
                throw ServiceRefusal(
                    rule: .roundDecisionReady,
                    message: "\(waiting.application.id) has no recommendation yet: the panel recommends every eligible "
                        + "application first")
            }
            let awards = rows.compactMap { row in row.recommendation?.amount.map { (row.application, $0) } }
            guard !awards.isEmpty else {
                throw ServiceRefusal(rule: .roundDecisionReady, message: "the panel recommends no award")
            }
            let total: Money
            do { total = try Money.sum(awards.map(\.1)) } catch {
                throw ServiceRefusal(rule: .roundDecisionReady, message: "the awards add up to too much")
            }
            guard total <= round.spec.total else {
                throw ServiceRefusal(
                    rule: .roundDecisionReady,
                    message: "the recommended awards add up to \(total), more than the round's \(round.spec.total)")
            }
            return (round, awards, total)
        }
        var draft = DecisionDraft()
        draft.title = "Grant round awards: \(round.spec.title)"
        draft.executiveSummary =
            "The panel recommends \(awards.count) awards totalling \(total) from \(round.spec.title), chosen on the "
            + "round's published criteria."
        draft.recommendation =
            "Approve the following awards from the \(round.spec.strand) strand for \(round.spec.year):\n"
            + awards.map { a, amount in
                "- \(a.organisation.name) (\(a.organisation.orgID)): \(amount) for \(a.draft.title) [\(a.id)]"
            }.joined(separator: "\n")
        draft.amount = total.description
        draft.fundingSource = .init(strand: round.spec.strand, year: round.spec.year.description)
        let record = try await raiseDecision(office: round.office, draft: draft, by: actorName, on: day)
        try await store.write { tx in
            let current = try knownRound(roundID, in: tx)
            let person = try actor(named: actorName, in: tx)
            _ = try moveRound(current, "recommend", by: person, day: day, decisionID: record.id, in: tx)
        }
        return record.id
    }

    /// What the round's decision did (after it was decided): its allocations and agreements.
    public func roundOutcome(round roundID: String, by actorName: String) async throws -> RoundOutcome {
        try await store.read { tx in
            let round = try knownRound(roundID, in: tx)
            let person = try actor(named: actorName, in: tx)
            guard Self.isStaff(person, of: round.office) else { throw Self.unknownRound(roundID) }
            guard let decisionID = round.decisionID, round.state == .decided else {
                throw ServiceRefusal(
                    rule: .roundStateAllows, message: "\(round.id) is \(round.state.rawValue), not decided",
                    kind: .conflict)
            }
            let allocations = try tx.allocations(office: round.office).map(\.allocation).filter {
                $0.decisionID == decisionID
            }
            let agreements = try tx.agreements(office: round.office).filter { $0.decisionID == decisionID }.map(\.id)
            return RoundOutcome(
                roundID: round.id, decisionID: decisionID, allocations: allocations, agreements: agreements,
                mailsQueued: try tx.applications(round: round.id, orgID: nil).filter {
                    $0.state == .awarded || $0.state == .declined
                }.count)
        }
    }

    /// Called in the decide act's transaction on a decision record: when the record is a round's, the round is
    /// decided; on approval every recommended award is allocated through the grant-round allocation (its size band
    /// recorded, the strand's and the decision's headroom checked, all or none: a refusal refuses the decide) and
    /// its agreement drafted; every applicant is told the outcome by mail, declined ones with the panel's reasons.
    func roundDecided(
        _ record: DecisionRecord, approved: Bool, by actorName: String, role: Role, on day: Day,
        in tx: any StoreTransaction
    ) throws {
        guard let round = try tx.round(decisionID: record.id) else { return }
        let person = try actor(named: actorName, in: tx)
        if approved {
            // The runner saves the record after this change; allocation reads the approval from the store.
            try tx.saveDecision(record, instanceID: record.id)
        }
        _ = try moveRound(round, "decide", by: person, day: day, in: tx)
        let recommendations = try tx.recommendations(round: round.id)
        var drafts: [NotificationDraft] = []
        for application in try tx.applications(round: round.id, orgID: nil) where application.state == .recommended {
            guard let panel = recommendations.first(where: { $0.applicationID == application.id }) else { continue }
            let award = approved ? panel.amount : nil
            let to = try moveApplication(application, award == nil ? "decline" : "award", by: person, in: tx)
            try tx.updateApplication(
                id: application.id, state: to, draft: application.draft, submittedAtMs: application.submittedAtMs)
            var payload = ["decision": record.number ?? record.id]
            if let award {
                let allocation = try allocateAward(
                    award, to: application, of: round, record, by: actorName, on: day, in: tx)
                payload["allocation"] = allocation.id
                payload["agreement"] = try draftRoundAgreement(
                    allocation, for: application, of: round, role: role, by: actorName, on: day, in: tx)
            }
            try applicationEvent(
                award == nil ? "application-declined" : "application-awarded", application, by: actorName, role: role,
                payload, in: tx)
            drafts.append(outcomeMail(application, round: round, award: award, panel: panel, decision: record))
        }
        _ = try tx.enqueueNotifications(drafts, at: clock.now())
    }

    private func allocateAward(
        _ amount: Money, to application: StoredApplication, of round: StoredRound, _ record: DecisionRecord,
        by actorName: String, on day: Day, in tx: any StoreTransaction
    ) throws -> Allocation {
        guard let band = round.spec.bands.band(for: amount) else {
            throw ServiceRefusal(
                rule: .awardWithinSizeBands,
                message: "the award of \(amount) to \(application.organisation.orgID) is above the round's largest band"
            )
        }
        var request = AllocationRequest(
            office: round.office, year: round.spec.year, strand: round.spec.strand,
            recipientOrgID: application.organisation.orgID, recipientName: application.organisation.name,
            purpose: application.draft.title, area: application.draft.area, decision: record.id, amount: amount)
        request.method = .grantRound
        request.sizeBand = band
        return try allocate(
            request, by: actorName, roles: [.commissioner, .chiefExecutive, .finance], on: day,
            payload: ["round": round.id, "application": application.id], in: tx)
    }

    /// Drafts the award's agreement (the grant-agreement workflow's first state), as part of the decision that made
    /// it; a round with an end-of-grant report says so in the agreement's conditions and marks the agreement, whose
    /// activation then schedules that one report instead of quarterly returns.
    private func draftRoundAgreement(
        _ allocation: Allocation, for application: StoredApplication, of round: StoredRound, role: Role,
        by actorName: String, on day: Day, in tx: any StoreTransaction
    ) throws -> String {
        guard let definition = catalog.latest("grant-agreement") else {
            throw ServiceRefusal.notFound(rule: .knownWorkflow, message: "no workflow named 'grant-agreement'")
        }
        var conditions = GrantAgreement.standardConditions
        if round.spec.endOfGrantReport {
            conditions.append("One end-of-grant report at the end of the grant, instead of quarterly returns")
        }
        let end = max(day, round.spec.year.lastDay)
        var agreement = GrantAgreement(
            id: "", office: round.office, decisionID: allocation.decisionID,
            recipient: .init(orgID: allocation.recipientOrgID, name: allocation.recipientName),
            purpose: application.draft.title, period: .init(start: day, end: end), allocationIDs: [allocation.id],
            amount: allocation.amount, conditions: conditions)
        if round.spec.endOfGrantReport { agreement.endOfGrantReport = true }
        agreement.id = Self.recordID(
            office: round.office, kind: "GA", existing: try tx.agreements(office: round.office).count)
        try pinIfNeeded(definition, in: tx)
        try tx.insertInstance(
            WorkflowInstance(
                id: agreement.id, office: round.office, workflow: definition.name, workflowVersion: definition.version,
                state: definition.initial, version: 0, recordRef: agreement.id, lastEffectiveDay: day),
            createdAt: clock.timestamp())
        try tx.saveAgreement(agreement)
        try tx.append(
            AuditEventDraft(
                office: round.office, instanceID: agreement.id, workflow: definition.name,
                workflowVersion: definition.version, event: "create", fromState: nil, toState: definition.initial,
                actor: actorName, role: role.rawValue, effectiveDay: day, recordedAt: clock.timestamp(),
                payload: [
                    "record": agreement.id, "amount": agreement.amount.description, "round": round.id,
                    "application": application.id,
                ]))
        return agreement.id
    }

    private func outcomeMail(
        _ application: StoredApplication, round: StoredRound, award: Money?, panel: PanelRecommendation,
        decision: DecisionRecord
    ) -> NotificationDraft {
        let subject: String
        let body: String
        if let award {
            subject = "Your application to \(round.spec.title) is funded"
            body =
                "Your application \(application.id) (\(application.draft.title)) is awarded \(award). The office "
                + "will send you the grant agreement to sign."
        } else {
            subject = "Your application to \(round.spec.title) is not funded"
            body =
                "Your application \(application.id) (\(application.draft.title)) is not funded this time. The panel's "
                + "feedback:\n\n\(panel.reasons)"
        }
        return NotificationDraft(
            office: round.office, recipient: application.applicant, kind: "grant-round-outcome",
            subjectID: application.id, occasion: decision.id, statutory: false, subject: subject, body: body,
            path: "/rounds/\(round.id)/applications/\(application.id)")
    }
}
