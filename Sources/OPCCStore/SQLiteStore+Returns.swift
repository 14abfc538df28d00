import Foundation
import OPCCCore

extension SQLTransaction {
    private static let jsonEncoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        return e
    }()

    private func json(_ value: some Encodable) throws -> String {
        String(decoding: try Self.jsonEncoder.encode(value), as: UTF8.self)
    }

    private func decode<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
        try storedDataDecoder().decode(T.self, from: Data(text.utf8))
    }

    func insertReturn(_ r: ReturnRecord) throws {
        noteWritten(.quarterlyReturn(r.id))
        do {
            try guarded {
                try execute(
                    sql: """
                        INSERT INTO quarterly_return (id, office_id, agreement_id, quarter, quarter_key, period_start,
                            period_end, due_on, end_of_grant)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        r.id, r.office, r.agreementID, r.quarter.description,
                        r.quarter.year.startYear * 10 + r.quarter.number,
                        r.schedule.start.iso, r.schedule.end.iso, r.dueOn.iso, r.schedule.endOfGrant ? 1 : 0,
                    ])
            }
        } catch SQLFailure.constraint {
            throw StoreError.duplicate(what: "a \(r.quarter) return for \(r.agreementID)")
        }
        for version in r.versions { try saveReturnVersion(returnID: r.id, version) }
    }

    func saveReturnVersion(returnID: String, _ v: ReturnVersion) throws {
        noteWritten(.quarterlyReturn(returnID))
        do {
            try guarded {
                try execute(
                    sql: """
                        INSERT INTO return_version (return_id, number, content_json, submitted_by, submitted_on,
                            correction_reason, review_outcome, review_json)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                        ON CONFLICT(return_id, number) DO UPDATE SET content_json = excluded.content_json,
                            submitted_by = excluded.submitted_by, submitted_on = excluded.submitted_on,
                            correction_reason = excluded.correction_reason, review_outcome = excluded.review_outcome,
                            review_json = excluded.review_json
                        """,
                    arguments: [
                        returnID, v.number, try json(v.content), v.submittedBy, v.submittedOn?.iso, v.correctionReason,
                        v.review?.outcome.rawValue, try v.review.map { try json($0) },
                    ])
            }
        } catch SQLFailure.constraint(let kind) {
            let reason: String
            if case .trigger(let message) = kind {
                reason = message
            } else {
                reason = "the database refused it (\(kind))"
            }
            throw StoreError.invalidData(what: "return \(returnID) version \(v.number): \(reason)")
        }
    }

    private func returnRecords(where clause: String, _ arguments: SQLArguments) throws -> [ReturnRecord] {
        let rows = try fetchAllRows(
            sql: "SELECT * FROM quarterly_return \(clause) ORDER BY agreement_id, quarter_key", arguments: arguments)
        return try rows.map { row in
            let id: String = row["id"]
            let quarterText: String = row["quarter"]
            let start: String = row["period_start"]
            let end: String = row["period_end"]
            let due: String = row["due_on"]
            let endOfGrant: Int = row["end_of_grant"]
            let versions = try fetchAllRows(
                sql: "SELECT * FROM return_version WHERE return_id = ? ORDER BY number", arguments: [id]
            ).map { v -> ReturnVersion in
                let submittedOn: String? = v["submitted_on"]
                let review: String? = v["review_json"]
                return ReturnVersion(
                    number: v["number"], content: try decode(ReturnContent.self, v["content_json"]),
                    submittedBy: v["submitted_by"], submittedOn: try submittedOn.map { try Day(iso: $0) },
                    correctionReason: v["correction_reason"],
                    review: try review.map { try decode(ReturnReview.self, $0) })
            }
            return ReturnRecord(
                id: id, office: row["office_id"], agreementID: row["agreement_id"],
                schedule: ScheduledReturn(
                    quarter: try Quarter(parsing: quarterText), start: try Day(iso: start), end: try Day(iso: end),
                    dueOn: try Day(iso: due), endOfGrant: endOfGrant != 0),
                versions: versions)
        }
    }

    func returnRecord(id: String) throws -> ReturnRecord? {
        try returnRecords(where: "WHERE id = ?", [id]).first
    }

    func returnRecords(office: String?, agreement: String?) throws -> [ReturnRecord] {
        switch (office, agreement) {
        case (nil, nil): return try returnRecords(where: "", [])
        case (let office?, nil): return try returnRecords(where: "WHERE office_id = ?", [office])
        case (nil, let agreement?): return try returnRecords(where: "WHERE agreement_id = ?", [agreement])
        case (let office?, let agreement?):
            return try returnRecords(where: "WHERE office_id = ? AND agreement_id = ?", [office, agreement])
        }
    }

    func returnListPage(_ query: ReturnListQuery, limit: Int, offset: Int) throws -> (ids: [String], total: Int) {
        var conditions = ["q.office_id = ?"]
        var arguments: SQLArguments = [query.office]
        if let agreement = query.agreement {
            conditions.append("q.agreement_id = ?")
            arguments += [agreement]
        }
        if let agreements = query.agreements {
            guard !agreements.isEmpty else { return ([], 0) }
            conditions.append("q.agreement_id IN (" + agreements.map { _ in "?" }.joined(separator: ", ") + ")")
            for agreement in agreements.sorted() { arguments += [agreement] }
        }
        let outstanding = "i.state IN ('scheduled', 'draft', 'returned-for-revision')"
        switch query.status {
        case nil: break
        case .due:
            conditions.append("\(outstanding) AND q.due_on >= ?")
            arguments += [query.today.iso]
        case .overdue:
            conditions.append("\(outstanding) AND q.due_on < ?")
            arguments += [query.today.iso]
        case .escalated:
            conditions.append(
                "EXISTS (SELECT 1 FROM deadline_notice n WHERE n.subject_id = q.id AND n.kind = 'escalate')")
        case .awaitingReview:
            conditions.append("i.state = 'submitted'")
        }
        let from =
            "FROM quarterly_return q JOIN workflow_instance i ON i.id = q.id WHERE "
            + conditions.joined(separator: " AND ")
        let total = try fetchValue(Int.self, sql: "SELECT count(*) \(from)", arguments: arguments) ?? 0
        let ids = try fetchAllRows(
            sql: "SELECT q.id \(from) ORDER BY q.agreement_id, q.quarter_key LIMIT ? OFFSET ?",
            arguments: arguments + [limit, offset]
        ).map { row -> String in row[0] }
        return (ids, total)
    }

    func returnListLines(
        _ query: ReturnListQuery, limit: Int, offset: Int, after: ReturnListCursor?
    ) throws -> (lines: [ReturnListLine], total: Int) {
        var conditions = ["q.office_id = ?"]
        var arguments: SQLArguments = [query.office]
        if let agreement = query.agreement {
            conditions.append("q.agreement_id = ?")
            arguments += [agreement]
        }
        if let agreements = query.agreements {
            guard !agreements.isEmpty else { return ([], 0) }
            conditions.append("q.agreement_id IN (" + agreements.map { _ in "?" }.joined(separator: ", ") + ")")
            for agreement in agreements.sorted() { arguments += [agreement] }
        }
        let outstanding = "i.state IN ('scheduled', 'draft', 'returned-for-revision')"
        var needsState = true
        switch query.status {
        case nil: needsState = false
        case .due:
            conditions.append("\(outstanding) AND q.due_on >= ?")
            arguments += [query.today.iso]
        case .overdue:
            conditions.append("\(outstanding) AND q.due_on < ?")
            arguments += [query.today.iso]
        case .escalated:
            needsState = false
            conditions.append(
                "EXISTS (SELECT 1 FROM deadline_notice n WHERE n.subject_id = q.id AND n.kind = 'escalate')")
        case .awaitingReview:
            conditions.append("i.state = 'submitted'")
        }
        // The count reads the office's returns through their index (the instance only when the filter is a state).
        let filtered = conditions.joined(separator: " AND ")
        let total =
            try fetchValue(
                Int.self,
                sql: "SELECT count(*) FROM quarterly_return q "
                    + (needsState ? "JOIN workflow_instance i ON i.id = q.id " : "") + "WHERE " + filtered,
                arguments: arguments) ?? 0
        var pageConditions = filtered
        var pageArguments = arguments
        if let after {
            pageConditions += " AND (q.agreement_id > ? OR (q.agreement_id = ? AND q.quarter_key > ?))"
            pageArguments += [after.agreement, after.agreement, after.quarterKey]
        }
        let recipient =
            dialect == .sqlite
            ? "json_extract(a.terms_json, '$.recipient.name')" : "(a.terms_json -> 'recipient' ->> 'name')"
        let rows = try fetchAllRows(
            sql: """
                SELECT q.id, q.office_id, q.agreement_id, \(recipient) AS recipient, q.quarter, q.quarter_key,
                    q.due_on, i.state,
                    EXISTS (SELECT 1 FROM deadline_notice n WHERE n.subject_id = q.id AND n.kind = 'escalate')
                        AS escalated
                FROM quarterly_return q JOIN workflow_instance i ON i.id = q.id
                JOIN grant_agreement a ON a.id = q.agreement_id
                WHERE \(pageConditions) ORDER BY q.agreement_id, q.quarter_key LIMIT ? OFFSET ?
                """,
            arguments: pageArguments + [limit, after == nil ? offset : 0])
        let lines = rows.map { row -> ReturnListLine in
            let escalated: Bool = row["escalated"]
            let recipient: String? = row["recipient"]
            return ReturnListLine(
                id: row["id"], office: row["office_id"], agreement: row["agreement_id"], recipient: recipient ?? "",
                quarter: row["quarter"], quarterKey: row["quarter_key"], dueOn: row["due_on"], state: row["state"],
                escalated: escalated)
        }
        return (lines, total)
    }

    func returnCount(office: String) throws -> Int {
        writtenRecords.counting(in: office)
        return try fetchValue(
            Int.self, sql: "SELECT count(*) FROM quarterly_return WHERE office_id = ?", arguments: [office])!
    }

    func recordDeadlineNotice(subject: String, kind: DeadlineAction.Kind, day: Day, auditSequence: Int64) throws {
        try execute(
            sql: "INSERT INTO deadline_notice (subject_id, kind, day, audit_seq) VALUES (?, ?, ?, ?)",
            arguments: [subject, kind.rawValue, day.iso, auditSequence])
    }

    func deadlineNotices(subject: String) throws -> [DeadlineAction.Kind: Day] {
        var found: [DeadlineAction.Kind: Day] = [:]
        for row in try fetchAllRows(
            sql: "SELECT kind, day FROM deadline_notice WHERE subject_id = ?", arguments: [subject])
        {
            let kind: String = row["kind"]
            let day: String = row["day"]
            if let k = DeadlineAction.Kind(rawValue: kind) { found[k] = try Day(iso: day) }
        }
        return found
    }

    func saveProposal(_ p: VariationProposal) throws {
        noteWritten(.variation(p.id))
        try execute(
            sql: """
                INSERT INTO variation_proposal (id, office_id, agreement_id, return_id, status, proposal_json)
                VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT(id) DO UPDATE SET status = excluded.status, proposal_json = excluded.proposal_json
                """, arguments: [p.id, p.office, p.agreementID, p.returnID, p.status.rawValue, try json(p)])
    }

    func proposals(office: String?) throws -> [VariationProposal] {
        try fetchValues(
            String.self,
            sql:
                "SELECT proposal_json FROM variation_proposal \(office == nil ? "" : "WHERE office_id = ?") ORDER BY id",
            arguments: office.map { [$0] } ?? []
        ).map { try decode(VariationProposal.self, $0) }
    }

    func proposalCount(office: String) throws -> Int {
        writtenRecords.counting(in: office)
        return try fetchValue(
            Int.self, sql: "SELECT count(*) FROM variation_proposal WHERE office_id = ?", arguments: [office])!
    }

    func saveIndicatorSeries(agreement: String, indicator: String, source: String, values: [(Quarter, Int64)]) throws {
        noteWritten(.indicators(agreement))
        for (quarter, value) in values {
            try execute(
                sql: """
                    INSERT INTO indicator_value (agreement_id, indicator, quarter_key, quarter, value, source)
                    VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT(agreement_id, indicator, quarter_key) DO UPDATE SET value = excluded.value,
                        source = excluded.source
                    """,
                arguments: [
                    agreement, indicator, quarter.year.startYear * 10 + quarter.number, quarter.description, value,
                    source,
                ])
        }
    }

    func indicatorSeries(agreement: String) throws -> [IndicatorValue] {
        try fetchAllRows(
            sql: "SELECT * FROM indicator_value WHERE agreement_id = ? ORDER BY indicator, quarter_key",
            arguments: [agreement]
        ).map { row in
            let quarter: String = row["quarter"]
            return IndicatorValue(
                indicator: row["indicator"], quarter: try Quarter(parsing: quarter), value: row["value"],
                source: row["source"])
        }
    }
}
