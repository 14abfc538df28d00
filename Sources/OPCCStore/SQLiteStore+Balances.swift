import Foundation
import OPCCCore

/// One difference `finance check` found between the balances cache and the postings: the row of `account`'s
/// balance it keeps for the money moved with `counterAccount`.
public struct BalanceCacheDifference: Hashable, Sendable {
    public let account: String
    public let counterAccount: String
    /// Nil when the cache has no row the postings call for.
    public let cachedPence: Int64?
    /// What the postings give (in 128 bits: an amount above the ceiling from an older version may leave 64); nil
    /// when the cache holds a row no posting accounts for.
    public let recomputedPence: Int128?
}

/// What `finance check` learns from one pass over the balances cache and the postings.
public struct BalanceCacheCheck: Sendable {
    /// Rows of the cache that differ from the postings.
    public var differences: [BalanceCacheDifference] = []
    /// Accounts whose balance, recomputed from the postings, does not fit in 64 bits.
    public var tooLarge: [(account: String, pence: Int128)] = []
    /// The ledger's total over every account (zero when every posting balances).
    public var total: Int128 = 0
    /// The financial years (as written in keys, `2016-17`) of every account seen.
    public var years: Set<String> = []
}

extension SQLTransaction {
    // MARK: The balances cache (`account_balance`)

    /// Keeps the cache in step with a posting just appended, in the same transaction: for each transfer, the
    /// receiving account's row for the sending one goes up, and the sending account's row for the receiving one
    /// down. A sum that would leave 64 bits refuses the posting (`LedgerError.sumTooLarge`).
    func addToBalances(_ posting: Posting) throws {
        // Netted per pair first: a posting's lines between the same two accounts touch a row once.
        var changes: [String: (account: String, counter: String, pence: Int128)] = [:]
        for t in posting.transfers {
            for (account, counter, pence) in [
                (t.to.key, t.from.key, Int128(t.amount.pence)), (t.from.key, t.to.key, -Int128(t.amount.pence)),
            ] {
                changes[account + "\u{0}" + counter, default: (account, counter, 0)].pence += pence
            }
        }
        for key in changes.keys.sorted() {
            let change = changes[key]!
            guard let pence = Int64(exactly: change.pence) else {
                throw LedgerError.sumTooLarge(of: "the balance of \(change.account)")
            }
            guard pence != 0 else { continue }
            // SQLite turns an integer sum past 64 bits into a REAL, which the STRICT table refuses; PostgreSQL
            // refuses it as 22003. Either way the posting is refused.
            do {
                try guarded {
                    try execute(
                        sql: """
                            INSERT INTO account_balance (account, counter_account, office_id, pence)
                            VALUES (?, ?, ?, ?)
                            ON CONFLICT (account, counter_account)
                            DO UPDATE SET pence = account_balance.pence + excluded.pence
                            """, arguments: [change.account, change.counter, posting.office, pence])
                }
            } catch SQLFailure.integerOverflow, SQLFailure.constraint(.other) {
                throw LedgerError.sumTooLarge(of: "the balance of \(change.account)")
            }
        }
    }

