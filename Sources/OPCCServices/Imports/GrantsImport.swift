import OPCCCore
import OPCCStore

/// An office's existing money in one file, one thing a row, said by its `kind`:
/// - `budget`: a strand's budget for a year (year, strand, name, amount; date);
/// - `allocation`: money allocated to a recipient under a decision the office holds, imported or raised (year,
///   strand, decision, recipient, recipient name, purpose, amount; area, date);
/// - `agreement`: the grant agreement paying out a recipient's allocations under a decision, as it stands today:
///   active, with what has been paid (decision, recipient, purpose, start, end; recipient name, amount, paid, date).
/// Rows are written in the file's order, so a budget comes before the allocations it funds and an allocation before
/// its agreement. Budgets and allocations are the ledger postings `finance budget` and `finance allocate` make;
/// an agreement is made active by one `historic-import` event (no drafting, signing or activation acts are invented)
/// and what was paid is one payment posting; the rest is an instalment finance releases as usual.
public enum GrantsImport {
    public static let columns = ImportColumns([
        .init("kind", required: true, also: ["type", "row kind"]),
        .init("year", also: ["financial year", "fy"]),
        .init("strand", also: ["strand code", "budget strand"]),
        .init("name", also: ["strand name", "budget name"]),
        .init("decision", also: ["decision number", "decision no"]),
        .init("recipient", also: ["recipient org id", "org id", "orgid", "recipient id"]),
        .init("recipient name", also: ["organisation", "organisation name", "grantee"]),
        .init("purpose", also: ["description"]),
        .init("area", also: ["local authority", "district"]),
        .init("amount", also: ["value", "amount (£)", "budget", "award"]),
        .init("paid", also: ["paid to date", "amount paid", "paid (£)"]),
        .init("start", also: ["start date", "agreement start"]),
        .init("end", also: ["end date", "agreement end"]),
        .init("date", also: ["on", "date set", "date allocated", "activated on"]),
    ])

    /// The column a refusal of the finance services is about, by its rule.
    static let columnOfRule: [String: String] = [
        "known-decision": "decision", "allocation-needs-approved-decision": "decision",
        "decision-states-amount": "decision", "allocation-within-decision": "amount",
        "allocation-within-strand-budget": "amount", "known-strand": "strand", "recipient-org-id": "recipient",
        "valid-strand": "strand", "budget-year-in-range": "year", "budget-covers-allocations": "amount",
        "amount-positive": "amount", "amount-within-ceiling": "amount", "effective-date-not-in-future": "date",
    ]

    /// The instalment that holds what was paid before the import.
    public static let paidInstalment = "paid-before-import"
    /// The instalment that holds the rest of an imported agreement, released by finance as usual.
    public static let balanceInstalment = "balance"

    enum Row: Sendable {
        case budget(year: FinancialYear, strand: String, name: String, amount: Money, day: Day?)
        case allocation(Commissioning.AllocationRequest, day: Day?)
        case agreement(
            decision: String, recipient: String, recipientName: String?, purpose: String, period: GrantAgreement.Period,
            amount: Money?, paid: Money, day: Day?)
    }

