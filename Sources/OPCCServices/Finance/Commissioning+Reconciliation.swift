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
        try await reconciliation(year: year, office: office, strand: strand, recipient: recipient, from: .caches)
    }

    /// Where a benchmark or a test has the reconciliation read from: every way gives the same rows.
    @_spi(Bench) public enum ReconciliationSource: Sendable {
        /// The balances and committed caches, the year's lines built as the rows stream (`ReconciliationYear`).
        case caches
        /// The same caches, read into sums per pair of accounts first and the lines built from those
        /// (`Reconciliation.lines(fromSums:)`), as before `ReconciliationYear` (a benchmark's baseline).
        case cachesPerPair
        /// The postings and the agreements' terms themselves, as before the caches.
        case postings
    }

    /// The reconciliation read from the balances and committed caches (as `reconciliation(year:)`), or with
    /// `fromPostings` summed from the postings and the agreements' terms themselves as before the caches (a
    /// benchmark's baseline in the same run, and the tests' proof that the caches change no figure).
    @_spi(Bench) public func reconciliation(
        year: FinancialYear, office: String? = nil, strand: String? = nil, recipient: String? = nil,
        fromPostings: Bool
    ) async throws -> [ReconciliationRow] {
        try await reconciliation(
            year: year, office: office, strand: strand, recipient: recipient,
            from: fromPostings ? .postings : .caches)
    }

    @_spi(Bench) public func reconciliation(
        year: FinancialYear, office: String? = nil, strand: String? = nil, recipient: String? = nil,
        from source: ReconciliationSource
    ) async throws -> [ReconciliationRow] {
        if source == .caches {
            return try await store.read { tx in
                try Self.reconciliationRows(
                    try Self.reconciliationYear(year, office: office, in: tx).entries(
                        strand: strand, recipient: recipient))
            }
        }
        return try await store.read { tx in
            // Only accounts of the year can move a figure of the year: their balances, kept per account they moved
            // money with (the balances cache), read through its key (not every posting of every year).
            let sums =
                source == .postings
                ? try tx.transferSumsFromPostings(touching: year, office: office)
                : try tx.transferSums(touching: year, office: office)
            let lines = Reconciliation.lines(fromSums: sums)
            // Committed: the allocations paid out by agreements that are signed (or active, or closed), read from
            // the committed cache (or, from the postings, from every candidate agreement's terms, as before it).
            var committed: [ReconciliationLine: Int64] = [:]
            let underAgreements =
                source == .postings
                ? try tx.allocatedUnderAgreements(year: year, office: office, states: GrantRules.committedStates)
                : try tx.committedUnderAgreements(year: year, office: office)
            for (recipientLine, pence) in underAgreements {
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
            return try Self.reconciliationRows(
                lines.keys.filter { line in
                    line.year == year && (strand == nil || line.strand == strand)
                        && (recipient == nil || line.recipient == recipient || line.recipient == nil)
                        && line.strand != nil
                }.sorted().map { line in
                    ReconciliationYear.Entry(
                        line: line, figures: lines[line]!, committedPence: committed[line] ?? 0)
                })
        }
    }

    /// The year's lines (of `office`, or of every office) from the balances cache's rows and the committed cache,
    /// built as the rows stream in.
    static func reconciliationYear(
        _ year: FinancialYear, office: String?, in tx: any StoreTransaction
    ) throws -> ReconciliationYear {
        var built = ReconciliationYear(year: year, office: office)
        do {
            try tx.forEachBalanceRow(touching: year, office: office) { account, counter, pence in
                try built.addBalance(accountBytes: account, counterBytes: counter, pence: pence)
            }
        } catch ReconciliationYear.Failure.notAnAccount(let key) {
            throw StoreError.invalidData(what: "the balance of \(key)")
        } catch ReconciliationYear.Failure.sumTooLarge(let error) {
            throw error
        }
        try tx.forEachCommitted(year: year, office: office) { lineText, pence in
            try built.addCommitted(lineText: lineText, pence: pence)
        }
        return built
    }

    /// The rows of lines in order; a line whose figures left 64 bits (an amount above the ceiling from an older
    /// version) is not the books': refused, naming what to do, rather than shown wrong.
    static func reconciliationRows(_ entries: [ReconciliationYear.Entry]) throws -> [ReconciliationRow] {
        // Every line of a reconciliation is of one year: its text is written once.
        var yearTexts: [FinancialYear: String] = [:]
        return try entries.map { entry in
            let line = entry.line
            let f = entry.figures
            guard f.fits else {
                throw LedgerError.sumTooLarge(
                    of: "the \(line.strand ?? "") strand of \(line.office) \(line.year)"
                        + (line.recipient.map { " for \($0)" } ?? ""))
            }
            let yearText: String
            if let known = yearTexts[line.year] {
                yearText = known
            } else {
                yearText = line.year.description
                yearTexts[line.year] = yearText
            }
            return ReconciliationRow(
                office: line.office, financialYear: yearText, strand: line.strand,
                recipient: line.recipient, budgetPence: line.recipient == nil ? f.budgetPence : nil,
                allocatedPence: f.allocatedPence, committedPence: entry.committedPence, paidPence: f.paidPence,
                returnedPence: f.returnedPence, carriedInPence: f.carriedInPence,
                carriedOutPence: f.carriedOutPence, availablePence: f.availablePence,
                clawbackDuePence: f.clawbackDuePence, writtenOffPence: f.writtenOffPence,
                unallocatedPence: line.recipient == nil ? f.unallocatedPence : nil)
        }
    }

    /// Recomputes every balance independently from the postings and checks every invariant; returns each
    /// difference found (empty when the books are sound). It always finishes: a balance too large to add up is
    /// one of the differences, not the end of the check.
    ///
    /// Nothing is loaded whole: the balances cache is merged with the postings' sums as both stream in key order,
    /// the postings are read against their audit events in windows of sequence numbers, and the agreements and
    /// allocations are checked by SQL; only the problems found are kept.
    ///
    /// The checks run on two read transactions at once (the two cores): the ledger's (the balances cache, the
    /// postings against their events, the years' reconciliations) on one, the agreements' and allocations' on the
    /// other. Each read notes its `auditSnapshotMark` (every write the product makes appends an audit event); when
    /// the two differ a write came between their starts, and the whole check is done again in one read, so the
    /// outcome is always that of one snapshot.
    public func financeCheck() async throws -> [String] {
        try await financeCheck(twoReads: true)
    }

    /// The same; `twoReads: false` (for the tests) does it all in one read.
    @_spi(Bench) public func financeCheck(twoReads: Bool) async throws -> [String] {
        if twoReads,
            let halves = try await onOneSnapshot(
                { tx in try Self.ledgerProblems(in: tx) }, { tx in try Self.recordProblems(in: tx) })
        {
            return Self.financeProblems(ledger: halves.0, halves.1)
        }
        return try await store.read { tx in
            Self.financeProblems(ledger: try Self.ledgerProblems(in: tx), try Self.recordProblems(in: tx))
        }
    }

    /// What the ledger's checks found: the balances cache against the postings, each posting against its audit
    /// event, and the reconciliation of every year the cache holds.
    static func ledgerProblems(
        in tx: any StoreTransaction
    ) throws -> (balances: [String], postings: [String], years: [String]) {
        let balances = try tx.checkBalanceCache()
        return (
            balanceProblems(balances), try postingProblems(in: tx),
            try reconciliationProblems(years: balances.years, in: tx)
        )
    }

    /// What the other checks found: postings above the ceiling, the committed cache against the agreements, and
    /// agreements against their allocations.
    static func recordProblems(
        in tx: any StoreTransaction
    ) throws -> (ceiling: [String], commitments: [String], agreements: [String]) {
        (
            try postingsAboveCeiling(in: tx), commitmentProblems(try tx.checkCommitmentCache(chunk: 1_000)),
            try agreementProblems(in: tx)
        )
    }

    /// Every problem in the order the check has always named them.
    static func financeProblems(
        ledger: (balances: [String], postings: [String], years: [String]),
        _ records: (ceiling: [String], commitments: [String], agreements: [String])
    ) -> [String] {
        records.ceiling + ledger.balances + records.commitments + ledger.postings + ledger.years + records.agreements
    }

    /// The postings an older version accepted with an amount above `Money.ceiling` and that no correction has
    /// reversed yet: each is a finding, until it is reversed with a reason.
    static func postingsAboveCeiling(in tx: any StoreTransaction) throws -> [String] {
        try tx.unreversedPostings(above: Money.ceiling.pence).map { p in
            let largest = Money(pence: p.largest).map(\.description) ?? "\(p.largest) pence"
            return "posting \(p.sequence) (\(p.cause)) moves \(largest), above \(Money.ceiling), the largest "
                + "amount the product accepts: reverse it with a reason (opcc finance reverse \(p.sequence) "
                + "--reason \"…\") and record the right amount"
        }
    }

    /// The balances cache against the postings (each row that differs, named by account, year, the balance kept
    /// and the balance recomputed), each account whose balance does not fit in 64 bits, and the ledger summing to
    /// zero.
    static func balanceProblems(_ check: BalanceCacheCheck) -> [String] {
        var problems: [String] = []
        for (account, pence) in check.tooLarge {
            problems.append(
                "account \(account): its balance, \(pence) pence, is too large to add up (more than 64 bits hold)")
        }
        for d in check.differences {
            let fields = d.account.split(separator: "/", maxSplits: 3, omittingEmptySubsequences: false)
            let year = fields.count >= 3 ? String(fields[2]) : "?"
            let cached = d.cachedPence.map { "\($0) pence" } ?? "none"
            let recomputed = d.recomputedPence.map { "\($0) pence" } ?? "none"
            problems.append(
                "account \(d.account), year \(year): cached balance \(cached) for the money moved with "
                    + "\(d.counterAccount), recomputed from the postings \(recomputed) (the cache was altered behind "
                    + "the product's back: the postings are the books)")
        }
        if check.total != 0 { problems.append("the ledger does not sum to zero") }
        return problems
    }

    /// The committed cache against the agreements' terms and states: each row that differs, named by agreement
    /// and allocation, with what the cache keeps and what the agreements give.
    static func commitmentProblems(_ differences: [CommitmentCacheDifference]) -> [String] {
        differences.map { d in
            "agreement \(d.agreement), allocation \(d.allocation): cached commitment "
                + (d.cached?.figures ?? "none") + ", recomputed from the agreement's terms and state "
                + (d.recomputed?.figures ?? "none")
                + " (the cache was altered behind the product's back: the agreements are the books)"
        }
    }

    /// Each posting against the audit event that recorded it, and each transfer against the rules of the books.
    static func postingProblems(in tx: any StoreTransaction) throws -> [String] {
        var problems: [String] = []
        var unexpected: [String] = []
        func kind(_ key: String) -> LedgerAccount.Kind? {
            LedgerAccount.Kind(rawValue: String(key.prefix { $0 != "/" }))
        }
        try tx.forEachPostingAgainstEvent(window: 20_000) { p in
            if !p.recordsPosting {
                problems.append("posting \(p.sequence): no audit event records it")
            } else if p.recordedTransfers
                != p.transfers.map({ "\($0.from)>\($0.to):\($0.pence)" }).joined(separator: ";")
            {
                problems.append(
                    "posting \(p.sequence): its transfers differ from those its audit event \(p.auditSequence) "
                        + "recorded (an amount or account was altered)")
            }
            for t in p.transfers {
                guard let from = kind(t.from), let to = kind(t.to), Reconciliation.fitsARule(from: from, to: to)
                else {
                    unexpected.append("a transfer from \(t.from) to \(t.to) fits no rule of the books")
                    continue
                }
            }
        }
        return problems + unexpected
    }

    /// The reconciliation's own problems, year by year from the balances cache (which the same check has just
    /// proved against the postings): figures too large to add up, and a strand over budget with no recorded
    /// over-commitment.
    static func reconciliationProblems(years: Set<String>, in tx: any StoreTransaction) throws -> [String] {
        var problems: [String] = []
        for year in years.compactMap({ try? FinancialYear(parsing: $0) }).sorted(by: { $0.startYear < $1.startYear }) {
            let lines = Reconciliation.lines(fromSums: try tx.transferSums(touching: year, office: nil)).filter {
                $0.key.year == year
            }
            for (line, f) in lines.sorted(by: { $0.key < $1.key }) where !f.fits {
                problems.append(
                    "the figures of \(line.office) \(line.year) \(line.strand ?? "") \(line.recipient ?? "") are too "
                        + "large to add up")
            }
            for (line, f) in lines.sorted(by: { $0.key < $1.key })
            where f.fits && line.recipient == nil && line.strand != nil && f.unallocatedPence < 0 {
                if !(try tx.strandRecordsOverCommitment(office: line.office, year: line.year, strand: line.strand!)) {
                    problems.append(
                        "the \(line.strand!) strand of \(line.office) \(line.year) is over budget by "
                            + "\(Money(pence: -f.unallocatedPence)!) with no recorded over-commitment")
                }
            }
        }
        return problems
    }

    /// Each agreement past draft against the allocations it names, and each allocation against its posting.
    static func agreementProblems(in tx: any StoreTransaction) throws -> [String] {
        var problems: [String] = []
        try tx.forEachAgreementAgainstAllocations { id, amountPence, total in
            guard let total = Int64(exactly: total).flatMap(Money.init(pence:)) else {
                problems.append("agreement \(id): its allocations are too large to add up")
                return
            }
            if total.pence != amountPence {
                let amount = Money(pence: amountPence).map(\.description) ?? "\(amountPence) pence"
                problems.append("agreement \(id) is for \(amount) but its allocations total \(total)")
            }
        }
        for id in try tx.allocationsDifferingFromTheirPosting() {
            problems.append("allocation \(id): its amount differs from its posting")
        }
        return problems
    }
}
