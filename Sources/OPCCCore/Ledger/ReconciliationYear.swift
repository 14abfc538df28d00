/// The reconciliation of one year (of one office, or of every office) built as the balances cache's rows stream in:
/// the same figures as `Reconciliation.lines(fromSums:)` gives from the year's sums per pair of accounts, without a
/// value per row that the lines do not need.
///
/// Each distinct account key is read once (`LedgerAccount(key:)`) into a small record of its kind and the two
/// lines its figures go to (its strand's, and its recipient's when it has one), kept by index; a row then costs a
/// lookup of its counter account's key (its own key is most often the row before's), a switch on the two kinds and
/// two additions into an array. The lines are sorted once, at the end, only those shown.
public struct ReconciliationYear: Sendable {
    /// Why a row or a commitment could not be added.
    public enum Failure: Error, Hashable, Sendable {
        /// A key of the balances cache that is no account's key (the store names it).
        case notAnAccount(key: String)
        /// A sum left 64 bits (only an amount above `Money.ceiling` recorded by an older version can do that).
        case sumTooLarge(LedgerError)
    }

    /// One line of the year as shown: its figures and what agreements in a committed state commit of it.
    public struct Entry: Sendable {
        public let line: ReconciliationLine
        public let figures: ReconciliationFigures
        public let committedPence: Int64

        public init(line: ReconciliationLine, figures: ReconciliationFigures, committedPence: Int64) {
            self.line = line
            self.figures = figures
            self.committedPence = committedPence
        }
    }

    /// An account seen, by index: what the rows need of it.
    private struct Account: Sendable {
        let kind: LedgerAccount.Kind
        let hasStrand: Bool
        /// The index of its strand's line (a funding account's: the office's line without a strand).
        let strandLine: Int
        /// The index of its recipient's line, or -1.
        let recipientLine: Int
        /// Whether its rows are read for this year too (its year, and the office asked for or every office): a
        /// pair of two such accounts has a row on each side, and only one of them is added.
        let readToo: Bool
    }

    public let year: FinancialYear
    public let office: String?

    private var accountByKey: [String: Int] = [:]
    private var accounts: [Account] = []
    /// The key of the row before and its index: the cache's rows come in key order, so an account's rows follow
    /// one another.
    private var lastKey: String?
    private var lastIndex = 0

    private var lineByKey: [ReconciliationLine: Int] = [:]
    private var lines: [ReconciliationLine] = []
    private var figures: [ReconciliationFigures] = []
    /// Whether a transfer reached the line (a line only an agreement names is not shown, as before).
    private var moved: [Bool] = []
    private var committed: [Int64] = []

    public init(year: FinancialYear, office: String?) {
        self.year = year
        self.office = office
    }

    /// Adds one row of the balances cache: `accountKey`'s balance for the money moved with `counterKey` (what came
    /// in less what went out), that is `pence` moved from the counter account to the account. A pair whose two
    /// accounts are both read for this year has a row on each side, the one the negation of the other: only the row
    /// of the account whose key sorts first (by bytes) is added.
    public mutating func addBalance(
        account accountKey: String, counter counterKey: String, pence: Int64
    ) throws(Failure) {
        // A recipient's other accounts (`paid/…` beside `allocation/…`) differ from the row's own only by their
        // kind: while the row's account is the row before's, such a counter shares its lines, unread.
        let counter: Int
        if let lastKey, lastKey == accountKey, let shared = sharing(counterKey, with: accountKey, at: lastIndex) {
            counter = shared
        } else {
            counter = try index(of: counterKey)
        }
        if accounts[counter].readToo && counterKey.utf8.lexicographicallyPrecedes(accountKey.utf8) { return }
        guard pence != .min else { throw .sumTooLarge(.sumTooLarge(of: "the balance of \(accountKey)")) }
        let account: Int
        if let lastKey, lastKey == accountKey {
            account = lastIndex
        } else {
            account = try index(of: accountKey)
            lastKey = accountKey
            lastIndex = account
        }
        addSum(from: counter, to: account, pence: pence)
    }