    static func check(_ c: inout ImportRowCheck, office: String) -> Row? {
        func need(_ column: String, for kind: String) -> String? {
            let value = c.trimmed(column)
            if value.isEmpty { c.fail(column, .importRowsValid, "is empty; a \(kind) row needs its \(column)") }
            return value.isEmpty ? nil : value
        }
        func year(_ kind: String) -> FinancialYear? {
            guard let text = need("year", for: kind) else { return nil }
            do { return try FinancialYear(parsing: text) } catch {
                c.fail("year", .importRowsValid, "'\(text)' is not a financial year (e.g. 2025/26)")
                return nil
            }
        }
        func strand(_ kind: String) -> String? {
            guard let text = need("strand", for: kind) else { return nil }
            guard !text.contains("/"), !text.contains(where: \.isWhitespace), text.allSatisfy(\.isASCII) else {
                c.fail("strand", .validStrand, "'\(text)' is not a strand code (e.g. ASB)")
                return nil
            }
            return text
        }
        let kind = c.trimmed("kind").lowercased()
        let day = c.day("date")
        switch kind {
        case "budget":
            let year = year(kind)
            let strand = strand(kind)
            let name = c.text("name", .name, required: true)
            let amount = c.amount("amount")
            if amount == nil, c.trimmed("amount").isEmpty {
                c.fail("amount", .importRowsValid, "is empty; give the budget")
            }
            guard let year, let strand, let name, let amount, c.errors.isEmpty else { return nil }
            return .budget(year: year, strand: strand, name: name, amount: amount, day: day)
        case "allocation":
            let year = year(kind)
            let strand = strand(kind)
            let decision = need("decision", for: kind)
            let recipient = need("recipient", for: kind)
            if let recipient, !Allocation.isOrgID(recipient) {
                c.fail("recipient", .importRowsValid, "'\(recipient)' is not an org-id (e.g. GB-CHC-1234567)")
            }
            let recipientName = c.text("recipient name", .name, required: true)
            let purpose = c.text("purpose", .short, required: true)
            let area = c.text("area", .name)
            let amount = c.amount("amount")
            if amount == nil, c.trimmed("amount").isEmpty {
                c.fail("amount", .importRowsValid, "is empty; give the amount allocated")
            }
            guard let year, let strand, let decision, let recipient, let recipientName, let purpose, let amount,
                c.errors.isEmpty
            else { return nil }
            return .allocation(
                Commissioning.AllocationRequest(
                    office: office, year: year, strand: strand, recipientOrgID: recipient,
                    recipientName: recipientName, purpose: purpose, area: area, decision: decision, amount: amount),
                day: day)
        case "agreement":
            let decision = need("decision", for: kind)
            let recipient = need("recipient", for: kind)
            let recipientName = c.text("recipient name", .name)
            let purpose = c.text("purpose", .short, required: true)
            let start = c.day("start", required: true)
            let end = c.day("end", required: true)
            if let start, let end, end < start {
                c.fail("end", .importRowsValid, "\(end.iso) is before the start, \(start.iso)")
            }
            let amount = c.amount("amount")
            let paid = c.amount("paid") ?? .zero
            if let amount, paid > amount {
                c.fail("paid", .importRowsValid, "\(paid) paid is more than the agreement's \(amount)")
            }
            guard let decision, let recipient, let purpose, let start, let end, c.errors.isEmpty else { return nil }
            return .agreement(
                decision: decision, recipient: recipient, recipientName: recipientName, purpose: purpose,
                period: .init(start: start, end: end), amount: amount, paid: paid, day: day)
        default:
            c.fail(
                "kind", .importRowsValid,
                "'\(c.trimmed("kind"))' is not a kind of row: use budget, allocation or agreement")
            return nil
        }
    }
}

extension Commissioning {
    /// Imports an office's budgets, allocations and agreements (finance of the office); every row checked, then all
    /// in one transaction, in the file's order.
    public func importGrants(
        _ table: ImportTable, office: String, by actorName: String, options: ImportOptions = ImportOptions()
    ) async throws -> ImportReport {
        _ = try await self.profile(of: office)
        guard let definition = catalog.latest("grant-agreement") else {
            throw ServiceRefusal.notFound(rule: .knownWorkflow, message: "no workflow named 'grant-agreement'")
        }
        return try await runImport(
            .grants, table: table, options: options,
            check: { GrantsImport.check(&$0, office: office) },
            authorise: { tx -> Role in
                let role = try self.requireImporter(
                    actorName, office: office, roles: [.finance], what: "budgets and grants", in: tx)
                try self.pinIfNeeded(definition, in: tx)
                return role
            },
            write: { row, fileRow, role, tx in
                let payload = Self.importPayload(table, fileRow)
                let today = self.clock.today()
                switch row {
                case .budget(let year, let strand, let name, let amount, let day):
                    try self.setBudget(
                        office: office, year: year, strand: strand, name: name, amount: amount, by: actorName,
                        on: day ?? today, payload: payload, in: tx)
                    return "budget \(strand) \(year): \(amount) (\(name))"
                case .allocation(let request, let day):
                    let allocation = try self.allocate(
                        request, by: actorName, on: day ?? today, payload: payload, in: tx)
                    return "allocation \(allocation.id): \(request.amount) to \(request.recipientName) under "
                        + "\(request.decision)"
                case .agreement(
                    let decision, let recipient, let name, let purpose, let period, let amount, let paid, let day):
                    let agreement = try self.importAgreement(
                        decision: decision, recipient: recipient, recipientName: name, purpose: purpose,
                        period: period, amount: amount, paid: paid, day: day ?? period.start, office: office,
                        definition: definition, actorName: actorName, role: role, payload: payload, in: tx)
                    return "agreement \(agreement.id) (active): \(agreement.amount) to \(agreement.recipient.name), "
                        + "\(paid) paid"
                }
            }, columnOfRule: GrantsImport.columnOfRule)
    }