    /// The cache's rows for the accounts of `year` (of `office`, or of every office), as sums per pair of accounts
    /// (`from`, `to`, pence moved from one to the other, less what moved back): what the reconciliation of the year
    /// needs. Read through the primary key: for every kind and office, the keys of the year lie in
    /// ['kind/office/2016-17', 'kind/office/2016-170') ('/' sorts just below '0').
    func balanceSums(
        touching year: FinancialYear, office: String?
    ) throws -> [(
        from: LedgerAccount, to: LedgerAccount, pence: Int64
    )] {
        let yearText = String(LedgerAccount(.funding, office: "x", year: year)!.key.split(separator: "/")[2])
        let kinds = LedgerAccount.Kind.allCases.map(\.rawValue)
        let sql = """
            WITH kind(name) AS (VALUES \(kinds.map { _ in "(?)" }.joined(separator: ", "))),
            prefix(lo, hi) AS (
                SELECT kind.name || '/' || office.id || '/' || ?, kind.name || '/' || office.id || '/' || ? || '0'
                FROM kind, office \(office == nil ? "" : "WHERE office.id = ?"))
            SELECT b.account, b.counter_account, b.pence
            FROM prefix JOIN account_balance b ON b.account >= prefix.lo AND b.account < prefix.hi
            """
        var arguments = SQLArguments(kinds)
        arguments += [yearText, yearText]
        if let office { arguments += [office] }
        var result: [(from: LedgerAccount, to: LedgerAccount, pence: Int64)] = []
        // A strand's or a funding account's key recurs in thousands of rows: each distinct key is parsed once.
        var parsed: [String: LedgerAccount] = [:]
        func account(_ key: String) throws -> LedgerAccount {
            if let hit = parsed[key] { return hit }
            guard let account = LedgerAccount(key: key) else {
                throw StoreError.invalidData(what: "the balance of \(key)")
            }
            parsed[key] = account
            return account
        }
        try forEachRow(sql: sql, arguments: arguments) { row in
            let accountKey: String = row[0]
            let counterKey: String = row[1]
            let pence: Int64 = row[2]
            let counter = try account(counterKey)
            // A pair with both accounts in the year has a row on each side, each the other negated: one is read.
            if counter.year == year && (office == nil || counter.office == office)
                && counterKey.utf8.lexicographicallyPrecedes(accountKey.utf8)
            {
                return true
            }
            guard pence != .min else { throw LedgerError.sumTooLarge(of: "the balance of \(accountKey)") }
            result.append((from: counter, to: try account(accountKey), pence: pence))
            return true
        }
        return result
    }

    /// The cache's rows for the accounts of `year` (of `office`, or of every office) as stored (`account`, its
    /// balance for the money moved with `counter`), in key order within each kind and office, each given to
    /// `visit` without being kept: `ReconciliationYear` builds the year's lines from them.
    ///
    /// Every row of those accounts is given, both rows of a pair of accounts of the year among them:
    /// `ReconciliationYear` adds one of the two, as it reads the counter account's key anyway. (Leaving the second
    /// out in SQL, by the text of its counter account, cost SQLite more than the rows it saved: at 43 offices, 27 ms
    /// of CPU a year to leave out 18,652 of 37,304 rows that Swift passes over in about a fifth of that.)
    func forEachBalanceRow(
        touching year: FinancialYear, office: String?,
        _ visit: (UnsafeRawBufferPointer, UnsafeRawBufferPointer, Int64) throws -> Void
    ) throws {
        let yearText = LedgerAccount.yearText(year)
        let kinds = LedgerAccount.Kind.allCases.map(\.rawValue)
        let query = """
            WITH kind(name) AS (VALUES \(kinds.map { _ in "(?)" }.joined(separator: ", "))),
            prefix(lo, hi) AS (
                SELECT kind.name || '/' || office.id || '/' || ?, kind.name || '/' || office.id || '/' || ? || '0'
                FROM kind, office \(office == nil ? "" : "WHERE office.id = ?"))
            SELECT b.account, b.counter_account, b.pence
            FROM prefix JOIN account_balance b ON b.account >= prefix.lo AND b.account < prefix.hi
            """
        var arguments = SQLArguments(kinds)
        arguments += [yearText, yearText]
        if let office { arguments += [office] }
        // Read in place: the keys' bytes, no text made per row (`ReconciliationYear` makes one only for a key it
        // has not just seen); a row the raw reader does not expect is read the usual way.
        try sql.forEachRawRow(query, arguments) { raw in
            do {
                guard let account = try raw.text(0), let counter = try raw.text(1), let pence = try raw.integer(2)
                else { throw SQLRawRowMismatch() }
                try visit(account, counter, pence)
            } catch is SQLRawRowMismatch {
                let row = raw.row()
                var account: String = row[0]
                var counter: String = row[1]
                let pence: Int64 = row[2]
                try account.withUTF8 { a in
                    try counter.withUTF8 { c in try visit(UnsafeRawBufferPointer(a), UnsafeRawBufferPointer(c), pence) }
                }
            }
            return true
        }
    }

    /// An account's balance from the cache: the sum of its rows, one per account it moved money with.
    func cachedBalance(of account: LedgerAccount) throws -> Int64? {
        try fetchValue(
            Int64.self,
            sql: "SELECT \(integerSum("pence")) FROM account_balance WHERE account = ?", arguments: [account.key])
    }

