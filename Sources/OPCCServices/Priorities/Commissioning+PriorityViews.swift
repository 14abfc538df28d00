import OPCCCore
import OPCCStore

/// Reading assessments and selections, and money per priority per year from the reconciliation.
extension Commissioning {
    /// An assessment with its workflow state and the board's selection: what `opcc priorities show` prints.
    public struct PriorityView: Sendable {
        public let assessment: PriorityAssessment
        public let state: String
        public let selection: PrioritySelection

        public var scored: [ScoredThreat] { assessment.scored() }
        public var matrix: RiskMatrix { RiskMatrix(assessment, selection: selection) }
    }

    /// The states in which anyone may read an assessment: the board has adopted it. Before that only the office's
    /// own people see it.
    static let publishedPriorityStates: Set<String> = ["adopted", "closed"]

    private func seesUnadopted(_ actorName: String?, office: String, in tx: any StoreTransaction) throws -> Bool {
        guard let actorName else { return false }
        let person = try actor(named: actorName, in: tx)
        return person.office == office && !person.actor.roles(covering: nil).filter { $0 != .public }.isEmpty
    }

    private func visibleViews(as actorName: String?, in tx: any StoreTransaction) throws -> [PriorityView] {
        try tx.assessments(office: nil).compactMap { assessment in
            let state = try tx.instance(id: assessment.id)?.state ?? "?"
            guard
                try Self.publishedPriorityStates.contains(state)
                    || seesUnadopted(actorName, office: assessment.office, in: tx)
            else { return nil }
            return PriorityView(
                assessment: assessment, state: state, selection: try tx.selection(assessment: assessment.id))
        }
    }

    /// One line of `opcc priorities list`.
    public struct PriorityListRow: Sendable, Encodable {
        public let id, office, partnership, partnershipName, financialYear, state: String
        public let threats, high, medium, low, priorities: Int
    }

    /// The assessments the reader may see (adopted ones for everyone; the office's own people see all of theirs).
    public func priorityAssessments(office: String? = nil, as actorName: String?) async throws -> [PriorityListRow] {
        try await store.read { tx in
            try visibleViews(as: actorName, in: tx).filter { office == nil || $0.assessment.office == office }.map {
                view in
                let bands = view.scored.compactMap(\.band)
                return PriorityListRow(
                    id: view.assessment.id, office: view.assessment.office,
                    partnership: view.assessment.partnershipCode, partnershipName: view.assessment.partnershipName,
                    financialYear: view.assessment.year.description, state: view.state, threats: view.scored.count,
                    high: bands.filter { $0 == .high }.count, medium: bands.filter { $0 == .medium }.count,
                    low: bands.filter { $0 == .low }.count, priorities: view.selection.priorities.count)
            }
        }
    }

    /// One assessment by id, or the latest (by year) the reader may see among those matching the filters.
    public func priorityView(
        _ id: String? = nil, office: String? = nil, partnership: String? = nil, year: FinancialYear? = nil,
        as actorName: String?
    ) async throws -> PriorityView {
        try await store.read { tx in
            let visible = try visibleViews(as: actorName, in: tx)
            if let id {
                guard let view = visible.first(where: { $0.assessment.id == id }) else {
                    // One the reader may not see (not adopted, another office's) answers as a missing one does.
                    throw ServiceRefusal.notFound(rule: .knownAssessment, message: "no priority assessment '\(id)'")
                }
                return view
            }
            let matching = visible.filter { view in
                (office == nil || view.assessment.office == office)
                    && (partnership == nil || view.assessment.partnershipCode == partnership)
                    && (year == nil || view.assessment.year == year)
            }
            guard
                let latest = matching.max(by: {
                    ($0.assessment.year, $0.assessment.id) < ($1.assessment.year, $1.assessment.id)
                })
            else {
                throw ServiceRefusal.notFound(
                    rule: .knownAssessment,
                    message: "no priority assessment you may see matches; adopted ones are public, others need --as "
                        + "with a person of the office (opcc priorities list)")
            }
            return latest
        }
    }

    /// A priority's share of the money on its linked budget lines in one year.
    public struct PrioritySpendRow: Sendable, Encodable {
        public let priority, title, kind, financialYear: String
        /// The lines it is tied to, with the share it claims ("SAFER/GB-LAE-NWL 40%").
        public let links: [String]
        public let allocatedPence, committedPence, paidPence: Int64
    }

