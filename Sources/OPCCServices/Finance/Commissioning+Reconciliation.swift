import OPCCCore
import OPCCStore

/// The books checked: the reconciliation of budgets, allocations and payments by office, year, strand and recipient,
/// and the consistency check `opcc finance check` runs.
extension Commissioning {
    // MARK: Views

    /// One row of `opcc finance reconciliation`.
    public struct ReconciliationRow: Sendable, Encodable {
        public let office: String
        public let financialYear: String
        public let strand: String?
        public let recipient: String?
        /// The strand's budget (strand lines only).
        public let budgetPence: Int64?
        public let allocatedPence, committedPence, paidPence, returnedPence: Int64
        public let carriedInPence, carriedOutPence, availablePence: Int64
        /// Money the recipient owes back (a refused carry-forward, an underspend above the forecast).
        public let clawbackDuePence: Int64
        /// Money due back that the Commissioner decided not to recover.
        public let writtenOffPence: Int64
        public let unallocatedPence: Int64?
    }

    public func reconciliation(
        year: FinancialYear, office: String? = nil, strand: String? = nil, recipient: String? = nil
    ) async throws -> [ReconciliationRow] {
        try await store.read { tx in
            // Only transfers with an account in the year can move a figure of the year: read those, summed per
            // pair of accounts, through the account indexes (not every posting of every year).
            let lines = Reconciliation.lines(fromSums: try tx.transferSums(touching: year, office: office))
            // Committed: the allocations paid out by agreements that are signed (or active, or closed).
            var committed: [ReconciliationLine: Int64] = [:]
            for (recipientLine, pence) in try tx.allocatedUnderAgreements(
                year: year, office: office, states: ["signed", "active", "closed"])
            {
                let strandLine = ReconciliationLine(
                    office: recipientLine.office, year: recipientLine.year, strand: recipientLine.strand,
                    recipient: nil)
                for line in [recipientLine, strandLine] {
                    let (total, overflow) = committed[line, default: 0].addingReportingOverflow(pence)
                    guard !overflow else { throw LedgerError.sumTooLarge(of: "the money committed in \(line.office)") }
                    committed[line] = total
                }
            }
            // Filtered before sorting: the lines touched include other years' (a carry-forward's other side).
            return try lines.keys.filter { line in
                line.year == year && (strand == nil || line.strand == strand)
                    && (recipient == nil || line.recipient == recipient || line.recipient == nil)
                    && line.strand != nil
            }.sorted().map { line in
                let f = lines[line]!
                // Figures that left 64 bits (an amount above the ceiling from an older version) are not the books':
                // refused, naming what to do, rather than shown wrong.
                guard f.fits else {
                    throw LedgerError.sumTooLarge(
                        of: "the \(line.strand ?? "") strand of \(line.office) \(line.year)"
                            + (line.recipient.map { " for \($0)" } ?? ""))
                }
                return ReconciliationRow(
                    office: line.office, financialYear: line.year.description, strand: line.strand,
                    recipient: line.recipient, budgetPence: line.recipient == nil ? f.budgetPence : nil,
                    allocatedPence: f.allocatedPence, committedPence: committed[line] ?? 0, paidPence: f.paidPence,
                    returnedPence: f.returnedPence, carriedInPence: f.carriedInPence,
                    carriedOutPence: f.carriedOutPence, availablePence: f.availablePence,
                    clawbackDuePence: f.clawbackDuePence, writtenOffPence: f.writtenOffPence,
                    unallocatedPence: line.recipient == nil ? f.unallocatedPence : nil)
            }
        }
    }

    /// The postings an older version accepted with an amount above `Money.ceiling` and that no correction has
    /// reversed yet: each is a finding, until it is reversed with a reason.
    static func postingsAboveCeiling(_ stored: [StoredPosting]) -> [String] {
        let reversed = Set(stored.compactMap(\.posting.reverses))
        return stored.filter { p in
            p.posting.reverses == nil && !reversed.contains(p.sequence)
                && p.posting.transfers.contains { !$0.amount.isWithinCeiling }
        }.map { p in
            let largest = p.posting.transfers.map(\.amount).max()!
            return "posting \(p.sequence) (\(p.posting.cause)) moves \(largest), above \(Money.ceiling), the largest "
                + "amount the product accepts: reverse it with a reason (opcc finance reverse \(p.sequence) "
                + "--reason \"…\") and record the right amount"
        }
    }

    /// Recomputes every balance independently from the postings and checks every invariant; returns each
    /// difference found (empty when the books are sound). It always finishes: a balance too large to add up is
    /// one of the differences, not the end of the check.
    public func financeCheck() async throws -> [String] {
        try await store.read { tx in
            let stored = try tx.postings(office: nil)
            var problems = Self.postingsAboveCeiling(stored)
            problems += try Self.balanceProblems(stored, in: tx)
            problems += try Self.auditProblems(stored, in: tx)
            problems += try Self.reconciliationProblems(stored, in: tx)
            problems += try Self.agreementProblems(stored, in: tx)
            return problems
        }
    }

