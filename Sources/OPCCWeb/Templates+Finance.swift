// The finance screens' templates: budgets, reconciliation, allocations, agreements and carry-forwards.

extension Templates {
    static let finance: [String: String] = [:]
}
