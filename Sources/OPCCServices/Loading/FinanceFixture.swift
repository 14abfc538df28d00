import OPCCCore
import OPCCStore

/// A demo office's budgets and allocations (`fixtures/finance/*.yaml`).
public struct FinanceFixture: Decodable, Sendable {
    public struct BudgetLine: Decodable, Sendable {
        var year: String
        var strand: String
        var name: String
        var amount: String
        var on: Day
    }
    public struct AllocationLine: Decodable, Sendable {
        var year: String
        var strand: String
        var decision: String
        var method: Allocation.Method?
        var on: Day
        var amount: String
        var recipient: String
        var recipientName: String
        var area: String?
        var purpose: String
        var capital: Bool?
        var revenueContributionToCapital: Bool?
    }
    public struct CarryForwardLine: Decodable, Sendable {
        var from: String
        var strand: String
        var recipient: String
        var forecast: String
        var reason: String
        var requestedOn: Day
        var decision: String?
        var approvedOn: Day
    }
    public struct AgreementLine: Decodable, Sendable {
        struct Dated: Decodable, Sendable {
            var reference: String
            var on: Day
        }
        struct Signature: Decodable, Sendable {
            var party: GrantAgreement.Party
            var name: String
            var on: Day
        }
        struct Instalment: Decodable, Sendable {
            var id: String
            var amount: String
            var onDate: Day?
            /// Payable on acceptance of this quarter's return.
            var onReturn: Quarter?
            var releasedOn: Day?
        }
        struct ProfiledQuarter: Decodable, Sendable {
            var quarter: Quarter
            var amount: String
        }
        var recipient: String
        var recipientName: String
        var purpose: String
        var crimeAndDisorderStatement: String
        var start: Day
        var end: Day
        var ringFenced: Bool?
        var draftedOn: Day
        var equalityImpactAssessment: Dated?
        var riskAssessment: Dated?
        var signatures: [Signature]?
        var signedOn: Day?
        var activatedOn: Day?
        var spendProfile: [ProfiledQuarter]?
        var indicators: [GrantAgreement.OutcomeIndicator]?
        var payments: [Instalment]?
    }
    public var office: String
    public var agreements: [AgreementLine]?
    public var budgets: [BudgetLine]
    public var allocations: [AllocationLine]
    public var carryForwards: [CarryForwardLine]?

    public static func parse(yaml: String, source: String) throws -> FinanceFixture {
        try StrictYAML.decode(FinanceFixture.self, from: yaml, source: source, rule: .validFixture)
    }
}

extension Commissioning {
    /// Drafts an agreement over the recipient's allocations in this office and takes it as far as the fixture says.
    private func loadAgreement(
        _ line: FinanceFixture.AgreementLine, office: String, finance: String, money: (String) throws -> Money
    ) async throws {
        let allocations = try await store.read { try $0.allocations(office: office) }.map(\.allocation).filter {
            $0.recipientOrgID == line.recipient
        }
        let total = try Money.sum(allocations.map(\.amount))
        var payments: [GrantAgreement.PaymentInstalment] = []
        for p in line.payments ?? [] {
            payments.append(
                GrantAgreement.PaymentInstalment(
                    id: p.id, amount: try money(p.amount),
                    condition: p.onReturn.map { .onAcceptedReturn($0) } ?? p.onDate.map { .onDate($0) }
                        ?? .onSignature))
        }
        let terms = GrantAgreement(
            id: "", office: office, decisionID: allocations.first?.decisionID ?? "",
            recipient: .init(orgID: line.recipient, name: line.recipientName), purpose: line.purpose,
            crimeAndDisorderStatement: line.crimeAndDisorderStatement, period: .init(start: line.start, end: line.end),
            ringFenced: line.ringFenced ?? false, allocationIDs: allocations.map(\.id), amount: total,
            spendProfile: try (line.spendProfile ?? []).map {
                .init(quarter: $0.quarter, amount: try money($0.amount))
            },
            indicators: line.indicators ?? [], payments: payments)
        let agreement = try await draftAgreement(terms, by: finance, on: line.draftedOn)
        if let eia = line.equalityImpactAssessment {
            try await recordAssessment(agreement.id, equality: true, reference: eia.reference, by: finance, on: eia.on)
        }
        if let risk = line.riskAssessment {
            try await recordAssessment(
                agreement.id, equality: false, reference: risk.reference, by: finance, on: risk.on)
        }
        guard let signatures = line.signatures, let signedOn = line.signedOn else { return }
        try await confirmAgreementConditions(agreement.id, by: finance, on: signatures.first?.on ?? signedOn)
        for s in signatures {
            try await recordAgreementSignature(agreement.id, party: s.party, name: s.name, by: finance, on: s.on)
        }
        try await signAgreement(agreement.id, by: finance, on: signedOn)
        if let activatedOn = line.activatedOn {
            try await activateAgreement(agreement.id, by: finance, on: activatedOn)
        }
        for p in line.payments ?? [] {
            if let releasedOn = p.releasedOn {
                try await releasePayment(agreement.id, instalment: p.id, by: finance, on: releasedOn)
            }
        }
    }

