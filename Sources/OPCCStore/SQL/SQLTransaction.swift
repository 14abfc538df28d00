import Foundation
import OPCCCore

/// `StoreTransaction` over one engine session (SQLite through GRDB, or PostgreSQL through libpq), inside a
/// transaction the engine's store opened. The repositories (this file and `SQLiteStore+*.swift`) are written once,
/// in SQL both engines accept, with `dialect` deciding the few statements they write differently.
struct SQLTransaction: StoreTransaction {
    let sql: any SQLSession
    /// The records written in this transaction since their last seal (see `sealRecordsWrittenAfterTheirEvent`).
    let writtenRecords = WrittenRecords()
    /// A write transaction's use of the store's cache of people, grants and profile hashes (nil: read them every time).
    var actCache: ActCacheSession? = nil
    /// A read transaction's use of the store's cache of register totals (nil in a write transaction).
    var registerTotals: RegisterTotals? = nil
    /// A read transaction's use of the store's decoded VLI runs (nil in a write transaction, whose new run could be
    /// rolled back and its id used again).
    var vliRunCache: VLIRunCache? = nil

    var dialect: SQLDialect { sql.dialect }

    @discardableResult
    func execute(sql text: String, arguments: SQLArguments = []) throws -> Int {
        try sql.execute(text, arguments)
    }

    func savepoint<T>(_ body: () throws -> T, keep: (T) -> Bool) throws -> T {
        try sql.inSavepoint(body, keep: keep)
    }

    func takeLease(_ name: String) throws -> Bool {
        guard dialect == .postgres else { return true }
        // A transaction-level advisory lock: released by the commit or rollback, never left behind by a crash.
        return try fetchValue(Bool.self, sql: "SELECT pg_try_advisory_xact_lock(hashtext(?))", arguments: [name])
            ?? false
    }

    /// Runs statements that may break a constraint the caller turns into a refusal, so that the transaction can go
    /// on after one: PostgreSQL aborts a transaction at a failed statement unless it rolls back to a savepoint, while
    /// SQLite undoes the statement alone.
    @discardableResult
    func guarded<T>(_ body: () throws -> T) throws -> T {
        guard dialect == .postgres else { return try body() }
        // A savepoint rolls back alone what a failing body did, and rethrows its error.
        return try sql.inSavepoint(body, keep: { _ in true })
    }

    func fetchOneRow(sql text: String, arguments: SQLArguments = []) throws -> SQLRow? {
        try sql.firstRow(text, arguments) { $0 }
    }

    /// The first row, decoded by `decode`.
    func fetchFirst<T>(sql text: String, arguments: SQLArguments = [], _ decode: (SQLRow) throws -> T) throws -> T? {
        try sql.firstRow(text, arguments, decode)
    }

    func fetchAllRows(sql text: String, arguments: SQLArguments = []) throws -> [SQLRow] {
        try sql.allRows(text, arguments)
    }

    /// Visits the rows in order without keeping them; `visit` returns false to stop.
    func forEachRow(sql text: String, arguments: SQLArguments = [], _ visit: (SQLRow) throws -> Bool) throws {
        try sql.forEachRow(text, arguments, visit)
    }

    /// The first column of the first row (nil when there is no row or it is NULL).
    func fetchValue<T: SQLColumnDecodable>(_ type: T.Type, sql text: String, arguments: SQLArguments = []) throws -> T?
    {
        try sql.firstRow(text, arguments) { row -> T? in row[0] }.flatMap { $0 }
    }

    /// The first column of every row.
    func fetchValues<T: SQLColumnDecodable>(
        _ type: T.Type, sql text: String, arguments: SQLArguments = []
    ) throws
        -> [T]
    {
        try sql.allRows(text, arguments).map { $0[0] }
    }

    /// The greater of two integer expressions: SQLite's two-argument `max`, PostgreSQL's `GREATEST`.
    func greatest(_ a: String, _ b: String) -> String {
        dialect == .sqlite ? "max(\(a), \(b))" : "GREATEST(\(a), \(b))"
    }

    func fetchOneInt64(sql text: String, arguments: SQLArguments = []) throws -> Int64? {
        try fetchValue(Int64.self, sql: text, arguments: arguments)
    }

