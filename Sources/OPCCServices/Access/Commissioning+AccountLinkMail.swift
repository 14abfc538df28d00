import Foundation
import OPCCCore
import OPCCStore

/// Issuing a one-time link and writing its mail: shared by invitations, resets sent by someone, and resets a visitor
/// asks for.
extension Commissioning {
    /// In the caller's transaction: the audit event (never the token), the link (its token's SHA-256, superseding the
    /// person's older unused links of the purpose) and the mail in the outbox, statutory so that it goes at once.
    func issueLink(
        _ purpose: AccountLinkPurpose, to person: StoredPerson, by actorName: String, linkBase: String?, on day: Day,
        in tx: any StoreTransaction, requestedFrom: String? = nil
    ) throws -> IssuedAccountLink {
        let token = Self.newLinkToken()
        let now = clock.now()
        let createdAtMs = SignInFormTokens.milliseconds(now)
        let expiresAtMs = createdAtMs + Int64(StoredAccountLink.lifetimeSeconds) * 1000
        let expiresAt = SystemClock.timestamp(Date(timeIntervalSince1970: Double(expiresAtMs) / 1000))
        var payload = ["person": person.name, "purpose": purpose.rawValue, "expiresAt": expiresAt]
        if let requestedFrom { payload["requestedFrom"] = requestedFrom }
        let event = try tx.append(
            AuditEventDraft(
                office: person.office, event: "account-link-issued", actor: actorName, effectiveDay: day,
                recordedAt: SystemClock.timestamp(now), payload: payload))
        _ = try tx.insertAccountLink(
            NewAccountLink(
                office: person.office, person: person.name, purpose: purpose, tokenSHA256: SHA256Hex.of(token),
                createdAtMs: createdAtMs, expiresAtMs: expiresAtMs, auditSequence: event.sequence))
        let draft = Self.accountLinkMail(
            purpose, to: person, token: token, linkBase: linkBase, expiresAt: expiresAt, occasion: event.sequence)
        let queued = try queueAccountLinkMail(draft, at: now, in: tx)
        return IssuedAccountLink(person: person.name, purpose: purpose, expiresAt: expiresAt, mailsQueued: queued)
    }

    /// The one place an account link's mail enters the outbox, in the issuing transaction.
    func queueAccountLinkMail(_ draft: NotificationDraft, at now: Date, in tx: any StoreTransaction) throws -> Int {
        try tx.enqueueNotifications([draft], at: now)
    }

    /// The mail: who it is for, the link (the public address and `/account/link/TOKEN`), when it stops working, and
    /// what to do if it was not expected. Nothing else about the person or the office's records.
    static func accountLinkMail(
        _ purpose: AccountLinkPurpose, to person: StoredPerson, token: String, linkBase: String?, expiresAt: String,
        occasion: Int64
    ) -> NotificationDraft {
        let path = accountLinkPath(token)
        let link = (linkBase.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 } ?? "") + path
        let until = spokenInstant(expiresAt)
        let subject: String
        let opening: String
        let ignore: String
        switch purpose {
        case .invitation:
            subject = "Choose your password for OPCC decisions"
            opening =
                "You have been given a sign-in to OPCC decisions, with the sign-in name \(person.name). "
                + "Choose your password with this link:"
            ignore = "If you did not expect this, ignore this email: no account is usable until the link is."
        case .passwordReset:
            subject = "Reset your OPCC decisions password"
            opening =
                "Someone asked to reset the password of the sign-in name \(person.name). "
                + "Choose a new password with this link:"
            ignore = "If it was not you, ignore this email: your password stays as it is."
        }
        let body = """
            Hello \(person.displayName),

            \(opening)

            \(link)

            The link works once, until \(until). After that, ask for a new one with 'Forgot your password?' on the \
            sign-in page.

            \(ignore)
            """
        return NotificationDraft(
            office: person.office, recipient: person.name, kind: purpose.rawValue, subjectID: person.name,
            occasion: "audit-\(occasion)", statutory: true, subject: subject, body: body, path: path)
    }

    /// The path of a link's page: `/account/link/TOKEN`.
    public static func accountLinkPath(_ token: String) -> String { "/account/link/" + token }

    /// `2026-11-20T13:00:00.000Z` as "13:00 UTC on 2026-11-20".
    public static func spokenInstant(_ timestamp: String) -> String {
        let parts = timestamp.split(separator: "T")
        guard parts.count == 2 else { return timestamp }
        return "\(parts[1].prefix(5)) UTC on \(parts[0])"
    }
}
