import OPCCCore
import OPCCStore

/// Variations of a running grant agreement (the `vary` event of the `grant-agreement` workflow): a change of amount,
/// of dates or of plan lines, each approved by finance with a reason and kept in the agreement's history.
///
/// A change of amount moves money in the ledger so that the agreement always equals its allocations: an increase is
/// a new allocation (under the agreement's decision, or under a new decision when the increase would take the money
/// committed beyond what the first approved); a reduction reverses the agreement's latest allocations, returning the
/// money to the strand's budget, and re-allocates whatever of them the reduced amount still needs.
extension Commissioning {
    /// What a variation changes. Give the new plan lines, spend profile or instalments wherever the change leaves
    /// the old ones no longer adding up to the amount.
    public struct VariationRequest: Sendable {
        public var kind: GrantAgreement.Variation.Kind
        /// Why (the workflow's `reason-given` guard refuses a blank one).
        public var reason: String
        /// For an amount variation: the change, negative for a reduction.
        public var amountChange: SignedMoney?
        /// For an increase beyond the first decision: the new decision that approves it (number or record id).
        public var newDecision: String?
        /// For a dates variation: the new period.
        public var period: GrantAgreement.Period?
        public var fixedTermPostsEnd: Day?
        public var planLines: [GrantAgreement.PlanLine]?
        public var spendProfile: [GrantAgreement.QuarterSpend]?
        /// The whole new list of instalments; those already paid must appear unchanged.
        public var payments: [GrantAgreement.PaymentInstalment]?
        /// The variation proposal (from a quarterly return) this variation approves.
        public var proposal: String?

        public init(kind: GrantAgreement.Variation.Kind, reason: String) {
            self.kind = kind
            self.reason = reason
        }
    }

    /// Varies an active agreement (finance approves; the approver is recorded on the variation). Refused, changing
    /// nothing: without a reason; a change that does not fit its kind; an increase beyond the decision without a new
    /// one; a reduction below what is already paid; varied terms that no longer add up; paid instalments altered.
    @discardableResult
    public func varyAgreement(
        _ id: String, _ request: VariationRequest, by actorName: String, on day: Day? = nil,
        expectedVersion: Int? = nil
    ) async throws -> GrantAgreement {
        let request = try checkedVariation(request)
        var payload = ["kind": request.kind.rawValue, "reason": request.reason]
        if let change = request.amountChange { payload["amountChangePence"] = String(change.pence) }
        if let newDecision = request.newDecision { payload["newDecision"] = newDecision }
        if let proposal = request.proposal { payload["proposal"] = proposal }
        let act = ActRequest(
            "vary", on: id, by: actorName, on: day, expectedVersion: expectedVersion, payload: payload)
        return try await runLogged(act, on: variationKind(request)) { agreement, _, effective, tx in
            let varied = try self.varied(agreement, by: request, by: actorName, on: effective, in: tx)
            if let proposalID = request.proposal {
                try self.approveProposal(proposalID, of: agreement, by: actorName, on: effective, in: tx)
            }
            agreement = varied
            return [:]
        }.record!
    }

    /// The request with its texts checked, refused unless the change fits its kind.
    private func checkedVariation(_ request: VariationRequest) throws -> VariationRequest {
        var request = request
        request.reason = try checkedText(request.reason, "reason", .short)
        if let lines = request.planLines {
            request.planLines = try lines.enumerated().map { i, line in
                var line = line
                line.priority = try checkedText(line.priority, "planLines[\(i)].priority", .name)
                line.description = try checkedText(line.description, "planLines[\(i)].description", .short)
                return line
            }
        }
        let missing: String? =
            switch request.kind {
            case .amount:
                request.amountChange.map { $0 == .zero } ?? true
                    ? "an amount variation needs a non-zero change, e.g. -500.00" : nil
            case .dates:
                request.period == nil && request.fixedTermPostsEnd == nil
                    ? "a dates variation needs a new start, end or posts' end date" : nil
            case .planLines:
                request.planLines == nil && request.spendProfile == nil
                    ? "a plan-lines variation needs the new plan lines or spend profile" : nil
            }
        if let missing { throw ServiceRefusal(rule: .variationFitsKind, message: missing) }
        if request.kind != .amount, request.amountChange != nil || request.newDecision != nil {
            throw ServiceRefusal(
                rule: .variationFitsKind,
                message: "only an amount variation changes the amount or cites a new decision; this one is "
                    + request.kind.rawValue)
        }
        return request
    }

