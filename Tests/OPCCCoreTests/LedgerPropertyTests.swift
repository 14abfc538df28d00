import PropertyBased
import Testing

@testable import OPCCCore

/// Properties that must hold for every input, not only the worked examples: a formula split distributes every penny
/// and stays within a penny of the exact quota, and the double-entry ledger balances after every posting.
@Suite("Ledger and allocation properties")
struct LedgerPropertyTests {
    // MARK: Formula splits

    /// A 256-bit product `a × b` as (high, low) halves, compared lexicographically: wide enough for
    /// `total × numerator` and `share × denominator` however large the inputs here get.
    private static func wide(_ a: UInt128, _ b: UInt128) -> (UInt128, UInt128) {
        let product = a.multipliedFullWidth(by: b)
        return (product.high, product.low)
    }

    @Test func formulaSplitsSumExactlyAndStayWithinOnePenny() async {
        let factorNames = ["population", "crime", "nonCrimeDemand", "calls"]
        let cases = zip(
            Gen.int64(in: 0...1_000_000_000),  // totals from £0 to £10m
            Gen.int64(in: 0...100).array(of: 1...4),  // the weight of each of 1 to 4 factors
            Gen.int64(in: 0...2_000_000).array(of: 4).array(of: 1...50),  // 1 to 50 recipients, sums up to 1e8
            Gen.bool  // shrink the values to 0...3, so that ties, zero shares and all-zero factors happen often
        )
        await propertyCheck(count: 300, input: cases) { totalPence, weightList, rows, small in
            let total = Money(pence: totalPence)!
            let names = Array(factorNames.prefix(weightList.count))
            let rows = small ? rows.map { $0.map { $0 % 4 } } : rows
            let inputs = rows.enumerated().map { index, row in
                // "GB-CHC-10" sorts before "GB-CHC-2": the output order is not the input order.
                FormulaInput(
                    recipient: "GB-CHC-\(index)",
                    factors: Dictionary(uniqueKeysWithValues: zip(names, row.prefix(names.count))))
            }
            guard let weights = try? FormulaWeights(factors: Array(zip(names, weightList))) else {
                #expect(weightList.allSatisfy { $0 == 0 }, "only all-zero weights are refused here")
                return
            }
            let factorTotals = names.indices.map { f in rows.reduce(Int64(0)) { $0 + $1[f] } }
            if let zero = factorTotals.firstIndex(of: 0) {
                #expect(throws: AllocationError.factorSumIsZero(factor: names[zero], recipients: rows.count)) {
                    try AllocationMethod.formulaSplit(total: total, weights: weights, inputs: inputs)
                }
                return
            }

            let split = try AllocationMethod.formulaSplit(total: total, weights: weights, inputs: inputs)
            #expect(try Money.sum(split.map(\.amount)) == total)
            #expect(split.map(\.recipient) == inputs.map(\.recipient).sorted())

            // Checked independently of the implementation (which uses lcm, not the product): over
            // D = W × Π_f X_f, recipient r's exact quota is N_r / D with N_r = total × S_r and
            // S_r = Σ_f w_f × x_{f,r} × Π_{g≠f} X_g. "Within 1p" is |share × D − N_r| < D, i.e.
            // (share − 1) × D < N_r < (share + 1) × D, in 256-bit integers. D ≤ 400 × (1e8)^4 fits in 128 bits.
            let weightTotal = UInt128(weightList.reduce(0, +))
            let denominator = factorTotals.reduce(weightTotal) { $0 * UInt128($1) }
            let byRecipient = Dictionary(uniqueKeysWithValues: split.map { ($0.recipient, $0.amount.pence) })
            var numerators: [UInt128] = []
            for (index, row) in rows.enumerated() {
                var s: UInt128 = 0
                for f in names.indices {
                    var term = UInt128(weightList[f]) * UInt128(row[f])
                    for g in names.indices where g != f { term *= UInt128(factorTotals[g]) }
                    s += term
                }
                numerators.append(s)
                let share = UInt128(byRecipient["GB-CHC-\(index)"]!)
                let quota = Self.wide(UInt128(totalPence), s)
                #expect(quota < Self.wide(share + 1, denominator), "GB-CHC-\(index) got more than quota + 1p")
                if share > 0 {
                    #expect(Self.wide(share - 1, denominator) < quota, "GB-CHC-\(index) got less than quota - 1p")
                }
            }
            #expect(numerators.reduce(0, +) == denominator)

            // Where the weights fit in 64 bits, the split is exactly Money.split(byWeights:) over the recipients in
            // id order: the same largest-remainder rule with the same tie-break.
            if denominator <= UInt128(Int64.max) {
                let ordered = inputs.indices.sorted { inputs[$0].recipient < inputs[$1].recipient }
                let expected = try total.split(byWeights: ordered.map { Int64(numerators[$0]) })
                #expect(split.map(\.amount) == expected)
            }
        }
    }

    // MARK: The ledger

    /// One generated operation; `interpret` turns it into a valid posting against the ledger as it stands.
    struct Step: Sendable, CustomStringConvertible {
        let kind: Int  // 0 set budget, 1 allocate, 2 pay, 3 carry forward, 4 clawback, 5 correction
        let year: Int
        let strand: Int
        let recipient: Int
        let amount: Int64
        let pick: Int

        var description: String {
            let names = ["setBudget", "allocate", "pay", "carryForward", "clawback", "correction"]
            return "\(names[kind])(y\(year) s\(strand) r\(recipient) \(amount)p pick \(pick))"
        }
    }

    /// A small office's books kept two ways: the real `LedgerBalances`, and an independent running count of the
    /// money that came in (budgets set from funding) and went out (paid, returned, written off), taken from what
    /// each operation means rather than from account balances.
    ///
    /// Choice: only valid operations are generated. Each step's amount is brought within what its source account
    /// holds (allocate at most the strand's budget, pay at most the allocation, ...), and a correction reverses
    /// only a posting whose reversal leaves every account that holds money at zero or more; when a step has
    /// nothing to act on it becomes "set budget". So besides the identities, no holding account ever goes
    /// negative; only the two source accounts, funding and carried-in, sit at or below zero.
    struct Books {
        let office = "thames-valley"
        let years = [2023, 2024, 2025].map { FinancialYear(startYear: $0) }
        let strands = ["ASB", "victims"]
        let recipients = ["GB-LAE-MIK", "GB-CHC-1234567", "GB-COH-01234567"]

        var balances = LedgerBalances()
        var postings: [Posting] = []
        /// (money in, money out) of each posting, as the operation meant it.
        var effects: [(moneyIn: Int64, moneyOut: Int64)] = []
        var reversed: Set<Int> = []
        var moneyIn: Int64 = 0
        var moneyOut: Int64 = 0

        static let sources: Set<LedgerAccount.Kind> = [.funding, .carriedIn]

        func account(
            _ kind: LedgerAccount.Kind, _ year: Int, _ strand: Int? = nil, _ recipient: Int? = nil
        ) -> LedgerAccount {
            LedgerAccount(
                kind, office: office, year: years[year], strand: strand.map { strands[$0] },
                recipient: recipient.map { recipients[$0] })!
        }

        func held(_ account: LedgerAccount) -> Int64 { balances.balance(of: account).pence }

        /// Posts one balanced entry, keeps the running counts and checks every property.
        mutating func post(
            _ cause: PostingCause, _ year: Int, _ transfers: [Transfer], moneyIn: Int64 = 0, moneyOut: Int64 = 0
        ) throws {
            let posting = try Posting(
                office: office, day: years[year].firstDay, cause: cause, memo: "", transfers: transfers)
            try record(posting, moneyIn: moneyIn, moneyOut: moneyOut)
        }

        mutating func record(_ posting: Posting, moneyIn: Int64, moneyOut: Int64) throws {
            try balances.add(posting)
            postings.append(posting)
            effects.append((moneyIn, moneyOut))
            self.moneyIn += moneyIn
            self.moneyOut += moneyOut
            checkProperties()
        }

        /// The identities after every posting.
        ///
        /// Every transfer takes from one account what it gives another, so the balances always sum to zero:
        ///   funding + (budget + allocation + clawbackDue + carriedOut + carriedIn)
        ///     + (paid + returned + writtenOff) = 0.
        /// Funding is only ever the source of "set budget" (and the target of its reversal): the ledger has no
        /// account for the outside world, so its balance is −(money in). Paid, returned and written off only
        /// receive (and give back on reversal), so they sum to the money out. Hence
        ///   budget + allocation + clawbackDue + carriedOut + carriedIn = money in − money out:
        /// what is still held in the office. (Funding itself is not in that sum: it would make the left side
        /// −(money out).) A carry-forward puts x in carriedOut for year N and takes x from carriedIn for N+1,
        /// so those two always cancel, and the money carried sits in year N+1's allocation.
        func checkProperties() {
            func sum(_ kinds: Set<LedgerAccount.Kind>) -> Int64 {
                balances.balances.filter { kinds.contains($0.key.kind) }.values.reduce(0, +)
            }
            #expect(balances.total == 0)
            #expect(-sum([.funding]) == moneyIn)
            #expect(sum([.paid, .returned, .writtenOff]) == moneyOut)
            #expect(sum([.budget, .allocation, .clawbackDue, .carriedOut, .carriedIn]) == moneyIn - moneyOut)
            #expect(sum([.carriedOut]) + sum([.carriedIn]) == 0)
            for (account, pence) in balances.balances {
                if Self.sources.contains(account.kind) {
                    #expect(pence <= 0, "\(account) is a source and should never hold money: \(pence)p")
                } else {
                    #expect(pence >= 0, "\(account) went below zero: \(pence)p")
                }
            }
        }

        /// The reversal of posting `index`, if no holding account would go below zero.
        func reversalIsValid(_ index: Int) -> Bool {
            guard postings[index].reverses == nil, !reversed.contains(index) else { return false }
            var outflow: [LedgerAccount: Int64] = [:]
            for t in postings[index].transfers {
                outflow[t.to, default: 0] += t.amount.pence
                outflow[t.from, default: 0] -= t.amount.pence
            }
            return outflow.allSatisfy { account, out in
                out <= 0 || Self.sources.contains(account.kind) || held(account) >= out
            }
        }

        /// Brings a generated amount within 1...available, or nil when there is nothing available.
        static func within(_ amount: Int64, _ available: Int64) -> Money? {
            available > 0 ? Money(pence: 1 + (amount - 1) % available) : nil
        }

        mutating func apply(_ step: Step) throws {
            let (y, s, r) = (step.year, step.strand, step.recipient)
            switch step.kind {
            case 1:
                let budget = account(.budget, y, s)
                if let amount = Self.within(step.amount, held(budget)) {
                    let to = account(.allocation, y, s, r)
                    return try post(
                        .init(.allocation, "A\(postings.count)"), y, [.init(from: budget, to: to, amount: amount)])
                }
            case 2:
                let allocation = account(.allocation, y, s, r)
                if let amount = Self.within(step.amount, held(allocation)) {
                    let paid = account(.paid, y, s, r)
                    return try post(
                        .init(.payment, "P\(postings.count)"), y, [.init(from: allocation, to: paid, amount: amount)],
                        moneyOut: amount.pence)
                }
            case 3:
                let n = y % (years.count - 1)
                let from = account(.allocation, n, s, r)
                if let amount = Self.within(step.amount, held(from)) {
                    // One posting, both sides of the year end.
                    return try post(
                        .init(.carryForward, "CF\(postings.count)"), n,
                        [
                            .init(from: from, to: account(.carriedOut, n, s, r), amount: amount),
                            .init(
                                from: account(.carriedIn, n + 1, s, r), to: account(.allocation, n + 1, s, r),
                                amount: amount),
                        ])
                }
            case 4:
                let allocation = account(.allocation, y, s, r)
                if let amount = Self.within(step.amount, held(allocation)) {
                    let due = account(.clawbackDue, y, s, r)
                    let reference = "C\(postings.count)"
                    try post(.init(.clawback, reference), y, [.init(from: allocation, to: due, amount: amount)])
                    // Then all returned, or half returned and half written off, or half returned and half still due.
                    let returned = step.pick % 3 == 0 ? amount.pence : amount.pence / 2
                    if returned > 0 {
                        let to = account(.returned, y, s, r)
                        try post(
                            .init(.clawback, reference), y, [.init(from: due, to: to, amount: Money(pence: returned)!)],
                            moneyOut: returned)
                    }
                    let rest = amount.pence - returned
                    if step.pick % 3 == 1 && rest > 0 {
                        let to = account(.writtenOff, y, s, r)
                        try post(
                            .init(.writeOff, reference), y, [.init(from: due, to: to, amount: Money(pence: rest)!)],
                            moneyOut: rest)
                    }
                    return
                }
            case 5:
                if !postings.isEmpty {
                    let start = step.pick % postings.count
                    let candidates = (0..<postings.count).map { (start + $0) % postings.count }
                    if let index = candidates.first(where: reversalIsValid) {
                        let original = postings[index]
                        let correction = try original.reversal(
                            sequence: Int64(index + 1), on: original.day, reason: "entered in error")
                        reversed.insert(index)
                        return try record(
                            correction, moneyIn: -effects[index].moneyIn, moneyOut: -effects[index].moneyOut)
                    }
                }
            default:
                break
            }
            // Set budget: always valid (funding is the office's source of money).
            let amount = Money(pence: step.amount)!
            try post(
                .init(.budget, "B\(postings.count)"), y,
                [.init(from: account(.funding, y), to: account(.budget, y, s), amount: amount)],
                moneyIn: amount.pence)
        }
    }

    @Test func theLedgerBalancesAfterEveryStep() async {
        let step = zip(
            Gen.int(in: 0...5), Gen.int(in: 0...2), Gen.int(in: 0...1), Gen.int(in: 0...2),
            Gen.int64(in: 1...50_000_000), Gen.int(in: 0...1_000)
        ).map { Step(kind: $0.0, year: $0.1, strand: $0.2, recipient: $0.3, amount: $0.4, pick: $0.5) }
        await propertyCheck(count: 200, input: step.array(of: 1...60)) { steps in
            var books = Books()
            for step in steps {
                try books.apply(step)
            }
            // Balances are derived, never stored: replaying every posting from nothing gives the same books.
            #expect(try LedgerBalances(books.postings).balances == books.balances.balances)
        }
    }
}
