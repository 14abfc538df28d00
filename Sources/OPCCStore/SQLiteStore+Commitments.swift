import Foundation
import OPCCCore

/// One row of the committed cache (`agreement_commitment`): an allocation an agreement in a committed state
/// (`GrantRules.committedStates`) names in its terms, with what the reconciliation reads of it.
public struct CommitmentCacheRow: Hashable, Sendable {
    public let agreement: String
    public let allocation: String
    public let agreementOffice: String
    public let office: String
    public let yearStart: Int
    public let strand: String
    public let recipient: String
    public let pence: Int64

    /// The row as `finance check` names it: what the reconciliation reads of it.
    public var figures: String { "\(pence) pence (\(office) \(yearStart) \(strand) \(recipient))" }
}

/// One difference `finance check` found between the committed cache and the agreements' terms and states.
public struct CommitmentCacheDifference: Hashable, Sendable {
    public let agreement: String
    public let allocation: String
    /// Nil when the cache has no row the agreement's terms and state call for.
    public let cached: CommitmentCacheRow?
    /// Nil when the cache holds a row no agreement in a committed state accounts for.
    public let recomputed: CommitmentCacheRow?
}

extension Migrations {
    /// The committed cache as the agreements give it (`condition` narrows the agreements, `g`): every allocation an
    /// agreement in a committed state names in its terms, once per agreement, with the allocation's office, year,
    /// strand, recipient and amount. The statement the migration `2026-12-11-committed-cache`, the rebuild after an
    /// office bundle's import, each agreement's refresh and `finance check` share, on both engines.
    static func commitmentSource(sqlite: Bool, condition: String = "1 = 1") -> String {
        let allocationIDs =
            sqlite
            ? "json_each(g.terms_json, '$.allocationIDs') j"
            : "LATERAL json_array_elements_text(g.terms_json -> 'allocationIDs') j(value)"
        let states = GrantRules.committedStates.map { "'\($0)'" }.joined(separator: ", ")
        return """
            SELECT DISTINCT g.id AS agreement_id, a.id AS allocation_id, g.office_id AS agreement_office_id,
                a.office_id AS office_id, a.year_start AS year_start, a.strand AS strand,
                a.recipient_org_id AS recipient_org_id, a.amount_pence AS pence
            FROM grant_agreement g JOIN workflow_instance w ON w.id = g.id
            CROSS JOIN \(allocationIDs)
            JOIN allocation a ON a.id = j.value
            WHERE w.state IN (\(states)) AND \(condition)
            """
    }

    static let commitmentColumns =
        "agreement_id, allocation_id, agreement_office_id, office_id, year_start, strand, recipient_org_id, pence"

    /// The whole cache filled from the agreements (the migration on both engines).
    static func commitmentFill(sqlite: Bool) -> String {
        "INSERT INTO agreement_commitment (\(commitmentColumns))\n" + commitmentSource(sqlite: sqlite) + ";"
    }
}

extension SQLTransaction {
    // MARK: The committed cache (`agreement_commitment`)

    /// Writes agreement `id`'s rows of the committed cache again from its terms and its state, in the transaction
    /// that changed either (an agreement saved, its record moved into or out of a committed state).
    func refreshCommitment(agreement id: String) throws {
        try execute(sql: "DELETE FROM agreement_commitment WHERE agreement_id = ?", arguments: [id])
        try execute(
            sql: "INSERT INTO agreement_commitment (\(Migrations.commitmentColumns))\n"
                + Migrations.commitmentSource(sqlite: dialect == .sqlite, condition: "g.id = ?"),
            arguments: [id])
    }

    /// Rebuilds the committed cache of the agreements of `offices` (after an office bundle's rows were inserted).
    func rebuildCommitments(offices: [String]) throws {
        for office in offices {
            try execute(sql: "DELETE FROM agreement_commitment WHERE agreement_office_id = ?", arguments: [office])
            try execute(
                sql: "INSERT INTO agreement_commitment (\(Migrations.commitmentColumns))\n"
                    + Migrations.commitmentSource(sqlite: dialect == .sqlite, condition: "g.office_id = ?"),
                arguments: [office])
        }
    }

