import Foundation
import OPCCCore
import OPCCStore

/// What the first-run set-up creates: an office and its first administrator, who can then sign in.
public struct FirstRunSetUp: Sendable {
    public let office: StoredOffice
    public let administrator: String
}

/// The numbering templates the set-up form offers, from the offices the product was tried with.
public enum SetUpNumbering: String, CaseIterable, Sendable {
    case sequenceSlashYear = "{seq:3}/{year}"
    case yearDashSequence = "{year}-{seq}"
    case financialYearSlashSequence = "{fy}/{seq:3}"
    case sequenceOnly = "{seq}"

    /// When the sequence starts again, as the template's placeholders require.
    public var reset: String {
        switch self {
        case .sequenceSlashYear, .yearDashSequence: "calendar-year"
        case .financialYearSlashSequence: "financial-year"
        case .sequenceOnly: "never"
        }
    }

    /// An example number, for the form.
    public var example: String {
        switch self {
        case .sequenceSlashYear: "044/2020 (Cumbria, Surrey)"
        case .yearDashSequence: "2020-19 (Thames Valley)"
        case .financialYearSlashSequence: "2020-21/007"
        case .sequenceOnly: "45 (one sequence, never reset)"
        }
    }
}

/// The first run of a database with no office: `opcc serve` prints a one-time link (a random token; only its SHA-256
/// is stored), and whoever opens it creates the first office and its first administrator, in one transaction. The
/// link works once; once any office exists, no link is issued and none works.
extension Commissioning {
    /// A new set-up link's token when the database holds no office; nil otherwise.
    public func issueSetUpLinkIfEmpty() async throws -> String? {
        try await store.write { tx in
            guard try tx.offices().isEmpty else { return nil }
            let token = Self.newLinkToken()
            try tx.insertSetupLink(tokenSHA256: SHA256Hex.of(token), at: clock.timestamp())
            return token
        }
    }

    /// Checks a set-up link before its page is shown: unknown is `setup-link-known` (not found), used or a database
    /// that has an office since is `setup-link-unused`.
    public func checkSetUpLink(_ token: String) async throws {
        try await store.read { tx in try checkSetUpLink(token, in: tx) }
    }

    private func checkSetUpLink(_ token: String, in tx: any StoreTransaction) throws {
        let found = Self.isWellFormedLinkToken(token) ? try tx.setupLink(tokenSHA256: SHA256Hex.of(token)) : nil
        guard let found, found.exists else {
            throw ServiceRefusal.notFound(rule: .setupLinkKnown, message: "this set-up link is not known")
        }
        guard found.usedAt == nil, try tx.offices().isEmpty else {
            throw ServiceRefusal(
                rule: .setupLinkUnused,
                message: "this set-up link was used already: the office is set up; sign in instead", kind: .conflict)
        }
    }

    /// The profile text the set-up form makes from an id, a name and a numbering template; read by the loader like
    /// any other, so its refusals are the loader's.
    public static func setUpProfileText(id: String, name: String, numbering: SetUpNumbering) -> String {
        func quoted(_ text: String) -> String {
            // A JSON string is a YAML double-quoted scalar: any character the name holds reads back as typed.
            String(decoding: (try? JSONEncoder().encode(text)) ?? Data("\"\"".utf8), as: UTF8.self)
        }
        return """
            id: \(quoted(id))
            name: \(quoted(name))
            decisionNumbering:
              template: \(quoted(numbering.rawValue))
              reset: \(numbering.reset)
            publication:
              part1DeadlineWorkingDays: 3
            signatories:
              - position: originating-officer
                title: Originating officer declaration
                kind: declaration
                role: officer
              - position: chief-executive
                title: Officer approval (Chief Executive)
                kind: approval
                role: chief-executive
            roles: [officer, finance, chief-executive, commissioner, project-board-member, auditor, public]

            """
    }

    /// Creates the first office from `profile` and its first administrator (`name`, with a password whose bcrypt hash
    /// the web made), marks the link used: one transaction, audited (`office-registered`, `person-added`,
    /// `first-run-set-up`). Nothing is written when anything is refused.
    public func completeSetUp(
        token: String, profile loaded: LoadedProfile, name: String, displayName: String, email: String,
        password: String, hash: @Sendable (String) -> String
    ) async throws -> FirstRunSetUp {
        try Self.checkPersonName(name)
        let displayName = try checkedText(displayName, "displayName", .name)
        let email = try Self.checkedEmail(email)
        try Self.checkPassword(password)
        try await checkSetUpLink(token)
        let passwordHash = hash(password)
        return try await store.write { tx in
            try checkSetUpLink(token, in: tx)
            let office = try addOffice(loaded, by: name, in: tx)
            try addPerson(
                name: name, displayName: displayName, office: office.id, grants: [RoleGrant(role: .administrator)],
                by: name, on: nil, authorised: true, email: email, in: tx)
            try tx.savePasswordHash(passwordHash, person: name, at: clock.timestamp())
            guard try tx.useSetupLink(tokenSHA256: SHA256Hex.of(token), at: clock.timestamp(), by: name) else {
                throw ServiceRefusal(
                    rule: .setupLinkUnused, message: "this set-up link was used already", kind: .conflict)
            }
            try tx.append(
                AuditEventDraft(
                    office: office.id, event: "first-run-set-up", actor: name, effectiveDay: clock.today(),
                    recordedAt: clock.timestamp(), payload: ["office": office.id, "administrator": name]))
            return FirstRunSetUp(office: office, administrator: name)
        }
    }
}
