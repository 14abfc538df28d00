// The baseline for the engine: the same SQL a transition runs through OPCCStore, written by hand against the SQLite
// C API (prepared once, bound and stepped per transition), with no engine, no guards and no GRDB in between.
import Crypto
import Foundation
import GRDBSQLite

/// A hand-written loop over the SQLite C API that does, per transition, what `Commissioning.fire` makes the store
/// do (see `SQLTransaction` in OPCCStore): in one transaction, select the instance, the actor with their role
/// grants, and the office (its profile's hash); conditionally update the instance on its version; read the record to
/// seal, the next sequence number and the head of the office's own chain; SHA-256 the canonical encoding of the new
/// event chained to it; insert the event.
final class RawLoop {
    private var db: OpaquePointer?
    private var statements: [String: OpaquePointer] = [:]
    private let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    static let selectInstance = """
        SELECT id, office_id, workflow, workflow_version, state, version, record_ref, last_effective_day
        FROM workflow_instance WHERE id = ?
        """
    static let selectPerson = """
        SELECT p.name, p.display_name, p.office_id, g.role, g.scope
        FROM person p LEFT JOIN role_grant g ON g.person_id = p.id
        WHERE p.name = ? ORDER BY p.office_id, p.name, g.role, g.scope
        """
    /// Only the profile's hash: the store reads the text (and parses it) only when the hash is one it has not seen.
    static let selectOffice = "SELECT profile_sha256 FROM office WHERE id = ?"
    static let updateInstance = """
        UPDATE workflow_instance SET state = ?, version = version + 1, last_effective_day = ?
        WHERE id = ? AND version = ?
        """
    /// What the store reads to seal a quarterly return (`SQLiteStore+Seals.swift`): its versions, then its row. The
    /// bench's instances have no return record, so both find nothing and the event seals the record as absent.
    static let selectReturnVersions = """
        SELECT return_id, number, content_json, submitted_by, submitted_on, correction_reason, review_outcome, review_json FROM return_version
        WHERE return_id IN (SELECT id FROM quarterly_return WHERE id = ?)
        ORDER BY return_id, number
        """
    static let selectReturn = """
        SELECT id, office_id, agreement_id, quarter, quarter_key, period_start, period_end, due_on FROM quarterly_return WHERE id = ? ORDER BY 1
        """
    static let selectSequence = "SELECT max(seq) FROM audit_event"
    /// The newest event of the office's own chain.
    static let selectHead = """
        SELECT seq, office_seq, hash FROM audit_event WHERE office_id = ? AND office_seq IS NOT NULL
        ORDER BY office_seq DESC LIMIT 1
        """
    static let insertEvent = """
        INSERT INTO audit_event (seq, office_id, instance_id, workflow, workflow_version, event, from_state,
            to_state, actor, role, effective_day, recorded_at, payload, prev_hash, hash, office_seq,
            sealed_record, seal)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """

    /// Opens the database with the store's settings: WAL (already set on the file), foreign keys on, a busy
    /// timeout, and `synchronous` as given.
    init(path: String, synchronous: String = "NORMAL") throws {
        guard sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nil) == SQLITE_OK else {
            throw RawError.sqlite("open \(path)")
        }
        sqlite3_busy_timeout(db, 10_000)
        try exec("PRAGMA foreign_keys = ON")
        try exec("PRAGMA synchronous = \(synchronous)")
        for sql in [
            Self.selectInstance, Self.selectPerson, Self.selectOffice, Self.updateInstance, Self.selectHead,
            Self.selectSequence, Self.selectReturnVersions, Self.selectReturn, Self.insertEvent, "BEGIN IMMEDIATE",
            "COMMIT",
        ] {
            var statement: OpaquePointer?
            guard sqlite3_prepare_v3(db, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil) == SQLITE_OK,
                let statement
            else { throw RawError.sqlite("prepare: \(message)") }
            statements[sql] = statement
        }
    }

    deinit {
        for statement in statements.values { sqlite3_finalize(statement) }
        sqlite3_close_v2(db)
    }

    enum RawError: Error { case sqlite(String), stale(String) }

    private var message: String { String(cString: sqlite3_errmsg(db)) }

    private func exec(_ sql: String) throws {
        guard sqlite3_exec(db, sql, nil, nil, nil) == SQLITE_OK else { throw RawError.sqlite("\(sql): \(message)") }
    }

    enum Value {
        case text(String?)
        case int(Int64)
    }

    private func bind(_ s: OpaquePointer, _ values: [Value]) {
        for (i, v) in values.enumerated() {
            switch v {
            case .text(let t?): sqlite3_bind_text(s, Int32(i + 1), t, -1, transient)
            case .text(nil): sqlite3_bind_null(s, Int32(i + 1))
            case .int(let n): sqlite3_bind_int64(s, Int32(i + 1), n)
            }
        }
    }

    private static let digits = Array("0123456789abcdef".utf8)

    private func text(_ s: OpaquePointer, _ column: Int32) -> String? {
        guard let p = sqlite3_column_text(s, column) else { return nil }
        return String(cString: p)
    }

    /// Runs a statement to the end, handing each row to `row`.
    private func run(_ sql: String, _ values: [Value], row: (OpaquePointer) -> Void = { _ in }) throws {
        let s = statements[sql]!
        defer {
            sqlite3_reset(s)
            sqlite3_clear_bindings(s)
        }
        bind(s, values)
        while true {
            let rc = sqlite3_step(s)
            if rc == SQLITE_ROW {
                row(s)
            } else if rc == SQLITE_DONE {
                return
            } else {
                throw RawError.sqlite("\(sql): \(message)")
            }
        }
    }

    /// One transition of `instanceID` by `actor`, with `event` taking it to `to`, in its own transaction. `minimal`
    /// leaves out what an act reads besides its record and the chain (the actor with their grants, the office's
    /// profile hash): the minimal transaction an act could be (read the instance, update it on its version, read what
    /// the event seals and the chain head, append the event), the second baseline of the transitions benchmark.
    func transition(
        instanceID: String, event: String, to: String, actor: String, role: String, payload: String, day: String,
        recordedAt: String, minimal: Bool = false
    ) throws {
        try run("BEGIN IMMEDIATE", [])
        do {
            var office = "", workflow = "", from = ""
            var workflowVersion: Int64 = 0, version: Int64 = 0
            try run(Self.selectInstance, [.text(instanceID)]) { s in
                // id, office_id, workflow, workflow_version, state, version, record_ref, last_effective_day
                office = text(s, 1)!
                workflow = text(s, 2)!
                workflowVersion = sqlite3_column_int64(s, 3)
                from = text(s, 4)!
                version = sqlite3_column_int64(s, 5)
            }
            if !minimal {
                var grants: [(String?, String?)] = []
                try run(Self.selectPerson, [.text(actor)]) { s in grants.append((text(s, 3), text(s, 4))) }
                var profile = ""
                try run(Self.selectOffice, [.text(office)]) { s in profile = text(s, 0) ?? "" }
                precondition(!grants.isEmpty && !profile.isEmpty, "raw loop: unknown actor or office")
            }
            try run(Self.updateInstance, [.text(to), .text(day), .text(instanceID), .int(version)])
            guard sqlite3_changes(db) == 1 else { throw RawError.stale(instanceID) }
            try run(Self.selectReturnVersions, [.text(instanceID)]) { _ in }
            try run(Self.selectReturn, [.text(instanceID)]) { _ in }
            let sealed = "return:\(instanceID)"
            var seq: Int64 = 0
            try run(Self.selectSequence, []) { s in seq = sqlite3_column_int64(s, 0) }
            seq += 1
            var officeSequence: Int64 = 0
            var previous = String(repeating: "0", count: 64)
            try run(Self.selectHead, [.text(office)]) { s in
                officeSequence = sqlite3_column_int64(s, 1)
                previous = text(s, 2)!
            }
            officeSequence += 1
            let fields: [(String, String?)] = [
                ("previousHash", previous), ("sequence", String(seq)), ("office", office), ("instance", instanceID),
                ("workflow", workflow), ("workflowVersion", String(workflowVersion)), ("event", event), ("from", from),
                ("to", to), ("actor", actor), ("role", role), ("effectiveDay", day), ("recordedAt", recordedAt),
                ("payload", payload), ("officeSequence", String(officeSequence)), ("sealed", sealed), ("seal", nil),
            ]
            var canonical = ""
            for (name, value) in fields {
                canonical += value.map { "\(name):\($0.utf8.count):\($0)\n" } ?? "\(name):-\n"
            }
            var hex: [UInt8] = []
            hex.reserveCapacity(64)
            for byte in SHA256.hash(data: Data(canonical.utf8)) {
                hex.append(Self.digits[Int(byte >> 4)])
                hex.append(Self.digits[Int(byte & 0x0f)])
            }
            let hash = String(decoding: hex, as: UTF8.self)
            try run(
                Self.insertEvent,
                [
                    .int(seq), .text(office), .text(instanceID), .text(workflow), .int(workflowVersion), .text(event),
                    .text(from), .text(to), .text(actor), .text(role), .text(day), .text(recordedAt), .text(payload),
                    .text(previous), .text(hash), .int(officeSequence), .text(sealed), .text(nil),
                ])
            try run("COMMIT", [])
        } catch {
            try? exec("ROLLBACK")
            throw error
        }
    }
}
