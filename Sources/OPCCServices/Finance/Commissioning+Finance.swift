import OPCCCore
import OPCCStore

/// Budgets, allocations and the ledger beneath them. Every movement of money is a balanced posting recorded with an
/// audit event in the same transaction; balances are derived from postings, and kept only as a cache the postings
/// prove (`account_balance`, updated with each posting and checked by `finance check`).
extension Commissioning {
    /// The person acting, if they hold one of `roles` in `office`; else a refusal naming the roles.
    func requireRole(
        _ actorName: String, office: String, anyOf roles: [Role], in tx: any StoreTransaction, for what: String,
        unseen: ServiceRefusal? = nil
    ) throws -> Role {
        let person = try actor(named: actorName, in: tx)
        guard person.office == office else {
            // A record of another office answers as a missing one (`unseen`); an act on another office as a whole
            // is refused without naming which of its roles could take it.
            throw unseen
                ?? ServiceRefusal.forbidden(rule: .roleRequired, message: "\(what) is for the people of \(office)")
        }
        guard let role = roles.first(where: person.actor.roles(covering: nil).contains) else {
            throw ServiceRefusal.forbidden(
                rule: .roleRequired,
                message: "\(what) needs one of the roles " + roles.map(\.rawValue).joined(separator: ", ")
                    + " in \(office)")
        }
        return role
    }

    /// The transfers of a posting as the audit event records them: `from>to:pence;…`. `finance check` compares the
    /// stored transfers with this, so an amount altered behind the application's back is caught (and an altered
    /// audit payload breaks the hash chain).
    static func transferDigest(_ transfers: [Transfer]) -> String {
        transfers.map { "\($0.from.key)>\($0.to.key):\($0.amount.pence)" }.joined(separator: ";")
    }

    /// Appends a posting with its audit event, inside an open transaction.
    @discardableResult
    @_spi(Bench) public func post(
        _ posting: Posting, by actorName: String, role: Role, payload extra: [String: String] = [:],
        in tx: any StoreTransaction
    ) throws -> Int64 {
        guard posting.day <= clock.today() else {
            throw ServiceRefusal(
                rule: .effectiveDateNotInFuture, message: "a posting dated \(posting.day.iso) is after today")
        }
        // Every amount entering is at most the ceiling already (parsing refuses more); this is the last line for a
        // caller that built `Money` from pence. A reversal may move more: it undoes what an older version accepted.
        if posting.reverses == nil, let big = posting.transfers.first(where: { !$0.amount.isWithinCeiling }) {
            throw ServiceRefusal(
                rule: .amountWithinCeiling,
                message: "\(big.amount) is above \(Money.ceiling), the largest amount the product accepts")
        }
        var payload = [
            "cause": posting.cause.description, "memo": posting.memo,
            "transfers": Self.transferDigest(posting.transfers),
        ]
        if let reverses = posting.reverses { payload["reverses"] = String(reverses) }
        payload.merge(extra) { own, _ in own }
        let event = try tx.append(
            AuditEventDraft(
                office: posting.office, event: "ledger-posting", actor: actorName, role: role.rawValue,
                effectiveDay: posting.day, recordedAt: clock.timestamp(), payload: payload))
        return try tx.appendPosting(posting, auditSequence: event.sequence, recordedBy: actorName)
    }

    @_spi(Bench) public func account(
        _ kind: LedgerAccount.Kind, _ office: String, _ year: FinancialYear, _ strand: String? = nil,
        _ recipient: String? = nil
    ) throws -> LedgerAccount {
        guard let account = LedgerAccount(kind, office: office, year: year, strand: strand, recipient: recipient) else {
            throw ServiceRefusal(
                rule: .validAccount,
                message: "no \(kind.rawValue) account for \(office) \(year) \(strand ?? "") \(recipient ?? ""): "
                    + "strand codes and org-ids may not contain '/'")
        }
        return account
    }

    // MARK: Budgets

