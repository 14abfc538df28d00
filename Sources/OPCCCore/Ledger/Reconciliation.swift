/// The finance reconciliation: for each office, year and strand (and each recipient within it), what was budgeted,
/// allocated, paid, returned, carried in and out, derived from the postings alone.
public struct ReconciliationFigures: Hashable, Sendable, Codable {
    public var budgetPence: Int64 = 0
    public var allocatedPence: Int64 = 0
    public var paidPence: Int64 = 0
    public var returnedPence: Int64 = 0
    public var carriedInPence: Int64 = 0
    public var carriedOutPence: Int64 = 0
    /// What is still owed back: made due, less what was returned or written off from it.
    public var clawbackDuePence: Int64 = 0
    public var writtenOffPence: Int64 = 0
    /// Whether adding up a figure went past what 64 bits hold (only an amount above `Money.ceiling` recorded by an
    /// older version can do that): the figures are then not the books' and are not shown.
    public var overflowed = false

    public init() {}

    /// Allocated + carried in − carried out: what the recipient (or strand) may spend this year. Wraps instead of
    /// trapping where the figures do not fit (`fits` says so), so that a view or a check never brings the engine down.
    public var availablePence: Int64 { allocatedPence &+ carriedInPence &- carriedOutPence }
    /// Budget − allocated: what the strand still has to give (strand lines only); wraps like `availablePence`.
    public var unallocatedPence: Int64 { budgetPence &- allocatedPence }

    /// Whether every figure, the derived ones included, was added up without leaving 64 bits.
    public var fits: Bool {
        let (a, o1) = allocatedPence.addingReportingOverflow(carriedInPence)
        let (_, o2) = a.subtractingReportingOverflow(carriedOutPence)
        let (_, o3) = budgetPence.subtractingReportingOverflow(allocatedPence)
        return !(overflowed || o1 || o2 || o3)
    }

    /// Adds `pence` to one figure, noting an overflow instead of trapping.
    mutating func add(_ pence: Int64, to figure: WritableKeyPath<ReconciliationFigures, Int64>) {
        let (value, overflow) = self[keyPath: figure].addingReportingOverflow(pence)
        self[keyPath: figure] = value
        if overflow { overflowed = true }
    }
}

/// Which figure a transfer between two kinds of account moves. A transfer the other way (a reversal) moves the same
/// figure back.
enum ReconciliationFigure: CaseIterable {
    case budget, allocated, paid, returned, carriedIn, carriedOut, clawbackDue, writtenOff

    static let byTransfer: [[LedgerAccount.Kind]: ReconciliationFigure] = [
        [.funding, .budget]: .budget, [.budget, .allocation]: .allocated, [.allocation, .paid]: .paid,
        [.allocation, .carriedOut]: .carriedOut, [.carriedIn, .allocation]: .carriedIn,
        [.allocation, .clawbackDue]: .clawbackDue, [.clawbackDue, .returned]: .returned, [.paid, .returned]: .returned,
        [.allocation, .writtenOff]: .writtenOff, [.clawbackDue, .writtenOff]: .writtenOff,
    ]

    var keyPath: WritableKeyPath<ReconciliationFigures, Int64> {
        switch self {
        case .budget: return \.budgetPence
        case .allocated: return \.allocatedPence
        case .paid: return \.paidPence
        case .returned: return \.returnedPence
        case .carriedIn: return \.carriedInPence
        case .carriedOut: return \.carriedOutPence
        case .clawbackDue: return \.clawbackDuePence
        case .writtenOff: return \.writtenOffPence
        }
    }
}

public enum Reconciliation {
    /// Figures per line (strand lines have no recipient) from the postings, and every transfer that fits no rule
    /// (which `finance check` reports).
    public static func compute(
        _ postings: some Sequence<Posting>
    ) -> (
        lines: [ReconciliationLine: ReconciliationFigures], unexpected: [Transfer]
    ) {
        var lines: [ReconciliationLine: ReconciliationFigures] = [:]
        var unexpected: [Transfer] = []
        for posting in postings {
            for t in posting.transfers where !add(from: t.from, to: t.to, pence: t.amount.pence, into: &lines) {
                unexpected.append(t)
            }
        }
        return (lines, unexpected)
    }

    /// The same figures from transfers already summed per pair of accounts (`from`, `to`, total pence), as the
    /// store sums them for one year: every figure is a sum of the transfers' amounts, so summing first changes
    /// nothing. Pairs that fit no rule are left out (`compute` over the postings reports them).
    public static func lines(
        fromSums sums: some Sequence<(from: LedgerAccount, to: LedgerAccount, pence: Int64)>
    ) -> [ReconciliationLine: ReconciliationFigures] {
        var lines: [ReconciliationLine: ReconciliationFigures] = [:]
        for sum in sums { _ = add(from: sum.from, to: sum.to, pence: sum.pence, into: &lines) }
        return lines
    }

    /// Adds one transfer (or a sum of transfers between the same two accounts) to the figures it moves; false when
    /// it fits no rule.
    static func add(
        from: LedgerAccount, to: LedgerAccount, pence: Int64,
        into lines: inout [ReconciliationLine: ReconciliationFigures]
    ) -> Bool {
        func add(_ figure: ReconciliationFigure, _ pence: Int64, to account: LedgerAccount) {
            let strandLine = ReconciliationLine(
                office: account.office, year: account.year, strand: account.strand, recipient: nil)
            lines[strandLine, default: ReconciliationFigures()].add(pence, to: figure.keyPath)
            if account.recipient != nil {
                lines[ReconciliationLine(account), default: ReconciliationFigures()].add(pence, to: figure.keyPath)
            }
        }
        // Amounts and SQL's sums of them are positive, so negating one never traps.
        let negated = -pence
        if from.kind == .budget && to.kind == .budget {
            // A virement: out of one strand, into another.
            add(.budget, negated, to: from)
            add(.budget, pence, to: to)
        } else if let figure = ReconciliationFigure.byTransfer[[from.kind, to.kind]] {
            add(figure, pence, to: mostSpecific(from, to))
            // Clawback due is what is still owed: money leaving it (returned, written off) settles it.
            if from.kind == .clawbackDue { add(.clawbackDue, negated, to: from) }
        } else if let figure = ReconciliationFigure.byTransfer[[to.kind, from.kind]] {
            add(figure, negated, to: mostSpecific(from, to))
            if to.kind == .clawbackDue { add(.clawbackDue, pence, to: to) }
        } else {
            return false
        }
        return true
    }

    /// Whether a transfer from an account of kind `from` to one of kind `to` fits a rule of the books (a virement,
    /// or a figure it moves, either way): what `compute` reports as unexpected when it does not.
    public static func fitsARule(from: LedgerAccount.Kind, to: LedgerAccount.Kind) -> Bool {
        (from == .budget && to == .budget) || ReconciliationFigure.byTransfer[[from, to]] != nil
            || ReconciliationFigure.byTransfer[[to, from]] != nil
    }

    /// The side of a transfer that names the most: a recipient's account over a strand's, a strand's over funding.
    static func mostSpecific(_ a: LedgerAccount, _ b: LedgerAccount) -> LedgerAccount {
        if a.recipient != nil { return a }
        if b.recipient != nil { return b }
        return a.strand != nil ? a : b
    }
}