    /// Recomputes every row of the cache from the postings (`ledger_transfer`), in 128 bits, and compares it with
    /// the row kept, both read in key order and merged as they stream (nothing is held but the differences).
    func checkBalanceCache() throws -> BalanceCacheCheck {
        var check = BalanceCacheCheck()
        // In and out of each account, each amount split into its high and low 32 bits so that SQL's sums cannot
        // overflow before billions of rows, joined exactly in Swift.
        let recomputed = """
            SELECT account, counter_account, sum(hi), sum(lo) FROM (
                SELECT to_account AS account, from_account AS counter_account, amount_pence >> 32 AS hi,
                    amount_pence & 4294967295 AS lo
                FROM ledger_transfer
                UNION ALL
                SELECT from_account, to_account, -(amount_pence >> 32), -(amount_pence & 4294967295)
                FROM ledger_transfer
            ) moved
            GROUP BY account, counter_account ORDER BY account, counter_account
            """
        // The cache, read in the same order in chunks by key (SQLite reads through a cursor; PostgreSQL's session
        // reads a statement's rows at once, so chunks keep the memory bounded on both).
        var cached = CachedRows(transaction: self)
        var currentAccount: String?
        var accountTotal: Int128 = 0
        func closeAccount() {
            if let account = currentAccount, Int64(exactly: accountTotal) == nil {
                check.tooLarge.append((account, accountTotal))
            }
        }
        func noteYear(_ key: String) {
            let fields = key.split(separator: "/", maxSplits: 3, omittingEmptySubsequences: false)
            if fields.count >= 3 { check.years.insert(String(fields[2])) }
        }
        try forEachRow(sql: recomputed) { row in
            let account: String = row[0]
            let counter: String = row[1]
            let high: Int64 = row[2]
            let low: Int64 = row[3]
            let pence = (Int128(high) << 32) + Int128(low)
            if account != currentAccount {
                closeAccount()
                currentAccount = account
                accountTotal = 0
                noteYear(account)
            }
            accountTotal += pence
            check.total += pence
            // Rows of the cache before this key are rows no posting accounts for.
            while let row = try cached.peek(), precedes((row.account, row.counter), (account, counter)) {
                if row.pence != 0 {
                    check.differences.append(
                        BalanceCacheDifference(
                            account: row.account, counterAccount: row.counter, cachedPence: row.pence,
                            recomputedPence: nil))
                }
                cached.advance()
            }
            var kept: Int64?
            if let row = try cached.peek(), row.account == account, row.counter == counter {
                kept = row.pence
                cached.advance()
            }
            if kept.map({ Int128($0) != pence }) ?? (pence != 0) {
                check.differences.append(
                    BalanceCacheDifference(
                        account: account, counterAccount: counter, cachedPence: kept, recomputedPence: pence))
            }
            return true
        }
        closeAccount()
        while let row = try cached.peek() {
            if row.pence != 0 {
                check.differences.append(
                    BalanceCacheDifference(
                        account: row.account, counterAccount: row.counter, cachedPence: row.pence,
                        recomputedPence: nil))
            }
            cached.advance()
        }
        return check
    }

    /// Rebuilds the cache of `offices` from their postings (after an office bundle's rows were inserted as they
    /// are): their rows are removed and written again as the migration writes them.
    func rebuildBalances(offices: [String]) throws {
        for office in offices {
            try execute(sql: "DELETE FROM account_balance WHERE office_id = ?", arguments: [office])
            try execute(
                sql: """
                    INSERT INTO account_balance (account, counter_account, office_id, pence)
                    SELECT account, counter_account, min(office_id), sum(pence) FROM (
                        SELECT t.to_account AS account, t.from_account AS counter_account, p.office_id AS office_id,
                            t.amount_pence AS pence
                        FROM ledger_transfer t JOIN ledger_posting p ON p.seq = t.posting_seq WHERE p.office_id = ?
                        UNION ALL
                        SELECT t.from_account, t.to_account, p.office_id, -t.amount_pence
                        FROM ledger_transfer t JOIN ledger_posting p ON p.seq = t.posting_seq WHERE p.office_id = ?
                    ) moved
                    GROUP BY account, counter_account
                    """, arguments: [office, office])
        }
    }
}