    /// Sets a strand's budget for a year to `amount`: the difference from what is budgeted now is posted from (or
    /// back to) the office's funding for the year. A decrease may not take back money already allocated.
    /// The financial years (by their first calendar year) a budget may be set for.
    public static let budgetYears = 1990...2200

    public func setBudget(
        office: String, year: FinancialYear, strand: String, name: String, amount: Money, by actorName: String,
        on day: Day? = nil
    ) async throws {
        let name = try checkedText(name, "name", .name)
        // The budget itself, not only the difference posted, must be within the ceiling: otherwise a rise smaller
        // than the ceiling would take a strand that is budgeted near it above it.
        guard amount.isWithinCeiling else {
            throw ServiceRefusal(
                rule: .amountWithinCeiling,
                message: "a budget of \(amount) is above \(Money.ceiling), the largest amount the product accepts")
        }
        try await store.write { tx in
            try setBudget(
                office: office, year: year, strand: strand, name: name, amount: amount, by: actorName,
                on: day ?? clock.today(), in: tx)
        }
    }

    /// `setBudget` inside an open transaction, `name` already checked (an import's row).
    func setBudget(
        office: String, year: FinancialYear, strand: String, name: String, amount: Money, by actorName: String,
        on day: Day, payload: [String: String] = [:], in tx: any StoreTransaction
    ) throws {
        let role = try requireRole(actorName, office: office, anyOf: [.finance], in: tx, for: "setting a budget")
        guard !strand.isBlank, !strand.contains("/"), !strand.contains(where: \.isWhitespace) else {
            throw ServiceRefusal(rule: .validStrand, message: "'\(strand)' is not a strand code (e.g. ASB)")
        }
        // The store keeps budgets for these years only (its CHECK would refuse any other as a database error).
        guard Self.budgetYears.contains(year.startYear) else {
            throw ServiceRefusal(
                rule: .budgetYearInRange,
                message: "\(year) is not a year budgets are set for: give one from "
                    + "\(FinancialYear(startYear: Self.budgetYears.lowerBound)) to "
                    + "\(FinancialYear(startYear: Self.budgetYears.upperBound))")
        }
        let budget = try account(.budget, office, year, strand)
        let funding = try account(.funding, office, year)
        let lines = Reconciliation.lines(fromSums: try tx.transferSums(touching: year, office: office))
        let current =
            lines[ReconciliationLine(office: office, year: year, strand: strand, recipient: nil)]?
            .budgetPence ?? 0
        let difference = amount.pence - current
        if difference < 0, try tx.balance(of: budget).pence < -difference {
            throw ServiceRefusal(
                rule: .budgetCoversAllocations,
                message: "the \(strand) strand for \(year) cannot fall to \(amount): "
                    + "\(Money(pence: current - (try tx.balance(of: budget).pence))!) of it is already allocated")
        }
        // Named only once every check has passed: an import's refused row writes nothing.
        try tx.saveStrand(office: office, year: year, strand: strand, name: name)
        guard difference != 0 else { return }
        let moved = Money(pence: abs(difference))!
        let posting = try Posting(
            office: office, day: day, cause: PostingCause(.budget, "\(office)/\(year)/\(strand)"),
            memo: "budget for \(name) set to \(amount)",
            transfers: [
                difference > 0
                    ? Transfer(from: funding, to: budget, amount: moved)
                    : Transfer(from: budget, to: funding, amount: moved)
            ])
        try post(posting, by: actorName, role: role, payload: payload, in: tx)
    }

    // MARK: Allocations

    /// What to allocate: one recipient's share. The method says how the amount was arrived at.
    public struct AllocationRequest: Sendable {
        public var office: String
        public var year: FinancialYear
        public var strand: String
        public var recipientOrgID: String
        public var recipientName: String
        public var purpose: String
        public var area: String?
        /// The decision, by number or record id.
        public var decision: String
        public var amount: Money
        public var spendKind: Allocation.SpendKind = .revenue
        public var revenueContributionToCapital = false
        public var method: Allocation.Method = .single
        /// The grant round's size band the award fell in.
        public var sizeBand: String?

