import GRDB
import OPCCCore

extension Migrations {
    /// Web sessions, the sign-in throttle and the key that signs sign-in forms, in the database so that every server
    /// process on it agrees. Only the SHA-256 of a session's id is kept (the id is the cookie, a reader of the
    /// database cannot sign in with a hash); only the SHA-256 of a throttle key (the address or name typed, which may
    /// be a password typed in the wrong box). Instants are milliseconds since 1970 (`_ms`), so expiry is a comparison.
    /// A session row is made only at sign-in and deleted at sign-out, at a password change and when it expires; the
    /// throttle is capped by the services (oldest rows go first).
    static func webSessions(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE web_session (
                    id_sha256 TEXT PRIMARY KEY NOT NULL
                        CHECK (length(id_sha256) = 64 AND id_sha256 NOT GLOB '*[^0-9a-f]*'),
                    person_name TEXT NOT NULL REFERENCES person(name),
                    csrf TEXT NOT NULL CHECK (length(csrf) = 64 AND csrf NOT GLOB '*[^0-9a-f]*'),
                    created_at_ms INTEGER NOT NULL,
                    last_seen_at_ms INTEGER NOT NULL CHECK (last_seen_at_ms >= created_at_ms)
                ) STRICT;
                CREATE INDEX web_session_person ON web_session(person_name);
                CREATE INDEX web_session_last_seen ON web_session(last_seen_at_ms);
                CREATE TABLE sign_in_throttle (
                    key_sha256 TEXT PRIMARY KEY NOT NULL
                        CHECK (length(key_sha256) = 64 AND key_sha256 NOT GLOB '*[^0-9a-f]*'),
                    kind TEXT NOT NULL CHECK (kind IN ('account', 'address', 'address-account')),
                    failures INTEGER NOT NULL CHECK (failures >= 0),
                    blocked_until_ms INTEGER NOT NULL,
                    updated_at_ms INTEGER NOT NULL
                ) STRICT;
                CREATE INDEX sign_in_throttle_updated ON sign_in_throttle(updated_at_ms);
                CREATE TABLE web_secret (
                    name TEXT PRIMARY KEY NOT NULL CHECK (name <> ''),
                    value_hex TEXT NOT NULL CHECK (length(value_hex) = 64 AND value_hex NOT GLOB '*[^0-9a-f]*')
                ) STRICT;
                """)
    }
}

extension SQLTransaction {
    func insertSession(_ session: StoredSession) throws {
        try execute(
            sql: """
                INSERT INTO web_session (id_sha256, person_name, csrf, created_at_ms, last_seen_at_ms)
                VALUES (?, ?, ?, ?, ?)
                """,
            arguments: [session.idSHA256, session.person, session.csrf, session.createdAtMs, session.lastSeenAtMs])
    }

    func session(idSHA256: String) throws -> StoredSession? {
        try fetchOneRow(
            sql: """
                SELECT id_sha256, person_name, csrf, created_at_ms, last_seen_at_ms FROM web_session
                WHERE id_sha256 = ?
                """, arguments: [idSHA256]
        ).map { row in
            StoredSession(
                idSHA256: row[0], person: row[1], csrf: row[2], createdAtMs: row[3], lastSeenAtMs: row[4])
        }
    }

    func touchSession(idSHA256: String, atMs: Int64) throws {
        try execute(
            sql: "UPDATE web_session SET last_seen_at_ms = \(greatest("last_seen_at_ms", "?")) WHERE id_sha256 = ?",
            arguments: [atMs, idSHA256])
    }

    func deleteSession(idSHA256: String) throws {
        try execute(sql: "DELETE FROM web_session WHERE id_sha256 = ?", arguments: [idSHA256])
    }

    func deleteSessions(person: String, except idSHA256: String?) throws -> Int {
        try execute(
            sql: "DELETE FROM web_session WHERE person_name = ? AND id_sha256 IS DISTINCT FROM ?",
            arguments: [person, idSHA256])
    }

    func deleteSessions(lastSeenBeforeMs: Int64, createdBeforeMs: Int64) throws -> Int {
        try execute(
            sql: "DELETE FROM web_session WHERE last_seen_at_ms < ? OR created_at_ms < ?",
            arguments: [lastSeenBeforeMs, createdBeforeMs])
    }

    func sessionCount() throws -> Int {
        try fetchValue(Int.self, sql: "SELECT count(*) FROM web_session") ?? 0
    }

    func throttleEntries(keySHA256 keys: [String]) throws -> [StoredThrottleEntry] {
        guard !keys.isEmpty else { return [] }
        let marks = Array(repeating: "?", count: keys.count).joined(separator: ", ")
        return try fetchAllRows(
            sql: """
                SELECT key_sha256, kind, failures, blocked_until_ms, updated_at_ms FROM sign_in_throttle
                WHERE key_sha256 IN (\(marks))
                """, arguments: SQLArguments(keys)
        ).map { row in
            StoredThrottleEntry(
                keySHA256: row[0], kind: row[1], failures: row[2], blockedUntilMs: row[3], updatedAtMs: row[4])
        }
    }

    func saveThrottleEntry(_ entry: StoredThrottleEntry) throws {
        try execute(
            sql: """
                INSERT INTO sign_in_throttle (key_sha256, kind, failures, blocked_until_ms, updated_at_ms)
                VALUES (?, ?, ?, ?, ?)
                ON CONFLICT(key_sha256) DO UPDATE SET failures = excluded.failures,
                    blocked_until_ms = excluded.blocked_until_ms, updated_at_ms = excluded.updated_at_ms
                """, arguments: [entry.keySHA256, entry.kind, entry.failures, entry.blockedUntilMs, entry.updatedAtMs])
    }

    func deleteThrottleEntry(keySHA256: String) throws {
        try execute(sql: "DELETE FROM sign_in_throttle WHERE key_sha256 = ?", arguments: [keySHA256])
    }

    func trimThrottle(forgetBeforeMs: Int64, nowMs: Int64, keepAtMost: Int) throws {
        try execute(
            sql: "DELETE FROM sign_in_throttle WHERE updated_at_ms < ? AND blocked_until_ms <= ?",
            arguments: [forgetBeforeMs, nowMs])
        // Past the cap the oldest rows go: made-up names cannot grow the table, only push out what is oldest.
        try execute(
            sql: """
                DELETE FROM sign_in_throttle WHERE key_sha256 IN (
                    SELECT key_sha256 FROM sign_in_throttle ORDER BY updated_at_ms, key_sha256
                    LIMIT \(greatest("0", "(SELECT count(*) FROM sign_in_throttle) - ?")))
                """, arguments: [keepAtMost])
    }

    func throttleEntryCount() throws -> Int {
        try fetchValue(Int.self, sql: "SELECT count(*) FROM sign_in_throttle") ?? 0
    }

    func webSecret(named name: String) throws -> String? {
        try fetchValue(String.self, sql: "SELECT value_hex FROM web_secret WHERE name = ?", arguments: [name])
    }

    func saveWebSecretIfAbsent(named name: String, valueHex: String) throws {
        try execute(
            sql: "INSERT INTO web_secret (name, value_hex) VALUES (?, ?) ON CONFLICT DO NOTHING",
            arguments: [name, valueHex])
    }

    func savePasswordHash(_ hash: String, person: String, at: String) throws {
        try execute(
            sql: """
                INSERT INTO person_password (person_name, password_hash, set_at) VALUES (?, ?, ?)
                ON CONFLICT(person_name) DO UPDATE SET password_hash = excluded.password_hash, set_at = excluded.set_at
                """, arguments: [person, hash, at])
    }
}

/// A signed-in browser session as stored: the SHA-256 of its id (the cookie), never the id.
public struct StoredSession: Hashable, Sendable {
    public let idSHA256: String
    public let person: String
    /// The token every form of the session carries (not a secret that signs in: it is useless without the cookie).
    public let csrf: String
    public let createdAtMs: Int64
    public let lastSeenAtMs: Int64

    public init(idSHA256: String, person: String, csrf: String, createdAtMs: Int64, lastSeenAtMs: Int64) {
        self.idSHA256 = idSHA256
        self.person = person
        self.csrf = csrf
        self.createdAtMs = createdAtMs
        self.lastSeenAtMs = lastSeenAtMs
    }
}

/// One counter of the sign-in throttle: failures of an account, an address, or an address with an account.
public struct StoredThrottleEntry: Hashable, Sendable {
    public let keySHA256: String
    /// `account`, `address` or `address-account`.
    public let kind: String
    public let failures: Int
    /// Sign-in with this key is refused unchecked until then.
    public let blockedUntilMs: Int64
    public let updatedAtMs: Int64

    public init(keySHA256: String, kind: String, failures: Int, blockedUntilMs: Int64, updatedAtMs: Int64) {
        self.keySHA256 = keySHA256
        self.kind = kind
        self.failures = failures
        self.blockedUntilMs = blockedUntilMs
        self.updatedAtMs = updatedAtMs
    }
}