    // MARK: Offices

    func saveOffice(
        id: String, name: String, orgID: String?, profileText: String, registeredAt: String, recordedBy: String
    ) throws -> Int {
        let sha256 = WorkflowDefinition.sha256Hex(of: profileText)
        let current = try fetchOneRow(
            sql: "SELECT profile_sha256, profile_version FROM office WHERE id = ?", arguments: [id])
        if let current, (current[0] as String) == sha256 { return current[1] }
        // Version 1 for a new office; the next for a changed profile. Every version is kept, never changed.
        let version = (current.map { ($0[1] as Int) } ?? 0) + 1
        try execute(
            sql: """
                INSERT INTO office (id, name, org_id, profile_text, profile_sha256, registered_at, profile_version)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(id) DO UPDATE SET name = excluded.name, org_id = excluded.org_id,
                    profile_text = excluded.profile_text, profile_sha256 = excluded.profile_sha256,
                    profile_version = excluded.profile_version
                """,
            arguments: [id, name, orgID, profileText, sha256, registeredAt, version])
        try execute(
            sql: """
                INSERT INTO office_profile_version (office_id, version, text, sha256, recorded_at, recorded_by)
                VALUES (?, ?, ?, ?, ?, ?)
                """,
            arguments: [id, version, profileText, sha256, registeredAt, recordedBy])
        return version
    }

    func officeProfileVersions(id: String) throws -> [OfficeProfileVersion] {
        try fetchAllRows(
            sql: """
                SELECT office_id, version, text, sha256, recorded_at, recorded_by FROM office_profile_version
                WHERE office_id = ? ORDER BY version
                """, arguments: [id]
        ).map { row in
            OfficeProfileVersion(
                office: row[0], version: row[1], text: row[2], sha256: row[3], recordedAt: row[4], recordedBy: row[5])
        }
    }

    func instanceProfileVersion(id: String) throws -> Int? {
        try fetchValue(Int.self, sql: "SELECT profile_version FROM workflow_instance WHERE id = ?", arguments: [id])
    }

    func office(id: String) throws -> StoredOffice? {
        try fetchOneRow(sql: "SELECT * FROM office WHERE id = ?", arguments: [id]).map(Self.office(from:))
    }

    func officeProfileSHA256(id: String) throws -> String? {
        // Every act reads it: from the store's cache while nothing may have changed the office table (`ActReadCache`).
        let token = try actCache?.currentToken()
        if let token, let hit = actCache?.cache.profileHash(id, token: token) { return hit }
        let hash = try fetchValue(String.self, sql: "SELECT profile_sha256 FROM office WHERE id = ?", arguments: [id])
        if let token, let hash { actCache?.cache.keep(profileHash: hash, office: id, token: token) }
        return hash
    }

    func offices() throws -> [StoredOffice] {
        try fetchAllRows(sql: "SELECT * FROM office ORDER BY id").map(Self.office(from:))
    }

    func officeNames() throws -> [(id: String, name: String)] {
        try fetchAllRows(sql: "SELECT id, name FROM office ORDER BY id").map { ($0[0], $0[1]) }
    }

    private static func office(from row: SQLRow) -> StoredOffice {
        StoredOffice(
            id: row["id"], name: row["name"], orgID: row["org_id"], profileText: row["profile_text"],
            profileSHA256: row["profile_sha256"], profileVersion: row["profile_version"])
    }

    // MARK: People

    func addPerson(name: String, displayName: String, office: String, addedAt: String) throws {
        do {
            try guarded {
                try execute(
                    sql: "INSERT INTO person (name, display_name, office_id, added_at) VALUES (?, ?, ?, ?)",
                    arguments: [name, displayName, office, addedAt])
            }
        } catch SQLFailure.constraint(.unique) {
            throw StoreError.duplicate(what: "a person named '\(name)'")
        } catch SQLFailure.constraint(.foreignKey) {
            throw StoreError.notFound(what: "office '\(office)'")
        }
    }

    func addGrant(person: String, role: Role, scope: String?) throws {
        guard let id = try fetchOneInt64(sql: "SELECT id FROM person WHERE name = ?", arguments: [person])
        else { throw StoreError.notFound(what: "person '\(person)'") }
        try execute(
            sql: "INSERT INTO role_grant (person_id, role, scope) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
            arguments: [id, role.rawValue, scope ?? ""])
    }

