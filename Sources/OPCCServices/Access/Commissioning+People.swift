import OPCCCore
import OPCCStore

extension Commissioning {
    /// The name the demo loader and first-time set-up act under, before any person exists in an office.
    public static let systemActor = "opcc-system"

    /// Adds a person with roles. Who may: the office's chief executive or an administrator of it; or anyone while the
    /// office has no people yet (first-time set-up). Recorded in the audit log.
    public func addPerson(
        name: String, displayName: String? = nil, office: String, grants: [RoleGrant], by actorName: String,
        on day: Day? = nil, email: String? = nil
    ) async throws {
        try await addPerson(
            name: name, displayName: displayName, office: office, grants: grants, by: actorName, on: day,
            authorised: false, email: email)
    }

    /// `authorised` is true only for the demo loader, which acts as the system on fixture data.
    @_spi(Bench) public func addPerson(
        name: String, displayName: String?, office: String, grants: [RoleGrant], by actorName: String, on day: Day?,
        authorised: Bool, email: String? = nil
    ) async throws {
        try Self.checkPersonName(name)
        let email = try email.map(Self.checkedEmail)
        let displayName = try checkedOptionalText(displayName, "displayName", .name)
        let grants = try grants.map { RoleGrant(role: $0.role, scope: try Self.checkedScope($0.scope)) }
        guard !grants.isEmpty else {
            throw ServiceRefusal.forbidden(
                rule: .roleRequired, message: "give at least one --role (\(Role.namesForHelp))")
        }
        let profile = try await self.profile(of: office)
        for grant in grants where !profile.roles.contains(grant.role) && !grant.role.isProductRole {
            throw ServiceRefusal(
                rule: .officeRole, message: "office \(office) does not use the role \(grant.role)")
        }
        try await store.write { tx in
            try addPerson(
                name: name, displayName: displayName, office: office, grants: grants, by: actorName, on: day,
                authorised: authorised, email: email, in: tx)
        }
    }

    /// The transaction's part of `addPerson`, once the text is checked and the roles are the office's: also used by
    /// the first-run set-up, which adds the office and its first person in one transaction.
    func addPerson(
        name: String, displayName: String?, office: String, grants: [RoleGrant], by actorName: String, on day: Day?,
        authorised: Bool, email: String?, in tx: any StoreTransaction
    ) throws {
        let existing = try tx.people(office: office)
        if !existing.isEmpty && !authorised {
            let person = try actor(named: actorName, in: tx)
            guard person.managesPeople(of: office) else {
                throw ServiceRefusal.forbidden(
                    rule: .peopleManagedByChiefExecutive,
                    message: "only the office's chief executive or an administrator may add people to \(office)")
            }
        }
        try tx.addPerson(name: name, displayName: displayName ?? name, office: office, addedAt: clock.timestamp())
        for grant in grants {
            if grant.scope.isEmpty {
                try tx.addGrant(person: name, role: grant.role, scope: nil)
            } else {
                for record in grant.scope { try tx.addGrant(person: name, role: grant.role, scope: record) }
            }
        }
        var payload = ["person": name, "roles": grants.map(\.description).joined(separator: "; ")]
        if let email {
            // In the same transaction and event as the person: an address is never changed without an audit event.
            try tx.setPersonEmail(name: name, email: email)
            payload["email"] = email
        }
        try tx.append(
            AuditEventDraft(
                office: office, event: "person-added", actor: actorName, effectiveDay: day ?? clock.today(),
                recordedAt: clock.timestamp(), payload: payload, sealSubject: .person(name)))
    }

    /// Record references a grant is limited to, each checked as a name is (one line, no control characters).
    static func checkedScope(_ scope: [String]) throws -> [String] {
        try scope.map { try checkedText($0, "scope", .name) }
    }

    static func checkPersonName(_ name: String) throws {
        guard !name.isEmpty, name.count <= 64,
            name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) })
        else {
            throw ServiceRefusal(
                rule: .personName,
                message: "'\(name)' is not a usable sign-in name: use letters, digits, '-', '_' or '.', up to 64")
        }
    }

    public func people(office: String?) async throws -> [StoredPerson] {
        try await store.read { try $0.people(office: office) }
    }
}
