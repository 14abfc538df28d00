import Foundation
import OPCCCore

/// Seals of the kinds added after the first sealing migration: priority assessments, allocations, budget strands,
/// VLI runs, variation proposals and indicator values. Their columns are fixed here, once, for `append`, the
/// commit-time reseal and `audit verify` alike; `Migrations.laterSeals` seals the rows an existing database holds.
extension SQLTransaction {
    /// The kinds this file seals, as `SealedRecord.kind`.
    static let laterKinds: Set<String> = [
        "priority-assessment", "allocation", "strand", "vli-run", "variation", "indicators",
    ]

    /// The seal of one record of a later kind as it stands (empty when it does not exist).
    func laterKindSeals(of record: SealedRecord) throws -> [RecordSeal] {
        switch record {
        case .priorityAssessment(let id): return try priorityAssessmentSeals(where: "id = ?", [id])
        case .allocation(let id): return try allocationSeals(where: "id = ?", [id])
        case .strand(let key):
            let parts = key.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 3, let year = Int64(parts[1]) else { return [] }
            return try strandSeals(
                where: "office_id = ? AND year_start = ? AND strand = ?", [parts[0], year, parts[2]])
        case .vliRun(let id): return try vliRunSeals(where: "id = ?", [id])
        case .variation(let id): return try variationSeals(where: "id = ?", [id])
        case .indicators(let agreement): return try indicatorSeals(where: "agreement_id = ?", [agreement])
        case .document(let id): return try documentSeals(where: "id = ?", [id])
        case .decision, .agreement, .quarterlyReturn, .carryForward, .person, .office: return []
        }
    }

    /// Every record of the later kinds, `office`'s only when given.
    func laterKindSeals(office: String?) throws -> [RecordSeal] {
        let condition = office == nil ? "1 = 1" : "office_id = ?"
        let arguments: SQLArguments = office.map { [$0] } ?? []
        let agreements =
            office == nil ? "1 = 1" : "agreement_id IN (SELECT id FROM grant_agreement WHERE office_id = ?)"
        return try strandSeals(where: condition, arguments)
            + allocationSeals(where: condition, arguments)
            + priorityAssessmentSeals(where: condition, arguments)
            + vliRunSeals(where: condition, arguments)
            + variationSeals(where: condition, arguments)
            + indicatorSeals(where: agreements, arguments)
    }

    private static let allocationColumns = [
        "id", "office_id", "year_start", "strand", "recipient_org_id", "recipient_name", "purpose", "area",
        "decision_id", "amount_pence", "spend_kind", "revenue_contribution_to_capital", "method",
        "over_commitment_percent", "posting_seq", "day", "size_band",
    ]

    func allocationSeals(where condition: String, _ arguments: SQLArguments) throws -> [RecordSeal] {
        try simpleSeals(Self.allocationColumns, table: "allocation", where: condition, arguments) { _ in
        } make: {
            .allocation($0)
        }
    }

    /// The same seals as `allocationSeals`, in the same order, each computed from its columns' bytes as the row is
    /// read (`RecordSealEncoder`): no string per column. A column holds text, a whole number or NULL (the table is
    /// STRICT, typed on PostgreSQL); a row holding anything else is sealed the way `allocationSeals` seals it.
    func allocationSealHashes(where condition: String, _ arguments: SQLArguments) throws -> [RecordSealHash] {
        let columns = Self.allocationColumns
        var hashes: [RecordSealHash] = []
        var encoder = RecordSealEncoder()
        try sql.forEachRawRow(
            "SELECT \(columns.joined(separator: ", ")) FROM allocation WHERE \(condition) ORDER BY 1", arguments
        ) { row in
            do {
                guard let id = try row.text(0) else { throw SQLRawRowMismatch() }
                let record = SealedRecord.allocation(String(decoding: id, as: UTF8.self))
                encoder.start(record)
                for (index, name) in columns.enumerated() {
                    do {
                        encoder.add(name, try row.text(index))
                    } catch {
                        guard let number = try row.integer(index) else { throw SQLRawRowMismatch() }
                        encoder.add(name, number)
                    }
                }
                hashes.append(RecordSealHash(record: record, label: nil, hashHex: encoder.hashHex()))
            } catch {
                let values = row.row()
                var seal = RecordSeal(.allocation(values[0]))
                Self.addColumns(columns, of: values, to: &seal)
                hashes.append(RecordSealHash(seal))
            }
            return true
        }
        return hashes
    }

    /// A strand's name (its budget is the ledger's, which `finance check` verifies).
    func strandSeals(where condition: String, _ arguments: SQLArguments) throws -> [RecordSeal] {
        let columns = ["office_id", "year_start", "strand", "name"]
        var seals: [RecordSeal] = []
        try forEachRow(
            sql: """
                SELECT \(columns.joined(separator: ", ")) FROM budget_strand WHERE \(condition)
                ORDER BY office_id, year_start, strand
                """, arguments: arguments
        ) { row in
            let key = [row[0] as String, String(row[1] as Int64), row[2] as String].joined(separator: "/")
            var seal = RecordSeal(.strand(key))
            Self.addColumns(columns, of: row, to: &seal)
            seals.append(seal)
            return true
        }
        return seals
    }