    /// Adds what agreements in a committed state commit of a recipient's line (and so of its strand's line).
    public mutating func addCommitted(_ recipientLine: ReconciliationLine, pence: Int64) throws(LedgerError) {
        let strandLine = ReconciliationLine(
            office: recipientLine.office, year: recipientLine.year, strand: recipientLine.strand, recipient: nil)
        for line in [recipientLine, strandLine] {
            let index = lineIndex(line)
            let (total, overflow) = committed[index].addingReportingOverflow(pence)
            guard !overflow else { throw .sumTooLarge(of: "the money committed in \(line.office)") }
            committed[index] = total
        }
    }

    /// The lines of the year with a strand, in order (office, strand, recipient, the strand's own line first),
    /// those of `strand` only when given, and of `recipient` (with their strands' lines) when given.
    public func entries(strand: String? = nil, recipient: String? = nil) -> [Entry] {
        var shown: [Int] = []
        shown.reserveCapacity(lines.count)
        for (index, line) in lines.enumerated()
        where moved[index] && line.year == year && line.strand != nil && (strand == nil || line.strand == strand)
            && (recipient == nil || line.recipient == recipient || line.recipient == nil)
        {
            shown.append(index)
        }
        // Every line shown is of the same year: office, strand and recipient decide, as `ReconciliationLine.<`.
        shown.sort { a, b in
            let x = lines[a]
            let y = lines[b]
            if x.office != y.office { return x.office < y.office }
            if x.strand != y.strand { return (x.strand ?? "") < (y.strand ?? "") }
            return (x.recipient ?? "") < (y.recipient ?? "")
        }
        return shown.map { Entry(line: lines[$0], figures: figures[$0], committedPence: committed[$0]) }
    }

    // MARK: Accounts and lines

    /// The index of the account with key `key`, read the first time it is seen.
    private mutating func index(of key: String) throws(Failure) -> Int {
        if let hit = accountByKey[key] { return hit }
        guard let account = LedgerAccount(key: key) else { throw .notAnAccount(key: key) }
        let strandLine = lineIndex(
            ReconciliationLine(office: account.office, year: account.year, strand: account.strand, recipient: nil))
        let recipientLine = account.recipient == nil ? -1 : lineIndex(ReconciliationLine(account))
        let index = accounts.count
        accounts.append(
            Account(
                kind: account.kind, hasStrand: account.strand != nil, strandLine: strandLine,
                recipientLine: recipientLine,
                readToo: account.year == year && (office == nil || account.office == office)))
        accountByKey[key] = index
        return index
    }

    /// The index of a record for `counterKey` when it is `accountKey` (already read, at `index`) with another kind
    /// whose key has the same fields (a `paid` account beside its `allocation` one): its lines are the account's.
    /// Nil when the two keys differ after the kind, or the kind is not one of the books' or needs other fields (the
    /// general reading then decides). The keys compared are plain ASCII, as every key the product writes: another
    /// text goes through the general reading.
    private mutating func sharing(_ counterKey: String, with accountKey: String, at index: Int) -> Int? {
        let slash = UInt8(ascii: "/")
        let counter = counterKey.utf8
        let account = accountKey.utf8
        guard let counterSlash = counter.firstIndex(of: slash), let accountSlash = account.firstIndex(of: slash),
            counter[counterSlash...].elementsEqual(account[accountSlash...]),
            counter.allSatisfy({ $0 < 0x80 }),
            let kind = LedgerAccount.Kind(rawValue: String(Substring(counterKey.utf8[..<counterSlash])))
        else { return nil }
        let shared = accounts[index]
        guard kind.needsStrand == shared.kind.needsStrand, kind.needsRecipient == shared.kind.needsRecipient else {
            return nil
        }
        accounts.append(
            Account(
                kind: kind, hasStrand: shared.hasStrand, strandLine: shared.strandLine,
                recipientLine: shared.recipientLine, readToo: shared.readToo))
        return accounts.count - 1
    }

