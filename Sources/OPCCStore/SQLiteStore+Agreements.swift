import Foundation
import OPCCCore

extension SQLTransaction {
    func saveCarryForward(_ r: CarryForwardRequest) throws {
        noteWritten(.carryForward(r.id))
        try execute(
            sql: """
                INSERT INTO carry_forward (id, office_id, year_start, strand, recipient_org_id, forecast_pence, reason,
                    decision_id, actual_pence)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(id) DO UPDATE SET decision_id = excluded.decision_id, actual_pence = excluded.actual_pence
                """,
            arguments: [
                r.id, r.office, r.year.startYear, r.strand, r.recipientOrgID, r.forecast.pence, r.reason, r.decisionID,
                r.actual?.pence,
            ])
    }

    func carryForward(id: String) throws -> CarryForwardRequest? {
        guard
            let row = try fetchOneRow(sql: "SELECT * FROM carry_forward WHERE id = ?", arguments: [id])
        else { return nil }
        let actual: Int64? = row["actual_pence"]
        guard let forecast = Money(pence: row["forecast_pence"]) else { throw StoreError.invalidData(what: id) }
        return CarryForwardRequest(
            id: row["id"], office: row["office_id"], year: FinancialYear(startYear: row["year_start"]),
            strand: row["strand"], recipientOrgID: row["recipient_org_id"], forecast: forecast, reason: row["reason"],
            decisionID: row["decision_id"], actual: actual.flatMap { Money(pence: $0) })
    }

    func carryForwardCount(office: String) throws -> Int {
        writtenRecords.counting(in: office)
        return try fetchValue(
            Int.self, sql: "SELECT count(*) FROM carry_forward WHERE office_id = ?", arguments: [office])!
    }
}

extension SQLTransaction {
    private static let termsEncoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        return e
    }()

    func saveAgreement(_ a: GrantAgreement) throws {
        noteWritten(.agreement(a.id))
        let json = String(decoding: try Self.termsEncoder.encode(a), as: UTF8.self)
        try execute(
            sql: """
                INSERT INTO grant_agreement (id, office_id, decision_id, recipient_org_id, amount_pence, terms_json)
                VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT(id) DO UPDATE SET amount_pence = excluded.amount_pence, terms_json = excluded.terms_json
                """, arguments: [a.id, a.office, a.decisionID, a.recipient.orgID, a.amount.pence, json])
        for allocation in a.allocationIDs {
            do {
                try guarded {
                    try execute(
                        sql:
                            "INSERT INTO grant_agreement_allocation (agreement_id, allocation_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
                        arguments: [a.id, allocation])
                }
            } catch SQLFailure.constraint(.foreignKey) {
                throw StoreError.notFound(what: "allocation \(allocation)")
            }
            let owner = try fetchValue(
                String.self, sql: "SELECT agreement_id FROM grant_agreement_allocation WHERE allocation_id = ?",
                arguments: [allocation])
            if owner != a.id {
                throw StoreError.duplicate(what: "allocation \(allocation) in agreement \(owner ?? "")")
            }
        }
        // Its terms may name other allocations now: the committed cache follows, in this transaction.
        try refreshCommitment(agreement: a.id)
    }

    func agreement(id: String) throws -> GrantAgreement? {
        try fetchValue(String.self, sql: "SELECT terms_json FROM grant_agreement WHERE id = ?", arguments: [id]).map {
            try storedDataDecoder().decode(GrantAgreement.self, from: Data($0.utf8))
        }
    }

    func agreements(office: String?) throws -> [GrantAgreement] {
        try fetchValues(
            String.self,
            sql: "SELECT terms_json FROM grant_agreement \(office == nil ? "" : "WHERE office_id = ?") ORDER BY id",
            arguments: office.map { [$0] } ?? []
        ).map { try storedDataDecoder().decode(GrantAgreement.self, from: Data($0.utf8)) }
    }

    func agreements(office: String, decidedFrom from: Day, through: Day) throws -> [GrantAgreement] {
        try fetchValues(
            String.self,
            sql: """
                SELECT a.terms_json FROM grant_agreement a JOIN decision_record d ON d.id = a.decision_id
                WHERE a.office_id = ? AND d.office_id = ? AND d.decided_on BETWEEN ? AND ? ORDER BY a.id
                """,
            arguments: [office, office, from.iso, through.iso]
        ).map { try storedDataDecoder().decode(GrantAgreement.self, from: Data($0.utf8)) }
    }

    func decidedDays(office: String?) throws -> (first: Day, last: Day)? {
        let row = try fetchOneRow(
            sql: "SELECT min(decided_on), max(decided_on) FROM decision_record"
                + (office == nil ? "" : " WHERE office_id = ?"),
            arguments: office.map { [$0] } ?? [])
        guard let row else { return nil }
        let first: String? = row[0]
        let last: String? = row[1]
        guard let first, let last else { return nil }
        return (try Day(iso: first), try Day(iso: last))
    }

    func agreements(payingAllocations ids: [String]) throws -> [GrantAgreement] {
        var found: [String: GrantAgreement] = [:]
        var start = 0
        while start < ids.count {
            let chunk = Array(ids[start..<min(start + 500, ids.count)])
            start += chunk.count
            let rows = try fetchAllRows(
                sql: """
                    SELECT a.id, a.terms_json FROM grant_agreement a WHERE a.id IN (
                        SELECT l.agreement_id FROM grant_agreement_allocation l
                        WHERE l.allocation_id IN (\(chunk.map { _ in "?" }.joined(separator: ", "))))
                    """, arguments: SQLArguments(chunk))
            for row in rows {
                let id: String = row[0]
                guard found[id] == nil else { continue }
                let terms: String = row[1]
                found[id] = try storedDataDecoder().decode(GrantAgreement.self, from: Data(terms.utf8))
            }
        }
        return found.keys.sorted().map { found[$0]! }
    }

    func agreements(office: String, allocationYear year: FinancialYear) throws -> [GrantAgreement] {
        try fetchValues(
            String.self,
            sql: """
                SELECT terms_json FROM grant_agreement WHERE office_id = ? AND id IN (
                    SELECT l.agreement_id FROM grant_agreement_allocation l JOIN allocation a ON a.id = l.allocation_id
                    WHERE a.office_id = ? AND a.year_start = ?)
                ORDER BY id
                """,
            arguments: [office, office, year.startYear]
        ).map { try storedDataDecoder().decode(GrantAgreement.self, from: Data($0.utf8)) }
    }
}
