import Foundation
import OPCCCore

/// Seals: the SHA-256 of a record's stored content, written into the audit event that changed it, and recomputed
/// from the tables by `audit verify`. Which columns make up each kind is fixed here, once, for both.
extension SQLTransaction {
    /// The record an event seals and the seal of its content now (nil when the record does not exist): the draft's
    /// subject if it names one, else the record of the event's instance.
    func seal(for draft: AuditEventDraft) throws -> (record: SealedRecord?, hash: String?) {
        if let subject = draft.sealSubject { return (subject, try seals(of: subject).first?.hash) }
        guard let instance = draft.instanceID, let workflow = draft.workflow else { return (nil, nil) }
        let subject: SealedRecord
        switch workflow {
        case "decision-request":
            // The record names its instance; the seal is keyed by the record's own id.
            let seal = try decisionSeals(where: "r.instance_id = ?", [instance]).first
            return (seal?.record ?? .decision(instance), seal?.hash)
        case "grant-agreement": subject = .agreement(instance)
        case "quarterly-return": subject = .quarterlyReturn(instance)
        case "carry-forward": subject = .carryForward(instance)
        case "priority-selection": subject = .priorityAssessment(instance)
        default: return (nil, nil)
        }
        return (subject, try seals(of: subject).first?.hash)
    }

    /// The seal of one record as it stands (empty when it does not exist).
    func seals(of record: SealedRecord) throws -> [RecordSeal] {
        switch record {
        case .decision(let id): try decisionSeals(where: "r.id = ?", [id])
        case .agreement(let id): try agreementSeals(where: "id = ?", [id])
        case .quarterlyReturn(let id): try returnSeals(where: "id = ?", [id])
        case .carryForward(let id): try carryForwardSeals(where: "id = ?", [id])
        case .person(let name): try personSeals(where: "name = ?", [name])
        case .office(let id): try officeSeals(where: "id = ?", [id])
        default: try laterKindSeals(of: record)
        }
    }

    func recordSeals(office: String?) throws -> [RecordSeal] {
        try firstKindSeals(office: office) + laterKindSeals(office: office) + documentSeals(office: office)
    }

    /// The kinds the first sealing migration sealed (it must keep sealing exactly these: see `Migrations.laterSeals`).
    func firstKindSeals(office: String?) throws -> [RecordSeal] {
        let condition = office == nil ? "1 = 1" : "office_id = ?"
        let arguments: SQLArguments = office.map { [$0] } ?? []
        return try officeSeals(where: office == nil ? "1 = 1" : "id = ?", arguments)
            + personSeals(where: condition, arguments)
            + decisionSeals(where: office == nil ? "1 = 1" : "r.office_id = ?", arguments)
            + agreementSeals(where: condition, arguments)
            + returnSeals(where: condition, arguments)
            + carryForwardSeals(where: condition, arguments)
    }

    // MARK: The content of each kind

    static let decisionColumns = [
        "id", "office_id", "instance_id", "number", "title", "strand", "financial_year_start", "amount_pence",
        "originating_officer", "decided_on", "outcome", "deferred", "deferral_until", "part1_deadline", "published_on",
        "part2_exists", "exception_count", "part1_json",
    ]

    /// Every column of the record, and Part 2 by the SHA-256 of its content (the content is read here only to be
    /// hashed: it never leaves this function).
    func decisionSeals(where condition: String, _ arguments: SQLArguments) throws -> [RecordSeal] {
        let columns = Self.decisionColumns.map { "r.\($0)" }.joined(separator: ", ")
        var seals: [RecordSeal] = []
        try forEachRow(
            sql: """
                SELECT \(columns), p.content FROM decision_record r LEFT JOIN decision_part2 p ON p.record_id = r.id
                WHERE \(condition) ORDER BY r.id
                """, arguments: arguments
        ) { row in
            var seal = RecordSeal(.decision(row[0]), label: row[3])
            Self.addColumns(Self.decisionColumns, of: row, to: &seal)
            seal.addDigest("part2_sha256", of: row[Self.decisionColumns.count])
            seals.append(seal)
            return true
        }
        return seals
    }

