import Foundation
import OPCCCore

extension SQLTransaction {
    private static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        return e
    }()

    func saveDecision(_ record: DecisionRecord, instanceID: String) throws {
        noteWritten(.decision(record.id))
        let part1 = record.withoutPart2Content
        let json = String(decoding: try Self.encoder.encode(part1), as: UTF8.self)
        do {
            try guarded {
                try execute(
                    sql: """
                        INSERT INTO decision_record (id, office_id, instance_id, number, title, strand,
                            financial_year_start, amount_pence, originating_officer, decided_on, outcome, deferred,
                            deferral_until, part1_deadline, published_on, part2_exists, exception_count, part1_json)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        ON CONFLICT(id) DO UPDATE SET number = excluded.number, title = excluded.title,
                            strand = excluded.strand, financial_year_start = excluded.financial_year_start,
                            amount_pence = excluded.amount_pence, decided_on = excluded.decided_on,
                            outcome = excluded.outcome, deferred = excluded.deferred,
                            deferral_until = excluded.deferral_until, part1_deadline = excluded.part1_deadline,
                            published_on = excluded.published_on, part2_exists = excluded.part2_exists,
                            exception_count = excluded.exception_count, part1_json = excluded.part1_json
                        """,
                    arguments: [
                        record.id, record.office, instanceID, record.number, record.title, record.fundingSource?.strand,
                        record.fundingSource?.year.startYear, record.amount?.pence, record.originatingOfficer,
                        record.decision?.day.iso, record.decision?.outcome.rawValue, record.publication.deferred,
                        record.publication.until?.iso, record.part1Deadline?.iso, record.publishedOn?.iso,
                        record.part2.exists, record.exceptions.count, json,
                    ])
            }
        } catch SQLFailure.constraint(.unique) {
            throw StoreError.duplicate(what: "decision number \(record.number ?? "") in \(record.office)")
        }
        if let content = record.part2.content {
            try execute(
                sql: """
                    INSERT INTO decision_part2 (record_id, content) VALUES (?, ?)
                    ON CONFLICT(record_id) DO UPDATE SET content = excluded.content
                    """, arguments: [record.id, content])
        }
        try saveSearchText(record)
    }

    /// Saves what the register's search reads of the record (Part 1 only).
    func saveSearchText(_ record: DecisionRecord) throws {
        try saveSearchText(
            record.id, number: record.number ?? "", title: record.title,
            body: Self.part1Text(record.withoutPart2Content))
    }

    /// What the register's search reads: SQLite's FTS5 table; on PostgreSQL the folded words in one text, each
    /// preceded by a space, so that "a word starts with w" is `LIKE '% w%'`.
    private func saveSearchText(_ id: String, number: String, title: String, body: String) throws {
        switch dialect {
        case .sqlite:
            // The record's row of the index is under the record's own rowid (`2026-12-14-search-by-record-rowid`),
            // so a search's matches are records' rowids: replaced in place (the record is saved before its text).
            guard
                let row = try fetchValue(
                    Int64.self, sql: "SELECT rowid FROM decision_record WHERE id = ?", arguments: [id])
            else { throw StoreError.notFound(what: "decision record \(id)") }
            try execute(sql: "DELETE FROM decision_fts WHERE rowid = ?", arguments: [row])
            try execute(
                sql: "INSERT INTO decision_fts (rowid, record_id, number, title, body) VALUES (?, ?, ?, ?, ?)",
                arguments: [row, id, number, title, body])
        case .postgres:
            let words = SearchText([number, title, body].joined(separator: "\n")).words.map(Self.folded)
            try execute(
                sql: """
                    INSERT INTO decision_search (record_id, words) VALUES (?, ?)
                    ON CONFLICT (record_id) DO UPDATE SET words = excluded.words
                    """, arguments: [id, words.map { " " + $0 }.joined()])
        }
    }

    /// A word as the search compares it: without case or diacritics, as FTS5's `unicode61` tokenizer folds it.
    static func folded(_ word: String) -> String {
        word.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil).lowercased()
    }

    /// The search's condition on a record id, and its arguments: every typed word starts a word of the record.
    /// `inOrder` (SQLite): the register is read in its order and each record tested against the matches, instead
    /// of the matches being read and sorted (see `searchReadsInOrder`).
    private func searchCondition(
        _ search: SearchText, inOrder: Bool = false
    ) -> (sql: String, arguments: [any SQLBindable]) {
        switch dialect {
        case .sqlite:
            // The words as FTS5 strings, never as FTS5 syntax; the matches are the records' rowids, read from the
            // index's lists alone (each row of the index is under its record's rowid), never from its content. A `+`
            // keeps SQLite from reading the records by rowid when the page is read in the register's order.
            return (
                "\(inOrder ? "+" : "")r.rowid IN (SELECT rowid FROM decision_fts WHERE decision_fts MATCH ?)",
                [Self.ftsQuery(search)]
            )
        case .postgres:
            // LIKE's own characters escaped, so a typed `%` or `_` is itself.
            let patterns = search.words.map { word in
                "% "
                    + Self.folded(word).replacingOccurrences(of: "\\", with: "\\\\")
                    .replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_") + "%"
            }
            let conditions = patterns.map { _ in "words LIKE ? ESCAPE '\\'" }.joined(separator: " AND ")
            return ("r.id IN (SELECT record_id FROM decision_search WHERE \(conditions))", patterns)
        }
    }

    /// The FTS5 query for a search: each word a quoted string (so no character of it is syntax) matched as a
    /// prefix, all of them required.
    static func ftsQuery(_ search: SearchText) -> String {
        search.words.map { "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"*" }
            .joined(separator: " AND ")
    }

    /// Every Part 1 text a reader may search.
    static func part1Text(_ r: DecisionRecord) -> String {
        ([
            r.executiveSummary, r.recommendation, r.introductionAndBackground, r.issuesForConsideration,
            r.backgroundPapers, r.fundingSource?.strand ?? "", r.consultation ?? "",
        ]
            + r.implications.keys.sorted().map { r.implications[$0]! }).joined(separator: "\n")
    }

    func decision(id: String) throws -> DecisionRecord? {
        guard
            let row = try fetchOneRow(
                sql: """
                    SELECT r.part1_json, p.content FROM decision_record r
                    LEFT JOIN decision_part2 p ON p.record_id = r.id WHERE r.id = ?
                    """, arguments: [id])
        else { return nil }
        let json: String = row["part1_json"]
        var record = try storedDataDecoder().decode(DecisionRecord.self, from: Data(json.utf8))
        record.part2.content = row["content"]
        return record
    }

    func decisionPart1JSON(id: String) throws -> (office: String, json: String)? {
        try fetchOneRow(sql: "SELECT office_id, part1_json FROM decision_record WHERE id = ?", arguments: [id]).map {
            row in (row[0], row[1])
        }
    }

    func decisionID(office: String, number: String) throws -> String? {
        try fetchValue(
            String.self, sql: "SELECT id FROM decision_record WHERE office_id = ? AND number = ?",
            arguments: [office, number])
    }

    func decisionInstanceID(recordID: String) throws -> String? {
        try fetchValue(String.self, sql: "SELECT instance_id FROM decision_record WHERE id = ?", arguments: [recordID])
    }

    func nextDecisionSequence(office: String, key: String, atLeast: Int) throws -> Int {
        try execute(
            sql: """
                INSERT INTO decision_number_sequence (office_id, sequence_key, last_sequence) VALUES (?, ?, ?)
                ON CONFLICT(office_id, sequence_key) DO UPDATE SET last_sequence = \(greatest("decision_number_sequence.last_sequence + 1", "?"))
                """, arguments: [office, key, atLeast, atLeast])
        return try fetchValue(
            Int.self,
            sql: "SELECT last_sequence FROM decision_number_sequence WHERE office_id = ? AND sequence_key = ?",
            arguments: [office, key])!
    }

    func noteDecisionSequence(office: String, key: String, sequence: Int) throws {
        try execute(
            sql: """
                INSERT INTO decision_number_sequence (office_id, sequence_key, last_sequence) VALUES (?, ?, ?)
                ON CONFLICT(office_id, sequence_key) DO UPDATE SET last_sequence = \(greatest("decision_number_sequence.last_sequence", "?"))
                """, arguments: [office, key, sequence, sequence])
    }

    func decisionCount(office: String) throws -> Int {
        writtenRecords.counting(in: office)
        return try fetchValue(
            Int.self, sql: "SELECT count(*) FROM decision_record WHERE office_id = ?", arguments: [office])!
    }

    func decisionRegister(_ f: DecisionFilter) throws -> [DecisionRegisterRow] {
        let (whereClause, arguments) = registerCondition(f)
        // Prepared once per connection for each combination of filters (a bounded set: the values are arguments).
        // Only the columns a row shows, read by position: `r.*` copied every record's Part 1 JSON, and reading by
        // name looked each column up case-insensitively, together most of the register's cost.
        return try fetchAllRows(
            sql: """
                SELECT \(Self.registerColumns), \(Self.delegationColumns) \(registerFrom) \(whereClause)
                ORDER BY \(Self.order(f.sort))
                """,
            arguments: arguments
        ).map(registerRow)
    }

    /// One page of the register: `limit` rows after `cursor` (when given) and `offset` more, in the register's order,
    /// and how many rows the whole filter holds. Only the page's rows are read: an index on the register's order
    /// (`decision_record_register`) lets the engine stop after them.
    func decisionRegisterPage(
        _ f: DecisionFilter, limit: Int, offset: Int, after cursor: RegisterCursor?
    ) throws -> (rows: [DecisionRegisterRow], total: Int) {
        let (whereClause, arguments) = registerCondition(f)
        let total = try registerTotal(whereClause, arguments)
        // The same rows, read the cheaper way for this search (the count above is the same either way).
        let inOrder = try searchReadsInOrder(f, rows: limit + offset)
        let (pageWhereClause, _) = inOrder ? registerCondition(f, searchInOrder: true) : (whereClause, arguments)
        var pageWhere = pageWhereClause
        var pageArguments = arguments
        // The keyset applies to the register's own order only; another order is paged by offset.
        if let cursor, f.sort == .register {
            pageWhere += (whereClause.isEmpty ? "WHERE " : " AND ") + "(\(Self.registerOrder)) > (?, ?, ?, ?)"
            pageArguments += [cursor.office, cursor.decidedKey, cursor.numberKey, cursor.id]
        }
        pageArguments += [limit, offset]
        let rows = try fetchAllRows(
            sql: """
                SELECT \(Self.registerColumns), \(Self.delegationColumns) \(registerFrom) \(pageWhere)
                ORDER BY \(Self.order(f.sort)) LIMIT ? OFFSET ?
                """, arguments: pageArguments)
        return (try rows.map(registerRow), total)
    }

    /// Whether a page of a search (SQLite, the register's order) is read faster in the register's order, testing each
    /// record against the matches, than by reading every match and sorting them. In order, the page costs about
    /// `rows × records ÷ matches` records read; by the matches, `matches` records read and sorted. So a common word
    /// (2,434 of 29,307 records) is read in order (0.9 ms where sorting its matches took 15 ms) and a rare one by its
    /// matches. Both counts are read from indexes without reading rows (the records' from the largest rowid).
    private func searchReadsInOrder(_ f: DecisionFilter, rows: Int) throws -> Bool {
        guard dialect == .sqlite, f.sort == .register, let text = f.text, case let search = SearchText(text),
            !search.isEmpty
        else { return false }
        let matches = try keptCount(
            "SELECT count(*) FROM decision_fts WHERE decision_fts MATCH ?", [Self.ftsQuery(search)])
        // Records are never deleted, so the largest rowid is their number, read from the b-tree's edge: counting
        // them read a whole index (34 ms of a search on the national data set when it was not in the page cache).
        let records = try fetchValue(Int.self, sql: "SELECT coalesce(max(rowid), 0) FROM decision_record") ?? 0
        return matches * matches > max(rows, 1) * records
    }

    /// How many records the filter holds: counted, or from the store's `RegisterTotals` while the audit chain's head
    /// has not moved since it was counted (read transactions only).
    private func registerTotal(_ whereClause: String, _ arguments: SQLArguments) throws -> Int {
        try keptCount("SELECT count(*) \(registerFrom) \(whereClause)", arguments)
    }

    /// The count `query` gives (a register's total, a search's matches): counted, or from the store's
    /// `RegisterTotals` while the audit chain's head has not moved since it was counted (read transactions only;
    /// the query's text is part of the key).
    private func keptCount(_ query: String, _ arguments: SQLArguments) throws -> Int {
        let count = { try fetchValue(Int.self, sql: query, arguments: arguments) ?? 0 }
        guard let totals = registerTotals else { return try count() }
        let head = try fetchValue(Int64.self, sql: "SELECT coalesce(max(seq), 0) FROM audit_event") ?? 0
        let key = RegisterTotals.key(query, arguments)
        if let known = totals.value(key, head: head) { return known }
        let total = try count()
        totals.keep(total, key: key, head: head)
        return total
    }

    static let registerColumns = """
        r.id, r.office_id, r.number, r.title, i.state, r.amount_pence, r.strand, r.financial_year_start,
        r.originating_officer, r.decided_on, r.outcome, r.part1_deadline, r.published_on, r.deferred,
        r.deferral_until, r.part2_exists, r.exception_count
        """
    /// Who decided in the Commissioner's place, the delegation's limit and the noting day, for the rows a register
    /// shows: columns the database computes from the stored Part 1 (never Part 2, which is not in it) whenever it is
    /// written (`2026-12-14-decision-part1-columns`), so the page does not parse each row's JSON.
    static let delegationColumns = """
        CASE WHEN r.decided_role <> 'commissioner' THEN r.decided_role END, r.delegation_up_to, r.noting_day
        """
    /// The register's tables. On SQLite a CROSS JOIN keeps `decision_record` the outer loop, so the page is read
    /// from `decision_record_register` in order and the read stops after it: with a plain JOIN SQLite's planner
    /// preferred to scan every instance for a state and sort the lot. PostgreSQL's planner chooses by its statistics.
    var registerFrom: String {
        "FROM decision_record r \(dialect == .sqlite ? "CROSS JOIN" : "JOIN") workflow_instance i ON i.id = r.instance_id"
    }
    /// The register's order, also its keyset (`RegisterCursor`), matched by the index `decision_record_register`.
    static let registerOrder = "r.office_id, coalesce(r.decided_on, '9999'), coalesce(r.number, ''), r.id"

    /// The ORDER BY of a sort: the register's own, or another with the register's order breaking ties (so an offset
    /// page is the same rows however often it is read). Undecided records and records without an amount come last.
    static func order(_ sort: RegisterSort) -> String {
        switch sort {
        case .register: registerOrder
        case .newest: "coalesce(r.decided_on, '0000') DESC, \(registerOrder)"
        case .oldest: "coalesce(r.decided_on, '9999'), \(registerOrder)"
        case .amountHighest: "coalesce(r.amount_pence, -1) DESC, \(registerOrder)"
        case .amountLowest: "coalesce(r.amount_pence, 9223372036854775807), \(registerOrder)"
        }
    }

    /// The role that took the decision, computed from the stored Part 1 (`DecisionTaken.role`); NULL when undecided.
    private var decidedRoleSQL: String {
        "r.decided_role"
    }

    /// The WHERE clause of a filter, and its arguments.
    private func registerCondition(_ f: DecisionFilter, searchInOrder: Bool = false) -> (String, SQLArguments) {
        var conditions: [String] = []
        var arguments: SQLArguments = []
        func add(_ sql: String, _ values: [(any SQLBindable)?]) {
            conditions.append(sql)
            for v in values { arguments += [v] }
        }
        if let v = f.office { add("r.office_id = ?", [v]) }
        if let v = f.financialYearStart {
            add(
                """
                (CASE WHEN r.decided_on IS NOT NULL THEN
                    CAST(substr(r.decided_on, 1, 4) AS INTEGER)
                        - CASE WHEN substr(r.decided_on, 6, 2) < '04' THEN 1 ELSE 0 END
                 ELSE r.financial_year_start END) = ?
                """, [v])
        }
        if let v = f.status { add("i.state = ?", [v]) }
        if let v = f.outcome { add("r.outcome = ?", [v]) }
        if f.onForwardPlan {
            conditions.append("r.on_forward_plan = 1")
        }
        if let v = f.activeBetween {
            add(
                """
                (r.decided_on BETWEEN ? AND ? OR r.published_on BETWEEN ? AND ?
                    OR i.state = 'publication-deferred')
                """, [v.lowerBound.iso, v.upperBound.iso, v.lowerBound.iso, v.upperBound.iso])
        }
        if let v = f.delegated {
            // Delegated: decided by a role other than the Commissioner's. Not delegated: decided by the Commissioner
            // (an undecided record is neither).
            conditions.append(
                v
                    ? "(\(decidedRoleSQL) IS NOT NULL AND \(decidedRoleSQL) <> 'commissioner')"
                    : "\(decidedRoleSQL) = 'commissioner'")
        }
        if let v = f.strand { add("r.strand = ?", [v]) }
        if let v = f.officer { add("r.originating_officer = ?", [v]) }
        if let v = f.minimumPence { add("r.amount_pence >= ?", [v]) }
        if let v = f.maximumPence { add("r.amount_pence <= ?", [v]) }
        if let v = f.overdueOn {
            // `DecisionRules.isPart1Overdue`, in SQL: the same rule (a test checks they agree around the deadline).
            add("r.published_on IS NULL AND r.part1_deadline IS NOT NULL AND r.part1_deadline < ?", [v.iso])
            conditions.append("i.state NOT IN ('published', 'withdrawn')")
        }
        if let v = f.deferred { add("r.deferred = ?", [v]) }
        if f.undatedDeferral {
            conditions.append("r.deferred = 1 AND r.deferral_until IS NULL AND i.state = 'publication-deferred'")
        }
        if let v = f.text, case let search = SearchText(v), !search.isEmpty {
            // A number the services read in the text is matched on its own column, as an alternative.
            let numbers = f.numbers.map { _ in "(r.office_id = ? AND r.number = ?)" }
            let words = searchCondition(search, inOrder: searchInOrder)
            add(
                "(" + ([words.sql] + numbers).joined(separator: " OR ") + ")",
                words.arguments + f.numbers.flatMap { [$0.office, $0.number] })
        }
        switch f.readableBy {
        case .none: break
        case .published: conditions.append("i.state = 'published'")
        case .insider(let office): add("(i.state = 'published' OR r.office_id = ?)", [office])
        }
        return (conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND "), arguments)
    }

    private func registerRow(_ row: SQLRow) throws -> DecisionRegisterRow {
        func day(_ index: Int) throws -> Day? {
            let text: String? = row[index]
            return try text.map { try Day(iso: $0) }
        }
        let fyStart: Int? = row[7]
        var result = DecisionRegisterRow(
            id: row[0], office: row[1], number: row[2], title: row[3], status: row[4], amountPence: row[5],
            strand: row[6], financialYear: fyStart.map { FinancialYear(startYear: $0).description },
            originatingOfficer: row[8], decidedOn: try day(9), outcome: row[10], part1Deadline: try day(11),
            publishedOn: try day(12), deferred: row[13], deferralUntil: try day(14), part2Exists: row[15],
            exceptionCount: row[16])
        result.delegatedTo = row[17]
        result.delegationLimitPence = row[18]
        result.notedOn = try day(19)
        return result
    }
}