    /// An agreement as it stands: over the recipient's allocations under the decision that no agreement pays yet,
    /// made active by one `historic-import` event, with what was paid posted from its allocations to paid.
    private func importAgreement(
        decision reference: String, recipient: String, recipientName: String?, purpose: String,
        period: GrantAgreement.Period, amount: Money?, paid: Money, day: Day, office: String,
        definition: WorkflowDefinition, actorName: String, role: Role, payload: [String: String],
        in tx: any StoreTransaction
    ) throws -> GrantAgreement {
        let decisionID: String
        do { decisionID = try self.decisionID(reference, office: office, in: tx) } catch let refusal as ServiceRefusal {
            throw ImportRowProblem(column: "decision", rule: .knownDecision, message: refusal.message)
        }
        let agreed = Set(try tx.agreements(office: office).flatMap(\.allocationIDs))
        let allocations = try tx.allocations(office: office).map(\.allocation).filter {
            $0.decisionID == decisionID && $0.recipientOrgID == recipient && !agreed.contains($0.id)
        }
        guard !allocations.isEmpty else {
            throw ImportRowProblem(
                column: "recipient", rule: .agreementOverAllocations,
                message: "no allocation to \(recipient) under decision \(reference) is left for an agreement to pay "
                    + "(allocation rows come before their agreement)")
        }
        let total = try Money.sum(allocations.map(\.amount))
        if let amount, amount != total {
            throw ImportRowProblem(
                column: "amount", rule: .agreementOverAllocations,
                message: "\(amount) is not what the allocations to \(recipient) under \(reference) add up to, \(total)")
        }
        guard paid <= total else {
            throw ImportRowProblem(
                column: "paid", rule: .paymentWithinAllocation,
                message: "\(paid) paid is more than the allocations' \(total)")
        }
        guard day <= clock.today() else {
            throw ImportRowProblem(
                column: "date", rule: .effectiveDateNotInFuture, message: "\(day.iso) is after today")
        }
        let recipientText = try checkedText(recipientName ?? allocations[0].recipientName, "recipient name", .name)
        var payments: [GrantAgreement.PaymentInstalment] = []
        if paid > .zero {
            payments.append(
                .init(id: GrantsImport.paidInstalment, amount: paid, condition: .onSignature, paidOn: day))
        }
        if paid < total {
            payments.append(
                .init(
                    id: GrantsImport.balanceInstalment, amount: Money(pence: total.pence - paid.pence)!,
                    condition: .onSignature))
        }
        let id = Self.recordID(office: office, kind: "GA", existing: try tx.agreements(office: office).count)
        let agreement = GrantAgreement(
            id: id, office: office, decisionID: decisionID,
            recipient: .init(orgID: recipient, name: recipientText), purpose: purpose, period: period,
            allocationIDs: allocations.map(\.id), amount: total, payments: payments)
        if let problem = agreement.problems().first {
            throw ImportRowProblem(column: nil, rule: .agreementOverAllocations, message: problem.description)
        }
        try tx.insertInstance(
            WorkflowInstance(
                id: id, office: office, workflow: definition.name, workflowVersion: definition.version,
                state: "active", version: 0, recordRef: id, lastEffectiveDay: day),
            createdAt: clock.timestamp())
        do { try tx.saveAgreement(agreement) } catch let error as StoreError {
            throw ImportRowProblem(column: "recipient", rule: .oneAgreementPerAllocation, message: error.description)
        }
        var eventPayload = payload
        eventPayload["record"] = id
        eventPayload["amount"] = total.description
        eventPayload["paid"] = paid.description
        try tx.append(
            AuditEventDraft(
                office: office, instanceID: id, workflow: definition.name, workflowVersion: definition.version,
                event: DecisionRegisterImport.event, fromState: nil, toState: "active", actor: actorName,
                role: role.rawValue, effectiveDay: day, recordedAt: clock.timestamp(), payload: eventPayload))
        if paid > .zero {
            var remaining = paid.pence
            var transfers: [Transfer] = []
            for a in allocations where remaining > 0 {
                let take = min(a.amount.pence, remaining)
                transfers.append(
                    Transfer(
                        from: try account(.allocation, a.office, a.year, a.strand, a.recipientOrgID),
                        to: try account(.paid, a.office, a.year, a.strand, a.recipientOrgID),
                        amount: Money(pence: take)!))
                remaining -= take
            }
            try post(
                try Posting(
                    office: office, day: day, cause: PostingCause(.payment, "\(id)/\(GrantsImport.paidInstalment)"),
                    memo: "paid to \(recipientText) before the import", transfers: transfers),
                by: actorName, role: role, payload: payload, in: tx)
        }
        return agreement
    }
}
