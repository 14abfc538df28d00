import PropertyBased
import Testing

@testable import OPCCCore

/// `ReconciliationYear` builds a year's lines from the balances cache's rows as they stream: for any set of sums
/// between accounts (kept, as the cache keeps them, as a row on each side), it must give the lines, figures, order
/// and commitments that `Reconciliation.lines(fromSums:)` gives from the sums themselves, filtered and sorted as the
/// reconciliation did before it.
@Suite("Reconciliation of a year built as the cache's rows stream")
struct ReconciliationYearTests {
    @Test func theRuleSwitchIsTheRuleTable() {
        for from in LedgerAccount.Kind.allCases {
            for to in LedgerAccount.Kind.allCases {
                #expect(ReconciliationFigure.moved(from: from, to: to) == ReconciliationFigure.byTransfer[[from, to]])
            }
        }
    }

    static let offices = ["cumbria", "avon-and-somerset", "Zed", "b"]
    static let strands = ["ASB", "VICTIMS", "Asb", "a-b", "é", "e\u{301}"]
    static let recipients = ["GB-LAE-BAR", "GB-CHC-1", "GB-CHC-10", "gb", "😀", "ä"]
    static let year = FinancialYear(startYear: 2016)

    /// An account of any kind among a few offices, strands and recipients, in the year, the one before or after.
    static let account = zip(
        Gen.int(in: 0...(LedgerAccount.Kind.allCases.count - 1)), Gen.int(in: 0...(offices.count - 1)),
        Gen.int(in: 2015...2017), Gen.int(in: 0...(strands.count - 1)), Gen.int(in: 0...(recipients.count - 1))
    ).map { kind, office, startYear, strand, recipient -> LedgerAccount in
        let kind = LedgerAccount.Kind.allCases[kind]
        return LedgerAccount(
            kind, office: offices[office], year: FinancialYear(startYear: startYear),
            strand: kind == .funding ? nil : strands[strand],
            recipient: kind == .funding || kind == .budget ? nil : recipients[recipient])!
    }

    /// What the reconciliation did before `ReconciliationYear`: the lines of the year with a strand, filtered,
    /// sorted, each with its commitment.
    static func before(
        _ sums: [(from: LedgerAccount, to: LedgerAccount, pence: Int64)], committed: [ReconciliationLine: Int64],
        office: String?, strand: String?, recipient: String?
    ) -> [String] {
        let lines = Reconciliation.lines(fromSums: sums)
        var committedLines: [ReconciliationLine: Int64] = [:]
        for (line, pence) in committed {
            committedLines[line, default: 0] += pence
            committedLines[
                ReconciliationLine(office: line.office, year: line.year, strand: line.strand, recipient: nil),
                default: 0] += pence
        }
        return lines.keys.filter { line in
            line.year == year && (strand == nil || line.strand == strand)
                && (recipient == nil || line.recipient == recipient || line.recipient == nil) && line.strand != nil
        }.sorted().map { "\($0) \(lines[$0]!) \(committedLines[$0] ?? 0)" }
    }

    /// Accounts of one office, two strands and two recipients, mostly in the year: a recipient's accounts of
    /// several kinds (`allocation`, `paid`, …) meet in many rows, so that a counter account read as the row's own
    /// under another kind is common.
    static let crowdedAccount = zip(
        Gen.int(in: 0...(LedgerAccount.Kind.allCases.count - 1)), Gen.int(in: 2015...2017), Gen.int(in: 0...1),
        Gen.int(in: 0...1), Gen.int(in: 0...3)
    ).map { kind, startYear, strand, recipient, yearPick -> LedgerAccount in
        let kind = LedgerAccount.Kind.allCases[kind]
        return LedgerAccount(
            kind, office: offices[0], year: FinancialYear(startYear: yearPick == 0 ? startYear : 2016),
            strand: kind == .funding ? nil : strands[strand],
            recipient: kind == .funding || kind == .budget ? nil : recipients[recipient])!
    }

    @Test func theStreamedLinesAreTheLinesOfTheSums() async {
        await checkStreamedLines(Self.account)
    }

    @Test func theStreamedLinesAreTheLinesOfTheSumsWhereARecipientsAccountsMeet() async {
        await checkStreamedLines(Self.crowdedAccount)
    }

