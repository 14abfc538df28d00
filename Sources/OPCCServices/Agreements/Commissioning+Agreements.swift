import OPCCCore
import OPCCStore

/// Grant agreements (the `grant-agreement` workflow): drafted over allocations, preconditions recorded, signed by both
/// parties, activated, and paid in instalments whose conditions must hold.
extension Commissioning {
    /// Drafts an agreement over allocations of one approved decision (finance). The agreement's decision and
    /// recipient are taken from its allocations, which must all share them.
    @discardableResult
    public func draftAgreement(
        _ terms: GrantAgreement, by actorName: String, on day: Day? = nil
    ) async throws
        -> GrantAgreement
    {
        let terms = try terms.checkedTexts()
        return try await store.write { tx in
            let allocations = try tx.allocations(office: terms.office).map(\.allocation).filter {
                terms.allocationIDs.contains($0.id)
            }
            guard !terms.allocationIDs.isEmpty, allocations.count == terms.allocationIDs.count else {
                throw ServiceRefusal(
                    rule: .agreementOverAllocations,
                    message: "an agreement pays out allocations of its office: give their ids (e.g. "
                        + "\(terms.office)-AL-0001); unknown: "
                        + terms.allocationIDs.filter { id in !allocations.contains { $0.id == id } }.joined(
                            separator: ", "))
            }
            guard Set(allocations.map(\.decisionID)).count == 1,
                Set(allocations.map(\.recipientOrgID)) == [terms.recipient.orgID]
            else {
                throw ServiceRefusal(
                    rule: .agreementOverAllocations,
                    message: "the allocations must all be to \(terms.recipient.orgID) under one decision")
            }
            var agreement = terms
            agreement.id = Self.recordID(
                office: terms.office, kind: "GA", existing: try tx.agreements(office: terms.office).count)
            agreement.decisionID = allocations[0].decisionID
            _ = try startInstance(
                id: agreement.id, office: agreement.office, workflow: "grant-agreement", recordRef: agreement.id,
                by: actorName, role: .finance, on: day, in: tx, payload: ["amount": agreement.amount.description]
            ) { tx in
                do { try tx.saveAgreement(agreement) } catch let error as StoreError {
                    throw ServiceRefusal(rule: .oneAgreementPerAllocation, message: error.description)
                }
            }
            return agreement
        }
    }

    /// What the grant guards read, loaded inside the transaction.
    func grantSubject(_ agreement: GrantAgreement, in tx: any StoreTransaction) throws -> GrantSubject {
        let allocations = try liveAllocations(office: agreement.office, in: tx)
        let own = allocations.filter { agreement.allocationIDs.contains($0.id) }
        let elsewhere = allocations.filter {
            $0.decisionID == agreement.decisionID && !agreement.allocationIDs.contains($0.id)
        }
        let approved = try tx.decision(id: agreement.decisionID)?.amount ?? .zero
        return GrantSubject(
            agreement: agreement, allocationsTotal: try Money.sum(own.map(\.amount)), decisionApproved: approved,
            allocatedElsewhereUnderDecision: try Money.sum(elsewhere.map(\.amount)),
            attachedDocumentKinds: try assessmentDocumentKinds(agreement, in: tx))
    }

    /// The kinds of the agreement's current documents when its office requires the assessments' documents for it
    /// (`assessmentDocumentsRequired` set on or before the day it was drafted, the day of its instance's first
    /// event); nil when the references alone do.
    func assessmentDocumentKinds(_ agreement: GrantAgreement, in tx: any StoreTransaction) throws -> Set<DocumentKind>?
    {
        guard let from = try profile(of: agreement.office, in: tx).assessmentDocumentsRequired,
            let drafted = try tx.auditEvents(instance: agreement.id, office: agreement.office).first?.effectiveDay,
            drafted >= from
        else { return nil }
        return Set(try tx.documents(recordID: agreement.id).filter(\.isCurrent).map(\.kind))
    }

    /// A grant agreement for the act runner: the agreement with its allocations' totals for the guards; another
    /// office's agreement answered as a missing one.
    var agreementKind: RecordKind<GrantAgreement> {
        RecordKind(
            unseen: { .notFound(rule: .knownAgreement, message: "no agreement '\($0)'") },
            load: { instance, tx in try tx.agreement(id: instance.id) },
            subject: { agreement, _, tx in .agreement(try self.grantSubject(agreement, in: tx)) },
            save: { agreement, _, tx in try tx.saveAgreement(agreement) })
    }

    /// Runs an agreement act through the act runner in its own transaction, changing its terms with `update` when
    /// accepted.
    @discardableResult
    func actOnAgreement(
        _ request: ActRequest,
        update: @escaping @Sendable (inout GrantAgreement, Day, any StoreTransaction) throws -> Void = { _, _, _ in }
    ) async throws -> GrantAgreement {
        try await runLogged(request, on: agreementKind) { agreement, _, day, tx in
            try update(&agreement, day, tx)
            return [:]
        }.record!
    }

