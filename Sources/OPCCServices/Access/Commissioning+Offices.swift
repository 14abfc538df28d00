import OPCCCore
import OPCCStore

/// The offices the database holds, and the acts that register an office or change its profile. Every version of a
/// profile is kept (`office_profile_version`); a workflow instance records the version in force when it was created,
/// as it records its workflow's version, so a record is always read under the profile it was made under.
extension Commissioning {
    /// Every registered office, as stored (its profile's text with its SHA-256).
    public func offices() async throws -> [StoredOffice] {
        try await store.read { try $0.offices() }
    }

    /// Every office's id and name, in id order: for pages that list offices, without reading their profiles (43
    /// profiles' text on every public register page at national scale).
    public func officeNames() async throws -> [(id: String, name: String)] {
        try await store.read { try $0.officeNames() }
    }

    /// One office, or nil when there is none.
    public func office(id: String) async throws -> StoredOffice? {
        try await store.read { try $0.office(id: id) }
    }

    /// Every version of an office's profile, oldest first.
    public func profileVersions(of office: String) async throws -> [OfficeProfileVersion] {
        try await store.read { tx in
            guard try tx.office(id: office) != nil else {
                throw ServiceRefusal.notFound(rule: .knownOffice, message: "no office '\(office)' in this database")
            }
            return try tx.officeProfileVersions(id: office)
        }
    }

    /// The office profile version a record's workflow instance was created under.
    public func profileVersion(ofInstance id: String) async throws -> Int? {
        try await store.read { try $0.instanceProfileVersion(id: id) }
    }

    /// Reads a profile's text as the loader does, turning its error (key, and the line of an unknown key) into a
    /// refusal. Nothing is written.
    public static func loadProfile(text: String, source: String) throws -> LoadedProfile {
        do {
            return LoadedProfile(
                profile: try OfficeProfile.parse(yaml: text, source: source), text: text, source: source)
        } catch {
            throw ServiceRefusal(rule: .validOfficeProfile, message: error.description)
        }
    }

    /// Registers a new office from its profile (`opcc office add`): version 1 of its profile, one audit event. An id
    /// already present is refused, naming it. Who may: whoever runs the command line, which holds the database's
    /// credentials; `actorName` is recorded as who did it (it need not be a person yet: a new office has none).
    public func addOffice(_ loaded: LoadedProfile, by actorName: String) async throws -> StoredOffice {
        try Self.checkActorName(actorName)
        return try await store.write { tx in
            try addOffice(loaded, by: actorName, in: tx)
        }
    }

    func addOffice(_ loaded: LoadedProfile, by actorName: String, in tx: any StoreTransaction) throws -> StoredOffice {
        let id = loaded.profile.id
        if try tx.office(id: id) != nil {
            throw ServiceRefusal(
                rule: .officeIdUnique,
                message: "an office '\(id)' is already registered: change its profile with 'opcc office edit \(id)'",
                kind: .conflict)
        }
        let version = try tx.saveOffice(
            id: id, name: loaded.profile.name, orgID: loaded.profile.orgID, profileText: loaded.text,
            registeredAt: clock.timestamp(), recordedBy: actorName)
        try tx.append(
            AuditEventDraft(
                office: id, event: "office-registered", actor: actorName, effectiveDay: clock.today(),
                recordedAt: clock.timestamp(),
                payload: [
                    "source": loaded.source, "sha256": WorkflowDefinition.sha256Hex(of: loaded.text),
                    "profileVersion": String(version),
                ],
                sealSubject: .office(id)))
        return try tx.office(id: id)!
    }

    /// Replaces the profile of an existing office (`opcc office edit ID`), as a new version; records made before keep
    /// theirs. The file's id must be `office`. Who may: the office's chief executive or administrator. A text equal
    /// to the one in force changes nothing.
    public func editOffice(
        _ office: String, with loaded: LoadedProfile, by actorName: String
    ) async throws
        -> StoredOffice
    {
        try await store.write { tx in
            guard let existing = try tx.office(id: office) else {
                throw ServiceRefusal.notFound(rule: .knownOffice, message: "no office '\(office)' in this database")
            }
            guard loaded.profile.id == office else {
                throw ServiceRefusal(
                    rule: .officeIdMatches,
                    message: "\(loaded.source): id: '\(loaded.profile.id)' is not the office edited ('\(office)')")
            }
            let acting = try actor(named: actorName, in: tx)
            guard acting.managesPeople(of: office) else {
                throw ServiceRefusal.forbidden(
                    rule: .officeEditedByChiefExecutiveOrAdministrator,
                    message: "only the chief executive or an administrator of \(office) may change its profile")
            }
            if existing.profileSHA256 == WorkflowDefinition.sha256Hex(of: loaded.text) { return existing }
            let version = try tx.saveOffice(
                id: office, name: loaded.profile.name, orgID: loaded.profile.orgID, profileText: loaded.text,
                registeredAt: clock.timestamp(), recordedBy: actorName)
            try tx.append(
                AuditEventDraft(
                    office: office, event: "office-profile-changed", actor: actorName, effectiveDay: clock.today(),
                    recordedAt: clock.timestamp(),
                    payload: [
                        "source": loaded.source, "sha256": WorkflowDefinition.sha256Hex(of: loaded.text),
                        "profileVersion": String(version), "previousVersion": String(existing.profileVersion),
                    ],
                    sealSubject: .office(office)))
            return try tx.office(id: office)!
        }
    }

    /// The name an act on the command line is recorded under when it need not be a person's (`office add`).
    static func checkActorName(_ name: String) throws {
        guard !name.isEmpty else {
            throw ServiceRefusal(rule: .actorRequired, message: "say who is acting: --as NAME (or set OPCC_USER)")
        }
        if name != systemActor { try checkPersonName(name) }
    }
}

extension StoredPerson {
    /// Whether this person may manage `office`'s people and profile: an active chief executive or administrator of it.
    public func managesPeople(of office: String) -> Bool {
        self.office == office && !isDisabled
            && !actor.roles(covering: nil).isDisjoint(with: [.chiefExecutive, .administrator])
    }
}
