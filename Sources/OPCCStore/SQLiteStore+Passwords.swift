import GRDB
import OPCCCore

extension Migrations {
    /// Local sign-in for the web: one bcrypt hash per person. Never the password itself.
    static func webSignIn(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE person_password (
                    person_name TEXT PRIMARY KEY NOT NULL REFERENCES person(name),
                    password_hash TEXT NOT NULL CHECK (password_hash GLOB '$2*'),
                    set_at TEXT NOT NULL
                ) STRICT;
                """)
    }
}

/// Where the web's sign-in keeps password hashes. Only hashes pass through here.
public protocol PasswordStore: Sendable {
    func passwordHash(person: String) async throws -> String?
    func setPasswordHash(_ hash: String, person: String, at: String) async throws
}

extension SQLiteStore: PasswordStore {
    public func passwordHash(person: String) async throws -> String? {
        try await retryingWhileBusy {
            try await writer.read { db in
                try String.fetchOne(
                    db, sql: "SELECT password_hash FROM person_password WHERE person_name = ?", arguments: [person])
            }
        }
    }

    public func setPasswordHash(_ hash: String, person: String, at: String) async throws {
        try await retryingWhileBusy {
            try await writer.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO person_password (person_name, password_hash, set_at) VALUES (?, ?, ?)
                        ON CONFLICT(person_name) DO UPDATE SET password_hash = excluded.password_hash, set_at = excluded.set_at
                        """, arguments: [person, hash, at])
            }
        }
    }
}
