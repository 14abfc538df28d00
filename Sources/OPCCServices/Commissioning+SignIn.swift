import OPCCCore
import OPCCStore

/// Local accounts for the web: the person a session belongs to and their password hash. Hashing (bcrypt) is done by
/// the caller; only hashes reach the store.
extension Commissioning {
    /// The person with this sign-in name, or nil.
    public func person(named name: String) throws -> StoredPerson? {
        try store.read { try $0.person(named: name) }
    }

    /// The stored password hash of a person, or nil when none is set (they cannot sign in).
    public func passwordHash(of name: String) throws -> String? {
        guard let passwords = store as? any PasswordStore else { return nil }
        return try passwords.passwordHash(person: name)
    }

    /// Sets a person's password hash. Refuses for unknown people and for stores that keep no passwords.
    public func setPasswordHash(_ hash: String, of name: String) throws {
        guard try person(named: name) != nil else {
            throw ServiceRefusal(rule: "known-person", message: "no person named '\(name)' ('opcc user list')")
        }
        guard let passwords = store as? any PasswordStore else {
            throw ServiceRefusal(rule: "password-store", message: "this store keeps no passwords")
        }
        try passwords.setPasswordHash(hash, person: name, at: clock.timestamp())
    }

    /// Every person in every office (for setting the demo's sign-ins).
    public func everyone() throws -> [StoredPerson] {
        try store.read { try $0.people(office: nil) }
    }
}