    /// Records the equality impact assessment or the risk assessment (an edit through the act runner; state
    /// unchanged, version bumped).
    public func recordAssessment(
        _ id: String, equality: Bool, reference: String, by actorName: String, on day: Day? = nil,
        expectedVersion: Int? = nil
    ) async throws {
        let reference = try checkedText(reference, "reference", .name)
        let effective = day ?? clock.today()
        var request = ActRequest(
            equality ? "equality-impact-assessment-recorded" : "risk-assessment-recorded", on: id, by: actorName,
            on: effective, expectedVersion: expectedVersion, payload: ["reference": reference])
        request.edit = Edit { instance, _, person, _ in
            let roles = person.actor.roles(covering: nil)
            guard let role = [Role.finance, .officer].first(where: roles.contains) else {
                throw ServiceRefusal.forbidden(
                    rule: .roleRequired,
                    message: "recording an assessment needs one of the roles finance, officer in \(instance.office)")
            }
            guard !reference.isBlank else {
                throw ServiceRefusal(rule: .assessmentReference, message: "give the assessment's reference")
            }
            return role
        }
        try await store.write { [request] tx in
            _ = try runInside(request, on: agreementKind, in: tx, logged: false) { agreement, _, _, _ in
                let assessment = GrantAgreement.Assessment(reference: reference, recordedOn: effective)
                if equality {
                    agreement.equalityImpactAssessment = assessment
                } else {
                    agreement.riskAssessment = assessment
                }
                return [:]
            }
        }
    }

    public func confirmAgreementConditions(
        _ id: String, by actorName: String, on day: Day? = nil, expectedVersion: Int? = nil
    ) async throws {
        try await actOnAgreement(
            ActRequest("confirm-conditions", on: id, by: actorName, on: day, expectedVersion: expectedVersion))
    }

    /// Records one party's signature (the OPCC or the recipient).
    public func recordAgreementSignature(
        _ id: String, party: GrantAgreement.Party, name: String, by actorName: String, on day: Day? = nil,
        expectedVersion: Int? = nil
    ) async throws {
        let name = try checkedText(name, "name", .name)
        try await actOnAgreement(
            ActRequest(
                "record-signature", on: id, by: actorName, on: day, expectedVersion: expectedVersion,
                payload: ["party": party.rawValue, "name": name])
        ) { agreement, day, _ in
            agreement.signatures.removeAll { $0.party == party }
            agreement.signatures.append(GrantAgreement.PartySignature(party: party, name: name, on: day))
        }
    }

    public func signAgreement(
        _ id: String, by actorName: String, on day: Day? = nil, expectedVersion: Int? = nil
    ) async throws {
        try await actOnAgreement(ActRequest("sign", on: id, by: actorName, on: day, expectedVersion: expectedVersion))
    }

    /// Activates a signed agreement (finance); the workflow's `schedule-quarterly-returns` effect schedules a return
    /// for every quarter it covers.
    public func activateAgreement(
        _ id: String, by actorName: String, on day: Day? = nil, expectedVersion: Int? = nil
    ) async throws {
        try await actOnAgreement(
            ActRequest("activate", on: id, by: actorName, on: day, expectedVersion: expectedVersion))
    }

    /// Releases one instalment when its condition holds: a posting from the agreement's allocations to paid.
    public func releasePayment(
        _ id: String, instalment: String, by actorName: String, on day: Day? = nil, expectedVersion: Int? = nil
    ) async throws {
        let effective = day ?? clock.today()
        try await store.write { tx in
            if let instance = try tx.instance(id: id),
                try actor(named: actorName, in: tx).office == instance.office
            {
                try requireCurrentVersion(expectedVersion, of: instance, in: tx)
            }
            let accepted = Set(
                try tx.returnRecords(office: nil, agreement: id).filter {
                    try tx.instance(id: $0.id)?.state == "accepted"
                }.map(\.quarter))
            try releasePayment(
                id, instalment: instalment, by: actorName, on: effective, in: tx, acceptedReturns: accepted)
        }
    }

