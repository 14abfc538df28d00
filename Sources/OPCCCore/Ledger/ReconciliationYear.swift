import Foundation

/// The reconciliation of one year (of one office, or of every office) built as the balances cache's rows stream in:
/// the same figures as `Reconciliation.lines(fromSums:)` gives from the year's sums per pair of accounts, without a
/// value per row that the lines do not need.
///
/// A key is `kind/` followed by the fields of the line it belongs to (`office/2016-17/strand/recipient`: a
/// recipient's line; `office/2016-17/strand`: a strand's; `office/2016-17`: the office's funding, a line without a
/// strand). Every kind with the same fields shares that line, so the lines are kept by the text after the kind: a
/// key costs reading its kind from its first bytes and one lookup of the rest (none when it is the row before's, or
/// the row's own account's under another kind), and each line's text is read (`LedgerAccount(key:)`) only the first
/// time it is seen. A row then costs a switch on the two kinds and two additions into an array. The lines are sorted
/// once, at the end, only those shown.
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

    /// A line seen, by index: what the rows of its accounts need of it.
    private struct Line: Sendable {
        let line: ReconciliationLine
        /// How many fields its text has: 2 (office, year), 3 (and a strand), 4 (and a recipient).
        let fields: Int
        /// The index of its strand's line (itself for a strand's line, and for the office's line without one).
        let strandLine: Int
        /// Whether the rows of its accounts are read for this year too (its year, and the office asked for or every
        /// office): a pair of two such accounts has a row on each side, and only one of them is added.
        let readToo: Bool
        var isRecipientLine: Bool { fields == 4 }
    }

    /// An account: its kind and the line of its fields.
    private struct Account: Sendable {
        let kind: LedgerAccount.Kind
        let line: Int
    }

    public let year: FinancialYear
    public let office: String?
    /// The year as keys write it (`2016-17`).
    private let yearText: String

    private var lineByText: [Substring: Int] = [:]
    private var lines: [Line] = []
    private var figures: [ReconciliationFigures] = []
    /// Whether a transfer reached the line (a line only an agreement names is not shown, as before).
    private var moved: [Bool] = []
    private var committed: [Int64] = []

    /// The row before's account (the cache's rows come in key order, so an account's rows follow one another), and
    /// the last counter read through a lookup (consecutive recipients of a strand share their counter, the
    /// strand's budget).
    private var lastAccount = RememberedKey()
    private var lastCounter = RememberedKey()

    /// A key's bytes and the account they were read as (a key's account never changes once its line exists).
    private struct RememberedKey {
        private var bytes: [UInt8] = []
        private var account = Account(kind: .funding, line: 0)

        /// The account remembered, when `key` is the key remembered.
        func account(of key: UnsafeRawBufferPointer) -> Account? {
            guard !bytes.isEmpty, key.count == bytes.count else { return nil }
            let same = bytes.withUnsafeBytes { memcmp(key.baseAddress!, $0.baseAddress!, key.count) == 0 }
            return same ? account : nil
        }

        mutating func remember(_ key: UnsafeRawBufferPointer, as account: Account) {
            bytes.removeAll(keepingCapacity: true)
            bytes.append(contentsOf: key)
            self.account = account
        }
    }

    public init(year: FinancialYear, office: String?) {
        self.year = year
        self.office = office
        self.yearText = LedgerAccount.yearText(year)
    }

    /// Adds one row of the balances cache: `accountKey`'s balance for the money moved with `counterKey` (what came
    /// in less what went out), that is `pence` moved from the counter account to the account. A pair whose two
    /// accounts are both read for this year has a row on each side, the one the negation of the other: only the row
    /// of the account whose key sorts first (by bytes) is added.
    public mutating func addBalance(
        account accountKey: String, counter counterKey: String, pence: Int64
    ) throws(Failure) {
        let accountBytes = Array(accountKey.utf8)
        let counterBytes = Array(counterKey.utf8)
        let added = accountBytes.withUnsafeBytes { a in
            counterBytes.withUnsafeBytes { c in
                Result { () throws(Failure) in try addBalance(accountBytes: a, counterBytes: c, pence: pence) }
            }
        }
        try added.get()
    }

    /// `addBalance(account:counter:pence:)` on the keys' UTF-8 bytes, as the store reads them in place: a key is
    /// made into a text only when it is neither the row before's account, nor the row's own account's fields under
    /// another kind, nor the counter read before.
    public mutating func addBalance(
        accountBytes a: UnsafeRawBufferPointer, counterBytes c: UnsafeRawBufferPointer, pence: Int64
    ) throws(Failure) {
        let account: Account
        if let remembered = lastAccount.account(of: a) {
            account = remembered
        } else {
            account = try self.account(String(decoding: a, as: UTF8.self))
            lastAccount.remember(a, as: account)
        }
        let counter: Account
        if let kind = Self.kindOfSameFields(c, as: a) {
            guard fits(kind, lines[account.line].fields) else {
                throw .notAnAccount(key: String(decoding: c, as: UTF8.self))
            }
            counter = Account(kind: kind, line: account.line)
        } else if let remembered = lastCounter.account(of: c) {
            counter = remembered
        } else {
            counter = try self.account(String(decoding: c, as: UTF8.self))
            lastCounter.remember(c, as: counter)
        }
        if lines[counter.line].readToo && Self.precedes(c, a) { return }
        guard pence != .min else {
            throw .sumTooLarge(.sumTooLarge(of: "the balance of \(String(decoding: a, as: UTF8.self))"))
        }
        addSum(from: counter, to: account, pence: pence)
    }

    /// Whether `a` sorts before `b` by bytes (as `String.UTF8View.lexicographicallyPrecedes`).
    private static func precedes(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
        let common = min(a.count, b.count)
        if common > 0 {
            let order = memcmp(a.baseAddress!, b.baseAddress!, common)
            if order != 0 { return order < 0 }
        }
        return a.count < b.count
    }

    /// The kind of `counter` when its text after the kind is `own`'s (a recipient's `paid/…` beside its
    /// `allocation/…`), compared by bytes; nil otherwise, or when its first field is no kind.
    private static func kindOfSameFields(
        _ counter: UnsafeRawBufferPointer, as own: UnsafeRawBufferPointer
    ) -> LedgerAccount.Kind? {
        let slash = UInt8(ascii: "/")
        guard let counterSlash = counter.firstIndex(of: slash), let ownSlash = own.firstIndex(of: slash),
            counter.count - counterSlash == own.count - ownSlash,
            memcmp(counter.baseAddress! + counterSlash, own.baseAddress! + ownSlash, own.count - ownSlash) == 0
        else { return nil }
        return LedgerAccount.Kind(bytes: UnsafeRawBufferPointer(rebasing: counter[..<counterSlash]))
    }

    /// Adds what agreements in a committed state commit of a recipient's line (and so of its strand's line).
    public mutating func addCommitted(_ recipientLine: ReconciliationLine, pence: Int64) throws(LedgerError) {
        guard let strand = recipientLine.strand, let recipient = recipientLine.recipient,
            recipientLine.year == year
        else { return }
        try addCommitted(
            lineText: recipientLine.office + "/" + yearText + "/" + strand + "/" + recipient, pence: pence)
    }

    /// Adds what agreements in a committed state commit of the recipient's line written `office/2016-17/strand/
    /// recipient` (as the text after a key's kind; the store writes it so), and so of its strand's line. A line no
    /// transfer of the year reached is not shown, so what is committed of it is not kept.
    public mutating func addCommitted(lineText: String, pence: Int64) throws(LedgerError) {
        let text = Substring(lineText)
        let slash = UInt8(ascii: "/")
        // Four fields, none holding a slash (as every line shown): another text names no line shown.
        guard text.utf8.count(where: { $0 == slash }) == 3, let lastSlash = text.utf8.lastIndex(of: slash) else {
            return
        }
        let strandLine: Int
        if let line = lineByText[text], lines[line].isRecipientLine {
            try addCommitted(pence, to: line, office: lines[line].line.office)
            strandLine = lines[line].strandLine
        } else if let line = lineByText[Substring(text.utf8[..<lastSlash])], lines[line].fields == 3 {
            strandLine = line
        } else {
            return
        }
        try addCommitted(pence, to: strandLine, office: lines[strandLine].line.office)
    }

    private mutating func addCommitted(_ pence: Int64, to line: Int, office: String) throws(LedgerError) {
        let (total, overflow) = committed[line].addingReportingOverflow(pence)
        guard !overflow else { throw .sumTooLarge(of: "the money committed in \(office)") }
        committed[line] = total
    }

    /// The lines of the year with a strand, in order (office, strand, recipient, the strand's own line first),
    /// those of `strand` only when given, and of `recipient` (with their strands' lines) when given.
    public func entries(strand: String? = nil, recipient: String? = nil) -> [Entry] {
        var shown: [Int] = []
        shown.reserveCapacity(lines.count)
        for (index, l) in lines.enumerated()
        where moved[index] && l.fields >= 3 && l.line.year == year && (strand == nil || l.line.strand == strand)
            && (recipient == nil || l.line.recipient == recipient || l.line.recipient == nil)
        {
            shown.append(index)
        }
        // Every line shown is of the same year: office, strand and recipient decide, as `ReconciliationLine.<`.
        shown.sort { a, b in
            let x = lines[a].line
            let y = lines[b].line
            if x.office != y.office { return x.office < y.office }
            if x.strand != y.strand { return (x.strand ?? "") < (y.strand ?? "") }
            return (x.recipient ?? "") < (y.recipient ?? "")
        }
        return shown.map { Entry(line: lines[$0].line, figures: figures[$0], committedPence: committed[$0]) }
    }

    // MARK: Accounts and lines

    /// The account of `key`: its kind read from its first bytes, its line by the text after them (read the first
    /// time that text is seen).
    private mutating func account(_ key: String) throws(Failure) -> Account {
        let utf8 = key.utf8
        guard let slash = utf8.firstIndex(of: UInt8(ascii: "/")),
            let kind = LedgerAccount.Kind(bytes: utf8[..<slash])
        else { throw .notAnAccount(key: key) }
        let rest = Substring(utf8[utf8.index(after: slash)...])
        if let line = lineByText[rest] {
            guard fits(kind, lines[line].fields) else { throw .notAnAccount(key: key) }
            return Account(kind: kind, line: line)
        }
        return Account(kind: kind, line: try newLine(rest, of: key))
    }

    /// Whether a kind's fields are those of a line of `fields` fields.
    private func fits(_ kind: LedgerAccount.Kind, _ fields: Int) -> Bool {
        kind.needsStrand == (fields > 2) && kind.needsRecipient == (fields > 3)
    }

    /// The line of `text` (`key` after its kind), read from the key: with its strand's line, made too if new.
    private mutating func newLine(_ text: Substring, of key: String) throws(Failure) -> Int {
        guard let account = LedgerAccount(key: key) else { throw .notAnAccount(key: key) }
        let readToo = account.year == year && (office == nil || account.office == office)
        var strandLine = -1
        if account.recipient != nil, let slash = text.utf8.lastIndex(of: UInt8(ascii: "/")) {
            let strandText = Substring(text.utf8[..<slash])
            if let known = lineByText[strandText] {
                strandLine = known
            } else {
                strandLine = append(
                    Line(
                        line: ReconciliationLine(
                            office: account.office, year: account.year, strand: account.strand, recipient: nil),
                        fields: 3, strandLine: lines.count, readToo: readToo), text: strandText)
            }
        }
        let fields = account.recipient != nil ? 4 : account.strand != nil ? 3 : 2
        return append(
            Line(
                line: ReconciliationLine(account), fields: fields,
                strandLine: strandLine >= 0 ? strandLine : lines.count, readToo: readToo), text: text)
    }

    private mutating func append(_ line: Line, text: Substring) -> Int {
        let index = lines.count
        lines.append(line)
        figures.append(ReconciliationFigures())
        moved.append(false)
        committed.append(0)
        lineByText[text] = index
        return index
    }

    // MARK: Figures

    /// `Reconciliation.add(from:to:pence:into:)` on indices: the same rules, the same lines.
    private mutating func addSum(from: Account, to: Account, pence: Int64) {
        let fromKind = from.kind
        let toKind = to.kind
        // Amounts and sums of them other than `Int64.min` (refused above) negate without trapping.
        let negated = -pence
        if fromKind == .budget && toKind == .budget {
            // A virement: out of one strand, into another.
            add(.budget, negated, to: from.line)
            add(.budget, pence, to: to.line)
        } else if let figure = ReconciliationFigure.moved(from: fromKind, to: toKind) {
            add(figure, pence, to: mostSpecific(from.line, to.line))
            // Clawback due is what is still owed: money leaving it (returned, written off) settles it.
            if fromKind == .clawbackDue { add(.clawbackDue, negated, to: from.line) }
        } else if let figure = ReconciliationFigure.moved(from: toKind, to: fromKind) {
            add(figure, negated, to: mostSpecific(from.line, to.line))
            if toKind == .clawbackDue { add(.clawbackDue, pence, to: to.line) }
        }
    }

    /// Adds to the line of an account's fields and, for a recipient's, to its strand's line too.
    private mutating func add(_ figure: ReconciliationFigure, _ pence: Int64, to line: Int) {
        let l = lines[line]
        figures[l.strandLine].add(pence, to: figure)
        moved[l.strandLine] = true
        if l.isRecipientLine {
            figures[line].add(pence, to: figure)
            moved[line] = true
        }
    }

    /// `Reconciliation.mostSpecific` on lines.
    private func mostSpecific(_ a: Int, _ b: Int) -> Int {
        if lines[a].isRecipientLine { return a }
        if lines[b].isRecipientLine { return b }
        return lines[a].fields > 2 ? a : b
    }
}

extension LedgerAccount.Kind {
    /// The kind whose raw value is exactly `bytes`, read without making a text of them.
    init?(bytes: Substring.UTF8View) {
        for (raw, kind) in Self.rawBytes where raw.count == bytes.count && raw.elementsEqual(bytes) {
            self = kind
            return
        }
        return nil
    }

    /// The kind whose raw value is exactly `bytes`.
    init?(bytes: UnsafeRawBufferPointer) {
        for (raw, kind) in Self.rawBytes where raw.count == bytes.count && raw.elementsEqual(bytes) {
            self = kind
            return
        }
        return nil
    }

    private static let rawBytes: [([UInt8], LedgerAccount.Kind)] = allCases.map { (Array($0.rawValue.utf8), $0) }
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
