import Crypto
import OPCCCore
import OPCCStore

/// API tokens: a script calls the JSON API as one person, with exactly that person's roles, by sending
/// `Authorization: Bearer TOKEN`. A token is `opcc_` and 64 hex digits (256 random bits), shown only when created;
/// only its SHA-256 is stored. Creating and revoking are audit events; a revoked token's record stays.
extension Commissioning {
    /// A token as listed: never its secret.
    public typealias APIToken = StoredAPIToken

    static let apiTokenPrefix = "opcc_"

    /// Creates a token for `actorName` (a person creates their own tokens) and returns its id and secret.
    public func createAPIToken(
        label: String, by actorName: String, on day: Day? = nil
    ) async throws -> (id: Int64, token: String) {
        let label = label.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !label.isEmpty, label.count <= 80 else {
            throw ServiceRefusal(
                rule: .apiTokenLabel,
                message: "give the token a label of 1 to 80 characters saying which script uses it, e.g. --label "
                    + "finance-export")
        }
        let today = try dayNotAfterToday(day)
        let token = Self.apiTokenPrefix + Self.newFeedToken()
        let id = try await store.write { tx -> Int64 in
            let person = try actor(named: actorName, in: tx)
            if try tx.apiTokens(person: person.name).contains(where: { $0.label == label && $0.revokedAt == nil }) {
                throw ServiceRefusal(
                    rule: .apiTokenLabelUnique,
                    message: "\(person.name) already has a live token labelled '\(label)': revoke it first or choose "
                        + "another label")
            }
            let event = try tx.append(
                AuditEventDraft(
                    office: person.office, event: "api-token-created", actor: actorName, effectiveDay: today,
                    recordedAt: clock.timestamp(), payload: ["person": person.name, "label": label]))
            return try tx.insertAPIToken(
                person: person.name, label: label, tokenSHA256: SHA256Hex.of(token), createdAt: event.recordedAt,
                auditSequence: event.sequence)
        }
        return (id, token)
    }

    /// Revokes token `id`: its owner may, and so may the chief executive of the owner's office.
    public func revokeAPIToken(_ id: Int64, by actorName: String, on day: Day? = nil) async throws {
        let today = try dayNotAfterToday(day)
        try await store.write { tx in
            guard let token = try tx.apiToken(id: id) else {
                throw ServiceRefusal(
                    rule: .apiTokenKnown, message: "there is no API token \(id) ('opcc token list')")
            }
            let owner = try actor(named: token.person, in: tx)
            let acting = try actor(named: actorName, in: tx)
            guard
                acting.name == owner.name
                    || (acting.office == owner.office && acting.actor.roles(covering: nil).contains(.chiefExecutive))
            else {
                throw ServiceRefusal.forbidden(
                    rule: .apiTokenRevokedByOwnerOrChiefExecutive,
                    message: "only \(owner.name) or the chief executive of \(owner.office) may revoke token \(id)")
            }
            guard token.revokedAt == nil else {
                throw ServiceRefusal(
                    rule: .apiTokenLive, message: "API token \(id) was already revoked at \(token.revokedAt!)")
            }
            let event = try tx.append(
                AuditEventDraft(
                    office: owner.office, event: "api-token-revoked", actor: actorName, effectiveDay: today,
                    recordedAt: clock.timestamp(), payload: ["person": owner.name, "label": token.label]))
            try tx.revokeAPIToken(id: id, revokedAt: event.recordedAt, auditSequence: event.sequence)
        }
    }

    /// The tokens `actorName` may see: their own, or every token of their office for its chief executive.
    public func apiTokens(as actorName: String) async throws -> [APIToken] {
        try await store.read { tx in
            let acting = try actor(named: actorName, in: tx)
            guard acting.actor.roles(covering: nil).contains(.chiefExecutive) else {
                return try tx.apiTokens(person: acting.name)
            }
            let staff = Set(try tx.people(office: acting.office).map(\.name))
            return try tx.apiTokens(person: nil).filter { staff.contains($0.person) }
        }
    }

    /// The person a token acts as. An unknown, malformed or revoked token is refused (`api-token-known`,
    /// `api-token-revoked`), without saying which of the first two it was.
    public func apiTokenPerson(_ token: String) async throws -> String {
        try await store.read { tx in
            let unknown = ServiceRefusal(
                rule: .apiTokenKnown,
                message: "this API token is not known: create one with 'opcc token create --label NAME --as YOU'")
            guard token.hasPrefix(Self.apiTokenPrefix),
                Self.isWellFormedFeedToken(String(token.dropFirst(Self.apiTokenPrefix.count))),
                let found = try tx.apiToken(tokenSHA256: SHA256Hex.of(token))
            else { throw unknown }
            if let revokedAt = found.revokedAt {
                throw ServiceRefusal(
                    rule: .apiTokenRevoked, message: "this API token was revoked at \(revokedAt)")
            }
            if let disabledAt = try tx.person(named: found.person)?.disabledAt {
                throw ServiceRefusal.forbidden(
                    rule: .personActive, message: "the holder of this API token was disabled at \(disabledAt)")
            }
            return found.person
        }
    }
}