/// Whether the key `a` sorts before `b` as both engines sort the keys (bytes: SQLite's BINARY, PostgreSQL's "C").
private func precedes(_ a: (String, String), _ b: (String, String)) -> Bool {
    let first = compareBytes(a.0, b.0)
    return first != 0 ? first < 0 : compareBytes(a.1, b.1) < 0
}

/// The order of two texts by their UTF-8 bytes (negative, zero or positive), by `memcmp` over the strings' own
/// storage: the generic comparison of two `UTF8View`s cost a tenth of `finance check`.
private func compareBytes(_ a: String, _ b: String) -> Int {
    var a = a
    var b = b
    return a.withUTF8 { x in
        b.withUTF8 { y in
            let common = min(x.count, y.count)
            let order = common == 0 ? 0 : memcmp(x.baseAddress!, y.baseAddress!, common)
            return order != 0 ? Int(order) : x.count - y.count
        }
    }
}

/// The cache's rows in key order, read in chunks of `chunk` rows after the last key read.
private struct CachedRows {
    let transaction: SQLTransaction
    let chunk = 10_000
    var buffer: [(account: String, counter: String, pence: Int64)] = []
    var index = 0
    var after: (account: String, counter: String)?
    var exhausted = false

    init(transaction: SQLTransaction) { self.transaction = transaction }

    mutating func peek() throws -> (account: String, counter: String, pence: Int64)? {
        if index < buffer.count { return buffer[index] }
        guard !exhausted else { return nil }
        buffer.removeAll(keepingCapacity: true)
        index = 0
        let condition = after == nil ? "" : "WHERE account > ? OR (account = ? AND counter_account > ?)"
        let arguments: SQLArguments = after.map { [$0.account, $0.account, $0.counter] } ?? []
        var rows: [(account: String, counter: String, pence: Int64)] = []
        try transaction.forEachRow(
            sql: """
                SELECT account, counter_account, pence FROM account_balance \(condition)
                ORDER BY account, counter_account LIMIT \(chunk)
                """, arguments: arguments
        ) { row in
            rows.append((row[0], row[1], row[2]))
            return true
        }
        buffer = rows
        if rows.count < chunk { exhausted = true }
        if let last = rows.last { after = (last.account, last.counter) }
        return buffer.first
    }

    mutating func advance() { index += 1 }
}

/// One posting as `finance check` reads it against its audit event: the transfers as keys, and what the event
/// recorded of them.
public struct PostingAgainstEvent: Sendable {
    public let sequence: Int64
    public let auditSequence: Int64
    /// Whether the audit event the posting cites is a `ledger-posting`.
    public let recordsPosting: Bool
    /// The `transfers` field of the event's payload; nil when the event is not a `ledger-posting` or has none.
    public let recordedTransfers: String?
    public var transfers: [(from: String, to: String, pence: Int64)]
}

extension SQLTransaction {
    // MARK: What `finance check` reads, streamed

    /// Every posting with its transfers and what its audit event recorded of them, in sequence order, read in
    /// windows of `window` sequence numbers (bounded memory on both engines).
    func forEachPostingAgainstEvent(window: Int64 = 20_000, _ visit: (PostingAgainstEvent) throws -> Void) throws {
        guard let last = try fetchValue(Int64.self, sql: "SELECT max(seq) FROM ledger_posting") else { return }
        let recorded =
            dialect == .sqlite
            ? "CASE WHEN e.event = 'ledger-posting' AND json_valid(e.payload) "
                + "THEN json_extract(e.payload, '$.transfers') END"
            : "CASE WHEN e.event = 'ledger-posting' THEN e.payload ->> 'transfers' END"
        let sql = """
            SELECT p.seq, p.audit_seq, coalesce(e.event = 'ledger-posting', FALSE), \(recorded), t.from_account, t.to_account, t.amount_pence
            FROM ledger_posting p JOIN ledger_transfer t ON t.posting_seq = p.seq
            LEFT JOIN audit_event e ON e.seq = p.audit_seq
            WHERE p.seq > ? AND p.seq <= ? ORDER BY p.seq, t.line
            """
        var start: Int64 = 0
        while start < last {
            var current: PostingAgainstEvent?
            try forEachRow(sql: sql, arguments: [start, start + window]) { row in
                let sequence: Int64 = row[0]
                if current?.sequence != sequence {
                    if let done = current { try visit(done) }
                    current = PostingAgainstEvent(
                        sequence: sequence, auditSequence: row[1], recordsPosting: row[2], recordedTransfers: row[3],
                        transfers: [])
                }
                current!.transfers.append((row[4], row[5], row[6]))
                return true
            }
            if let done = current { try visit(done) }
            start += window
        }
    }

