import OPCCCore
import OPCCStore

/// Local accounts for the web: the person a session belongs to and their password hash. Hashing (bcrypt) is done by
/// the caller; only hashes reach the store.
extension Commissioning {
    /// The person with this sign-in name, or nil.
    public func person(named name: String) async throws -> StoredPerson? {
        try await store.read { try $0.person(named: name) }
    }

    /// The stored password hash of a person, or nil when none is set (they cannot sign in).
    public func passwordHash(of name: String) async throws -> String? {
        guard let passwords = store as? any PasswordStore else { return nil }
        return try await passwords.passwordHash(person: name)
    }

    /// Sets a person's password hash with no one acting: for setting up (the demo's sign-ins, tests). It ends every
    /// session of the person, like any password change; a person's change is `changePassword`, which is audited.
    /// Refuses for unknown people.
    public func setPasswordHash(_ hash: String, of name: String) async throws {
        try await store.write { tx in
            guard try tx.person(named: name) != nil else {
                throw ServiceRefusal.notFound(
                    rule: .knownPerson, message: "no person named '\(name)' ('opcc user list')")
            }
            try tx.savePasswordHash(hash, person: name, at: clock.timestamp())
            _ = try tx.deleteSessions(person: name, except: nil)
        }
    }

    /// Changes a person's password hash, as the person or their office's chief executive: in one transaction the
    /// hash is replaced, every other session of the person ends (one stolen or left open is of no use after), and a
    /// `password-changed` audit event records who did it (never the hash). `keepingSession` is the session the
    /// person changed it from, kept. Returns how many sessions ended.
    @discardableResult
    public func changePassword(
        of name: String, toHash hash: String, by actorName: String, on day: Day? = nil,
        keepingSession sessionID: String? = nil
    ) async throws -> Int {
        let today = try dayNotAfterToday(day)
        return try await store.write { tx in
            guard let person = try tx.person(named: name) else {
                throw ServiceRefusal.notFound(
                    rule: .knownPerson, message: "no person named '\(name)' ('opcc user list')")
            }
            let acting = try actor(named: actorName, in: tx)
            guard
                acting.name == person.name
                    || (acting.office == person.office && acting.actor.roles(covering: nil).contains(.chiefExecutive))
            else {
                throw ServiceRefusal(
                    rule: .passwordSetByPersonOrChiefExecutive,
                    message: "only \(person.name) or the chief executive of \(person.office) may set their password")
            }
            try tx.savePasswordHash(hash, person: name, at: clock.timestamp())
            let ended = try tx.deleteSessions(person: name, except: sessionID.map(SHA256Hex.of))
            try tx.append(
                AuditEventDraft(
                    office: person.office, event: "password-changed", actor: actorName, effectiveDay: today,
                    recordedAt: clock.timestamp(), payload: ["person": name, "sessionsEnded": String(ended)]))
            return ended
        }
    }

    /// Every person in every office (for setting the demo's sign-ins).
    public func everyone() async throws -> [StoredPerson] {
        try await store.read { try $0.people(office: nil) }
    }
}