    private static let agreementColumns = [
        "id", "office_id", "decision_id", "recipient_org_id", "amount_pence", "terms_json",
    ]

    /// The agreement's columns and the ids of the allocations it pays.
    func agreementSeals(where condition: String, _ arguments: SQLArguments) throws -> [RecordSeal] {
        let allocations = try children(
            sql: """
                SELECT agreement_id, allocation_id FROM grant_agreement_allocation
                WHERE agreement_id IN (SELECT id FROM grant_agreement WHERE \(condition))
                ORDER BY agreement_id, allocation_id
                """, arguments)
        return try simpleSeals(Self.agreementColumns, table: "grant_agreement", where: condition, arguments) { seal in
            for row in allocations[seal.record.id] ?? [] { seal.add("allocation", Self.text(row[1])) }
        } make: {
            .agreement($0)
        }
    }

    private static let returnColumns = [
        "id", "office_id", "agreement_id", "quarter", "quarter_key", "period_start", "period_end", "due_on",
    ]
    private static let returnVersionColumns = [
        "return_id", "number", "content_json", "submitted_by", "submitted_on", "correction_reason", "review_outcome",
        "review_json",
    ]

    /// The return's columns and every version of its content, oldest first.
    func returnSeals(where condition: String, _ arguments: SQLArguments) throws -> [RecordSeal] {
        let versions = try children(
            sql: """
                SELECT \(Self.returnVersionColumns.joined(separator: ", ")) FROM return_version
                WHERE return_id IN (SELECT id FROM quarterly_return WHERE \(condition))
                ORDER BY return_id, number
                """, arguments)
        return try simpleSeals(Self.returnColumns, table: "quarterly_return", where: condition, arguments) { seal in
            for row in versions[seal.record.id] ?? [] {
                Self.addColumns(Self.returnVersionColumns.map { "version." + $0 }, of: row, to: &seal)
            }
        } make: {
            .quarterlyReturn($0)
        }
    }

    private static let carryForwardColumns = [
        "id", "office_id", "year_start", "strand", "recipient_org_id", "forecast_pence", "reason", "decision_id",
        "actual_pence",
    ]

    func carryForwardSeals(where condition: String, _ arguments: SQLArguments) throws -> [RecordSeal] {
        try simpleSeals(Self.carryForwardColumns, table: "carry_forward", where: condition, arguments) { _ in
        } make: {
            .carryForward($0)
        }
    }

    /// The person's name, display name and office, and every role grant (role and scope, sorted).
    func personSeals(where condition: String, _ arguments: SQLArguments) throws -> [RecordSeal] {
        let grants = try children(
            sql: """
                SELECT p.name, g.role, g.scope FROM role_grant g JOIN person p ON p.id = g.person_id
                WHERE g.person_id IN (SELECT id FROM person WHERE \(condition))
                ORDER BY p.name, g.role, g.scope
                """, arguments)
        let contacts = try personContacts(where: condition, arguments)
        let disabled = try personsDisabled(where: condition, arguments)
        return try simpleSeals(["name", "display_name", "office_id"], table: "person", where: condition, arguments) {
            seal in
            for row in grants[seal.record.id] ?? [] {
                seal.add("role", Self.text(row[1]))
                seal.add("scope", Self.text(row[2]))
            }
            // Only when set, so that every person sealed before people could be disabled keeps the seal they had.
            if let row = disabled[seal.record.id]?.first, let at: String = row[1] { seal.add("disabled", at) }
            // Only when set, so that a person sealed before addresses existed keeps the seal it had.
            if let row = contacts[seal.record.id]?.first {
                if let email: String = row[1] { seal.add("email", email) }
                if let preference: String = row[2], preference != "immediate" {
                    seal.add("notifications", preference)
                }
            }
        } make: {
            .person($0)
        }
    }

