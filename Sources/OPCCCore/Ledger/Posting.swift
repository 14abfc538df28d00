/// Why money moved: every posting cites its cause.
public struct PostingCause: Hashable, Sendable, Codable, CustomStringConvertible {
    public enum Kind: String, CaseIterable, Hashable, Sendable, Codable {
        case budget, virement, decision, allocation, agreement, payment, carryForward = "carry-forward", clawback,
            writeOff = "write-off", correction
    }
    public let kind: Kind
    /// The record cited: a decision number, an agreement or allocation id, a carry-forward id.
    public let reference: String

    public init(_ kind: Kind, _ reference: String) {
        self.kind = kind
        self.reference = reference
    }

    public var description: String { "\(kind.rawValue) \(reference)" }
}

/// One movement of money from one account to another.
public struct Transfer: Hashable, Sendable {
    public let from: LedgerAccount
    public let to: LedgerAccount
    public let amount: Money

    public init(from: LedgerAccount, to: LedgerAccount, amount: Money) {
        self.from = from
        self.to = to
        self.amount = amount
    }
}

/// A balanced, dated entry in the ledger: one or more transfers with one cause. Each transfer debits one account and
/// credits another by the same amount, so every posting balances by construction. Postings are never edited or
/// deleted; a correction is a reversing posting that names the one it reverses and why.
public struct Posting: Hashable, Sendable {
    public let office: String
    public let day: Day
    public let cause: PostingCause
    public let memo: String
    public let transfers: [Transfer]
    /// The sequence number of the posting this one reverses, for a correction.
    public let reverses: Int64?

    public init(
        office: String, day: Day, cause: PostingCause, memo: String, transfers: [Transfer], reverses: Int64? = nil
    ) throws(LedgerError) {
        guard !transfers.isEmpty else { throw .emptyPosting }
        for t in transfers {
            guard t.amount.pence > 0 else { throw .zeroTransfer(from: t.from, to: t.to) }
            guard t.from != t.to else { throw .transferToItself(t.from) }
            guard t.from.office == office, t.to.office == office else { throw .crossOffice(office: office) }
        }
        if reverses != nil && memo.isBlank { throw .correctionNeedsReason }
        if let reverses, reverses < 1 { throw .correctionNeedsReason }
        self.office = office
        self.day = day
        self.cause = cause
        self.memo = memo
        self.transfers = transfers
        self.reverses = reverses
    }

    /// The posting that undoes this one: every transfer the other way, citing it.
    public func reversal(sequence: Int64, on day: Day, reason: String) throws(LedgerError) -> Posting {
        try Posting(
            office: office, day: day, cause: PostingCause(.correction, cause.reference), memo: reason,
            transfers: transfers.map { Transfer(from: $0.to, to: $0.from, amount: $0.amount) }, reverses: sequence)
    }
}

/// Why a posting cannot be made.
public enum LedgerError: Error, Hashable, Sendable, CustomStringConvertible {
    case emptyPosting
    case zeroTransfer(from: LedgerAccount, to: LedgerAccount)
    case transferToItself(LedgerAccount)
    case crossOffice(office: String)
    case correctionNeedsReason
    case overflow
    /// Adding up `of` (an account, a year's transfers) went past what 64 bits hold: only an amount above
    /// `Money.ceiling` recorded by an older version can do that.
    case sumTooLarge(of: String)

    public var description: String {
        switch self {
        case .emptyPosting: return "a posting needs at least one transfer"
        case .zeroTransfer(let from, let to): return "a transfer from \(from) to \(to) must move more than £0.00"
        case .transferToItself(let account): return "a transfer cannot move money from \(account) to itself"
        case .crossOffice(let office): return "every account in a posting must belong to office \(office)"
        case .correctionNeedsReason: return "a reversing posting needs a reason"
        case .overflow: return "the amounts are too large to add up"
        case .sumTooLarge(let what):
            return "the amounts of \(what) are too large to add up: the ledger holds an amount above "
                + "\(Money.ceiling) from an older version; opcc finance check names its posting, and reversing it "
                + "with a reason (opcc finance reverse) puts the books right"
        }
    }
}

extension LedgerError {
    /// `a + b` in pence, or `.sumTooLarge(of: what)` when it leaves 64 bits: views and checks add amounts up with
    /// this, so that an amount an older version accepted above the ceiling is refused with a reason, never a trap.
    public static func sum(_ a: Int64, _ b: Int64, of what: @autoclosure () -> String) throws(LedgerError) -> Int64 {
        let (total, overflow) = a.addingReportingOverflow(b)
        guard !overflow else { throw .sumTooLarge(of: what()) }
        return total
    }
}

/// Balances derived from postings, never stored.
public struct LedgerBalances: Sendable {
    public private(set) var balances: [LedgerAccount: Int64] = [:]

    public init() {}

    public init(_ postings: some Sequence<Posting>) throws(LedgerError) {
        for p in postings { try add(p) }
    }

    /// Applies a posting whole, or (on overflow) not at all.
    public mutating func add(_ posting: Posting) throws(LedgerError) {
        // The new balances go into a small overlay first and into `balances` only once all of them fit (copying
        // every balance for each posting made adding up a national ledger quadratic).
        var updated: [LedgerAccount: Int64] = [:]
        for t in posting.transfers {
            let (a, o1) = (updated[t.from] ?? balances[t.from] ?? 0).subtractingReportingOverflow(t.amount.pence)
            guard !o1 else { throw .overflow }
            updated[t.from] = a
            let (b, o2) = (updated[t.to] ?? balances[t.to] ?? 0).addingReportingOverflow(t.amount.pence)
            guard !o2 else { throw .overflow }
            updated[t.to] = b
        }
        for (account, value) in updated { balances[account] = value }
    }

    public func balance(of account: LedgerAccount) -> SignedMoney { SignedMoney(pence: balances[account] ?? 0) }

    /// The sum of every balance: zero in a double-entry ledger, whatever was posted.
    public var total: Int64 { balances.values.reduce(0, &+) }

    /// Every account's balance added up exactly in 128 bits, whatever amounts an older version recorded (no sum of
    /// fewer than 2^64 transfers can leave 128 bits): `finance check` names an account whose balance does not fit
    /// in 64 bits instead of stopping at the first posting that takes it there.
    public static func exact(_ postings: some Sequence<Posting>) -> [LedgerAccount: Int128] {
        var balances: [LedgerAccount: Int128] = [:]
        for posting in postings {
            for t in posting.transfers {
                balances[t.from, default: 0] -= Int128(t.amount.pence)
                balances[t.to, default: 0] += Int128(t.amount.pence)
            }
        }
        return balances
    }
}

/// A line of the reconciliation: one office, year and strand, and optionally one recipient.
public struct ReconciliationLine: Hashable, Sendable, Comparable {
    public let office: String
    public let year: FinancialYear
    public let strand: String?
    public let recipient: String?

    public init(office: String, year: FinancialYear, strand: String?, recipient: String?) {
        self.office = office
        self.year = year
        self.strand = strand
        self.recipient = recipient
    }

    init(_ account: LedgerAccount) {
        self.init(office: account.office, year: account.year, strand: account.strand, recipient: account.recipient)
    }

    public static func < (a: ReconciliationLine, b: ReconciliationLine) -> Bool {
        (a.office, a.year.startYear, a.strand ?? "", a.recipient ?? "")
            < (b.office, b.year.startYear, b.strand ?? "", b.recipient ?? "")
    }
}