    /// What the agreements in a committed state commit of `year`'s allocations (of `office`, or of every office),
    /// summed per recipient line, read from the committed cache through its index on the year.
    func committedUnderAgreements(year: FinancialYear, office: String?) throws -> [ReconciliationLine: Int64] {
        let officeFilter = office == nil ? "" : "AND office_id = ? AND agreement_office_id = ?"
        var arguments: SQLArguments = [year.startYear]
        if let office { arguments += [office, office] }
        var result: [ReconciliationLine: Int64] = [:]
        try summing("the allocations under agreements in \(year)") {
            try forEachRow(
                sql: """
                    SELECT office_id, strand, recipient_org_id, \(integerSum("pence")) FROM agreement_commitment
                    WHERE year_start = ? \(officeFilter)
                    GROUP BY office_id, strand, recipient_org_id
                    """, arguments: arguments
            ) { row in
                result[ReconciliationLine(office: row[0], year: year, strand: row[1], recipient: row[2])] = row[3]
                return true
            }
        }
        return result
    }

    /// The same sums as `committedUnderAgreements`, each given to `visit` with its recipient's line written as the
    /// text after an account key's kind (`office/2016-17/strand/recipient`), so that `ReconciliationYear` finds
    /// the line by that text alone (nothing is kept here).
    func forEachCommitted(
        year: FinancialYear, office: String?, _ visit: (String, Int64) throws -> Void
    ) throws {
        let officeFilter = office == nil ? "" : "AND office_id = ? AND agreement_office_id = ?"
        var arguments: SQLArguments = [LedgerAccount.yearText(year), year.startYear]
        if let office { arguments += [office, office] }
        try summing("the allocations under agreements in \(year)") {
            try forEachRow(
                sql: """
                    SELECT office_id || '/' || CAST(? AS TEXT) || '/' || strand || '/' || recipient_org_id,
                        \(integerSum("pence"))
                    FROM agreement_commitment
                    WHERE year_start = ? \(officeFilter)
                    GROUP BY office_id, strand, recipient_org_id
                    """, arguments: arguments
            ) { row in
                try visit(row[0], row[1])
                return true
            }
        }
    }

    /// Recomputes the committed cache from the agreements' terms and states and compares it with the rows kept,
    /// agreement by agreement in key order, `chunk` agreements at a time (nothing is held but one chunk and the
    /// differences).
    func checkCommitmentCache(chunk: Int = 1_000) throws -> [CommitmentCacheDifference] {
        var differences: [CommitmentCacheDifference] = []
        var after = ""
        while true {
            let ids = try fetchValues(
                String.self, sql: "SELECT id FROM grant_agreement WHERE id > ? ORDER BY id LIMIT \(chunk)",
                arguments: [after])
            // The last chunk reaches past the last agreement: rows kept for an agreement no longer there are named.
            let upTo = ids.count == chunk ? ids.last : nil
            let range = upTo == nil ? "> ?" : "> ? AND %@ <= ?"
            let rangeArguments: SQLArguments = upTo.map { [after, $0] } ?? [after]
            func rows(_ sql: String) throws -> [String: CommitmentCacheRow] {
                var result: [String: CommitmentCacheRow] = [:]
                result.reserveCapacity(chunk * 2)
                try forEachRow(sql: sql, arguments: rangeArguments) { row in
                    let r = CommitmentCacheRow(
                        agreement: row[0], allocation: row[1], agreementOffice: row[2], office: row[3],
                        yearStart: row[4], strand: row[5], recipient: row[6], pence: row[7])
                    result[r.agreement + "\u{0}" + r.allocation] = r
                    return true
                }
                return result
            }
            let recomputed = try rows(
                Migrations.commitmentSource(
                    sqlite: dialect == .sqlite,
                    condition: "g.id " + range.replacingOccurrences(of: "%@", with: "g.id")))
            let cached = try rows(
                "SELECT \(Migrations.commitmentColumns) FROM agreement_commitment WHERE agreement_id "
                    + range.replacingOccurrences(of: "%@", with: "agreement_id"))
            // Only the keys whose rows differ are sorted (none, in sound books), not every key of the chunk.
            var differing = recomputed.compactMap { key, row in cached[key] == row ? nil : key }
            differing += cached.keys.filter { recomputed[$0] == nil }
            for key in differing.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
                let row = (recomputed[key] ?? cached[key])!
                differences.append(
                    CommitmentCacheDifference(
                        agreement: row.agreement, allocation: row.allocation, cached: cached[key],
                        recomputed: recomputed[key]))
            }
            guard let upTo else { return differences }
            after = upTo
        }
    }
}