    /// The agreement for the act runner, its guards seeing the cover of a new decision the request cites.
    private func variationKind(_ request: VariationRequest) -> RecordKind<GrantAgreement> {
        var kind = agreementKind
        kind.subject = { agreement, _, tx in
            var subject = try self.grantSubject(agreement, in: tx)
            if let reference = request.newDecision {
                // The increase is drawn under the new decision: the cover is both decisions' approvals together.
                let newID = try self.decisionID(reference, office: agreement.office, in: tx)
                guard let decision = try tx.decision(id: newID), decision.decision?.outcome == .approved,
                    let approved = decision.amount
                else {
                    throw ServiceRefusal(
                        rule: .variationNewDecisionApproved,
                        message: "decision \(reference) is not an approved decision stating an amount")
                }
                guard let underNew = Money(pence: try tx.allocatedUnderDecision(newID, office: agreement.office))
                else { throw StoreError.invalidData(what: "allocations under \(newID)") }
                subject.decisionApproved = try subject.decisionApproved.adding(approved)
                subject.allocatedElsewhereUnderDecision = try subject.allocatedElsewhereUnderDecision.adding(
                    underNew)
            }
            return .agreement(subject)
        }
        return kind
    }

    /// The agreement with the request's changes made, its money moved in the ledger and the variation recorded;
    /// refused when paid instalments change, the amount would go below zero or the terms no longer add up.
    private func varied(
        _ agreement: GrantAgreement, by request: VariationRequest, by actorName: String, on effective: Day,
        in tx: any StoreTransaction
    ) throws -> GrantAgreement {
        var varied = agreement
        if let period = request.period { varied.period = period }
        if let postsEnd = request.fixedTermPostsEnd { varied.fixedTermPostsEnd = postsEnd }
        if let lines = request.planLines { varied.planLines = lines }
        if let profile = request.spendProfile { varied.spendProfile = profile }
        if let payments = request.payments {
            for paid in agreement.payments where paid.paidOn != nil && !payments.contains(paid) {
                throw ServiceRefusal(
                    rule: .paidInstalmentsUnchanged,
                    message: "instalment \(paid.id) was paid on \(paid.paidOn!.iso): keep it unchanged in the new list")
            }
            varied.payments = payments
        }
        var newDecisionID: String?
        if let change = request.amountChange {
            guard let amount = try? SignedMoney(agreement.amount).adding(change).money else {
                throw ServiceRefusal(
                    rule: .grantVariationNotBelowZero,
                    message: "a change of \(change) would take the agreement for \(agreement.amount) below zero")
            }
            varied.amount = amount
            newDecisionID = try request.newDecision.map { try decisionID($0, office: agreement.office, in: tx) }
            varied.allocationIDs = try moveVariedMoney(
                agreement, change: change, newDecisionID: newDecisionID, reason: request.reason,
                by: actorName, on: effective, in: tx)
        }
        if let problem = varied.problems().first {
            throw ServiceRefusal(coreRule: problem.rule, message: problem.description + ": " + problem.remedy)
        }
        varied.variations.append(
            GrantAgreement.Variation(
                kind: request.kind, description: request.reason, amountChange: request.amountChange,
                approvedBy: actorName, on: effective, newDecisionID: newDecisionID))
        return varied
    }

