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
            try await writer.read { db in try SQLTransaction(sql: GRDBSession(db: db)).passwordHash(person: person) }
        }
    }

    public func setPasswordHash(_ hash: String, person: String, at: String) async throws {
        try await write { try $0.savePasswordHash(hash, person: person, at: at) }
    }
}

extension SQLTransaction {
    /// The person's bcrypt hash, for the sign-in check alone (services never read it).
    func passwordHash(person: String) throws -> String? {
        try fetchValue(
            String.self, sql: "SELECT password_hash FROM person_password WHERE person_name = ?", arguments: [person])
    }
}