    private static let variationColumns = [
        "id", "office_id", "agreement_id", "return_id", "status", "proposal_json",
    ]

    func variationSeals(where condition: String, _ arguments: SQLArguments) throws -> [RecordSeal] {
        try simpleSeals(Self.variationColumns, table: "variation_proposal", where: condition, arguments) { _ in
        } make: {
            .variation($0)
        }
    }

    private static let vliRunColumns = [
        "id", "office_id", "scheme_name", "scheme_version", "scheme_sha256", "scheme_text", "inputs_sha256", "run_on",
        "run_by", "result_json",
    ]
    private static let vliSelectionColumns = [
        "run_id", "ward_code", "ward_name", "status", "decision_id", "notes_json",
    ]

    /// The run as scored and every ward selected or shortlisted from it, by ward code.
    func vliRunSeals(where condition: String, _ arguments: SQLArguments) throws -> [RecordSeal] {
        let selections = try children(
            sql: """
                SELECT \(Self.vliSelectionColumns.joined(separator: ", ")) FROM vli_selection
                WHERE run_id IN (SELECT id FROM vli_run WHERE \(condition)) ORDER BY run_id, ward_code
                """, arguments)
        return try simpleSeals(Self.vliRunColumns, table: "vli_run", where: condition, arguments) { seal in
            for row in selections[seal.record.id] ?? [] {
                Self.addColumns(Self.vliSelectionColumns.map { "selection." + $0 }, of: row, to: &seal)
            }
        } make: {
            .vliRun($0)
        }
    }

    private static let indicatorColumns = ["agreement_id", "indicator", "quarter_key", "quarter", "value", "source"]

    /// One seal per agreement that has indicator values: every value, by indicator and quarter.
    func indicatorSeals(where condition: String, _ arguments: SQLArguments) throws -> [RecordSeal] {
        let values = try children(
            sql: """
                SELECT \(Self.indicatorColumns.joined(separator: ", ")) FROM indicator_value
                WHERE \(condition) ORDER BY agreement_id, indicator, quarter_key
                """, arguments)
        return values.keys.sorted().map { agreement in
            var seal = RecordSeal(.indicators(agreement))
            for row in values[agreement] ?? [] { Self.addColumns(Self.indicatorColumns, of: row, to: &seal) }
            return seal
        }
    }

    private static let assessmentColumns = [
        "id", "office_id", "partnership_code", "partnership_name", "year_start", "source", "method_json",
    ]

    /// The assessment's own tables, each in its key's order: (table, columns, order).
    private static let assessmentParts: [(table: String, columns: [String], order: String)] = [
        ("priority_agency", ["position", "name"], "position"),
        ("priority_threat", ["position", "name", "recorded_total", "control", "volume_share_bp", "note"], "position"),
        ("priority_harm_score", ["threat", "agency", "sum_score", "factors_json"], "threat, agency"),
        ("priority", ["code", "position", "title", "kind"], "code"),
        ("priority_coverage", ["priority_code", "position", "threat"], "priority_code, threat"),
        (
            "priority_money_link", ["priority_code", "position", "strand", "recipient_org_id", "service", "share_bp"],
            "priority_code, strand, recipient_org_id"
        ),
        (
            "priority_board_record",
            [
                "seq", "kind", "threat", "selected", "compulsion", "priority_count", "reason", "day", "recorded_by",
                "audit_seq",
            ],
            "seq"
        ),
    ]

    /// The assessment's columns, then each of its tables' rows.
    func priorityAssessmentSeals(
        where condition: String, _ arguments: SQLArguments
    ) throws
        -> [RecordSeal]
    {
        var parts: [[String: [SQLRow]]] = []
        for part in Self.assessmentParts {
            parts.append(
                try children(
                    sql: """
                        SELECT assessment_id, \(part.columns.joined(separator: ", ")) FROM \(part.table)
                        WHERE assessment_id IN (SELECT id FROM priority_assessment WHERE \(condition))
                        ORDER BY assessment_id, \(part.order)
                        """, arguments))
        }
        return try simpleSeals(Self.assessmentColumns, table: "priority_assessment", where: condition, arguments) {
            seal in
            for (part, rows) in zip(Self.assessmentParts, parts) {
                // Column 0 is the assessment's id, the grouping key: each field is named after its table.
                let names = ["assessment_id"] + part.columns.map { "\(part.table).\($0)" }
                for row in rows[seal.record.id] ?? [] {
                    var fields = RecordSeal(seal.record)
                    Self.addColumns(names, of: row, to: &fields)
                    for field in fields.fields.dropFirst() { seal.add(field.name, field.value) }
                }
            }
        } make: {
            .priorityAssessment($0)
        }
    }
}