    /// Marks the variation proposal the variation approves as approved; refused for another agreement's proposal
    /// or one decided already.
    private func approveProposal(
        _ proposalID: String, of agreement: GrantAgreement, by actorName: String, on effective: Day,
        in tx: any StoreTransaction
    ) throws {
        guard var proposal = try tx.proposals(office: agreement.office).first(where: { $0.id == proposalID }),
            proposal.agreementID == agreement.id
        else {
            throw ServiceRefusal.notFound(
                rule: .knownProposal, message: "no variation proposal '\(proposalID)' for \(agreement.id)")
        }
        guard proposal.status == .proposed else {
            throw ServiceRefusal(
                rule: .proposalDecidedOnce, message: "\(proposalID) was \(proposal.status.rawValue) already")
        }
        proposal.status = .approved
        proposal.decidedBy = actorName
        proposal.decidedOn = effective
        try tx.saveProposal(proposal)
    }

    /// The office's allocations whose posting has not been reversed.
    func liveAllocations(office: String, in tx: any StoreTransaction) throws -> [Allocation] {
        let reversed = Set(try tx.postings(office: office).compactMap(\.posting.reverses))
        return try tx.allocations(office: office).filter { !reversed.contains($0.postingSequence) }.map(\.allocation)
    }

    /// Moves the money of an amount variation (or of a termination's release) and returns the agreement's
    /// allocations afterwards.
    func moveVariedMoney(
        _ agreement: GrantAgreement, change: SignedMoney, newDecisionID: String?, reason: String,
        by actorName: String, roles: [Role] = [.finance], on day: Day, in tx: any StoreTransaction
    ) throws -> [String] {
        let stored = try tx.allocations(office: agreement.office).filter {
            agreement.allocationIDs.contains($0.allocation.id)
        }
        guard let last = stored.last?.allocation else {
            throw ServiceRefusal(
                rule: .agreementOverAllocations, message: "agreement \(agreement.id) has no allocations")
        }
        var ids = agreement.allocationIDs
        func reallocate(_ template: Allocation, _ amount: Money, decision: String) throws -> String {
            var r = AllocationRequest(
                office: template.office, year: template.year, strand: template.strand,
                recipientOrgID: template.recipientOrgID, recipientName: template.recipientName,
                purpose: template.purpose, area: template.area, decision: decision, amount: amount)
            r.spendKind = template.spendKind
            r.revenueContributionToCapital = template.revenueContributionToCapital
            r.method = template.method
            r.sizeBand = template.sizeBand
            return try allocate(r, by: actorName, roles: roles, on: day, in: tx).id
        }
        if let increase = change.money {
            ids.append(try reallocate(last, increase, decision: newDecisionID ?? agreement.decisionID))
            return ids
        }
        let reduction = -change.pence
        let paid = agreement.paidPence
        guard agreement.amount.pence - paid >= reduction else {
            throw ServiceRefusal(
                rule: .variationWithinUnpaid,
                message:
                    "\(agreement.id) is for \(agreement.amount) of which \(Money(pence: paid)!) is paid: it can be "
                    + "reduced by at most \(Money(pence: agreement.amount.pence - paid)!), not \(Money(pence: reduction)!)"
            )
        }
        let role = try requireRole(
            actorName, office: agreement.office, anyOf: roles, in: tx, for: "a variation",
            unseen: .notFound(rule: .knownAgreement, message: "no agreement '\(agreement.id)'"))
        var toRemove = reduction
        for entry in stored.reversed() where toRemove > 0 {
            let posting = try tx.postings(office: agreement.office).first { $0.sequence == entry.postingSequence }!
            try post(
                try posting.posting.reversal(
                    sequence: entry.postingSequence, on: day,
                    reason: "variation of \(agreement.id): \(reason)"),
                by: actorName, role: role, in: tx)
            ids.removeAll { $0 == entry.allocation.id }
            let kept = entry.allocation.amount.pence - toRemove
            if kept > 0 {
                ids.append(try reallocate(entry.allocation, Money(pence: kept)!, decision: entry.allocation.decisionID))
            }
            toRemove -= entry.allocation.amount.pence
        }
        return ids
    }
}
