import OPCCCore
import OPCCStore

/// Reading the pilot areas (VLI) for the web screens: the latest run's ranked wards with their shortlist and selection
/// status, and one ward's chain from evidence to returns. The office's own staff read them (the same people who read
/// its finance, since the chain follows the money).
extension Commissioning {
    /// The latest run, its wards ranked, and each shortlisted or selected ward's selection.
    public struct VLIOverview: Sendable {
        public let office: String
        public let run: VLIRunRecord
        public let wards: [VLIScoring.GroupSummary]
        /// Ward code → its selection (shortlisted or selected, with notes and the decision).
        public let selections: [String: VLISelection]
        /// Decision record id → number, for the selections' decisions.
        public let decisionNumbers: [String: String]
    }

    func vliReaderOffice(_ actorName: String, in tx: any StoreTransaction) throws -> String {
        let person = try actor(named: actorName, in: tx)
        guard !Set(person.actor.roles(covering: nil)).isDisjoint(with: Self.financeReaders) else {
            throw ServiceRefusal.forbidden(
                rule: .vliReaders,
                message: "\(actorName) may not see the office's pilot-area analysis: its officers, finance, chief "
                    + "executive, Commissioner and auditors may")
        }
        return person.office
    }

    /// The reader's office's latest VLI run, or a refusal (`vli-readers`, or `known-vli-run` when none is scored).
    public func vliOverview(as actorName: String) async throws -> VLIOverview {
        let office = try await store.read { tx in try vliReaderOffice(actorName, in: tx) }
        let run = try await latestVLIRun(office: office)
        return try await store.read { tx in
            let selections = try tx.vliSelections(runID: run.id)
            var numbers: [String: String] = [:]
            for s in selections {
                if let id = s.decisionID { numbers[id] = try tx.decision(id: id)?.number ?? id }
            }
            return VLIOverview(
                office: office, run: run, wards: run.result.groups["ward"] ?? [],
                selections: Dictionary(selections.map { ($0.wardCode, $0) }, uniquingKeysWith: { a, _ in a }),
                decisionNumbers: numbers)
        }
    }

    /// One ward's chain (`vliWardView`) for a reader of the office's pilot areas.
    public func vliWardView(ward: String, as actorName: String) async throws -> VLIWardView {
        let office = try await store.read { tx in try vliReaderOffice(actorName, in: tx) }
        return try await vliWardView(office: office, ward: ward)
    }
}