    func checkStreamedLines<S: SendableSequenceType>(_ account: Generator<LedgerAccount, S>) async {
        let input = zip(
            zip(account, account, Gen.int(in: -50_000...50_000)).array(of: 0...40),
            Gen.int(in: -1...(Self.offices.count - 1)), Gen.int(in: -1...(Self.strands.count - 1)),
            Gen.int(in: -1...(Self.recipients.count - 1)), Gen.int(in: 0...1_000).array(of: 0...6))
        await propertyCheck(count: 500, input: input) { pairs, office, strand, recipient, committedPence in
            let office = office < 0 ? nil : Self.offices[office]
            let strand = strand < 0 ? nil : Self.strands[strand]
            let recipient = recipient < 0 ? nil : Self.recipients[recipient]
            // The cache: one row per account and counter account, what came in less what went out.
            var rows: [String: (account: String, counter: String, pence: Int64)] = [:]
            for (from, to, pence) in pairs where from.key != to.key {
                rows[to.key + "\u{0}" + from.key, default: (to.key, from.key, 0)].pence += Int64(pence)
                rows[from.key + "\u{0}" + to.key, default: (from.key, to.key, 0)].pence -= Int64(pence)
            }
            // What the store reads: the rows of the accounts of the year (of the office), in key order.
            func isRead(_ key: String) -> Bool {
                let account = LedgerAccount(key: key)!
                return account.year == Self.year && (office == nil || account.office == office)
            }
            let read = rows.values.filter { isRead($0.account) }.sorted {
                ($0.account, $0.counter) < ($1.account, $1.counter)
            }
            // The sums per pair the store gave before: one row of a pair whose two sides are both read.
            var sums: [(from: LedgerAccount, to: LedgerAccount, pence: Int64)] = []
            for row in read
            where !(isRead(row.counter) && row.counter.utf8.lexicographicallyPrecedes(row.account.utf8)) {
                sums.append((LedgerAccount(key: row.counter)!, LedgerAccount(key: row.account)!, row.pence))
            }
            // Commitments on recipient lines of allocations among the pairs.
            var committed: [ReconciliationLine: Int64] = [:]
            let recipientLines = pairs.flatMap { [$0.0, $0.1] }.filter {
                $0.recipient != nil && $0.year == Self.year && (office == nil || $0.office == office)
            }.map(ReconciliationLine.init)
            for (line, pence) in zip(recipientLines, committedPence) { committed[line, default: 0] += Int64(pence) }

            var built = ReconciliationYear(year: Self.year, office: office)
            for row in read { try! built.addBalance(account: row.account, counter: row.counter, pence: row.pence) }
            for (line, pence) in committed { try! built.addCommitted(line, pence: pence) }
            let streamed = built.entries(strand: strand, recipient: recipient).map {
                "\($0.line) \($0.figures) \($0.committedPence)"
            }
            #expect(
                streamed
                    == Self.before(sums, committed: committed, office: office, strand: strand, recipient: recipient))
        }
    }

    /// A key is read by its kind's first bytes and the text after them (`ReconciliationYear` keeps its lines by
    /// that text): any text, arbitrary Unicode in every field, a slash anywhere, is an account exactly when
    /// `LedgerAccount(key:)` reads one, and moves the figures `Reconciliation.lines(fromSums:)` gives it; what an
    /// agreement commits of its line (written as the text after a kind) lands on that line and its strand's.
    @Test func anyTextIsReadAsAnAccountExactlyWhenItsKeyIs() async {
        let kind = Gen.int(in: 0...(LedgerAccount.Kind.allCases.count - 1)).map { LedgerAccount.Kind.allCases[$0] }
        let input = zip(
            kind, HostileText.text, HostileText.text, HostileText.text, Gen.int(in: 0...3), HostileText.text)
        await propertyCheck(count: 2_000, input: input) { kind, office, strand, recipient, shape, raw in
            let fields = [office, "2016-17", strand, recipient]
            let key =
                shape == 3
                ? kind.rawValue + "/" + raw : ([kind.rawValue] + fields.prefix(2 + shape)).joined(separator: "/")
            let own = "funding/cumbria/2016-17"
            var built = ReconciliationYear(year: Self.year, office: nil)
            guard let account = LedgerAccount(key: key) else {
                #expect(throws: ReconciliationYear.Failure.notAnAccount(key: key)) {
                    try built.addBalance(account: own, counter: key, pence: 5)
                }
                var again = ReconciliationYear(year: Self.year, office: nil)
                #expect(throws: ReconciliationYear.Failure.notAnAccount(key: key)) {
                    try again.addBalance(account: key, counter: own, pence: -5)
                }
                return
            }
            guard key != own else { return }
            let funding = LedgerAccount(key: own)!
            try! built.addBalance(account: own, counter: key, pence: 5)
            // The other side of the pair, as the store gives it: only when the account's rows are read too.
            if account.year == Self.year { try! built.addBalance(account: key, counter: own, pence: -5) }
            var committed: [ReconciliationLine: Int64] = [:]
            if account.recipient != nil {
                let line = ReconciliationLine(account)
                committed[line] = 7
                try! built.addCommitted(
                    lineText: [
                        account.office, LedgerAccount.yearText(account.year), account.strand!, account.recipient!,
                    ]
                    .joined(separator: "/"), pence: 7)
            }
            let streamed = built.entries().map { "\($0.line) \($0.figures) \($0.committedPence)" }
            #expect(
                streamed
                    == Self.before(
                        [(from: account, to: funding, pence: 5)], committed: committed, office: nil, strand: nil,
                        recipient: nil))
        }
    }

    @Test func aKeyThatIsNoAccountIsNamed() {
        var built = ReconciliationYear(year: Self.year, office: nil)
        #expect(throws: ReconciliationYear.Failure.notAnAccount(key: "budget/cumbria/2016-17")) {
            try built.addBalance(account: "budget/cumbria/2016-17/ASB", counter: "budget/cumbria/2016-17", pence: 1)
        }
    }

    @Test func aBalanceOfTheLeastInt64IsTooLargeToAddUp() {
        var built = ReconciliationYear(year: Self.year, office: nil)
        #expect(throws: ReconciliationYear.Failure.self) {
            try built.addBalance(
                account: "budget/cumbria/2016-17/ASB", counter: "funding/cumbria/2016-17", pence: .min)
        }
    }
}