    /// When the people `condition` selects were disabled, for those who are: a person enabled behind the product's
    /// back then fails verification. Empty while SQLite migrates a database older than
    /// `2026-12-09-office-profiles-and-people` (the column does not exist yet, and nobody is disabled).
    private func personsDisabled(where condition: String, _ arguments: SQLArguments) throws -> [String: [SQLRow]] {
        if dialect == .sqlite {
            let columns = try fetchValue(
                Int.self, sql: "SELECT count(*) FROM pragma_table_info('person') WHERE name = 'disabled_at'")
            guard columns == 1 else { return [:] }
        }
        return try children(
            sql: "SELECT name, disabled_at FROM person WHERE (\(condition)) AND disabled_at IS NOT NULL", arguments)
    }

    /// The address and notification preference of the people `condition` selects, where either is set: an address
    /// edited behind the product's back (to redirect a password reset) then fails verification. Empty while SQLite
    /// migrates a database older than `2026-12-07-notifications` (the columns do not exist yet, and nobody has either).
    private func personContacts(where condition: String, _ arguments: SQLArguments) throws -> [String: [SQLRow]] {
        if dialect == .sqlite {
            let columns = try fetchValue(
                Int.self, sql: "SELECT count(*) FROM pragma_table_info('person') WHERE name = 'email'")
            guard columns == 1 else { return [:] }
        }
        return try children(
            sql: """
                SELECT name, email, notification_delivery FROM person
                WHERE (\(condition)) AND (email IS NOT NULL OR notification_delivery <> 'immediate')
                """, arguments)
    }

    /// The office's id, name and organisation id, and its profile by SHA-256 (both the stored digest and one
    /// computed from the stored text, so an edit of either shows).
    func officeSeals(where condition: String, _ arguments: SQLArguments) throws -> [RecordSeal] {
        let columns = ["id", "name", "org_id", "profile_sha256"]
        var seals: [RecordSeal] = []
        try forEachRow(
            sql: "SELECT \(columns.joined(separator: ", ")), profile_text FROM office WHERE \(condition) ORDER BY id",
            arguments: arguments
        ) { row in
            var seal = RecordSeal(.office(row[0]))
            Self.addColumns(columns, of: row, to: &seal)
            seal.addDigest("profile_text_sha256", of: row[columns.count])
            seals.append(seal)
            return true
        }
        return seals
    }

    // MARK: Reading rows into seals

    /// One seal per row of `table` (its first column the id), with `extra` adding what other tables hold.
    func simpleSeals(
        _ columns: [String], table: String, where condition: String, _ arguments: SQLArguments,
        extra: (inout RecordSeal) -> Void, make: (String) -> SealedRecord
    ) throws -> [RecordSeal] {
        // Prepared once per connection and shape (one per kind and condition): this runs on every act.
        var seals: [RecordSeal] = []
        try forEachRow(
            sql: "SELECT \(columns.joined(separator: ", ")) FROM \(table) WHERE \(condition) ORDER BY 1",
            arguments: arguments
        ) { row in
            var seal = RecordSeal(make(row[0]))
            Self.addColumns(columns, of: row, to: &seal)
            extra(&seal)
            seals.append(seal)
            return true
        }
        return seals
    }

    /// Rows grouped by their first column, in the query's order.
    func children(sql: String, _ arguments: SQLArguments) throws -> [String: [SQLRow]] {
        var grouped: [String: [SQLRow]] = [:]
        for row in try fetchAllRows(sql: sql, arguments: arguments) {
            grouped[row[0], default: []].append(row)
        }
        return grouped
    }

    static func addColumns(_ names: [String], of row: SQLRow, to seal: inout RecordSeal) {
        for (index, name) in names.enumerated() { seal.add(name, row.value(at: index).text) }
    }

    /// A stored value as text: the tables are STRICT (typed on PostgreSQL), so a column's values all have one type
    /// and the text of an integer cannot be mistaken for the same text stored as text.
    static func text(_ value: SQLValue) -> String? { value.text }
}

