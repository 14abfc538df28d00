import OPCCCore
import OPCCStore

/// What follows an accepted return: instalments released, and the variations its figures propose.
extension Commissioning {
    // MARK: Money and changes that follow an accepted return

    /// Releases the agreement's unpaid instalments payable on this quarter's accepted return; returns their ids.
    func releaseInstalments(
        forAccepted record: ReturnRecord, by actorName: String, on day: Day, in tx: any StoreTransaction
    ) throws -> [String] {
        guard let agreement = try tx.agreement(id: record.agreementID) else { return [] }
        var released: [String] = []
        for instalment in agreement.payments where instalment.paidOn == nil {
            guard case .onAcceptedReturn(let quarter) = instalment.condition, quarter == record.quarter else {
                continue
            }
            try releasePayment(
                agreement.id, instalment: instalment.id, by: actorName, on: day, in: tx,
                acceptedReturns: [record.quarter], memoSuffix: " on acceptance of return \(record.id)",
                onAcceptedReturn: true)
            released.append(instalment.id)
        }
        return released
    }

    /// Turns a return's requested changes into variation proposals for finance to decide.
    func propose(
        _ changes: [ReturnContent.RequestedChange], from record: ReturnRecord, version: Int, by proposer: String,
        on day: Day, in tx: any StoreTransaction
    ) throws -> [String] {
        var ids: [String] = []
        for change in changes {
            let id = Self.recordID(
                office: record.office, kind: "VP", existing: try tx.proposalCount(office: record.office))
            try tx.saveProposal(
                VariationProposal(
                    id: id, office: record.office, agreementID: record.agreementID, returnID: record.id,
                    returnVersion: version, kind: change.kind, description: change.description,
                    amountChange: change.amountChange, proposedBy: proposer, proposedOn: day))
            ids.append(id)
        }
        return ids
    }

    /// Variation proposals, newest last (finance decides them with `varyAgreement(…, proposal:)` or
    /// `refuseProposal`).
    public func proposals(office: String?) async throws -> [VariationProposal] {
        try await store.read { try $0.proposals(office: office) }
    }

    /// Refuses a variation proposal with a reason (finance); it is kept, marked refused.
    public func refuseProposal(_ id: String, reason: String, by actorName: String, on day: Day? = nil) async throws {
        let reason = try checkedText(reason, "reason", .short)
        let effective = day ?? clock.today()
        guard !reason.isBlank else {
            throw ServiceRefusal(rule: .reasonGiven, message: "refusing a proposed variation needs a reason")
        }
        try await store.write { tx in
            guard var proposal = try tx.proposals(office: nil).first(where: { $0.id == id }) else {
                throw ServiceRefusal.notFound(rule: .knownProposal, message: "no variation proposal '\(id)'")
            }
            let role = try requireRole(
                actorName, office: proposal.office, anyOf: [.finance], in: tx, for: "deciding a proposed variation",
                unseen: .notFound(rule: .knownProposal, message: "no variation proposal '\(id)'"))
            guard proposal.status == .proposed else {
                throw ServiceRefusal(
                    rule: .proposalDecidedOnce, message: "\(id) was \(proposal.status.rawValue) already")
            }
            proposal.status = .refused
            proposal.decidedBy = actorName
            proposal.decidedOn = effective
            proposal.refusalReason = reason
            try tx.saveProposal(proposal)
            try tx.append(
                AuditEventDraft(
                    office: proposal.office, event: "variation-proposal-refused", actor: actorName,
                    role: role.rawValue, effectiveDay: effective, recordedAt: clock.timestamp(),
                    payload: ["proposal": id, "agreement": proposal.agreementID, "reason": reason]))
        }
    }
}