    /// One linked budget line in the year: its reconciliation figures and the share the priorities claim.
    public struct PrioritySpendLine: Sendable, Encodable {
        public let strand: String
        public let recipient: String?
        public let claimedBasisPoints: Int
        public let allocatedPence, committedPence, paidPence: Int64
    }

    /// Money per priority for a year (default: the assessment's): each linked line's allocated, committed and paid
    /// figures from the reconciliation (`reconciliation(year:office:)`), shared between the priorities that claim
    /// it in proportion to their shares, to the penny (largest remainder); what no priority claims stays with the
    /// line. A line with no money that year contributes nothing.
    public func prioritySpend(
        _ view: PriorityView, year: FinancialYear? = nil
    ) async throws -> (rows: [PrioritySpendRow], lines: [PrioritySpendLine]) {
        let financialYear = year ?? view.assessment.year
        let reconciled = try await reconciliation(year: financialYear, office: view.assessment.office)
        func key(_ strand: String, _ recipient: String?) -> String { strand + "/" + (recipient ?? "") }
        var figures: [String: ReconciliationRow] = [:]
        for row in reconciled { if let strand = row.strand { figures[key(strand, row.recipient)] = row } }
        let priorities = view.selection.priorities
        var claims: [String: [(priority: Int, basisPoints: Int)]] = [:]
        var order: [(strand: String, recipient: String?)] = []
        for (index, priority) in priorities.enumerated() {
            for link in priority.money {
                let k = key(link.strand, link.recipient)
                if claims[k] == nil { order.append((link.strand, link.recipient)) }
                claims[k, default: []].append((index, link.share.basisPoints))
            }
        }
        var totals = Array(
            repeating: (allocated: Int64(0), committed: Int64(0), paid: Int64(0)), count: priorities.count)
        var lines: [PrioritySpendLine] = []
        for line in order {
            let k = key(line.strand, line.recipient)
            let claimed = claims[k]!
            let basisPoints = claimed.map(\.basisPoints).reduce(0, +)
            let row = figures[k]
            lines.append(
                PrioritySpendLine(
                    strand: line.strand, recipient: line.recipient, claimedBasisPoints: basisPoints,
                    allocatedPence: row?.allocatedPence ?? 0, committedPence: row?.committedPence ?? 0,
                    paidPence: row?.paidPence ?? 0))
            guard let row else { continue }
            var weights = claimed.map { Int64($0.basisPoints) }
            if basisPoints < Percentage.whole.basisPoints {
                weights.append(Int64(Percentage.whole.basisPoints - basisPoints))
            }
            let allocated = try Self.share(row.allocatedPence, by: weights)
            let committed = try Self.share(row.committedPence, by: weights)
            let paid = try Self.share(row.paidPence, by: weights)
            for (i, claim) in claimed.enumerated() {
                let what = "the money for priority \(claim.priority + 1)"
                totals[claim.priority].allocated = try LedgerError.sum(
                    totals[claim.priority].allocated, allocated[i], of: what)
                totals[claim.priority].committed = try LedgerError.sum(
                    totals[claim.priority].committed, committed[i], of: what)
                totals[claim.priority].paid = try LedgerError.sum(totals[claim.priority].paid, paid[i], of: what)
            }
        }
        let rows = priorities.enumerated().map { index, p in
            PrioritySpendRow(
                priority: p.code, title: p.title, kind: p.kind.rawValue, financialYear: financialYear.description,
                links: p.money.map { $0.description + ($0.service.map { " (\($0))" } ?? "") },
                allocatedPence: totals[index].allocated, committedPence: totals[index].committed,
                paidPence: totals[index].paid)
        }
        return (rows, lines)
    }

    /// Splits pence by weights to the penny; a negative figure (a reversal beyond the line) splits its magnitude.
    static func share(_ pence: Int64, by weights: [Int64]) throws -> [Int64] {
        guard let magnitude = Money(pence: pence.magnitude > UInt64(Int64.max) ? Int64.max : abs(pence)) else {
            return weights.map { _ in 0 }
        }
        do {
            return try magnitude.split(byWeights: weights).map { pence < 0 ? -$0.pence : $0.pence }
        } catch {
            throw ServiceRefusal(rule: .moneySharesWithinWhole, message: error.description)
        }
    }
}