        public init(
            office: String, year: FinancialYear, strand: String, recipientOrgID: String, recipientName: String,
            purpose: String, area: String? = nil, decision: String, amount: Money
        ) {
            self.office = office
            self.year = year
            self.strand = strand
            self.recipientOrgID = recipientOrgID
            self.recipientName = recipientName
            self.purpose = purpose
            self.area = area
            self.decision = decision
            self.amount = amount
        }
    }

    /// Allocates money, one request or several (a fixed-per-area or formula split) in one transaction: all or none.
    /// Refused, with the numbers, without an approved decision, beyond what the decision approved, or beyond the
    /// strand's unallocated budget (unless the office declares a deliberate over-commitment, which each allocation
    /// relying on it records).
    @discardableResult
    public func allocate(
        _ requests: [AllocationRequest], by actorName: String, on day: Day? = nil
    ) async throws
        -> [Allocation]
    {
        try await store.write { tx in
            try requests.map { try allocate($0, by: actorName, on: day ?? clock.today(), in: tx) }
        }
    }

    /// One allocation inside a transaction. `roles` may allocate: finance, or also the Commissioner when a
    /// termination the Commissioner makes allocates again what the agreement paid.
    func allocate(
        _ r: AllocationRequest, by actorName: String, roles: [Role] = [.finance], on day: Day,
        payload: [String: String] = [:], in tx: any StoreTransaction
    ) throws
        -> Allocation
    {
        var r = r
        r.recipientName = try checkedText(r.recipientName, "recipientName", .name)
        r.purpose = try checkedText(r.purpose, "purpose", .short)
        r.area = try checkedOptionalText(r.area, "area", .name)
        let role = try requireRole(actorName, office: r.office, anyOf: roles, in: tx, for: "allocating money")
        guard r.amount > .zero else {
            throw ServiceRefusal(rule: .amountPositive, message: "an allocation must be more than £0.00")
        }
        guard Allocation.isOrgID(r.recipientOrgID) else { throw refusal(.notAnOrgID(r.recipientOrgID)) }
        guard try tx.strands(office: r.office, year: r.year).contains(where: { $0.strand == r.strand }) else {
            throw refusal(.unknownStrand(strand: r.strand, year: r.year))
        }
        let decisionID = try decisionID(r.decision, office: r.office, in: tx)
        guard let decision = try tx.decision(id: decisionID), let instance = try tx.instance(id: decisionID) else {
            throw ServiceRefusal.notFound(rule: .knownDecision, message: "no decision record '\(r.decision)'")
        }
        let number = decision.number ?? decisionID
        guard decision.decision?.outcome == .approved else {
            throw refusal(.decisionNotApproved(decision: number, status: instance.state))
        }
        guard let approved = decision.amount else { throw refusal(.decisionHasNoAmount(decision: number)) }
        // Allocations whose posting was reversed no longer count against the decision.
        guard let already = Money(pence: try tx.allocatedUnderDecision(decisionID, office: r.office)) else {
            throw StoreError.invalidData(what: "allocations under \(decisionID)")
        }
        if (try? already.adding(r.amount)).map({ $0 > approved }) ?? true {
            throw refusal(
                .beyondDecision(decision: number, approved: approved, alreadyAllocated: already, requested: r.amount))
        }
        let budget = try account(.budget, r.office, r.year, r.strand)
        let remaining = try tx.balance(of: budget).pence
        let overCommitment = try strandOverCommitment(for: r, remaining: remaining, in: tx)
        let id = try nextAllocationID(office: r.office, in: tx)
        let posting = try Posting(
            office: r.office, day: day, cause: PostingCause(.allocation, id),
            memo: "\(r.recipientName): \(r.purpose) (decision \(number))",
            transfers: [
                Transfer(
                    from: budget, to: try account(.allocation, r.office, r.year, r.strand, r.recipientOrgID),
                    amount: r.amount)
            ])
        let sequence = try post(posting, by: actorName, role: role, payload: payload, in: tx)
        let allocation = Allocation(
            id: id, office: r.office, year: r.year, strand: r.strand, recipientOrgID: r.recipientOrgID,
            recipientName: r.recipientName, purpose: r.purpose, area: r.area, decisionID: decisionID, amount: r.amount,
            spendKind: r.spendKind, revenueContributionToCapital: r.revenueContributionToCapital, method: r.method,
            overCommitmentPercent: overCommitment, day: day, sizeBand: r.sizeBand)
        try tx.insertAllocation(allocation, postingSequence: sequence)
        return allocation
    }