    /// The balances derived from the postings by the core, exactly (an older version may have let one leave 64 bits:
    /// it is named, and the check goes on), against SQL's sums of them; and the ledger summing to zero.
    static func balanceProblems(_ stored: [StoredPosting], in tx: any StoreTransaction) throws -> [String] {
        var problems: [String] = []
        let exact = LedgerBalances.exact(stored.map(\.posting))
        let swiftBalances = Dictionary(uniqueKeysWithValues: exact.map { ($0.key.key, $0.value) })
        for (key, pence) in swiftBalances.sorted(by: { $0.key < $1.key }) where Int64(exactly: pence) == nil {
            problems.append(
                "account \(key): its balance, \(pence) pence, is too large to add up (more than 64 bits hold)")
        }
        let sqlBalances = try tx.accountBalancesBySQL()
        for key in Set(swiftBalances.keys).union(sqlBalances.keys).sorted()
        where swiftBalances[key, default: 0] != sqlBalances[key, default: 0] {
            problems.append(
                "account \(key): \(sqlBalances[key, default: 0]) by SQL, \(swiftBalances[key, default: 0]) by postings"
            )
        }
        if swiftBalances.values.reduce(0, +) != 0 { problems.append("the ledger does not sum to zero") }
        return problems
    }

    /// Each posting against the audit event that recorded it.
    static func auditProblems(_ stored: [StoredPosting], in tx: any StoreTransaction) throws -> [String] {
        var problems: [String] = []
        let events = Dictionary(
            try tx.auditEvents(instance: nil, office: nil).filter { $0.event == "ledger-posting" }
                .map { ($0.sequence, $0) }, uniquingKeysWith: { a, _ in a })
        for p in stored {
            guard let event = events[p.auditSequence] else {
                problems.append("posting \(p.sequence): no audit event records it")
                continue
            }
            if event.payloadFields["transfers"] != Self.transferDigest(p.posting.transfers) {
                problems.append(
                    "posting \(p.sequence): its transfers differ from those its audit event \(event.sequence) "
                        + "recorded (an amount or account was altered)")
            }
        }
        return problems
    }

    /// The reconciliation's own problems: transfers no rule of the books fits, figures too large to add up, and a
    /// strand over budget with no recorded over-commitment.
    static func reconciliationProblems(_ stored: [StoredPosting], in tx: any StoreTransaction) throws -> [String] {
        var problems: [String] = []
        let computed = Reconciliation.compute(stored.map(\.posting))
        for t in computed.unexpected {
            problems.append("a transfer from \(t.from) to \(t.to) fits no rule of the books")
        }
        for (line, f) in computed.lines.sorted(by: { $0.key < $1.key }) where !f.fits {
            problems.append(
                "the figures of \(line.office) \(line.year) \(line.strand ?? "") \(line.recipient ?? "") are too "
                    + "large to add up")
        }
        for (line, f) in computed.lines.sorted(by: { $0.key < $1.key })
        where f.fits && line.recipient == nil && line.strand != nil && f.unallocatedPence < 0 {
            let allocations = try tx.allocations(office: line.office).map(\.allocation).filter {
                $0.year == line.year && $0.strand == line.strand
            }
            if !allocations.contains(where: { $0.overCommitmentPercent != nil }) {
                problems.append(
                    "the \(line.strand!) strand of \(line.office) \(line.year) is over budget by "
                        + "\(Money(pence: -f.unallocatedPence)!) with no recorded over-commitment")
            }
        }
        return problems
    }

    /// Each agreement past draft against the allocations it names, and each allocation against its posting.
    static func agreementProblems(_ stored: [StoredPosting], in tx: any StoreTransaction) throws -> [String] {
        var problems: [String] = []
        // Looked up by id and by sequence (not searched for each agreement and allocation): a national database
        // holds hundreds of thousands of each.
        let storedAllocations = try tx.allocations(office: nil)
        let allocationsByID = Dictionary(
            storedAllocations.map { ($0.allocation.id, $0.allocation) }, uniquingKeysWith: { a, _ in a })
        let postingsBySequence = Dictionary(stored.map { ($0.sequence, $0) }, uniquingKeysWith: { a, _ in a })
        for agreement in try tx.agreements(office: nil)
        where (try tx.instance(id: agreement.id)?.state ?? "draft") != "draft" {
            let amounts = Set(agreement.allocationIDs).compactMap { allocationsByID[$0]?.amount }
            guard let total = try? Money.sum(amounts) else {
                problems.append("agreement \(agreement.id): its allocations are too large to add up")
                continue
            }
            if total != agreement.amount {
                problems.append(
                    "agreement \(agreement.id) is for \(agreement.amount) but its allocations total \(total)")
            }
        }
        for a in storedAllocations {
            let posting = postingsBySequence[a.postingSequence]
            if posting?.posting.transfers.map(\.amount) != [a.allocation.amount] {
                problems.append("allocation \(a.allocation.id): its amount differs from its posting")
            }
        }
        return problems
    }
}