    /// The postings with an amount above `ceiling` that are not corrections and that no correction has reversed:
    /// their sequence, cause and largest amount.
    func unreversedPostings(above ceiling: Int64) throws -> [(sequence: Int64, cause: PostingCause, largest: Int64)] {
        try fetchAllRows(
            sql: """
                SELECT p.seq, p.cause_kind, p.cause_ref, max(t.amount_pence)
                FROM ledger_posting p JOIN ledger_transfer t ON t.posting_seq = p.seq
                WHERE p.reverses IS NULL AND NOT EXISTS (SELECT 1 FROM ledger_posting r WHERE r.reverses = p.seq)
                    AND p.seq IN (SELECT posting_seq FROM ledger_transfer WHERE amount_pence > ?)
                GROUP BY p.seq, p.cause_kind, p.cause_ref ORDER BY p.seq
                """, arguments: [ceiling]
        ).map { row in
            let kind: String = row[1]
            guard let cause = PostingCause.Kind(rawValue: kind) else { throw StoreError.invalidData(what: kind) }
            return (row[0], PostingCause(cause, row[2]), row[3])
        }
    }

    /// Every agreement past draft, in id order: its amount and what the distinct allocations its terms name add up
    /// to (in 128 bits).
    func forEachAgreementAgainstAllocations(_ visit: (String, Int64, Int128) throws -> Void) throws {
        let allocationIDs =
            dialect == .sqlite
            ? "json_each(g.terms_json, '$.allocationIDs') j"
            : "LATERAL json_array_elements_text(g.terms_json -> 'allocationIDs') j(value)"
        try forEachRow(
            sql: """
                WITH member(agreement, allocation) AS (
                    SELECT DISTINCT g.id, j.value FROM grant_agreement g CROSS JOIN \(allocationIDs))
                SELECT g.id, g.amount_pence, coalesce(sum(a.amount_pence >> 32), 0),
                    coalesce(sum(a.amount_pence & 4294967295), 0)
                FROM grant_agreement g JOIN workflow_instance w ON w.id = g.id
                LEFT JOIN member m ON m.agreement = g.id
                LEFT JOIN allocation a ON a.id = m.allocation
                WHERE w.state <> 'draft'
                GROUP BY g.id, g.amount_pence ORDER BY g.id
                """
        ) { row in
            let high: Int64 = row[2]
            let low: Int64 = row[3]
            try visit(row[0], row[1], (Int128(high) << 32) + Int128(low))
            return true
        }
    }

    /// The allocations whose posting is not one transfer of their amount, by office and id.
    func allocationsDifferingFromTheirPosting() throws -> [String] {
        try fetchValues(
            String.self,
            sql: """
                SELECT a.id FROM allocation a LEFT JOIN ledger_transfer t ON t.posting_seq = a.posting_seq
                GROUP BY a.office_id, a.id, a.amount_pence
                HAVING count(t.posting_seq) <> 1 OR min(t.amount_pence) <> a.amount_pence
                ORDER BY a.office_id, a.id
                """)
    }

    /// Whether an allocation of the strand records an over-commitment the office declared.
    func strandRecordsOverCommitment(office: String, year: FinancialYear, strand: String) throws -> Bool {
        try fetchValue(
            Int64.self,
            sql: """
                SELECT 1 FROM allocation WHERE office_id = ? AND year_start = ? AND strand = ?
                    AND over_commitment_percent IS NOT NULL LIMIT 1
                """, arguments: [office, year.startYear, strand]) != nil
    }
}