    /// Nil when the strand's unallocated budget covers the request; otherwise the office's declared over-commitment
    /// that lets it go ahead (recorded on the allocation), or a refusal with the numbers.
    private func strandOverCommitment(
        for r: AllocationRequest, remaining: Int64, in tx: any StoreTransaction
    ) throws -> Int? {
        guard remaining < r.amount.pence else { return nil }
        let profile = try profile(of: r.office, in: tx)
        // The strand's budget from the year's transfers only, summed by SQL (as the reconciliation reads it).
        let strandBudget =
            Reconciliation.lines(fromSums: try tx.transferSums(touching: r.year, office: r.office))[
                ReconciliationLine(office: r.office, year: r.year, strand: r.strand, recipient: nil)]?.budgetPence
            ?? 0
        // In 128 bits: a budget an older version let go above the ceiling must not make the product trap here.
        let allowance = profile.overCommitmentPercent.map { Int128(strandBudget) * Int128($0) / 100 } ?? 0
        guard Int128(remaining) + allowance >= Int128(r.amount.pence) else {
            throw refusal(
                .beyondStrand(
                    strand: r.strand, year: r.year, remaining: Money(pence: max(0, remaining))!,
                    requested: r.amount,
                    overCommitmentPercent: profile.overCommitmentPercent))
        }
        return profile.overCommitmentPercent
    }

    func refusal(_ r: AllocationRefusal) -> ServiceRefusal { ServiceRefusal(coreRule: r.rule, message: r.description) }

    func nextAllocationID(office: String, in tx: any StoreTransaction) throws -> String {
        Self.recordID(office: office, kind: "AL", existing: try tx.allocationCount(office: office))
    }

    /// Reverses a posting with a reason: the correction is a new posting; nothing is edited or deleted.
    @discardableResult
    public func reversePosting(
        _ sequence: Int64, reason: String, by actorName: String, on day: Day? = nil
    ) async throws
        -> Int64
    {
        let reason = try checkedText(reason, "reason", .short)
        return try await store.write { tx in
            guard let stored = try tx.posting(sequence: sequence) else {
                throw ServiceRefusal.notFound(rule: .knownPosting, message: "no posting \(sequence)")
            }
            let role = try requireRole(
                actorName, office: stored.posting.office, anyOf: [.finance], in: tx, for: "correcting the ledger",
                unseen: .notFound(rule: .knownPosting, message: "no posting \(sequence)"))
            let reversal: Posting
            let effective = day ?? clock.today()
            do { reversal = try stored.posting.reversal(sequence: sequence, on: effective, reason: reason) } catch {
                throw ServiceRefusal(rule: .reasonGiven, message: "\(error)")
            }
            try checkReversal(stored, reversal, in: tx)
            do { return try post(reversal, by: actorName, role: role, in: tx) } catch StoreError.duplicate {
                throw ServiceRefusal(
                    rule: .postingReversedOnce, message: "posting \(sequence) has already been reversed")
            }
        }
    }