    func removeGrant(person: String, role: Role, scope: String?) throws -> Int {
        try execute(
            sql: """
                DELETE FROM role_grant WHERE role = ? AND scope = ?
                AND person_id = (SELECT id FROM person WHERE name = ?)
                """,
            arguments: [role.rawValue, scope ?? "", person])
    }

    func setPersonDisabled(name: String, at disabledAt: String?) throws {
        try execute(sql: "UPDATE person SET disabled_at = ? WHERE name = ?", arguments: [disabledAt, name])
    }

    func person(named name: String) throws -> StoredPerson? {
        // Every act reads the person acting and their grants: from the store's cache while nothing may have changed
        // them (`ActReadCache`).
        let token = try actCache?.currentToken()
        if let token, let hit = actCache?.cache.person(name, token: token) { return hit }
        let person = try people(sqlWhere: "p.name = ?", arguments: [name]).first
        if let token, let person { actCache?.cache.keep(person, token: token) }
        return person
    }

    func people(office: String?) throws -> [StoredPerson] {
        if let office { return try people(sqlWhere: "p.office_id = ?", arguments: [office]) }
        return try people(sqlWhere: "1 = 1", arguments: [])
    }

    private func people(sqlWhere: String, arguments: SQLArguments) throws -> [StoredPerson] {
        // Read through a cursor, row by row, without copying each row (this runs on every act).
        var order: [String] = []
        var byName:
            [String: (
                display: String, office: String, scopes: [Role: [String]], email: String?, disabledAt: String?,
                lastSignInAt: String?
            )] = [:]
        try forEachRow(
            sql: """
                SELECT p.name, p.display_name, p.office_id, g.role, g.scope, p.email, p.disabled_at, p.last_sign_in_at
                FROM person p LEFT JOIN role_grant g ON g.person_id = p.id
                WHERE \(sqlWhere) ORDER BY p.office_id, p.name, g.role, g.scope
                """, arguments: arguments
        ) { row in
            // By position: name, display_name, office_id, role, scope, email, disabled_at, last_sign_in_at.
            let name: String = row[0]
            if byName[name] == nil {
                order.append(name)
                byName[name] = (row[1], row[2], [:], row[5], row[6], row[7])
            }
            if let roleName: String = row[3] {
                guard let role = Role(rawValue: roleName) else { throw StoreError.invalidData(what: roleName) }
                byName[name]!.scopes[role, default: []].append(row[4])
            }
            return true
        }
        return order.map { name in
            let entry = byName[name]!
            let grants = entry.scopes.keys.sorted().map { role in
                let scopes = entry.scopes[role]!
                return RoleGrant(role: role, scope: scopes.contains("") ? [] : scopes)
            }
            return StoredPerson(
                name: name, displayName: entry.display, office: entry.office, grants: grants, email: entry.email,
                disabledAt: entry.disabledAt, lastSignInAt: entry.lastSignInAt)
        }
    }

    // MARK: Definitions and instances

    func pinnedDefinition(name: String, version: Int) throws -> PinnedDefinition? {
        try fetchOneRow(
            sql: "SELECT * FROM workflow_definition WHERE name = ? AND version = ?",
            arguments: [name, version]
        ).map(Self.pinned(from:))
    }

    func pinnedDefinitions() throws -> [PinnedDefinition] {
        try fetchAllRows(sql: "SELECT * FROM workflow_definition ORDER BY name, version").map(Self.pinned(from:))
    }

    private static func pinned(from row: SQLRow) -> PinnedDefinition {
        PinnedDefinition(name: row["name"], version: row["version"], sha256: row["sha256"], text: row["text"])
    }

    func pin(_ definition: PinnedDefinition, at: String) throws {
        try execute(
            sql: "INSERT INTO workflow_definition (name, version, sha256, text, pinned_at) VALUES (?, ?, ?, ?, ?)",
            arguments: [definition.name, definition.version, definition.sha256, definition.text, at])
    }

