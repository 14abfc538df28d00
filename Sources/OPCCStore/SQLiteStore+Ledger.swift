import Foundation
import OPCCCore

extension SQLTransaction {
    func appendPosting(_ posting: Posting, auditSequence: Int64, recordedBy: String) throws -> Int64 {
        // SQLite has one writer, so the next number is the highest plus one; PostgreSQL's offices write at once and
        // draw numbers from a sequence (nothing needs postings' numbers without gaps).
        let sequence =
            dialect == .sqlite
            ? (try fetchValue(Int64.self, sql: "SELECT max(seq) FROM ledger_posting") ?? 0) + 1
            : try fetchValue(Int64.self, sql: "SELECT nextval('ledger_posting_seq')")!
        do {
            try guarded {
                try execute(
                    sql: """
                        INSERT INTO ledger_posting (seq, office_id, day, cause_kind, cause_ref, memo, reverses, audit_seq,
                            recorded_by)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        sequence, posting.office, posting.day.iso, posting.cause.kind.rawValue, posting.cause.reference,
                        posting.memo, posting.reverses, auditSequence, recordedBy,
                    ])
            }
        } catch SQLFailure.constraint(.unique) {
            throw StoreError.duplicate(what: "a reversal of posting \(posting.reverses ?? 0)")
        }
        for (line, t) in posting.transfers.enumerated() {
            try execute(
                sql: """
                    INSERT INTO ledger_transfer (posting_seq, line, from_account, to_account, amount_pence)
                    VALUES (?, ?, ?, ?, ?)
                    """, arguments: [sequence, line + 1, t.from.key, t.to.key, t.amount.pence])
        }
        try addToBalances(posting)
        return sequence
    }

    func postings(office: String?) throws -> [StoredPosting] {
        try postings(where: office == nil ? "" : "WHERE p.office_id = ?", arguments: office.map { [$0] } ?? [])
    }

    func posting(sequence: Int64) throws -> StoredPosting? {
        try postings(where: "WHERE p.seq = ?", arguments: [sequence]).first
    }

    func isReversed(_ sequence: Int64) throws -> Bool {
        try fetchValue(Int64.self, sql: "SELECT seq FROM ledger_posting WHERE reverses = ?", arguments: [sequence])
            != nil
    }

    private func postings(where condition: String, arguments: SQLArguments) throws -> [StoredPosting] {
        let rows = try fetchAllRows(
            sql: """
                SELECT p.*, t.line, t.from_account, t.to_account, t.amount_pence
                FROM ledger_posting p JOIN ledger_transfer t ON t.posting_seq = p.seq
                \(condition) ORDER BY p.seq, t.line
                """, arguments: arguments)
        var result: [StoredPosting] = []
        var current: (seq: Int64, row: SQLRow, transfers: [Transfer])?
        func flush() throws {
            guard let c = current else { return }
            let kindText: String = c.row["cause_kind"]
            let dayText: String = c.row["day"]
            guard let kind = PostingCause.Kind(rawValue: kindText) else { throw StoreError.invalidData(what: kindText) }
            let posting = try Posting(
                office: c.row["office_id"], day: try Day(iso: dayText), cause: PostingCause(kind, c.row["cause_ref"]),
                memo: c.row["memo"], transfers: c.transfers, reverses: c.row["reverses"])
            result.append(
                StoredPosting(
                    sequence: c.seq, auditSequence: c.row["audit_seq"], recordedBy: c.row["recorded_by"],
                    posting: posting))
        }
        for row in rows {
            let seq: Int64 = row["seq"]
            if current?.seq != seq {
                try flush()
                current = (seq, row, [])
            }
            let from: String = row["from_account"]
            let to: String = row["to_account"]
            guard let fromAccount = LedgerAccount(key: from), let toAccount = LedgerAccount(key: to),
                let amount = Money(pence: row["amount_pence"])
            else { throw StoreError.invalidData(what: "transfer \(seq): \(from) → \(to)") }
            current!.transfers.append(Transfer(from: fromAccount, to: toAccount, amount: amount))
        }
        try flush()
        return result
    }

    func transferSums(
        touching year: FinancialYear, office: String?
    ) throws -> [(
        from: LedgerAccount, to: LedgerAccount, pence: Int64
    )] {
        try balanceSums(touching: year, office: office)
    }

    func transferSumsFromPostings(
        touching year: FinancialYear, office: String?
    ) throws -> [(
        from: LedgerAccount, to: LedgerAccount, pence: Int64
    )] {
        // Keys read `kind/office/2016-17[/strand[/recipient]]`: for every kind and office, the keys of the year lie
        // in ['kind/office/2016-17', 'kind/office/2016-170') ('/' sorts just below '0'), a range each account index
        // serves. A transfer with both accounts in the year is counted once (UNION on the rowid).
        let yearText = LedgerAccount(.funding, office: "x", year: year)!.key.split(separator: "/")[2]
        let kinds = LedgerAccount.Kind.allCases.map(\.rawValue)
        // A transfer's own key: SQLite's rowid; on PostgreSQL its primary key.
        let key = dialect == .sqlite ? "rowid" : "(posting_seq, line)"
        let tKey = dialect == .sqlite ? "t.rowid" : "t.posting_seq, t.line"
        let sql = """
            WITH kind(name) AS (VALUES \(kinds.map { _ in "(?)" }.joined(separator: ", "))),
            prefix(lo, hi) AS (
                SELECT kind.name || '/' || office.id || '/' || ?, kind.name || '/' || office.id || '/' || ? || '0'
                FROM kind, office \(office == nil ? "" : "WHERE office.id = ?"))
            SELECT from_account, to_account, \(integerSum("amount_pence")) FROM ledger_transfer WHERE \(key) IN (
                SELECT \(tKey) FROM prefix JOIN ledger_transfer t ON t.to_account >= prefix.lo AND t.to_account < prefix.hi
                UNION
                SELECT \(tKey) FROM prefix JOIN ledger_transfer t
                    ON t.from_account >= prefix.lo AND t.from_account < prefix.hi)
            GROUP BY from_account, to_account
            """
        var arguments = SQLArguments(kinds)
        arguments += [String(yearText), String(yearText)]
        if let office { arguments += [office] }
        return try summing("the transfers of \(office ?? "every office") in \(year)") {
            try pairs(sql: sql, arguments: arguments)
        }
    }

    private func pairs(
        sql: String, arguments: SQLArguments
    ) throws -> [(from: LedgerAccount, to: LedgerAccount, pence: Int64)] {
        var result: [(from: LedgerAccount, to: LedgerAccount, pence: Int64)] = []
        // A strand's or a funding account's key recurs in thousands of pairs: each distinct key is parsed once.
        var parsed: [String: LedgerAccount] = [:]
        func account(_ key: String) -> LedgerAccount? {
            if let hit = parsed[key] { return hit }
            let account = LedgerAccount(key: key)
            parsed[key] = account
            return account
        }
        try forEachRow(sql: sql, arguments: arguments) { row in
            let from: String = row[0]
            let to: String = row[1]
            guard let fromAccount = account(from), let toAccount = account(to) else {
                throw StoreError.invalidData(what: "transfer \(from) → \(to)")
            }
            result.append((fromAccount, toAccount, row[2]))
            return true
        }
        return result
    }

    func allocatedUnderAgreements(
        year: FinancialYear, office: String?, states: [String]
    ) throws -> [ReconciliationLine:
        Int64]
    {
        // An agreement's allocations are the ids in its terms. grant_agreement_allocation holds every id ever saved
        // with an agreement (a reduction removes ids from the terms but not from there), so it finds the agreements
        // that may hold an allocation of the year, and only their terms are read, once each, by SQLite's JSON.
        let officeFilter = office == nil ? "" : "AND a.office_id = ?"
        // The ids in the terms, one row each, as `j.value`.
        let allocationIDs =
            dialect == .sqlite
            ? "json_each(g.terms_json, '$.allocationIDs') j"
            : "LATERAL json_array_elements_text(g.terms_json -> 'allocationIDs') j(value)"
        let sql = """
            WITH candidate(id) AS (
                SELECT DISTINCT l.agreement_id FROM allocation a
                JOIN grant_agreement_allocation l ON l.allocation_id = a.id
                WHERE a.year_start = ? \(officeFilter)),
            member(agreement, allocation) AS (
                SELECT DISTINCT g.id, j.value FROM candidate c
                JOIN grant_agreement g ON g.id = c.id
                JOIN workflow_instance w ON w.id = g.id
                CROSS JOIN \(allocationIDs)
                WHERE w.state IN (\(states.map { _ in "?" }.joined(separator: ", ")))
                    \(office == nil ? "" : "AND g.office_id = ?"))
            SELECT a.office_id, a.strand, a.recipient_org_id, \(integerSum("a.amount_pence"))
            FROM member m JOIN allocation a ON a.id = m.allocation
            WHERE a.year_start = ? \(officeFilter)
            GROUP BY a.office_id, a.strand, a.recipient_org_id
            """
        var arguments: SQLArguments = [year.startYear]
        if let office { arguments += [office] }
        arguments += SQLArguments(states)
        if let office { arguments += [office] }
        arguments += [year.startYear]
        if let office { arguments += [office] }
        var result: [ReconciliationLine: Int64] = [:]
        let rows = try summing("the allocations under agreements in \(year)") {
            try fetchAllRows(sql: sql, arguments: arguments)
        }
        for row in rows {
            result[ReconciliationLine(office: row[0], year: year, strand: row[1], recipient: row[2])] = row[3]
        }
        return result
    }

    func balance(of account: LedgerAccount) throws -> SignedMoney {
        // The cache first (one row per account the account moved money with); where its rows do not add up in 64
        // bits, the postings, exactly.
        do {
            if let pence = try guarded({ try cachedBalance(of: account) }) { return SignedMoney(pence: pence) }
            return SignedMoney(pence: 0)
        } catch SQLFailure.integerOverflow {}
        do {
            return try guarded {
                let pence = try fetchValue(
                    Int64.self,
                    sql: """
                        SELECT coalesce((SELECT \(integerSum("amount_pence")) FROM ledger_transfer WHERE to_account = ?), 0)
                             - coalesce((SELECT \(integerSum("amount_pence")) FROM ledger_transfer WHERE from_account = ?), 0)
                        """, arguments: [account.key, account.key])
                return SignedMoney(pence: pence ?? 0)
            }
        } catch SQLFailure.integerOverflow {
            // An amount from before the ceiling took a running sum past 64 bits: add up exactly instead, since the
            // balance itself may still fit (a budget whose huge posting was reversed).
            let exact =
                try exactSum(where: "to_account", is: account.key) - exactSum(where: "from_account", is: account.key)
            guard let pence = Int64(exactly: exact) else { throw LedgerError.sumTooLarge(of: account.key) }
            return SignedMoney(pence: pence)
        }
    }

    /// The exact total of the (positive) amounts whose `column` is `key`, whatever their size: SQL adds up the high
    /// and the low 32 bits of each apart (neither sum can overflow before billions of rows), and Swift joins them.
    private func exactSum(where column: String, is key: String) throws -> Int128 {
        let row = try fetchOneRow(
            sql: """
                SELECT coalesce(sum(amount_pence >> 32), 0), coalesce(sum(amount_pence & 4294967295), 0)
                FROM ledger_transfer WHERE \(column) = ?
                """, arguments: [key])
        let high: Int64 = row?[0] ?? 0
        let low: Int64 = row?[1] ?? 0
        return (Int128(high) << 32) + Int128(low)
    }

    func saveStrand(office: String, year: FinancialYear, strand: String, name: String) throws {
        noteWritten(.strand("\(office)/\(year.startYear)/\(strand)"))
        try execute(
            sql: """
                INSERT INTO budget_strand (office_id, year_start, strand, name) VALUES (?, ?, ?, ?)
                ON CONFLICT(office_id, year_start, strand) DO UPDATE SET name = excluded.name
                """, arguments: [office, year.startYear, strand, name])
    }

    func strands(office: String, year: FinancialYear?) throws -> [BudgetStrand] {
        let rows = try fetchAllRows(
            sql: "SELECT * FROM budget_strand WHERE office_id = ? \(year == nil ? "" : "AND year_start = ?") "
                + "ORDER BY year_start, strand", arguments: year.map { [office, $0.startYear] } ?? [office])
        return rows.map {
            BudgetStrand(
                office: $0["office_id"], year: FinancialYear(startYear: $0["year_start"]), strand: $0["strand"],
                name: $0["name"])
        }
    }

    func insertAllocation(_ a: Allocation, postingSequence: Int64) throws {
        noteWritten(.allocation(a.id))
        do {
            try guarded {
                try execute(
                    sql: """
                        INSERT INTO allocation (id, office_id, year_start, strand, recipient_org_id, recipient_name, purpose,
                            area, decision_id, amount_pence, spend_kind, revenue_contribution_to_capital, method,
                            over_commitment_percent, posting_seq, day, size_band)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        a.id, a.office, a.year.startYear, a.strand, a.recipientOrgID, a.recipientName, a.purpose,
                        a.area,
                        a.decisionID, a.amount.pence, a.spendKind.rawValue, a.revenueContributionToCapital,
                        a.method.rawValue,
                        a.overCommitmentPercent, postingSequence, a.day.iso, a.sizeBand,
                    ])
            }
        } catch SQLFailure.constraint(.foreignKey) {
            throw StoreError.notFound(what: "the \(a.strand) strand of \(a.year) or decision \(a.decisionID)")
        }
    }

    func allocatedUnderDecision(_ decisionID: String, office: String) throws -> Int64 {
        try summing("the allocations under \(decisionID)") {
            try allocatedUnderDecisionSum(decisionID, office: office)
        }
    }

    private func allocatedUnderDecisionSum(_ decisionID: String, office: String) throws -> Int64 {
        try fetchValue(
            Int64.self,
            sql: """
                SELECT coalesce(\(integerSum("a.amount_pence")), 0) FROM allocation a
                WHERE a.decision_id = ? AND a.office_id = ?
                    AND NOT EXISTS (SELECT 1 FROM ledger_posting r WHERE r.reverses = a.posting_seq)
                """, arguments: [decisionID, office]) ?? 0
    }

    func allocations(office: String?) throws -> [StoredAllocation] {
        try storedAllocations(
            try fetchAllRows(
                sql: "SELECT * FROM allocation \(office == nil ? "" : "WHERE office_id = ?") ORDER BY office_id, id",
                arguments: office.map { [$0] } ?? []))
    }

    func liveAllocations(office: String, year: FinancialYear) throws -> [StoredAllocation] {
        try storedAllocations(
            try fetchAllRows(
                sql: """
                    SELECT * FROM allocation a WHERE a.office_id = ? AND a.year_start = ?
                    AND NOT EXISTS (SELECT 1 FROM ledger_posting p WHERE p.reverses = a.posting_seq) ORDER BY a.id
                    """,
                arguments: [office, year.startYear]))
    }

    func liveAllocations(office: String, decision: String) throws -> [StoredAllocation] {
        try storedAllocations(
            try fetchAllRows(
                sql: """
                    SELECT * FROM allocation a WHERE a.decision_id = ? AND a.office_id = ?
                    AND NOT EXISTS (SELECT 1 FROM ledger_posting p WHERE p.reverses = a.posting_seq) ORDER BY a.id
                    """,
                arguments: [decision, office]))
    }

    func liveRecipientNames(office: String, year: FinancialYear) throws -> [String: String] {
        var names: [String: String] = [:]
        try forEachRow(
            sql: """
                SELECT a.recipient_org_id, a.recipient_name FROM allocation a WHERE a.office_id = ? AND a.year_start = ?
                AND NOT EXISTS (SELECT 1 FROM ledger_posting p WHERE p.reverses = a.posting_seq) ORDER BY a.id
                """,
            arguments: [office, year.startYear]
        ) { row in
            let org: String = row[0]
            if names[org] == nil { names[org] = row[1] as String }
            return true
        }
        return names
    }

    func liveRecipientNames(
        office: String, year: FinancialYear, recipients: [String]
    ) throws -> [String: String] {
        var names: [String: String] = [:]
        var start = 0
        while start < recipients.count {
            let chunk = Array(recipients[start..<min(start + 500, recipients.count)])
            start += chunk.count
            var arguments: SQLArguments = [office, year.startYear]
            arguments += SQLArguments(chunk)
            try forEachRow(
                sql: """
                    SELECT a.recipient_org_id, a.recipient_name FROM allocation a
                    WHERE a.office_id = ? AND a.year_start = ?
                    AND a.recipient_org_id IN (\(chunk.map { _ in "?" }.joined(separator: ", ")))
                    AND NOT EXISTS (SELECT 1 FROM ledger_posting p WHERE p.reverses = a.posting_seq) ORDER BY a.id
                    """,
                arguments: arguments
            ) { row in
                let org: String = row[0]
                if names[org] == nil { names[org] = row[1] as String }
                return true
            }
        }
        return names
    }

    func financeYears(office: String) throws -> [FinancialYear] {
        // The allocations' years through `allocation_year` (year_start, office_id), one seek a year: the years of
        // every office in turn (each the least above the last), each kept when the office has an allocation in it.
        // (`WHERE office_id = ?` alone scanned the whole index: 197,000 entries on the national data set.)
        try fetchValues(
            Int.self,
            sql: """
                WITH RECURSIVE y(v) AS (
                    SELECT min(year_start) FROM allocation
                    UNION ALL
                    SELECT (SELECT min(year_start) FROM allocation WHERE year_start > y.v) FROM y WHERE y.v IS NOT NULL)
                SELECT v FROM y WHERE v IS NOT NULL
                    AND EXISTS (SELECT 1 FROM allocation a WHERE a.year_start = y.v AND a.office_id = ?)
                UNION SELECT year_start FROM budget_strand WHERE office_id = ? ORDER BY 1
                """,
            arguments: [office, office]
        ).map(FinancialYear.init(startYear:))
    }

    func allocations(ids: [String]) throws -> [StoredAllocation] {
        var found: [StoredAllocation] = []
        var start = 0
        while start < ids.count {
            let chunk = Array(ids[start..<min(start + 500, ids.count)])
            start += chunk.count
            found += try storedAllocations(
                try fetchAllRows(
                    sql: "SELECT * FROM allocation WHERE id IN (\(chunk.map { _ in "?" }.joined(separator: ", ")))",
                    arguments: SQLArguments(chunk)))
        }
        return found
    }

    private func storedAllocations(_ rows: [SQLRow]) throws -> [StoredAllocation] {
        try rows.map { row in
            let kind: String = row["spend_kind"]
            let method: String = row["method"]
            let dayText: String = row["day"]
            guard let amount = Money(pence: row["amount_pence"]), let spendKind = Allocation.SpendKind(rawValue: kind),
                let m = Allocation.Method(rawValue: method)
            else { throw StoreError.invalidData(what: "allocation \(row["id"] as String)") }
            let allocation = Allocation(
                id: row["id"], office: row["office_id"], year: FinancialYear(startYear: row["year_start"]),
                strand: row["strand"], recipientOrgID: row["recipient_org_id"], recipientName: row["recipient_name"],
                purpose: row["purpose"], area: row["area"], decisionID: row["decision_id"], amount: amount,
                spendKind: spendKind, revenueContributionToCapital: row["revenue_contribution_to_capital"], method: m,
                overCommitmentPercent: row["over_commitment_percent"], day: try Day(iso: dayText),
                sizeBand: row["size_band"])
            return StoredAllocation(allocation: allocation, postingSequence: row["posting_seq"])
        }
    }

    func allocationCount(office: String) throws -> Int {
        writtenRecords.counting(in: office)
        return try fetchValue(
            Int.self, sql: "SELECT count(*) FROM allocation WHERE office_id = ?", arguments: [office])!
    }
}

extension SQLTransaction {
    /// Runs a query that adds amounts up, turning SQLite's "integer overflow" (only an amount above `Money.ceiling`
    /// from an older version can cause it) into the ledger's typed error naming what was being added up.
    /// `sum(expression)` as a 64-bit integer on both engines: SQLite's sum() stops with "integer overflow" past 64
    /// bits; PostgreSQL's is an exact numeric, cast back so that it refuses the same way (22003).
    func integerSum(_ expression: String) -> String {
        dialect == .sqlite ? "sum(\(expression))" : "sum(\(expression))::bigint"
    }

    func summing<T>(_ what: String, _ body: () throws -> T) throws -> T {
        do { return try guarded { try body() } } catch SQLFailure.integerOverflow {
            throw LedgerError.sumTooLarge(of: what)
        }
    }
}