    /// Loads a finance fixture as the office's first finance person, unless the office already has budgets.
    func loadFinanceFixture(_ fixture: FinanceFixture, source: String) async throws -> String {
        if try await store.read({ try $0.strands(office: fixture.office, year: nil) }).isEmpty == false {
            return "finance \(fixture.office) (already loaded)"
        }
        guard
            let finance = try await people(office: fixture.office).first(where: {
                $0.actor.roles(covering: nil).contains(.finance)
            })
        else {
            throw ServiceRefusal(rule: .validFixture, message: "\(source): \(fixture.office) has no finance person")
        }
        func money(_ text: String) throws -> Money {
            do { return try Money(parsing: text) } catch {
                throw ServiceRefusal(rule: .validFixture, message: "\(source): \(error.description)")
            }
        }
        func year(_ text: String) throws -> FinancialYear {
            do { return try FinancialYear(parsing: text) } catch {
                throw ServiceRefusal(rule: .validFixture, message: "\(source): \(error.description)")
            }
        }
        for b in fixture.budgets {
            try await setBudget(
                office: fixture.office, year: try year(b.year), strand: b.strand, name: b.name,
                amount: try money(b.amount),
                by: finance.name, on: b.on)
        }
        var total = Money.zero
        for a in fixture.allocations {
            var request = AllocationRequest(
                office: fixture.office, year: try year(a.year), strand: a.strand, recipientOrgID: a.recipient,
                recipientName: a.recipientName, purpose: a.purpose, area: a.area, decision: a.decision,
                amount: try money(a.amount))
            request.method = a.method ?? .single
            request.spendKind = a.capital == true ? .capital : .revenue
            request.revenueContributionToCapital = a.revenueContributionToCapital ?? false
            try await allocate([request], by: finance.name, on: a.on)
            total = try total.adding(request.amount)
        }
        let carried = fixture.carryForwards ?? []
        if !carried.isEmpty {
            guard
                let commissioner = try await people(office: fixture.office).first(where: {
                    $0.actor.roles(covering: nil).contains(.commissioner)
                })
            else { throw ServiceRefusal(rule: .validFixture, message: "\(source): no commissioner") }
            for c in carried {
                let request = try await requestCarryForward(
                    office: fixture.office, from: try year(c.from), strand: c.strand, recipient: c.recipient,
                    forecast: try money(c.forecast), reason: c.reason, by: finance.name, on: c.requestedOn)
                try await decideCarryForward(
                    request.id, approve: true, decision: c.decision, by: commissioner.name, on: c.approvedOn)
            }
        }
        for line in fixture.agreements ?? [] {
            try await loadAgreement(line, office: fixture.office, finance: finance.name, money: money)
        }
        return "finance \(fixture.office): \(fixture.budgets.count) budget line(s), \(fixture.allocations.count) "
            + "allocation(s) totalling \(total)"
            + ((fixture.agreements ?? []).isEmpty ? "" : ", \(fixture.agreements!.count) grant agreement(s)")
            + (carried.isEmpty ? "" : ", \(carried.count) carry-forward(s) approved")
    }
}