    func insertInstance(_ instance: WorkflowInstance, createdAt: String) throws {
        do {
            try guarded {
                try execute(
                    sql: """
                        INSERT INTO workflow_instance
                            (id, office_id, workflow, workflow_version, state, version, record_ref, last_effective_day,
                             created_at, profile_version)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?,
                            COALESCE((SELECT profile_version FROM office WHERE id = ?), 1))
                        """,
                    arguments: [
                        instance.id, instance.office, instance.workflow, instance.workflowVersion, instance.state,
                        instance.version, instance.recordRef, instance.lastEffectiveDay?.iso, createdAt,
                        instance.office,
                    ])
            }
        } catch SQLFailure.constraint(.unique) {
            throw StoreError.duplicate(what: "instance '\(instance.id)'")
        }
        // An agreement imported in a committed state (its terms saved before or after): the committed cache follows.
        if GrantRules.committedStates.contains(instance.state) { try refreshCommitment(agreement: instance.id) }
    }

    /// The columns `instance(from:)` reads, by position (reading a row by column name costs a case-insensitive
    /// search per value, on the hot path of every act).
    static let instanceColumns =
        "id, office_id, workflow, workflow_version, state, version, record_ref, last_effective_day"

    func instance(id: String) throws -> WorkflowInstance? {
        try fetchFirst(
            sql: "SELECT \(Self.instanceColumns) FROM workflow_instance WHERE id = ?", arguments: [id],
            Self.instance(from:))
    }

    /// The order instances were created in: SQLite's rowid, PostgreSQL's identity column.
    private var insertionOrder: String { dialect == .sqlite ? "rowid" : "row_order" }

    func instances(office: String?) throws -> [WorkflowInstance] {
        if let office {
            return try fetchAllRows(
                sql:
                    "SELECT \(Self.instanceColumns) FROM workflow_instance WHERE office_id = ? ORDER BY \(insertionOrder)",
                arguments: [office]
            ).map(Self.instance(from:))
        }
        return try fetchAllRows(sql: "SELECT \(Self.instanceColumns) FROM workflow_instance ORDER BY \(insertionOrder)")
            .map(Self.instance(from:))
    }

    func instances(office: String, workflow: String) throws -> [WorkflowInstance] {
        try fetchAllRows(
            sql: """
                SELECT \(Self.instanceColumns) FROM workflow_instance WHERE office_id = ? AND workflow = ?
                ORDER BY \(insertionOrder)
                """,
            arguments: [office, workflow]
        ).map(Self.instance(from:))
    }

    private static func instance(from row: SQLRow) throws -> WorkflowInstance {
        let day: String? = row[7]
        return WorkflowInstance(
            id: row[0], office: row[1], workflow: row[2], workflowVersion: row[3], state: row[4], version: row[5],
            recordRef: row[6], lastEffectiveDay: try day.map { try Day(iso: $0) })
    }

    func updateInstance(id: String, state: String, expectedVersion: Int, lastEffectiveDay: Day) throws {
        try updateInstance(
            id: id, from: nil, state: state, expectedVersion: expectedVersion, lastEffectiveDay: lastEffectiveDay)
    }

    func updateInstance(
        id: String, from: String?, state: String, expectedVersion: Int, lastEffectiveDay: Day
    ) throws {
        let changed = try execute(
            sql: """
                UPDATE workflow_instance SET state = ?, version = version + 1, last_effective_day = ?
                WHERE id = ? AND version = ?
                """,
            arguments: [state, lastEffectiveDay.iso, id, expectedVersion])
        guard changed == 1 else { throw StoreError.staleVersion(instance: id, expected: expectedVersion) }
        // A record moving into or out of a committed state (an agreement signed, terminated): the committed cache
        // follows, in this transaction. Moves between other states (every other act) cost nothing more.
        let committed = GrantRules.committedStates
        if from.map({ committed.contains($0) != committed.contains(state) }) ?? true {
            try refreshCommitment(agreement: id)
        }
    }

    func bumpInstanceVersion(id: String, expectedVersion: Int) throws {
        let changed = try execute(
            sql: "UPDATE workflow_instance SET version = version + 1 WHERE id = ? AND version = ?",
            arguments: [id, expectedVersion])
        guard changed == 1 else { throw StoreError.staleVersion(instance: id, expected: expectedVersion) }
    }
}
