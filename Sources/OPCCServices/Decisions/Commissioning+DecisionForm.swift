import OPCCCore
import OPCCStore

extension Commissioning {
    /// The strands of the person's office's budget, every year: what the decision form offers as a funding source.
    /// Read by whoever reads the office's finance (its officers among them); anyone else is refused.
    public func budgetStrands(by actorName: String) async throws -> [BudgetStrand] {
        try await store.read { tx in
            try tx.strands(office: try financeOffice(actorName, in: tx), year: nil)
        }
    }
}
