import Foundation
import OPCCCore

extension SQLTransaction {
    // MARK: Audit log

    func append(_ draft: AuditEventDraft) throws -> AuditEvent {
        let sealed = try seal(for: draft)
        if let record = sealed.record { writtenRecords.sealed(record, by: draft) }
        return try append(draft, sealed: sealed)
    }

    /// Appends to the draft's office's own chain, with the seal of the record it changed (its content after the
    /// change, read in this same transaction after the record was saved).
    func append(_ draft: AuditEventDraft, sealed: (record: SealedRecord?, hash: String?)) throws -> AuditEvent {
        writtenRecords.appending(to: draft.office)
        // The office's head first (on PostgreSQL its row is locked until the commit, so one office's events are
        // appended strictly in order while other offices append in parallel), then the log's number: SQLite has one
        // writer and takes the highest plus one; PostgreSQL draws from a sequence, after the lock, so that an
        // office's numbers rise (they may skip: see `AuditChainVerifier`).
        let chain = try officeChainHead(draft.office, forAppend: true)
        let sequence =
            dialect == .sqlite
            ? (try fetchOneInt64(sql: "SELECT max(seq) FROM audit_event") ?? 0) + 1
            : try fetchOneInt64(sql: "SELECT nextval('audit_event_seq')")!
        var event = AuditEvent(
            sequence: sequence, office: draft.office, instanceID: draft.instanceID,
            workflow: draft.workflow, workflowVersion: draft.workflowVersion, event: draft.event,
            fromState: draft.fromState, toState: draft.toState, actor: draft.actor, role: draft.role,
            effectiveDay: draft.effectiveDay, recordedAt: draft.recordedAt,
            payload: AuditEvent.canonicalPayload(draft.payload),
            previousHash: try chain?.hash ?? globalChainHead().hash, hash: "",
            officeSequence: (chain?.officeSequence ?? 0) + 1, sealedRecord: sealed.record?.key, seal: sealed.hash)
        event.hash = event.computedHash
        try execute(
            sql: """
                INSERT INTO audit_event (seq, office_id, instance_id, workflow, workflow_version, event, from_state,
                    to_state, actor, role, effective_day, recorded_at, payload, prev_hash, hash, office_seq,
                    sealed_record, seal)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                event.sequence, event.office, event.instanceID, event.workflow, event.workflowVersion, event.event,
                event.fromState, event.toState, event.actor, event.role, event.effectiveDay.iso, event.recordedAt,
                event.payload, event.previousHash, event.hash, event.officeSequence, event.sealedRecord, event.seal,
            ])
        if dialect == .postgres {
            try execute(
                sql: """
                    INSERT INTO office_chain_head (office_id, seq, office_seq, hash) VALUES (?, ?, ?, ?)
                    ON CONFLICT (office_id) DO UPDATE
                        SET seq = excluded.seq, office_seq = excluded.office_seq, hash = excluded.hash
                    """, arguments: [event.office, event.sequence, event.officeSequence, event.hash])
        }
        return event
    }

    func auditHead() throws -> AuditHead {
        try fetchFirst(sql: "SELECT seq, hash FROM audit_event ORDER BY seq DESC LIMIT 1") { row in
            AuditHead(sequence: row[0], hash: row[1])
        } ?? AuditHead(sequence: 0, hash: AuditEvent.genesisHash)
    }

    func auditHead(office: String) throws -> AuditHead? {
        try officeChainHead(office, forAppend: false).map { AuditHead(sequence: $0.sequence, hash: $0.hash) }
    }

    /// The newest event of the office's chain. On PostgreSQL it is the office's `office_chain_head` row, which an
    /// append locks (`FOR UPDATE`) and moves in the same transaction.
    private func officeChainHead(
        _ office: String, forAppend: Bool
    ) throws -> (sequence: Int64, officeSequence: Int64, hash: String)? {
        if dialect == .postgres {
            return try fetchFirst(
                sql: "SELECT seq, office_seq, hash FROM office_chain_head WHERE office_id = ?"
                    + (forAppend ? " FOR UPDATE" : ""), arguments: [office]
            ) { row in (row[0], row[1], row[2]) }
        }
        return try fetchFirst(
            sql: """
                SELECT seq, office_seq, hash FROM audit_event WHERE office_id = ? AND office_seq IS NOT NULL
                ORDER BY office_seq DESC LIMIT 1
                """, arguments: [office]
        ) { row in (row[0], row[1], row[2]) }
    }

    func globalChainHead() throws -> AuditHead {
        try fetchFirst(sql: "SELECT seq, hash FROM audit_event WHERE office_seq IS NULL ORDER BY seq DESC LIMIT 1") {
            row in AuditHead(sequence: row[0], hash: row[1])
        } ?? AuditHead(sequence: 0, hash: AuditEvent.genesisHash)
    }

    func auditEvents(instance: String?, office: String?) throws -> [AuditEvent] {
        var conditions: [String] = []
        var arguments: SQLArguments = []
        if let instance {
            conditions.append("instance_id = ?")
            arguments += [instance]
        }
        if let office {
            conditions.append("office_id = ?")
            arguments += [office]
        }
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        return try fetchAllRows(sql: "SELECT * FROM audit_event \(whereClause) ORDER BY seq", arguments: arguments)
            .map(Self.event(from:))
    }

    func forEachAuditEvent(_ visit: (AuditEvent) throws -> Bool) throws {
        try forEachAuditEvent(office: nil, visit)
    }

    /// The events in sequence order, read in chunks of 10,000 after the last sequence read (PostgreSQL's session
    /// reads a statement's rows at once, so the log of a national host is never held whole on either engine).
    func forEachAuditEvent(office: String?, _ visit: (AuditEvent) throws -> Bool) throws {
        let chunk = 10_000
        var after: Int64 = 0
        while true {
            var read = 0
            var stopped = false
            try forEachRow(
                sql: "SELECT * FROM audit_event WHERE seq > ? \(office == nil ? "" : "AND office_id = ?") "
                    + "ORDER BY seq LIMIT \(chunk)",
                arguments: office.map { [after, $0] } ?? [after]
            ) { row in
                let event = try Self.event(from: row)
                read += 1
                after = event.sequence
                guard try visit(event) else {
                    stopped = true
                    return false
                }
                return true
            }
            if stopped || read < chunk { return }
        }
    }

    /// The columns `forEachAuditEventBytes` reads, in the order it reads them by index.
    static let eventByteColumns =
        "seq, office_id, instance_id, workflow, workflow_version, event, from_state, to_state, actor, role, "
        + "effective_day, recorded_at, payload, prev_hash, hash, office_seq, sealed_record, seal"

    /// The same events in the same order as `forEachAuditEvent`, each as its fields' bytes read in place (on
    /// SQLite; PostgreSQL's rows come as values and are copied): what `audit verify` reads. A row holding a value of
    /// an unexpected kind is read the slow way, as `forEachAuditEvent` reads it, so both give the same events.
    func forEachAuditEventBytes(office: String?, _ visit: (AuditEventBytes) throws -> Bool) throws {
        let chunk = 10_000
        var after: Int64 = 0
        while true {
            var read = 0
            var stopped = false
            try sql.forEachRawRow(
                "SELECT \(Self.eventByteColumns) FROM audit_event WHERE seq > ? "
                    + "\(office == nil ? "" : "AND office_id = ?") ORDER BY seq LIMIT \(chunk)",
                office.map { [after, $0] } ?? [after]
            ) { row in
                read += 1
                let keepGoing: Bool
                do {
                    keepGoing = try Self.withEventBytes(row) { event in
                        after = event.sequence
                        return try visit(event)
                    }
                } catch is SQLRawRowMismatch {
                    let event = try Self.event(from: row.row())
                    after = event.sequence
                    keepGoing = try event.withBytes(visit)
                }
                stopped = !keepGoing
                return keepGoing
            }
            if stopped || read < chunk { return }
        }
    }

    /// Each event that names a sealed record (`office`'s only when given), in sequence order, with its number, the
    /// record's key and the seal it gave (nil for none), as bytes valid only inside `visit`: the events
    /// `forEachAuditEventBytes` gives with a `sealedRecord`, the same bytes, read without the rest of each row (what
    /// `audit verify` compares the records' seals with while another read checks the chains). A row holding a value
    /// of an unexpected kind is read the slow way, as `forEachAuditEvent` reads it.
    func forEachSealingEvent(
        office: String?, _ visit: (Int64, UnsafeRawBufferPointer, UnsafeRawBufferPointer?) throws -> Void
    ) throws {
        let chunk = 10_000
        var after: Int64 = 0
        while true {
            var read = 0
            // The chunk is bounded by rows scanned (the highest number read so far moves on even when no event of
            // the chunk seals a record), so that PostgreSQL's session never holds more than a chunk.
            var last: Int64?
            try sql.forEachRawRow(
                "SELECT seq, sealed_record, seal FROM audit_event WHERE seq > ? "
                    + "\(office == nil ? "" : "AND office_id = ?") ORDER BY seq LIMIT \(chunk)",
                office.map { [after, $0] } ?? [after]
            ) { row in
                read += 1
                do {
                    let sequence = try row.integer(0)
                    guard let sequence else { throw SQLRawRowMismatch() }
                    last = sequence
                    if let key = try row.text(1) { try visit(sequence, key, try row.text(2)) }
                } catch is SQLRawRowMismatch {
                    let values = row.row()
                    let sequence: Int64 = values["seq"]
                    let key: String? = values["sealed_record"]
                    let seal: String? = values["seal"]
                    last = sequence
                    if let key {
                        try Array(key.utf8).withUnsafeBytes { k in
                            guard let seal else { return try visit(sequence, k, nil) }
                            try Array(seal.utf8).withUnsafeBytes { try visit(sequence, k, $0) }
                        }
                    }
                }
                return true
            }
            guard read == chunk, let last else { return }
            after = last
        }
    }

    /// What identifies the audit log a read transaction sees: two reads with the same mark see the same events and
    /// the same state of every record (every write the product makes appends an event, and a record changes only
    /// with one). On SQLite the newest event (one writer numbers the events in the order they commit); on
    /// PostgreSQL also each office chain's head, since an event's number is drawn before its transaction commits
    /// and an older number may become visible after a newer one.
    func auditSnapshotMark() throws -> [AuditHead] {
        var mark = [try auditHead()]
        if dialect == .postgres {
            try forEachRow(sql: "SELECT seq, hash FROM office_chain_head ORDER BY office_id") { row in
                mark.append(AuditHead(sequence: row[0], hash: row[1]))
                return true
            }
        }
        return mark
    }

    /// The row of `eventByteColumns` as an `AuditEventBytes`; `SQLRawRowMismatch` when a column holds a value of
    /// another kind than the schema gives it (or NULL where it allows none), for the caller to read it the slow way.
    private static func withEventBytes(
        _ row: any SQLRawRow, _ body: (AuditEventBytes) throws -> Bool
    ) throws -> Bool {
        func required<T>(_ value: T?) throws(SQLRawRowMismatch) -> T {
            guard let value else { throw SQLRawRowMismatch() }
            return value
        }
        let day = try required(row.text(10))
        // As `event(from:)`: a day that is not `YYYY-MM-DD` is damaged data (a real day's text is its `iso`).
        let dayText = String(decoding: day, as: UTF8.self)
        guard (try? Day(iso: dayText)) != nil else {
            throw StoreError.invalidData(what: "effective day '\(dayText)'")
        }
        let workflowVersion = try row.integer(4)
        // `AuditEvent.workflowVersion` is an `Int`, as GRDB reads one.
        if let workflowVersion, Int(exactly: workflowVersion) == nil { throw SQLRawRowMismatch() }
        return try body(
            AuditEventBytes(
                sequence: try required(row.integer(0)), office: try required(row.text(1)), instanceID: try row.text(2),
                workflow: try row.text(3), workflowVersion: workflowVersion, event: try required(row.text(5)),
                fromState: try row.text(6), toState: try row.text(7), actor: try required(row.text(8)),
                role: try row.text(9), effectiveDay: day, recordedAt: try required(row.text(11)),
                payload: try required(row.text(12)), previousHash: try required(row.text(13)),
                hash: try required(row.text(14)), officeSequence: try row.integer(15),
                sealedRecord: try row.text(16), seal: try row.text(17)))
    }

    static func event(from row: SQLRow) throws -> AuditEvent {
        let dayText: String = row["effective_day"]
        let day: Day
        do { day = try Day(iso: dayText) } catch { throw StoreError.invalidData(what: "effective day '\(dayText)'") }
        return AuditEvent(
            sequence: row["seq"], office: row["office_id"], instanceID: row["instance_id"], workflow: row["workflow"],
            workflowVersion: row["workflow_version"], event: row["event"], fromState: row["from_state"],
            toState: row["to_state"], actor: row["actor"], role: row["role"], effectiveDay: day,
            recordedAt: row["recorded_at"], payload: row["payload"], previousHash: row["prev_hash"],
            hash: row["hash"], officeSequence: row["office_seq"], sealedRecord: row["sealed_record"],
            seal: row["seal"])
    }

    func appendRefusal(_ refusal: RefusalRecord) throws {
        let reasons = String(decoding: try JSONEncoder().encode(refusal.reasons), as: UTF8.self)
        try execute(
            sql: """
                INSERT INTO refusal (office_id, instance_id, workflow, event, actor, role, effective_day,
                    attempted_at, reasons)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                refusal.office, refusal.instanceID, refusal.workflow, refusal.event, refusal.actor, refusal.role,
                refusal.effectiveDay?.iso, refusal.attemptedAt, reasons,
            ])
    }

    func refusals(instance: String?) throws -> [RefusalRecord] {
        let rows: [SQLRow]
        if let instance {
            rows = try fetchAllRows(
                sql: "SELECT * FROM refusal WHERE instance_id = ? ORDER BY id", arguments: [instance])
        } else {
            rows = try fetchAllRows(sql: "SELECT * FROM refusal ORDER BY id")
        }
        return try rows.map { row in
            let reasonsText: String = row["reasons"]
            let dayText: String? = row["effective_day"]
            return RefusalRecord(
                office: row["office_id"], instanceID: row["instance_id"], workflow: row["workflow"],
                event: row["event"], actor: row["actor"], role: row["role"],
                effectiveDay: try dayText.map { try Day(iso: $0) }, attemptedAt: row["attempted_at"],
                reasons: try JSONDecoder().decode([String].self, from: Data(reasonsText.utf8)))
        }
    }
}