    /// `releasePayment` inside an open transaction, given the quarters whose returns are accepted.
    func releasePayment(
        _ id: String, instalment: String, by actorName: String, on effective: Day, in tx: any StoreTransaction,
        acceptedReturns: Set<Quarter>, memoSuffix: String = "", onAcceptedReturn: Bool = false
    ) throws {
        guard var agreement = try tx.agreement(id: id), let instance = try tx.instance(id: id) else {
            throw ServiceRefusal.notFound(rule: .knownAgreement, message: "no agreement '\(id)'")
        }
        // Finance releases payments; an instalment tied to a return is released by whoever accepts the return.
        let role = try requireRole(
            actorName, office: agreement.office, anyOf: onAcceptedReturn ? [.finance, .officer] : [.finance], in: tx,
            for: "a payment", unseen: .notFound(rule: .knownAgreement, message: "no agreement '\(id)'"))
        guard let index = agreement.payments.firstIndex(where: { $0.id == instalment }) else {
            throw ServiceRefusal.notFound(
                rule: .knownInstalment, message: "agreement \(id) has no instalment '\(instalment)'")
        }
        if let refusal = GrantRules.releasable(
            agreement.payments[index], agreementState: instance.state, today: effective,
            acceptedReturns: acceptedReturns)
        {
            throw ServiceRefusal(coreRule: refusal.rule, message: refusal.description)
        }
        var remaining = agreement.payments[index].amount.pence
        var transfers: [Transfer] = []
        let allocations = try tx.allocations(office: agreement.office).map(\.allocation).filter {
            agreement.allocationIDs.contains($0.id)
        }
        for a in allocations where remaining > 0 {
            let from = try account(.allocation, a.office, a.year, a.strand, a.recipientOrgID)
            let held =
                try tx.balance(of: from).pence
                - transfers.filter { $0.from == from }.reduce(0) {
                    $0 + $1.amount.pence
                }
            let take = min(held, remaining)
            guard take > 0 else { continue }
            transfers.append(
                Transfer(
                    from: from, to: try account(.paid, a.office, a.year, a.strand, a.recipientOrgID),
                    amount: Money(pence: take)!))
            remaining -= take
        }
        guard remaining == 0 else {
            throw ServiceRefusal(
                rule: .paymentWithinAllocation,
                message:
                    "the agreement's allocations hold less than the instalment of \(agreement.payments[index].amount)"
            )
        }
        try post(
            try Posting(
                office: agreement.office, day: effective, cause: PostingCause(.payment, "\(id)/\(instalment)"),
                memo: "instalment \(instalment) to \(agreement.recipient.name)\(memoSuffix)", transfers: transfers),
            by: actorName, role: role, in: tx)
        agreement.payments[index].paidOn = effective
        try tx.saveAgreement(agreement)
        // A payment changes the agreement: its version moves, so a form or an ETag read before it is stale.
        try tx.bumpInstanceVersion(id: id, expectedVersion: instance.version)
    }

    /// One agreement, or a refusal naming the id.
    public func agreement(_ id: String) async throws -> GrantAgreement {
        guard let agreement = try await store.read({ try $0.agreement(id: id) }) else {
            throw ServiceRefusal.notFound(rule: .knownAgreement, message: "no agreement '\(id)'")
        }
        return agreement
    }

    public func agreements(office: String?) async throws -> [(agreement: GrantAgreement, state: String)] {
        try await store.read { tx in
            try tx.agreements(office: office).map { ($0, try tx.instance(id: $0.id)?.state ?? "unknown") }
        }
    }
}

extension Commissioning {
    /// Closes an active agreement (finance) once its final quarterly return is accepted (or waived), every
    /// carry-forward for its recipient and strand is settled, and no money under it is still due back.
    public func closeAgreement(
        _ id: String, by actorName: String, on day: Day? = nil, expectedVersion: Int? = nil
    ) async throws {
        let due = try await store.read { tx -> Int64 in
            // Another office's agreement answers as a missing one, before its returns' states could show.
            guard let agreement = try tx.agreement(id: id),
                try actor(named: actorName, in: tx).office == agreement.office
            else {
                throw ServiceRefusal.notFound(rule: .knownAgreement, message: "no agreement '\(id)'")
            }
            if let final = try tx.returnRecords(office: agreement.office, agreement: id).last {
                let state = try tx.instance(id: final.id)?.state ?? "unknown"
                guard ["accepted", "waived"].contains(state) else {
                    throw ServiceRefusal(
                        rule: .finalReturnAcceptedBeforeClose,
                        message:
                            "the final return (\(final.quarter), \(final.id)) is \(state): accept or waive it first")
                }
            }
            var total: Int64 = 0
            for a in try tx.allocations(office: agreement.office).map(\.allocation)
            where agreement.allocationIDs.contains(a.id) {
                let due = try tx.balance(of: account(.clawbackDue, a.office, a.year, a.strand, a.recipientOrgID))
                total = try LedgerError.sum(total, due.pence, of: "the money due back under \(agreement.id)")
            }
            guard total == 0 else { return total }
            let own = try tx.allocations(office: agreement.office).map(\.allocation).filter {
                agreement.allocationIDs.contains($0.id)
            }
            for instance in try tx.instances(office: agreement.office)
            where instance.workflow == "carry-forward" {
                guard let request = try tx.carryForward(id: instance.id),
                    own.contains(where: {
                        $0.year == request.year && $0.strand == request.strand
                            && $0.recipientOrgID == request.recipientOrgID
                    })
                else { continue }
                // Settled: confirmed at year end, its clawback returned, or withdrawn (the workflow's terminal states).
                let terminal = catalog.definition(instance.workflow, version: instance.workflowVersion)?.terminal ?? []
                if terminal.contains(instance.state) { continue }
                throw ServiceRefusal(
                    rule: .carryForwardsSettledBeforeClose,
                    message:
                        "carry-forward \(request.id) for \(request.recipientOrgID) \(request.strand) \(request.year) is "
                        + "\(instance.state): settle it first")
            }
            return 0
        }
        guard due == 0 else {
            throw ServiceRefusal(
                rule: .clawbackSettledBeforeClose,
                message: "\(SignedMoney(pence: due)) is still due back under agreement \(id): settle it first")
        }
        try await actOnAgreement(ActRequest("close", on: id, by: actorName, on: day, expectedVersion: expectedVersion))
    }

