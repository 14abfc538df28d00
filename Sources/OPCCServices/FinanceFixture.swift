import OPCCCore
import OPCCStore
import Yams

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
    public var office: String
    public var budgets: [BudgetLine]
    public var allocations: [AllocationLine]
    public var carryForwards: [CarryForwardLine]?

    public static func parse(yaml: String, source: String) throws -> FinanceFixture {
        do { return try YAMLDecoder().decode(FinanceFixture.self, from: yaml) } catch let e as DecodingError {
            throw ServiceRefusal(rule: "valid-fixture", message: "\(source): \(e.fieldPath): \(e.plainReason)")
        }
    }
}

extension Commissioning {
    /// Loads a finance fixture as the office's first finance person, unless the office already has budgets.
    func loadFinanceFixture(_ fixture: FinanceFixture, source: String) throws -> String {
        if try store.read({ try $0.strands(office: fixture.office, year: nil) }).isEmpty == false {
            return "finance \(fixture.office) (already loaded)"
        }
        guard
            let finance = try people(office: fixture.office).first(where: {
                $0.actor.roles(covering: nil).contains(.finance)
            })
        else {
            throw ServiceRefusal(rule: "valid-fixture", message: "\(source): \(fixture.office) has no finance person")
        }
        func money(_ text: String) throws -> Money {
            do { return try Money(parsing: text) } catch {
                throw ServiceRefusal(rule: "valid-fixture", message: "\(source): \(error.description)")
            }
        }
        func year(_ text: String) throws -> FinancialYear {
            do { return try FinancialYear(parsing: text) } catch {
                throw ServiceRefusal(rule: "valid-fixture", message: "\(source): \(error.description)")
            }
        }
        for b in fixture.budgets {
            try setBudget(
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
            try allocate([request], by: finance.name, on: a.on)
            total = try total.adding(request.amount)
        }
        let carried = fixture.carryForwards ?? []
        if !carried.isEmpty {
            guard
                let commissioner = try people(office: fixture.office).first(where: {
                    $0.actor.roles(covering: nil).contains(.commissioner)
                })
            else { throw ServiceRefusal(rule: "valid-fixture", message: "\(source): no commissioner") }
            for c in carried {
                let request = try requestCarryForward(
                    office: fixture.office, from: try year(c.from), strand: c.strand, recipient: c.recipient,
                    forecast: try money(c.forecast), reason: c.reason, by: finance.name, on: c.requestedOn)
                try decideCarryForward(
                    request.id, approve: true, decision: c.decision, by: commissioner.name, on: c.approvedOn)
            }
        }
        return "finance \(fixture.office): \(fixture.budgets.count) budget line(s), \(fixture.allocations.count) "
            + "allocation(s) totalling \(total)"
            + (carried.isEmpty ? "" : ", \(carried.count) carry-forward(s) approved")
    }
}