    /// What a reversal may not do: undo a correction (post afresh instead), undo money moved by a workflow (the
    /// carry-forward, a payment, an allocation an agreement pays out: vary or use the workflow), or take any account
    /// below zero (a budget below what is allocated from it, an allocation below what is paid).
    func checkReversal(_ stored: StoredPosting, _ reversal: Posting, in tx: any StoreTransaction) throws {
        let sequence = stored.sequence
        if try tx.isReversed(sequence) {
            throw ServiceRefusal(
                rule: .postingReversedOnce, message: "posting \(sequence) has already been reversed")
        }
        if let original = stored.posting.reverses {
            throw ServiceRefusal(
                rule: .correctionNotReversed,
                message:
                    "posting \(sequence) is itself the correction of posting \(original): make a new posting instead")
        }
        switch stored.posting.cause.kind {
        case .carryForward, .clawback, .payment:
            throw ServiceRefusal(
                rule: .workflowMoneyNotReversed,
                message: "posting \(sequence) moved money for \(stored.posting.cause): correct it through its workflow "
                    + "(a carry-forward confirmation, a clawback, a payment recovered as clawback)")
        case .allocation:
            let reference = stored.posting.cause.reference
            for agreement in try tx.agreements(office: stored.posting.office)
            where agreement.allocationIDs.contains(reference) {
                let state = try tx.instance(id: agreement.id)?.state ?? ""
                guard state == "cancelled" else {
                    throw ServiceRefusal(
                        rule: .varyAgreementNotReverseAllocation,
                        message:
                            "allocation \(reference) is paid out by agreement \(agreement.id) (\(state)): vary the "
                            + "agreement's amount instead (a variation of the agreement)")
                }
            }
        default: break
        }
        // Funding and carried-in accounts may go below zero, so only the others are read; in 128 bits, so that
        // undoing an amount an older version accepted above the ceiling cannot overflow.
        var after: [String: (account: LedgerAccount, pence: Int128)] = [:]
        for t in reversal.transfers {
            for (account, change) in [(t.from, -Int128(t.amount.pence)), (t.to, Int128(t.amount.pence))]
            where account.kind != .funding && account.kind != .carriedIn {
                let current = try after[account.key]?.pence ?? Int128(tx.balance(of: account).pence)
                after[account.key] = (account, current + change)
            }
        }
        for (account, pence) in after.values.sorted(by: { $0.account.key < $1.account.key }) where pence < 0 {
            throw ServiceRefusal(
                rule: .correctionLeavesNoNegativeBalance,
                message: "reversing posting \(sequence) would take \(account.key) to "
                    + "\(Int64(exactly: pence).map { SignedMoney(pence: $0).description } ?? "\(pence) pence")"
                    + (account.kind == .budget ? ", below what is allocated from it" : ""))
        }
    }

    /// Writes off money due back (finance, citing the Commissioner's approved decision, with a reason): a posting
    /// from clawback due to written off, never more than is due.
    public func writeOff(
        office: String, year: FinancialYear, strand: String, recipient: String, amount: Money, decision: String,
        reason: String, by actorName: String, on day: Day? = nil
    ) async throws {
        guard !reason.isBlank else {
            throw ServiceRefusal(rule: .reasonGiven, message: "a write-off needs a reason")
        }
        let reason = try checkedText(reason, "reason", .short)
        guard amount > .zero else {
            throw ServiceRefusal(rule: .amountPositive, message: "a write-off must be more than £0.00")
        }
        try await store.write { tx in
            let role = try requireRole(actorName, office: office, anyOf: [.finance], in: tx, for: "a write-off")
            let id = try decisionID(decision, office: office, in: tx)
            guard try tx.decision(id: id)?.decision?.outcome == .approved else {
                throw ServiceRefusal(
                    rule: .writeOffNeedsApprovedDecision, message: "decision \(decision) is not approved")
            }
            let due = try account(.clawbackDue, office, year, strand, recipient)
            let held = try tx.balance(of: due)
            guard held.pence >= amount.pence else {
                throw ServiceRefusal(
                    rule: .writeOffWithinClawbackDue,
                    message: "\(recipient) owes \(held) on \(strand) \(year), less than the \(amount) to write off")
            }
            try post(
                try Posting(
                    office: office, day: day ?? clock.today(), cause: PostingCause(.writeOff, decision), memo: reason,
                    transfers: [
                        Transfer(
                            from: due, to: try account(.writtenOff, office, year, strand, recipient), amount: amount)
                    ]),
                by: actorName, role: role, in: tx)
        }
    }
}
