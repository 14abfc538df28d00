import OPCCCore
import OPCCStore

/// Managing an office's people after they are added: granting and ending roles, disabling and enabling. Who may:
/// the office's chief executive or an administrator of it (`StoredPerson.managesPeople`). Each act is one
/// transaction and one audit event naming the person; nobody is ever deleted, so the audit log always names someone
/// who exists.
extension Commissioning {
    /// The person `name` as `actorName` may manage them: both exist, the actor manages the person's office.
    private func managed(
        _ name: String, by actorName: String, in tx: any StoreTransaction
    ) throws -> (person: StoredPerson, acting: StoredPerson) {
        let acting = try actor(named: actorName, in: tx)
        guard let person = try tx.person(named: name) else {
            throw ServiceRefusal.notFound(rule: .knownPerson, message: "no person named '\(name)' ('opcc user list')")
        }
        guard acting.office == person.office else {
            throw ServiceRefusal.forbidden(
                rule: .ownOffice, message: "\(name) belongs to \(person.office), not to \(acting.office)")
        }
        guard acting.managesPeople(of: person.office) else {
            throw ServiceRefusal.forbidden(
                rule: .peopleManagedByChiefExecutive,
                message: "only the chief executive or an administrator of \(person.office) may manage its people")
        }
        return (person, acting)
    }

    /// Gives `name` a role, over the whole office or limited to the records in `scope`.
    public func grantRole(
        _ grant: RoleGrant, to name: String, by actorName: String, on day: Day? = nil
    ) async throws {
        let grant = RoleGrant(role: grant.role, scope: try Self.checkedScope(grant.scope))
        try await store.write { tx in
            let (person, _) = try managed(name, by: actorName, in: tx)
            let profile = try profile(of: person.office, in: tx)
            guard profile.roles.contains(grant.role) || grant.role.isProductRole else {
                throw ServiceRefusal(
                    rule: .officeRole, message: "office \(person.office) does not use the role \(grant.role)")
            }
            for scope in grant.scope.isEmpty ? [nil] : grant.scope.map(Optional.some) {
                try tx.addGrant(person: name, role: grant.role, scope: scope)
            }
            try tx.append(
                AuditEventDraft(
                    office: person.office, event: "role-granted", actor: actorName, effectiveDay: day ?? clock.today(),
                    recordedAt: clock.timestamp(), payload: ["person": name, "role": grant.description],
                    sealSubject: .person(name)))
        }
    }

    /// Ends `name`'s role (one scope, or the office-wide grant when `scope` is nil). The office must keep one active
    /// person who may manage its people.
    public func endRole(
        _ role: Role, scope: String? = nil, of name: String, by actorName: String, on day: Day? = nil
    ) async throws {
        try await store.write { tx in
            let (person, _) = try managed(name, by: actorName, in: tx)
            guard try tx.removeGrant(person: name, role: role, scope: scope) == 1 else {
                let held = person.grants.map(\.description).joined(separator: "; ")
                throw ServiceRefusal(
                    rule: .grantHeld,
                    message: "\(name) does not hold \(role)\(scope.map { " for \($0)" } ?? "") (holds: \(held))")
            }
            try keepAPeopleManager(in: person.office, tx)
            let description = scope.map { "\(role) (\($0))" } ?? role.rawValue
            try tx.append(
                AuditEventDraft(
                    office: person.office, event: "role-ended", actor: actorName, effectiveDay: day ?? clock.today(),
                    recordedAt: clock.timestamp(), payload: ["person": name, "role": description],
                    sealSubject: .person(name)))
        }
    }

    /// Disables `name`: they cannot sign in, act or use an API token, and their web sessions end. Never deleted.
    /// Returns how many sessions ended.
    @discardableResult
    public func disablePerson(_ name: String, by actorName: String, on day: Day? = nil) async throws -> Int {
        try await store.write { tx in
            let (person, _) = try managed(name, by: actorName, in: tx)
            if let disabledAt = person.disabledAt {
                throw ServiceRefusal(rule: .personActive, message: "\(name) was already disabled at \(disabledAt)")
            }
            try tx.setPersonDisabled(name: name, at: clock.timestamp())
            try keepAPeopleManager(in: person.office, tx)
            let ended = try tx.deleteSessions(person: name, except: nil)
            try tx.append(
                AuditEventDraft(
                    office: person.office, event: "person-disabled", actor: actorName,
                    effectiveDay: day ?? clock.today(), recordedAt: clock.timestamp(),
                    payload: ["person": name, "sessionsEnded": String(ended)], sealSubject: .person(name)))
            return ended
        }
    }

    /// Enables a disabled person again (their old password works again; their tokens work again).
    public func enablePerson(_ name: String, by actorName: String, on day: Day? = nil) async throws {
        try await store.write { tx in
            let (person, _) = try managed(name, by: actorName, in: tx)
            guard person.isDisabled else {
                throw ServiceRefusal(rule: .personDisabled, message: "\(name) is not disabled")
            }
            try tx.setPersonDisabled(name: name, at: nil)
            try tx.append(
                AuditEventDraft(
                    office: person.office, event: "person-enabled", actor: actorName,
                    effectiveDay: day ?? clock.today(), recordedAt: clock.timestamp(), payload: ["person": name],
                    sealSubject: .person(name)))
        }
    }

    /// Refuses a change that would leave `office` with nobody active who may manage its people (and so nobody who
    /// could undo the change).
    private func keepAPeopleManager(in office: String, _ tx: any StoreTransaction) throws {
        guard try tx.people(office: office).contains(where: { $0.managesPeople(of: office) }) else {
            throw ServiceRefusal(
                rule: .peopleManagerKept,
                message: "\(office) would have no active chief executive or administrator left to manage its people")
        }
    }
}