    /// Ends an active agreement early (finance or the Commissioner), with a reason: no further instalment is
    /// released under it. What it has paid stays paid; its unpaid money goes back to the strand's unallocated
    /// budget in the same transaction, as a reduction does (the allocations' postings reversed, each an audited
    /// posting, and what was paid allocated again): the agreement is then for what it paid, and its variations
    /// record the termination with the amount released, so nothing of what it was for is lost.
    public func terminateAgreement(
        _ id: String, reason: String, by actorName: String, on day: Day? = nil, expectedVersion: Int? = nil
    ) async throws {
        let reason = try checkedText(reason, "reason", .short)
        try await actOnAgreement(
            ActRequest(
                "terminate", on: id, by: actorName, on: day, expectedVersion: expectedVersion,
                payload: ["reason": reason])
        ) {
            agreement, effective, tx in
            let unpaid = agreement.amount.pence - agreement.paidPence
            guard unpaid > 0 else { return }
            let change = SignedMoney(pence: -unpaid)
            agreement.allocationIDs = try self.moveVariedMoney(
                agreement, change: change, newDecisionID: nil, reason: "terminated: \(reason)", by: actorName,
                roles: [.finance, .commissioner], on: effective, in: tx)
            // The agreement is now for what it paid; the variation keeps the amount it was for.
            agreement.amount = Money(pence: agreement.paidPence)!
            agreement.variations.append(
                GrantAgreement.Variation(
                    kind: .amount, description: "Terminated: \(reason)", amountChange: change, approvedBy: actorName,
                    on: effective, newDecisionID: nil))
        }
    }

    /// Terms for a new agreement as a finance officer writes them in a YAML or JSON file.
    public struct AgreementFile: Decodable, Sendable {
        public var allocations: [String]
        public var recipientName: String?
        public var accountableBody: GrantAgreement.Organisation?
        public var purpose: String
        public var crimeAndDisorderStatement: String
        public var start: Day
        public var end: Day
        public var ringFenced: Bool?
        public var planLines: [GrantAgreement.PlanLine]?
        public var spendProfile: [GrantAgreement.QuarterSpend]?
        public var indicators: [GrantAgreement.OutcomeIndicator]?
        public var fixedTermPostsEnd: Day?
        public var payments: [GrantAgreement.PaymentInstalment]?
    }

    /// Drafts an agreement from a file's terms over the named allocations.
    @discardableResult
    public func draftAgreement(
        from file: AgreementFile, office: String, by actorName: String, on day: Day? = nil
    )
        async throws -> GrantAgreement
    {
        let allocations = try await store.read { try $0.allocations(office: office) }.map(\.allocation).filter {
            file.allocations.contains($0.id)
        }
        guard let first = allocations.first else {
            throw ServiceRefusal(
                rule: .agreementOverAllocations,
                message: "none of the allocations \(file.allocations) is in \(office)")
        }
        let terms = GrantAgreement(
            id: "", office: office, decisionID: first.decisionID,
            recipient: .init(orgID: first.recipientOrgID, name: file.recipientName ?? first.recipientName),
            accountableBody: file.accountableBody, purpose: file.purpose,
            crimeAndDisorderStatement: file.crimeAndDisorderStatement, period: .init(start: file.start, end: file.end),
            ringFenced: file.ringFenced ?? false, allocationIDs: file.allocations,
            amount: try Money.sum(allocations.map(\.amount)), planLines: file.planLines ?? [],
            spendProfile: file.spendProfile ?? [], indicators: file.indicators ?? [],
            fixedTermPostsEnd: file.fixedTermPostsEnd, payments: file.payments ?? [])
        return try await draftAgreement(terms, by: actorName, on: day)
    }
}