/// What one write transaction wrote to sealed records and has not sealed since, in order: a service that saves a
/// record after appending its event (or changes a record while acting on another) leaves it here, and the store
/// seals it again before the commit. Used by one transaction on one thread only.
final class WrittenRecords: @unchecked Sendable {
    private(set) var pending: [SealedRecord] = []
    private(set) var lastDraft: AuditEventDraft?
    /// The offices whose chains this transaction appended to (or began to), or whose records it counted to make the
    /// next record's id: on PostgreSQL a transaction that failed to serialise, or found the id it made taken, is
    /// tried again holding those offices' locks.
    private(set) var offices: Set<String> = []

    func appending(to office: String) { offices.insert(office) }

    /// The transaction counted `office`'s records to number the next one (`cumbria-DR-0014`), before any event.
    func counting(in office: String) { offices.insert(office) }

    func written(_ record: SealedRecord) {
        if !pending.contains(record) { pending.append(record) }
    }

    func sealed(_ record: SealedRecord, by draft: AuditEventDraft) {
        pending.removeAll { $0 == record }
        lastDraft = draft
    }

    func take() -> [SealedRecord] {
        defer { pending = [] }
        return pending
    }
}

extension SQLTransaction {
    func noteWritten(_ record: SealedRecord) { writtenRecords.written(record) }

    /// Before the commit: each record written since its last seal whose content now differs from that seal gets a
    /// `sealed` event in its office's chain, by the actor of the transaction's last act, so every committed change
    /// is sealed whatever order the service wrote in.
    func sealRecordsWrittenAfterTheirEvent() throws {
        for record in writtenRecords.take() {
            guard let seal = try seals(of: record).first, let office = try self.office(of: record) else { continue }
            guard try lastSeal(of: record) != seal.hash else { continue }
            let act = writtenRecords.lastDraft
            let draft = AuditEventDraft(
                office: office, event: "sealed", actor: act?.actor ?? "opcc-system", role: act?.role,
                effectiveDay: act?.effectiveDay ?? Day(containing: Date()),
                recordedAt: act?.recordedAt ?? ISO8601DateFormatter().string(from: Date()),
                payload: ["record": record.key], sealSubject: record)
            _ = try append(draft, sealed: (record, seal.hash))
        }
    }

    /// The seal of the record's newest sealing event: an event on its instance (found by the instance index) or a
    /// `sealed` event (found by a partial index that only those events enter, so an ordinary act maintains no extra
    /// index for this rarely taken path).
    private func lastSeal(of record: SealedRecord) throws -> String? {
        let instance: String?
        if case .decision(let id) = record {
            instance = try fetchValue(
                String.self, sql: "SELECT instance_id FROM decision_record WHERE id = ?", arguments: [id])
        } else if case .document(let id) = record {
            // A document's events are on the record it is attached to.
            instance = try documentInstanceID(documentID: id)
        } else {
            instance = record.id
        }
        let byInstance = try fetchOneRow(
            sql: """
                SELECT seq, seal FROM audit_event WHERE instance_id = ? AND sealed_record = ?
                ORDER BY seq DESC LIMIT 1
                """, arguments: [instance, record.key])
        let bySealedEvent = try fetchOneRow(
            sql: """
                SELECT seq, seal FROM audit_event WHERE event = 'sealed' AND sealed_record = ?
                ORDER BY seq DESC LIMIT 1
                """, arguments: [record.key])
        let newest = [byInstance, bySealedEvent].compactMap { $0 }.max { ($0[0] as Int64) < ($1[0] as Int64) }
        return newest?[1]
    }

    private func office(of record: SealedRecord) throws -> String? {
        let table: String
        switch record {
        case .decision: table = "decision_record"
        case .agreement: table = "grant_agreement"
        case .quarterlyReturn: table = "quarterly_return"
        case .carryForward: table = "carry_forward"
        case .person, .office: return nil  // sealed by the act that writes them
        case .priorityAssessment: table = "priority_assessment"
        case .allocation: table = "allocation"
        case .vliRun: table = "vli_run"
        case .variation: table = "variation_proposal"
        case .indicators: table = "grant_agreement"
        case .document: table = "document"
        case .strand(let key): return key.split(separator: "/", maxSplits: 1).first.map(String.init)
        }
        return try fetchValue(String.self, sql: "SELECT office_id FROM \(table) WHERE id = ?", arguments: [record.id])
    }
}