    private mutating func lineIndex(_ line: ReconciliationLine) -> Int {
        if let hit = lineByKey[line] { return hit }
        let index = lines.count
        lines.append(line)
        figures.append(ReconciliationFigures())
        moved.append(false)
        committed.append(0)
        lineByKey[line] = index
        return index
    }

    // MARK: Figures

    /// `Reconciliation.add(from:to:pence:into:)` on indices: the same rules, the same lines.
    private mutating func addSum(from: Int, to: Int, pence: Int64) {
        let fromKind = accounts[from].kind
        let toKind = accounts[to].kind
        // Amounts and sums of them other than `Int64.min` (refused above) negate without trapping.
        let negated = -pence
        if fromKind == .budget && toKind == .budget {
            // A virement: out of one strand, into another.
            add(.budget, negated, to: from)
            add(.budget, pence, to: to)
        } else if let figure = ReconciliationFigure.moved(from: fromKind, to: toKind) {
            add(figure, pence, to: mostSpecific(from, to))
            // Clawback due is what is still owed: money leaving it (returned, written off) settles it.
            if fromKind == .clawbackDue { add(.clawbackDue, negated, to: from) }
        } else if let figure = ReconciliationFigure.moved(from: toKind, to: fromKind) {
            add(figure, negated, to: mostSpecific(from, to))
            if toKind == .clawbackDue { add(.clawbackDue, pence, to: to) }
        }
    }

    private mutating func add(_ figure: ReconciliationFigure, _ pence: Int64, to account: Int) {
        let a = accounts[account]
        figures[a.strandLine].add(pence, to: figure)
        moved[a.strandLine] = true
        if a.recipientLine >= 0 {
            figures[a.recipientLine].add(pence, to: figure)
            moved[a.recipientLine] = true
        }
    }

    /// `Reconciliation.mostSpecific` on indices.
    private func mostSpecific(_ a: Int, _ b: Int) -> Int {
        if accounts[a].recipientLine >= 0 { return a }
        if accounts[b].recipientLine >= 0 { return b }
        return accounts[a].hasStrand ? a : b
    }
}

extension ReconciliationFigure {
    /// `byTransfer[[from, to]]` without building an array to look it up (`ReconciliationYearTests` holds the two
    /// equal for every pair of kinds).
    static func moved(from: LedgerAccount.Kind, to: LedgerAccount.Kind) -> ReconciliationFigure? {
        switch (from, to) {
        case (.funding, .budget): return .budget
        case (.budget, .allocation): return .allocated
        case (.allocation, .paid): return .paid
        case (.allocation, .carriedOut): return .carriedOut
        case (.carriedIn, .allocation): return .carriedIn
        case (.allocation, .clawbackDue): return .clawbackDue
        case (.clawbackDue, .returned): return .returned
        case (.paid, .returned): return .returned
        case (.allocation, .writtenOff): return .writtenOff
        case (.clawbackDue, .writtenOff): return .writtenOff
        default: return nil
        }
    }
}

extension ReconciliationFigures {
    /// Adds `pence` to one figure, noting an overflow instead of trapping (`add(_:to:)` by key path, without one).
    mutating func add(_ pence: Int64, to figure: ReconciliationFigure) {
        let overflow: Bool
        switch figure {
        case .budget: (budgetPence, overflow) = budgetPence.addingReportingOverflow(pence)
        case .allocated: (allocatedPence, overflow) = allocatedPence.addingReportingOverflow(pence)
        case .paid: (paidPence, overflow) = paidPence.addingReportingOverflow(pence)
        case .returned: (returnedPence, overflow) = returnedPence.addingReportingOverflow(pence)
        case .carriedIn: (carriedInPence, overflow) = carriedInPence.addingReportingOverflow(pence)
        case .carriedOut: (carriedOutPence, overflow) = carriedOutPence.addingReportingOverflow(pence)
        case .clawbackDue: (clawbackDuePence, overflow) = clawbackDuePence.addingReportingOverflow(pence)
        case .writtenOff: (writtenOffPence, overflow) = writtenOffPence.addingReportingOverflow(pence)
        }
        if overflow { overflowed = true }
    }
}
